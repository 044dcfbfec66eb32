"""Establishment support pages (issue 22 item 7): a household's applications, a new application,
one application with its decision and purchases, and the municipality's register per year.

``establishment_household_get`` comes first in every view, so a user of another municipality
gets 404 whatever the method; the refugee service writes, the leader reads.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integrering.accounts.access import may_edit_case
from integrering.audit.services import AccessContext
from integrering.people.models import Household
from integrering.ui.forms import form_add_service_errors

from ..establishment.applications import (
    establishment_application_create,
    establishment_application_decide,
    establishment_application_of,
    establishment_applications_of,
    establishment_balances,
    establishment_defaults,
    establishment_household_get,
    establishment_maximum,
    establishment_purchase_of,
)
from ..establishment.purchases import (
    establishment_purchase_approve,
    establishment_purchase_cancel,
    establishment_purchase_pay,
)
from ..establishment.register import (
    establishment_register,
    establishment_register_filename,
    establishment_register_xlsx,
    register_years,
)
from ..forms import (
    EstablishmentApplicationForm,
    EstablishmentDecisionForm,
    EstablishmentPaymentForm,
    EstablishmentPurchaseForm,
)
from ..models import EstablishmentApplication, EstablishmentStatus, PurchaseStatus


@require_GET
@login_required
def establishment_list(request: HttpRequest, household_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    household, members = establishment_household_get(ctx=ctx, household_id=household_id)
    return render(
        request,
        "finance/establishment_list.html",
        {
            "household": household,
            "members": members,
            "applications": establishment_applications_of(household),
            "may_edit": may_edit_case(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def establishment_create(request: HttpRequest, household_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    household, members = establishment_household_get(ctx=ctx, household_id=household_id, edit=True)
    status = 200
    maximum = None
    if request.method == "POST":
        form = EstablishmentApplicationForm(request.POST)
        if form.is_valid():
            try:
                application = establishment_application_create(
                    ctx=ctx, household=household, data=form.to_input()
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, "Søknaden om etableringsstønad er registrert.")
                return redirect(
                    "finance:establishment-detail",
                    household_id=household.pk,
                    application_id=application.pk,
                )
        else:
            status = 422
    else:
        defaults = establishment_defaults(household, members, timezone.localdate())
        form = EstablishmentApplicationForm(
            initial={
                "applied_on": defaults.applied_on,
                "adults": defaults.adults,
                "children": defaults.children,
                "family_reunification": defaults.family_reunification,
            }
        )
        maximum = establishment_maximum(defaults) if defaults.adults else None
    return render(
        request,
        "finance/establishment_form.html",
        {"household": household, "form": form, "maximum": maximum},
        status=status,
    )


def _detail(
    request: HttpRequest,
    household: Household,
    application: EstablishmentApplication,
    *,
    decision_form: EstablishmentDecisionForm | None = None,
    purchase_form: EstablishmentPurchaseForm | None = None,
    pay_forms: dict[int, EstablishmentPaymentForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    may_edit = may_edit_case(request.user)
    purchases = list(application.purchases.select_related("approved_by", "paid_by"))
    context: dict[str, Any] = {
        "household": household,
        "application": application,
        "balances": establishment_balances(application),
        "purchases": purchases,
        "may_edit": may_edit,
    }
    if may_edit:
        today = timezone.localdate()
        context["decision_form"] = decision_form or EstablishmentDecisionForm(
            initial={
                "outcome": "refuse"
                if application.status == EstablishmentStatus.REFUSED
                else "approve",
                "furniture": application.furniture_granted
                if application.furniture_granted is not None
                else application.furniture_max,
                "clothes": application.clothes_granted
                if application.clothes_granted is not None
                else application.clothes_max,
                "decided_on": application.decided_on or today,
                "note": application.decision_note,
                "version": application.version,
            }
        )
        if application.status == EstablishmentStatus.APPROVED:
            context["purchase_form"] = purchase_form or EstablishmentPurchaseForm(
                initial={"approved_on": today}
            )
        pay_forms = pay_forms or {}
        context["pay_forms"] = {
            p.pk: pay_forms.get(p.pk)
            or EstablishmentPaymentForm(
                initial={"paid_on": today, "version": p.version}, auto_id=f"pay_{p.pk}_%s"
            )
            for p in purchases
            if p.status == PurchaseStatus.APPROVED
        }
    return render(request, "finance/establishment_detail.html", context, status=status)


@require_GET
@login_required
def establishment_detail(
    request: HttpRequest, household_id: int, application_id: int
) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    household, _ = establishment_household_get(ctx=ctx, household_id=household_id)
    application = establishment_application_of(household, application_id)
    return _detail(request, household, application)


@require_POST
@login_required
def establishment_decide(
    request: HttpRequest, household_id: int, application_id: int
) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    household, _ = establishment_household_get(ctx=ctx, household_id=household_id, edit=True)
    application = establishment_application_of(household, application_id)
    form = EstablishmentDecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, household, application, decision_form=form, status=422)
    data = form.cleaned_data
    try:
        establishment_application_decide(
            ctx=ctx,
            application=application,
            approve=data["outcome"] == "approve",
            furniture=data.get("furniture"),
            clothes=data.get("clothes"),
            decided_on=data["decided_on"],
            note=data.get("note") or "",
            version=data["version"],
        )
    except ValidationError as exc:
        status = form_add_service_errors(form, exc)
        return _detail(request, household, application, decision_form=form, status=status)
    messages.success(request, "Vedtaket om etableringsstønad er lagret.")
    return redirect(
        "finance:establishment-detail", household_id=household.pk, application_id=application.pk
    )


@require_POST
@login_required
def establishment_purchase(
    request: HttpRequest, household_id: int, application_id: int
) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    household, _ = establishment_household_get(ctx=ctx, household_id=household_id, edit=True)
    application = establishment_application_of(household, application_id)
    form = EstablishmentPurchaseForm(request.POST)
    if not form.is_valid():
        return _detail(request, household, application, purchase_form=form, status=422)
    try:
        purchase = establishment_purchase_approve(
            ctx=ctx, application=application, data=form.to_input()
        )
    except ValidationError as exc:
        status = form_add_service_errors(form, exc)
        return _detail(request, household, application, purchase_form=form, status=status)
    messages.success(request, f"Innkjøpet «{purchase.description}» er godkjent.")
    return redirect(
        "finance:establishment-detail", household_id=household.pk, application_id=application.pk
    )


@require_POST
@login_required
def establishment_purchase_action(
    request: HttpRequest, household_id: int, application_id: int, purchase_id: int
) -> HttpResponse:
    """Pay (``action=pay``) or cancel (``action=cancel``) an approved purchase."""
    ctx = AccessContext.from_request(request)
    household, _ = establishment_household_get(ctx=ctx, household_id=household_id, edit=True)
    application = establishment_application_of(household, application_id)
    purchase = establishment_purchase_of(application, purchase_id)
    form = EstablishmentPaymentForm(request.POST, auto_id=f"pay_{purchase.pk}_%s")
    if request.POST.get("action") == "cancel":
        version = request.POST.get("version", "")
        try:
            establishment_purchase_cancel(
                ctx=ctx,
                purchase=purchase,
                version=int(version) if version.isdigit() and len(version) < 10 else 0,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Innkjøpet «{purchase.description}» er annullert.")
        return redirect(
            "finance:establishment-detail", household_id=household.pk, application_id=application.pk
        )
    if not form.is_valid():
        return _detail(request, household, application, pay_forms={purchase.pk: form}, status=422)
    try:
        establishment_purchase_pay(
            ctx=ctx,
            purchase=purchase,
            paid_on=form.cleaned_data["paid_on"],
            invoice_reference=form.cleaned_data.get("invoice_reference") or "",
            version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        status = form_add_service_errors(form, exc)
        return _detail(
            request, household, application, pay_forms={purchase.pk: form}, status=status
        )
    messages.success(request, f"Betalingen av «{purchase.description}» er registrert.")
    return redirect(
        "finance:establishment-detail", household_id=household.pk, application_id=application.pk
    )


@require_GET
@login_required
def establishment_register_page(request: HttpRequest) -> HttpResponse:
    """The year's register (``?year=``), or its workbook (``?format=xlsx``)."""
    ctx = AccessContext.from_request(request)
    years = register_years()
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else years[-1]
    register = establishment_register(ctx=ctx, year=year)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            establishment_register_xlsx(register),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{establishment_register_filename(year)}"'
        )
        return response
    return render(
        request,
        "finance/establishment_register.html",
        {"register": register, "years": list(reversed(years))},
    )


urlpatterns = [
    path(
        "husstander/<int:household_id>/etablering/",
        establishment_list,
        name="establishment-list",
    ),
    path(
        "husstander/<int:household_id>/etablering/ny/",
        establishment_create,
        name="establishment-create",
    ),
    path(
        "husstander/<int:household_id>/etablering/<int:application_id>/",
        establishment_detail,
        name="establishment-detail",
    ),
    path(
        "husstander/<int:household_id>/etablering/<int:application_id>/vedtak/",
        establishment_decide,
        name="establishment-decide",
    ),
    path(
        "husstander/<int:household_id>/etablering/<int:application_id>/innkjop/",
        establishment_purchase,
        name="establishment-purchase",
    ),
    path(
        "husstander/<int:household_id>/etablering/<int:application_id>/innkjop/<int:purchase_id>/",
        establishment_purchase_action,
        name="establishment-purchase-action",
    ),
    path("etableringsstonad/", establishment_register_page, name="establishment-register"),
]
