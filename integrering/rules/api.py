"""The rules calculators over HTTP, at /api/v1/rules/... (same formulas as the command line)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from integrering.schemas import ErrorOut

from .calculators import calculate
from .catalogue import parameters_table
from .parameters import RulesError

router = Router(tags=["satser og beregninger"])
ERRORS = {400: ErrorOut, 401: ErrorOut}


class Reference(Schema):
    parameter: str
    description: str
    in_force_from: str
    law: str = Field("", description="Kilden slik brukeren viser til den (lov og paragraf)")
    reference: str
    source: str = Field("", description="Kilden for verdien som gjelder, der filen oppgir en")


class BenefitIn(Schema):
    on: datetime.date
    birth_date: datetime.date
    permit_date: datetime.date | None = None
    lives_with_parent: bool = False
    absence_hours: Decimal = Field(Decimal(0), ge=0, le=10000)


class BenefitOut(Schema):
    on: str
    act: str
    age: int
    g: str
    share: str
    yearly: str
    monthly: str
    daily: str
    hourly: str
    absence_hours: str
    deduction: str
    payable_monthly: str
    deduction_needs_decision: bool
    references: list[Reference]


class GrantIn(Schema):
    budget_year: int = Field(..., ge=1900, le=2200)
    settled_on: datetime.date
    member: list[str] = Field(
        ..., min_length=1, max_length=50, description="ALDER eller ALDER:ema, én per person"
    )


class GrantLineOut(Schema):
    member: int
    kind: str
    amount: str


class GrantOut(Schema):
    budget_year: int
    year_after_settlement: int
    total: str
    lines: list[GrantLineOut]
    references: list[Reference]


class NorwegianIn(Schema):
    budget_year: int = Field(..., ge=1900, le=2200)
    settled_on: datetime.date
    rate: Literal["low", "high"]


class NorwegianOut(Schema):
    budget_year: int
    year_after_settlement: int
    rate: str
    amount: str
    references: list[Reference]


class UnaccompaniedMinorIn(Schema):
    budget_year: int = Field(..., ge=1900, le=2200)
    birth_date: datetime.date
    settled_on: datetime.date


class UnaccompaniedMinorOut(Schema):
    budget_year: int
    age_in_year: int
    band: str = Field(description="younger (til og med året personen fyller 16) eller older")
    kind: str
    code: str = Field(description="Tilskuddskoden i IMDi Tilskudd (EMINB eller EMINU)")
    amount: str
    references: list[Reference]


class DisabilityGrantIn(Schema):
    grant: int = Field(..., ge=1, le=2, description="1: engangstilskudd (år 1 eller 2); 2: årlig")
    budget_year: int = Field(..., ge=1900, le=2200)
    settled_on: datetime.date = Field(..., description="Første bosettingsdato")
    category: Literal[
        "transfer_refugee",
        "from_reception",
        "family_reunification",
        "unaccompanied_minor",
        "self_settled",
    ] = Field(..., description="Familiegjenforente og selvbosatte gir ikke tilskudd")
    documented_need: Decimal | None = Field(
        None, ge=0, le=1_000_000_000, description="Tilskudd 2: dokumenterte utgifter i året"
    )
    birth_date: datetime.date | None = Field(
        None, description="Enslig mindreårig: tilskudd 2 til og med året hen fyller 20"
    )


class DisabilityGrantOut(Schema):
    grant: int
    kind: str
    code: str
    budget_year: int
    year_after_settlement: int
    category: str
    documented_need: str | None
    rate: str
    amount: str
    capped: bool
    application_deadline: str | None
    references: list[Reference]


class EstablishmentIn(Schema):
    adults: int = Field(..., ge=0, le=50)
    children: int = Field(..., ge=0, le=50)
    shared_dwelling: bool = False
    family_reunification: bool = False
    on: datetime.date | None = None


class EstablishmentLineOut(Schema):
    item: str
    count: int
    rate: str | None
    amount: str | None
    note: str


class EstablishmentOut(Schema):
    on: str
    furniture: str
    clothes: str
    total: str
    lines: list[EstablishmentLineOut]
    references: list[Reference]


class PackageIn(Schema):
    programme_start: datetime.date | None = None
    programme_end: datetime.date | None = None
    norwegian_end: datetime.date | None = None
    right_and_duty: bool | None = Field(
        None,
        description="Rett og plikt til opplæring etter introduksjonsloven § 17 første ledd "
        "(kreves for pakke II og III); uten: ikke oppgitt",
    )


class PackageAnswerOut(Schema):
    eligible: bool
    package: str | None
    max_months: int | None
    needs_tested: bool
    needs_test: str | None = Field(
        description="Hva behovet vurderes mot, når tiltaket er behovsprøvd"
    )
    grant: str | None
    legal_basis: str | None = Field(description="Hjemmelen vedtaket skal nevne")
    reason: str


class ReinforcedOut(Schema):
    eligible: bool
    max_months: int | None
    extension_max_months: int | None
    legal_basis: str | None
    reason: str


class PackageOut(Schema):
    programme_extension: PackageAnswerOut
    norwegian_extension: PackageAnswerOut
    reinforced_programme: ReinforcedOut
    references: list[Reference]


class ParameterOut(Schema):
    parameter: str
    description: str
    unit: str
    in_force_from: str | None
    value: Any
    law: str = Field("", description="Kilden slik brukeren viser til den (lov og paragraf)")
    reference: str = Field(description="Kilden for utviklere (kan nevne seed-dokumenter)")
    source: str = ""


def _answer(calculator: str, query: Schema) -> Any:
    """Run a calculator through the same entry as the command line and the page."""
    try:
        return calculate(calculator, query.dict())
    except RulesError as exc:
        raise HttpError(400, str(exc)) from None


@router.get("benefit", response={200: BenefitOut, **ERRORS}, summary="Introduksjonsstønad")
def benefit(request: HttpRequest, q: Query[BenefitIn]) -> Any:
    return _answer("benefit", q)


@router.get("integration-grant", response={200: GrantOut, **ERRORS}, summary="Integreringstilskudd")
def integration_grant(request: HttpRequest, q: Query[GrantIn]) -> Any:
    return _answer("integration-grant", q)


@router.get(
    "norwegian-grant", response={200: NorwegianOut, **ERRORS}, summary="Norsktilskudd per person"
)
def norwegian_grant(request: HttpRequest, q: Query[NorwegianIn]) -> Any:
    return _answer("norwegian-grant", q)


@router.get(
    "unaccompanied-minor-grant",
    response={200: UnaccompaniedMinorOut, **ERRORS},
    summary="Særskilt tilskudd for en enslig mindreårig",
)
def unaccompanied_minor_grant(request: HttpRequest, q: Query[UnaccompaniedMinorIn]) -> Any:
    return _answer("unaccompanied-minor-grant", q)


@router.get(
    "disability-grant",
    response={200: DisabilityGrantOut, **ERRORS},
    summary="Tilskudd ved nedsatt funksjonsevne og/eller atferdsvansker (ekstratilskudd)",
)
def disability_grant(request: HttpRequest, q: Query[DisabilityGrantIn]) -> Any:
    return _answer("disability-grant", q)


@router.get(
    "establishment", response={200: EstablishmentOut, **ERRORS}, summary="Etableringsstønad"
)
def establishment(request: HttpRequest, q: Query[EstablishmentIn]) -> Any:
    return _answer("establishment", q)


@router.get(
    "integration-package",
    response={200: PackageOut, **ERRORS},
    summary="Integreringspakkene (covid-19)",
)
def integration_package(request: HttpRequest, q: Query[PackageIn]) -> Any:
    return _answer("integration-package", q)


@router.get(
    "parameters",
    response={200: list[ParameterOut], 401: ErrorOut},
    summary="Alle satser som gjelder på en dato",
)
def parameters_in_force(
    request: HttpRequest, on: datetime.date | None = None
) -> list[dict[str, Any]]:
    return parameters_table(on or timezone.localdate(), jsonable=True)
