"""API for signing: the individual plan and the consent form as PDFs, and the signatures on a
person's documents (practice contract, individual plan, consent form): list, record, and the
scanned copy. The same services as the pages.

Signatures need the whole case to read and the refugee service to record; the person is looked
up before any input is read, so a person out of reach is 404 whatever the body holds. A
signature is recorded as ``multipart/form-data``, because a scanned copy may come with it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from integrering.audit.services import AccessContext
from integrering.people.models import InformationCategory
from integrering.people.selectors import person_get
from integrering.schemas import ErrorOut, ObjectId

from ..models import Signature, SignedDocument
from ..services.document_pdfs import (
    consent_filename,
    consent_of_person,
    consent_pdf,
    plan_filename,
    plan_of_person,
    plan_pdf,
)
from ..services.signing import (
    ScanUpload,
    SignatureInput,
    signature_of,
    signature_record,
    signature_scan,
    signatures_of,
    signed_object,
)

router = Router(tags=["signering"])

PDF_RESPONSE = {
    "responses": {
        "200": {
            "description": "PDF (A4)",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
DOCUMENTS = "practice_contract, individual_plan eller consent"


class SignatureOut(Schema):
    id: int
    person: int
    document: str = Field(description=DOCUMENTS)
    object_id: int = Field(description="Id-en til praksisavtalen, planen eller samtykket")
    document_version: int | None = Field(description="Versjonen som ble signert (ikke samtykke)")
    signer_role: str = Field(
        description="participant, guardian, employer, contact_person eller caseworker"
    )
    signer_name: str
    signed_on: datetime.date
    method: str = Field(description="paper, scanned eller digital")
    scan_url: str | None = Field(description="Den skannede kopien, når det finnes en")
    scan_size: int | None
    digital_reference: str
    recorded_by: str | None
    recorded_at: datetime.datetime

    @staticmethod
    def of(signature: Signature) -> SignatureOut:
        object_id = signature.practice_contract_id or signature.plan_id or signature.consent_id or 0
        scan_url = (
            reverse(
                "api:signature_scan_get",
                kwargs={"person_id": signature.person_id, "signature_id": signature.pk},
            )
            if signature.scan_size
            else None
        )
        return SignatureOut(
            id=signature.pk,
            person=signature.person_id,
            document=signature.document,
            object_id=object_id,
            document_version=signature.document_version,
            signer_role=signature.signer_role,
            signer_name=signature.signer_name,
            signed_on=signature.signed_on,
            method=signature.method,
            scan_url=scan_url,
            scan_size=signature.scan_size,
            digital_reference=signature.digital_reference,
            recorded_by=signature.recorded_by.get_username() if signature.recorded_by else None,
            recorded_at=signature.recorded_at,
        )


class SignatureFilter(Schema):
    document: str = Field("", description=f"Bare signaturer på {DOCUMENTS}")
    object_id: ObjectId | None = Field(None, description="Bare signaturer på dette dokumentet")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


@router.get(
    "persons/{person_id}/plans/{plan_id}/pdf",
    response={401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Den individuelle planen som PDF, til utskrift og signering",
    openapi_extra=PDF_RESPONSE,
)
def plan_pdf_get(request: HttpRequest, person_id: ObjectId, plan_id: ObjectId) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=InformationCategory.PLAN)
    plan = plan_of_person(person, plan_id)
    return _pdf(plan_pdf(ctx=ctx, plan=plan), plan_filename(plan))


@router.get(
    "persons/{person_id}/consents/{consent_id}/pdf",
    response={401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Samtykkeerklæringen (Vedlegg 3) som PDF, til utskrift og signering",
    description="Et grunnlag i lovhjemmel har ingen samtykkeerklæring (422).",
    openapi_extra=PDF_RESPONSE,
)
def consent_pdf_get(
    request: HttpRequest, person_id: ObjectId, consent_id: ObjectId
) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id)
    consent = consent_of_person(person, consent_id)
    return _pdf(consent_pdf(ctx=ctx, consent=consent), consent_filename(consent))


@router.get(
    "persons/{person_id}/signatures",
    response={200: list[SignatureOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Signaturene på en persons dokumenter, eldste først",
)
def signatures_list(
    request: HttpRequest, person_id: ObjectId, filters: Query[SignatureFilter]
) -> list[SignatureOut]:
    person = person_get(ctx=AccessContext.from_request(request), person_id=person_id)
    signatures = signatures_of(person=person)
    if filters.document:
        signatures = [s for s in signatures if s.document == filters.document]
    if filters.object_id is not None:
        signatures = [
            s
            for s in signatures
            if filters.object_id in (s.practice_contract_id, s.plan_id, s.consent_id)
        ]
    return [SignatureOut.of(s) for s in signatures]


@router.post(
    "persons/{person_id}/signatures",
    response={
        201: SignatureOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
    },
    summary="Registrer en signatur (bare flyktningtjenesten)",
    description=(
        "multipart/form-data. method er paper (på papir), scanned (skannet kopi i feltet scan: "
        "PDF, JPEG eller PNG) eller digital (krever en signeringstjeneste; ingen er satt opp)."
    ),
)
def signature_post(
    request: HttpRequest,
    person_id: ObjectId,
    document: Form[str] = "",
    object_id: Form[int] = 0,
    signer_role: Form[str] = "",
    signer_name: Form[str] = "",
    signed_on: Form[datetime.date | None] = None,
    method: Form[str] = "",
    digital_reference: Form[str] = "",
    scan: File[UploadedFile | None] = None,
) -> Status[SignatureOut]:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    if document not in SignedDocument.values:
        raise ValidationError({"document": [f"Ukjent dokument «{document}»: bruk {DOCUMENTS}."]})
    target = signed_object(person=person, kind=document, object_id=object_id)
    upload = None
    if scan is not None:
        # Read no more than an upload may be: the service refuses a larger one by its length.
        content = scan.read(int(settings.IMPORT_MAX_BYTES) + 1)
        upload = ScanUpload(filename=scan.name or "", content=content)
    signature = signature_record(
        ctx=ctx,
        person=person,
        document=target,
        data=SignatureInput(
            signer_role=signer_role,
            signer_name=signer_name,
            signed_on=signed_on,
            method=method,
            scan=upload,
            digital_reference=digital_reference,
        ),
    )
    return Status(201, SignatureOut.of(signature))


@router.get(
    "persons/{person_id}/signatures/{signature_id}/scan",
    response={401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Den skannede kopien av en signatur",
    url_name="signature_scan_get",
    openapi_extra={
        "responses": {
            "200": {
                "description": "PDF, JPEG eller PNG",
                "content": {
                    media: {"schema": {"type": "string", "format": "binary"}}
                    for media in ("application/pdf", "image/jpeg", "image/png")
                },
            }
        }
    },
)
def signature_scan_get(
    request: HttpRequest, person_id: ObjectId, signature_id: ObjectId
) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id)
    scan = signature_scan(ctx=ctx, signature=signature_of(person=person, signature_id=signature_id))
    response = HttpResponse(scan.content, content_type=scan.content_type)
    response["Content-Disposition"] = f'attachment; filename="{scan.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response
