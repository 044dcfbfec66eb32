"""Receiving a household list: read and check it (``people.imports``), then register and settle
every household through arrival, all or nothing, as the worker's body of an import.

``household_import_queue.py`` stores an upload and queues it; ``casework.tasks`` runs this.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from integrering.accounts.models import User
from integrering.audit.services import AccessContext
from integrering.jobs import PhaseProgress, job_done, job_fail, job_start
from integrering.organisations.models import Municipality
from integrering.people.imports import (
    HouseholdPlan,
    ImportOutcome,
    ImportRejected,
    Progress,
    RowError,
    import_check,
    service_errors,
    table_read,
)
from integrering.people.models import HouseholdImport

from . import arrival

SYSTEM_ERROR = (
    "Importen stoppet på grunn av en feil i systemet. Ingenting er lagret. Prøv igjen senere, "
    "eller kontakt brukerstøtte."
)
REJECTED = "Filen har feil. Ingenting er lagret."


def households_create(
    *, ctx: AccessContext, plans: list[HouseholdPlan], progress: Progress | None = None
) -> tuple[list[int], int]:
    """Register (and settle) every planned household in one transaction: all or none. Returns
    the households' ids and the number of persons.

    A registry check that fails now (someone registered the same person after the check) rolls
    everything back and is reported on the household's rows.
    """
    # The importing caseworker becomes the households' contact, as when registering by hand.
    user = ctx.user
    caseworker = user if isinstance(user, User) and user.is_authenticated else None
    total = sum(len(p.rows) for p in plans)
    done = 0
    persons = 0
    household_ids: list[int] = []
    with transaction.atomic():
        for plan in plans:
            try:
                household = arrival.household_receive(
                    ctx=ctx,
                    municipality=plan.municipality,
                    reference=plan.reference,
                    members=plan.members,
                    settled_on=plan.settled_on,
                    caseworker=caseworker,
                )
            except ValidationError as exc:
                found = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                raise ImportRejected(
                    service_errors(found, first_row=plan.rows[0], member_rows=plan.rows)
                ) from exc
            except IntegrityError as exc:
                raise ImportRejected(
                    [
                        RowError(
                            plan.rows[0],
                            "husstand",
                            "Noen registrerte husstanden eller en av personene i den mens "
                            "importen pågikk. Ingenting er lagret; last opp filen på nytt.",
                        )
                    ]
                ) from exc
            household_ids.append(household.pk)
            persons += len(plan.members)
            done += len(plan.rows)
            if progress is not None:
                progress("save", done, total)
    return household_ids, persons


def household_import(
    *,
    ctx: AccessContext,
    municipality: Municipality,
    filename: str,
    content: bytes,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Read, check and register a household list, all or nothing (issue 5).

    ``ctx.user`` is the importing user: the rows may name only municipalities that user serves,
    and the created persons are audited as created by that user.
    """
    try:
        table = table_read(filename=filename, content=content)
    except ImportRejected as exc:
        return ImportOutcome(total_rows=0, errors=exc.errors)
    total = len(table.rows)
    if progress is not None:
        progress("check", 0, total)
    plans, errors = import_check(
        user=ctx.user, municipality=municipality, table=table, progress=progress
    )
    if errors:
        return ImportOutcome(total_rows=total, errors=errors)
    try:
        household_ids, persons = households_create(ctx=ctx, plans=plans, progress=progress)
    except ImportRejected as exc:
        return ImportOutcome(total_rows=total, errors=exc.errors)
    return ImportOutcome(
        total_rows=total,
        households_created=len(household_ids),
        persons_created=persons,
        household_ids=household_ids,
    )


def household_import_execute(
    *, upload: HouseholdImport, ctx: AccessContext, progress: Progress | None = None
) -> HouseholdImport:
    """Run a queued import to its end, recording status, progress, errors and counts.

    Runs once: an import that is no longer queued (a task run twice) is left alone. The file's
    content is emptied when the import ends, so that the persons' data are kept only in the
    register.
    """
    if not job_start(upload, processed_rows=0):
        upload.refresh_from_db()
        return upload
    recorder = PhaseProgress(upload, progress)
    try:
        outcome = household_import(
            ctx=ctx,
            municipality=upload.municipality,
            filename=upload.filename,
            content=bytes(upload.content),
            progress=recorder,
        )
    except BaseException:  # an error, or SystemExit: the worker was stopped mid-task
        job_fail(upload, SYSTEM_ERROR)
        raise
    counted: dict[str, Any] = {
        "total_rows": outcome.total_rows,
        "processed_rows": outcome.total_rows,
    }
    if outcome.errors:
        job_fail(upload, REJECTED, errors=[e.as_json() for e in outcome.errors], **counted)
    else:
        upload.households.set(outcome.household_ids)
        job_done(
            upload,
            errors=[],
            households_created=outcome.households_created,
            persons_created=outcome.persons_created,
            content=b"",
            **counted,
        )
    upload.refresh_from_db()
    return upload
