"""Queueing the surveys' e-mails for the background worker: the capacity round's reminders and
the municipal survey's links and reminders. What can be seen at once is checked here; the
sending itself is ``capacity.capacity_reminders_send`` and ``invitations.invitations_send``, run
by ``tasks.py``, which this module enqueues (so the sending modules never import the tasks).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from integrering.accounts.access import county_governor_of
from integrering.audit.services import AccessContext

from .. import tasks
from ..models import CapacityRound, Invitation, InvitationStatus, Survey
from .capacity import NOT_FOUND, round_is_open
from .invitations import survey_is_open

REMINDER_TASK = "integrering.surveys.tasks.capacity_reminders_send"


def capacity_reminders_start(*, ctx: AccessContext, round: CapacityRound) -> str:
    """Queue the reminders of a round for the background worker; return the task's id.

    Only the round's governor's officers remind, and only while the round is open.
    """
    if county_governor_of(ctx.user) != round.county_governor:
        raise ValidationError(NOT_FOUND)
    if not round_is_open(round):
        raise ValidationError(
            f"Svarfristen gikk ut {round.closes_on:%d.%m.%Y}: det sendes ingen purringer."
        )
    result = tasks.capacity_reminders_send.enqueue(round_id=round.pk)
    return str(result.id)


@dataclass(frozen=True)
class ReminderStatus:
    status: str  # READY, RUNNING, SUCCESSFUL, FAILED
    enqueued_at: datetime.datetime
    result: dict[str, Any] | None

    @property
    def running(self) -> bool:
        return self.status in {"READY", "RUNNING"}


def reminder_status(round: CapacityRound) -> ReminderStatus | None:
    """The last reminder task of a round, from the task queue: its state and counts."""
    from django_tasks_db.models import DBTaskResult

    candidates = DBTaskResult.objects.filter(task_path=REMINDER_TASK).order_by("-enqueued_at")
    for row in candidates[:200]:
        kwargs = (row.args_kwargs or {}).get("kwargs", {})
        if kwargs.get("round_id") == round.pk:
            return ReminderStatus(
                status=row.status, enqueued_at=row.enqueued_at, result=row.return_value
            )
    return None


def invitations_send_enqueue(*, survey: Survey, reminder: bool = False) -> str:
    """Queue the sending (or the reminders) for the background worker; returns the task id.
    Refused when there is nobody to send to."""
    invitations = Invitation.objects.filter(questionnaire__survey=survey)
    if not invitations.exists():
        raise ValidationError("Lag invitasjonene først.")
    with_email = invitations.exclude(recipient_email="")
    if reminder:
        if not survey_is_open(survey):
            raise ValidationError(
                f"Undersøkelsen er ikke åpen (svarfrist {survey.closes_on:%d.%m.%Y}), så det "
                "sendes ingen purring."
            )
        if (
            not with_email.filter(sent_at__isnull=False)
            .exclude(status=InvitationStatus.SUBMITTED)
            .exists()
        ):
            raise ValidationError("Alle som har fått lenken, har svart: ingen å purre på.")
    elif not with_email.filter(sent_at__isnull=True).exists():
        raise ValidationError(
            "Ingen invitasjoner med e-postadresse venter på lenken. Importer e-postadresser, "
            "eller lag en lenke på invitasjonens side."
        )
    result = tasks.survey_invitations_send.enqueue(survey.pk, reminder)
    return str(result.id)
