"""The Norwegian training grant (norsktilskudd) of a budget year (seed 002 §3.1).

- **Person grant**: per person with the right to Norwegian training (as registered by adult
  education, else the ``norwegian_training`` group of ``deadlines/arrival``, age at settlement)
  in years 1-3 after settlement, low rate for the countries of
  ``grants/norwegian_training_low_rate_countries``, else high (codes P-AR1-H .. P-AR3-L).
- **Base grant**: by the number of such persons settled on the count date (15 January), in the
  bands of ``grants/norwegian_training_base_grant`` (codes Grunntilskudd-H / -L).

The codes come from ``grants/grant_codes``.

A person who moved within five years of settlement (seed 002 §2.1: the grants follow the person
from the moving date; issue 22 item 6) has the person grant split by days at the moving date like
the integration grant (``moves.share_of``), and counts for the base grant in the municipality they
lived in on the count date (``moves.owner_on``). The seeds name no other rule for this grant.
"""

from __future__ import annotations

import datetime
from typing import Any

from integrering.casework.services.arrival import person_facts
from integrering.organisations.models import Municipality
from integrering.people.models import Person
from integrering.rules.benefit import age_on
from integrering.rules.deadlines import in_group
from integrering.rules.grant_codes import grant_codes
from integrering.rules.grants import NORWEGIAN_GRANT_YEARS, norwegian_grant_calculate
from integrering.rules.parameters import parameter, value
from integrering.rules.references import reference

from ...models import NorwegianTraining
from .common import (
    NORWEGIAN_GRANT,
    RATE_LABELS,
    ClaimLine,
    ClaimSection,
    budget_date,
    grant_year,
    missing_rates,
    municipality_persons,
    person_line,
)
from .moves import moves_of, owner_on, share_of

NORWEGIAN_PERSON_PARAMETERS = (
    "grants/norwegian_training_grant",
    "grants/norwegian_training_low_rate_countries",
)
NORWEGIAN_BASE = "grants/norwegian_training_base_grant"
NORWEGIAN_PARAMETERS = (*NORWEGIAN_PERSON_PARAMETERS, NORWEGIAN_BASE)
ARRIVAL = "deadlines/arrival"


def _normalised(country: str) -> str:
    return " ".join(country.split()).casefold()


def _low_rate_countries(on: datetime.date) -> frozenset[str]:
    return frozenset(
        _normalised(str(c))
        for c in value("grants/norwegian_training_low_rate_countries", on)["countries"]
    )


def _has_norwegian_training_right(
    person: Person, settled_on: datetime.date, training: NorwegianTraining | None = None
) -> bool:
    """Whether the person has the right to Norwegian training.

    Where adult education has registered the training, its basis decides: the right (with or
    without the duty) counts, the duty alone does not. Otherwise: in the Norwegian training
    group (18-67) at settlement. ``deadlines/arrival`` holds the group from its first date; a
    person settled before that is judged by the earliest rule we have, on their age at
    settlement (our reading).
    """
    if training is not None:
        return training.has_right
    first = parameter(ARRIVAL).first_date
    if settled_on >= first:
        return in_group("norwegian_training", person_facts(person), settled_on)
    group = value(ARRIVAL, first)["groups"]["norwegian_training"]
    age = age_on(person.birth_date, settled_on)
    return bool(group.get("min_age", 0) <= age <= group.get("max_age", age))


def _count_date(budget_year: int, rule: dict[str, Any]) -> datetime.date:
    month, day = (int(part) for part in str(rule["count_date"]).split("-"))
    return datetime.date(budget_year, month, day)


def norwegian_grant_section(
    *, municipality: Municipality, budget_year: int, persons: list[Person] | None = None
) -> ClaimSection:
    """The Norwegian training grant of a budget year: the person grant and the base grant.

    Person grant: everyone with the right to Norwegian training at settlement (18-67), years 1-3
    after settlement; low rate for citizens of the countries in
    ``grants/norwegian_training_low_rate_countries``, else high. Base grant: by the number of
    those persons settled on or before the count date (15 January) of the budget year, in the
    band of ``grants/norwegian_training_base_grant``. Seed 002 §3.1. The two have their own
    rates: a year with a source for one of them only claims that one, and says why the other
    is missing.
    """
    section = ClaimSection(NORWEGIAN_GRANT)
    on = budget_date(budget_year)
    person_missing = missing_rates(NORWEGIAN_PERSON_PARAMETERS, on)
    base_missing = missing_rates((NORWEGIAN_BASE,), on)
    if person_missing and base_missing:
        section.message = person_missing
        return section
    section.references = [
        reference(name, on) for name in NORWEGIAN_PARAMETERS if parameter(name).in_force(on)
    ]
    if person_missing:
        section.problems.append(f"Persontilskuddet er ikke beregnet: {person_missing}")
    if base_missing:
        section.problems.append(f"Grunntilskuddet er ikke beregnet: {base_missing}")
    codes = grant_codes(on)
    low_countries = frozenset[str]() if person_missing else _low_rate_countries(on)
    base = None if base_missing else value(NORWEGIAN_BASE, on)
    count_on = _count_date(budget_year, base) if base is not None else None
    counted = 0
    missing_citizenship = 0
    candidates = list(persons if persons is not None else municipality_persons(municipality))
    trainings = {
        t.person_id: t
        for t in NorwegianTraining.objects.filter(person__in=[p.pk for p in candidates])
    }
    moves = moves_of([p.pk for p in candidates])
    for person in candidates:
        settled = person.settlement_date
        if settled is None or person.birth_date > settled:
            continue
        year = grant_year(budget_year, settled, NORWEGIAN_GRANT_YEARS)
        training = trainings.get(person.pk)
        if year is None or not _has_norwegian_training_right(person, settled, training):
            continue
        person_moves = moves.get(person.pk, [])
        if (
            count_on is not None
            and settled <= count_on
            and owner_on(person_moves, count_on, person.municipality_id) == municipality.pk
        ):
            counted += 1
        if person_missing:
            continue
        rate = "low" if _normalised(person.citizenship) in low_countries else "high"
        result = norwegian_grant_calculate(budget_year=budget_year, settled_on=settled, rate=rate)
        amount = result.amount
        share_note = ""
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
            amount, share_note = share.amount, share.note
        note = ""
        if not person.citizenship.strip():
            note = "Statsborgerskap er ikke registrert; høy sats er lagt til grunn."
            missing_citizenship += 1
        note = " ".join(x for x in (note, share_note) if x)
        kind = f"{rate}_year_{year}"
        section.lines.append(
            person_line(
                person,
                settled_on=settled,
                year=year,
                kind=kind,
                label=f"Persontilskudd år {year}, {RATE_LABELS[rate]}",
                amount=amount,
                note=note,
                code=codes.get(kind, ""),
            )
        )
    if missing_citizenship:
        section.problems.append(
            f"{missing_citizenship} person(er) mangler statsborgerskap; høy sats er lagt til "
            "grunn. Kontroller før kravet sendes."
        )
    if base is not None and count_on is not None and counted:
        band_name = next(
            (
                name
                for name in ("low", "high")
                if base[name]["persons_from"] <= counted <= base[name]["persons_to"]
            ),
            None,
        )
        if band_name is None:
            section.problems.append(
                f"Grunntilskudd: {counted} personer med rett per {count_on:%d.%m.%Y} er utenfor "
                "satsene vi har kilde for; grunntilskuddet er ikke beregnet."
            )
        else:
            section.lines.append(
                ClaimLine(
                    person_id=None,
                    name="",
                    birth_date=None,
                    identity_number="",
                    duf_number="",
                    household_reference="",
                    settled_on=None,
                    year_after_settlement=None,
                    kind="base_grant",
                    label=(
                        f"Grunntilskudd ({counted} person{'er' if counted != 1 else ''} med rett "
                        f"per {count_on:%d.%m.%Y})"
                    ),
                    amount=base[band_name]["amount"],
                    note=(
                        f"Personene med rett som var bosatt per {count_on:%d.%m.%Y}; satsen gjelder "
                        f"for {base['years']} år."
                    ),
                    code=codes.get(f"base_grant_{band_name}", ""),
                )
            )
    return section
