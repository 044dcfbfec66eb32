"""The worker's body for one ``ReportBuild``: claim it, lay out the report with progress per
figure, and keep the PDF on the row.

``report_queue.py`` creates the row and queues ``tasks.report_build``, which calls
``report_build_run``; the report itself is ``report.survey_report_pdf``.
"""

from __future__ import annotations

from typing import Any

from integrering.jobs import job_done, job_fail, job_progress, job_start

from ..models import ReportBuild
from ..report import survey_report_pdf

SYSTEM_ERROR = (
    "Rapporten kunne ikke lages på grunn av en feil i systemet. Prøv igjen, eller kontakt "
    "brukerstøtte."
)


def report_build_run(build_id: int) -> dict[str, Any]:
    """Build one queued report to its end; returns its state. Runs once: a build that is no
    longer queued (a task run twice, or failed as stale) is left alone."""
    build = ReportBuild.objects.select_related("survey").filter(pk=build_id).first()
    if build is None:
        return {"id": build_id, "status": "missing"}
    if not job_start(build, steps_done=0, step="Starter"):
        return {"id": build_id, "status": build.status}

    def progress(done: int, total: int, step: str) -> None:
        job_progress(build, done, total, step=step[:200])

    try:
        pdf, pages = survey_report_pdf(
            build.survey, compare_years=list(build.compare_years), progress=progress
        )
    except BaseException:  # an error, or SystemExit: the worker was stopped mid-task
        job_fail(build, SYSTEM_ERROR)
        raise
    job_done(build, pdf=pdf, pages=pages, steps_done=build.steps_total, step="Ferdig")
    return {"id": build_id, "status": build.status, "pages": pages, "bytes": len(pdf)}
