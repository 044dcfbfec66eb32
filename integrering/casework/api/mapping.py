"""API for the mapping form (seed 002 Vedlegg 2): read it, save a draft, complete it.

The same rules as the page: reading needs the mapping category (health sections only with the
health category), saving is for the refugee service, and a save names the version it started
from (409 if someone saved in between).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field
from pydantic import ValidationError as SchemaError

from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError
from integrering.people.models import InformationCategory
from integrering.people.selectors import PersonAccess, person_access_require
from integrering.schemas import ErrorOut, ObjectId

from .. import mapping_form
from ..models import Mapping, MappingStatus
from ..services.mapping import mapping_initial_data, mapping_of, mapping_save

router = Router(tags=["kartlegging"])


class MappingOut(Schema):
    person: int
    status: str = Field(description="«draft» (utkast) eller «completed» (fullført)")
    version: int = Field(description="0 før første lagring; send den med når du lagrer")
    data: dict[str, Any] = Field(
        description="Svarene, én nøkkel per del av skjemaet (helsedelene bare med samtykke til helse)"
    )
    updated_at: datetime.datetime | None
    completed_at: datetime.datetime | None


class MappingIn(Schema):
    version: int = Field(ge=0, description="Versjonen du startet fra (0 for et nytt skjema)")
    data: dict[str, Any] = Field(description="Hele skjemaet: deler som mangler, blir tømt")
    complete: bool = Field(False, description="true: fullfør kartleggingen")


class MappingErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="Feilmeldinger per felt («del.felt»)")


def _out(access: PersonAccess, mapping: Mapping | None) -> MappingOut:
    visible = mapping_form.sections_visible(access.allows)
    if mapping is None:
        return MappingOut(
            person=access.person.pk,
            status=MappingStatus.DRAFT,
            version=0,
            data=mapping_form.data_visible(mapping_initial_data(access.person), visible),
            updated_at=None,
            completed_at=None,
        )
    return MappingOut(
        person=access.person.pk,
        status=mapping.status,
        version=mapping.version,
        data=mapping_form.data_visible(mapping.data, visible),
        updated_at=mapping.updated_at,
        completed_at=mapping.completed_at,
    )


def _schema_errors(exc: SchemaError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "body"
        if error["type"] == "json_invalid":
            message = "Ugyldig JSON."
        elif error["type"] == "missing":
            message = "Mangler."
        else:
            message = "Ugyldig verdi."
        errors.setdefault(key, []).append(message)
    return errors


@router.get(
    "{person_id}/mapping",
    response={200: MappingOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Kartleggingen av én person",
)
def mapping_get(request: HttpRequest, person_id: ObjectId) -> MappingOut:
    access = person_access_require(
        ctx=AccessContext.from_request(request),
        person_id=person_id,
        category=InformationCategory.MAPPING,
    )
    return _out(access, mapping_of(access.person))


@router.put(
    "{person_id}/mapping",
    response={
        200: MappingOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: MappingErrorOut,
    },
    summary="Lagre kartleggingen som utkast, eller fullfør den",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": MappingIn.model_json_schema()}},
            "required": True,
        }
    },
)
def mapping_put(request: HttpRequest, person_id: ObjectId) -> Any:
    # The body is read here, after the access check, so a user out of reach gets 404 whatever
    # they send.
    access = person_access_require(
        ctx=AccessContext.from_request(request),
        person_id=person_id,
        category=InformationCategory.MAPPING,
        edit=True,
    )
    try:
        body = MappingIn.model_validate_json(request.body or b"")
    except SchemaError as exc:
        return Status(
            422, MappingErrorOut(detail="Ugyldig forespørsel.", errors=_schema_errors(exc))
        )
    visible = mapping_form.sections_visible(access.allows)
    hidden = set(mapping_form.SECTION_BY_KEY) - {s.key for s in visible}
    if refused := sorted(hidden & set(body.data)):
        raise HttpError(403, f"Du har ikke tilgang til å endre: {', '.join(refused)}.")
    current = mapping_of(access.person)
    data = mapping_form.data_merge_hidden(current.data if current else {}, body.data, visible)
    try:
        saved = mapping_save(
            ctx=AccessContext.from_request(request),
            person=access.person,
            data=data,
            version=body.version,
            complete=body.complete,
        )
    except ConflictError as exc:
        return Status(409, ErrorOut(detail=" ".join(exc.messages)))
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        detail = " ".join(errors.get("__all__", [])) or "Kartleggingen er ikke lagret: se feltene."
        return Status(422, MappingErrorOut(detail=detail, errors=errors))
    return _out(access, saved)
