"""Background tasks of the monitoring surveys, run by ``integrering db_worker`` (django-tasks,
database backend): e-mail to many recipients and the report as PDF are never done inside a web
request."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from .services.mailing import mailing_run
from .services.report_build import report_build_run


@task()
def mailing_send(mailing_id: int) -> dict[str, Any]:
    """Send one mailing: a capacity round's reminders, or a municipal survey's links or
    reminders (``services/mailing.py``)."""
    return mailing_run(mailing_id)


@task()
def report_build(build_id: int) -> dict[str, Any]:
    """Lay out one municipal survey's report as PDF (``services/report_build.py``)."""
    return report_build_run(build_id)
