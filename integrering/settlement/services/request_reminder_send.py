"""The worker's body for one ``RequestReminder``: e-mail the leaders of every municipality that
has not answered the year's request by its answer date, and record it on each request.

``request_reminders.py`` creates the row and queues ``tasks.request_reminders_send``, which calls
``request_reminder_run``; the command ``integrering settlement remind-requests`` runs it at once.

Who is reminded: a municipality asked for persons (``requested`` > 0) with no decision, whose
answer date (``answer_due``) is before today, and that was not reminded in the last
``settlement/request_reminder_interval_days`` days (so a reminder run every day by a scheduler
writes to each municipality once a week). One message per municipality, to all its active
leaders with an e-mail address, in the municipality's written standard (a state body writes to a
municipality in the standard it has chosen, språklova); ``reminded_at`` and ``reminders`` are
recorded on the request as each message is sent, so a run that stops keeps what it sent.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from integrering.accounts.models import User
from integrering.accounts.roles import Role
from integrering.jobs import Progress, job_done, job_fail, job_progress, job_start
from integrering.rules.parameters import RulesError, value

from ..models import RequestReminder, SettlementRequest

INTERVAL = "settlement/request_reminder_interval_days"
SYSTEM_ERROR = (
    "Purringen stoppet på grunn av en feil i systemet. Purringer som alt var sendt, er "
    "registrert. Prøv igjen, eller kontakt brukerstøtte."
)


def reminder_interval(on: datetime.date) -> datetime.timedelta:
    """How long a municipality that was reminded is left alone (0 before the parameter)."""
    try:
        return datetime.timedelta(days=int(value(INTERVAL, on)))
    except RulesError:
        return datetime.timedelta(0)


def requests_overdue(year: int, today: datetime.date) -> list[SettlementRequest]:
    """The year's requests asked for persons, not answered, past their answer date."""
    return list(
        SettlementRequest.objects.filter(
            year=year, requested__gt=0, decision__isnull=True, answer_due__lt=today
        )
        .select_related("municipality")
        .order_by("municipality__number")
    )


def requests_to_remind(
    year: int, today: datetime.date
) -> tuple[list[SettlementRequest], list[SettlementRequest]]:
    """(to remind now, reminded too recently) among the overdue requests of the year."""
    since = today - reminder_interval(today)
    now: list[SettlementRequest] = []
    recent: list[SettlementRequest] = []
    for request in requests_overdue(year, today):
        last = timezone.localdate(request.reminded_at) if request.reminded_at else None
        (recent if last is not None and last > since else now).append(request)
    return now, recent


def leaders_of(municipality_ids: list[int]) -> dict[int, list[User]]:
    """The active municipal leaders with an e-mail address, by their municipality's id."""
    leaders: dict[int, list[User]] = {pk: [] for pk in municipality_ids}
    users = (
        User.objects.filter(
            Q(is_active=True)
            & Q(roles__role=Role.MUNICIPAL_LEADER)
            & Q(organisation__municipality__in=municipality_ids)
        )
        .exclude(email="")
        .select_related("organisation")
        .distinct()
        .order_by("username")
    )
    for user in users:
        organisation = user.organisation
        if organisation is not None and organisation.municipality_id in leaders:
            leaders[organisation.municipality_id].append(user)
    return leaders


def _persons(n: int, nynorsk: bool) -> str:
    if nynorsk:
        return f"{n} flyktning" if n == 1 else f"{n} flyktningar"
    return f"{n} flyktning" if n == 1 else f"{n} flyktninger"


def _minors(n: int, nynorsk: bool) -> str:
    if nynorsk:
        return f"{n} einsleg mindreårig" if n == 1 else f"{n} einslege mindreårige"
    return f"{n} enslig mindreårig" if n == 1 else f"{n} enslige mindreårige"


def reminder_message(request: SettlementRequest, to: list[str]) -> EmailMessage:
    """The reminder to one municipality, in bokmål or nynorsk as the municipality writes."""
    municipality = request.municipality
    nynorsk = municipality.letter_standard == "nn"
    link = settings.BASE_URL + reverse(
        "settlement:request-answer", kwargs={"answer_year": request.year}
    )
    due = f"{request.answer_due:%d.%m.%Y}" if request.answer_due else ""
    persons = _persons(request.requested, nynorsk)
    minors = request.unaccompanied_minors
    if nynorsk:
        of_which = f", av dei {_minors(minors, True)}" if minors else ""
        subject = (
            f"Påminning: svar på oppmodinga om busetjing i {request.year} – {municipality.name}"
        )
        body = (
            "Hei,\n\n"
            f"IMDi har bede {municipality.name} kommune om å busetje {persons} i "
            f"{request.year}{of_which}. Vi har ikkje fått vedtaket til kommunen.\n\n"
            f"Svarfristen var {due}. Logg inn og svar her:\n{link}\n\n"
            "Med venleg helsing\nIMDi\n"
        )
    else:
        of_which = f", hvorav {_minors(minors, False)}" if minors else ""
        subject = (
            f"Påminnelse: svar på anmodningen om bosetting i {request.year} – {municipality.name}"
        )
        body = (
            "Hei,\n\n"
            f"IMDi har anmodet {municipality.name} kommune om å bosette {persons} i "
            f"{request.year}{of_which}. Vi har ikke fått kommunens vedtak.\n\n"
            f"Svarfristen var {due}. Logg inn og svar her:\n{link}\n\n"
            "Med vennlig hilsen\nIMDi\n"
        )
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)


def request_reminders_send(
    *, year: int, progress: Progress | None = None, today: datetime.date | None = None
) -> dict[str, Any]:
    """Remind every municipality that has not answered the year's request by its answer date
    (see the module docstring); ``progress`` hears how many of how many are done. Returns the
    counts: ``overdue`` (past the date), ``recent`` (reminded too recently to remind again),
    ``municipalities`` (reminded now), ``sent`` (e-mails sent) and ``without_address`` (no
    leader with an e-mail address in Integrering)."""
    today = today or timezone.localdate()
    targets, recent = requests_to_remind(year, today)
    leaders = leaders_of([r.municipality_id for r in targets])
    sent = reminded = 0
    with get_connection() as connection:
        for done, request in enumerate(targets, start=1):
            users = leaders[request.municipality_id]
            if users:
                message = reminder_message(request, [user.email for user in users])
                if connection.send_messages([message]):
                    sent += 1
                    reminded += 1
                    SettlementRequest.objects.filter(pk=request.pk).update(
                        reminded_at=timezone.now(), reminders=F("reminders") + 1
                    )
            if progress is not None:
                progress(done, len(targets))
    return {
        "year": year,
        "overdue": len(targets) + len(recent),
        "recent": len(recent),
        "municipalities": reminded,
        "sent": sent,
        "without_address": sum(1 for r in targets if not leaders[r.municipality_id]),
    }


def request_reminder_run(reminder_id: int) -> dict[str, Any]:
    """Send one queued reminder to its end; returns its counts.

    Runs once: a reminder that is no longer queued (a task run twice, or failed as stale) is
    left alone.
    """
    reminder = RequestReminder.objects.filter(pk=reminder_id).first()
    if reminder is None:
        return {"id": reminder_id, "status": "missing"}
    if not job_start(reminder, sent=0, total=0):
        return dict(reminder.result)

    def progress(done: int, total: int) -> None:
        job_progress(reminder, done, total)

    try:
        result = request_reminders_send(year=reminder.year, progress=progress)
    except BaseException:  # an error, or SystemExit: the worker was stopped mid-task
        job_fail(reminder, SYSTEM_ERROR)
        raise
    job_done(reminder, result=result, sent=result["municipalities"])
    return result
