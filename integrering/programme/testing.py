"""Small factories for the programme's tests and benchmarks, through the real services where
there is one, so the rows look like the product makes them."""

from __future__ import annotations

import datetime

from integrering.audit.services import AccessContext
from integrering.people.models import Person

from .models import Appeal, AppealStatus, Decision, DecisionStatus, Participation
from .services.lifecycle import StartInput, programme_start

CTX = AccessContext.command("test")


def make_participation(
    person: Person,
    *,
    starts_on: datetime.date = datetime.date(2024, 4, 1),
    final_goal: str = "standard",
    planned_months: int = 24,
    full_time: bool = True,
    permit_date: datetime.date | None = None,
    lives_with_parent: bool = False,
    ctx: AccessContext = CTX,
) -> Participation:
    """Start a programme for ``person`` (settled before ``starts_on``), as the service does."""
    if person.settlement_date is None or person.settlement_date > starts_on:
        person.settled_on = starts_on - datetime.timedelta(days=31)
        person.save(update_fields=["settled_on"])
    return programme_start(
        ctx=ctx,
        person=person,
        data=StartInput(
            starts_on=starts_on,
            final_goal=final_goal,
            planned_months=planned_months,
            full_time=full_time,
            permit_date=permit_date or starts_on - datetime.timedelta(days=60),
            lives_with_parent=lives_with_parent,
        ),
    )


def make_sent_decision(participation: Participation, *, sent_on: datetime.date) -> Decision:
    """The programme's start decision, marked decided and sent (without a letter) on ``sent_on``."""
    decision = participation.decisions.get(kind="start")
    Decision.objects.filter(pk=decision.pk).update(
        status=DecisionStatus.SENT,
        decided_on=sent_on,
        sent_on=sent_on,
        received_on=sent_on,
        appeal_deadline=sent_on + datetime.timedelta(weeks=3),
    )
    decision.refresh_from_db()
    return decision


def make_forwarded_appeal(decision: Decision, *, received_on: datetime.date) -> Appeal:
    """An appeal against ``decision`` forwarded to the county governor of its municipality."""
    governor = decision.municipality.county.county_governor
    return Appeal.objects.create(
        decision=decision,
        municipality=decision.municipality,
        county_governor=governor,
        received_on=received_on,
        grounds="Jeg er uenig i vedtaket.",
        status=AppealStatus.FORWARDED,
        municipality_assessment="Kommunen opprettholder vedtaket.",
        reviewed_on=received_on,
    )
