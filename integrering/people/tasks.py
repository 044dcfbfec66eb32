"""Background tasks of the people app, run by ``integrering db_worker`` (django-tasks, database backend).

An upload is checked at once for what can be seen without reading the rows (type, size, header);
the rows are read, checked and registered by ``household_import_run`` in the worker, never in a
thread of the web request. The import row records status and progress, which the import page
polls.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from integrering.accounts.models import User
from integrering.audit.services import AccessContext
from integrering.organisations.models import Municipality

from .imports import Progress, RowError, household_import
from .models import HouseholdImport, ImportStatus

SYSTEM_ERROR = (
    "Importen stoppet på grunn av en feil i systemet. Ingenting er lagret. Prøv igjen senere, "
    "eller kontakt brukerstøtte."
)


def household_import_queue(
    *, user: User, municipality: Municipality, filename: str, content: bytes
) -> HouseholdImport:
    """Store an upload and queue its import for the worker (the caller has checked the file)."""
    with transaction.atomic():
        upload = HouseholdImport.objects.create(
            municipality=municipality,
            uploaded_by=user,
            filename=filename[:200],
            content=content,
        )
        result = household_import_run.enqueue(upload.pk)
        upload.task_id = str(result.id)
        upload.save(update_fields=["task_id"])
    return upload


class _ProgressRecorder:
    """Writes the check phase's progress to the import row, at most once per percent.

    The save phase runs in one transaction, whose writes no other connection sees before the
    commit; its progress goes only to ``echo`` (the command's progress bar), and the import
    page says that the rows are being saved.
    """

    def __init__(self, import_id: int, echo: Progress | None) -> None:
        self.import_id = import_id
        self.echo = echo
        self.total: int | None = None
        self.percent = -1

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.echo is not None:
            self.echo(phase, done, total)
        if phase != "check":
            return
        values: dict[str, Any] = {}
        if total != self.total:
            self.total = values["total_rows"] = total
        percent = 100 * done // total if total else 100
        if percent != self.percent:
            self.percent = percent
            values["processed_rows"] = done
        if values:
            HouseholdImport.objects.filter(pk=self.import_id).update(**values)


def household_import_execute(
    *, upload: HouseholdImport, ctx: AccessContext, progress: Progress | None = None
) -> HouseholdImport:
    """Run a queued import to its end, recording status, progress, errors and counts.

    Runs once: an import that is no longer queued (a task run twice) is left alone. The file's
    content is emptied when the import ends, so that the persons' data are kept only in the
    register.
    """
    claimed = HouseholdImport.objects.filter(pk=upload.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, processed_rows=0
    )
    if not claimed:
        upload.refresh_from_db()
        return upload
    recorder = _ProgressRecorder(upload.pk, progress)
    finished = HouseholdImport.objects.filter(pk=upload.pk)
    try:
        outcome = household_import(
            ctx=ctx,
            municipality=upload.municipality,
            filename=upload.filename,
            content=bytes(upload.content),
            progress=recorder,
        )
    except BaseException:  # an error, or SystemExit: the worker was stopped mid-task
        finished.update(
            status=ImportStatus.FAILED,
            errors=[RowError(None, "", SYSTEM_ERROR).as_json()],
            finished_at=timezone.now(),
            content=b"",
        )
        raise
    finished.update(
        status=ImportStatus.FAILED if outcome.errors else ImportStatus.SUCCEEDED,
        total_rows=outcome.total_rows,
        processed_rows=outcome.total_rows,
        errors=[e.as_json() for e in outcome.errors],
        households_created=outcome.households_created,
        persons_created=outcome.persons_created,
        finished_at=timezone.now(),
        content=b"",
    )
    upload.refresh_from_db()
    return upload


@task()
def household_import_run(import_id: int) -> dict[str, Any]:
    """The background task: import one uploaded household list, all or nothing."""
    upload = (
        HouseholdImport.objects.select_related("municipality", "uploaded_by")
        .filter(pk=import_id)
        .first()
    )
    if upload is None:
        return {"id": import_id, "status": "missing"}
    ctx = AccessContext(user=upload.uploaded_by, route="task:household-import", method="TASK")
    upload = household_import_execute(upload=upload, ctx=ctx)
    return {
        "id": upload.pk,
        "status": upload.status,
        "households_created": upload.households_created,
        "persons_created": upload.persons_created,
        "errors": len(upload.errors),
    }
