"""API for the year's requests to municipalities (anmodninger) and their decisions (vedtak).

The same services as the pages (``services/requests.py``, ``request_answers.py``,
``request_tables.py``, ``request_reminders.py``): spread the need (with its unaccompanied minors),
adjust a request (with its version), record a decision (with the decision's version, 0 for a new
one), the national and county sums, and the reminders to the municipalities past their answer
date (a background job). For the directorate's settlement planners: anyone else gets 403 on the
lists and 404 on a request.

The municipality's own side: ``GET``/``PUT requests/{answer_year}/answer`` read and answer the
year's request to the municipality the user leads (404 for anyone but its leader). A refusal is
422 with the messages by field; a concurrent change 409.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import planner_require
from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut, ObjectId

from ..models import DecisionSource, MunicipalDecision, RequestReminder, SettlementRequest
from ..selectors import MAX_YEAR, MIN_YEAR, settlement_request_get
from ..services.progress import MunicipalProgress, municipality_progress
from ..services.request_answers import answer_request_get, decision_of, decision_record
from ..services.request_reminders import reminder_get, request_reminders_start
from ..services.request_tables import RequestSummary, request_rows, requests_summary
from ..services.requests import request_adjust, requests_spread
from ..spreading import DROP

router = Router(tags=["bosetting"])


class RequestDecisionOut(Schema):
    decided: int
    unaccompanied_minors: int
    minors_under_15: int = Field(description="Hvorav enslige mindreårige under 15 år")
    large_dwellings: int | None = Field(description="Store boliger; null betyr ingen grense")
    school_children: int | None = Field(
        description="Plasser for barn i skolealder; null betyr ingen grense"
    )
    adaptation_capabilities: list[str] = Field(
        description="Behov for tilpasning kommunen kan møte (koder fra settlement/adaptation_needs)"
    )
    source: str = Field(description="municipality: kommunen svarte; planner: registrert av IMDi")
    decided_on: datetime.date
    note: str
    version: int

    @staticmethod
    def of(decision: MunicipalDecision) -> RequestDecisionOut:
        return RequestDecisionOut(
            decided=decision.decided,
            unaccompanied_minors=decision.unaccompanied_minors,
            minors_under_15=decision.minors_under_15,
            large_dwellings=decision.large_dwellings,
            school_children=decision.school_children,
            adaptation_capabilities=list(decision.adaptation_capabilities),
            source=decision.source,
            decided_on=decision.decided_on,
            note=decision.note,
            version=decision.version,
        )


class MunicipalProgressOut(Schema):
    decided: int | None = Field(description="Vedtatt; null når kommunen ikke har svart")
    decided_minors: int | None
    settled: int = Field(description="Bosatt i året så langt (personer i registeret)")
    settled_minors: int
    confirmed: int = Field(description="Bekreftet i utsøkingen, ikke bosatt ennå")
    left: int | None = Field(description="Gjenstår av vedtaket (aldri under 0)")

    @staticmethod
    def of(progress: MunicipalProgress) -> MunicipalProgressOut:
        return MunicipalProgressOut(
            decided=progress.decided,
            decided_minors=progress.decided_minors,
            settled=progress.settled,
            settled_minors=progress.settled_minors,
            confirmed=progress.confirmed,
            left=progress.left,
        )


class RequestOut(Schema):
    id: int
    year: int
    municipality: str = Field(description="Kommunenummeret")
    municipality_name: str
    county: str = Field(description="Fylkesnummeret")
    computed: int = Field(description="Det fordelingen ga")
    computed_minors: int = Field(description="Det fordelingen ga, hvorav enslige mindreårige")
    requested: int = Field(description="Det kommunen anmodes om (justert eller lik computed)")
    unaccompanied_minors: int = Field(description="Hvorav enslige mindreårige")
    adjusted: bool
    adjustment_reason: str
    reason: str = Field(description="Hvorfor kommunen ikke anmodes, eller hva som var særskilt")
    answer_due: datetime.date | None = Field(description="Svarfristen")
    reminded_at: datetime.datetime | None = Field(description="Sist purret")
    reminders: int = Field(description="Antall purringer")
    version: int
    decision: RequestDecisionOut | None
    progress: MunicipalProgressOut | None = Field(None, description="Bosatt mot vedtatt")

    @staticmethod
    def of(
        request: SettlementRequest,
        decision: MunicipalDecision | None,
        progress: MunicipalProgress | None = None,
    ) -> RequestOut:
        return RequestOut(
            id=request.pk,
            year=request.year,
            municipality=request.municipality.number,
            municipality_name=request.municipality.name,
            county=request.municipality.county.number,
            computed=request.computed,
            computed_minors=request.computed_minors,
            requested=request.requested,
            unaccompanied_minors=request.unaccompanied_minors,
            adjusted=request.adjusted,
            adjustment_reason=request.adjustment_reason,
            reason=request.reason,
            answer_due=request.answer_due,
            reminded_at=request.reminded_at,
            reminders=request.reminders,
            version=request.version,
            decision=RequestDecisionOut.of(decision) if decision else None,
            progress=MunicipalProgressOut.of(progress) if progress else None,
        )


class SummaryOut(Schema):
    county: str = Field(description="Fylkesnummeret; tomt for hele landet")
    county_name: str
    municipalities: int
    asked: int = Field(description="Kommuner anmodet om minst én person")
    requested: int
    requested_minors: int
    computed_minors: int = Field(description="Enslige mindreårige slik fordelingen ga dem")
    answered: int = Field(description="Kommuner som har svart med vedtak")
    not_answered: int = Field(description="Anmodede kommuner som ikke har svart")
    overdue: int = Field(description="Anmodede kommuner som ikke har svart innen svarfristen")
    decided: int
    decided_minors: int
    difference: int = Field(
        description="Vedtatt minus anmodet hos dem som har svart; negativt må bosettes andre steder"
    )
    outstanding: int = Field(description="Anmodet hos dem som ikke har svart")
    above_request: int = Field(description="Kommuner som har vedtatt mer enn de ble anmodet om")
    settled: int = Field(description="Bosatt i året så langt")
    confirmed: int = Field(description="Bekreftet i utsøkingen, ikke bosatt ennå")
    left: int = Field(description="Gjenstår av vedtakene (kommuner som har svart)")

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
    unaccompanied_minors: int | None = Field(
        None,
        description="Hvorav enslige mindreårige: fordeles bare på kommunene som tar imot dem; "
        "tomt betyr 0",
    )
    below_minimum: str = Field(
        DROP,
        description="drop: kommuner under minsteanmodningen anmodes ikke; raise: heves til den",
    )


class SpreadOut(Schema):
    year: int
    need: int
    unaccompanied_minors: int
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
    minors_under_15: int | None = Field(None, description="Hvorav under 15 år; tomt betyr 0")
    large_dwellings: int | None = Field(None, description="null betyr ingen grense")
    school_children: int | None = Field(None, description="null betyr ingen grense")
    adaptation_capabilities: list[str] = Field(
        default_factory=list,
        description="Behov for tilpasning kommunen kan møte (koder fra settlement/adaptation_needs)",
    )
    decided_on: datetime.date | None = None
    note: str = ""
    version: int | None = Field(
        None, description="Versjonen vedtaket hadde da du leste det; 0 for et nytt vedtak"
    )


class ReminderIn(Schema):
    year: int | None = Field(None, description="Året anmodningene gjelder, f.eks. 2026")


class ReminderOut(Schema):
    reminder_id: int
    task_id: str
    year: int
    status: str = Field(description="queued, running, done eller failed")
    sent: int = Field(description="Kommuner behandlet så langt (purret når ferdig)")
    total: int = Field(description="Kommuner å purre")
    error: str
    result: dict[str, Any] = Field(description="Tellingene når purringen er ferdig")

    @staticmethod
    def of(reminder: RequestReminder) -> ReminderOut:
        return ReminderOut(
            reminder_id=reminder.pk,
            task_id=reminder.task_id,
            year=reminder.year,
            status=reminder.status,
            sent=reminder.sent,
            total=reminder.total,
            error=reminder.error,
            result=reminder.result,
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
    return [RequestOut.of(row.request, row.decision, row.progress) for row in rows]


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
        unaccompanied_minors=payload.unaccompanied_minors or 0,
    )
    return Status(
        201,
        SpreadOut(
            year=year,
            need=payload.need,
            unaccompanied_minors=payload.unaccompanied_minors or 0,
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
        source=DecisionSource.PLANNER,
        **_decision_kwargs(payload, version),
    )
    return Status(201 if version == 0 else 200, RequestOut.of(settlement_request, decision))


def _decision_kwargs(payload: RequestDecisionIn, version: int) -> dict[str, Any]:
    return {
        "decided": payload.decided,
        "unaccompanied_minors": payload.unaccompanied_minors,
        "minors_under_15": payload.minors_under_15 or 0,
        "large_dwellings": payload.large_dwellings,
        "school_children": payload.school_children,
        "adaptation_capabilities": payload.adaptation_capabilities,
        "decided_on": payload.decided_on,
        "note": payload.note,
        "version": version,
    }


# --- The municipality's own request -------------------------------------------------------------


def _answer_out(settlement_request: SettlementRequest) -> RequestOut:
    decision = decision_of(settlement_request)
    progress = municipality_progress(
        year=settlement_request.year, municipality_id=settlement_request.municipality_id
    )
    return RequestOut.of(settlement_request, decision, progress)


@router.get(
    "requests/{answer_year}/answer",
    response={200: RequestOut, 401: ErrorOut, 404: ErrorOut},
    summary="Årets anmodning til kommunen du er leder for, med vedtaket og bosatt mot vedtatt",
)
def request_answer_get(request: HttpRequest, answer_year: int) -> RequestOut:
    return _answer_out(answer_request_get(request.user, answer_year))


@router.put(
    "requests/{answer_year}/answer",
    response={
        200: RequestOut,
        201: RequestOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Svar på årets anmodning med kommunens vedtak, med versjonen du leste (0: nytt; 201)",
)
def request_answer_put(
    request: HttpRequest, answer_year: int, payload: RequestDecisionIn
) -> Status[RequestOut]:
    settlement_request = answer_request_get(request.user, answer_year)
    version = _version(payload.version, "vedtaket")
    decision_record(
        ctx=AccessContext.from_request(request),
        request=settlement_request,
        source=DecisionSource.MUNICIPALITY,
        **_decision_kwargs(payload, version),
    )
    fresh = answer_request_get(request.user, answer_year)
    return Status(201 if version == 0 else 200, _answer_out(fresh))


# --- Reminders ----------------------------------------------------------------------------------


@router.post(
    "request-reminders",
    response={202: ReminderOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Legg purringen til kommunene som ikke har svart innen svarfristen, i kø",
)
def request_reminders_post(request: HttpRequest, payload: ReminderIn) -> Status[ReminderOut]:
    planner_require(request.user)
    reminder = request_reminders_start(
        ctx=AccessContext.from_request(request), year=_year(payload.year)
    )
    return Status(202, ReminderOut.of(reminder))


@router.get(
    "request-reminders/{reminder_id}",
    response={200: ReminderOut, 401: ErrorOut, 404: ErrorOut},
    summary="Hvordan det går med en purring: status, hvor mange kommuner, og resultatet",
)
def request_reminder_get(request: HttpRequest, reminder_id: ObjectId) -> ReminderOut:
    return ReminderOut.of(reminder_get(request.user, reminder_id))
