"""Store an uploaded household list and queue its import for the worker."""

from __future__ import annotations

from django.db import transaction

from integrering.accounts.models import User
from integrering.jobs import job_enqueue
from integrering.organisations.models import Municipality
from integrering.people.models import HouseholdImport

from .. import tasks


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
        job_enqueue(tasks.household_import_run, upload)
    return upload
