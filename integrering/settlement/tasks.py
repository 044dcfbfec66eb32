"""Background tasks of settlement planning, run by ``integrering db_worker`` (django-tasks,
database backend): the matcher runs here, and so does the confirmation of its proposal, never in
a web request."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from .services.matching_confirm import match_run_confirm_execute


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
