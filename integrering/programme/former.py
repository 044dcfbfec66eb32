"""The introduction programme as the old municipality wrote it, before a move (seed 002 §2.1).

After a move within five years the old municipality keeps reading what it wrote in the case,
and changes nothing (``casework.selectors.former_case_get``). This is the programme's part of
that read: the decisions, the participations with their periods and events, the absence and the
benefit lines the old municipality wrote while it had the case. Anything written after the
handover (by the new municipality) is left out; an absence entry corrected after it is shown as
it stood at the handover. Shown on the transfer page through ``casework.former_sections``
(registered in ``ProgrammeConfig.ready``), so that casework does not import the programme.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from integrering.accounts.access import case_transfer_side
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_denied, audit_record_many
from integrering.casework.former_sections import FormerSection
from integrering.casework.models import CaseTransfer
from integrering.casework.selectors import written_while_had_case
from integrering.errors import NotFound

from .models import (
    Absence,
    BenefitLine,
    BenefitRunStatus,
    Decision,
    Participation,
    ProgrammeEvent,
    ProgrammePeriod,
)

TEMPLATE = "programme/_former_programme.html"


@dataclass(frozen=True)
class FormerAbsence:
    """An absence entry as it stood when the case was handed over."""

    participation_id: int
    on: datetime.date
    hours: Decimal
    approved: bool
    reason: str


@dataclass(frozen=True)
class FormerProgramme:
    """What the old municipality wrote in the programme of the moved persons, read-only."""

    transfer: CaseTransfer
    participations: list[Participation]
    periods: list[ProgrammePeriod]
    events: list[ProgrammeEvent]
    absences: list[FormerAbsence]
    decisions: list[Decision]
    changed_decision_ids: frozenset[int]
    benefit_lines: list[BenefitLine]

    @property
    def is_empty(self) -> bool:
        return not (self.participations or self.decisions or self.benefit_lines)


def _absences_at_handover(
    transfer: CaseTransfer, participation_ids: list[int]
) -> list[FormerAbsence]:
    handed_over = transfer.handed_over_at
    assert handed_over is not None  # only handed-over transfers are read here
    rows = []
    entries = (
        Absence.all_objects.filter(
            written_while_had_case(transfer, "created_at"),
            participation_id__in=participation_ids,
        )
        .prefetch_related("versions")
        .order_by("on", "pk")
    )
    for entry in entries:
        later = [v for v in entry.versions.all() if v.created_at >= handed_over]
        if later:
            first = min(later, key=lambda v: v.version)
            rows.append(
                FormerAbsence(
                    entry.participation_id,
                    first.old_on,
                    first.old_hours,
                    first.old_approved,
                    first.old_reason,
                )
            )
        elif entry.deleted_at is None:
            rows.append(
                FormerAbsence(
                    entry.participation_id, entry.on, entry.hours, entry.approved, entry.reason
                )
            )
    return sorted(rows, key=lambda a: (a.on, a.participation_id))


def programme_before_move(*, ctx: AccessContext, transfer_id: int) -> FormerProgramme:
    """The old municipality's read of the programme it ran for the persons of a handed-over
    move (seed 002 §2.1): 404 for anyone but the old municipality's refugee service and leader
    (``case_transfer_side``), and before the handover. Audited as a read of each person."""
    transfer = (
        CaseTransfer.objects.filter(pk=transfer_id, handed_over_at__isnull=False)
        .select_related("from_municipality", "to_municipality")
        .first()
    )
    side = (
        case_transfer_side(
            ctx.user,
            from_municipality_id=transfer.from_municipality_id,
            to_municipality_id=transfer.to_municipality_id,
        )
        if transfer is not None
        else ""
    )
    if transfer is None or side != "from":
        audit_denied(
            ctx=ctx,
            person_ids=transfer.persons.values_list("pk", flat=True) if transfer else [],
            detail=f"introduksjonsprogram før flyttingen, overføring {transfer_id}",
        )
        raise NotFound("Finner ikke saken, eller du har ikke tilgang til den.")
    handed_over = transfer.handed_over_at
    assert handed_over is not None  # filtered on it
    person_ids = list(transfer.persons.values_list("pk", flat=True))
    mine = {"municipality_id": transfer.from_municipality_id, "person_id__in": person_ids}
    # A programme running on the moving date went on in the new municipality (``handover.py``):
    # the old municipality sees the ones it started while it had the case, wherever they are now.
    participations = list(
        Participation.objects.filter(
            written_while_had_case(transfer, "created_at"), person_id__in=person_ids
        )
        .select_related("person")
        .order_by("person__birth_date", "starts_on", "pk")
    )
    ids = [p.pk for p in participations]
    decisions = list(
        Decision.objects.filter(written_while_had_case(transfer, "created_at"), **mine)
        .select_related("person")
        .order_by("person__birth_date", "created_at", "pk")
    )
    result = FormerProgramme(
        transfer=transfer,
        participations=participations,
        periods=list(
            ProgrammePeriod.objects.filter(
                written_while_had_case(transfer, "created_at"), participation_id__in=ids
            ).order_by("participation_id", "from_on", "pk")
        ),
        events=list(
            ProgrammeEvent.objects.filter(
                written_while_had_case(transfer, "created_at"), participation_id__in=ids
            ).order_by("participation_id", "created_at", "pk")
        ),
        absences=_absences_at_handover(transfer, ids),
        decisions=decisions,
        changed_decision_ids=frozenset(d.pk for d in decisions if d.updated_at >= handed_over),
        benefit_lines=list(
            # The old municipality's own payments: its approved runs, whenever they ran.
            BenefitLine.objects.filter(
                run__municipality_id=transfer.from_municipality_id,
                run__status=BenefitRunStatus.APPROVED,
                person_id__in=person_ids,
            )
            .select_related("person")
            .order_by("person__birth_date", "period", "pk")
        ),
    )
    audit_record_many(
        ctx=ctx,
        person_ids=person_ids,
        action=AuditAction.READ,
        detail=f"overføring {transfer.pk}: introduksjonsprogram før flyttingen, lesetilgang",
    )
    return result


def former_programme_section(*, ctx: AccessContext, transfer: CaseTransfer) -> FormerSection:
    """The programme's section of the transfer page for the old municipality."""
    return FormerSection(
        TEMPLATE, {"programme": programme_before_move(ctx=ctx, transfer_id=transfer.pk)}
    )
