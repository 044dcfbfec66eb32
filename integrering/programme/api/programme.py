"""API for the introduction programme's lifecycle: start, leave, stop, resumption, absence,
extension, end, and a participant's benefit for a month.

The same services as the pages. Bodies may leave fields out: the service (or ``_required``) says
which are missing, in Norwegian, by field (422). A participation of another municipality is 404.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.people.selectors import person_get
from integrering.rules.money import money_str
from integrering.rules.parameters import RulesError
from integrering.schemas import ErrorOut, ObjectId

from ..models import Absence, Participation
from ..overview import participation_overview
from ..selectors import absence_get, participation_get, participations_for
from ..services import absences, extensions, lifecycle
from ..services.benefit_compute import benefit_month_compute
from ..services.benefit_run import month_parse

router = Router(tags=["introduksjonsprogram"])

ERRORS: dict[int | str, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _required(values: dict[str, Any], labels: dict[str, str]) -> None:
    missing = {
        name: [f"{label} mangler."]
        for name, label in labels.items()
        if values.get(name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)


class PeriodOut(Schema):
    id: int
    kind: str
    leave_reason: str
    with_benefit: bool
    from_on: datetime.date
    to_on: datetime.date | None
    reason: str


class ExtensionOut(Schema):
    id: int
    kind: str
    months: int
    from_on: datetime.date
    needs_test: str = Field(
        description="expected_to_reach_goal (ordinær), work_or_education (integreringspakkene) "
        "eller none (utvidet opplæring i norsk, ikke behovsprøvd)"
    )
    integration_package: str
    norwegian_training_ends_on: datetime.date | None = None
    right_and_duty: bool | None = None
    decision: int | None


class AbsenceOut(Schema):
    id: int
    on: datetime.date
    hours: str
    approved: bool
    reason: str
    version: int = Field(1, description="Versjonen endringer og sletting må oppgi")


class EventOut(Schema):
    kind: str
    on: datetime.date
    summary: str
    created_at: datetime.datetime


class ParticipationOut(Schema):
    id: int
    person: int
    municipality: str = Field(description="Kommunenummer")
    act: str
    final_goal: str
    starts_on: datetime.date
    planned_months: int
    planned_end: datetime.date
    status: str
    full_time: bool
    collective_protection: bool
    lives_with_parent: bool
    permit_date: datetime.date | None
    norwegian_training_ends_on: datetime.date | None
    career_guidance_assessed_on: datetime.date | None = None
    career_guidance_needed: bool | None = None
    career_guidance_given_on: datetime.date | None = None
    ended_on: datetime.date | None
    end_reason: str
    version: int


class ParticipationDetailOut(ParticipationOut):
    periods: list[PeriodOut]
    extensions: list[ExtensionOut]
    absences: list[AbsenceOut]
    decisions: list[int]
    events: list[EventOut]


def _out(p: Participation, *, detail: bool = False) -> dict[str, Any]:
    o = participation_overview(p, today=timezone.localdate())
    data: dict[str, Any] = {
        "id": p.pk,
        "person": p.person_id,
        "municipality": p.municipality.number,
        "act": p.act,
        "final_goal": p.final_goal,
        "starts_on": p.starts_on,
        "planned_months": p.planned_months,
        "planned_end": o.planned_end,
        "status": o.status,
        "full_time": p.full_time,
        "collective_protection": p.collective_protection,
        "lives_with_parent": p.lives_with_parent,
        "permit_date": p.permit_date,
        "norwegian_training_ends_on": p.norwegian_training_ends_on,
        "career_guidance_assessed_on": p.career_guidance_assessed_on,
        "career_guidance_needed": p.career_guidance_needed,
        "career_guidance_given_on": p.career_guidance_given_on,
        "ended_on": p.ended_on,
        "end_reason": p.end_reason,
        "version": p.version,
    }
    if detail:
        data["periods"] = [
            {
                "id": x.pk,
                "kind": x.kind,
                "leave_reason": x.leave_reason,
                "with_benefit": x.with_benefit,
                "from_on": x.from_on,
                "to_on": x.to_on,
                "reason": x.reason,
            }
            for x in o.periods
        ]
        data["extensions"] = [
            {
                "id": x.pk,
                "kind": x.kind,
                "months": x.months,
                "from_on": x.from_on,
                "needs_test": x.needs_test,
                "integration_package": x.integration_package,
                "norwegian_training_ends_on": x.norwegian_training_ends_on,
                "right_and_duty": x.right_and_duty,
                "decision": x.decision_id,
            }
            for x in o.extensions
        ]
        data["absences"] = [
            {
                "id": x.pk,
                "on": x.on,
                "hours": str(x.hours),
                "approved": x.approved,
                "reason": x.reason,
                "version": x.version,
            }
            for x in o.absences
        ]
        data["decisions"] = [d.pk for d in o.decisions]
        data["events"] = [
            {"kind": e.kind, "on": e.on, "summary": e.summary, "created_at": e.created_at}
            for e in o.events
        ]
    return data


@router.get("/", response=list[ParticipationOut], summary="Deltakere i introduksjonsprogrammet")
def programme_list(request: HttpRequest, active: bool = True) -> list[dict[str, Any]]:
    participations = participations_for(request.user).prefetch_related("periods", "extensions")
    if active:
        participations = participations.filter(ended_on__isnull=True)
    rows = list(participations.order_by("id")[:1000])
    audit_record_many(
        ctx=AccessContext.from_request(request),
        person_ids=[p.person_id for p in rows],
        action=AuditAction.LIST,
        detail="introduksjonsprogram",
    )
    return [_out(p) for p in rows]


class StartIn(Schema):
    person_id: ObjectId | None = None
    starts_on: datetime.date | None = None
    final_goal: str = ""
    planned_months: int | None = None
    full_time: bool = True
    collective_protection: bool = False
    lives_with_parent: bool = False
    permit_date: datetime.date | None = None
    norwegian_training_ends_on: datetime.date | None = None
    reasoning: str = ""


@router.post(
    "/", response={201: ParticipationDetailOut, **ERRORS}, summary="Start introduksjonsprogram"
)
def programme_create(request: HttpRequest, body: StartIn) -> Any:
    values = body.dict()
    _required(
        values,
        {
            "person_id": "Person",
            "starts_on": "Startdato",
            "final_goal": "Sluttmål",
            "planned_months": "Varighet",
        },
    )
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=values.pop("person_id"), edit=True)
    participation = lifecycle.programme_start(
        ctx=ctx, person=person, data=lifecycle.StartInput(**values)
    )
    return Status(201, _out(participation, detail=True))


# Before «/{participation_id}»: the paths are tried in order.
class NorwegianExtensionIn(Schema):
    person_id: ObjectId | None = None
    months: int | None = None
    assessment: str = ""
    norwegian_training_ends_on: datetime.date | None = None
    right_and_duty: bool | None = Field(
        None,
        description="Rett og plikt etter introduksjonsloven § 17 første ledd (pakke II og III)",
    )
    from_on: datetime.date | None = None


class NorwegianExtensionOut(Schema):
    id: int
    person: int
    participation: int | None
    months: int
    from_on: datetime.date
    integration_package: str
    norwegian_training_ends_on: datetime.date | None
    right_and_duty: bool | None
    decision: int | None


@router.post(
    "/norwegian-extensions",
    response={201: NorwegianExtensionOut, **ERRORS},
    summary="Utvidet opplæring i norsk (integreringspakkene), også uten eller etter programmet",
)
def norwegian_extension_create(request: HttpRequest, body: NorwegianExtensionIn) -> Any:
    """Not needs-tested: everyone in the target group has the right (seed 003). The person's
    latest programme, if any, is linked."""
    values = body.dict()
    _required(values, {"person_id": "Person", "months": "Antall måneder"})
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=values.pop("person_id"), edit=True)
    extension = extensions.norwegian_extension_grant(
        ctx=ctx,
        person=person,
        participation=person.participations.order_by("-starts_on").first(),
        data=extensions.NorwegianExtensionInput(**values),
    )
    return Status(
        201,
        {
            "id": extension.pk,
            "person": person.pk,
            "participation": extension.participation_id,
            "months": extension.months,
            "from_on": extension.from_on,
            "integration_package": extension.integration_package,
            "norwegian_training_ends_on": extension.norwegian_training_ends_on,
            "right_and_duty": extension.right_and_duty,
            "decision": extension.decision_id,
        },
    )


@router.get("/{participation_id}", response={200: ParticipationDetailOut, **ERRORS})
def programme_detail(request: HttpRequest, participation_id: ObjectId) -> Any:
    ctx = AccessContext.from_request(request)
    return _out(participation_get(ctx=ctx, participation_id=participation_id), detail=True)


def _for_edit(
    request: HttpRequest, participation_id: ObjectId
) -> tuple[AccessContext, Participation]:
    ctx = AccessContext.from_request(request)
    return ctx, participation_get(ctx=ctx, participation_id=participation_id, edit=True)


class LeaveIn(Schema):
    from_on: datetime.date | None = None
    to_on: datetime.date | None = None
    leave_reason: str = ""
    with_benefit: bool = False
    sick_percent: int | None = None
    reason: str = ""


@router.post(
    "/{participation_id}/leaves",
    response={201: ParticipationDetailOut, **ERRORS},
    summary="Permisjon",
)
def programme_leave(request: HttpRequest, participation_id: ObjectId, body: LeaveIn) -> Any:
    ctx, p = _for_edit(request, participation_id)
    values = body.dict()
    _required(values, {"from_on": "Fra-dato", "to_on": "Til-dato"})
    lifecycle.programme_leave(ctx=ctx, participation=p, data=lifecycle.LeaveInput(**values))
    return Status(201, _out(p, detail=True))


class StopIn(Schema):
    from_on: datetime.date | None = None
    reason: str = ""


@router.post(
    "/{participation_id}/stops", response={201: ParticipationDetailOut, **ERRORS}, summary="Stans"
)
def programme_stop(request: HttpRequest, participation_id: ObjectId, body: StopIn) -> Any:
    ctx, p = _for_edit(request, participation_id)
    _required(body.dict(), {"from_on": "Fra-dato"})
    assert body.from_on is not None
    lifecycle.programme_stop(ctx=ctx, participation=p, from_on=body.from_on, reason=body.reason)
    return Status(201, _out(p, detail=True))


class ResumeIn(Schema):
    resumed_on: datetime.date | None = None


@router.post(
    "/{participation_id}/resume",
    response={200: ParticipationDetailOut, **ERRORS},
    summary="Gjenoppta",
)
def programme_resume(request: HttpRequest, participation_id: ObjectId, body: ResumeIn) -> Any:
    ctx, p = _for_edit(request, participation_id)
    _required(body.dict(), {"resumed_on": "Dato for gjenopptak"})
    assert body.resumed_on is not None
    lifecycle.programme_resume(ctx=ctx, participation=p, resumed_on=body.resumed_on)
    return _out(p, detail=True)


class AbsenceIn(Schema):
    on: datetime.date | None = None
    hours: Decimal | None = None
    approved: bool = False
    reason: str = ""


@router.post(
    "/{participation_id}/absences",
    response={201: ParticipationDetailOut, **ERRORS},
    summary="Fravær",
)
def programme_absence(request: HttpRequest, participation_id: ObjectId, body: AbsenceIn) -> Any:
    ctx, p = _for_edit(request, participation_id)
    _required(body.dict(), {"on": "Dato", "hours": "Timer"})
    assert body.on is not None and body.hours is not None
    lifecycle.programme_absence(
        ctx=ctx,
        participation=p,
        on=body.on,
        hours=body.hours,
        approved=body.approved,
        reason=body.reason,
    )
    return Status(201, _out(p, detail=True))


class AbsenceVersionOut(Schema):
    version: int
    change: str = Field(description="corrected (endret) eller deleted (slettet)")
    change_reason: str
    old_on: datetime.date
    old_hours: str
    old_approved: bool
    old_reason: str
    new_on: datetime.date | None
    new_hours: str | None
    new_approved: bool | None
    new_reason: str
    created_at: datetime.datetime
    created_by: str | None


class AbsenceHistoryOut(Schema):
    id: int
    participation: int
    on: datetime.date
    hours: str
    approved: bool
    reason: str
    version: int
    deleted_at: datetime.datetime | None
    versions: list[AbsenceVersionOut]
    notices: list[str] = Field(
        default_factory=list,
        description="Hva endringen betyr for stønaden (korreksjon i neste kjøring, vedtak om trekk)",
    )


def _absence_out(absence: Absence, notices: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": absence.pk,
        "participation": absence.participation_id,
        "on": absence.on,
        "hours": str(absence.hours),
        "approved": absence.approved,
        "reason": absence.reason,
        "version": absence.version,
        "deleted_at": absence.deleted_at,
        "versions": [
            {
                "version": v.version,
                "change": v.change,
                "change_reason": v.change_reason,
                "old_on": v.old_on,
                "old_hours": str(v.old_hours),
                "old_approved": v.old_approved,
                "old_reason": v.old_reason,
                "new_on": v.new_on,
                "new_hours": None if v.new_hours is None else str(v.new_hours),
                "new_approved": v.new_approved,
                "new_reason": v.new_reason,
                "created_at": v.created_at,
                "created_by": v.created_by.display_name if v.created_by else None,
            }
            for v in absences.absence_versions(absence)
        ],
        "notices": notices or [],
    }


@router.get(
    "/{participation_id}/absences/{absence_id}",
    response={200: AbsenceHistoryOut, **ERRORS},
    summary="Et fravær med endringshistorikken",
)
def programme_absence_get(
    request: HttpRequest, participation_id: ObjectId, absence_id: ObjectId
) -> Any:
    ctx = AccessContext.from_request(request)
    absence = absence_get(ctx=ctx, absence_id=absence_id, participation_id=participation_id)
    return _absence_out(absence)


class AbsenceCorrectIn(Schema):
    on: datetime.date | None = None
    hours: Decimal | None = None
    approved: bool | None = None
    reason: str = ""
    change_reason: str = Field("", description="Hvorfor fraværet endres (påkrevd)")
    version: int | None = None


@router.put(
    "/{participation_id}/absences/{absence_id}",
    response={200: AbsenceHistoryOut, **ERRORS},
    summary="Endre et fravær (med begrunnelse og versjon)",
)
def programme_absence_put(
    request: HttpRequest, participation_id: ObjectId, absence_id: ObjectId, body: AbsenceCorrectIn
) -> Any:
    ctx = AccessContext.from_request(request)
    absence = absence_get(
        ctx=ctx, absence_id=absence_id, participation_id=participation_id, edit=True
    )
    _required(
        body.dict(),
        {
            "on": "Dato",
            "hours": "Timer",
            "approved": "Godkjent",
            "change_reason": "Begrunnelse for endringen",
            "version": "Versjon",
        },
    )
    assert body.on is not None and body.hours is not None
    assert body.approved is not None and body.version is not None
    old_month = absence.on.replace(day=1)
    absence = absences.absence_correct(
        ctx=ctx,
        absence=absence,
        on=body.on,
        hours=body.hours,
        approved=body.approved,
        reason=body.reason,
        change_reason=body.change_reason,
        version=body.version,
    )
    months = {old_month, absence.on.replace(day=1)}
    return _absence_out(absence, absences.absence_change_notices(absence, months))


class AbsenceDeleteIn(Schema):
    change_reason: str = Field("", description="Hvorfor fraværet slettes (påkrevd)")
    version: int | None = None


@router.delete(
    "/{participation_id}/absences/{absence_id}",
    response={200: AbsenceHistoryOut, **ERRORS},
    summary="Slett et fravær (med begrunnelse og versjon; det blir stående i historikken)",
)
def programme_absence_delete(
    request: HttpRequest, participation_id: ObjectId, absence_id: ObjectId, body: AbsenceDeleteIn
) -> Any:
    ctx = AccessContext.from_request(request)
    absence = absence_get(
        ctx=ctx, absence_id=absence_id, participation_id=participation_id, edit=True
    )
    _required(body.dict(), {"change_reason": "Begrunnelse for slettingen", "version": "Versjon"})
    assert body.version is not None
    absence = absences.absence_delete(
        ctx=ctx, absence=absence, change_reason=body.change_reason, version=body.version
    )
    return _absence_out(
        absence, absences.absence_change_notices(absence, {absence.on.replace(day=1)})
    )


class ExtensionIn(Schema):
    months: int | None = None
    assessment: str = ""
    expected_to_reach_goal: bool = Field(
        False, description="Ordinær forlengelse: grunn til å forvente at sluttmålet nås"
    )
    kind: str = Field("programme", description="programme eller norwegian_training")
    integration_package: bool = Field(
        False, description="Utvidet programtid etter integreringspakkene (covid-19)"
    )
    needed_for_work_or_education: bool = Field(
        False,
        description="Integreringspakkene: behov for utvidelse av programtiden for å komme i jobb "
        "eller utdanning",
    )
    norwegian_training_ends_on: datetime.date | None = None
    right_and_duty: bool | None = Field(
        None, description="Rett og plikt etter introduksjonsloven § 17 første ledd"
    )
    from_on: datetime.date | None = None


@router.post(
    "/{participation_id}/extensions",
    response={201: ParticipationDetailOut, **ERRORS},
    summary="Forlengelse",
)
def programme_extend(request: HttpRequest, participation_id: ObjectId, body: ExtensionIn) -> Any:
    ctx, p = _for_edit(request, participation_id)
    values = body.dict()
    _required(values, {"months": "Antall måneder"})
    extensions.programme_extend(ctx=ctx, participation=p, data=extensions.ExtensionInput(**values))
    return Status(201, _out(p, detail=True))


class FinalGoalIn(Schema):
    final_goal: str = ""
    planned_months: int | None = None
    reasoning: str = ""
    version: int | None = None


@router.post(
    "/{participation_id}/final-goal",
    response={200: ParticipationDetailOut, **ERRORS},
    summary="Nytt sluttmål (forsterket introduksjonsprogram)",
)
def programme_final_goal(
    request: HttpRequest, participation_id: ObjectId, body: FinalGoalIn
) -> Any:
    ctx, p = _for_edit(request, participation_id)
    _required(
        body.dict(),
        {"final_goal": "Sluttmål", "planned_months": "Varighet", "version": "Versjon"},
    )
    assert body.planned_months is not None and body.version is not None
    p = extensions.programme_final_goal_revise(
        ctx=ctx,
        participation=p,
        final_goal=body.final_goal,
        planned_months=body.planned_months,
        reasoning=body.reasoning,
        version=body.version,
    )
    return _out(p, detail=True)


class CareerGuidanceIn(Schema):
    assessed_on: datetime.date | None = None
    needed: bool | None = None
    note: str = ""
    given_on: datetime.date | None = None
    version: int | None = None


@router.post(
    "/{participation_id}/career-guidance",
    response={200: ParticipationDetailOut, **ERRORS},
    summary="Vurdering av behovet for karriereveiledning",
)
def programme_career_guidance(
    request: HttpRequest, participation_id: ObjectId, body: CareerGuidanceIn
) -> Any:
    ctx, p = _for_edit(request, participation_id)
    _required(
        body.dict(),
        {"assessed_on": "Dato for vurderingen", "needed": "Behov", "version": "Versjon"},
    )
    assert body.assessed_on is not None and body.needed is not None and body.version is not None
    p = extensions.programme_career_guidance(
        ctx=ctx,
        participation=p,
        assessed_on=body.assessed_on,
        needed=body.needed,
        note=body.note,
        given_on=body.given_on,
        version=body.version,
    )
    return _out(p, detail=True)


class EndIn(Schema):
    ended_on: datetime.date | None = None
    end_reason: str = ""
    end_note: str = ""
    version: int | None = None


@router.post(
    "/{participation_id}/end", response={200: ParticipationDetailOut, **ERRORS}, summary="Avslutt"
)
def programme_end(request: HttpRequest, participation_id: ObjectId, body: EndIn) -> Any:
    ctx, p = _for_edit(request, participation_id)
    _required(body.dict(), {"ended_on": "Sluttdato", "version": "Versjon"})
    assert body.ended_on is not None and body.version is not None
    lifecycle.programme_end(
        ctx=ctx,
        participation=p,
        ended_on=body.ended_on,
        reason=body.end_reason,
        note=body.end_note,
        version=body.version,
    )
    return _out(p, detail=True)


class MonthBenefitOut(Schema):
    period: datetime.date
    days: int
    monthly_rate: str
    gross: str
    absence_hours: str
    deduction: str
    amount: str
    needs_decision: bool
    note: str


@router.get(
    "/{participation_id}/benefit",
    response={200: MonthBenefitOut | None, **ERRORS},
    summary="Stønad for en måned (beregning, ikke utbetaling)",
)
def programme_benefit(request: HttpRequest, participation_id: ObjectId, month: str = "") -> Any:
    """The benefit the rules give for one month (``month=2024-05``, by default this month); null
    outside the programme."""
    ctx = AccessContext.from_request(request)
    p = participation_get(ctx=ctx, participation_id=participation_id)
    first = month_parse(month or f"{timezone.localdate():%Y-%m}")
    try:
        result = benefit_month_compute(participation=p, month=first)
    except RulesError as exc:
        raise ValidationError({"month": [str(exc)]}) from None
    if result is None:
        return None
    return {
        "period": result.period,
        "days": result.days,
        "monthly_rate": money_str(result.monthly_rate),
        "gross": money_str(result.gross),
        "absence_hours": str(result.absence_hours),
        "deduction": money_str(result.deduction),
        "amount": money_str(result.amount),
        "needs_decision": result.needs_decision,
        "note": result.note,
    }
