"""Background tasks of casework, run by ``integrering db_worker`` (django-tasks, database backend).

An upload is checked at once for what can be seen without reading the rows (type, size, header);
the rows are read, checked and registered by ``household_import_run`` in the worker, never in a
thread of the web request. The import row records status and progress, which the import page
polls.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from integrering.audit.services import AccessContext
from integrering.people.models import HouseholdImport

from .services.household_import import household_import_execute


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
