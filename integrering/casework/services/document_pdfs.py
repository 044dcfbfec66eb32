"""The individual plan and the consent form as A4 PDFs to print and sign.

The practice contract's PDF is in ``practice.py``. The consent form follows seed 002 Vedlegg 3
(«Samtykkeerklæring»): the services that may exchange confidential information, what
information, from when to when, and the limits: the services it does not cover and the
person's own remarks and restrictions. Every printout is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from integrering.accounts.roles import Service
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.errors import NotFound
from integrering.pdf import pdf_from_template
from integrering.people.models import Consent, ConsentBasis, InformationCategory, Person

from ..models import IndividualPlan
from .consent import SHAREABLE_SERVICES
from .plan import final_goal_option, measure_status

PLAN_TEMPLATE = "casework/plan_pdf.html"
CONSENT_TEMPLATE = "casework/consent_pdf.html"
NOT_A_CONSENT = (
    "Grunnlaget er lovhjemmel, ikke samtykke: det er ingen samtykkeerklæring å skrive ut."
)


def plan_of_person(person: Person, plan_id: int) -> IndividualPlan:
    """The person's plan by id; 404 when it is someone else's. ``person`` from ``person_get``."""
    plan = IndividualPlan.objects.filter(person=person, pk=plan_id).first()
    if plan is None:
        raise NotFound("Finner ikke den individuelle planen for denne personen.")
    return plan


def consent_of_person(person: Person, consent_id: int) -> Consent:
    """The person's consent by id; 404 when it is someone else's. ``person`` from ``person_get``."""
    consent = Consent.objects.filter(person=person, pk=consent_id).first()
    if consent is None:
        raise NotFound("Finner ikke samtykket for denne personen.")
    return consent


def _export(ctx: AccessContext, person_id: int, detail: str) -> None:
    audit_record(
        ctx=ctx, person_id=person_id, action=AuditAction.EXPORT, allowed=True, detail=detail
    )


def plan_pdf(*, ctx: AccessContext, plan: IndividualPlan) -> bytes:
    """The plan as saved (its current version) as a PDF for the participant to sign
    (seed 002 §2.4); audited."""
    person = plan.person
    goals = list(plan.goals.all())
    number = {goal.pk: n for n, goal in enumerate(goals, start=1)}
    context: dict[str, Any] = {
        "plan": plan,
        "person": person,
        "municipality": person.municipality,
        "final_goal": final_goal_option(plan.final_goal, plan.starts_on),
        "goals": goals,
        "measures": [
            {
                "measure": m,
                "goal_number": number.get(m.goal_id) if m.goal_id else None,
                "status": measure_status(
                    starts_on=m.starts_on,
                    ends_on=m.ends_on,
                    done=m.done,
                    today=timezone.localdate(),
                ),
            }
            for m in plan.measures.all()
        ],
        "evaluations": list(plan.evaluations.all()),
        "printed_on": timezone.localdate(),
    }
    pdf = pdf_from_template(PLAN_TEMPLATE, context)
    _export(ctx, person.pk, f"individuell plan skrevet ut som PDF (versjon {plan.version})")
    return pdf


def plan_filename(plan: IndividualPlan) -> str:
    """A file name without the person's name, which would otherwise land in download folders."""
    return f"individuell-plan-{plan.pk}-versjon-{plan.version}.pdf"


def consent_pdf(*, ctx: AccessContext, consent: Consent) -> bytes:
    """The consent form (seed 002 Vedlegg 3) as a PDF to sign: the services it covers and the
    restrictions towards those it does not cover; audited. A legal basis has no form."""
    if consent.basis != ConsentBasis.CONSENT:
        raise ValidationError(NOT_A_CONSENT)
    person = consent.person
    covered = set(consent.services)
    context: dict[str, Any] = {
        "consent": consent,
        "person": person,
        "municipality": person.municipality,
        "services": [Service(s).label for s in SHAREABLE_SERVICES if s in covered],
        "not_covered": [Service(s).label for s in SHAREABLE_SERVICES if s not in covered],
        "categories": [
            label for value, label in InformationCategory.choices if value in consent.categories
        ],
        "printed_on": timezone.localdate(),
    }
    pdf = pdf_from_template(CONSENT_TEMPLATE, context)
    _export(ctx, person.pk, f"samtykkeerklæring {consent.pk} skrevet ut som PDF (Vedlegg 3)")
    return pdf


def consent_filename(consent: Consent) -> str:
    return f"samtykkeerklaering-{consent.pk}-{consent.valid_from:%Y-%m-%d}.pdf"
