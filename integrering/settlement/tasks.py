"""Background tasks of settlement planning, run by ``integrering db_worker`` (django-tasks,
database backend): the matcher runs here, never in a web request."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from .services.matching import match_run_compute as compute


@task()
def match_run_compute(run_id: int) -> dict[str, Any]:
    """Compute one queued matcher run into a proposal (``services/matching.py``)."""
    run = compute(run_id=run_id)
    if run is None:
        return {"id": run_id, "status": "missing"}
    return {"id": run.pk, "status": run.status, "placed": run.placed, "gap": run.gap_percent}
