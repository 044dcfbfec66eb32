"""The requests API: spread, list, adjust (with version), record the decision, the sums."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from conftest import client_for
from integrering.accounts.services import token_create
from integrering.settlement.models import MunicipalDecision, SettlementNeed, SettlementRequest
from integrering.settlement.testing import make_facts
from integrering.testing import make_user

YEAR = 2026
API = "/api/v1/settlement/requests"
FACTS = [
    ("0301", 717_710, "41.5", "0.27"),
    ("3201", 130_000, "60", "0.35"),
    ("4601", 291_000, "58", "0.18"),
    ("4602", 17_000, "65", "0.10"),
    ("5001", 214_000, "62", "0.15"),
]


@pytest.fixture(autouse=True)
def today() -> Any:
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def planner(db: None) -> Client:
    for number, population, results, share in FACTS:
        make_facts(
            number, year=YEAR, population=population, results_score=results, immigrant_share=share
        )
    return client_for(make_user())


def call(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(url, **kwargs)


def spread(client: Client, need: int = 500, below_minimum: str = "drop") -> Any:
    return call(
        client,
        "post",
        f"{API}/spread",
        {"year": YEAR, "need": need, "below_minimum": below_minimum},
    )


def test_spread_creates_the_years_requests(planner: Client) -> None:
    response = spread(planner)
    assert response.status_code == 201
    data = response.json()
    assert (data["year"], data["need"], data["requested_municipalities"]) == (YEAR, 500, 4)
    assert [r["municipality"] for r in data["requests"]] == ["0301", "3201", "4601", "4602", "5001"]
    assert sum(r["requested"] for r in data["requests"]) == 500
    baerum = data["requests"][1]
    assert baerum["requested"] == 0 and "over grensen på 30 %" in baerum["reason"]
    assert baerum["decision"] is None


def test_spread_refusals_are_422_with_the_field(planner: Client) -> None:
    response = call(planner, "post", f"{API}/spread", {"year": YEAR})
    assert response.status_code == 422
    assert "need" in response.json()["errors"]
    response = spread(planner, 500, "round")
    assert response.status_code == 422
    assert response.json()["errors"]["below_minimum"] == ["Velg drop eller raise."]
    response = spread(planner, 30, "raise")
    assert response.status_code == 422
    assert "Bruk «drop»" in response.json()["detail"]
    assert not SettlementRequest.objects.exists()


def test_spread_is_refused_once_a_decision_is_recorded(planner: Client) -> None:
    spread(planner)
    MunicipalDecision.objects.create(
        request=SettlementRequest.objects.get(municipality__number="4601"),
        decided=10,
        decided_on=datetime.date(2026, 2, 1),
    )
    response = spread(planner, 900)
    assert response.status_code == 422
    assert "kan ikke fordeles på nytt" in response.json()["detail"]


def test_the_list_has_the_decisions(planner: Client) -> None:
    spread(planner)
    bergen = SettlementRequest.objects.get(municipality__number="4601")
    MunicipalDecision.objects.create(
        request=bergen, decided=99, large_dwellings=4, decided_on=datetime.date(2026, 2, 1)
    )
    response = planner.get(API, {"year": YEAR})
    assert response.status_code == 200
    rows = {r["municipality"]: r for r in response.json()}
    assert rows["4601"]["decision"] == {
        "decided": 99,
        "unaccompanied_minors": 0,
        "minors_under_15": 0,
        "large_dwellings": 4,
        "school_children": None,
        "adaptation_capabilities": [],
        "source": "planner",
        "decided_on": "2026-02-01",
        "note": "",
        "version": 1,
    }
    assert rows["4601"]["county"] == "46" and rows["4601"]["municipality_name"] == "Bergen"
    assert rows["0301"]["decision"] is None
    assert planner.get(API).status_code == 422  # the year is required


def test_adjust_with_version_and_a_stale_version_is_409(planner: Client) -> None:
    spread(planner)
    kinn = SettlementRequest.objects.get(municipality__number="4602")
    url = f"{API}/{kinn.pk}"
    body = {"requested": 25, "unaccompanied_minors": 5, "reason": "Ny skole", "version": 1}
    response = call(planner, "patch", url, body)
    assert response.status_code == 200
    data = response.json()
    assert (data["requested"], data["computed"], data["adjusted"], data["version"]) == (
        25,
        kinn.computed,
        True,
        2,
    )
    assert data["adjustment_reason"] == "Ny skole"
    response = call(planner, "patch", url, {**body, "requested": 30})
    assert response.status_code == 409
    assert "Noen andre har lagret" in response.json()["detail"]
    response = call(planner, "patch", url, {**body, "requested": 30, "reason": "", "version": 2})
    assert response.status_code == 422
    assert response.json()["errors"]["reason"] == ["Skriv hvorfor anmodningen endres."]
    response = call(planner, "patch", url, {"requested": 30, "unaccompanied_minors": 0})
    assert response.status_code == 422
    assert "version" in response.json()["errors"]


def test_put_decision_creates_then_updates_it(planner: Client) -> None:
    spread(planner)
    bergen = SettlementRequest.objects.get(municipality__number="4601")
    url = f"{API}/{bergen.pk}/decision"
    body = {
        "decided": bergen.requested + 10,
        "unaccompanied_minors": 4,
        "large_dwellings": None,
        "decided_on": "2026-02-15",
        "note": "Mer enn anmodet",
        "version": 0,
    }
    response = call(planner, "put", url, body)
    assert response.status_code == 201
    assert response.json()["decision"]["decided"] == bergen.requested + 10
    assert response.json()["decision"]["large_dwellings"] is None
    assert call(planner, "put", url, body).status_code == 409  # a second «new» one
    response = call(planner, "put", url, {**body, "decided": 50, "version": 1})
    assert response.status_code == 200
    assert response.json()["decision"] == {
        "decided": 50,
        "unaccompanied_minors": 4,
        "minors_under_15": 0,
        "large_dwellings": None,
        "school_children": None,
        "adaptation_capabilities": [],
        "source": "planner",
        "decided_on": "2026-02-15",
        "note": "Mer enn anmodet",
        "version": 2,
    }
    response = call(planner, "put", url, {**body, "decided_on": "2026-12-24", "version": 2})
    assert response.status_code == 422
    assert "decided_on" in response.json()["errors"]


def test_the_summary_matches_the_list(planner: Client) -> None:
    SettlementNeed.objects.create(
        year=YEAR,
        from_reception=300,
        outside_reception=50,
        transfer_refugees=150,
        unaccompanied_minors=20,
    )
    spread(planner)
    bergen = SettlementRequest.objects.get(municipality__number="4601")
    MunicipalDecision.objects.create(
        request=bergen, decided=bergen.requested - 10, decided_on=datetime.date(2026, 2, 1)
    )
    response = planner.get(f"{API}/summary", {"year": YEAR})
    assert response.status_code == 200
    data = response.json()
    assert data["need"] == 500
    national = data["national"]
    assert (national["requested"], national["asked"], national["answered"]) == (500, 4, 1)
    assert (national["not_answered"], national["difference"]) == (3, -10)
    assert national["county"] == ""
    assert sum(c["requested"] for c in data["counties"]) == national["requested"]
    assert sum(c["decided"] for c in data["counties"]) == national["decided"]
    assert [c["county"] for c in data["counties"]] == ["03", "32", "46", "50"]


def test_a_municipal_user_gets_403_on_lists_and_404_on_a_request(planner: Client) -> None:
    spread(planner)
    request_id = SettlementRequest.objects.get(municipality__number="0301").pk
    user = make_user(municipality_number="0301")
    for client in (
        client_for(user),
        Client(headers={"Authorization": f"Bearer {token_create(user=user).token}"}),
    ):
        assert client.get(API, {"year": YEAR}).status_code == 403
        assert client.get(f"{API}/summary", {"year": YEAR}).status_code == 403
        assert spread(client).status_code == 403
        body = {"requested": 1, "unaccompanied_minors": 0, "reason": "x", "version": 1}
        assert call(client, "patch", f"{API}/{request_id}", body).status_code == 404
        assert (
            call(client, "put", f"{API}/{request_id}/decision", {"version": 0}).status_code == 404
        )
    assert SettlementRequest.objects.get(pk=request_id).version == 1
    assert not MunicipalDecision.objects.exists()
