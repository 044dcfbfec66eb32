"""Queueing the reminders on unanswered requests (purring, issue 21 item 4) for the background
worker, and reading how they went.

``request_reminders_start`` checks what can be seen at once, creates a ``RequestReminder`` row (a
job, ``integrering/jobs.py``) and queues ``tasks.request_reminders_send``, whose body is
``request_reminder_send.request_reminder_run`` (so this module is the only one that imports the
tasks). ``request_reminders_run_now`` does the same work in the calling process, for the command
a scheduler runs (``integrering settlement remind-requests``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.accounts.access import planner_or_system_require, planner_require_or_404
from integrering.audit.services import AccessContext
from integrering.errors import NotFound
from integrering.jobs import JobStatus, job_enqueue

from .. import tasks
from ..models import RequestReminder, SettlementRequest
from ..selectors import MAX_YEAR, MIN_YEAR
from .request_reminder_send import request_reminder_run, requests_to_remind

ALREADY_SENDING = "En purring for {year} pågår allerede. Vent til den er ferdig."


def _reminder_create(ctx: AccessContext, year: int, today: datetime.date) -> RequestReminder:
    """The reminder's row, after the checks, in the caller's transaction."""
    planner_or_system_require(ctx.user)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": [f"Året må være fra {MIN_YEAR} til {MAX_YEAR}."]})
    # One reminder of a year at a time: the year's requests are locked while we look.
    if not list(SettlementRequest.objects.select_for_update().filter(year=year).values("pk")):
        raise ValidationError(f"Det er ingen anmodninger for {year} å purre på.")
    running = RequestReminder.objects.filter(
        year=year, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    )
    if running.exists():
        raise ValidationError(ALREADY_SENDING.format(year=year))
    now, recent = requests_to_remind(year, today)
    if not now:
        more = (
            f" {len(recent)} {'kommune' if len(recent) == 1 else 'kommuner'} som ikke har svart, "
            "er purret nylig og purres ikke igjen ennå."
            if recent
            else ""
        )
        raise ValidationError(
            f"Ingen kommuner har latt svarfristen gå ut uten å svare: ingen å purre på.{more}"
        )
    return RequestReminder.objects.create(year=year, requested_by=ctx.acting_user)


def request_reminders_start(*, ctx: AccessContext, year: int) -> RequestReminder:
    """Queue the reminders of the year for the worker (a planner, or the system).

    Refused for a year without requests, while another reminder of the year is queued or
    running, and when no municipality is past its answer date without answering (or all such
    were reminded too recently).
    """
    with transaction.atomic():
        reminder = _reminder_create(ctx, year, timezone.localdate())
        job_enqueue(tasks.request_reminders_send, reminder)
    return reminder


def request_reminders_run_now(
    *, ctx: AccessContext, year: int
) -> tuple[RequestReminder, dict[str, Any]]:
    """The same reminders, sent now in this process (a scheduler's command); returns the row and
    its counts. Refused as ``request_reminders_start`` is."""
    with transaction.atomic():
        reminder = _reminder_create(ctx, year, timezone.localdate())
    result = request_reminder_run(reminder.pk)
    reminder.refresh_from_db()
    return reminder, result


def reminder_last(year: int) -> RequestReminder | None:
    """The year's last reminder: its state and counts."""
    return RequestReminder.objects.filter(year=year).order_by("-created_at", "-pk").first()


def reminder_get(user: Any, reminder_id: int) -> RequestReminder:
    """One reminder, for a planner (404 for anyone else)."""
    planner_require_or_404(user)
    found = RequestReminder.objects.filter(pk=reminder_id).first()
    if found is None:
        raise NotFound()
    return found
