"""Queueing the surveys' e-mails for the background worker: the capacity round's reminders and
the municipal survey's links and reminders. What can be seen at once is checked here, and each
sending is a ``Mailing`` row (a job, ``integrering/jobs.py``) queued for ``tasks.mailing_send``;
its body is ``mailing.mailing_run`` (so the sending modules never import the tasks).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from integrering.accounts.access import county_governor_of
from integrering.audit.services import AccessContext
from integrering.jobs import JobStatus, job_enqueue

from .. import tasks
from ..models import CapacityRound, Invitation, InvitationStatus, Mailing, MailingKind, Survey
from .capacity import NOT_FOUND, round_is_open
from .invitations import survey_is_open

ALREADY_SENDING = "En utsending pågår allerede. Vent til den er ferdig."


def _mailing_queue(ctx: AccessContext, **row: Any) -> Mailing:
    """Create the mailing's row and queue it for the worker, in one transaction; refused while
    another mailing of the same round or survey is queued or running."""
    parent = row.get("round") or row["survey"]
    with transaction.atomic():
        list(type(parent)._default_manager.select_for_update().filter(pk=parent.pk))
        mine = Mailing.objects.filter(round=row.get("round"), survey=row.get("survey"))
        if mine.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists():
            raise ValidationError(ALREADY_SENDING)
        user = ctx.user if getattr(ctx.user, "is_authenticated", False) else None
        mailing = Mailing.objects.create(requested_by=user, **row)
        job_enqueue(tasks.mailing_send, mailing)
    return mailing


def capacity_reminders_start(*, ctx: AccessContext, round: CapacityRound) -> Mailing:
    """Queue the reminders of a round for the background worker.

    Only the round's governor's officers remind, and only while the round is open.
    """
    if county_governor_of(ctx.user) != round.county_governor:
        raise ValidationError(NOT_FOUND)
    if not round_is_open(round):
        raise ValidationError(
            f"Svarfristen gikk ut {round.closes_on:%d.%m.%Y}: det sendes ingen purringer."
        )
    return _mailing_queue(ctx, kind=MailingKind.CAPACITY_REMINDERS, round=round)


def reminder_status(round: CapacityRound) -> Mailing | None:
    """The round's last reminder mailing: its state and counts."""
    return round.mailings.order_by("-created_at", "-pk").first()


def invitations_send_enqueue(
    *, ctx: AccessContext, survey: Survey, reminder: bool = False
) -> Mailing:
    """Queue the sending (or the reminders) for the background worker. Refused when there is
    nobody to send to."""
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
    kind = MailingKind.SURVEY_REMINDERS if reminder else MailingKind.SURVEY_LINKS
    return _mailing_queue(ctx, kind=kind, survey=survey)
