"""API for moving within five years (seed 002 §2.1): propose, register, read, accept, withdraw
and decline a move.

The same services and selectors as the pages (``services/transfers.py``): another municipality
than the two of a move gets 404; editing needs the municipality that has the case.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import may_edit_case, municipalities_served_by, sees_whole_case
from integrering.audit.services import AccessContext
from integrering.organisations.models import Municipality
from integrering.people.selectors import person_get
from integrering.schemas import ErrorOut, ObjectId

from .. import selectors
from ..models import CaseTransfer, TransferConsentMethod
from ..services.transfers import (
    TransferInput,
    case_transfer_accept,
    case_transfer_decline,
    case_transfer_propose,
    case_transfer_register,
    case_transfer_withdraw,
)

router = Router(tags=["flytting"])

METHODS = ", ".join(TransferConsentMethod.values)


class CaseTransferOut(Schema):
    id: int
    household: str
    persons: list[int]
    from_municipality: str
    to_municipality: str
    moved_on: datetime.date
    consent_on: datetime.date
    consent_method: str
    status: str
    handed_over_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    close_reason: str
    version: int

    @staticmethod
    def of(transfer: CaseTransfer) -> CaseTransferOut:
        return CaseTransferOut(
            id=transfer.pk,
            household=transfer.household.reference,
            persons=sorted(p.pk for p in transfer.persons.all()),
            from_municipality=transfer.from_municipality.number,
            to_municipality=transfer.to_municipality.number,
            moved_on=transfer.moved_on,
            consent_on=transfer.consent_on,
            consent_method=transfer.consent_method,
            status=transfer.status,
            handed_over_at=transfer.handed_over_at,
            closed_at=transfer.closed_at,
            close_reason=transfer.close_reason,
            version=transfer.version,
        )


class CaseTransferConsentIn(Schema):
    moved_on: datetime.date = Field(description="Flyttedato: tilskuddene følger personene fra den")
    consent_on: datetime.date = Field(description="Datoen samtykket til å overføre saken ble gitt")
    consent_method: str = Field(description=METHODS)
    consent_note: str = Field("", max_length=300)

    def to_input(self) -> TransferInput:
        return TransferInput(
            moved_on=self.moved_on,
            consent_on=self.consent_on,
            consent_method=self.consent_method,
            consent_note=self.consent_note,
        )


class CaseTransferProposeIn(CaseTransferConsentIn):
    to_municipality: str = Field(description="Kommunenummeret (4 siffer)", pattern=r"^\d{4}$")


class CaseTransferRegisterIn(CaseTransferConsentIn):
    to_municipality: str = Field(description="Kommunenummeret (4 siffer)", pattern=r"^\d{4}$")
    reference: str = Field(max_length=30, description="Husstandsnummeret")
    identity_number: str = Field(max_length=11, description="Fødselsnummeret til en i husstanden")


class CaseTransferAcceptIn(Schema):
    version: int = Field(ge=1)


class CaseTransferCloseIn(Schema):
    version: int = Field(ge=1)
    reason: str = Field(default="", max_length=500)


def _municipality(number: str) -> Municipality:
    found = Municipality.objects.filter(number=number, valid_to__isnull=True).first()
    if found is None:
        raise ValidationError({"to_municipality": [f"Kommune {number} finnes ikke."]})
    return found


@router.get(
    "transfers",
    response={200: list[CaseTransferOut], 401: ErrorOut, 403: ErrorOut},
    summary="Flyttinger til og fra kommunen",
)
def transfers_list(request: HttpRequest) -> list[CaseTransferOut]:
    if not sees_whole_case(request.user):
        raise PermissionDenied("Flyttinger er for flyktningtjenesten og kommunens ledere.")
    transfers = selectors.transfers_list(ctx=AccessContext.from_request(request))
    return [CaseTransferOut.of(t) for t in transfers]


@router.post(
    "persons/{person_id}/transfer",
    response={201: CaseTransferOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Foreslå at saken følger husstanden til en annen kommune",
)
def transfers_propose(
    request: HttpRequest, person_id: ObjectId, payload: CaseTransferProposeIn
) -> Status:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    transfer = case_transfer_propose(
        ctx=ctx,
        household=person.household,
        to_municipality=_municipality(payload.to_municipality),
        data=payload.to_input(),
    )
    return Status(201, CaseTransferOut.of(transfer))


@router.post(
    "transfers",
    response={201: CaseTransferOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Registrer en innflytting med personenes samtykke (saken overføres straks)",
)
def transfers_register(request: HttpRequest, payload: CaseTransferRegisterIn) -> Status:
    if not may_edit_case(request.user):
        raise PermissionDenied("Bare flyktningtjenesten kan registrere flyttinger.")
    municipality = (
        municipalities_served_by(request.user).filter(number=payload.to_municipality).first()
    )
    if municipality is None:
        raise ValidationError(
            {
                "to_municipality": [
                    f"Kommune {payload.to_municipality} finnes ikke, eller du arbeider ikke der."
                ]
            }
        )
    transfer = case_transfer_register(
        ctx=AccessContext.from_request(request),
        to_municipality=municipality,
        reference=payload.reference,
        identity_number=payload.identity_number,
        data=payload.to_input(),
    )
    return Status(201, CaseTransferOut.of(transfer))


@router.get(
    "transfers/{transfer_id}",
    response={200: CaseTransferOut, 401: ErrorOut, 404: ErrorOut},
    summary="En flytting",
)
def transfers_get(request: HttpRequest, transfer_id: ObjectId) -> CaseTransferOut:
    transfer, _side = selectors.transfer_get(
        ctx=AccessContext.from_request(request), transfer_id=transfer_id
    )
    return CaseTransferOut.of(transfer)


@router.post(
    "transfers/{transfer_id}/accept",
    response={200: CaseTransferOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Ta imot saken i tilflyttingskommunen",
)
def transfers_accept(
    request: HttpRequest, transfer_id: ObjectId, payload: CaseTransferAcceptIn
) -> CaseTransferOut:
    ctx = AccessContext.from_request(request)
    transfer, _side = selectors.transfer_get(ctx=ctx, transfer_id=transfer_id)
    transfer = case_transfer_accept(ctx=ctx, transfer=transfer, version=payload.version)
    return CaseTransferOut.of(transfer)


@router.post(
    "transfers/{transfer_id}/withdraw",
    response={200: CaseTransferOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Trekk en foreslått flytting (fraflyttingskommunen)",
)
def transfers_withdraw(
    request: HttpRequest, transfer_id: ObjectId, payload: CaseTransferCloseIn
) -> CaseTransferOut:
    ctx = AccessContext.from_request(request)
    transfer, _side = selectors.transfer_get(ctx=ctx, transfer_id=transfer_id)
    transfer = case_transfer_withdraw(
        ctx=ctx, transfer=transfer, version=payload.version, reason=payload.reason
    )
    return CaseTransferOut.of(transfer)


@router.post(
    "transfers/{transfer_id}/decline",
    response={200: CaseTransferOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Avslå en foreslått flytting med begrunnelse (tilflyttingskommunen)",
)
def transfers_decline(
    request: HttpRequest, transfer_id: ObjectId, payload: CaseTransferCloseIn
) -> CaseTransferOut:
    ctx = AccessContext.from_request(request)
    transfer, _side = selectors.transfer_get(ctx=ctx, transfer_id=transfer_id)
    transfer = case_transfer_decline(
        ctx=ctx, transfer=transfer, version=payload.version, reason=payload.reason
    )
    return CaseTransferOut.of(transfer)
