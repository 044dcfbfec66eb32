"""Meetings with the household: the first team meeting and later ones, held with or without an interpreter."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.accounts.roles import Service
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.concurrency import version_bump

from ..models import Deadline, Meeting, MeetingKind
from .deadlines import deadlines_meet_kind


@dataclass(frozen=True)
class MeetingInput:
    scheduled_on: datetime.date
    held_on: datetime.date | None = None
    interpreter_used: bool | None = None
    interpreter_language: str = ""
    services: tuple[str, ...] = ()
    notes: str = ""


def meeting_errors(meeting: Meeting, data: MeetingInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if meeting.kind == MeetingKind.TEAM_FIRST:
        # Seed 002 §2.4: the first team meeting is within the deadline; it may not be moved past it.
        latest = (
            Deadline.objects.filter(
                person__in=meeting.persons.all(), kind="team_first_meeting", met_on__isnull=True
            )
            .order_by("due_on")
            .values_list("due_on", flat=True)
            .first()
        )
        if latest is not None and data.held_on is None and data.scheduled_on > latest:
            errors["scheduled_on"] = [
                f"Første møte i tverrfaglig team må holdes innen fristen {latest:%d.%m.%Y}."
            ]
    if data.held_on is not None:
        if data.held_on > today:
            errors["held_on"] = ["Et møte kan ikke være holdt fram i tid."]
        if data.interpreter_used is None:
            errors["interpreter_used"] = ["Oppgi om tolk ble brukt i møtet."]
        if data.interpreter_used and not data.interpreter_language.strip():
            errors["interpreter_language"] = ["Oppgi tolkespråket."]
        settled = meeting.household.settled_on
        if settled is not None and data.held_on < settled - datetime.timedelta(days=366):
            errors["held_on"] = ["Datoen er lenge før bosettingen; sjekk året."]
    if unknown := [s for s in data.services if s not in Service.values]:
        errors["services"] = [f"Ukjent tjeneste: {', '.join(unknown)}."]
    return errors


@transaction.atomic
def meeting_update(
    *, ctx: AccessContext, meeting: Meeting, data: MeetingInput, version: int
) -> Meeting:
    """Move or record a meeting. Holding the first team meeting meets its deadline for its persons."""
    errors = meeting_errors(meeting, data)
    if errors:
        raise ValidationError(errors)
    version_bump(
        Meeting.objects.filter(pk=meeting.pk),
        expected=version,
        what="møtet",
        scheduled_on=data.scheduled_on,
        held_on=data.held_on,
        interpreter_used=data.interpreter_used,
        interpreter_language=data.interpreter_language.strip(),
        services=list(data.services),
        notes=data.notes,
    )
    meeting.refresh_from_db()
    persons = list(meeting.persons.all())
    if meeting.held_on is not None and meeting.kind == MeetingKind.TEAM_FIRST:
        deadlines_meet_kind(
            ctx=ctx, persons=persons, kind="team_first_meeting", met_on=meeting.held_on
        )
    audit_record_many(
        ctx=ctx,
        person_ids=[p.pk for p in persons],
        action=AuditAction.UPDATE,
        detail=f"møte {meeting.pk}: {meeting.get_kind_display()}",
    )
    return meeting
