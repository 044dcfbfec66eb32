"""Applications for establishment support: the household's application with the scheme's maximum,
and the refugee service's decision on it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from integrering.accounts.access import (
    may_edit_case,
)
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.casework.selectors import household_case_get
from integrering.concurrency import version_bump
from integrering.errors import NotFound
from integrering.people.models import Category, Household, Person
from integrering.rules.establishment import EstablishmentResult, establishment_calculate
from integrering.rules.parameters import RulesError, value
from integrering.ui.numbers import kroner_nb
from integrering.validators import date_problem, text_problem

from ..models import (
    EstablishmentApplication,
    EstablishmentPurchase,
    EstablishmentStatus,
    PurchaseCategory,
    PurchaseStatus,
)

APPLICATION = "søknaden om etableringsstønad"

ONLY_REFUGEE_SERVICE = "Bare flyktningtjenesten kan behandle etableringsstønad."
NOT_FOUND = "Finner ikke søknaden om etableringsstønad for denne husstanden."
MAX_AMOUNT = Decimal("99999999.99")
TEXT_MAX = 300

Errors = dict[str, list[str]]


def add_error(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def edit_require(ctx: AccessContext) -> None:
    if not may_edit_case(ctx.user):
        raise PermissionDenied(ONLY_REFUGEE_SERVICE)


def audit_household(ctx: AccessContext, household: Household, action: str, detail: str) -> None:
    audit_record_many(
        ctx=ctx,
        person_ids=list(household.members.values_list("pk", flat=True)),
        action=action,
        detail=detail,
    )


# --- Reading ----------------------------------------------------------------------------------


def establishment_household_get(
    *, ctx: AccessContext, household_id: int, edit: bool = False
) -> tuple[Household, list[Person]]:
    """The household and its members (each read audited); 404, audited as denied, for anyone
    without the whole case (``household_case_get``); 403 for a write by anyone but the refugee
    service."""
    household, members = household_case_get(
        ctx=ctx, household_id=household_id, what="etableringsstønaden"
    )
    if edit:
        edit_require(ctx)
    return household, members


def establishment_applications_of(household: Household) -> list[EstablishmentApplication]:
    return list(
        household.establishment_applications.select_related("decided_by").order_by("applied_on")
    )


def establishment_application_of(
    household: Household, application_id: int
) -> EstablishmentApplication:
    application = (
        household.establishment_applications.select_related("decided_by", "created_by")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound(NOT_FOUND)
    return application


def establishment_purchase_of(
    application: EstablishmentApplication, purchase_id: int
) -> EstablishmentPurchase:
    purchase = application.purchases.filter(pk=purchase_id).first()
    if purchase is None:
        raise NotFound("Finner ikke innkjøpet.")
    return purchase


@dataclass(frozen=True)
class CategoryBalance:
    """What is granted, approved for purchases (including paid), paid, and left, of one category."""

    category: str
    label: str
    maximum: Decimal
    granted: Decimal
    approved: Decimal
    paid: Decimal

    @property
    def left(self) -> Decimal:
        return self.granted - self.approved


def establishment_balances(application: EstablishmentApplication) -> list[CategoryBalance]:
    """Each category's maximum, grant, approved purchases (paid included) and payments: the
    purchases summed in one query."""
    sums = application.purchases.exclude(status=PurchaseStatus.CANCELLED).aggregate(
        **{
            f"{category}_{kind}": Sum("amount", filter=Q(category=category, **where))
            for category in PurchaseCategory.values
            for kind, where in (("approved", {}), ("paid", {"status": PurchaseStatus.PAID}))
        }
    )
    maxima = {
        PurchaseCategory.FURNITURE: application.furniture_max,
        PurchaseCategory.CLOTHES: application.clothes_max,
    }
    return [
        CategoryBalance(
            category=category.value,
            label=category.label,
            maximum=maxima[category],
            granted=application.granted(category.value),
            approved=sums[f"{category}_approved"] or Decimal(0),
            paid=sums[f"{category}_paid"] or Decimal(0),
        )
        for category in PurchaseCategory
    ]


# --- Applying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationInput:
    applied_on: datetime.date | None
    adults: int | None
    children: int | None
    shared_dwelling: bool = False
    family_reunification: bool = False
    note: str = ""


def establishment_defaults(
    household: Household, members: list[Person], on: datetime.date
) -> ApplicationInput:
    """What the form starts from: adults and children under the scheme's child age on ``on``,
    and family reunification when every member came by it."""
    child_under = int(value("establishment/furniture", on)["child_under"])
    children = sum(1 for m in members if relativedelta(on, m.birth_date).years < child_under)
    reunification = bool(members) and all(
        m.category == Category.FAMILY_REUNIFICATION for m in members
    )
    return ApplicationInput(
        applied_on=on,
        adults=len(members) - children,
        children=children,
        family_reunification=reunification,
    )


def establishment_maximum(data: ApplicationInput) -> EstablishmentResult:
    """The scheme's maximum for the household as applied (the calculator)."""
    assert data.applied_on is not None and data.adults is not None and data.children is not None
    return establishment_calculate(
        adults=data.adults,
        children=data.children,
        shared_dwelling=data.shared_dwelling,
        family_reunification=data.family_reunification,
        on=data.applied_on,
    )


def _application_errors(household: Household, data: ApplicationInput) -> Errors:
    errors: Errors = {}
    today = timezone.localdate()
    if data.applied_on is None:
        add_error(errors, "applied_on", "Oppgi søknadsdatoen.")
    elif problem := date_problem(data.applied_on):
        add_error(errors, "applied_on", problem)
    elif data.applied_on > today:
        add_error(
            errors, "applied_on", f"Søknadsdatoen kan ikke være etter i dag ({today:%d.%m.%Y})."
        )
    if data.adults is None:
        add_error(errors, "adults", "Oppgi antall voksne i husstanden.")
    elif data.adults < 1:
        add_error(errors, "adults", "Husstanden må ha minst én voksen.")
    if data.children is None:
        add_error(errors, "children", "Oppgi antall barn under 18 år (0 hvis ingen).")
    elif data.children < 0:
        add_error(errors, "children", "Antallet kan ikke være negativt.")
    if problem := text_problem(data.note):
        add_error(errors, "note", problem)
    if errors or data.applied_on is None:
        return errors
    if data.family_reunification:
        years = int(
            value("establishment/family_reunification", data.applied_on)[
                "within_years_of_settlement"
            ]
        )
        settled_on = household.settled_on
        if settled_on is None:
            add_error(
                errors,
                "family_reunification",
                "Stønad ved familieinnvandring gis til familien til en som er bosatt her, men "
                "husstanden har ingen bosettingsdato.",
            )
        elif data.applied_on > settled_on + relativedelta(years=years):
            add_error(
                errors,
                "family_reunification",
                f"Stønad ved familieinnvandring gis i inntil {years} år etter at "
                f"familiemedlemmet ble bosatt ({settled_on:%d.%m.%Y}); fristen var "
                f"{settled_on + relativedelta(years=years):%d.%m.%Y}.",
            )
    others = household.establishment_applications.filter(
        family_reunification=data.family_reunification
    )
    if others.exists():
        kind = (
            "ved familieinnvandring" if data.family_reunification else "til førstegangsetablering"
        )
        add_error(
            errors, "__all__", f"Husstanden har allerede en søknad om etableringsstønad {kind}."
        )
    return errors


def establishment_application_create(
    *, ctx: AccessContext, household: Household, data: ApplicationInput
) -> EstablishmentApplication:
    """Register an application with the scheme's maximum for the household as applied."""
    edit_require(ctx)
    errors = _application_errors(household, data)
    if not errors:
        try:
            maximum = establishment_maximum(data)
        except RulesError as exc:
            add_error(errors, "__all__", str(exc))
    if errors:
        raise ValidationError(errors)
    assert data.applied_on is not None and data.adults is not None and data.children is not None
    try:
        with transaction.atomic():
            application = EstablishmentApplication.objects.create(
                household=household,
                municipality_id=household.municipality_id,
                applied_on=data.applied_on,
                adults=data.adults,
                children=data.children,
                shared_dwelling=data.shared_dwelling,
                family_reunification=data.family_reunification,
                furniture_max=maximum.furniture,
                clothes_max=maximum.clothes,
                note=data.note.strip(),
                created_by=ctx.acting_user,
            )
            audit_household(ctx, household, AuditAction.CREATE, "etableringsstønad: søknad")
    except IntegrityError:
        raise ValidationError(
            "Husstanden har allerede en slik søknad (registrert av noen andre nå nettopp)."
        ) from None
    return application


# --- Deciding ---------------------------------------------------------------------------------


def amount_checked(
    amount: Decimal | None, field: str, errors: Errors, *, required: bool = True
) -> Decimal | None:
    """The amount when it is one the register can hold (0 or more, whole øre), else None with
    the problem added to ``errors``. The forms and the API have read the number already."""
    if amount is None:
        if required:
            add_error(errors, field, "Oppgi beløpet (0 hvis ingenting).")
        return None
    if not amount.is_finite() or amount < 0:
        add_error(errors, field, "Beløpet må være null kroner eller mer.")
        return None
    if amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        add_error(errors, field, "Beløpet kan ha høyst to desimaler og være høyst 99 999 999,99.")
        return None
    return amount


def establishment_application_decide(
    *,
    ctx: AccessContext,
    application: EstablishmentApplication,
    approve: bool,
    furniture: Decimal | None,
    clothes: Decimal | None,
    decided_on: datetime.date | None,
    note: str,
    version: int,
) -> EstablishmentApplication:
    """Grant (up to each maximum) or refuse (with the reason) an application; a decision may be
    corrected, but a grant cannot go below what purchases already use."""
    edit_require(ctx)
    errors: Errors = {}
    note = (note or "").strip()
    today = timezone.localdate()
    if decided_on is None:
        add_error(errors, "decided_on", "Oppgi vedtaksdatoen.")
    elif problem := date_problem(decided_on):
        add_error(errors, "decided_on", problem)
    elif decided_on > today:
        add_error(
            errors, "decided_on", f"Vedtaksdatoen kan ikke være etter i dag ({today:%d.%m.%Y})."
        )
    elif decided_on < application.applied_on:
        add_error(errors, "decided_on", "Vedtaket kan ikke være fattet før søknaden kom.")
    if problem := text_problem(note):
        add_error(errors, "note", problem)
    used = {b.category: b.approved for b in establishment_balances(application)}
    if approve:
        for field, amount, maximum, label in (
            ("furniture", furniture, application.furniture_max, "møbler og utstyr"),
            ("clothes", clothes, application.clothes_max, "klær"),
        ):
            checked = amount_checked(amount, field, errors)
            if checked is None:
                continue
            if checked > maximum:
                add_error(
                    errors,
                    field,
                    f"Høyeste beløp til {label} etter ordningen er {kroner_nb(maximum)}.",
                )
            elif checked < used[field]:
                add_error(
                    errors,
                    field,
                    f"Det er alt godkjent innkjøp av {label} for {kroner_nb(used[field])}; "
                    "innvilget beløp kan ikke være lavere.",
                )
        if furniture == 0 and clothes == 0 and not errors:
            add_error(
                errors, "__all__", "Et innvilget vedtak må gi et beløp; ellers avslå søknaden."
            )
    else:
        if not note:
            add_error(errors, "note", "Skriv begrunnelsen for avslaget.")
        if any(used.values()):
            add_error(errors, "__all__", "Søknaden har godkjente innkjøp og kan ikke avslås.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version_bump(
            EstablishmentApplication.objects.filter(pk=application.pk),
            expected=version,
            what=APPLICATION,
            status=EstablishmentStatus.APPROVED if approve else EstablishmentStatus.REFUSED,
            furniture_granted=furniture if approve else None,
            clothes_granted=clothes if approve else None,
            decided_on=decided_on,
            decided_by=ctx.acting_user,
            decision_note=note,
        )
        audit_household(
            ctx,
            application.household,
            AuditAction.UPDATE,
            "etableringsstønad: " + ("innvilget" if approve else "avslått"),
        )
    return EstablishmentApplication.objects.select_related("household", "decided_by").get(
        pk=application.pk
    )
