"""API for individual decisions (enkeltvedtak) and appeals (klage), both the municipality's side
and the county governor's.

The same selectors and services as the pages: another municipality gets 404, and so does every
user but the county governor the appeal was forwarded to on ``county-governor/appeals``. Writes
carry the ``version`` the caller read; a concurrent change gives 409.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from ninja import Query, Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import county_governor_id_of
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.people.selectors import person_get
from integrering.rules.money import money_str
from integrering.schemas import ErrorOut, ListOffset, ObjectId

from ..models import Appeal, AppealStatus, Decision
from ..selectors import (
    NOT_FOUND_APPEAL,
    appeal_get,
    appeal_get_for_county_governor,
    appeals_for_county_governor,
    appeals_for_municipality,
    decision_get,
    decisions_for,
    participation_get,
)
from ..services.appeals import (
    appeal_decide_outcome,
    appeal_dismiss,
    appeal_forward,
    appeal_register,
    appeal_reverse,
)
from ..services.decisions import (
    decision_create,
    decision_decide,
    decision_letter,
    decision_letter_filename,
    decision_send,
    decision_update,
)

router = Router(tags=["vedtak og klager"])

READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 409: ErrorOut, 422: ErrorOut}
PDF_RESPONSE = {
    "responses": {
        "200": {
            "description": "Vedtaksbrevet som PDF (A4)",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class DecisionOut(Schema):
    id: int
    reference: str = Field(description="Referansen i brevet, f.eks. V-2024-000012")
    person: int
    person_name: str
    municipality: str = Field(description="Kommunenummer")
    participation: int | None
    kind: str = Field(description="start, stop, extension, reduction eller refusal")
    status: str = Field(description="draft (utkast), decided (vedtatt) eller sent (sendt)")
    act: str
    subject: str
    legal_basis: str
    facts: str
    reasoning: str
    conclusion: str
    effective_on: datetime.date | None
    amount: str | None = Field(description="Beløp for trekk i stønaden, to desimaler")
    benefit_period: str | None = Field(None, description="Trekket gjelder stønaden for ÅÅÅÅ-MM")
    absence_hours: str | None = Field(None, description="Timer ugyldig fravær trekket gjelder")
    governor_reference: str = Field(
        "", description="Statsforvalterens vedtak, når denne versjonen er Statsforvalterens endring"
    )
    decided_on: datetime.date | None
    decided_by: str | None
    sent_on: datetime.date | None
    received_on: datetime.date | None
    appeal_deadline: datetime.date | None
    replaces: int | None
    version: int
    letter_url: str | None

    @staticmethod
    def of(decision: Decision, *, letter: bool = True) -> DecisionOut:
        decided_by = decision.decided_by
        return DecisionOut(
            id=decision.pk,
            reference=decision.reference,
            person=decision.person_id,
            person_name=decision.person.full_name,
            municipality=decision.municipality.number,
            participation=decision.participation_id,
            kind=decision.kind,
            status=decision.status,
            act=decision.act,
            subject=decision.subject,
            legal_basis=decision.legal_basis,
            facts=decision.facts,
            reasoning=decision.reasoning,
            conclusion=decision.conclusion,
            effective_on=decision.effective_on,
            amount=money_str(decision.amount) if decision.amount is not None else None,
            benefit_period=f"{decision.benefit_period:%Y-%m}" if decision.benefit_period else None,
            absence_hours=f"{decision.absence_hours:.1f}"
            if decision.absence_hours is not None
            else None,
            governor_reference=decision.governor_reference,
            decided_on=decision.decided_on,
            decided_by=decided_by.get_username() if decided_by is not None else None,
            sent_on=decision.sent_on,
            received_on=decision.received_on,
            appeal_deadline=decision.appeal_deadline,
            replaces=decision.replaces_id,
            version=decision.version,
            letter_url=reverse("api:decision_letter", kwargs={"decision_id": decision.pk})
            if letter
            else None,
        )


class AppealOut(Schema):
    id: int
    decision: int
    decision_reference: str
    person: int
    person_name: str
    municipality: str = Field(description="Kommunenummer")
    county_governor: str | None
    received_on: datetime.date
    grounds: str
    late: bool = Field(description="Mottatt etter klagefristen")
    late_heard_reason: str
    status: str = Field(
        description="received, reversed, dismissed, forwarded, upheld, quashed eller changed"
    )
    status_label: str
    municipality_assessment: str
    reviewed_on: datetime.date | None
    new_decision: int | None
    outcome_on: datetime.date | None
    outcome_reasoning: str
    forward_due_on: datetime.date | None = Field(
        None, description="Kommunens frist for å sende klagen til Statsforvalteren"
    )
    returned_due_on: datetime.date | None = Field(
        None, description="Frist for nytt vedtak når Statsforvalteren opphevet vedtaket"
    )
    documents: list[str] = Field(
        default_factory=list, description="Saksdokumentene sendt med klagen"
    )
    version: int

    @staticmethod
    def of(appeal: Appeal) -> AppealOut:
        decision = appeal.decision
        return AppealOut(
            id=appeal.pk,
            decision=decision.pk,
            decision_reference=decision.reference,
            person=decision.person_id,
            person_name=decision.person.full_name,
            municipality=appeal.municipality.number,
            county_governor=appeal.county_governor.name if appeal.county_governor else None,
            received_on=appeal.received_on,
            grounds=appeal.grounds,
            late=appeal.late,
            late_heard_reason=appeal.late_heard_reason,
            status=appeal.status,
            status_label=appeal.get_status_display(),
            municipality_assessment=appeal.municipality_assessment,
            reviewed_on=appeal.reviewed_on,
            new_decision=appeal.new_decision_id,
            outcome_on=appeal.outcome_on,
            outcome_reasoning=appeal.outcome_reasoning,
            forward_due_on=appeal.forward_deadline.due_on if appeal.forward_deadline else None,
            returned_due_on=appeal.returned_deadline.due_on if appeal.returned_deadline else None,
            documents=[f"{item['title']}: {item['detail']}" for item in appeal.bundle_index or []],
            version=appeal.version,
        )


class GovernorAppealOut(AppealOut):
    decision_detail: DecisionOut


class DecisionFilter(Schema):
    status: str = Field("", description="draft, decided eller sent; tom for alle")
    person_id: ObjectId | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: ListOffset = 0


class DecisionIn(Schema):
    person_id: ObjectId
    kind: str = Field(description="refusal, reduction, start, stop eller extension")
    participation_id: ObjectId | None = None
    effective_on: datetime.date | None = None
    amount: Decimal | None = Field(None, description="Beløp som trekkes (bare for reduction)")
    facts: str = ""
    reasoning: str = ""
    conclusion: str = ""


class DecisionUpdateIn(Schema):
    subject: str = ""
    facts: str = ""
    reasoning: str = ""
    conclusion: str = ""
    effective_on: datetime.date | None = None
    amount: Decimal | None = Field(None, description="Tom: beløpet beholdes")
    version: int


class DecideIn(Schema):
    decided_on: datetime.date | None = None
    version: int


class SendIn(Schema):
    sent_on: datetime.date | None = None
    received_on: datetime.date | None = Field(
        None, description="Når deltakeren mottok vedtaket; tom: samme dag som det ble sendt"
    )
    version: int


class AppealIn(Schema):
    received_on: datetime.date | None = Field(None, description="Datoen kommunen mottok klagen")
    grounds: str = ""
    late_heard_reason: str = Field("", description="Hvorfor en klage som kom for sent behandles")


class ReviewIn(Schema):
    assessment: str = ""
    late_heard_reason: str = ""
    version: int


class OutcomeIn(Schema):
    outcome: str = Field("", description="upheld (stadfestet), quashed (opphevet) eller changed")
    reasoning: str = ""
    decided_on: datetime.date | None = None
    governor_reference: str = Field("", description="Statsforvalterens saksnummer")
    changed_conclusion: str = Field(
        "", description="Vedtaket slik det er endret (påkrevd for changed)"
    )
    changed_amount: Decimal | None = Field(
        None, description="Beløpet som nå trekkes (påkrevd for changed på vedtak om trekk)"
    )
    version: int


def _pdf(decision: Decision, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{decision_letter_filename(decision)}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- Decisions -------------------------------------------------------------------------------


@router.get(
    "decisions/",
    response={200: list[DecisionOut], 401: ErrorOut},
    summary="Kommunens enkeltvedtak",
)
def decisions_list(request: HttpRequest, filters: Query[DecisionFilter]) -> list[DecisionOut]:
    decisions = decisions_for(request.user).defer("letter_pdf").select_related("decided_by")
    if filters.status:
        decisions = decisions.filter(status=filters.status)
    if filters.person_id is not None:
        decisions = decisions.filter(person_id=filters.person_id)
    rows = list(decisions[filters.offset : filters.offset + filters.limit])
    audit_record_many(
        ctx=AccessContext.from_request(request),
        person_ids=[d.person_id for d in rows],
        action=AuditAction.LIST,
        detail="vedtaksliste (API)",
    )
    return [DecisionOut.of(d) for d in rows]


@router.post(
    "decisions/",
    response={201: DecisionOut, **WRITE_ERRORS},
    summary="Nytt vedtak (utkast), f.eks. avslag eller trekk i stønaden",
)
def decisions_create(request: HttpRequest, payload: DecisionIn) -> Status[DecisionOut]:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=payload.person_id, edit=True)
    participation = None
    if payload.participation_id is not None:
        participation = participation_get(
            ctx=ctx, participation_id=payload.participation_id, edit=True
        )
    decision = decision_create(
        ctx=ctx,
        person=person,
        kind=payload.kind,
        facts=payload.facts,
        reasoning=payload.reasoning,
        conclusion=payload.conclusion,
        effective_on=payload.effective_on,
        participation=participation,
        amount=payload.amount,
    )
    return Status(201, DecisionOut.of(decision))


@router.get(
    "decisions/{decision_id}", response={200: DecisionOut, **READ_ERRORS}, summary="Ett vedtak"
)
def decisions_detail(request: HttpRequest, decision_id: ObjectId) -> DecisionOut:
    return DecisionOut.of(
        decision_get(ctx=AccessContext.from_request(request), decision_id=decision_id)
    )


@router.put(
    "decisions/{decision_id}",
    response={200: DecisionOut, **WRITE_ERRORS},
    summary="Endre et utkast (bare mens vedtaket er et utkast)",
)
def decisions_update(
    request: HttpRequest, decision_id: ObjectId, payload: DecisionUpdateIn
) -> DecisionOut:
    ctx = AccessContext.from_request(request)
    decision = decision_get(ctx=ctx, decision_id=decision_id, edit=True)
    decision = decision_update(
        ctx=ctx,
        decision=decision,
        subject=payload.subject,
        facts=payload.facts,
        reasoning=payload.reasoning,
        conclusion=payload.conclusion,
        effective_on=payload.effective_on,
        version=payload.version,
        amount=payload.amount,
    )
    return DecisionOut.of(decision)


@router.post(
    "decisions/{decision_id}/decide",
    response={200: DecisionOut, **WRITE_ERRORS},
    summary="Vedta: utkast → vedtatt",
)
def decisions_decide(request: HttpRequest, decision_id: ObjectId, payload: DecideIn) -> DecisionOut:
    ctx = AccessContext.from_request(request)
    decision = decision_get(ctx=ctx, decision_id=decision_id, edit=True)
    if payload.decided_on is None:
        raise ValidationError({"decided_on": ["Oppgi vedtaksdatoen."]})
    decision = decision_decide(
        ctx=ctx, decision=decision, decided_on=payload.decided_on, version=payload.version
    )
    return DecisionOut.of(decision)


@router.post(
    "decisions/{decision_id}/send",
    response={200: DecisionOut, **WRITE_ERRORS},
    summary="Send: vedtatt → sendt; brevet lagres og klagefristen begynner å løpe",
)
def decisions_send(request: HttpRequest, decision_id: ObjectId, payload: SendIn) -> DecisionOut:
    ctx = AccessContext.from_request(request)
    decision = decision_get(ctx=ctx, decision_id=decision_id, edit=True)
    if payload.sent_on is None:
        raise ValidationError({"sent_on": ["Oppgi datoen vedtaket ble sendt."]})
    decision = decision_send(
        ctx=ctx,
        decision=decision,
        sent_on=payload.sent_on,
        received_on=payload.received_on,
        version=payload.version,
    )
    return DecisionOut.of(decision)


@router.get(
    "decisions/{decision_id}/letter.pdf",
    response=READ_ERRORS,
    summary="Vedtaksbrevet som PDF (et sendt vedtak: brevet slik det ble sendt)",
    url_name="decision_letter",
    openapi_extra=PDF_RESPONSE,
)
def decisions_letter(request: HttpRequest, decision_id: ObjectId) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    decision = decision_get(ctx=ctx, decision_id=decision_id)
    return _pdf(decision, decision_letter(ctx=ctx, decision=decision))


@router.post(
    "decisions/{decision_id}/appeals",
    response={201: AppealOut, **WRITE_ERRORS},
    summary="Registrer en klage på et sendt vedtak",
)
def decisions_appeal(
    request: HttpRequest, decision_id: ObjectId, payload: AppealIn
) -> Status[AppealOut]:
    appeal = appeal_register(
        ctx=AccessContext.from_request(request),
        decision_id=decision_id,
        received_on=payload.received_on,
        grounds=payload.grounds,
        late_heard_reason=payload.late_heard_reason,
    )
    return Status(201, AppealOut.of(appeal))


# --- Appeals, the municipality's side ---------------------------------------------------------


class AppealFilter(Schema):
    status: str = Field("", description="Tom for alle")
    limit: int = Field(100, ge=1, le=500)
    offset: ListOffset = 0


@router.get("appeals/", response={200: list[AppealOut], 401: ErrorOut}, summary="Kommunens klager")
def appeals_list(request: HttpRequest, filters: Query[AppealFilter]) -> list[AppealOut]:
    appeals = appeals_for_municipality(request.user).defer("decision__letter_pdf")
    if filters.status:
        appeals = appeals.filter(status=filters.status)
    rows = list(appeals[filters.offset : filters.offset + filters.limit])
    audit_record_many(
        ctx=AccessContext.from_request(request),
        person_ids=[a.decision.person_id for a in rows],
        action=AuditAction.LIST,
        detail="klageliste (API)",
    )
    return [AppealOut.of(a) for a in rows]


@router.get("appeals/{appeal_id}", response={200: AppealOut, **READ_ERRORS}, summary="Én klage")
def appeals_detail(request: HttpRequest, appeal_id: ObjectId) -> AppealOut:
    return AppealOut.of(appeal_get(ctx=AccessContext.from_request(request), appeal_id=appeal_id))


@router.post(
    "appeals/{appeal_id}/forward",
    response={200: AppealOut, **WRITE_ERRORS},
    summary="Send klagen til Statsforvalteren med kommunens vurdering",
)
def appeals_forward(request: HttpRequest, appeal_id: ObjectId, payload: ReviewIn) -> AppealOut:
    ctx = AccessContext.from_request(request)
    appeal = appeal_get(ctx=ctx, appeal_id=appeal_id, edit=True)
    return AppealOut.of(
        appeal_forward(
            ctx=ctx,
            appeal=appeal,
            assessment=payload.assessment,
            version=payload.version,
            late_heard_reason=payload.late_heard_reason,
        )
    )


@router.post(
    "appeals/{appeal_id}/reverse",
    response={200: AppealOut, **WRITE_ERRORS},
    summary="Kommunen omgjør vedtaket; et nytt utkast lages (new_decision)",
)
def appeals_reverse(request: HttpRequest, appeal_id: ObjectId, payload: ReviewIn) -> AppealOut:
    ctx = AccessContext.from_request(request)
    appeal = appeal_get(ctx=ctx, appeal_id=appeal_id, edit=True)
    return AppealOut.of(
        appeal_reverse(
            ctx=ctx,
            appeal=appeal,
            assessment=payload.assessment,
            version=payload.version,
            late_heard_reason=payload.late_heard_reason,
        )
    )


@router.post(
    "appeals/{appeal_id}/dismiss",
    response={200: AppealOut, **WRITE_ERRORS},
    summary="Avvis en klage som kom for sent",
)
def appeals_dismiss(request: HttpRequest, appeal_id: ObjectId, payload: ReviewIn) -> AppealOut:
    ctx = AccessContext.from_request(request)
    appeal = appeal_get(ctx=ctx, appeal_id=appeal_id, edit=True)
    return AppealOut.of(
        appeal_dismiss(
            ctx=ctx, appeal=appeal, assessment=payload.assessment, version=payload.version
        )
    )


# --- Appeals, the county governor's side ------------------------------------------------------


def _governor_out(appeal: Appeal) -> GovernorAppealOut:
    base = AppealOut.of(appeal).dict()
    return GovernorAppealOut(**base, decision_detail=DecisionOut.of(appeal.decision, letter=False))


@router.get(
    "county-governor/appeals/",
    response={200: list[AppealOut], 401: ErrorOut, 404: ErrorOut},
    summary="Statsforvalterens klagesaker (ubehandlede først)",
)
def governor_appeals_list(request: HttpRequest) -> list[AppealOut]:
    if county_governor_id_of(request.user) is None:
        raise Http404(NOT_FOUND_APPEAL)
    appeals = (
        appeals_for_county_governor(request.user)
        .annotate(
            open_order=Case(
                When(status=AppealStatus.FORWARDED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("county_governor")
        .defer("decision__letter_pdf")
        .order_by("open_order", "reviewed_on", "id")
    )
    rows = list(appeals[:500])
    audit_record_many(
        ctx=AccessContext.from_request(request),
        person_ids=[a.decision.person_id for a in rows],
        action=AuditAction.LIST,
        detail="klager hos Statsforvalteren (API)",
    )
    return [AppealOut.of(a) for a in rows]


@router.get(
    "county-governor/appeals/{governor_appeal_id}",
    response={200: GovernorAppealOut, **READ_ERRORS},
    summary="Én klagesak med vedtaket det klages på",
)
def governor_appeals_detail(
    request: HttpRequest, governor_appeal_id: ObjectId
) -> GovernorAppealOut:
    appeal = appeal_get_for_county_governor(
        ctx=AccessContext.from_request(request), appeal_id=governor_appeal_id
    )
    return _governor_out(appeal)


@router.post(
    "county-governor/appeals/{governor_appeal_id}/outcome",
    response={200: GovernorAppealOut, **WRITE_ERRORS},
    summary="Statsforvalterens vedtak: upheld, quashed eller changed",
)
def governor_appeals_outcome(
    request: HttpRequest, governor_appeal_id: ObjectId, payload: OutcomeIn
) -> GovernorAppealOut:
    ctx = AccessContext.from_request(request)
    appeal = appeal_get_for_county_governor(ctx=ctx, appeal_id=governor_appeal_id)
    appeal = appeal_decide_outcome(
        ctx=ctx,
        appeal=appeal,
        outcome=payload.outcome,
        reasoning=payload.reasoning,
        decided_on=payload.decided_on,
        version=payload.version,
        changed_conclusion=payload.changed_conclusion,
        changed_amount=payload.changed_amount,
        governor_reference=payload.governor_reference,
    )
    return _governor_out(appeal)
