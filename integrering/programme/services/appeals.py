"""Appeals (klage) against individual decisions, forvaltningsloven §§ 28-34.

The participant appeals to the municipality within the deadline (§ 29: three weeks from
receipt, parameter ``deadlines/casework`` kind ``appeal``). The municipality reviews it (§ 33):
it may change its own decision (a new decision drafted in place of the old one), or forward the
case with its assessment to the county governor of its county, who records the outcome: upheld
(stadfestet), quashed (opphevet) or changed (omgjort). An appeal received after the deadline is
still registered; the municipality either records why it is heard anyway (§ 31) or dismisses it.

Registering an appeal opens the municipality's deadline to prepare it and forward it
(``deadlines/casework`` kind ``appeal_forward``; § 33 names no number of days: see the
parameter's notes), met when it is reviewed. Forwarding bundles the case documents
(``appeal_bundle.py``); what the outcome sets going is ``appeal_outcomes.py``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.accounts.access import county_governor_id_of
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.casework.services.deadlines import deadline_close, deadline_create
from integrering.concurrency import version_bump
from integrering.errors import NotFound
from integrering.rules.parameters import RulesError

from ..models import (
    APPEAL_OUTCOMES,
    Appeal,
    AppealStatus,
    Decision,
    DecisionKind,
    DecisionStatus,
)
from ..selectors import NOT_FOUND_APPEAL, decision_get
from .appeal_bundle import appeal_bundle_make
from .appeal_outcomes import appeal_change, appeal_return
from .decisions import decision_draft, decision_texts

WHAT = "klagen"
APPEAL_FORWARD = "appeal_forward"
SERVICE = "refugee_service"
FINAL = (
    "Vedtaket er Statsforvalterens endring etter en klage og er endelig; det kan ikke påklages "
    "(forvaltningsloven § 28 tredje ledd)."
)


def _forward_deadline_meet(ctx: AccessContext, appeal: Appeal, on: datetime.date) -> None:
    """The municipality has reviewed the appeal: its deadline to do so is met."""
    if appeal.forward_deadline_id is not None:
        deadline_close(
            ctx=ctx,
            person=appeal.decision.person,
            kinds=[],
            on=on,
            deadline=appeal.forward_deadline,
            note=f"Klagen ble {appeal.get_status_display().lower()}.",
        )


def _late_reference(on: datetime.date) -> str:
    return str(decision_texts(on=on)["late_appeal"])


def _not_appealable(decision: Decision) -> str:
    if decision.status == DecisionStatus.DRAFT:
        return (
            "Vedtaket er et utkast og kan ikke påklages ennå: det må vedtas og sendes til "
            "deltakeren først."
        )
    return (
        "Vedtaket er vedtatt, men ikke sendt til deltakeren. Klagefristen løper fra deltakeren "
        "mottar vedtaket; send vedtaket før en klage registreres."
    )


@transaction.atomic
def appeal_register(
    *,
    ctx: AccessContext,
    decision_id: int,
    received_on: datetime.date | None,
    grounds: str,
    late_heard_reason: str = "",
) -> Appeal:
    """Register an appeal against a sent decision, with the date the municipality received it.

    The decision must exist and be within the user's reach (404 otherwise) and have been sent
    (a draft or a decision not yet sent cannot be appealed). The appeal is late when received
    after the decision's appeal deadline (the deadline day itself is in time); a late appeal is
    still registered, with the reason it is heard anyway if there is one (§ 31).
    """
    try:
        decision = decision_get(ctx=ctx, decision_id=decision_id, edit=True)
    except NotFound:
        raise NotFound(
            f"Finner ikke vedtaket (nr. {decision_id}): det finnes ikke, eller du har ikke "
            "tilgang til det. Klagen er ikke registrert."
        ) from None
    if decision.status != DecisionStatus.SENT:
        raise ValidationError(_not_appealable(decision))
    if decision.governor_reference:
        raise ValidationError(FINAL)
    assert decision.sent_on is not None and decision.appeal_deadline is not None
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if received_on is None:
        errors["received_on"] = ["Oppgi datoen kommunen mottok klagen."]
    elif received_on > today:
        errors["received_on"] = ["Datoen klagen ble mottatt kan ikke være fram i tid."]
    elif received_on < decision.sent_on:
        errors["received_on"] = [
            f"Klagen kan ikke være mottatt før vedtaket ble sendt ({decision.sent_on:%d.%m.%Y})."
        ]
    if not (grounds or "").strip():
        errors["grounds"] = ["Skriv hva deltakeren klager på og hvorfor."]
    if errors:
        raise ValidationError(errors)
    assert received_on is not None
    late = received_on > decision.appeal_deadline
    appeal = Appeal.objects.create(
        decision=decision,
        municipality=decision.municipality,
        received_on=received_on,
        grounds=grounds.strip(),
        late=late,
        late_heard_reason=(late_heard_reason or "").strip() if late else "",
        created_by=ctx.acting_user,
    )
    try:
        appeal.forward_deadline = deadline_create(
            person=decision.person, kind=APPEAL_FORWARD, service=SERVICE, start=received_on
        )
        appeal.save(update_fields=["forward_deadline"])
    except RulesError:
        pass  # received before the first dated rule (2018): no deadline was kept then
    audit_record(
        ctx=ctx,
        person_id=decision.person_id,
        action=AuditAction.CREATE,
        allowed=True,
        detail=f"klage på vedtak {decision.reference}{' (for sent)' if late else ''}",
    )
    return appeal


def _review_errors(
    appeal: Appeal, assessment: str, late_heard_reason: str
) -> tuple[dict[str, list[str]], str]:
    """The municipality's review (§ 33): the appeal is still with it, an assessment is written,
    and a late appeal has a reason to be heard (§ 31). Returns errors and the reason to store."""
    if appeal.status != AppealStatus.RECEIVED:
        raise ValidationError(
            f"Kommunen har allerede behandlet klagen: {appeal.get_status_display().lower()}."
        )
    errors: dict[str, list[str]] = {}
    if not (assessment or "").strip():
        errors["assessment"] = ["Skriv kommunens vurdering av klagen."]
    reason = appeal.late_heard_reason or (late_heard_reason or "").strip()
    if appeal.late and not reason:
        deadline = appeal.decision.appeal_deadline
        errors["late_heard_reason"] = [
            f"Klagen kom for sent (fristen var {deadline:%d.%m.%Y}). Skriv hvorfor den likevel "
            f"behandles ({_late_reference(appeal.received_on)}), eller avvis den."
        ]
    return errors, reason


@transaction.atomic
def appeal_reverse(
    *,
    ctx: AccessContext,
    appeal: Appeal,
    assessment: str,
    version: int,
    late_heard_reason: str = "",
) -> Appeal:
    """The municipality changes its own decision (forvaltningsloven § 33 second paragraph).

    A new draft decision of the same kind replaces the old one, with its texts copied for the
    caseworker to change, decide and send; the appeal links to it.
    """
    errors, reason = _review_errors(appeal, assessment, late_heard_reason)
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    appeal.version = version_bump(
        Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.RECEIVED),
        expected=version,
        what=WHAT,
        status=AppealStatus.REVERSED,
        municipality_assessment=assessment.strip(),
        late_heard_reason=reason,
        reviewed_on=today,
        reviewed_by=ctx.acting_user,
    )
    old = appeal.decision
    new = decision_draft(
        ctx=ctx,
        person=old.person,
        kind=old.kind,
        act=old.act,
        facts=old.facts,
        reasoning=old.reasoning,
        conclusion=old.conclusion,
        participation=old.participation,
        effective_on=old.effective_on,
        amount=old.amount,
    )
    Decision.objects.filter(pk=new.pk).update(
        replaces=old,
        subject=old.subject,
        benefit_period=old.benefit_period,
        absence_hours=old.absence_hours,
    )
    Appeal.objects.filter(pk=appeal.pk).update(new_decision=new)
    appeal.refresh_from_db()
    _forward_deadline_meet(ctx, appeal, today)
    audit_record(
        ctx=ctx,
        person_id=old.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"klage {appeal.pk}: vedtak {old.reference} omgjøres av kommunen",
    )
    return appeal


@transaction.atomic
def appeal_dismiss(*, ctx: AccessContext, appeal: Appeal, assessment: str, version: int) -> Appeal:
    """Dismiss a late appeal that the municipality has no reason to hear (§ 31, § 33)."""
    if appeal.status != AppealStatus.RECEIVED:
        raise ValidationError(
            f"Kommunen har allerede behandlet klagen: {appeal.get_status_display().lower()}."
        )
    if not appeal.late:
        raise ValidationError(
            "Klagen kom innen fristen og kan ikke avvises for å ha kommet for sent. Omgjør "
            "vedtaket, eller send klagen til Statsforvalteren."
        )
    if appeal.late_heard_reason:
        raise ValidationError(
            "Kommunen har registrert hvorfor klagen behandles selv om den kom for sent; den kan "
            "ikke avvises. Omgjør vedtaket, eller send klagen til Statsforvalteren."
        )
    if not (assessment or "").strip():
        raise ValidationError({"assessment": ["Skriv hvorfor klagen avvises."]})
    appeal.version = version_bump(
        Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.RECEIVED),
        expected=version,
        what=WHAT,
        status=AppealStatus.DISMISSED,
        municipality_assessment=assessment.strip(),
        reviewed_on=timezone.localdate(),
        reviewed_by=ctx.acting_user,
    )
    appeal.refresh_from_db()
    _forward_deadline_meet(ctx, appeal, timezone.localdate())
    audit_record(
        ctx=ctx,
        person_id=appeal.decision.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"klage {appeal.pk} avvist (for sent)",
    )
    return appeal


@transaction.atomic
def appeal_forward(
    *,
    ctx: AccessContext,
    appeal: Appeal,
    assessment: str,
    version: int,
    late_heard_reason: str = "",
) -> Appeal:
    """Forward the case to the county governor of the municipality's county (§ 33 fourth
    paragraph), with the municipality's assessment (its innstilling) and the case documents as
    they are today (``appeal_bundle``)."""
    errors, reason = _review_errors(appeal, assessment, late_heard_reason)
    if errors:
        raise ValidationError(errors)
    governor = appeal.municipality.county.county_governor
    appeal.version = version_bump(
        Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.RECEIVED),
        expected=version,
        what=WHAT,
        status=AppealStatus.FORWARDED,
        county_governor=governor,
        municipality_assessment=assessment.strip(),
        late_heard_reason=reason,
        reviewed_on=timezone.localdate(),
        reviewed_by=ctx.acting_user,
    )
    appeal.refresh_from_db()
    index, pdf = appeal_bundle_make(appeal)
    Appeal.objects.filter(pk=appeal.pk).update(bundle_index=index, bundle_pdf=pdf)
    appeal.bundle_index, appeal.bundle_pdf = index, pdf
    _forward_deadline_meet(ctx, appeal, timezone.localdate())
    audit_record(
        ctx=ctx,
        person_id=appeal.decision.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"klage {appeal.pk} sendt til {governor.name}",
    )
    return appeal


@transaction.atomic
def appeal_decide_outcome(
    *,
    ctx: AccessContext,
    appeal: Appeal,
    outcome: str,
    reasoning: str,
    decided_on: datetime.date | None,
    version: int,
    changed_conclusion: str = "",
    changed_amount: Decimal | None = None,
    governor_reference: str = "",
) -> Appeal:
    """The county governor's decision on a forwarded appeal (forvaltningsloven § 34): upheld,
    quashed or changed, with its reasoning.

    Only an officer of the county governor the appeal was forwarded to may record it (404 for
    anyone else); the date is not before the appeal was forwarded nor in the future. A changed
    decision needs the decision as changed (``changed_conclusion``), and for a reduction of the
    benefit the amount now deducted (``changed_amount``, 0 or more). Quashed and changed set
    the municipality's next steps going (``appeal_outcomes``).
    """
    governor = county_governor_id_of(ctx.user)
    if governor is None or governor != appeal.county_governor_id:
        audit_record(
            ctx=ctx,
            person_id=appeal.decision.person_id,
            action=AuditAction.UPDATE,
            allowed=False,
            detail=f"klage {appeal.pk} (Statsforvalteren)",
        )
        raise NotFound(NOT_FOUND_APPEAL)
    if appeal.status != AppealStatus.FORWARDED:
        when = f" {appeal.outcome_on:%d.%m.%Y}" if appeal.outcome_on else ""
        raise ValidationError(
            f"Klagen er allerede avgjort{when}: {appeal.get_status_display().lower()}."
        )
    errors: dict[str, list[str]] = {}
    if outcome not in APPEAL_OUTCOMES:
        errors["outcome"] = ["Velg utfallet: stadfestet, opphevet eller omgjort."]
    if not (reasoning or "").strip():
        errors["reasoning"] = ["Skriv Statsforvalterens begrunnelse."]
    today = timezone.localdate()
    if decided_on is None:
        errors["decided_on"] = ["Oppgi vedtaksdatoen."]
    elif decided_on > today:
        errors["decided_on"] = ["Vedtaksdatoen kan ikke være fram i tid."]
    elif appeal.reviewed_on is not None and decided_on < appeal.reviewed_on:
        errors["decided_on"] = [
            f"Vedtaksdatoen kan ikke være før kommunen sendte klagen ({appeal.reviewed_on:%d.%m.%Y})."
        ]
    errors.update(_change_errors(appeal, outcome, changed_conclusion, changed_amount))
    if len(governor_reference or "") > 200:
        errors["governor_reference"] = ["Saksnummeret kan ha høyst 200 tegn."]
    if errors:
        raise ValidationError(errors)
    appeal.version = version_bump(
        Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.FORWARDED),
        expected=version,
        what=WHAT,
        status=outcome,
        outcome_on=decided_on,
        outcome_by=ctx.acting_user,
        outcome_reasoning=reasoning.strip(),
    )
    appeal.refresh_from_db()
    audit_record(
        ctx=ctx,
        person_id=appeal.decision.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"klage {appeal.pk}: {appeal.get_status_display().lower()}",
    )
    if outcome == AppealStatus.QUASHED:
        return appeal_return(ctx=ctx, appeal=appeal)
    if outcome == AppealStatus.CHANGED:
        return appeal_change(
            ctx=ctx,
            appeal=appeal,
            conclusion=changed_conclusion.strip(),
            amount=changed_amount,
            reference=(governor_reference or "").strip(),
        )
    return appeal


def _change_errors(
    appeal: Appeal, outcome: str, conclusion: str, amount: Decimal | None
) -> dict[str, list[str]]:
    """A changed decision says what it now is; a reduction, what is deducted."""
    if outcome != AppealStatus.CHANGED:
        return {}
    errors: dict[str, list[str]] = {}
    if not (conclusion or "").strip():
        errors["changed_conclusion"] = ["Skriv vedtaket slik Statsforvalteren har endret det."]
    if appeal.decision.kind == DecisionKind.REDUCTION:
        if amount is None or amount < 0:
            errors["changed_amount"] = [
                "Oppgi beløpet som nå skal trekkes i stønaden (0 kr eller mer)."
            ]
    elif amount is not None:
        errors["changed_amount"] = ["Beløp hører bare til vedtak om trekk i stønaden."]
    return errors
