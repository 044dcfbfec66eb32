"""Correcting and deleting an absence entry (issue 23 item 4).

Absence is recorded by ``lifecycle.programme_absence``. A caseworker may later correct its day,
hours or kind (approved or not), or delete it: always with a reason, with the version they saw
(``concurrency.version_bump``), audited, and kept as an ``AbsenceVersion`` with the values before
and after. A deletion is soft: the row stays, marked deleted, and falls out of every sum
(``Absence.objects``).

The benefit follows by itself: the run computes a month from the absence as it is now, and a
month already approved is compared with what was paid for it, so the next run pays the
difference as a correction line for that month, once (``benefit_compute.correction_line``; seed
002 §3.2). A month whose deduction an individual decision in force fixed (integreringsloven
§ 21) is paid by that decision until it is changed: ``absence_change_notices`` says so.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.concurrency import version_bump
from integrering.ui.numbers import number_nb

from ..models import (
    Absence,
    AbsenceChange,
    AbsenceVersion,
    BenefitRun,
    BenefitRunStatus,
    EventKind,
    ProgrammeEvent,
)
from .benefit_decisions import reductions_in_force
from .lifecycle import absence_day_check
from .participation_steps import participation_lock

WHAT = "fraværet"
REASON_MISSING = "Skriv hvorfor fraværet endres."
DELETE_REASON_MISSING = "Skriv hvorfor fraværet slettes."


def _hours(hours: Decimal) -> str:
    return number_nb(hours, 1).removesuffix(",0")


def absence_text(on: datetime.date, hours: Decimal, approved: bool) -> str:
    """«12.03.2026, 2 t, ikke godkjent»: an entry's values as the history shows them."""
    return f"{on:%d.%m.%Y}, {_hours(hours)} t, {'godkjent' if approved else 'ikke godkjent'}"


def _require_current(absence: Absence) -> None:
    if absence.deleted_at is not None:
        raise ValidationError(
            f"Fraværet ble slettet {timezone.localtime(absence.deleted_at):%d.%m.%Y}; "
            "det kan ikke endres."
        )


def _record(
    ctx: AccessContext, absence: Absence, *, action: str, summary: str, on: datetime.date
) -> None:
    """The participation's history and the audit log of a change (one audit row)."""
    participation = absence.participation
    ProgrammeEvent.objects.create(
        participation=participation,
        kind=EventKind.ABSENCE,
        on=on,
        summary=summary[:300],
        created_by=ctx.acting_user,
    )
    audit_record(
        ctx=ctx,
        person_id=participation.person_id,
        action=action,
        allowed=True,
        detail=f"introduksjonsprogram: {summary}"[:500],
    )


@transaction.atomic
def absence_correct(
    *,
    ctx: AccessContext,
    absence: Absence,
    on: datetime.date,
    hours: Decimal,
    approved: bool,
    reason: str = "",
    change_reason: str,
    version: int,
) -> Absence:
    """Correct an absence entry's day, hours, kind (approved or not) or cause, with a reason.

    The corrected entry must pass the same checks as a new one (``absence_day_check``: a day in
    the programme, not in a stop, at most a full day with the day's other entries). Refused
    without a reason, without any change, for a deleted entry, and when someone else changed it
    since ``version`` (409). The old and new values are kept as a version, the change is in the
    participation's history and audited. A month already paid is corrected by the next benefit
    run (module docstring).
    """
    change_reason = change_reason.strip()
    if not change_reason:
        raise ValidationError({"change_reason": [REASON_MISSING]})
    participation = participation_lock(absence.participation)
    absence.refresh_from_db()
    absence.participation = participation
    _require_current(absence)
    reason = reason.strip()[:300]
    before = (absence.on, absence.hours, absence.approved, absence.reason)
    if before == (on, hours, approved, reason):
        raise ValidationError("Du har ikke endret noe; fraværet er som før.")
    absence_day_check(participation, on=on, hours=hours, excluding=absence)
    new_version = version_bump(
        Absence.objects.filter(pk=absence.pk),
        expected=version,
        what=WHAT,
        on=on,
        hours=hours,
        approved=approved,
        reason=reason,
    )
    AbsenceVersion.objects.create(
        absence=absence,
        version=new_version,
        change=AbsenceChange.CORRECTED,
        change_reason=change_reason,
        old_on=before[0],
        old_hours=before[1],
        old_approved=before[2],
        old_reason=before[3],
        new_on=on,
        new_hours=hours,
        new_approved=approved,
        new_reason=reason,
        created_by=ctx.acting_user,
    )
    absence.refresh_from_db()
    absence.participation = participation
    _record(
        ctx,
        absence,
        action=AuditAction.UPDATE,
        on=min(before[0], on),
        summary=(
            f"Fravær endret fra {absence_text(*before[:3])} til {absence_text(on, hours, approved)}"
            f": {change_reason}"
        ),
    )
    return absence


@transaction.atomic
def absence_delete(
    *, ctx: AccessContext, absence: Absence, change_reason: str, version: int
) -> Absence:
    """Delete an absence entry, with a reason: a soft delete that keeps the row and a version
    with its last values, so the history still shows it; it no longer counts anywhere. Refused
    without a reason, for an entry already deleted, and when someone else changed it since
    ``version`` (409). A month already paid is corrected by the next benefit run."""
    change_reason = change_reason.strip()
    if not change_reason:
        raise ValidationError({"change_reason": [DELETE_REASON_MISSING]})
    participation = participation_lock(absence.participation)
    absence.refresh_from_db()
    absence.participation = participation
    _require_current(absence)
    new_version = version_bump(
        Absence.objects.filter(pk=absence.pk),
        expected=version,
        what=WHAT,
        deleted_at=timezone.now(),
        deleted_by=ctx.acting_user,
    )
    AbsenceVersion.objects.create(
        absence=absence,
        version=new_version,
        change=AbsenceChange.DELETED,
        change_reason=change_reason,
        old_on=absence.on,
        old_hours=absence.hours,
        old_approved=absence.approved,
        old_reason=absence.reason,
        created_by=ctx.acting_user,
    )
    absence = Absence.all_objects.get(pk=absence.pk)
    absence.participation = participation
    _record(
        ctx,
        absence,
        action=AuditAction.DELETE,
        on=absence.on,
        summary=(
            f"Fravær slettet ({absence_text(absence.on, absence.hours, absence.approved)})"
            f": {change_reason}"
        ),
    )
    return absence


def absence_versions(absence: Absence) -> list[AbsenceVersion]:
    """An entry's changes, oldest first, with who made them."""
    return list(
        AbsenceVersion.objects.filter(absence=absence)
        .select_related("created_by")
        .order_by("version")
    )


def absence_change_notices(absence: Absence, months: set[datetime.date]) -> list[str]:
    """What a change of absence in ``months`` means for the benefit, for the caseworker: a month
    already approved is corrected in the next run; a month whose deduction an individual
    decision in force fixed is paid by that decision until it is changed (integreringsloven
    § 21; ``benefit_decisions``)."""
    participation = absence.participation
    approved = set(
        BenefitRun.objects.filter(
            municipality_id=participation.municipality_id,
            status=BenefitRunStatus.APPROVED,
            month__in=months,
        ).values_list("month", flat=True)
    )
    decisions = reductions_in_force([participation.pk], months)
    notices = []
    for month in sorted(months):
        decision = decisions.get((participation.pk, month))
        if decision is not None:
            notices.append(
                f"Trekket i stønaden for {month:%m.%Y} er fastsatt i vedtak {decision.reference}. "
                "Stønadskjøringen følger vedtaket til det er endret: vurder å omgjøre vedtaket "
                "etter det endrede fraværet."
            )
        elif month in approved:
            notices.append(
                f"Stønaden for {month:%m.%Y} er allerede godkjent; endringen kommer som en "
                "korreksjonslinje for den måneden i neste stønadskjøring."
            )
    return notices
