"""Background tasks of the monitoring surveys, run by ``integrering db_worker`` (django-tasks,
database backend): e-mail to many recipients is never sent inside a web request."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from .services.capacity import capacity_reminders_send as reminders_send
from .services.invitations import invitations_send


@task()
def capacity_reminders_send(round_id: int) -> dict[str, Any]:
    """Remind every municipality of a capacity round that has not answered (``services/capacity.py``)."""
    return reminders_send(round_id=round_id)


@task()
def survey_invitations_send(survey_id: int, reminder: bool = False) -> dict[str, Any]:
    """Send each invitation of a municipal survey its link, or remind those that have not
    answered (``services/invitations.py``)."""
    return invitations_send(survey_id=survey_id, reminder=reminder)
