"""The steps every change to a participation shares: take the row lock, refuse a programme that
has ended, and record the dated event in the programme's history, audited. ``lifecycle.py`` and
``extensions.py`` use them.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record

from ..models import EventKind, Participation, ProgrammeEvent

WHAT = "deltakelsen i introduksjonsprogrammet"


def programme_event_record(
    ctx: AccessContext, participation: Participation, kind: str, on: datetime.date, summary: str
) -> ProgrammeEvent:
    """Record a dated event in the participation's history and audit the write (the start as a
    creation, every later event as an update)."""
    event = ProgrammeEvent.objects.create(
        participation=participation,
        kind=kind,
        on=on,
        summary=summary[:300],
        created_by=ctx.acting_user,
    )
    audit_record(
        ctx=ctx,
        person_id=participation.person_id,
        action=AuditAction.UPDATE if kind != EventKind.START else AuditAction.CREATE,
        allowed=True,
        detail=f"introduksjonsprogram: {kind}",
    )
    return event


def participation_require_open(participation: Participation) -> None:
    """Refuse a change to a programme that has ended."""
    if participation.ended_on is not None:
        raise ValidationError(
            f"Programmet ble avsluttet {participation.ended_on:%d.%m.%Y}; det kan ikke endres."
        )


def participation_lock(participation: Participation) -> Participation:
    """Re-read the participation under a row lock so two writers take turns."""
    return Participation.objects.select_for_update().get(pk=participation.pk)
