"""The mapping form of one person (seed 002 Vedlegg 2) and its history.

The refugee service fills it in; a service whose consent covers the mapping reads it, without
the health sections unless the consent covers health too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError
from integrering.people.models import InformationCategory
from integrering.people.selectors import PersonAccess, person_access_require

from .. import mapping_form
from ..models import Mapping, MappingStatus
from ..services.mapping import (
    REQUIRED_FOR_COMPLETION,
    mapping_history,
    mapping_initial_data,
    mapping_of,
    mapping_save,
)


def _hidden_sections(access: PersonAccess) -> list[str]:
    return [s.heading for s in mapping_form.SECTIONS if not access.allows(s.category)]


def _context(access: PersonAccess, mapping: Mapping | None, **extra: Any) -> dict[str, Any]:
    return {
        "person": access.person,
        "access": access,
        "mapping": mapping,
        "status_label": mapping.get_status_display() if mapping else "Ikke påbegynt",
        "completed": mapping is not None and mapping.status == MappingStatus.COMPLETED,
        "hidden_sections": _hidden_sections(access),
        "show_registry": access.allows(InformationCategory.PERSONAL),
        **extra,
    }


def _edit_page(
    request: HttpRequest,
    access: PersonAccess,
    mapping: Mapping | None,
    parts: list[mapping_form.SectionForms],
    *,
    version: int,
    alerts: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    required = {p: mapping_form.field_label(p) for p in REQUIRED_FOR_COMPLETION}
    context = _context(
        access,
        mapping,
        parts=parts,
        version=version,
        alerts=alerts or [],
        error_links=mapping_form.forms_error_summary(parts),
        required_labels=list(required.values()),
    )
    return render(request, "casework/mapping_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, person_id: int) -> HttpResponse:
    access = person_access_require(
        ctx=AccessContext.from_request(request),
        person_id=person_id,
        category=InformationCategory.MAPPING,
        edit=request.method == "POST",
    )
    person = access.person
    current = mapping_of(person)
    visible = mapping_form.sections_visible(access.allows)

    if request.method == "GET":
        document = current.data if current is not None else mapping_initial_data(person)
        if not access.may_edit:
            sections = [mapping_form.section_display(s, document) for s in visible]
            return render(
                request, "casework/mapping_view.html", _context(access, current, sections=sections)
            )
        parts = mapping_form.section_forms(visible, document=document)
        return _edit_page(
            request, access, current, parts, version=current.version if current else 0
        )

    parts = mapping_form.section_forms(visible, document={}, post=request.POST)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1  # a broken form: refused below as a conflict, the input kept
    complete = request.POST.get("action") == "complete"
    if not all([part.is_valid() for part in parts]):
        alerts = ["Kartleggingen er ikke lagret. Rett feilene som er merket nedenfor."]
        return _edit_page(request, access, current, parts, version=version, alerts=alerts)
    stored = current.data if current is not None else {}
    data = mapping_form.data_merge_hidden(stored, mapping_form.forms_document(parts), visible)
    ctx = AccessContext.from_request(request)
    try:
        saved = mapping_save(ctx=ctx, person=person, data=data, version=version, complete=complete)
    except ConflictError as exc:
        return _edit_page(
            request, access, current, parts, version=version, alerts=exc.messages, status=409
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        loose = mapping_form.forms_add_errors(parts, errors)
        return _edit_page(request, access, current, parts, version=version, alerts=loose)
    if complete:
        messages.success(request, f"Kartleggingen er fullført (versjon {saved.version}).")
    else:
        messages.success(request, f"Utkastet er lagret (versjon {saved.version}).")
    return redirect("casework:mapping", person_id=person.pk)


@login_required
@require_GET
def mapping_history_page(request: HttpRequest, person_id: int) -> HttpResponse:
    access = person_access_require(
        ctx=AccessContext.from_request(request),
        person_id=person_id,
        category=InformationCategory.MAPPING,
    )
    current = mapping_of(access.person)
    entries = mapping_history(mapping=current, allows=access.allows)
    return render(
        request, "casework/mapping_history.html", _context(access, current, entries=entries)
    )


urlpatterns = [
    path("personer/<int:person_id>/kartlegging/", mapping, name="mapping"),
    path(
        "personer/<int:person_id>/kartlegging/historikk/",
        mapping_history_page,
        name="mapping-history",
    ),
]
