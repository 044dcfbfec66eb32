"""The introduction programme goes on in the new municipality after a move (seed 002 §2.1).

When a move within five years is handed over (``casework.services.transfers``), each moved
person's programme that is still running on the moving date becomes the new municipality's: it
sees it, records absence, periods and decisions from then on, and its benefit runs pay the days
from the moving date while the old municipality's pay the days before (``stays.py``). What the old
municipality wrote stays as it was, and it reads it on the transfer page (``former.py``). Run
through ``casework.handover_hooks`` (registered in ``ProgrammeConfig.ready``).
"""

from __future__ import annotations

from django.db.models import F, Q

from integrering.audit.services import AccessContext
from integrering.casework.models import CaseTransfer

from .models import EventKind, Participation
from .services.participation_steps import programme_event_record


def programme_hand_over(*, ctx: AccessContext, transfer: CaseTransfer) -> list[Participation]:
    """Give the new municipality the moved persons' programmes running on the moving date: the
    municipality of the participation changes, and its history records the move (audited)."""
    running = Participation.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=transfer.moved_on),
        person__in=transfer.persons.all(),
        municipality_id=transfer.from_municipality_id,
    )
    moved = list(running)
    for participation in moved:
        # A page open in the old municipality goes stale (the version), as after any change.
        Participation.objects.filter(pk=participation.pk).update(
            municipality_id=transfer.to_municipality_id, version=F("version") + 1
        )
        participation.municipality_id = transfer.to_municipality_id
        programme_event_record(
            ctx,
            participation,
            EventKind.CHANGE,
            transfer.moved_on,
            f"Flyttet fra {transfer.from_municipality.name} til {transfer.to_municipality.name}; "
            f"programmet fortsetter der (overføring {transfer.pk}).",
        )
    return moved
