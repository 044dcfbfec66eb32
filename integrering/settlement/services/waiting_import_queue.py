"""Store an uploaded list of waiting households and queue its import for the worker."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from integrering.accounts.access import planner_require
from integrering.jobs import job_enqueue

from .. import tasks
from ..models import WaitingHouseholdImport


def waiting_import_queue(*, user: Any, filename: str, content: bytes) -> WaitingHouseholdImport:
    """Store an upload and queue its import (the caller has checked the file's type, size and
    header: ``people.imports.upload_errors``, ``waiting_import.header_errors``)."""
    planner_require(user)
    with transaction.atomic():
        upload = WaitingHouseholdImport.objects.create(
            uploaded_by=user, filename=filename[:200], content=content
        )
        job_enqueue(tasks.waiting_import_run, upload)
    return upload
