"""API for establishment support (etableringsstønad, seed 002 §3.2): a household's applications,
a new one, the decision, purchases approved in advance and their payment.

The same services as the pages; ``establishment_household_get`` first, so another municipality
gets 404. Reading needs the whole case; writing the refugee service. Money is written as strings
with two decimals (``"40000.00"``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut, ObjectId

from ..establishment.applications import (
    ApplicationInput,
    establishment_application_create,
    establishment_application_decide,
    establishment_application_of,
    establishment_applications_of,
    establishment_balances,
    establishment_household_get,
    establishment_purchase_of,
)
from ..establishment.purchases import (
    PurchaseInput,
    establishment_purchase_approve,
    establishment_purchase_cancel,
    establishment_purchase_pay,
)
from ..models import EstablishmentApplication, EstablishmentPurchase

router = Router(tags=["etableringsstønad"])

READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE = {**READ, 409: ErrorOut, 422: ErrorOut}


def _money(amount: Decimal | None) -> str | None:
    return f"{amount:.2f}" if amount is not None else None


class EstablishmentPurchaseOut(Schema):
    id: int
    category: str = Field(description="furniture (møbler og utstyr) eller clothes (klær)")
    description: str
    amount: str
    payment: str = Field(description="shop (til butikken etter regning) eller cash (utbetales)")
    shop_name: str
    shop_org_number: str
    status: str = Field(description="approved, paid eller cancelled")
    approved_on: datetime.date
    paid_on: datetime.date | None
    invoice_reference: str
    version: int

    @staticmethod
    def of(purchase: EstablishmentPurchase) -> EstablishmentPurchaseOut:
        return EstablishmentPurchaseOut(
            id=purchase.pk,
            category=purchase.category,
            description=purchase.description,
            amount=f"{purchase.amount:.2f}",
            payment=purchase.payment,
            shop_name=purchase.shop_name,
            shop_org_number=purchase.shop_org_number,
            status=purchase.status,
            approved_on=purchase.approved_on,
            paid_on=purchase.paid_on,
            invoice_reference=purchase.invoice_reference,
            version=purchase.version,
        )


class EstablishmentBalanceOut(Schema):
    category: str
    maximum: str
    granted: str
    approved: str
    paid: str
    left: str


class EstablishmentApplicationOut(Schema):
    id: int
    household: int
    applied_on: datetime.date
    adults: int
    children: int
    shared_dwelling: bool
    family_reunification: bool
    furniture_max: str
    clothes_max: str
    status: str = Field(description="applied, approved eller refused")
    furniture_granted: str | None
    clothes_granted: str | None
    decided_on: datetime.date | None
    decision_note: str
    note: str
    balances: list[EstablishmentBalanceOut]
    purchases: list[EstablishmentPurchaseOut]
    version: int

    @staticmethod
    def of(application: EstablishmentApplication) -> EstablishmentApplicationOut:
        return EstablishmentApplicationOut(
            id=application.pk,
            household=application.household_id,
            applied_on=application.applied_on,
            adults=application.adults,
            children=application.children,
            shared_dwelling=application.shared_dwelling,
            family_reunification=application.family_reunification,
            furniture_max=f"{application.furniture_max:.2f}",
            clothes_max=f"{application.clothes_max:.2f}",
            status=application.status,
            furniture_granted=_money(application.furniture_granted),
            clothes_granted=_money(application.clothes_granted),
            decided_on=application.decided_on,
            decision_note=application.decision_note,
            note=application.note,
            balances=[
                EstablishmentBalanceOut(
                    category=b.category,
                    maximum=f"{b.maximum:.2f}",
                    granted=f"{b.granted:.2f}",
                    approved=f"{b.approved:.2f}",
                    paid=f"{b.paid:.2f}",
                    left=f"{b.left:.2f}",
                )
                for b in establishment_balances(application)
            ],
            purchases=[EstablishmentPurchaseOut.of(p) for p in application.purchases.all()],
            version=application.version,
        )


class EstablishmentApplicationIn(Schema):
    """Every field may be left out: the service says which are missing, by field."""

    applied_on: datetime.date | None = None
    adults: int | None = Field(None, ge=0, le=50)
    children: int | None = Field(None, ge=0, le=50)
    shared_dwelling: bool = False
    family_reunification: bool = False
    note: str = Field("", max_length=5000)


class EstablishmentDecisionIn(Schema):
    version: int = Field(..., ge=1, description="Versjonen du endrer (optimistisk lås)")
    outcome: Literal["approved", "refused"]
    furniture: Decimal | None = Field(None, ge=0, le=Decimal("99999999.99"), decimal_places=2)
    clothes: Decimal | None = Field(None, ge=0, le=Decimal("99999999.99"), decimal_places=2)
    decided_on: datetime.date | None = None
    note: str = Field("", max_length=5000)


class EstablishmentPurchaseIn(Schema):
    category: Literal["furniture", "clothes"]
    description: str = Field("", max_length=300)
    amount: Decimal | None = Field(None, ge=0, le=Decimal("99999999.99"), decimal_places=2)
    payment: Literal["shop", "cash"] = "shop"
    shop_name: str = Field("", max_length=150)
    shop_org_number: str = Field("", max_length=11)
    approved_on: datetime.date | None = Field(None, description="Tom: i dag")


class EstablishmentPaymentIn(Schema):
    version: int = Field(..., ge=1)
    paid_on: datetime.date | None = None
    invoice_reference: str = Field("", max_length=50)


class EstablishmentCancelIn(Schema):
    version: int = Field(..., ge=1)


@router.get(
    "{household_id}/establishment-applications",
    response={200: list[EstablishmentApplicationOut], **READ},
    summary="En husstands søknader om etableringsstønad",
)
def establishment_applications_list(
    request: HttpRequest, household_id: ObjectId
) -> list[EstablishmentApplicationOut]:
    ctx = AccessContext.from_request(request)
    household, _ = establishment_household_get(ctx=ctx, household_id=household_id)
    return [EstablishmentApplicationOut.of(a) for a in establishment_applications_of(household)]


@router.post(
    "{household_id}/establishment-applications",
    response={201: EstablishmentApplicationOut, **WRITE},
    summary="Registrer en søknad om etableringsstønad (bare flyktningtjenesten)",
)
def establishment_application_post(
    request: HttpRequest, household_id: ObjectId, payload: EstablishmentApplicationIn
) -> Status[EstablishmentApplicationOut]:
    ctx = AccessContext.from_request(request)
    household, _ = establishment_household_get(ctx=ctx, household_id=household_id, edit=True)
    application = establishment_application_create(
        ctx=ctx,
        household=household,
        data=ApplicationInput(
            applied_on=payload.applied_on,
            adults=payload.adults,
            children=payload.children,
            shared_dwelling=payload.shared_dwelling,
            family_reunification=payload.family_reunification,
            note=payload.note,
        ),
    )
    return Status(201, EstablishmentApplicationOut.of(application))


@router.get(
    "{household_id}/establishment-applications/{application_id}",
    response={200: EstablishmentApplicationOut, **READ},
    summary="En søknad om etableringsstønad, med innkjøp",
)
def establishment_application_get(
    request: HttpRequest, household_id: ObjectId, application_id: ObjectId
) -> EstablishmentApplicationOut:
    ctx = AccessContext.from_request(request)
    household, _ = establishment_household_get(ctx=ctx, household_id=household_id)
    return EstablishmentApplicationOut.of(establishment_application_of(household, application_id))


@router.post(
    "{household_id}/establishment-applications/{application_id}/decision",
    response={200: EstablishmentApplicationOut, **WRITE},
    summary="Vedtak: innvilget innenfor høyeste beløp, eller avslått med begrunnelse",
)
def establishment_decision_post(
    request: HttpRequest,
    household_id: ObjectId,
    application_id: ObjectId,
    payload: EstablishmentDecisionIn,
) -> EstablishmentApplicationOut:
    ctx = AccessContext.from_request(request)
    household, _ = establishment_household_get(ctx=ctx, household_id=household_id, edit=True)
    application = establishment_application_of(household, application_id)
    decided = establishment_application_decide(
        ctx=ctx,
        application=application,
        approve=payload.outcome == "approved",
        furniture=payload.furniture,
        clothes=payload.clothes,
        decided_on=payload.decided_on,
        note=payload.note,
        version=payload.version,
    )
    return EstablishmentApplicationOut.of(decided)


@router.post(
    "{household_id}/establishment-applications/{application_id}/purchases",
    response={201: EstablishmentPurchaseOut, **WRITE},
    summary="Godkjenn et innkjøp på forhånd, innenfor det som er igjen av innvilget beløp",
)
def establishment_purchase_post(
    request: HttpRequest,
    household_id: ObjectId,
    application_id: ObjectId,
    payload: EstablishmentPurchaseIn,
) -> Status[EstablishmentPurchaseOut]:
    ctx = AccessContext.from_request(request)
    household, _ = establishment_household_get(ctx=ctx, household_id=household_id, edit=True)
    application = establishment_application_of(household, application_id)
    purchase = establishment_purchase_approve(
        ctx=ctx,
        application=application,
        data=PurchaseInput(
            category=payload.category,
            description=payload.description,
            amount=payload.amount,
            payment=payload.payment,
            shop_name=payload.shop_name,
            shop_org_number=payload.shop_org_number,
            approved_on=payload.approved_on,
        ),
    )
    return Status(201, EstablishmentPurchaseOut.of(purchase))


@router.post(
    "{household_id}/establishment-applications/{application_id}/purchases/{purchase_id}/payment",
    response={200: EstablishmentPurchaseOut, **WRITE},
    summary="Registrer betalingen av et godkjent innkjøp (til butikken: med fakturanummer)",
)
def establishment_payment_post(
    request: HttpRequest,
    household_id: ObjectId,
    application_id: ObjectId,
    purchase_id: ObjectId,
    payload: EstablishmentPaymentIn,
) -> EstablishmentPurchaseOut:
    ctx = AccessContext.from_request(request)
    household, _ = establishment_household_get(ctx=ctx, household_id=household_id, edit=True)
    application = establishment_application_of(household, application_id)
    purchase = establishment_purchase_of(application, purchase_id)
    paid = establishment_purchase_pay(
        ctx=ctx,
        purchase=purchase,
        paid_on=payload.paid_on,
        invoice_reference=payload.invoice_reference,
        version=payload.version,
    )
    return EstablishmentPurchaseOut.of(paid)


@router.post(
    "{household_id}/establishment-applications/{application_id}/purchases/{purchase_id}/cancel",
    response={200: EstablishmentPurchaseOut, **WRITE},
    summary="Annuller et godkjent innkjøp som ikke er betalt",
)
def establishment_cancel_post(
    request: HttpRequest,
    household_id: ObjectId,
    application_id: ObjectId,
    purchase_id: ObjectId,
    payload: EstablishmentCancelIn,
) -> EstablishmentPurchaseOut:
    ctx = AccessContext.from_request(request)
    household, _ = establishment_household_get(ctx=ctx, household_id=household_id, edit=True)
    application = establishment_application_of(household, application_id)
    purchase = establishment_purchase_of(application, purchase_id)
    return EstablishmentPurchaseOut.of(
        establishment_purchase_cancel(ctx=ctx, purchase=purchase, version=payload.version)
    )
