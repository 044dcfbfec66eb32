"""Practice contracts (seed 002 Vedlegg 1): the list, a new one, changing one, and the PDF to sign.

Reading needs consent to the plan (``InformationCategory.PLAN``); writing is for the refugee
service. ``person_get`` comes first in every view, so a user of another municipality gets 404
whatever the method.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import may_edit_case, sees_whole_case
from integrering.audit.services import AccessContext
from integrering.people.models import InformationCategory, Person
from integrering.people.selectors import person_get
from integrering.ui.forms import form_add_service_errors

from ..forms import PracticeContractForm
from ..models import PracticeContract
from ..services.practice import (
    FIELDS,
    hours_text,
    practice_contract_create,
    practice_contract_filename,
    practice_contract_of,
    practice_contract_pdf,
    practice_contract_update,
    practice_contracts_of,
)

PLAN = InformationCategory.PLAN


def _initial(contract: PracticeContract) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(contract, name) for name in FIELDS}
    initial["hours_per_week"] = hours_text(contract.hours_per_week)
    initial["version"] = contract.version
    return initial


def _save(
    form: PracticeContractForm,
    *,
    ctx: AccessContext,
    person: Person,
    contract: PracticeContract | None,
) -> tuple[PracticeContract | None, int]:
    """Validate and save; the saved contract (or None) and the HTTP status to render with."""
    if not form.is_valid():
        return None, 422
    try:
        if contract is None:
            saved = practice_contract_create(ctx=ctx, person=person, data=form.to_input())
        else:
            saved = practice_contract_update(
                ctx=ctx,
                contract=contract,
                data=form.to_input(),
                version=form.cleaned_data["version"] or 0,
            )
    except ValidationError as exc:
        return None, form_add_service_errors(form, exc)
    return saved, 200


@require_GET
@login_required
def practice_list(request: HttpRequest, person_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=PLAN)
    return render(
        request,
        "casework/practice_list.html",
        {
            "person": person,
            "contracts": practice_contracts_of(person=person),
            "may_edit": may_edit_case(request.user),
            "whole_case": sees_whole_case(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def practice_create(request: HttpRequest, person_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=PLAN, edit=True)
    status = 200
    if request.method == "POST":
        form = PracticeContractForm(request.POST)
        saved, status = _save(form, ctx=ctx, person=person, contract=None)
        if saved is not None:
            messages.success(
                request,
                f"Praksisavtalen med {saved.employer_name} er lagret. Skriv den ut og få den signert.",
            )
            return redirect("casework:practice-list", person_id=person.pk)
    else:
        contact = request.user.get_full_name() if request.user.is_authenticated else ""
        form = PracticeContractForm(initial={"contact_person": contact})
    return render(
        request,
        "casework/practice_form.html",
        {"person": person, "form": form, "contract": None},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def practice_edit(request: HttpRequest, person_id: int, contract_id: int) -> HttpResponse:
    """The contract as a form for the refugee service, read-only for a service with consent."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=PLAN, edit=request.method == "POST")
    contract = practice_contract_of(person=person, contract_id=contract_id)
    may_edit = may_edit_case(request.user)
    if not may_edit:
        return render(
            request, "casework/practice_detail.html", {"person": person, "contract": contract}
        )
    status = 200
    if request.method == "POST":
        form = PracticeContractForm(request.POST)
        saved, status = _save(form, ctx=ctx, person=person, contract=contract)
        if saved is not None:
            messages.success(
                request, f"Endringene i praksisavtalen med {saved.employer_name} er lagret."
            )
            return redirect("casework:practice-list", person_id=person.pk)
    else:
        form = PracticeContractForm(initial=_initial(contract))
    return render(
        request,
        "casework/practice_form.html",
        {"person": person, "form": form, "contract": contract},
        status=status,
    )


@require_GET
@login_required
def practice_pdf(request: HttpRequest, person_id: int, contract_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=PLAN)
    contract = practice_contract_of(person=person, contract_id=contract_id)
    response = HttpResponse(
        practice_contract_pdf(ctx=ctx, contract=contract), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{practice_contract_filename(contract)}"'
    # Personal data: no copy in shared or browser caches.
    patch_cache_control(response, private=True, no_store=True)
    return response


urlpatterns = [
    path("personer/<int:person_id>/praksisavtaler/", practice_list, name="practice-list"),
    path("personer/<int:person_id>/praksisavtaler/ny/", practice_create, name="practice-create"),
    path(
        "personer/<int:person_id>/praksisavtaler/<int:contract_id>/",
        practice_edit,
        name="practice-edit",
    ),
    path(
        "personer/<int:person_id>/praksisavtaler/<int:contract_id>/pdf/",
        practice_pdf,
        name="practice-pdf",
    ),
]
