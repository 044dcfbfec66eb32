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
    ONE_OFF_KINDS,
    ClaimSection,
    budget_date,
    grant_year,
    missing_rates,
    municipality_persons,
    person_line,
)
from .moves import moved_away_persons, moves_of, one_off_owner, share_of

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
    if persons is None:
        persons = integration_persons(municipality, budget_year)
    # A person who moved within five years has the grant split at the moving date (seed 002
    # §2.1): the municipality claims its days of the year.
    moves = moves_of([p.pk for p in persons])
    for person in persons:
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
            amount = grant_line.amount
            note = ""
            person_moves = moves.get(person.pk, [])
            if grant_line.kind in ONE_OFF_KINDS:
                if one_off_owner(person_moves, person.municipality_id) != municipality.pk:
                    continue
            elif person_moves:
                share = share_of(
                    amount,
                    municipality_id=municipality.pk,
                    moves=person_moves,
                    budget_year=budget_year,
                    settled_on=settled,
                )
                if not share.amount:
                    continue
                amount, note = share.amount, share.note
            if joined_later and grant_line.kind == "single_adult":
                # The rules see one adult alone; one who joined a settled household may rather
                # be an adult in a family. The rate is not ours to choose: flag it.
                joined = "Kom etter husstanden og regnes som enslig voksen; kontroller satsen."
                section.problems.append(f"{person.full_name}: {joined}")
                note = f"{joined} {note}".strip()
            section.lines.append(
                person_line(
                    person,
                    settled_on=settled,
                    year=year,
                    kind=grant_line.kind,
                    label=KIND_LABELS.get(grant_line.kind, grant_line.kind),
                    amount=amount,
                    note=note,
                    code=codes.get(grant_line.kind, ""),
                )
            )
    return section


def integration_persons(municipality: Municipality, budget_year: int) -> list[Person]:
    """The persons whose integration grant the municipality may claim for a budget year: its
    own, and those who moved away during the year or later (their days before the move)."""
    own = municipality_persons(municipality)
    seen = {p.pk for p in own}
    return own + [p for p in moved_away_persons(municipality, budget_year) if p.pk not in seen]
