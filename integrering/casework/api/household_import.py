"""API for household imports: upload a list (queued for the worker), then follow its progress.

The routes keep the operation ids they had in ``people`` (the published schema's contract).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from integrering.accounts.access import municipalities_served_by
from integrering.audit.services import AccessContext
from integrering.people.imports import (
    header_errors,
    household_import_get,
    household_import_require,
    upload_errors,
)
from integrering.people.models import HouseholdImport
from integrering.schemas import ErrorOut, ObjectId

from ..services.household_import_queue import household_import_queue

router = Router(tags=["import av husstander"])


class ImportQueuedOut(Schema):
    id: int
    status: str = Field(description="queued, running, succeeded eller failed")
    url: str = Field(description="Adressen der importens status og feil kan hentes")


class ImportErrorOut(Schema):
    row: int | None = Field(description="Radnummeret i filen (overskriftsraden er rad 1)")
    column: str = Field(description="Kolonnen feilen gjelder, eller tom")
    message: str
    text: str = Field(description="Feilen som én linje: «Rad 7, fødselsnummer: …»")


class ImportOut(Schema):
    id: int
    status: str = Field(description="queued, running, succeeded eller failed")
    total_rows: int
    processed_rows: int = Field(description="Rader som er kontrollert")
    progress_percent: int
    errors: list[ImportErrorOut]
    households_created: int
    persons_created: int

    @staticmethod
    def of(upload: HouseholdImport) -> ImportOut:
        errors: list[dict[str, Any]] = upload.errors
        return ImportOut(
            id=upload.pk,
            status=upload.status,
            total_rows=upload.total_rows,
            processed_rows=upload.processed_rows,
            progress_percent=upload.progress_percent,
            errors=[ImportErrorOut(**e) for e in errors],
            households_created=upload.households_created,
            persons_created=upload.persons_created,
        )


@router.post(
    "",
    response={202: ImportQueuedOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Last opp en husstandsliste (CSV eller .xlsx); importen kjører i bakgrunnen",
    operation_id="integrering_people_api_imports_household_import_create",
)
def household_import_create(
    request: HttpRequest,
    file: File[UploadedFile],
    municipality: Form[str],
) -> Status:
    """All or nothing: with one bad row nothing is written, and every error is listed (GET)."""
    household_import_require(ctx=AccessContext.from_request(request))
    chosen = municipalities_served_by(request.user).filter(number=municipality.strip()).first()
    if chosen is None:
        raise ValidationError(
            {"municipality": [f"Kommune {municipality} finnes ikke, eller du arbeider ikke der."]}
        )
    filename = file.name or ""
    problems = upload_errors(
        filename=filename,
        content_type=file.content_type or "",
        size=file.size or 0,
        max_bytes=settings.IMPORT_MAX_BYTES,
    )
    if not problems:
        content = file.read()
        problems = header_errors(filename=filename, content=content)
    if problems:
        raise ValidationError({"file": problems})
    upload = household_import_queue(
        user=request.user,  # type: ignore[arg-type]
        municipality=chosen,
        filename=filename,
        content=content,
    )
    url = reverse("api:household_import_detail", kwargs={"import_id": upload.pk})
    return Status(202, ImportQueuedOut(id=upload.pk, status=upload.status, url=url))


@router.get(
    "{import_id}",
    response={200: ImportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Status, fremdrift og feil for én import",
    url_name="household_import_detail",
    operation_id="integrering_people_api_imports_household_import_detail",
)
def household_import_detail(request: HttpRequest, import_id: ObjectId) -> ImportOut:
    return ImportOut.of(
        household_import_get(ctx=AccessContext.from_request(request), import_id=import_id)
    )
