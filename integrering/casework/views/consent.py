"""Consent pages: a person's consents, giving one, withdrawing one (wholly or for some services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from integrering.accounts.access import may_edit_case
from integrering.audit.services import AccessContext
from integrering.people.selectors import person_get
from integrering.ui.forms import form_add_service_errors

from .. import selectors
from ..forms import ConsentForm, ConsentWithdrawForm
from ..services.consent import consent_give, consent_withdraw


@require_http_methods(["GET", "POST"])
@login_required
def consent_list(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's consents, and the form for a new one (Vedlegg 3)."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id)
    may_edit = may_edit_case(request.user)
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Bare flyktningtjenesten kan registrere samtykker.")
        form = ConsentForm(request.POST)
        if form.is_valid():
            try:
                consent_give(ctx=ctx, person=person, data=form.to_input())
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, "Samtykket er registrert og gjelder fra i dag.")
                return redirect("casework:consent-list", person_id=person.pk)
        else:
            status = 422
    else:
        today = timezone.localdate()
        form = ConsentForm(initial={"valid_from": today, "signed_on": today})
    consents = person.consents.prefetch_related("service_rows").select_related(
        "created_by", "withdrawn_by"
    )
    return render(
        request,
        "casework/consent_list.html",
        {
            "person": person,
            "consents": consents,
            "form": form,
            "may_edit": may_edit,
            "today": timezone.localdate(),
            "withdraw_form": ConsentWithdrawForm(),
        },
        status=status,
    )


@require_http_methods(["POST"])
@login_required
def consent_withdraw_view(request: HttpRequest, consent_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    consent = selectors.consent_get(ctx=ctx, consent_id=consent_id)
    if not may_edit_case(request.user):
        raise PermissionDenied(
            "Bare flyktningtjenesten kan registrere at samtykke trekkes tilbake."
        )
    form = ConsentWithdrawForm(request.POST)
    services = list(form.cleaned_data["services"]) if form.is_valid() else []
    try:
        remaining = consent_withdraw(ctx=ctx, consent=consent, services=services or None)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Samtykket er trukket tilbake"
            + (" for de valgte tjenestene." if remaining else ".")
            + " Tilgangen er stengt fra nå.",
        )
    return redirect("casework:consent-list", person_id=consent.person_id)


urlpatterns = [
    path("personer/<int:person_id>/samtykker/", consent_list, name="consent-list"),
    path(
        "samtykker/<int:consent_id>/trekk-tilbake/",
        consent_withdraw_view,
        name="consent-withdraw",
    ),
]
