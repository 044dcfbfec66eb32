"""What the county governor's outcome of an appeal sets going (forvaltningsloven § 34).

- Quashed (opphevet): the case goes back to the municipality, which decides anew. A draft
  replacing the quashed decision is made with its texts, and a task on the caseworker's
  dashboard and start page (``deadlines/casework`` kind ``appeal_returned``) is met when the new
  decision is made.
- Changed (omgjort): the county governor's decision changes the decision itself. It becomes a
  new version that replaces the old one and names the county governor's decision; a reduction
  of the benefit pays its month by the new amount, so the next benefit run corrects the months
  already paid (``benefit_decisions``). The county governor's decision is final (§ 28 third
  paragraph): the new version cannot be appealed.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.casework.services.deadlines import deadline_create
from integrering.rules.parameters import RulesError

from ..models import Appeal, Decision, DecisionKind, DecisionStatus
from .decisions import decision_draft

APPEAL_RETURNED = "appeal_returned"
SERVICE = "refugee_service"


def governor_reference_default(appeal: Appeal) -> str:
    """How the new version names the county governor's decision when no case number is given."""
    governor = appeal.county_governor.name if appeal.county_governor else "Statsforvalteren"
    assert appeal.outcome_on is not None
    return f"{governor}, vedtak {appeal.outcome_on:%d.%m.%Y} i klagesak {appeal.pk}"


def appeal_return(*, ctx: AccessContext, appeal: Appeal) -> Appeal:
    """The decision was quashed: the municipality decides anew. A draft replacing it, with the
    county governor's reasoning in front of the facts, and the task to decide it."""
    old = appeal.decision
    assert appeal.outcome_on is not None
    new = decision_draft(
        ctx=ctx,
        person=old.person,
        kind=old.kind,
        act=old.act,
        facts=(
            f"{governor_reference_default(appeal)}: vedtak {old.reference} er opphevet, og "
            f"saken er sendt tilbake til ny behandling. Statsforvalterens begrunnelse: "
            f"{appeal.outcome_reasoning}\n\n{old.facts}"
        ),
        reasoning=old.reasoning,
        conclusion=old.conclusion,
        participation=old.participation,
        effective_on=old.effective_on,
        amount=old.amount,
        subject=old.subject,
        basis=old.legal_basis,
    )
    Decision.objects.filter(pk=new.pk).update(
        replaces=old, benefit_period=old.benefit_period, absence_hours=old.absence_hours
    )
    try:
        deadline = deadline_create(
            person=old.person, kind=APPEAL_RETURNED, service=SERVICE, start=appeal.outcome_on
        )
    except RulesError:
        deadline = None  # before the first dated rule (2018)
    Appeal.objects.filter(pk=appeal.pk).update(new_decision=new, returned_deadline=deadline)
    appeal.refresh_from_db()
    return appeal


def appeal_change(
    *,
    ctx: AccessContext,
    appeal: Appeal,
    conclusion: str,
    amount: Decimal | None,
    reference: str,
) -> Appeal:
    """The county governor changed the decision: the new version, in force from its date."""
    old = appeal.decision
    on = appeal.outcome_on
    assert on is not None
    new = Decision.objects.create(
        person=old.person,
        municipality=old.municipality,
        participation=old.participation,
        kind=old.kind,
        status=DecisionStatus.SENT,
        act=old.act,
        subject=old.subject,
        legal_basis=old.legal_basis,
        facts=old.facts,
        reasoning=appeal.outcome_reasoning,
        conclusion=conclusion,
        effective_on=old.effective_on,
        amount=amount if old.kind == DecisionKind.REDUCTION else old.amount,
        benefit_period=old.benefit_period,
        absence_hours=old.absence_hours,
        governor_reference=reference or governor_reference_default(appeal),
        decided_on=on,
        decided_by=ctx.acting_user,
        sent_on=on,
        received_on=on,
        replaces=old,
        created_by=ctx.acting_user,
        updated_at=timezone.now(),
    )
    Appeal.objects.filter(pk=appeal.pk).update(new_decision=new)
    appeal.refresh_from_db()
    audit_record(
        ctx=ctx,
        person_id=old.person_id,
        action=AuditAction.CREATE,
        allowed=True,
        detail=f"vedtak {old.reference} endret av Statsforvalteren: ny versjon {new.reference}",
    )
    return appeal
