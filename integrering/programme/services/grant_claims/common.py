"""What every grant of a claim shares: the grants' names, the lines, sums and sections of a
claim, and the helpers the sections use to find the persons and the year after settlement.

The labels and the order of the sums follow the directorate's grant lines (seed 002 §3.1; the
codes themselves come from the dated catalogue ``grants/grant_codes``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from integrering.organisations.models import Municipality
from integrering.people.models import Person
from integrering.rules import unaccompanied_minor_grant as minor_grant
from integrering.rules.grants import year_after_settlement
from integrering.rules.money import money_str
from integrering.rules.parameters import RulesError, parameter

INTEGRATION = "integration"
NORWEGIAN_GRANT = "norwegian"
UNACCOMPANIED = "unaccompanied_minors"
PACKAGES = "packages"
GRANTS: dict[str, str] = {
    INTEGRATION: "Integreringstilskudd",
    NORWEGIAN_GRANT: "Norsktilskudd",
    UNACCOMPANIED: "Særskilt tilskudd for enslige mindreårige",
    PACKAGES: "Integreringspakker (covid-19)",
}

ONE_OFF_KINDS = ("kindergarten_one_off", "elderly_one_off")
KIND_LABELS = {
    "single_adult": "År 1, enslig voksen",
    "adult": "År 1, voksen",
    "child": "År 1, barn",
    "unaccompanied_minor": "År 1, enslig mindreårig",
    "kindergarten_one_off": "Barnehagetilskudd (engangstilskudd)",
    "elderly_one_off": "Eldretilskudd (engangstilskudd)",
    "year_2": "År 2",
    "year_3": "År 3",
    "year_4": "År 4",
    "year_5": "År 5",
    "base_grant": "Grunntilskudd",
    "unaccompanied_minor_younger": "Enslig mindreårig, til og med året personen fyller 16 år",
    "unaccompanied_minor_older": "Enslig mindreårig, fra året personen fyller 17 til og med 20 år",
}
RATE_LABELS = {"low": "lav sats", "high": "høy sats"}
# The order of the sums on the page and in the exports: year 1 first, the one-off grants last.
SUM_ORDER = [
    "single_adult",
    "adult",
    "child",
    "unaccompanied_minor",
    "year_2",
    "year_3",
    "year_4",
    "year_5",
    "kindergarten_one_off",
    "elderly_one_off",
    *(f"{rate}_year_{year}" for year in (1, 2, 3) for rate in RATE_LABELS),
    "base_grant",
    *(f"unaccompanied_minor_{band}" for band in minor_grant.BANDS),
]
DISABILITY_NOTE = (
    "Tilskudd for flyktninger med nedsatt funksjonsevne og/eller atferdsvansker er ikke med: det "
    "gis bare etter søknad med dokumentasjon, innen 13 måneder etter første bosettingsdato."
)

# The budget years a claim may be asked for: a guard against typing errors, not a rule (the rates
# say which years can be computed).
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class ClaimLine:
    """One amount and the person behind it (the base grant has no single person)."""

    person_id: int | None
    name: str
    birth_date: datetime.date | None
    identity_number: str
    duf_number: str
    household_reference: str
    settled_on: datetime.date | None
    year_after_settlement: int | None
    kind: str
    label: str
    amount: Decimal
    note: str = ""
    code: str = ""  # the directorate's grant code (grants/grant_codes), "" where it names none

    def to_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "identity_number": self.identity_number or None,
            "duf_number": self.duf_number or None,
            "household_reference": self.household_reference or None,
            "settled_on": self.settled_on.isoformat() if self.settled_on else None,
            "year_after_settlement": self.year_after_settlement,
            "kind": self.kind,
            "code": self.code,
            "label": self.label,
            "amount": money_str(self.amount),
            "note": self.note,
        }


@dataclass(frozen=True)
class ClaimSum:
    kind: str
    label: str
    count: int
    amount: Decimal
    code: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "label": self.label,
            "count": self.count,
            "amount": money_str(self.amount),
        }


@dataclass
class ClaimSection:
    """One grant of the claim: its lines, or the message why it cannot be computed."""

    grant: str
    lines: list[Any] = field(default_factory=list)
    message: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    references: list[dict[str, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return GRANTS[self.grant]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def sums(self) -> list[ClaimSum]:
        """One sum per kind, in ``SUM_ORDER`` (package sums by package and measure)."""
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        counts: dict[str, int] = defaultdict(int)
        labels: dict[str, str] = {}
        codes: dict[str, set[str]] = defaultdict(set)
        for line in self.lines:
            amounts[line.kind] += line.amount
            counts[line.kind] += 1
            labels.setdefault(line.kind, line.label)
            codes[line.kind].add(getattr(line, "code", ""))
        order = sorted(
            labels,
            key=lambda k: (SUM_ORDER.index(k), "") if k in SUM_ORDER else (len(SUM_ORDER), k),
        )
        return [
            ClaimSum(
                kind,
                labels[kind],
                counts[kind],
                amounts[kind],
                # One code per sum; a kind whose lines carry different codes shows none.
                next(iter(codes[kind])) if len(codes[kind]) == 1 else "",
            )
            for kind in order
        ]

    @property
    def one_off_total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind in ONE_OFF_KINDS), Decimal(0))

    @property
    def person_ids(self) -> list[int]:
        return sorted({line.person_id for line in self.lines if line.person_id is not None})

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "grant": self.grant,
            "title": self.title,
            "message": self.message or None,
            "total": money_str(self.total),
            "sums": [s.to_json() for s in self.sums],
            "lines": [line.to_json() for line in self.lines],
            "problems": self.problems,
            "notes": self.notes,
            "references": self.references,
        }
        if self.grant == INTEGRATION:
            data["one_off_total"] = money_str(self.one_off_total)
        return data


@dataclass
class GrantClaim:
    municipality: Municipality
    budget_year: int
    sections: list[ClaimSection]

    @property
    def total(self) -> Decimal:
        return sum((s.total for s in self.sections), Decimal(0))

    def section(self, grant: str) -> ClaimSection | None:
        return next((s for s in self.sections if s.grant == grant), None)

    @property
    def person_ids(self) -> list[int]:
        return sorted({pid for s in self.sections for pid in s.person_ids})

    def to_json(self) -> dict[str, Any]:
        return {
            "municipality": self.municipality.number,
            "municipality_name": self.municipality.name,
            "budget_year": self.budget_year,
            "total": money_str(self.total),
            "grants": {s.grant: s.to_json() for s in self.sections},
            "not_included": [DISABILITY_NOTE],
        }


def default_budget_year() -> int:
    return timezone.localdate().year


def budget_date(budget_year: int) -> datetime.date:
    """The day the rates of a budget year are read on: 1 January."""
    return datetime.date(budget_year, 1, 1)


def missing_rates(names: Iterable[str], on: datetime.date) -> str:
    """The first parameter with no value on the date, as the rules engine words it, or ''."""
    for name in names:
        try:
            parameter(name).at(on)
        except RulesError as exc:
            return str(exc)
    return ""


def municipality_persons(municipality: Municipality) -> list[Person]:
    """Every person registered in the municipality, by household, with the household loaded."""
    return list(
        Person.objects.filter(municipality=municipality)
        .select_related("household")
        .order_by("household__reference", "pk")
    )


def person_line(
    person: Person,
    *,
    settled_on: datetime.date,
    year: int,
    kind: str,
    label: str,
    amount: Decimal,
    note: str = "",
    code: str = "",
) -> ClaimLine:
    """A claim line for one person, with the person's names and numbers filled in."""
    return ClaimLine(
        person_id=person.pk,
        name=person.full_name,
        birth_date=person.birth_date,
        identity_number=person.identity_number or "",
        duf_number=person.duf_number or "",
        household_reference=person.household.reference,
        settled_on=settled_on,
        year_after_settlement=year,
        kind=kind,
        label=label,
        amount=amount,
        note=note,
        code=code,
    )


def grant_year(budget_year: int, settled_on: datetime.date, last_year: int) -> int | None:
    """The year after settlement the budget year is, or None outside years 1..``last_year``."""
    try:
        return year_after_settlement(
            budget_year=budget_year, settled_on=settled_on, last_year=last_year
        )
    except RulesError:
        return None
