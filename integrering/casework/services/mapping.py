"""The mapping form after arrival (seed 002 Vedlegg 2): drafts, completion and history.

The mapping interview is held soon after arrival and is the basis of the individual plan
(seed 002 §2.4). The refugee service saves it as a draft as often as it likes, completes it when
the answers the plan builds on are in place, and may reopen it later: every save is kept as a
``MappingRevision``, so nothing written in it is ever lost. Every save is audited.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.concurrency import ConflictError, conflict_message, version_bump
from integrering.people.models import Category, Person

from .. import mapping_form
from ..models import Mapping, MappingRevision, MappingStatus

WHAT = "kartleggingen"

# What the individual plan cannot be made without (seed 002 §2.4: the plan builds on the
# mapping of language, education, work experience and wishes). Kept small on purpose: the
# interview is a conversation, and most questions may rightly stay unanswered.
REQUIRED_FOR_COMPLETION: tuple[str, ...] = (
    "personal.came_as",
    "languages.mother_tongue",
    "education.school_years",
    "self_assessment.wants_to_work_with",
)
MISSING = "Må fylles ut før kartleggingen kan fullføres."

# How the registry's category answers "Kom du til Norge som" on a new form.
CAME_AS_FROM_CATEGORY: dict[str, str] = {
    Category.TRANSFER_REFUGEE: "transfer_refugee",
    Category.FROM_RECEPTION: "asylum_seeker",
    Category.UNACCOMPANIED_MINOR: "asylum_seeker",
    Category.FAMILY_REUNIFICATION: "family_reunification",
}


def mapping_of(person: Person) -> Mapping | None:
    """The person's mapping, or None before the first save (the caller has checked access)."""
    return (
        Mapping.objects.filter(person=person).select_related("updated_by", "completed_by").first()
    )


def mapping_initial_data(person: Person) -> dict[str, dict[str, Any]]:
    """An empty form, with what the registry already knows filled in as a suggestion."""
    data = mapping_form.empty_data()
    data["personal"]["came_as"] = CAME_AS_FROM_CATEGORY.get(person.category, "")
    data["personal"]["last_reception_centre"] = person.reception_centre
    data["languages"]["mother_tongue"] = person.language
    return data


def mapping_missing(data: dict[str, Any]) -> list[str]:
    """The paths of the fields required for completion that are still unanswered."""
    missing = []
    for path in REQUIRED_FOR_COMPLETION:
        section, _, name = path.partition(".")
        value = (data.get(section) or {}).get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(path)
    return missing


def _event(previous: str | None, status: str) -> str:
    """What a save did, as the history and the audit log say it."""
    completed = status == MappingStatus.COMPLETED
    if previous is None:
        return "Opprettet og fullført" if completed else "Opprettet som utkast"
    if previous == MappingStatus.COMPLETED:
        return "Endret og fullført på nytt" if completed else "Gjenåpnet: tilbake til utkast"
    return "Fullført" if completed else "Utkast lagret"


@transaction.atomic
def mapping_save(
    *,
    ctx: AccessContext,
    person: Person,
    data: object,
    version: int,
    complete: bool = False,
) -> Mapping:
    """Save the person's mapping form as a draft, or complete it (seed 002 Vedlegg 2).

    ``version`` is the version the user started from (0 before the first save); if someone
    saved in between, ``ConflictError`` is raised and nothing is written. ``data`` replaces the
    whole document and is validated section by section (``mapping_form.data_clean``).

    Completing requires the answers the individual plan builds on (``REQUIRED_FOR_COMPLETION``);
    otherwise a ``ValidationError`` lists what is missing and nothing is saved. A completed
    mapping may be reopened: saving it as a draft takes it back to draft, and the history says
    so. Every save writes a ``MappingRevision`` and an audit record.
    """
    document = mapping_form.data_clean(data)
    if complete:
        missing = mapping_missing(document)
        if missing:
            labels = ", ".join(mapping_form.field_label(p) for p in missing)
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        f"Kartleggingen kan ikke fullføres før dette er fylt ut: {labels}. "
                        "Ingenting er lagret; du kan lagre som utkast i stedet."
                    ],
                    **{path: [MISSING] for path in missing},
                }
            )
    now = timezone.now()
    status = MappingStatus.COMPLETED if complete else MappingStatus.DRAFT
    completion: dict[str, Any] = {
        "completed_at": now if complete else None,
        "completed_by": ctx.user if complete else None,
    }
    mapping = Mapping.objects.filter(person=person).first()
    previous = mapping.status if mapping is not None else None
    if mapping is None:
        if version != 0:
            raise ConflictError(conflict_message(WHAT))
        try:
            with transaction.atomic():
                mapping = Mapping.objects.create(
                    person=person,
                    status=status,
                    data=document,
                    version=1,
                    created_at=now,
                    updated_at=now,
                    updated_by=ctx.user,
                    **completion,
                )
        except IntegrityError:  # someone else created it at the same moment
            raise ConflictError(conflict_message(WHAT)) from None
    else:
        version_bump(
            Mapping.objects.filter(pk=mapping.pk),
            expected=version,
            what=WHAT,
            status=status,
            data=document,
            updated_at=now,
            updated_by=ctx.user,
            **completion,
        )
        mapping.refresh_from_db()
    MappingRevision.objects.create(
        mapping=mapping,
        version=mapping.version,
        status=status,
        data=document,
        saved_at=now,
        saved_by=ctx.user,
    )
    audit_record(
        ctx=ctx,
        person_id=person.pk,
        action=AuditAction.CREATE if previous is None else AuditAction.UPDATE,
        allowed=True,
        detail=f"kartlegging versjon {mapping.version}: {_event(previous, status).lower()}",
    )
    return mapping


@dataclass(frozen=True)
class MappingHistoryEntry:
    version: int
    status: str
    status_label: str
    event: str
    saved_at: datetime.datetime
    saved_by: Any
    changed: list[str]


def mapping_history(
    *, mapping: Mapping | None, allows: Callable[[str], bool] = lambda category: True
) -> list[MappingHistoryEntry]:
    """Every save of the mapping, newest first: who, when, what it did and which fields changed.

    ``allows`` is ``PersonAccess.allows``: changes in sections the user may not see are left out.
    """
    if mapping is None:
        return []
    visible = mapping_form.sections_visible(allows)
    revisions = list(mapping.revisions.select_related("saved_by").order_by("version"))
    entries = []
    previous_data: dict[str, Any] = mapping_form.empty_data()
    previous_status: str | None = None
    for revision in revisions:
        entries.append(
            MappingHistoryEntry(
                version=revision.version,
                status=revision.status,
                status_label=revision.get_status_display(),
                event=_event(previous_status, revision.status),
                saved_at=revision.saved_at,
                saved_by=revision.saved_by,
                changed=mapping_form.changed_fields(previous_data, revision.data, visible),
            )
        )
        previous_data, previous_status = revision.data, revision.status
    return entries[::-1]
