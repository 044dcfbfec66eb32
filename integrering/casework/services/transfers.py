"""Moving within five years of settlement: the case goes to the new municipality (seed 002 §2.1).

Two ways in. The old municipality's refugee service proposes the move with the persons' consent
(``case_transfer_propose``) and the new municipality's accepts it (``case_transfer_accept``); or
the new municipality registers the move itself, with the consent the persons gave it
(``case_transfer_register``). Until it is taken, the old municipality may withdraw its proposal
(``case_transfer_withdraw``) and the new one may decline it with a reason
(``case_transfer_decline``); the case then stays where it is. On acceptance the household is registered in the new municipality
(``people.services.household_move``), its open deadlines go with it, and from then on the new
municipality sees and edits the case; the old one keeps reading what it wrote before the
handover (``selectors.former_case_get``), and changes nothing. The grants follow the persons from
the moving date (``programme/services/grant_claims``).

Each step is written to the audit log once per person and side, naming both municipalities and
the transfer, so that each municipality finds it in its log; each step leaves a notice for the
other side's refugee service (the new one: accept it; the old one: the confirmation).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.accounts.access import (
    case_transfer_accept_require,
    case_transfer_decline_require,
    case_transfer_propose_require,
    case_transfer_withdraw_require,
)
from integrering.accounts.roles import Service
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.concurrency import version_bump
from integrering.organisations.models import Municipality
from integrering.people.models import Household, Person
from integrering.people.services import household_move
from integrering.rules.moves import move_window_end, move_within_window
from integrering.rules.parameters import RulesError
from integrering.validators import date_problem

from ..handover_hooks import handover_hooks_run
from ..models import (
    CaseTransfer,
    Deadline,
    Notice,
    NoticeOccasion,
    TransferConsentMethod,
    TransferStatus,
)

NOT_FOUND_HOUSEHOLD = (
    "Finner ingen husstand med dette husstandsnummeret og fødselsnummeret i en annen kommune."
)


@dataclass(frozen=True)
class TransferInput:
    """What a move needs: where to, when, and the persons' consent to moving the case."""

    moved_on: datetime.date
    consent_on: datetime.date
    consent_method: str
    consent_note: str = ""


def audit_detail(transfer: CaseTransfer, what: str) -> str:
    """The audit text of a step: the transfer and both municipalities, so that each finds it."""
    return (
        f"overføring {transfer.pk}: {what}, {transfer.from_municipality.name} "
        f"({transfer.from_municipality.number}) til {transfer.to_municipality.name} "
        f"({transfer.to_municipality.number})"
    )


def _audit_both_sides(ctx: AccessContext, transfer: CaseTransfer, what: str, action: str) -> None:
    person_ids = list(transfer.persons.values_list("pk", flat=True))
    for side in (transfer.from_municipality, transfer.to_municipality):
        audit_record_many(
            ctx=ctx,
            person_ids=person_ids,
            action=action,
            detail=f"{audit_detail(transfer, what)}; kommune {side.number}",
        )


def transfer_input_errors(
    *, household: Household, to_municipality: Municipality, data: TransferInput
) -> dict[str, list[str]]:
    """The domain checks of a move, every problem at once, by field (seed 002 §2.1)."""
    errors: dict[str, list[str]] = {}
    if household.municipality_id == to_municipality.pk:
        errors.setdefault("to_municipality", []).append(
            "Husstanden bor allerede i denne kommunen. Velg kommunen den flytter til."
        )
    for field, when in (("moved_on", data.moved_on), ("consent_on", data.consent_on)):
        problem = date_problem(when)
        if problem:
            errors.setdefault(field, []).append(problem)
    if errors.get("moved_on"):
        return errors
    settled = household.settled_on
    if settled is None:
        errors.setdefault("moved_on", []).append(
            "Husstanden er ikke bosatt ennå; registrer bosettingen før en flytting."
        )
    else:
        try:
            within = move_within_window(settled_on=settled, moved_on=data.moved_on)
            last = move_window_end(settled)
        except RulesError as exc:
            errors.setdefault("moved_on", []).append(str(exc))
        else:
            if data.moved_on < settled:
                errors.setdefault("moved_on", []).append(
                    f"Flyttedatoen kan ikke være før bosettingen ({settled:%d.%m.%Y})."
                )
            elif not within:
                errors.setdefault("moved_on", []).append(
                    "Saken overføres bare ved flytting i de fem første årene etter bosettingen "
                    f"(til og med {last:%d.%m.%Y}). Etter det flytter personen som andre "
                    "innbyggere."
                )
    if not errors.get("consent_on") and data.consent_on > timezone.localdate():
        errors.setdefault("consent_on", []).append("Samtykket kan ikke være gitt i fremtiden.")
    if data.consent_method not in TransferConsentMethod.values:
        errors.setdefault("consent_method", []).append("Velg hvordan samtykket ble gitt.")
    if len(data.consent_note) > 300:
        errors.setdefault("consent_note", []).append("Merknaden kan være høyst 300 tegn.")
    return errors


def _members(household: Household) -> list[Person]:
    return list(Person.objects.filter(household=household).order_by("birth_date", "pk"))


def _notice(
    *,
    ctx: AccessContext,
    transfer: CaseTransfer,
    municipality: Municipality,
    subject: str,
    lines: list[str],
) -> Notice:
    notice = Notice.objects.create(
        household=transfer.household,
        municipality=municipality,
        service=Service.REFUGEE_SERVICE,
        occasion=NoticeOccasion.MOVED,
        subject=subject,
        body="\n".join(lines),
        created_by=ctx.acting_user,
    )
    notice.persons.set(transfer.persons.all())
    return notice


def _person_lines(members: list[Person]) -> list[str]:
    return [f"{p.full_name}, født {p.birth_date:%d.%m.%Y}" for p in members]


def _create(
    *,
    ctx: AccessContext,
    household: Household,
    to_municipality: Municipality,
    data: TransferInput,
    status: str,
) -> CaseTransfer:
    errors = transfer_input_errors(household=household, to_municipality=to_municipality, data=data)
    if CaseTransfer.objects.filter(household=household, status=TransferStatus.PROPOSED).exists():
        errors.setdefault("__all__", []).append(
            "Husstanden har allerede en foreslått flytting som venter på tilflyttingskommunen."
        )
    if errors:
        raise ValidationError(errors)
    transfer = CaseTransfer.objects.create(
        household=household,
        from_municipality_id=household.municipality_id,
        to_municipality=to_municipality,
        moved_on=data.moved_on,
        consent_on=data.consent_on,
        consent_method=data.consent_method,
        consent_note=data.consent_note.strip(),
        status=status,
        requested_by=ctx.acting_user,
        # A move the new municipality registers is handed over at once.
        handed_over_at=None if status == TransferStatus.PROPOSED else timezone.now(),
        accepted_by=None if status == TransferStatus.PROPOSED else ctx.acting_user,
    )
    transfer.persons.set(_members(household))
    return transfer


@transaction.atomic
def case_transfer_propose(
    *, ctx: AccessContext, household: Household, to_municipality: Municipality, data: TransferInput
) -> CaseTransfer:
    """The old municipality proposes that the case goes with the household to the new one.

    Only within five years of settlement (``settlement/move_window_years``), with the persons'
    consent (when and how it was given), by the refugee service of the municipality that has the
    case. The new municipality's refugee service gets a notice to accept it. Seed 002 §2.1.
    """
    case_transfer_propose_require(ctx.user, from_municipality_id=household.municipality_id)
    transfer = _create(
        ctx=ctx,
        household=household,
        to_municipality=to_municipality,
        data=data,
        status=TransferStatus.PROPOSED,
    )
    _notice(
        ctx=ctx,
        transfer=transfer,
        municipality=to_municipality,
        subject=(
            f"Flytting fra {transfer.from_municipality.name}: husstand {household.reference} "
            "venter på at dere tar imot saken"
        ),
        lines=[
            f"Flyttedato {data.moved_on:%d.%m.%Y}",
            *_person_lines(list(transfer.persons.order_by("birth_date", "pk"))),
            f"Se og godta overføringen under «Flytting» (sak {transfer.pk}).",
        ],
    )
    _audit_both_sides(ctx, transfer, "flytting foreslått", AuditAction.CREATE)
    return transfer


def _hand_over(ctx: AccessContext, transfer: CaseTransfer) -> None:
    """The new municipality takes the case: the register, the open deadlines, the notice to the
    old municipality, and the audit on both sides."""
    household_move(
        ctx=ctx,
        household=transfer.household,
        municipality=transfer.to_municipality,
        detail=audit_detail(transfer, "husstanden registrert i ny kommune"),
    )
    # The open deadlines are the new municipality's from now on; the met ones stay with the
    # old municipality, which met them (what it wrote).
    Deadline.objects.filter(person__in=transfer.persons.all(), met_on__isnull=True).update(
        municipality=transfer.to_municipality
    )
    # The apps above casework move their part (the introduction programme goes on there).
    handover_hooks_run(ctx=ctx, transfer=transfer)
    _notice(
        ctx=ctx,
        transfer=transfer,
        municipality=transfer.from_municipality,
        subject=(
            f"Saken til husstand {transfer.household.reference} er overført til "
            f"{transfer.to_municipality.name}"
        ),
        lines=[
            f"Flyttedato {transfer.moved_on:%d.%m.%Y}",
            f"Overført {timezone.localtime(transfer.handed_over_at):%d.%m.%Y}",
            "Dere kan fortsatt lese det dere skrev i saken, men ikke endre den.",
        ],
    )


@transaction.atomic
def case_transfer_accept(
    *, ctx: AccessContext, transfer: CaseTransfer, version: int
) -> CaseTransfer:
    """The new municipality accepts a proposed move: from now on the case is theirs.

    The household and its members are registered in the new municipality, the open deadlines
    go with them, and the old municipality gets a confirmation. Refused when someone else changed
    the transfer in between (``version``). Seed 002 §2.1.
    """
    case_transfer_accept_require(ctx.user, to_municipality_id=transfer.to_municipality_id)
    if transfer.status != TransferStatus.PROPOSED:
        raise ValidationError(_not_open(transfer))
    if transfer.household.municipality_id != transfer.from_municipality_id:
        raise ValidationError("Husstanden er ikke lenger registrert i fraflyttingskommunen.")
    now = timezone.now()
    version_bump(
        CaseTransfer.objects.filter(pk=transfer.pk, status=TransferStatus.PROPOSED),
        expected=version,
        what="flyttingen",
        status=TransferStatus.ACCEPTED,
        handed_over_at=now,
        accepted_by=ctx.acting_user,
    )
    transfer.refresh_from_db()
    _hand_over(ctx, transfer)
    _audit_both_sides(ctx, transfer, "flytting godtatt, saken overført", AuditAction.UPDATE)
    return transfer


def household_for_transfer(*, reference: str, identity_number: str) -> Household | None:
    """The household a new municipality names by its reference and a member's identity number,
    both as the persons gave them; None unless both match (one alone finds nothing, so that no
    municipality can look up another's households)."""
    reference, identity_number = reference.strip(), identity_number.strip()
    if not reference or not identity_number:
        return None
    return Household.objects.filter(
        reference__iexact=reference, members__identity_number=identity_number
    ).first()


@transaction.atomic
def case_transfer_register(
    *,
    ctx: AccessContext,
    to_municipality: Municipality,
    reference: str,
    identity_number: str,
    data: TransferInput,
) -> CaseTransfer:
    """The new municipality registers a move with the consent the persons gave it.

    The household is named by its reference and a member's identity number (both must match);
    the case is handed over at once and the old municipality gets a confirmation. Seed 002 §2.1.
    """
    case_transfer_accept_require(ctx.user, to_municipality_id=to_municipality.pk)
    household = household_for_transfer(reference=reference, identity_number=identity_number)
    if household is None or household.municipality_id == to_municipality.pk:
        raise ValidationError({"reference": [NOT_FOUND_HOUSEHOLD]})
    transfer = _create(
        ctx=ctx,
        household=household,
        to_municipality=to_municipality,
        data=data,
        status=TransferStatus.REGISTERED,
    )
    _hand_over(ctx, transfer)
    _audit_both_sides(
        ctx, transfer, "flytting registrert av tilflyttingskommunen", AuditAction.CREATE
    )
    return transfer


def _not_open(transfer: CaseTransfer) -> str:
    if transfer.status in (TransferStatus.WITHDRAWN, TransferStatus.DECLINED):
        return f"Flyttingen er allerede lukket ({transfer.get_status_display().lower()})."
    return "Flyttingen er allerede tatt imot."


def _close(
    *, ctx: AccessContext, transfer: CaseTransfer, version: int, status: str, reason: str
) -> CaseTransfer:
    if transfer.status != TransferStatus.PROPOSED:
        raise ValidationError(_not_open(transfer))
    version_bump(
        CaseTransfer.objects.filter(pk=transfer.pk, status=TransferStatus.PROPOSED),
        expected=version,
        what="flyttingen",
        status=status,
        closed_at=timezone.now(),
        closed_by=ctx.acting_user,
        close_reason=reason,
    )
    transfer.refresh_from_db()
    return transfer


@transaction.atomic
def case_transfer_withdraw(
    *, ctx: AccessContext, transfer: CaseTransfer, version: int, reason: str = ""
) -> CaseTransfer:
    """The old municipality withdraws a move it proposed, before the new one has taken it.

    Only the refugee service of the old municipality, only while the proposal is open; the case
    stays where it is. The new municipality gets a notice, and both sides' audit logs the step.
    Seed 002 §2.1.
    """
    case_transfer_withdraw_require(ctx.user, from_municipality_id=transfer.from_municipality_id)
    reason = reason.strip()
    if len(reason) > 500:
        raise ValidationError({"reason": ["Begrunnelsen kan være høyst 500 tegn."]})
    transfer = _close(
        ctx=ctx, transfer=transfer, version=version, status=TransferStatus.WITHDRAWN, reason=reason
    )
    _notice(
        ctx=ctx,
        transfer=transfer,
        municipality=transfer.to_municipality,
        subject=(
            f"{transfer.from_municipality.name} har trukket flyttingen av husstand "
            f"{transfer.household.reference}"
        ),
        lines=[
            f"Flyttedato {transfer.moved_on:%d.%m.%Y}",
            *([f"Begrunnelse: {reason}"] if reason else []),
            "Saken blir i fraflyttingskommunen; dere trenger ikke gjøre noe.",
        ],
    )
    _audit_both_sides(ctx, transfer, "flytting trukket", AuditAction.UPDATE)
    return transfer


@transaction.atomic
def case_transfer_decline(
    *, ctx: AccessContext, transfer: CaseTransfer, version: int, reason: str
) -> CaseTransfer:
    """The new municipality declines a proposed move, with a reason.

    Only the refugee service of the new municipality, only while the proposal is open; the case
    stays with the old municipality, which gets a notice with the reason. Both sides' audit logs
    the step. Seed 002 §2.1.
    """
    case_transfer_decline_require(ctx.user, to_municipality_id=transfer.to_municipality_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Skriv hvorfor dere avslår flyttingen."]})
    if len(reason) > 500:
        raise ValidationError({"reason": ["Begrunnelsen kan være høyst 500 tegn."]})
    transfer = _close(
        ctx=ctx, transfer=transfer, version=version, status=TransferStatus.DECLINED, reason=reason
    )
    _notice(
        ctx=ctx,
        transfer=transfer,
        municipality=transfer.from_municipality,
        subject=(
            f"{transfer.to_municipality.name} har avslått flyttingen av husstand "
            f"{transfer.household.reference}"
        ),
        lines=[
            f"Flyttedato {transfer.moved_on:%d.%m.%Y}",
            f"Begrunnelse: {reason}",
            "Saken blir hos dere.",
        ],
    )
    _audit_both_sides(ctx, transfer, "flytting avslått", AuditAction.UPDATE)
    return transfer
