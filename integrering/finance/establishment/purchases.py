"""Purchases with establishment support: approved in advance within what is granted, then paid to
the shop on its invoice or to the refugee (seed 002 §3.2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext
from integrering.concurrency import version_bump
from integrering.rules.parameters import value
from integrering.ui.numbers import kroner_nb
from integrering.validators import date_problem, text_problem

from ..models import (
    EstablishmentApplication,
    EstablishmentPurchase,
    EstablishmentStatus,
    PurchaseCategory,
    PurchasePayment,
    PurchaseStatus,
)
from .applications import (
    TEXT_MAX,
    Errors,
    add_error,
    amount_checked,
    audit_household,
    edit_require,
    establishment_balances,
)

PURCHASE = "innkjøpet"


@dataclass(frozen=True)
class PurchaseInput:
    category: str
    description: str
    amount: Decimal | None
    payment: str
    shop_name: str = ""
    shop_org_number: str = ""
    approved_on: datetime.date | None = None


def org_number_problem(number: str) -> str | None:
    """Why an organisation number is not valid (nine digits with a modulus-11 check digit)."""
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.no import orgnr

    try:
        orgnr.validate(number)
    except StdnumError:
        return (
            "Organisasjonsnummeret må ha ni siffer og riktig kontrollsiffer (se Enhetsregisteret)."
        )
    return None


def _clothes_window_end(
    application: EstablishmentApplication, on: datetime.date
) -> datetime.date | None:
    settled_on = application.household.settled_on
    if settled_on is None:
        return None
    months = int(value("establishment/clothes_window", on)["months"])
    return settled_on + relativedelta(months=months)


def establishment_purchase_approve(
    *, ctx: AccessContext, application: EstablishmentApplication, data: PurchaseInput
) -> EstablishmentPurchase:
    """Approve a purchase in advance, within what is granted and not yet used of its category;
    a shop to be paid by invoice needs its name and organisation number."""
    edit_require(ctx)
    errors: Errors = {}
    description = (data.description or "").strip()
    shop_name = (data.shop_name or "").strip()
    org_number = (data.shop_org_number or "").replace(" ", "")
    today = timezone.localdate()
    approved_on = data.approved_on or today
    if application.status != EstablishmentStatus.APPROVED:
        add_error(errors, "__all__", "Innkjøp godkjennes når søknaden er innvilget.")
    if data.category not in PurchaseCategory.values:
        add_error(errors, "category", "Velg om innkjøpet gjelder møbler og utstyr eller klær.")
    if not description:
        add_error(errors, "description", "Skriv hva som kjøpes, for eksempel «seng og madrass».")
    elif len(description) > TEXT_MAX or text_problem(description, multiline=False):
        add_error(
            errors, "description", f"Beskrivelsen kan ha høyst {TEXT_MAX} tegn, uten kontrolltegn."
        )
    amount = amount_checked(data.amount, "amount", errors)
    if amount is not None and amount == 0:
        add_error(errors, "amount", "Beløpet må være større enn null.")
    if data.payment not in PurchasePayment.values:
        add_error(errors, "payment", "Velg om butikken eller flyktningen får pengene.")
    if data.payment == PurchasePayment.SHOP:
        if not shop_name:
            add_error(errors, "shop_name", "Oppgi butikken som skal få regningen betalt.")
        elif len(shop_name) > 150 or text_problem(shop_name, multiline=False):
            add_error(errors, "shop_name", "Butikknavnet kan ha høyst 150 tegn, uten kontrolltegn.")
        if not org_number:
            add_error(errors, "shop_org_number", "Oppgi butikkens organisasjonsnummer.")
        elif problem := org_number_problem(org_number):
            add_error(errors, "shop_org_number", problem)
    if problem := date_problem(approved_on):
        add_error(errors, "approved_on", problem)
    elif approved_on > today:
        add_error(
            errors, "approved_on", "Et innkjøp godkjennes i dag eller tidligere, ikke fram i tid."
        )
    elif application.decided_on and approved_on < application.decided_on:
        add_error(errors, "approved_on", "Innkjøpet kan ikke godkjennes før søknaden er innvilget.")
    if data.category == PurchaseCategory.CLOTHES and not errors:
        end = _clothes_window_end(application, approved_on)
        if end is not None and approved_on >= end:
            add_error(
                errors,
                "category",
                f"Stønaden til klær gjelder det første året i kommunen, til {end:%d.%m.%Y}.",
            )
    if errors:
        raise ValidationError(errors)
    assert amount is not None
    with transaction.atomic():
        # Lock the application so two approvals at once cannot together pass the limit.
        locked = EstablishmentApplication.objects.select_for_update().get(pk=application.pk)
        balance = next(b for b in establishment_balances(locked) if b.category == data.category)
        if amount > balance.left:
            raise ValidationError(
                {
                    "amount": [
                        f"Det er {kroner_nb(balance.left)} igjen av innvilget beløp til "
                        f"{balance.label.lower()} ({kroner_nb(balance.granted)}, av det er "
                        f"{kroner_nb(balance.approved)} godkjent før)."
                    ]
                }
            )
        purchase = EstablishmentPurchase.objects.create(
            application=locked,
            category=data.category,
            description=description,
            amount=amount,
            payment=data.payment,
            shop_name=shop_name if data.payment == PurchasePayment.SHOP else "",
            shop_org_number=org_number if data.payment == PurchasePayment.SHOP else "",
            approved_on=approved_on,
            approved_by=ctx.acting_user,
        )
        audit_household(
            ctx, application.household, AuditAction.CREATE, "etableringsstønad: innkjøp godkjent"
        )
    return purchase


def establishment_purchase_pay(
    *,
    ctx: AccessContext,
    purchase: EstablishmentPurchase,
    paid_on: datetime.date | None,
    invoice_reference: str,
    version: int,
) -> EstablishmentPurchase:
    """Record the payment of an approved purchase: to the shop on its invoice (the invoice
    number is required), or to the refugee."""
    edit_require(ctx)
    errors: Errors = {}
    invoice_reference = (invoice_reference or "").strip()
    today = timezone.localdate()
    if purchase.status != PurchaseStatus.APPROVED:
        add_error(
            errors,
            "__all__",
            f"Innkjøpet er {purchase.get_status_display().lower()} og kan ikke betales.",
        )
    if paid_on is None:
        add_error(errors, "paid_on", "Oppgi betalingsdatoen.")
    elif problem := date_problem(paid_on):
        add_error(errors, "paid_on", problem)
    elif paid_on > today:
        add_error(errors, "paid_on", "Betalingsdatoen kan ikke være etter i dag.")
    elif paid_on < purchase.approved_on:
        add_error(errors, "paid_on", "Innkjøpet kan ikke betales før det er godkjent.")
    if purchase.payment == PurchasePayment.SHOP and not invoice_reference:
        add_error(errors, "invoice_reference", "Oppgi fakturanummeret på regningen fra butikken.")
    elif len(invoice_reference) > 50 or text_problem(invoice_reference, multiline=False):
        add_error(errors, "invoice_reference", "Fakturanummeret kan ha høyst 50 tegn.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version_bump(
            EstablishmentPurchase.objects.filter(pk=purchase.pk),
            expected=version,
            what=PURCHASE,
            status=PurchaseStatus.PAID,
            paid_on=paid_on,
            paid_by=ctx.acting_user,
            invoice_reference=invoice_reference,
        )
        audit_household(
            ctx,
            purchase.application.household,
            AuditAction.UPDATE,
            "etableringsstønad: innkjøp betalt",
        )
    return EstablishmentPurchase.objects.get(pk=purchase.pk)


def establishment_purchase_cancel(
    *, ctx: AccessContext, purchase: EstablishmentPurchase, version: int
) -> EstablishmentPurchase:
    """Cancel an approved purchase that is not paid: its amount is free again."""
    edit_require(ctx)
    if purchase.status != PurchaseStatus.APPROVED:
        raise ValidationError("Bare et godkjent innkjøp som ikke er betalt, kan annulleres.")
    with transaction.atomic():
        version_bump(
            EstablishmentPurchase.objects.filter(pk=purchase.pk),
            expected=version,
            what=PURCHASE,
            status=PurchaseStatus.CANCELLED,
        )
        audit_household(
            ctx,
            purchase.application.household,
            AuditAction.UPDATE,
            "etableringsstønad: innkjøp annullert",
        )
    return EstablishmentPurchase.objects.get(pk=purchase.pk)
