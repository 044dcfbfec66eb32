"""Grant claims: what a municipality claims from the state for one budget year, and the persons
behind every sum (seed 002 §3.1; seed 003 for the covid integration packages).

One module per grant, each with its own docstring and sources:

- ``integration``: the integration grant (integreringstilskudd), years 1-5 after settlement,
  with the one-off kindergarten and elderly grants of year 1 as their own sums;
- ``norwegian``: the Norwegian training grant (norsktilskudd), the person grant of years 1-3 and
  the base grant by the number of persons with the right on the count date;
- ``unaccompanied``: the special grant for unaccompanied minors (særskilt tilskudd);
- ``packages``: integration packages II and III (covid, seed 003), the grant per participant;
- ``common``: the claim's lines, sums and sections, and the helpers the grants share;
- ``municipalities``: who may claim for which municipality;
- ``export``: one grant of a claim as CSV or Excel (the JSON is ``GrantClaim.to_json``).

Every line carries the directorate's grant code (``Tilskuddskode``: AR-1, AR-1 EV, ELDR, P-AR1-H,
Grunntilskudd-L, EMINB ...), as IMDi Tilskudd names it on the payout statement, from the dated
catalogue ``grants/grant_codes``, so that a claim can be checked line by line.

The disability grant needs an application with documentation and is not claimed here.

The amounts come from the rules engine and its dated parameters; a budget year the parameters
have no values for gives that grant a clear message instead of an amount.
"""

from __future__ import annotations

from collections.abc import Iterable

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.organisations.models import Municipality

from .common import (
    DISABILITY_NOTE,
    GRANTS,
    INTEGRATION,
    KIND_LABELS,
    MAX_YEAR,
    MIN_YEAR,
    NORWEGIAN_GRANT,
    ONE_OFF_KINDS,
    PACKAGES,
    RATE_LABELS,
    SUM_ORDER,
    UNACCOMPANIED,
    ClaimLine,
    ClaimSection,
    ClaimSum,
    GrantClaim,
    default_budget_year,
    municipality_persons,
)
from .export import (
    CLAIM_COLUMNS,
    CODE_HEADER,
    EXPORT_NAMES,
    PACKAGE_COLUMNS,
    grant_claim_csv,
    grant_claim_filename,
    grant_claim_xlsx,
)
from .integration import INTEGRATION_PARAMETERS, integration_grant_section
from .moves import moved_away_persons
from .municipalities import (
    NO_ACCESS,
    NOT_FOUND_MUNICIPALITY,
    claim_municipalities,
    claim_municipalities_require,
    claim_municipality_get,
    municipality_by_number,
)
from .norwegian import (
    ARRIVAL,
    NORWEGIAN_BASE,
    NORWEGIAN_PARAMETERS,
    NORWEGIAN_PERSON_PARAMETERS,
    norwegian_grant_section,
)
from .packages import MEASURE_LABELS, REPORTED_PACKAGES, PackageLine, packages_section
from .unaccompanied import unaccompanied_minor_section

__all__ = [
    "ARRIVAL",
    "CLAIM_COLUMNS",
    "CODE_HEADER",
    "DISABILITY_NOTE",
    "EXPORT_NAMES",
    "GRANTS",
    "INTEGRATION",
    "INTEGRATION_PARAMETERS",
    "KIND_LABELS",
    "MAX_YEAR",
    "MEASURE_LABELS",
    "MIN_YEAR",
    "NORWEGIAN_BASE",
    "NORWEGIAN_GRANT",
    "NORWEGIAN_PARAMETERS",
    "NORWEGIAN_PERSON_PARAMETERS",
    "NOT_FOUND_MUNICIPALITY",
    "NO_ACCESS",
    "ONE_OFF_KINDS",
    "PACKAGES",
    "PACKAGE_COLUMNS",
    "RATE_LABELS",
    "REPORTED_PACKAGES",
    "SUM_ORDER",
    "UNACCOMPANIED",
    "ClaimLine",
    "ClaimSection",
    "ClaimSum",
    "GrantClaim",
    "PackageLine",
    "claim_municipalities",
    "claim_municipalities_require",
    "claim_municipality_get",
    "default_budget_year",
    "grant_claim_compute",
    "grant_claim_csv",
    "grant_claim_filename",
    "grant_claim_for",
    "grant_claim_xlsx",
    "integration_grant_section",
    "municipality_by_number",
    "norwegian_grant_section",
    "packages_section",
    "unaccompanied_minor_section",
]


def grant_claim_compute(
    *, municipality: Municipality, budget_year: int, grants: Iterable[str] = tuple(GRANTS)
) -> GrantClaim:
    """The grant claim of a municipality for a budget year (not audited: see ``grant_claim_for``)."""
    wanted = list(grants)
    unknown = [g for g in wanted if g not in GRANTS]
    if unknown:
        raise ValueError(f"Ukjent tilskudd: {', '.join(unknown)}")
    persons = (
        municipality_persons(municipality)
        if {INTEGRATION, NORWEGIAN_GRANT, UNACCOMPANIED} & set(wanted)
        else []
    )
    # With those who moved away: the municipality claims their days before the move (seed 002
    # §2.1), of the integration grant, the Norwegian training grant and the minors' grant.
    own = {p.pk for p in persons}
    moved = (
        [p for p in moved_away_persons(municipality, budget_year) if p.pk not in own]
        if {INTEGRATION, NORWEGIAN_GRANT, UNACCOMPANIED} & set(wanted)
        else []
    )
    sections = []
    for grant in wanted:
        if grant == INTEGRATION:
            sections.append(
                integration_grant_section(
                    municipality=municipality, budget_year=budget_year, persons=persons + moved
                )
            )
        elif grant == NORWEGIAN_GRANT:
            sections.append(
                norwegian_grant_section(
                    municipality=municipality, budget_year=budget_year, persons=persons + moved
                )
            )
        elif grant == UNACCOMPANIED:
            sections.append(
                unaccompanied_minor_section(
                    municipality=municipality, budget_year=budget_year, persons=persons + moved
                )
            )
        else:
            sections.append(packages_section(municipality=municipality, budget_year=budget_year))
    return GrantClaim(municipality, budget_year, sections)


def grant_claim_for(
    *,
    ctx: AccessContext,
    municipality: Municipality,
    budget_year: int,
    grants: Iterable[str] = tuple(GRANTS),
    action: str = AuditAction.LIST,
) -> GrantClaim:
    """The grant claim, with every person listed in it written to the audit log."""
    claim = grant_claim_compute(municipality=municipality, budget_year=budget_year, grants=grants)
    audit_record_many(
        ctx=ctx,
        person_ids=claim.person_ids,
        action=action,
        detail=f"tilskuddskrav {municipality.number} {budget_year}",
    )
    return claim
