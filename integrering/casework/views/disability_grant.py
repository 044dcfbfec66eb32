"""Applications for the disability grant (ekstratilskudd, seed 002 §3.1): a person's applications,
a new one, one application (changed while a draft, then sent, then decided), and the list of a
municipality's applications.

The application holds health information, so reading needs the whole case (the refugee service
and the municipal leader) and writing the refugee service. ``person_get`` comes first in every
person's view, so a user of another municipality gets 404 whatever the method.
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
from integrering.errors import NotFound
from integrering.people.models import Person
from integrering.people.selectors import person_get
from integrering.ui.forms import form_add_service_errors

from .. import selectors
from ..forms import (
    DisabilityGrantDecisionForm,
    DisabilityGrantForm,
    DisabilityGrantListForm,
    DisabilityGrantSendForm,
)
from ..models import DisabilityGrantApplication, DisabilityGrantStatus
from ..services.disability_grant import (
    disability_grant_application_create,
    disability_grant_application_decide,
    disability_grant_application_of,
    disability_grant_application_send,
    disability_grant_application_update,
    disability_grant_applications_of,
    disability_grant_case_deadline,
    disability_grant_eligibility,
    disability_grant_estimate,
)


@require_GET
@login_required
def disability_grant_list(request: HttpRequest, person_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id)
    applications = disability_grant_applications_of(person=person)
    return render(
        request,
        "casework/disability_grant_list.html",
        {
            "person": person,
            "rows": [(a, disability_grant_estimate(a)) for a in applications],
            "deadline": disability_grant_case_deadline(person),
            "eligibility": disability_grant_eligibility(person),
            "may_edit": may_edit_case(request.user),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def disability_grant_create(request: HttpRequest, person_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    status = 200
    if request.method == "POST":
        form = DisabilityGrantForm(request.POST)
        if form.is_valid():
            try:
                application = disability_grant_application_create(
                    ctx=ctx, person=person, data=form.to_input()
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Søknaden for budsjettåret {application.budget_year} er lagret som utkast. "
                    "Send den til IMDi innen fristen.",
                )
                return redirect(
                    "casework:disability-grant-detail",
                    person_id=person.pk,
                    grant_application_id=application.pk,
                )
        else:
            status = 422
    else:
        settled_on = person.settlement_date
        form = DisabilityGrantForm(
            initial={
                "grant": 1,
                "budget_year": (settled_on or timezone.localdate()).year,
            }
        )
    return render(
        request,
        "casework/disability_grant_form.html",
        {
            "person": person,
            "form": form,
            "deadline": disability_grant_case_deadline(person),
            "eligibility": disability_grant_eligibility(person),
            "today": timezone.localdate(),
        },
        status=status,
    )


def _detail(
    request: HttpRequest,
    person: Person,
    application: DisabilityGrantApplication,
    *,
    form: DisabilityGrantForm | None = None,
    send_form: DisabilityGrantSendForm | None = None,
    decision_form: DisabilityGrantDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_edit = may_edit_case(request.user)
    context: dict[str, Any] = {
        "person": person,
        "application": application,
        "estimate": disability_grant_estimate(application),
        "may_edit": may_edit,
    }
    if may_edit and application.is_draft:
        context["form"] = form or DisabilityGrantForm(
            initial={
                "grant": application.grant,
                "budget_year": application.budget_year,
                "documented_need": application.documented_need,
                "documentation_note": application.documentation_note,
                "version": application.version,
            }
        )
        context["send_form"] = send_form or DisabilityGrantSendForm(
            initial={"sent_on": timezone.localdate(), "version": application.version}
        )
    if may_edit and application.status == DisabilityGrantStatus.SENT:
        context["decision_form"] = decision_form or DisabilityGrantDecisionForm(
            initial={"version": application.version}
        )
    return render(request, "casework/disability_grant_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def disability_grant_detail(
    request: HttpRequest, person_id: int, grant_application_id: int
) -> HttpResponse:
    """The application; while it is a draft, the refugee service changes it here."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=request.method == "POST")
    application = disability_grant_application_of(
        person=person, application_id=grant_application_id
    )
    if request.method != "POST":
        return _detail(request, person, application)
    form = DisabilityGrantForm(request.POST)
    if not form.is_valid():
        return _detail(request, person, application, form=form, status=422)
    try:
        saved = disability_grant_application_update(
            ctx=ctx,
            application=application,
            data=form.to_input(),
            version=form.cleaned_data["version"] or 0,
        )
    except ValidationError as exc:
        status = form_add_service_errors(form, exc)
        return _detail(request, person, application, form=form, status=status)
    messages.success(request, "Endringene i søknaden er lagret.")
    return redirect(
        "casework:disability-grant-detail", person_id=person.pk, grant_application_id=saved.pk
    )


@require_POST
@login_required
def disability_grant_send(
    request: HttpRequest, person_id: int, grant_application_id: int
) -> HttpResponse:
    """Record that the application was sent to the directorate (no later than the deadline)."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    application = disability_grant_application_of(
        person=person, application_id=grant_application_id
    )
    form = DisabilityGrantSendForm(request.POST)
    if not form.is_valid():
        return _detail(request, person, application, send_form=form, status=422)
    try:
        sent = disability_grant_application_send(
            ctx=ctx,
            application=application,
            sent_on=form.cleaned_data["sent_on"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        status = form_add_service_errors(form, exc)
        return _detail(request, person, application, send_form=form, status=status)
    messages.success(request, f"Søknaden er registrert som sendt til IMDi {sent.sent_on:%d.%m.%Y}.")
    return redirect(
        "casework:disability-grant-detail", person_id=person.pk, grant_application_id=sent.pk
    )


@require_POST
@login_required
def disability_grant_decide(
    request: HttpRequest, person_id: int, grant_application_id: int
) -> HttpResponse:
    """Record the directorate's decision: granted with the amount, or refused with the reason."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    application = disability_grant_application_of(
        person=person, application_id=grant_application_id
    )
    form = DisabilityGrantDecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, person, application, decision_form=form, status=422)
    data = form.cleaned_data
    try:
        decided = disability_grant_application_decide(
            ctx=ctx,
            application=application,
            status=data["status"],
            decided_on=data["decided_on"],
            granted_amount=data.get("granted_amount"),
            decision_note=data.get("decision_note") or "",
            version=data["version"],
        )
    except ValidationError as exc:
        status = form_add_service_errors(form, exc)
        return _detail(request, person, application, decision_form=form, status=status)
    messages.success(request, f"Vedtaket er registrert: {decided.get_status_display().lower()}.")
    return redirect(
        "casework:disability-grant-detail", person_id=person.pk, grant_application_id=decided.pk
    )


@require_GET
@login_required
def disability_grant_municipality(request: HttpRequest) -> HttpResponse:
    """A municipality's applications and its open application deadlines, by budget year."""
    municipalities = list(selectors.disability_grant_municipalities(request.user))
    organisation = getattr(request.user, "organisation", None)
    own = getattr(organisation, "municipality", None)
    default = own if own in municipalities else municipalities[0]
    form = DisabilityGrantListForm(
        {
            "municipality": request.GET.get("municipality") or default.number,
            "year": request.GET.get("year", ""),
            "status": request.GET.get("status", ""),
        },
        municipalities=municipalities,
    )
    context: dict[str, Any] = {"form": form, "municipalities": municipalities}
    if not form.is_valid():
        return render(request, "casework/disability_grant_municipality.html", context, status=422)
    number = form.cleaned_data["municipality"]
    municipality = next((m for m in municipalities if m.number == number), None)
    if municipality is None:
        raise NotFound("Finner ikke kommunen, eller du har ikke tilgang til den.")
    ctx = AccessContext.from_request(request)
    applications = selectors.disability_grant_applications_in(
        ctx=ctx,
        municipality=municipality,
        budget_year=form.cleaned_data["year"],
        status=form.cleaned_data["status"],
    )
    context.update(
        {
            "municipality": municipality,
            "rows": [(a, disability_grant_estimate(a)) for a in applications],
            "open_deadlines": selectors.disability_grant_open_deadlines(
                ctx=ctx, municipality=municipality
            ),
            "today": timezone.localdate(),
        }
    )
    return render(request, "casework/disability_grant_municipality.html", context)


urlpatterns = [
    path(
        "tilskudd-funksjonsnedsettelse/",
        disability_grant_municipality,
        name="disability-grant-municipality",
    ),
    path(
        "personer/<int:person_id>/tilskudd-funksjonsnedsettelse/",
        disability_grant_list,
        name="disability-grant-list",
    ),
    path(
        "personer/<int:person_id>/tilskudd-funksjonsnedsettelse/ny/",
        disability_grant_create,
        name="disability-grant-create",
    ),
    path(
        "personer/<int:person_id>/tilskudd-funksjonsnedsettelse/<int:grant_application_id>/",
        disability_grant_detail,
        name="disability-grant-detail",
    ),
    path(
        "personer/<int:person_id>/tilskudd-funksjonsnedsettelse/<int:grant_application_id>/send/",
        disability_grant_send,
        name="disability-grant-send",
    ),
    path(
        "personer/<int:person_id>/tilskudd-funksjonsnedsettelse/<int:grant_application_id>/vedtak/",
        disability_grant_decide,
        name="disability-grant-decide",
    ),
]
