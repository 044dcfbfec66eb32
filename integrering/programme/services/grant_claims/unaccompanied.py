"""The special grant for unaccompanied minors (særskilt tilskudd) of a budget year.

Every person settled as an unaccompanied minor, from the settlement year to the year they turn
20, by the age reached in the budget year (``rules.unaccompanied_minor_grant``; codes EMINB for
0-16 and EMINU for 17-20 from ``grants/grant_codes``). It is paid on top of the integration grant.

A minor who moved within five years of settlement (seed 002 §2.1: the grants follow the person
from the moving date; issue 22 item 6) has the year's grant split by days at the moving date like
the integration grant (``moves.share_of``). The seeds name no other rule for this grant.
"""

from __future__ import annotations

from integrering.organisations.models import Municipality
from integrering.people.models import Category, Person
from integrering.rules import unaccompanied_minor_grant as minor_grant
from integrering.rules.grant_codes import grant_codes
from integrering.rules.parameters import RulesError, value
from integrering.rules.references import reference

from .common import (
    KIND_LABELS,
    UNACCOMPANIED,
    ClaimSection,
    budget_date,
    missing_rates,
    municipality_persons,
    person_line,
)
from .moves import moves_of, share_of


def unaccompanied_minor_section(
    *, municipality: Municipality, budget_year: int, persons: list[Person] | None = None
) -> ClaimSection:
    """The special grant for unaccompanied minors (særskilt tilskudd) of a budget year.

    Every person registered as an unaccompanied minor (``Category.UNACCOMPANIED_MINOR``) and
    settled by the end of the budget year, up to and including the year they turn 20; the rate
    by the age reached in the budget year (``rules.unaccompanied_minor_grant``: 0-16 EMINB,
    17-20 EMINU). A person who was 18 or older at settlement is a problem to check, not a line.
    """
    section = ClaimSection(UNACCOMPANIED)
    on = budget_date(budget_year)
    section.message = missing_rates((minor_grant.RATES,), on)
    if section.message:
        return section
    section.references = [reference(minor_grant.RATES, on), reference(minor_grant.AGE_LIMIT, on)]
    rates = value(minor_grant.RATES, on)
    last_age = max(rates[band]["age_to"] for band in minor_grant.BANDS)
    codes = grant_codes(on)
    settlement_year = 0
    candidates = persons if persons is not None else municipality_persons(municipality)
    moves = moves_of([p.pk for p in candidates])
    for person in candidates:
        settled = person.settlement_date
        if (
            person.category != Category.UNACCOMPANIED_MINOR
            or settled is None
            or person.birth_date > settled
            or settled.year > budget_year
            or budget_year - person.birth_date.year > last_age
        ):
            continue
        try:
            result = minor_grant.unaccompanied_minor_grant_calculate(
                budget_year=budget_year, birth_date=person.birth_date, settled_on=settled
            )
        except RulesError as exc:
            section.problems.append(f"{person.full_name}: {exc}")
            continue
        amount, note = result.amount, f"Fyller {result.age_in_year} år i {budget_year}."
        person_moves = moves.get(person.pk, [])
        if person_moves:
            share = share_of(
                amount,
                municipality_id=municipality.pk,
                moves=person_moves,
                budget_year=budget_year,
                settled_on=settled,
            )
            if not share.amount:
                continue
            amount, note = share.amount, " ".join(x for x in (note, share.note) if x)
        if settled.year == budget_year:
            settlement_year += 1
        section.lines.append(
            person_line(
                person,
                settled_on=settled,
                year=budget_year - settled.year + 1,
                kind=result.kind,
                label=KIND_LABELS[result.kind],
                amount=amount,
                note=note,
                code=codes.get(result.kind, ""),
            )
        )
    if settlement_year:
        section.notes.append(
            f"{settlement_year} person(er) ble bosatt i {budget_year}; for bosettingsåret er hele "
            "årssatsen lagt til grunn (kildene sier ikke om IMDi avkorter den). Kontroller mot "
            "utbetalingen."
        )
    return section
