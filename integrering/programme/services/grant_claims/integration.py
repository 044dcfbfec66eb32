"""The integration grant (integreringstilskudd) of a budget year (seed 002 §3.1).

Every settled person in years 1-5 after settlement, one calculation per household and
settlement date (a family member who came later by family reunification counts from their own
date), with the one-off kindergarten and elderly grants of year 1 as their own sums
(``rules.grants.integration_grant_calculate``). The directorate's codes: AR-1, AR-1 EV, AR-1 B,
AR-2 .. AR-5, BHT (kindergarten), ELDR (elderly), from ``grants/grant_codes``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from integrering.organisations.models import Municipality
from integrering.people.models import Category, Person
from integrering.rules.benefit import age_on
from integrering.rules.grant_codes import grant_codes
from integrering.rules.grants import (
    INTEGRATION_GRANT_YEARS,
    Member,
    integration_grant_calculate,
)
from integrering.rules.parameters import RulesError
from integrering.rules.references import reference

from .common import (
    DISABILITY_NOTE,
    INTEGRATION,
    KIND_LABELS,
    ClaimSection,
    budget_date,
    grant_year,
    missing_rates,
    municipality_persons,
    person_line,
)

INTEGRATION_PARAMETERS = (
    "grants/integration_grant",
    "grants/unaccompanied_minor_age_limit",
    "grants/kindergarten_one_off",
    "grants/elderly_one_off",
)


def integration_grant_section(
    *, municipality: Municipality, budget_year: int, persons: list[Person] | None = None
) -> ClaimSection:
    """The integration grant of a budget year: one calculation per household and settlement date.

    Members are grouped by their own settlement date (``Person.settlement_date``), so a family
    member reunified later counts from the day they came. Ages are at that date; a child born
    after it was not settled and gives no grant. Seed 002 §3.1.
    """
    section = ClaimSection(INTEGRATION)
    on = budget_date(budget_year)
    section.message = missing_rates(INTEGRATION_PARAMETERS, on)
    if section.message:
        return section
    section.references = [reference(name, on) for name in INTEGRATION_PARAMETERS]
    section.notes.append(DISABILITY_NOTE)
    codes = grant_codes(on)
    groups: dict[tuple[int, datetime.date], list[Person]] = defaultdict(list)
    for person in persons if persons is not None else municipality_persons(municipality):
        settled = person.settlement_date
        if settled is None:
            continue
        if person.birth_date > settled:
            continue  # born here after the settlement: not a settled person
        groups[(person.household_id, settled)].append(person)
    for (_, settled), members in sorted(
        groups.items(), key=lambda item: (item[1][0].household.reference, item[0][1])
    ):
        year = grant_year(budget_year, settled, INTEGRATION_GRANT_YEARS)
        if year is None:
            continue
        facts = [
            Member(
                age=age_on(p.birth_date, settled),
                unaccompanied_minor=p.category == Category.UNACCOMPANIED_MINOR,
            )
            for p in members
        ]
        try:
            result = integration_grant_calculate(
                budget_year=budget_year, settled_on=settled, members=facts
            )
        except RulesError as exc:
            section.problems.append(
                f"Husstand {members[0].household.reference} (bosatt {settled:%d.%m.%Y}): {exc}"
            )
            continue
        joined_later = settled != members[0].household.settled_on
        for grant_line in result.lines:
            person = members[grant_line.member - 1]
            note = ""
            if joined_later and grant_line.kind == "single_adult":
                # The rules see one adult alone; one who joined a settled household may rather
                # be an adult in a family. The rate is not ours to choose: flag it.
                note = "Kom etter husstanden og regnes som enslig voksen; kontroller satsen."
                section.problems.append(f"{person.full_name}: {note}")
            section.lines.append(
                person_line(
                    person,
                    settled_on=settled,
                    year=year,
                    kind=grant_line.kind,
                    label=KIND_LABELS.get(grant_line.kind, grant_line.kind),
                    amount=grant_line.amount,
                    note=note,
                    code=codes.get(grant_line.kind, ""),
                )
            )
    return section
