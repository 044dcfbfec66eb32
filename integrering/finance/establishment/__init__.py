"""Establishment support as casework (etableringsstønad, seed 002 §3.2; issue 22 item 7).

A household applies; the refugee service grants furniture and equipment and clothes, each up to
the common scheme's maximum for the household (``rules/establishment.py``, the calculator);
every purchase is approved in advance («Alle innkjøp skal på forhånd godkjennes av
flyktningetjenesten») and paid either to the shop on its invoice or to the refugee in cash
(«Flyktningetjenesten bestemmer om etableringsbeløpet skal betales direkte til butikken etter
regning eller om flyktningen får utbetalt beløpet kontant»). Clothes are bought in the first
year in the municipality; family reunification with a family member settled here is supported
for a limited number of years after that member's settlement. Both windows are parameters.

The municipality keeps a register per year: what was granted and what was paid, by household.

The household's members are personal data: reading an application is audited for each member
(``household_get``), every write is audited, and only the refugee service writes. Every change
names the version it started from (``integrering.concurrency``).
"""
