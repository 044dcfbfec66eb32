"""API for the monthly benefit runs: list, start (computed in the background), read with lines,
approve, and the CSV for the payroll system (format in ``views/benefit_runs.py``).

The same services and selectors as the pages: a run of another municipality is 404. Amounts are
strings with two decimals.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import programme_municipality_ids
from integrering.audit.services import AccessContext
from integrering.organisations.models import Municipality
from integrering.rules.money import money_str
from integrering.schemas import ErrorOut, ObjectId

from ..models import BenefitLine, BenefitRun
from ..selectors import benefit_run_get, benefit_runs_for
from ..services.benefit_run import (
    ReductionsUndecided,
    benefit_lines_shown,
    benefit_run_approve,
    benefit_run_csv,
    benefit_run_lines,
    benefit_run_start,
    export_disposition,
    month_parse,
)
from ..views.benefit_runs import NO_PROGRAMME

router = Router(tags=["introduksjonsstønad"])


class BenefitRunIn(Schema):
    municipality: str = Field("", description="Kommunenummeret, f.eks. «0301»")
    month: str = Field("", description="Måneden, ÅÅÅÅ-MM (f.eks. «2024-05»)")


class BenefitLineOut(Schema):
    id: int
    person: int
    participation: int
    name: str
    kind: str = Field(description="regular (ordinær) eller correction (korreksjon)")
    period: str = Field(description="Måneden linjen gjelder, ÅÅÅÅ-MM")
    days: int
    monthly_rate: str
    gross: str
    absence_hours: str
    deduction: str
    amount: str = Field(description="Til utbetaling; negativ for en korreksjon som trekker tilbake")
    needs_decision: bool = Field(description="Trekket krever enkeltvedtak (integreringsloven § 21)")
    decision: int | None = Field(None, description="Vedtaket om trekk (utkast eller fattet)")
    note: str

    @staticmethod
    def of(line: BenefitLine) -> BenefitLineOut:
        return BenefitLineOut(
            id=line.pk,
            person=line.person_id,
            participation=line.participation_id,
            name=f"{line.person.given_name} {line.person.family_name}",
            kind=line.kind,
            period=f"{line.period:%Y-%m}",
            days=line.days,
            monthly_rate=money_str(line.monthly_rate),
            gross=money_str(line.gross),
            absence_hours=f"{line.absence_hours:.1f}",
            deduction=money_str(line.deduction),
            amount=money_str(line.amount),
            needs_decision=line.needs_decision,
            decision=line.decision_id,
            note=line.note,
        )


class BenefitRunOut(Schema):
    id: int
    municipality: str = Field(description="Kommunenummeret")
    month: str = Field(description="ÅÅÅÅ-MM")
    status: str = Field(description="queued, running, preview, approved eller failed")
    participants: int
    processed: int
    progress_percent: int
    total: str
    error: str
    created_at: datetime.datetime
    computed_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    approved_by_computer_confirmed: bool = Field(
        description="Godkjent av den som beregnet kjøringen, og bekreftet av vedkommende"
    )
    url: str
    csv_url: str

    @staticmethod
    def of(run: BenefitRun) -> BenefitRunOut:
        return BenefitRunOut(
            id=run.pk,
            municipality=run.municipality.number,
            month=f"{run.month:%Y-%m}",
            status=run.status,
            participants=run.participants,
            processed=run.processed,
            progress_percent=run.progress_percent,
            total=money_str(run.total),
            error=run.error,
            created_at=run.created_at,
            computed_at=run.computed_at,
            approved_at=run.approved_at,
            approved_by_computer_confirmed=run.approved_by_computer_confirmed,
            url=reverse("api:benefit_run_detail", kwargs={"run_id": run.pk}),
            csv_url=reverse("api:benefit_run_csv", kwargs={"run_id": run.pk}),
        )


class BenefitRunDetailOut(BenefitRunOut):
    lines: list[BenefitLineOut]


class ApproveIn(Schema):
    confirm_same_user: bool = Field(
        False, description="Den som beregnet kjøringen, bekrefter at de også godkjenner den"
    )


class UndecidedOut(Schema):
    line: int
    person: int
    name: str
    period: str = Field(description="ÅÅÅÅ-MM")
    decision: int | None = Field(description="Vedtaket om trekk; tom når det mangler")
    reference: str
    status: str = Field(description="draft, decided eller sent; tom når vedtaket mangler")
    reason: str
    url: str | None = Field(description="Vedtaket i API-et")


class ApproveRefusedOut(ErrorOut):
    undecided: list[UndecidedOut]


def _require_programme(request: HttpRequest) -> None:
    if not programme_municipality_ids(request.user):
        raise PermissionDenied(NO_PROGRAMME)


@router.get(
    "",
    response={200: list[BenefitRunOut], 401: ErrorOut, 403: ErrorOut},
    summary="Stønadskjøringene i kommunene du arbeider for, nyeste måned først",
)
def benefit_run_list(request: HttpRequest) -> list[BenefitRunOut]:
    _require_programme(request)
    runs = benefit_runs_for(request.user).select_related("municipality")
    return [BenefitRunOut.of(run) for run in runs]


@router.post(
    "",
    response={202: BenefitRunOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Beregn stønaden for en kommune og måned (i bakgrunnen; følg den med GET)",
)
def benefit_run_create(request: HttpRequest, payload: BenefitRunIn) -> Status[BenefitRunOut]:
    """An earlier preview of the month is replaced; an approved month is refused (422)."""
    _require_programme(request)
    month = month_parse(payload.month)
    municipality = Municipality.objects.filter(
        number=payload.municipality.strip(),
        valid_to__isnull=True,
        pk__in=programme_municipality_ids(request.user),
    ).first()
    if municipality is None:
        raise ValidationError(
            {
                "municipality": [
                    f"Kommune «{payload.municipality}» finnes ikke, eller du arbeider ikke med "
                    "introduksjonsprogrammet der."
                ]
            }
        )
    run = benefit_run_start(
        ctx=AccessContext.from_request(request), municipality=municipality, month=month
    )
    return Status(202, BenefitRunOut.of(run))


@router.get(
    "{run_id}",
    response={200: BenefitRunDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Én stønadskjøring med alle linjene",
    url_name="benefit_run_detail",
)
def benefit_run_detail(request: HttpRequest, run_id: ObjectId) -> BenefitRunDetailOut:
    run = benefit_run_get(ctx=AccessContext.from_request(request), run_id=run_id)
    lines = list(benefit_run_lines(run))
    benefit_lines_shown(AccessContext.from_request(request), lines, run)
    return BenefitRunDetailOut(
        **BenefitRunOut.of(run).model_dump(), lines=[BenefitLineOut.of(line) for line in lines]
    )


@router.post(
    "{run_id}/approve",
    response={
        200: BenefitRunOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ApproveRefusedOut,
        422: ErrorOut,
    },
    summary="Godkjenn en forhåndsvisning; måneden låses",
)
def benefit_run_approve_post(
    request: HttpRequest, run_id: ObjectId, payload: ApproveIn
) -> BenefitRunOut | Status[ApproveRefusedOut]:
    """409 lists the deductions whose decisions are not made; 422 when the user who computed
    the run approves it without ``confirm_same_user``."""
    run = benefit_run_get(ctx=AccessContext.from_request(request), run_id=run_id)
    try:
        run = benefit_run_approve(
            ctx=AccessContext.from_request(request),
            run=run,
            confirm_same_user=payload.confirm_same_user,
        )
    except ReductionsUndecided as exc:
        undecided = [
            UndecidedOut(
                line=b.line.pk,
                person=b.line.person_id,
                name=f"{b.line.person.given_name} {b.line.person.family_name}",
                period=f"{b.line.period:%Y-%m}",
                decision=b.decision.pk if b.decision else None,
                reference=b.decision.reference if b.decision else "",
                status=b.decision.status if b.decision else "",
                reason=b.reason,
                url=reverse("api:decisions_detail", kwargs={"decision_id": b.decision.pk})
                if b.decision
                else None,
            )
            for b in exc.blocking
        ]
        return Status(
            409,
            ApproveRefusedOut(
                detail=" ".join(exc.messages), errors=exc.message_dict, undecided=undecided
            ),
        )
    return BenefitRunOut.of(run)


@router.get(
    "{run_id}/export.csv",
    response={401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Linjene som CSV til lønnssystemet (semikolon, UTF-8 med BOM)",
    url_name="benefit_run_csv",
    openapi_extra={
        "responses": {
            "200": {
                "description": "CSV; filnavnet sier FORHÅNDSVISNING når måneden ikke er godkjent",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def benefit_run_csv_get(request: HttpRequest, run_id: ObjectId) -> HttpResponse:
    run = benefit_run_get(ctx=AccessContext.from_request(request), run_id=run_id)
    content = benefit_run_csv(ctx=AccessContext.from_request(request), run=run)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = export_disposition(run, "csv")
    patch_cache_control(response, private=True, no_store=True)
    return response
