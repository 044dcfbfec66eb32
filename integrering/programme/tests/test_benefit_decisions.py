"""Issue 22 item 1: a deduction that needs an individual decision (integreringsloven § 21) gets a
draft reduction decision from the benefit run, prefilled with the month, the hours, the amount
and the legal basis; the run is not approved while it is undecided; the user who computed the
run confirms when approving it too, and that is recorded.

The figures are those of ``test_benefit_run.py``: 11 workdays of 7.5 unapproved hours in May 2024
are 82.5 hours, 11 061.96 at 1/1850 of 2 G (124 028) an hour, over half the month and G/12.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import World, client_for
from integrering.audit.services import AccessContext
from integrering.programme.models import (
    Absence,
    BenefitLine,
    BenefitRunStatus,
    Decision,
    DecisionKind,
    DecisionStatus,
    Participation,
)
from integrering.programme.services.benefit_run import (
    ReductionsUndecided,
    benefit_run_approve,
)
from integrering.programme.services.decisions import decision_decide, decision_update
from integrering.programme.services.lifecycle import programme_absence
from integrering.programme.testing import CTX, make_participation
from integrering.programme.tests.test_benefit_run import (
    MAY,
    MONTHLY,
    api_client,
    computed,
    hours,
    line,
    oslo_ctx,
    today,
)
from integrering.testing import post_confirmed
from integrering.ui.numbers import NBSP

__all__ = ["today"]  # the autouse fixture that pins the date (15.07.2024)

D = datetime.date
WORKDAYS = [D(2024, 5, d) for d in (2, 3, 6, 7, 8, 13, 14, 15, 16, 21, 22)]
DEDUCTION = Decimal("11061.96")


def absent_in_may(p: Participation, days: list[datetime.date] = WORKDAYS) -> None:
    for day in days:
        programme_absence(ctx=CTX, participation=p, on=day, hours=Decimal("7.5"), approved=False)


def colleague_ctx(world: World) -> AccessContext:
    return AccessContext(user=world.colleague, route="test")


def decide(world: World, decision: Decision) -> Decision:
    decision.refresh_from_db()
    return decision_decide(
        ctx=colleague_ctx(world),
        decision=decision,
        decided_on=D(2024, 7, 1),
        version=decision.version,
    )


# --- The service -----------------------------------------------------------------------------------


def test_a_deduction_that_needs_a_decision_gets_a_prefilled_draft(world: World) -> None:
    p = make_participation(world.person)
    absent_in_may(p)

    run = computed(world, MAY)

    flagged = line(run, p)
    assert flagged.needs_decision and flagged.deduction == hours("82.5") == DEDUCTION
    decision = flagged.decision
    assert decision is not None
    assert (decision.kind, decision.status) == (DecisionKind.REDUCTION, DecisionStatus.DRAFT)
    assert decision.person == world.person and decision.participation == p
    assert (decision.benefit_period, decision.effective_on) == (MAY, MAY)
    assert (decision.absence_hours, decision.amount) == (Decimal("82.5"), DEDUCTION)
    assert decision.subject == "Vedtak om trekk i introduksjonsstønaden"
    assert decision.legal_basis.startswith("Integreringsloven § 21")
    assert decision.created_by == world.owner
    assert "I 05.2024 hadde du 82,5 timer fravær som ikke var godkjent" in decision.facts
    assert "02.05.2024 (7,5 t)" in decision.facts and "22.05.2024 (7,5 t)" in decision.facts
    assert f"kr 11{NBSP}061,96" in decision.conclusion
    assert f"54{NBSP}% av stønaden for måneden (kr 20{NBSP}671,33)" in decision.facts
    # A small deduction needs no decision and gets none.
    assert Decision.objects.filter(kind=DecisionKind.REDUCTION).count() == 1


def test_computing_the_month_again_keeps_one_draft_that_follows_the_figures(world: World) -> None:
    p = make_participation(world.person)
    absent_in_may(p)
    first = line(computed(world, MAY), p).decision
    assert first is not None

    again = line(computed(world, MAY), p).decision
    assert again == first
    assert Decision.objects.filter(kind=DecisionKind.REDUCTION).count() == 1
    assert again.version == 1  # the same figures: left as it was

    programme_absence(
        ctx=CTX, participation=p, on=D(2024, 5, 23), hours=Decimal("7.5"), approved=False
    )
    moved = line(computed(world, MAY), p).decision
    assert moved is not None and moved.pk == first.pk
    assert (moved.absence_hours, moved.amount, moved.version) == (Decimal("90.0"), hours("90"), 2)
    assert "90 timer fravær" in moved.conclusion
    assert moved.reasoning == first.reasoning

    # The absence was approved after all: no decision is needed, and the draft goes.
    Absence.objects.filter(participation=p).update(approved=True)
    run = computed(world, MAY)
    assert line(run, p).amount == MONTHLY and line(run, p).decision is None
    assert not Decision.objects.filter(kind=DecisionKind.REDUCTION).exists()


def test_the_run_is_not_approved_while_a_decision_is_undecided(world: World) -> None:
    p = make_participation(world.person)
    absent_in_may(p)
    run = computed(world, MAY)
    decision = line(run, p).decision
    assert decision is not None

    with pytest.raises(ReductionsUndecided) as refused:
        benefit_run_approve(ctx=colleague_ctx(world), run=run)

    assert refused.value.messages == [
        "Stønaden for 05.2024 kan ikke godkjennes før vedtaket om trekk i stønaden er fattet "
        "(integreringsloven § 21):",
        f"{world.person.given_name} {world.person.family_name}, 05.2024 (vedtak "
        f"{decision.reference}): vedtaket er ikke fattet",
    ]
    assert [b.decision for b in refused.value.blocking] == [decision]
    run.refresh_from_db()
    assert run.status == BenefitRunStatus.PREVIEW

    decide(world, decision)
    approved = benefit_run_approve(ctx=colleague_ctx(world), run=run)
    assert approved.status == BenefitRunStatus.APPROVED
    assert approved.approved_by == world.colleague
    assert approved.approved_by_computer_confirmed is False
    assert line(approved, p).deduction == DEDUCTION


def test_a_decision_made_with_another_amount_pays_the_month_by_it_once_computed_again(
    world: World,
) -> None:
    p = make_participation(world.person)
    absent_in_may(p)
    run = computed(world, MAY)
    draft = line(run, p).decision
    assert draft is not None
    decision_update(
        ctx=colleague_ctx(world),
        decision=draft,
        subject=draft.subject,
        facts=draft.facts,
        reasoning="Deler av fraværet skyldtes sykdom i familien.",
        conclusion="Stønaden for 05.2024 reduseres med kr 5 000,00.",
        effective_on=MAY,
        version=draft.version,
        amount=Decimal("5000.00"),
    )
    decide(world, draft)

    with pytest.raises(ReductionsUndecided, match="beregn måneden på nytt"):
        benefit_run_approve(ctx=colleague_ctx(world), run=run)

    run = computed(world, MAY)
    again = line(run, p)
    assert again.decision == draft
    assert (again.deduction, again.amount) == (Decimal("5000.00"), MONTHLY - Decimal("5000.00"))
    assert f"trekk etter vedtak kr 5{NBSP}000,00" in again.note
    assert (
        benefit_run_approve(ctx=colleague_ctx(world), run=run).status == BenefitRunStatus.APPROVED
    )


def test_the_user_who_computed_the_run_confirms_approving_it_and_that_is_recorded(
    world: World,
) -> None:
    make_participation(world.person)
    run = computed(world, MAY)  # computed by the owner

    with pytest.raises(ValidationError) as refused:
        benefit_run_approve(ctx=oslo_ctx(world), run=run)
    assert "confirm_same_user" in refused.value.message_dict
    assert "Du beregnet denne kjøringen selv" in refused.value.messages[0]

    approved = benefit_run_approve(ctx=oslo_ctx(world), run=run, confirm_same_user=True)
    assert (approved.status, approved.approved_by) == (BenefitRunStatus.APPROVED, world.owner)
    assert approved.approved_by_computer_confirmed is True


# --- The page --------------------------------------------------------------------------------------


def test_the_run_page_lists_the_undecided_decisions_and_refuses_approval_with_them(
    world: World,
) -> None:
    p = make_participation(world.person)
    absent_in_may(p)
    run = computed(world, MAY)
    decision = line(run, p).decision
    assert decision is not None
    colleague = client_for(world.colleague)

    page = colleague.get(f"/stonad/{run.pk}/").content.decode()
    assert 'id="undecided-decisions"' in page
    assert f'href="/vedtak/{decision.pk}/"' in page
    assert f"vedtak {decision.reference}" in page
    assert "confirm_same_user" not in page  # the colleague did not compute it

    refused = colleague.post(f"/stonad/{run.pk}/godkjenn/", follow=True).content.decode()
    assert "kan ikke godkjennes før vedtaket om trekk i stønaden er fattet" in refused
    assert f"vedtak {decision.reference}): vedtaket er ikke fattet." in refused
    run.refresh_from_db()
    assert run.status == BenefitRunStatus.PREVIEW

    decide(world, decision)
    owner = client_for(world.owner)
    page = owner.get(f"/stonad/{run.pk}/").content.decode()
    assert 'id="undecided-decisions"' not in page
    assert 'name="confirm_same_user"' in page
    assert "Jeg beregnet denne kjøringen selv" in page

    unconfirmed = owner.post(f"/stonad/{run.pk}/godkjenn/", follow=True).content.decode()
    assert "Du beregnet denne kjøringen selv" in unconfirmed
    run.refresh_from_db()
    assert run.status == BenefitRunStatus.PREVIEW

    asked = owner.post(f"/stonad/{run.pk}/godkjenn/", {"confirm_same_user": "on"})
    assert "Du beregnet kjøringen selv. Det lagres at du også godkjente den." in (
        asked.content.decode()
    )
    run.refresh_from_db()
    assert run.status == BenefitRunStatus.PREVIEW
    done = post_confirmed(
        owner, f"/stonad/{run.pk}/godkjenn/", {"confirm_same_user": "on"}, follow=True
    ).content.decode()
    run.refresh_from_db()
    assert (run.status, run.approved_by_computer_confirmed) == (BenefitRunStatus.APPROVED, True)
    assert "beregnet og godkjent av samme person, bekreftet" in done


def test_the_outsider_gets_404_on_the_run_and_its_draft(world: World) -> None:
    p = make_participation(world.person)
    absent_in_may(p)
    run = computed(world, MAY)
    decision = line(run, p).decision
    assert decision is not None
    outsider = client_for(world.outsider)
    assert outsider.get(f"/stonad/{run.pk}/").status_code == 404
    assert outsider.get(f"/vedtak/{decision.pk}/").status_code == 404
    assert outsider.post(f"/stonad/{run.pk}/godkjenn/").status_code == 404


# --- The API ---------------------------------------------------------------------------------------


def test_the_api_answers_409_with_the_undecided_decisions_then_asks_for_confirmation(
    world: World,
) -> None:
    p = make_participation(world.person)
    absent_in_may(p)
    run = computed(world, MAY)
    decision = line(run, p).decision
    assert decision is not None
    api = api_client(world.owner)
    url = f"/api/v1/benefit-runs/{run.pk}/approve"

    detail = api.get(f"/api/v1/benefit-runs/{run.pk}").json()
    assert [ln["decision"] for ln in detail["lines"]] == [decision.pk]
    blocked = api.post(url, {"confirm_same_user": True}, "application/json")
    assert blocked.status_code == 409
    body = blocked.json()
    assert body["undecided"] == [
        {
            "line": BenefitLine.objects.get(run=run).pk,
            "person": world.person.pk,
            "name": f"{world.person.given_name} {world.person.family_name}",
            "period": "2024-05",
            "decision": decision.pk,
            "reference": decision.reference,
            "status": "draft",
            "reason": "vedtaket er ikke fattet",
            "url": f"/api/v1/decisions/{decision.pk}",
        }
    ]
    assert "kan ikke godkjennes" in body["detail"]
    assert api.get(f"/api/v1/decisions/{decision.pk}").json()["benefit_period"] == "2024-05"

    decide(world, decision)
    unconfirmed = api.post(url, {}, "application/json")
    assert unconfirmed.status_code == 422
    assert "confirm_same_user" in unconfirmed.json()["errors"]
    approved = api.post(url, {"confirm_same_user": True}, "application/json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_by_computer_confirmed"] is True
