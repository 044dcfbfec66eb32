"""Background tasks of settlement planning, run by ``integrering db_worker`` (django-tasks,
database backend): the matcher runs here, and so do the confirmation of its proposal, the
import of a list of waiting households and the reminders on unanswered requests, never in a web
request."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from integrering.audit.services import AccessContext

from .models import WaitingHouseholdImport
from .services.matching_confirm import match_run_confirm_execute
from .services.request_reminder_send import request_reminder_run
from .services.waiting_import import waiting_import_execute


@task()
def match_run_compute(run_id: int) -> dict[str, Any]:
    """Compute one queued matcher run into a proposal (``services/matching_compute.py``)."""
    # numpy, pandas and HiGHS load here, in the worker, not in every web process that queues.
    from .services.matching_compute import match_run_compute as compute

    run = compute(run_id=run_id)
    if run is None:
        return {"id": run_id, "status": "missing"}
    return {"id": run.pk, "status": run.status, "placed": run.placed, "gap": run.gap_percent}


@task()
def match_run_confirm(run_id: int) -> dict[str, Any]:
    """Confirm one proposal, all or nothing: register every placed household in its
    municipality's casework (``match_run_confirm_execute`` in ``services/matching.py``)."""
    run = match_run_confirm_execute(run_id=run_id)
    if run is None:
        return {"id": run_id, "status": "missing"}
    return {
        "id": run.pk,
        "status": run.status,
        "confirm_state": run.confirm_state,
        "transferred": run.confirm_done if run.status == "confirmed" else 0,
        "problems": len(run.confirm_problems),
    }


@task()
def waiting_import_run(import_id: int) -> dict[str, Any]:
    """Import one uploaded list of waiting households, all or nothing
    (``services/waiting_import.py``)."""
    upload = (
        WaitingHouseholdImport.objects.select_related("uploaded_by").filter(pk=import_id).first()
    )
    if upload is None:
        return {"id": import_id, "status": "missing"}
    ctx = AccessContext(
        user=upload.uploaded_by, route="task:waiting-household-import", method="TASK"
    )
    upload = waiting_import_execute(upload=upload, ctx=ctx)
    return {
        "id": upload.pk,
        "status": upload.status,
        "households_created": upload.households_created,
        "persons_created": upload.persons_created,
        "errors": len(upload.errors),
    }


@task()
def request_reminders_send(reminder_id: int) -> dict[str, Any]:
    """E-mail the leaders of the municipalities that have not answered the year's request by its
    answer date (``services/request_reminder_send.py``)."""
    return request_reminder_run(reminder_id)
