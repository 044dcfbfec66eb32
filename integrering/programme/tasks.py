"""Background tasks of the programme, run by ``integrering db_worker`` (django-tasks, database
backend): the monthly benefit run is computed here, never in a web request."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from .services.benefit_compute import benefit_run_compute as compute


@task()
def benefit_run_compute(run_id: int) -> dict[str, Any]:
    """Compute one queued benefit run into a preview (``services/benefit_run.py``)."""
    run = compute(run_id=run_id)
    if run is None:
        return {"id": run_id, "status": "missing"}
    return {
        "id": run.pk,
        "status": run.status,
        "participants": run.participants,
        "total": str(run.total),
        "error": run.error,
    }
