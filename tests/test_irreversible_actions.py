"""Every irreversible action asks first (issue 23 item 2).

The views that do something that cannot be undone declare themselves with ``@irreversible``
(``integrering/ui/confirm.py``). This test finds every route to such a view, and for each one
posts what its page posts but without the confirmation: nothing in the database may change
(the audit log of what was read aside), and the answer is the page that says what would happen,
in figures. A new irreversible view without a case here fails, and so does a case whose view
no longer declares itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.test import Client
from django.urls import get_resolver

from conftest import World, client_for
from integrering.audit.services import AccessContext
from integrering.programme.models import (
    BenefitRun,
    BenefitRunStatus,
    Decision,
    DecisionKind,
    DecisionStatus,
)
from integrering.programme.services.benefit_compute import benefit_run_compute
from integrering.programme.services.benefit_run import benefit_run_prepare
from integrering.programme.services.decisions import decision_create, decision_decide
from integrering.programme.testing import make_participation
from integrering.settlement.models import MatchRun, MatchRunStatus
from integrering.settlement.tests.test_matching_confirm import _planner, _proposal
from integrering.surveys.models import CapacityRound
from integrering.surveys.services.capacity import round_municipalities
from integrering.surveys.testing import OSLO_GOVERNOR, make_capacity_response, make_capacity_round
from integrering.testing import confirmation_of, make_user, municipality, post_confirmed
from integrering.ui.confirm import IRREVERSIBLE
from tests.routes import Route, all_routes

D = datetime.date


@dataclass
class Case:
    """One irreversible action ready to be posted: by whom, the form its page posts, what the
    confirmation page must say, and how to tell that it was done."""

    client: Client
    path: str
    data: dict[str, Any]
    says: str
    done: Callable[[], bool]


def _benefit_run_approve(world: World) -> Case:
    make_participation(world.person)
    ctx = AccessContext(user=world.owner, route="test")
    run = benefit_run_prepare(ctx=ctx, municipality=municipality("0301"), month=D(2024, 5, 1))
    assert benefit_run_compute(run_id=run.pk) is not None
    return Case(
        client=client_for(world.colleague),
        path=f"/stonad/{run.pk}/godkjenn/",
        data={},
        says="til 1 deltaker i Oslo godkjennes og låses",
        done=lambda: BenefitRun.objects.get(pk=run.pk).status == BenefitRunStatus.APPROVED,
    )


def _match_run_confirm(world: World) -> Case:
    planner, ctx = _planner()
    run, _ = _proposal(ctx)
    return Case(
        client=client_for(planner),
        path=f"/bosetting/utsoking/{run.pk}/bekreft/",
        data={},
        says="3 husstander, 6 personer overføres til 2 kommuner.",
        done=lambda: MatchRun.objects.get(pk=run.pk).status != MatchRunStatus.PROPOSED,
    )


def _refusal(world: World) -> Decision:
    return decision_create(
        ctx=AccessContext(user=world.owner, route="test"),
        person=world.person,
        kind=DecisionKind.REFUSAL,
        facts="Du søkte 10.06.2024 om å forlenge introduksjonsprogrammet.",
        reasoning="Det er ikke grunn til å forvente at du når sluttmålet med mer tid.",
        conclusion="Søknaden om forlengelse av introduksjonsprogrammet avslås.",
        effective_on=D(2024, 7, 1),
    )


def _decision_decide(world: World) -> Case:
    decision = _refusal(world)
    return Case(
        client=client_for(world.owner),
        path=f"/vedtak/{decision.pk}/vedta/",
        data={"decide-decided_on": "2024-07-01", "decide-version": str(decision.version)},
        says="vedtas 01.07.2024, og teksten ligger fast.",
        done=lambda: Decision.objects.get(pk=decision.pk).status != DecisionStatus.DRAFT,
    )


def _decision_send(world: World) -> Case:
    decision = _refusal(world)
    decision = decision_decide(
        ctx=AccessContext(user=world.owner, route="test"),
        decision=decision,
        decided_on=D(2024, 6, 20),
        version=decision.version,
    )
    return Case(
        client=client_for(world.owner),
        path=f"/vedtak/{decision.pk}/send/",
        data={"sent_on": "2024-06-21", "received_on": "", "version": str(decision.version)},
        says="og klagefristen blir 12.07.2024.",
        done=lambda: Decision.objects.get(pk=decision.pk).status == DecisionStatus.SENT,
    )


def _capacity_round_close(world: World) -> Case:
    round = make_capacity_round(year=2024, quarter=3)  # open 01.07.2024 to 22.07.2024
    make_capacity_response(round, "0301")
    make_capacity_response(round, "3301", submitted=False)
    municipalities = round_municipalities(round).count()
    return Case(
        client=client_for(make_user(governor_name=OSLO_GOVERNOR)),
        path=f"/kapasitet/{round.pk}/avslutt/",
        data={},
        says=f"før svarfristen 22.07.2024: 1 av {municipalities} kommuner har sendt inn.",
        done=lambda: CapacityRound.objects.get(pk=round.pk).closed_at is not None,
    )


CASES: dict[str, Callable[[World], Case]] = {
    "programme:benefit-run-approve": _benefit_run_approve,
    "settlement:match-run-confirm": _match_run_confirm,
    "programme:decision-decide": _decision_decide,
    "programme:decision-send": _decision_send,
    "surveys:capacity-round-close": _capacity_round_close,
}

# What the confirmation may write: the audit log of the reads it made (a decision's person).
NOT_COMPARED = {"audit", "sessions"}


def _irreversible_routes() -> list[Route]:
    """The routes whose view declared itself with ``@irreversible``."""
    callbacks: dict[str, Any] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                ns = ":".join(filter(None, [namespace, entry.namespace or ""]))
                walk(entry.url_patterns, ns)
            elif entry.name:
                callbacks[f"{namespace}:{entry.name}" if namespace else entry.name] = entry.callback

    walk(get_resolver().url_patterns, "")
    return [
        route for route in all_routes() if getattr(callbacks.get(route.name), "irreversible", False)
    ]


def _database() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the audit log's and the sessions'."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_label not in NOT_COMPARED
    }


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2024, 7, 1, 12, 0), tick=False):
        yield


def test_every_irreversible_view_is_declared_and_has_a_case_here() -> None:
    declared = {route.name for route in _irreversible_routes()}
    assert len(IRREVERSIBLE) == len(declared), "a declared view without a route, or twice"
    assert declared == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_post_without_confirmation_changes_nothing_and_says_what_would_happen(
    world: World, name: str
) -> None:
    case = CASES[name](world)
    before = _database()

    asked = case.client.post(case.path, case.data)

    assert _database() == before
    assert not case.done()
    body = asked.content.decode()
    confirmation = confirmation_of(asked)
    assert case.says in confirmation.summary and case.says in body
    assert 'name="bekreft"' in body and "Avbryt" in body
    assert f'href="{confirmation.cancel_url}"' in body
    # A confirmation of other figures (or a made-up one) does nothing either: it asks again.
    stale = case.client.post(case.path, {**case.data, "bekreft": "0" * 20})
    assert _database() == before
    assert "Tallene er endret siden du så dem" in stale.content.decode()

    done = post_confirmed(case.client, case.path, case.data)

    assert done.status_code == 302, done.content.decode()[:2000]
    assert case.done()
