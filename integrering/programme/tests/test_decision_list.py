"""The list of decisions in pages with a count, filtered by status, kind and appeal deadline
(issue 23)."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse

from conftest import World, client_for
from integrering.programme.models import Decision, DecisionKind, DecisionStatus
from integrering.programme.testing import make_participation

D = datetime.date
DASH = "\u2013"
TODAY = datetime.datetime(2024, 6, 12, 12, 0)  # a Wednesday


def _copies(decision: Decision, count: int, **values: object) -> None:
    for _ in range(count):
        decision.pk = None
        for name, value in values.items():
            setattr(decision, name, value)
        decision.save()


@time_machine.travel(TODAY, tick=False)
def test_the_list_pages_and_filters_by_status_kind_and_appeal_deadline(world: World) -> None:
    start = make_participation(world.person).decisions.get(kind=DecisionKind.START)
    sent = {"status": DecisionStatus.SENT, "kind": DecisionKind.REFUSAL}
    _copies(start, 50, **sent, appeal_deadline=D(2024, 6, 1))  # past
    _copies(start, 2, **sent, appeal_deadline=D(2024, 6, 14))  # this week
    _copies(start, 3, **sent, appeal_deadline=D(2024, 6, 28))  # later this month
    url = reverse("programme:decision-list")
    client = client_for(world.owner)

    everything = client.get(url).content.decode()
    assert f"1{DASH}50 av 56" in everything
    assert 'href="?side=2">Neste side' in everything
    refusals = client.get(url, {"kind": DecisionKind.REFUSAL, "side": "2"})
    assert refusals.context["page"].count == 55
    assert 'href="?kind=refusal">Forrige side' in refusals.content.decode()
    assert client.get(url, {"kind": DecisionKind.START}).context["page"].count == 1
    assert client.get(url, {"due": "forfalt"}).context["page"].count == 50
    assert client.get(url, {"due": "uke"}).context["page"].count == 2
    assert client.get(url, {"due": "maned", "status": "sent"}).context["page"].count == 5
    assert client.get(url, {"due": "maned", "status": "draft"}).context["page"].count == 0


def test_the_outsider_sees_no_decision_of_another_municipality(world: World) -> None:
    make_participation(world.person)
    response = client_for(world.outsider).get(reverse("programme:decision-list"))
    assert response.status_code == 200
    assert response.context["page"].count == 0
    assert world.person.family_name not in response.content.decode()


def test_the_participant_list_pages_with_a_count(world: World) -> None:
    make_participation(world.person)
    response = client_for(world.owner).get(reverse("programme:participant-list"))
    body = response.content.decode()
    assert response.context["page"].count == 1
    assert f"1 deltaker, 1{DASH}1 av 1" in body
    assert '<nav aria-label="Sider med deltakere"' in body
    outsider = client_for(world.outsider).get(reverse("programme:participant-list"))
    assert world.person.family_name not in outsider.content.decode()
