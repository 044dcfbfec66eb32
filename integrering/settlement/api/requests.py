"""API for the year's requests to municipalities (anmodninger) and their decisions (vedtak).

The same services as the pages (``services/requests.py``): spread the need, adjust a request
(with its version), record a decision (with the decision's version, 0 for a new one), and the
national and county sums. For the directorate's settlement planners: anyone else gets 403 on the
lists and 404 on a request. A refusal is 422 with the messages by field; a concurrent change 409.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import planner_require
from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut, ObjectId

from ..models import MunicipalDecision, SettlementRequest
from ..selectors import MAX_YEAR, MIN_YEAR, settlement_request_get
from ..services.requests import (
    RequestSummary,
    decision_of,
    decision_record,
    request_adjust,
    request_rows,
    requests_spread,
    requests_summary,
)
from ..spreading import DROP

router = Router(tags=["bosetting"])


class RequestDecisionOut(Schema):
    decided: int
    unaccompanied_minors: int
    large_dwellings: int | None = Field(description="Store boliger; null betyr ingen grense")
    decided_on: datetime.date
    note: str
    version: int

    @staticmethod
    def of(decision: MunicipalDecision) -> RequestDecisionOut:
        return RequestDecisionOut(
            decided=decision.decided,
            unaccompanied_minors=decision.unaccompanied_minors,
            large_dwellings=decision.large_dwellings,
            decided_on=decision.decided_on,
            note=decision.note,
            version=decision.version,
        )


class RequestOut(Schema):
    id: int
    year: int
    municipality: str = Field(description="Kommunenummeret")
    municipality_name: str
    county: str = Field(description="Fylkesnummeret")
    computed: int = Field(description="Det fordelingen ga")
    requested: int = Field(description="Det kommunen anmodes om (justert eller lik computed)")
    unaccompanied_minors: int = Field(description="Hvorav enslige mindreårige")
    adjusted: bool
    adjustment_reason: str
    reason: str = Field(description="Hvorfor kommunen ikke anmodes, eller hva som var særskilt")
    version: int
    decision: RequestDecisionOut | None

    @staticmethod
    def of(request: SettlementRequest, decision: MunicipalDecision | None) -> RequestOut:
        return RequestOut(
            id=request.pk,
            year=request.year,
            municipality=request.municipality.number,
            municipality_name=request.municipality.name,
            county=request.municipality.county.number,
            computed=request.computed,
            requested=request.requested,
            unaccompanied_minors=request.unaccompanied_minors,
            adjusted=request.adjusted,
            adjustment_reason=request.adjustment_reason,
            reason=request.reason,
            version=request.version,
            decision=RequestDecisionOut.of(decision) if decision else None,
        )


class SummaryOut(Schema):
    county: str = Field(description="Fylkesnummeret; tomt for hele landet")
    county_name: str
    municipalities: int
    asked: int = Field(description="Kommuner anmodet om minst én person")
    requested: int
    requested_minors: int
    answered: int = Field(description="Kommuner som har svart med vedtak")
    not_answered: int = Field(description="Anmodede kommuner som ikke har svart")
    decided: int
    decided_minors: int
    difference: int = Field(
        description="Vedtatt minus anmodet hos dem som har svart; negativt må bosettes andre steder"
    )
    outstanding: int = Field(description="Anmodet hos dem som ikke har svart")
    above_request: int = Field(description="Kommuner som har vedtatt mer enn de ble anmodet om")

    @staticmethod
    def of(summary: RequestSummary) -> SummaryOut:
        return SummaryOut(**summary.__dict__)


class YearSummaryOut(Schema):
    year: int
    need: int | None = Field(description="Årets bosettingsbehov, når det er registrert")
    national: SummaryOut
    counties: list[SummaryOut]


class SpreadIn(Schema):
    year: int | None = Field(None, description="Året, f.eks. 2026")
    need: int | None = Field(None, description="Bosettingsbehovet: personer som skal fordeles")
    below_minimum: str = Field(
        DROP,
        description="drop: kommuner under minsteanmodningen anmodes ikke; raise: heves til den",
    )


class SpreadOut(Schema):
    year: int
    need: int
    requested_municipalities: int
    requests: list[RequestOut]


class AdjustIn(Schema):
    requested: int | None = None
    unaccompanied_minors: int | None = None
    reason: str = ""
    version: int | None = Field(None, description="Versjonen anmodningen hadde da du leste den")


class RequestDecisionIn(Schema):
    decided: int | None = None
    unaccompanied_minors: int | None = None
    large_dwellings: int | None = Field(None, description="null betyr ingen grense")
    decided_on: datetime.date | None = None
    note: str = ""
    version: int | None = Field(
        None, description="Versjonen vedtaket hadde da du leste det; 0 for et nytt vedtak"
    )


def _year(year: int | None) -> int:
    if year is None:
        raise ValidationError({"year": ["Oppgi året, for eksempel year=2026."]})
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": [f"Året må være fra {MIN_YEAR} til {MAX_YEAR}."]})
    return year


def _version(version: int | None, what: str) -> int:
    if version is None:
        raise ValidationError({"version": [f"Oppgi versjonen {what} hadde da du leste den."]})
    return version


@router.get(
    "requests",
    response={200: list[RequestOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Årets anmodninger med kommunenes vedtak, etter kommunenummer",
)
def requests_list(request: HttpRequest, year: int | None = None) -> list[RequestOut]:
    planner_require(request.user)
    rows = request_rows(year=_year(year))
    return [RequestOut.of(row.request, row.decision) for row in rows]


@router.get(
    "requests/summary",
    response={200: YearSummaryOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Summer for hele landet og per fylke: anmodet, vedtatt, differansen, hvem som har svart",
)
def requests_summary_get(request: HttpRequest, year: int | None = None) -> YearSummaryOut:
    planner_require(request.user)
    summary = requests_summary(_year(year))
    return YearSummaryOut(
        year=summary.year,
        need=summary.need_total,
        national=SummaryOut.of(summary.national),
        counties=[SummaryOut.of(c) for c in summary.counties],
    )


@router.post(
    "requests/spread",
    response={201: SpreadOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Fordel behovet på kommunene (erstatter årets anmodninger; nektes når et vedtak finnes)",
)
def requests_spread_post(request: HttpRequest, payload: SpreadIn) -> Status[SpreadOut]:
    planner_require(request.user)
    year = _year(payload.year)
    if payload.need is None:
        raise ValidationError({"need": ["Oppgi behovet: antall personer som skal fordeles."]})
    created = requests_spread(
        ctx=AccessContext.from_request(request),
        year=year,
        need=payload.need,
        below_minimum=payload.below_minimum,
    )
    return Status(
        201,
        SpreadOut(
            year=year,
            need=payload.need,
            requested_municipalities=sum(1 for r in created if r.requested > 0),
            requests=[RequestOut.of(r, None) for r in created],
        ),
    )


@router.patch(
    "requests/{request_id}",
    response={200: RequestOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Juster én anmodning, med begrunnelse og versjonen du leste",
)
def request_patch(request: HttpRequest, request_id: ObjectId, payload: AdjustIn) -> RequestOut:
    settlement_request = settlement_request_get(request.user, request_id)
    updated = request_adjust(
        ctx=AccessContext.from_request(request),
        request=settlement_request,
        requested=payload.requested,
        unaccompanied_minors=payload.unaccompanied_minors,
        reason=payload.reason,
        version=_version(payload.version, "anmodningen"),
    )
    return RequestOut.of(updated, decision_of(updated))


@router.put(
    "requests/{request_id}/decision",
    response={
        200: RequestOut,
        201: RequestOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Registrer eller rett kommunens vedtak (201 når det er nytt)",
)
def request_decision_put(
    request: HttpRequest, request_id: ObjectId, payload: RequestDecisionIn
) -> Status[RequestOut]:
    settlement_request = settlement_request_get(request.user, request_id)
    version = _version(payload.version, "vedtaket")
    decision = decision_record(
        ctx=AccessContext.from_request(request),
        request=settlement_request,
        decided=payload.decided,
        unaccompanied_minors=payload.unaccompanied_minors,
        large_dwellings=payload.large_dwellings,
        decided_on=payload.decided_on,
        note=payload.note,
        version=version,
    )
    return Status(201 if version == 0 else 200, RequestOut.of(settlement_request, decision))
