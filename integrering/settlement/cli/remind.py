"""``integrering settlement remind-requests``: remind the municipalities that have not answered the
year's request by its answer date, now, in this process (for a scheduler, e.g. every morning)::

    integrering settlement remind-requests [--year 2026]

The same reminders as the planner's «Send purring» (``services/request_reminder_send.py``): one
e-mail per municipality to its leaders, recorded on the request and as a ``RequestReminder`` row
the requests page shows. A municipality reminded within ``settlement/request_reminder_interval_days``
is left alone, so a daily run writes to each at most once a week. ``--year`` defaults to this
year. When there is nobody to remind, it says so and exits 0 (nothing to do is no error); a bad
year or a reminder already running exits 2.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from integrering.audit.services import AccessContext
from integrering.commands import problems_report

from ..services.request_reminders import request_reminders_run_now

HELP = "Purr på kommunene som ikke har svart på årets anmodning innen svarfristen."
PROG = "integrering settlement remind-requests"
NOBODY = "Ingen kommuner har latt svarfristen gå ut uten å svare"


def add_arguments(parser: Any) -> None:
    parser.add_argument("--year", metavar="ÅÅÅÅ", help="året anmodningene gjelder (standard: i år)")


def run(options: dict[str, Any], *, stdout: Any, stderr: Any) -> int:
    year_text = (options.get("year") or "").strip()
    if year_text and not year_text.isdigit():
        return problems_report(
            stderr,
            PROG,
            [f"--year må være et årstall, for eksempel 2026, ikke «{year_text}»."],
            nothing="sendt",
        )
    year = int(year_text) if year_text else timezone.localdate().year
    try:
        reminder, result = request_reminders_run_now(
            ctx=AccessContext.command("settlement remind-requests"), year=year
        )
    except ValidationError as exc:
        if any(message.startswith(NOBODY) for message in exc.messages):
            stdout.write(" ".join(exc.messages) + "\n")
            return 0
        return problems_report(stderr, PROG, exc.messages, nothing="sendt")
    if reminder.status == "failed":
        return problems_report(stderr, PROG, [reminder.error], nothing="mer sendt")
    line = (
        f"Purring for {year}: e-post til lederne i {result['municipalities']} "
        f"{'kommune' if result['municipalities'] == 1 else 'kommuner'} som ikke har svart innen "
        "fristen."
    )
    if result["without_address"]:
        line += f" {result['without_address']} har ingen leder med e-postadresse i Integrering."
    if result["recent"]:
        line += f" {result['recent']} er purret nylig og ble ikke purret igjen."
    stdout.write(line + "\n")
    return 0
