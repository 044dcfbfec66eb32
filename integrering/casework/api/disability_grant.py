"""API for applications for the disability grant (ekstratilskudd, seed 002 §3.1): a person's
applications (list, create, read, change a draft, send, record the decision) and a
municipality's applications.

The same services and selectors as the pages; ``person_get`` first, so another municipality gets
404. Reading needs the whole case; writing the refugee service.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from integrering.audit.services import AccessContext
from integrering.errors import NotFound
from integrering.people.selectors import person_get
from integrering.schemas import ErrorOut, ObjectId

from .. import selectors
from ..models import DisabilityGrantApplication
from ..services.disability_grant import (
    DisabilityGrantInput,
    disability_grant_application_create,
    disability_grant_application_decide,
    disability_grant_application_of,
    disability_grant_application_send,
    disability_grant_application_update,
    disability_grant_applications_of,
    disability_grant_estimate,
)

router = Router(tags=["tilskudd ved nedsatt funksjonsevne"])
municipality_router = Router(tags=["tilskudd ved nedsatt funksjonsevne"])

READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE = {**READ, 409: ErrorOut, 422: ErrorOut}


class DisabilityGrantApplicationIn(Schema):
    """Every field may be left out here: the service says which are missing, by field."""

    grant: int | None = Field(None, description="1: engangstilskudd (år 1 eller 2); 2: årlig")
    budget_year: int | None = Field(None, ge=1900, le=2200)
    documented_need: Decimal | None = Field(
        None,
        ge=0,
        le=Decimal("9999999999.99"),
        decimal_places=2,
        description="Tilskudd 2: dokumenterte ekstraordinære utgifter i året, kroner",
    )
    documentation_note: str = Field("", max_length=5000, description="Hva som sendes med")


class DisabilityGrantApplicationUpdateIn(DisabilityGrantApplicationIn):
    version: int = Field(..., ge=1, description="Versjonen du endrer (optimistisk lås)")


class DisabilityGrantSendIn(Schema):
    version: int = Field(..., ge=1)
    sent_on: datetime.date | None = Field(None, description="Sendt til IMDi (tom: i dag)")


class DisabilityGrantDecisionIn(Schema):
    version: int = Field(..., ge=1)
    status: Literal["granted", "refused"]
    decided_on: datetime.date
    granted_amount: Decimal | None = Field(
        None, ge=0, le=Decimal("9999999999.99"), decimal_places=2
    )
    decision_note: str = Field("", max_length=5000)


class DisabilityGrantApplicationOut(Schema):
    id: int
    person: int
    municipality: str
    grant: int
    budget_year: int
    year_after_settlement: int | None
    status: str
    documented_need: str | None = Field(description="Kroner med to desimaler")
    documentation_note: str
    rate: str | None = Field(description="Tilskudd 1: summen; tilskudd 2: maksimum (null: ukjent)")
    amount: str | None = Field(description="Etter satsen: tilskudd 2 er behovet, høyst maksimum")
    capped: bool
    rules_message: str = Field(description="Hvorfor beløpet ikke kan beregnes, ellers tom")
    application_deadline: datetime.date | None
    sent_on: datetime.date | None
    decided_on: datetime.date | None
    granted_amount: str | None
    decision_note: str
    version: int

    @staticmethod
    def of(application: DisabilityGrantApplication) -> DisabilityGrantApplicationOut:
        estimate = disability_grant_estimate(application)

        def money(amount: Decimal | None) -> str | None:
            return f"{Decimal(amount):.2f}" if amount is not None else None

        return DisabilityGrantApplicationOut(
            id=application.pk,
            person=application.person_id,
            municipality=application.municipality.number,
            grant=application.grant,
            budget_year=application.budget_year,
            year_after_settlement=estimate.year_after_settlement,
            status=application.status,
            documented_need=money(application.documented_need),
            documentation_note=application.documentation_note,
            rate=money(estimate.rate),
            amount=money(estimate.amount),
            capped=estimate.capped,
            rules_message=estimate.message,
            application_deadline=estimate.deadline,
            sent_on=application.sent_on,
            decided_on=application.decided_on,
            granted_amount=money(application.granted_amount),
            decision_note=application.decision_note,
            version=application.version,
        )


def _input(payload: DisabilityGrantApplicationIn) -> DisabilityGrantInput:
    return DisabilityGrantInput(
        grant=payload.grant,
        budget_year=payload.budget_year,
        documented_need=payload.documented_need,
        documentation_note=payload.documentation_note,
    )


@router.get(
    "{person_id}/disability-grant-applications",
    response={200: list[DisabilityGrantApplicationOut], **READ},
    summary="En persons søknader om tilskudd ved nedsatt funksjonsevne",
)
def disability_grant_applications_list(
    request: HttpRequest, person_id: ObjectId
) -> list[DisabilityGrantApplicationOut]:
    person = person_get(ctx=AccessContext.from_request(request), person_id=person_id)
    return [
        DisabilityGrantApplicationOut.of(a) for a in disability_grant_applications_of(person=person)
    ]


@router.post(
    "{person_id}/disability-grant-applications",
    response={201: DisabilityGrantApplicationOut, **WRITE},
    summary="Ny søknad (utkast) om tilskudd ved nedsatt funksjonsevne (bare flyktningtjenesten)",
)
def disability_grant_application_post(
    request: HttpRequest, person_id: ObjectId, payload: DisabilityGrantApplicationIn
) -> Status[DisabilityGrantApplicationOut]:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    application = disability_grant_application_create(ctx=ctx, person=person, data=_input(payload))
    return Status(201, DisabilityGrantApplicationOut.of(application))


@router.get(
    "{person_id}/disability-grant-applications/{grant_application_id}",
    response={200: DisabilityGrantApplicationOut, **READ},
    summary="En søknad om tilskudd ved nedsatt funksjonsevne",
)
def disability_grant_application_get(
    request: HttpRequest, person_id: ObjectId, grant_application_id: ObjectId
) -> DisabilityGrantApplicationOut:
    person = person_get(ctx=AccessContext.from_request(request), person_id=person_id)
    application = disability_grant_application_of(
        person=person, application_id=grant_application_id
    )
    return DisabilityGrantApplicationOut.of(application)


@router.put(
    "{person_id}/disability-grant-applications/{grant_application_id}",
    response={200: DisabilityGrantApplicationOut, **WRITE},
    summary="Endre et utkast (bare flyktningtjenesten)",
)
def disability_grant_application_put(
    request: HttpRequest,
    person_id: ObjectId,
    grant_application_id: ObjectId,
    payload: DisabilityGrantApplicationUpdateIn,
) -> DisabilityGrantApplicationOut:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    application = disability_grant_application_of(
        person=person, application_id=grant_application_id
    )
    saved = disability_grant_application_update(
        ctx=ctx, application=application, data=_input(payload), version=payload.version
    )
    return DisabilityGrantApplicationOut.of(saved)


@router.post(
    "{person_id}/disability-grant-applications/{grant_application_id}/send",
    response={200: DisabilityGrantApplicationOut, **WRITE},
    summary="Registrer at søknaden er sendt til IMDi (senest på søknadsfristen)",
)
def disability_grant_application_send_post(
    request: HttpRequest,
    person_id: ObjectId,
    grant_application_id: ObjectId,
    payload: DisabilityGrantSendIn,
) -> DisabilityGrantApplicationOut:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    application = disability_grant_application_of(
        person=person, application_id=grant_application_id
    )
    sent = disability_grant_application_send(
        ctx=ctx,
        application=application,
        sent_on=payload.sent_on or timezone.localdate(),
        version=payload.version,
    )
    return DisabilityGrantApplicationOut.of(sent)


@router.post(
    "{person_id}/disability-grant-applications/{grant_application_id}/decision",
    response={200: DisabilityGrantApplicationOut, **WRITE},
    summary="Registrer vedtaket fra IMDi: innvilget med beløp, eller avslått med begrunnelse",
)
def disability_grant_application_decision_post(
    request: HttpRequest,
    person_id: ObjectId,
    grant_application_id: ObjectId,
    payload: DisabilityGrantDecisionIn,
) -> DisabilityGrantApplicationOut:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    application = disability_grant_application_of(
        person=person, application_id=grant_application_id
    )
    decided = disability_grant_application_decide(
        ctx=ctx,
        application=application,
        status=payload.status,
        decided_on=payload.decided_on,
        granted_amount=payload.granted_amount,
        decision_note=payload.decision_note,
        version=payload.version,
    )
    return DisabilityGrantApplicationOut.of(decided)


class DisabilityGrantMunicipalityFilter(Schema):
    municipality: str = Field("", description="Kommunenummer (tom: din egen kommune)")
    budget_year: int | None = Field(None, ge=1900, le=2200)
    status: Literal["", "draft", "sent", "granted", "refused"] = ""


@municipality_router.get(
    "",
    response={
        200: list[DisabilityGrantApplicationOut],
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    summary="En kommunes søknader om tilskudd ved nedsatt funksjonsevne",
)
def disability_grant_applications_municipality(
    request: HttpRequest, filters: Query[DisabilityGrantMunicipalityFilter]
) -> list[DisabilityGrantApplicationOut]:
    municipalities = list(selectors.disability_grant_municipalities(request.user))
    own = getattr(getattr(request.user, "organisation", None), "municipality", None)
    number = filters.municipality or (own if own in municipalities else municipalities[0]).number
    municipality = next((m for m in municipalities if m.number == number), None)
    if municipality is None:
        raise NotFound("Finner ikke kommunen, eller du har ikke tilgang til den.")
    applications = selectors.disability_grant_applications_in(
        ctx=AccessContext.from_request(request),
        municipality=municipality,
        budget_year=filters.budget_year,
        status=filters.status,
    )
    return [DisabilityGrantApplicationOut.of(a) for a in applications]
