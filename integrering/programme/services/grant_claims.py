"""Grant claims: what a municipality claims from the state for one budget year, and the persons
behind every sum (seed 002 §3.1; seed 003 for the covid integration packages).

- **Integration grant** (integreringstilskudd): every settled person in years 1-5 after
  settlement, one calculation per household and settlement date (a family member who came later
  by family reunification counts from their own date), with the one-off kindergarten and
  elderly grants of year 1 as their own sums (``rules.grants.integration_grant_calculate``).
- **Norwegian training grant** (norsktilskudd): per person with the right to Norwegian
  training (the ``norwegian_training`` group of ``deadlines/arrival``, age at settlement) in
  years 1-3, low rate for the countries of ``grants/norwegian_training_low_rate_countries``,
  else high; plus the base grant by the number of such persons on the count date.
- **Special grant for unaccompanied minors** (særskilt tilskudd): every person settled as an
  unaccompanied minor, from the settlement year to the year they turn 20, by the age reached in
  the budget year (``rules.unaccompanied_minor_grant``).
- **Integration packages II and III** (covid, seed 003): participants given extended programme
  time or extended Norwegian training in a package's window, and the grant per participant.

Every line carries the directorate's grant code (``Tilskuddskode``: AR-1, AR-1 EV, ELDR, P-AR1-H,
Grunntilskudd-L, EMINB ...), as IMDi Tilskudd names it on the payout statement, from the dated
catalogue ``grants/grant_codes``, so that a claim can be checked line by line.

The disability grant needs an application with documentation and is not claimed here.

The amounts come from the rules engine and its dated parameters; a budget year the parameters
have no values for gives that grant a clear message instead of an amount.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from integrering.accounts.access import programme_municipality_ids
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.casework.services.arrival import person_facts
from integrering.errors import NotFound
from integrering.exports import AMOUNT, Cell, Column, Sheet, xlsx_bytes
from integrering.organisations.models import Municipality
from integrering.people.models import Category, Person
from integrering.rules import unaccompanied_minor_grant as minor_grant
from integrering.rules.benefit import age_on
from integrering.rules.deadlines import in_group
from integrering.rules.grant_codes import grant_codes
from integrering.rules.grants import (
    INTEGRATION_GRANT_YEARS,
    NORWEGIAN_GRANT_YEARS,
    Member,
    integration_grant_calculate,
    norwegian_grant_calculate,
    year_after_settlement,
)
from integrering.rules.integration_packages import (
    NORWEGIAN,
    PROGRAMME,
    norwegian_extension,
    programme_extension,
)
from integrering.rules.money import money_str
from integrering.rules.parameters import RulesError, parameter, value
from integrering.rules.references import reference

from ..models import Extension, ExtensionKind, NorwegianTraining, Participation
from ..periods import last_day

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
EXPORT_NAMES = {
    INTEGRATION: "integreringstilskudd",
    NORWEGIAN_GRANT: "norsktilskudd",
    UNACCOMPANIED: "saerskilt-tilskudd-enslige-mindrearige",
    PACKAGES: "integreringspakker",
}

INTEGRATION_PARAMETERS = (
    "grants/integration_grant",
    "grants/unaccompanied_minor_age_limit",
    "grants/kindergarten_one_off",
    "grants/elderly_one_off",
)
NORWEGIAN_PERSON_PARAMETERS = (
    "grants/norwegian_training_grant",
    "grants/norwegian_training_low_rate_countries",
)
NORWEGIAN_BASE = "grants/norwegian_training_base_grant"
NORWEGIAN_PARAMETERS = (*NORWEGIAN_PERSON_PARAMETERS, NORWEGIAN_BASE)
ARRIVAL = "deadlines/arrival"

# Seed 003: package I was paid out by a distribution key; packages II and III on the
# municipalities' reports of the participants given the measures. Only those are claimed here.
REPORTED_PACKAGES = ("II", "III")

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
MEASURE_LABELS: dict[str, str] = {
    ExtensionKind.PROGRAMME: "Utvidet programtid",
    ExtensionKind.NORWEGIAN_TRAINING: "Utvidet opplæring i norsk",
}
DISABILITY_NOTE = (
    "Tilskudd for flyktninger med nedsatt funksjonsevne og/eller atferdsvansker er ikke med: det "
    "gis bare etter søknad med dokumentasjon, innen 13 måneder etter første bosettingsdato."
)

# The budget years a claim may be asked for: a guard against typing errors, not a rule (the rates
# say which years can be computed).
MIN_YEAR, MAX_YEAR = 2000, 2100

NO_ACCESS = "Du har ikke tilgang til tilskudd: det er for flyktningtjenesten og kommunale ledere."
NOT_FOUND_MUNICIPALITY = "Finner ikke kommunen, eller du arbeider ikke for den."


# --- Who may claim for which municipality ---------------------------------------------------


def claim_municipalities(user: object) -> list[Municipality]:
    """The municipalities whose grants the user works with (refugee service, municipal leader)."""
    return list(
        Municipality.objects.filter(pk__in=programme_municipality_ids(user)).order_by("number")
    )


def claim_municipalities_require(user: object) -> list[Municipality]:
    """The user's municipalities for grants and the register; none at all is 403."""
    choices = claim_municipalities(user)
    if not choices:
        raise PermissionDenied(NO_ACCESS)
    return choices


def claim_municipality_get(*, user: object, number: str | None) -> Municipality:
    """The municipality asked for, or the user's own when none is named.

    A user with no programme municipality has no access at all; a number outside the user's
    reach is not found (404), the same answer as for a number that does not exist.
    """
    choices = claim_municipalities_require(user)
    if not number:
        organisation = getattr(user, "organisation", None)
        own = getattr(organisation, "municipality_id", None)
        return next((m for m in choices if m.pk == own), choices[0])
    found = next((m for m in choices if m.number == number), None)
    if found is None:
        raise NotFound(NOT_FOUND_MUNICIPALITY)
    return found


def municipality_by_number(number: str) -> Municipality | None:
    """The municipality in force with this number (for commands, which have no user)."""
    return Municipality.objects.filter(number=number, valid_to__isnull=True).first()


# --- The claim ---------------------------------------------------------------------------------


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
class PackageLine:
    """A participant given a package measure, and the grant due for it (seed 003)."""

    person_id: int
    name: str
    birth_date: datetime.date
    identity_number: str
    duf_number: str
    participation_id: int
    starts_on: datetime.date
    measure: str
    package: str
    months: int
    decided: str  # what the window is measured on: the programme's end, or Norwegian's end
    amount: Decimal

    @property
    def kind(self) -> str:
        return f"{self.package}:{self.measure}"

    @property
    def label(self) -> str:
        return f"Pakke {self.package}, {MEASURE_LABELS[self.measure].lower()}"

    def to_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "birth_date": self.birth_date.isoformat(),
            "identity_number": self.identity_number or None,
            "duf_number": self.duf_number or None,
            "participation_id": self.participation_id,
            "programme_starts_on": self.starts_on.isoformat(),
            "measure": self.measure,
            "package": self.package,
            "months": self.months,
            "window_date": self.decided,
            "amount": money_str(self.amount),
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


def _budget_date(budget_year: int) -> datetime.date:
    return datetime.date(budget_year, 1, 1)


def _missing_rates(names: Iterable[str], on: datetime.date) -> str:
    """The first parameter with no value on the date, as the rules engine words it, or ''."""
    for name in names:
        try:
            parameter(name).at(on)
        except RulesError as exc:
            return str(exc)
    return ""


def _persons(municipality: Municipality) -> list[Person]:
    return list(
        Person.objects.filter(municipality=municipality)
        .select_related("household")
        .order_by("household__reference", "pk")
    )


def _line(
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


def _in_years(budget_year: int, settled_on: datetime.date, last_year: int) -> int | None:
    try:
        return year_after_settlement(
            budget_year=budget_year, settled_on=settled_on, last_year=last_year
        )
    except RulesError:
        return None


def integration_grant_section(
    *, municipality: Municipality, budget_year: int, persons: list[Person] | None = None
) -> ClaimSection:
    """The integration grant of a budget year: one calculation per household and settlement date.

    Members are grouped by their own settlement date (``Person.settlement_date``), so a family
    member reunified later counts from the day they came. Ages are at that date; a child born
    after it was not settled and gives no grant. Seed 002 §3.1.
    """
    section = ClaimSection(INTEGRATION)
    on = _budget_date(budget_year)
    section.message = _missing_rates(INTEGRATION_PARAMETERS, on)
    if section.message:
        return section
    section.references = [reference(name, on) for name in INTEGRATION_PARAMETERS]
    section.notes.append(DISABILITY_NOTE)
    codes = grant_codes(on)
    groups: dict[tuple[int, datetime.date], list[Person]] = defaultdict(list)
    for person in persons if persons is not None else _persons(municipality):
        settled = person.settlement_date
        if settled is None:
            continue
        if person.birth_date > settled:
            continue  # born here after the settlement: not a settled person
        groups[(person.household_id, settled)].append(person)
    for (_, settled), members in sorted(
        groups.items(), key=lambda item: (item[1][0].household.reference, item[0][1])
    ):
        year = _in_years(budget_year, settled, INTEGRATION_GRANT_YEARS)
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
                _line(
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
    on = _budget_date(budget_year)
    person_missing = _missing_rates(NORWEGIAN_PERSON_PARAMETERS, on)
    base_missing = _missing_rates((NORWEGIAN_BASE,), on)
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
    candidates = list(persons if persons is not None else _persons(municipality))
    trainings = {
        t.person_id: t
        for t in NorwegianTraining.objects.filter(person__in=[p.pk for p in candidates])
    }
    for person in candidates:
        settled = person.settlement_date
        if settled is None or person.birth_date > settled:
            continue
        year = _in_years(budget_year, settled, NORWEGIAN_GRANT_YEARS)
        training = trainings.get(person.pk)
        if year is None or not _has_norwegian_training_right(person, settled, training):
            continue
        if count_on is not None and settled <= count_on:
            counted += 1
        if person_missing:
            continue
        rate = "low" if _normalised(person.citizenship) in low_countries else "high"
        note = ""
        if not person.citizenship.strip():
            note = "Statsborgerskap er ikke registrert; høy sats er lagt til grunn."
            missing_citizenship += 1
        result = norwegian_grant_calculate(budget_year=budget_year, settled_on=settled, rate=rate)
        kind = f"{rate}_year_{year}"
        section.lines.append(
            _line(
                person,
                settled_on=settled,
                year=year,
                kind=kind,
                label=f"Persontilskudd år {year}, {RATE_LABELS[rate]}",
                amount=result.amount,
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
    on = _budget_date(budget_year)
    section.message = _missing_rates((minor_grant.RATES,), on)
    if section.message:
        return section
    section.references = [reference(minor_grant.RATES, on), reference(minor_grant.AGE_LIMIT, on)]
    rates = value(minor_grant.RATES, on)
    last_age = max(rates[band]["age_to"] for band in minor_grant.BANDS)
    codes = grant_codes(on)
    settlement_year = 0
    for person in persons if persons is not None else _persons(municipality):
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
        if settled.year == budget_year:
            settlement_year += 1
        section.lines.append(
            _line(
                person,
                settled_on=settled,
                year=budget_year - settled.year + 1,
                kind=result.kind,
                label=KIND_LABELS[result.kind],
                amount=result.amount,
                note=f"Fyller {result.age_in_year} år i {budget_year}.",
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


def _package_years(name: str) -> dict[str, int]:
    """The year each package's measures were reported and paid: the year of its window date."""
    years = {}
    for window in parameter(name).values[-1]["windows"]:
        day = window.get("in_programme_on") or window.get("ended_from")
        if day is not None:
            years[str(window["package"])] = day.year
    return years


def packages_section(*, municipality: Municipality, budget_year: int) -> ClaimSection:
    """The covid integration-package report of a budget year (seed 003).

    Participants of the municipality given extended programme time or extended Norwegian
    training under package II or III, whose programme start (and still being in the programme
    on the package's date) or Norwegian training end lies in the package's window, checked by
    the rules (``rules.integration_packages``), with the grant per participant and measure.
    """
    section = ClaimSection(PACKAGES)
    years = {
        ExtensionKind.PROGRAMME: _package_years(PROGRAMME),
        ExtensionKind.NORWEGIAN_TRAINING: _package_years(NORWEGIAN),
    }
    first = parameter(PROGRAMME).first_date
    section.references = [reference(PROGRAMME, first), reference(NORWEGIAN, first)]
    reported_years = sorted(
        {
            year
            for by_package in years.values()
            for p, year in by_package.items()
            if p in REPORTED_PACKAGES
        }
    )
    if budget_year not in reported_years:
        section.message = (
            f"Integreringspakke {' og '.join(REPORTED_PACKAGES)} gjelder budsjettåret "
            f"{' og '.join(str(y) for y in reported_years)}; for {budget_year} er det ingenting å "
            "rapportere."
        )
        return section
    participations = (
        Participation.objects.filter(municipality=municipality, extensions__isnull=False)
        .distinct()
        .select_related("person")
        .prefetch_related("extensions")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    for participation in participations:
        extensions = list(participation.extensions.all())
        for measure in (ExtensionKind.PROGRAMME, ExtensionKind.NORWEGIAN_TRAINING):
            line = _package_line(
                participation, extensions, measure, years[measure], budget_year, section
            )
            if line is not None:
                section.lines.append(line)
    return section


def _package_line(
    participation: Participation,
    extensions: list[Extension],
    measure: str,
    years: dict[str, int],
    budget_year: int,
    section: ClaimSection,
) -> PackageLine | None:
    given = [e for e in extensions if e.kind == measure and e.integration_package]
    if not given:
        return None
    person = participation.person
    if measure == ExtensionKind.PROGRAMME:
        end = last_day(participation, extensions)
        answer = programme_extension(start=participation.starts_on, end=end)
        window_date = (
            f"programstart {participation.starts_on:%d.%m.%Y}, i programmet til {end:%d.%m.%Y}"
        )
    else:
        ends_on = participation.norwegian_training_ends_on
        answer = norwegian_extension(end=ends_on)
        window_date = f"norskopplæringen avsluttet {ends_on:%d.%m.%Y}" if ends_on else ""
    recorded = sorted({e.integration_package for e in given})
    if not answer.eligible or answer.package is None or answer.grant is None:
        if any(p in REPORTED_PACKAGES for p in recorded):
            section.problems.append(
                f"{person.full_name}: {MEASURE_LABELS[measure].lower()} er registrert som pakke "
                f"{', '.join(recorded)}, men er utenfor pakkenes vinduer ({answer.reason}); "
                "ikke tatt med."
            )
        return None
    if answer.package not in REPORTED_PACKAGES or years.get(answer.package) != budget_year:
        return None
    if recorded != [answer.package]:
        section.problems.append(
            f"{person.full_name}: registrert som pakke {', '.join(recorded)}, men datoene gir "
            f"pakke {answer.package}; rapportert som pakke {answer.package}."
        )
    return PackageLine(
        person_id=person.pk,
        name=person.full_name,
        birth_date=person.birth_date,
        identity_number=person.identity_number or "",
        duf_number=person.duf_number or "",
        participation_id=participation.pk,
        starts_on=participation.starts_on,
        measure=measure,
        package=answer.package,
        months=sum(e.months for e in given),
        decided=window_date,
        amount=answer.grant,
    )


def grant_claim_compute(
    *, municipality: Municipality, budget_year: int, grants: Iterable[str] = tuple(GRANTS)
) -> GrantClaim:
    """The grant claim of a municipality for a budget year (not audited: see ``grant_claim_for``)."""
    wanted = list(grants)
    unknown = [g for g in wanted if g not in GRANTS]
    if unknown:
        raise ValueError(f"Ukjent tilskudd: {', '.join(unknown)}")
    persons = (
        _persons(municipality)
        if {INTEGRATION, NORWEGIAN_GRANT, UNACCOMPANIED} & set(wanted)
        else []
    )
    sections = []
    for grant in wanted:
        if grant == INTEGRATION:
            sections.append(
                integration_grant_section(
                    municipality=municipality, budget_year=budget_year, persons=persons
                )
            )
        elif grant == NORWEGIAN_GRANT:
            sections.append(
                norwegian_grant_section(
                    municipality=municipality, budget_year=budget_year, persons=persons
                )
            )
        elif grant == UNACCOMPANIED:
            sections.append(
                unaccompanied_minor_section(
                    municipality=municipality, budget_year=budget_year, persons=persons
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


# --- Exports -----------------------------------------------------------------------------------

CODE_HEADER = "Tilskuddskode"
CLAIM_COLUMNS = [
    ("rad", "row"),
    ("kommunenummer", "municipality"),
    ("budsjettår", "budget_year"),
    ("type", "kind"),
    (CODE_HEADER, "code"),
    ("beskrivelse", "label"),
    ("beløp", "amount"),
    ("navn", "name"),
    ("fødselsdato", "birth_date"),
    ("fødselsnummer", "identity_number"),
    ("DUF-nummer", "duf_number"),
    ("husstand", "household_reference"),
    ("bosatt", "settled_on"),
    ("år etter bosetting", "year_after_settlement"),
    ("merknad", "note"),
]
PACKAGE_COLUMNS = [
    ("rad", "row"),
    ("kommunenummer", "municipality"),
    ("budsjettår", "budget_year"),
    ("pakke", "package"),
    ("tiltak", "measure"),
    ("beskrivelse", "label"),
    ("beløp", "amount"),
    ("navn", "name"),
    ("fødselsdato", "birth_date"),
    ("fødselsnummer", "identity_number"),
    ("DUF-nummer", "duf_number"),
    ("programstart", "starts_on"),
    ("måneder", "months"),
    ("vindu", "decided"),
]


def _rows(claim: GrantClaim, section: ClaimSection) -> tuple[list[str], list[list[Any]]]:
    columns = PACKAGE_COLUMNS if section.grant == PACKAGES else CLAIM_COLUMNS
    rows = []
    for line in section.lines:
        row: list[Any] = []
        for _, attr in columns:
            if attr == "row":
                row.append("linje")
            elif attr == "municipality":
                row.append(claim.municipality.number)
            elif attr == "budget_year":
                row.append(claim.budget_year)
            else:
                row.append(getattr(line, attr))
        rows.append(row)
    return [header for header, _ in columns], rows


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return money_str(cell)
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell)


def grant_claim_filename(claim: GrantClaim, grant: str, fmt: str) -> str:
    return f"{EXPORT_NAMES[grant]}-{claim.municipality.number}-{claim.budget_year}.{fmt}"


def grant_claim_csv(claim: GrantClaim, grant: str) -> bytes:
    """One grant as CSV (UTF-8, comma, dot as decimal sign, ISO dates): a row per line (column
    «rad» = «linje»), then a row per sum («sum») and the total («total»)."""
    section = claim.section(grant)
    if section is None:
        raise ValueError(f"Kravet har ikke {grant}")
    header, rows = _rows(claim, section)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_text(cell) for cell in row])
    amount_at = header.index("beløp")
    label_at = header.index("beskrivelse")
    code_at = header.index(CODE_HEADER) if CODE_HEADER in header else None
    for total in [*section.sums, ClaimSum("total", "Sum", len(section.lines), section.total)]:
        row = [""] * len(header)
        row[0] = "total" if total.kind == "total" else "sum"
        row[1], row[2] = claim.municipality.number, str(claim.budget_year)
        row[label_at] = total.label if total.kind == "total" else f"Sum {total.label}"
        row[amount_at] = money_str(total.amount)
        if code_at is not None:
            row[code_at] = total.code
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def grant_claim_xlsx(claim: GrantClaim, grant: str) -> bytes:
    """One grant as an Excel workbook: the lines, and a sheet with the sums."""
    section = claim.section(grant)
    if section is None:
        raise ValueError(f"Kravet har ikke {grant}")
    header, rows = _rows(claim, section)
    lines = Sheet(
        "Linjer",
        [Column(name, number_format=AMOUNT if name == "beløp" else None) for name in header],
        rows,
    )
    # The code comes last, so that the columns of the sums keep their places.
    sum_rows: list[list[Cell]] = [[t.label, t.count, t.amount, t.code] for t in section.sums]
    sum_rows.append(["Sum", len(section.lines), section.total, ""])
    sums = Sheet(
        "Summer",
        ["beskrivelse", "antall", Column("beløp", number_format=AMOUNT), CODE_HEADER],
        sum_rows,
        sum_row=True,
    )
    return xlsx_bytes([lines, sums])


def default_budget_year() -> int:
    return timezone.localdate().year
