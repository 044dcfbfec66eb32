"""The worker's body for one ``Mailing``: claim it, send, record progress and counts.

``sending.py`` creates the row and queues ``tasks.mailing_send``, which calls ``mailing_run``;
the sending itself is ``capacity.capacity_reminders_send`` or ``invitations.invitations_send``.
"""

from __future__ import annotations

from typing import Any

from integrering.jobs import job_done, job_fail, job_progress, job_start

from ..models import Mailing, MailingKind
from .capacity import capacity_reminders_send
from .invitations import invitations_send

SYSTEM_ERROR = (
    "Utsendingen stoppet på grunn av en feil i systemet. E-poster som alt var sendt, er "
    "registrert. Prøv igjen, eller kontakt brukerstøtte."
)


def mailing_run(mailing_id: int) -> dict[str, Any]:
    """Send one queued mailing to its end; returns its counts.

    Runs once: a mailing that is no longer queued (a task run twice, or failed as stale) is left
    alone.
    """
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None:
        return {"id": mailing_id, "status": "missing"}
    if not job_start(mailing, sent=0, total=0):
        return dict(mailing.result)

    def progress(done: int, total: int) -> None:
        job_progress(mailing, done, total)

    try:
        if mailing.kind == MailingKind.CAPACITY_REMINDERS:
            assert mailing.round_id is not None
            result = capacity_reminders_send(round_id=mailing.round_id, progress=progress)
        else:
            assert mailing.survey_id is not None
            result = invitations_send(
                survey_id=mailing.survey_id, reminder=mailing.reminder, progress=progress
            )
    except BaseException:  # an error, or SystemExit: the worker was stopped mid-task
        job_fail(mailing, SYSTEM_ERROR)
        raise
    job_done(mailing, result=result, sent=result["sent"])
    return result
