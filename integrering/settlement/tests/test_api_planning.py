"""The settlement planning API: reception centres, the year's need, the year's progress."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from conftest import client_for
from integrering.audit.services import AccessContext
from integrering.settlement.models import ReceptionKind, SettlementNeed
from integrering.settlement.services.reception import reception_count_record
from integrering.settlement.testing import make_centre, make_request
from integrering.testing import make_household, make_user

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
NEED = {
    "from_reception": 2220,
    "outside_reception": 150,
    "transfer_refugees": 2930,
    "unaccompanied_minors": 270,
}


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, 0, tzinfo=OSLO), tick=False):
        yield


@pytest.fixture
def planner_client() -> Client:
    return client_for(make_user())


@pytest.fixture
def municipal_client() -> Client:
    return client_for(make_user(municipality_number="0301"))


def _put(client: Client, year: int, body: dict) -> Any:
    return client.put(f"/api/v1/settlement/needs/{year}", body, content_type="application/json")


def test_the_centres_come_with_their_latest_count(planner_client: Client) -> None:
    centre = make_centre("4601", kind=ReceptionKind.TRANSIT)
    make_centre("0301")  # not counted yet
    for on, seekers in ((datetime.date(2026, 1, 1), 10), (datetime.date(2026, 11, 6), 95)):
        reception_count_record(
            ctx=AccessContext.command("test"),
            centre=centre,
            counted_on=on,
            asylum_seekers=seekers,
            permit_to_settle=10,
        )
    response = planner_client.get("/api/v1/settlement/reception-centres")
    assert response.status_code == 200
    by_name = {c["name"]: c for c in response.json()}
    counted = by_name[centre.name]
    assert counted["kind"] == "transit" and counted["municipality"] == "4601"
    assert counted["latest_count"]["counted_on"] == "2026-11-06"
    assert counted["latest_count"]["residents"] == 105
    assert counted["over_capacity"] == 5  # 105 residents, 100 places
    assert [c["latest_count"] for c in by_name.values() if c["name"] != centre.name] == [None]


def test_a_year_without_a_need_reads_as_not_registered(planner_client: Client) -> None:
    response = planner_client.get("/api/v1/settlement/needs/2027")
    assert response.status_code == 200
    body = response.json()
    assert (body["registered"], body["version"], body["total"]) == (False, 0, 0)


def test_the_need_is_entered_and_revised_with_a_version(planner_client: Client) -> None:
    created = _put(planner_client, 2027, {**NEED, "note": "Beregnet pr oktober"})
    assert created.status_code == 201
    body = created.json()
    assert (body["registered"], body["total"], body["version"]) == (True, 5300, 1)

    no_reason = _put(planner_client, 2027, {**NEED, "transfer_refugees": 3000, "version": 1})
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["errors"]

    revised = _put(
        planner_client,
        2027,
        {**NEED, "transfer_refugees": 3000, "version": 1, "reason": "Ny kvote"},
    )
    assert revised.status_code == 200
    body = revised.json()
    assert (body["total"], body["version"]) == (5370, 2)
    assert [r["reason"] for r in body["revisions"]] == ["Ny kvote", ""]

    stale = _put(
        planner_client, 2027, {**NEED, "transfer_refugees": 1, "version": 1, "reason": "Gammel"}
    )
    assert stale.status_code == 409
    assert "Noen andre har lagret endringer" in stale.json()["detail"]
    assert SettlementNeed.objects.get(year=2027).transfer_refugees == 3000


def test_bad_figures_are_422_with_the_field(planner_client: Client) -> None:
    response = _put(planner_client, 2026, {**NEED, "unaccompanied_minors": 6000})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "unaccompanied_minors" in errors


def test_a_year_outside_the_planning_years_is_404(planner_client: Client) -> None:
    assert planner_client.get("/api/v1/settlement/needs/1999").status_code == 404
    assert _put(planner_client, 2030, NEED).status_code == 404
    assert planner_client.get("/api/v1/settlement/progress/2030").status_code == 404


def test_the_progress_has_every_group_and_the_months(planner_client: Client) -> None:
    _put(planner_client, 2026, NEED)
    make_request("0301", requested=60, decided=50)
    make_household(municipality_number="0301", members=2, settled_on=datetime.date(2026, 3, 1))
    response = planner_client.get("/api/v1/settlement/progress/2026")
    assert response.status_code == 200
    body = response.json()
    rows = {row["group"]: row for row in body["rows"]}
    assert list(rows) == [
        "from_reception",
        "outside_reception",
        "transfer_refugees",
        "total",
        "unaccompanied_minors",
        "family_reunification",
    ]
    total = rows["total"]
    assert (total["need"], total["requested"], total["decided"], total["settled"]) == (
        5300,
        60,
        50,
        2,
    )
    assert total["settled_percent"] == 0.0  # 2 of 5 300, rounded to one decimal
    assert body["cumulative_settled"]["total"][:3] == [0, 0, 2]
    assert body["cumulative_settled"]["total"][11] is None
    assert body["through"] == "2026-11-24"


def test_municipal_users_get_403_on_the_centres_and_404_on_a_year(
    municipal_client: Client,
) -> None:
    assert municipal_client.get("/api/v1/settlement/reception-centres").status_code == 403
    assert municipal_client.get("/api/v1/settlement/needs/2026").status_code == 404
    assert _put(municipal_client, 2026, NEED).status_code == 404
    assert municipal_client.get("/api/v1/settlement/progress/2026").status_code == 404
    assert not SettlementNeed.objects.exists()
