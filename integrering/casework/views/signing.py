"""Signing the printed documents: the plan and the consent form as PDFs, and per document (the
practice contract, the individual plan, the consent form) who signed it, when and how.

Signatures are the case: reading them needs the whole case (the refugee service and the leader),
recording them the refugee service. The plan's PDF is read like the plan (information category
PLAN); the consent form like the consents (the whole case). ``person_get`` comes first in every
view, so a user of another municipality gets 404 whatever the method.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import may_edit_case
from integrering.audit.services import AccessContext
from integrering.errors import NotFound
from integrering.people.models import InformationCategory, Person
from integrering.people.selectors import person_get
from integrering.ui.forms import form_add_service_errors
from integrering.ui.numbers import megabytes

from ..services.document_pdfs import (
    consent_filename,
    consent_of_person,
    consent_pdf,
    plan_filename,
    plan_of_person,
    plan_pdf,
)
from ..services.practice import practice_contract_of
from ..services.signing import (
    SignedObject,
    consent_document,
    plan_document,
    practice_contract_document,
    signature_of,
    signature_record,
    signature_scan,
    signatures_of,
    signing_provider,
    signing_status,
)
from ..signing_forms import SignatureForm


def _pdf_response(content: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Personal data: no copy in shared or browser caches.
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- The PDFs -------------------------------------------------------------------------------


@require_GET
@login_required
def plan_pdf_view(request: HttpRequest, person_id: int, plan_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=InformationCategory.PLAN)
    plan = plan_of_person(person, plan_id)
    return _pdf_response(plan_pdf(ctx=ctx, plan=plan), plan_filename(plan))


@require_GET
@login_required
def consent_pdf_view(request: HttpRequest, person_id: int, consent_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id)
    consent = consent_of_person(person, consent_id)
    try:
        content = consent_pdf(ctx=ctx, consent=consent)
    except ValidationError as exc:
        raise NotFound(exc.messages[0]) from None
    return _pdf_response(content, consent_filename(consent))


# --- The signatures of one document ---------------------------------------------------------


def _signatures_page(
    request: HttpRequest,
    *,
    ctx: AccessContext,
    person: Person,
    document: SignedObject,
    crumbs: list[tuple[str, str]],
    pdf_url: str,
) -> HttpResponse:
    """The document's signatures and, for the refugee service, the form to record one."""
    provider = signing_provider()
    may_edit = may_edit_case(request.user)
    form_args: dict[str, Any] = {
        "document": document,
        "provider": provider,
        "max_megabytes": megabytes(settings.IMPORT_MAX_BYTES),
    }
    status = 200
    form = SignatureForm(initial={"signed_on": timezone.localdate()}, **form_args)
    if request.method == "POST":
        # The refugee service only: 403 for anyone else, before the input is read.
        person = person_get(ctx=ctx, person_id=person.pk, edit=True)
        form = SignatureForm(request.POST, request.FILES, **form_args)
        if form.is_valid():
            try:
                signature = signature_record(
                    ctx=ctx, person=person, document=document, data=form.to_input()
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Signaturen til {signature.signer_name} "
                    f"({signature.signed_on:%d.%m.%Y}) er registrert.",
                )
                return redirect(request.path)
        else:
            status = 422
    signatures = signatures_of(person=person, document=document)
    return render(
        request,
        "casework/signatures.html",
        {
            "person": person,
            "document": document,
            "crumbs": crumbs,
            "current_url": request.path,
            "pdf_url": pdf_url,
            "signatures": signatures,
            "status": signing_status(document, signatures),
            "form": form,
            "may_edit": may_edit,
            "provider": provider,
        },
        status=status,
    )


def _person_crumb(person: Person) -> tuple[str, str]:
    return person.full_name, reverse("casework:person-detail", kwargs={"person_id": person.pk})


@require_http_methods(["GET", "POST"])
@login_required
def practice_signatures(request: HttpRequest, person_id: int, contract_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id)
    contract = practice_contract_of(person=person, contract_id=contract_id)
    kwargs = {"person_id": person.pk, "contract_id": contract.pk}
    return _signatures_page(
        request,
        ctx=ctx,
        person=person,
        document=practice_contract_document(contract),
        crumbs=[
            _person_crumb(person),
            (
                "Praksisavtaler",
                reverse("casework:practice-list", kwargs={"person_id": person.pk}),
            ),
            (contract.employer_name, reverse("casework:practice-edit", kwargs=kwargs)),
        ],
        pdf_url=reverse("casework:practice-pdf", kwargs=kwargs),
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_signatures(request: HttpRequest, person_id: int, plan_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id)
    plan = plan_of_person(person, plan_id)
    return _signatures_page(
        request,
        ctx=ctx,
        person=person,
        document=plan_document(plan),
        crumbs=[
            _person_crumb(person),
            ("Individuell plan", reverse("casework:plan", kwargs={"person_id": person.pk})),
        ],
        pdf_url=reverse(
            "casework:individual-plan-pdf", kwargs={"person_id": person.pk, "plan_id": plan.pk}
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def consent_signatures(request: HttpRequest, person_id: int, consent_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id)
    consent = consent_of_person(person, consent_id)
    return _signatures_page(
        request,
        ctx=ctx,
        person=person,
        document=consent_document(consent),
        crumbs=[
            _person_crumb(person),
            ("Samtykker", reverse("casework:consent-list", kwargs={"person_id": person.pk})),
        ],
        pdf_url=reverse(
            "casework:consent-pdf", kwargs={"person_id": person.pk, "consent_id": consent.pk}
        ),
    )


@require_GET
@login_required
def signature_scan_view(request: HttpRequest, person_id: int, signature_id: int) -> HttpResponse:
    """The scanned copy, as a download: its type is what its content is, never what was claimed."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id)
    scan = signature_scan(ctx=ctx, signature=signature_of(person=person, signature_id=signature_id))
    response = HttpResponse(scan.content, content_type=scan.content_type)
    response["Content-Disposition"] = f'attachment; filename="{scan.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


urlpatterns = [
    path(
        "personer/<int:person_id>/praksisavtaler/<int:contract_id>/signaturer/",
        practice_signatures,
        name="practice-signatures",
    ),
    path(
        "personer/<int:person_id>/individuell-plan/<int:plan_id>/pdf/",
        plan_pdf_view,
        name="individual-plan-pdf",
    ),
    path(
        "personer/<int:person_id>/individuell-plan/<int:plan_id>/signaturer/",
        plan_signatures,
        name="individual-plan-signatures",
    ),
    path(
        "personer/<int:person_id>/samtykker/<int:consent_id>/pdf/",
        consent_pdf_view,
        name="consent-pdf",
    ),
    path(
        "personer/<int:person_id>/samtykker/<int:consent_id>/signaturer/",
        consent_signatures,
        name="consent-signatures",
    ),
    path(
        "personer/<int:person_id>/signaturer/<int:signature_id>/skann/",
        signature_scan_view,
        name="signature-scan",
    ),
]
