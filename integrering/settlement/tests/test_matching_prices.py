"""The weekly run with the online policy (issue 26): with a need for the year that is not yet
met, the run prices each municipality's places by what the households expected later need and
shows that price with every placement, on the page and in the API; without a need it is the
week's optimum, as before."""

from __future__ import annotations

import datetime

import pytest
from django.template.defaultfilters import floatformat

from conftest import World, client_for
from integrering.audit.services import AccessContext
from integrering.settlement.models import MatchRun, SettlementNeed
from integrering.settlement.services.matching import match_run_start, placement_change
from integrering.settlement.services.matching_compute import expected_later, match_run_compute
from integrering.settlement.testing import (
    make_facts,
    make_request,
    make_waiting_household,
    municipality,
)
from integrering.testing import make_household, make_user

YEAR = 2026
OSLO, BERGEN, TROMSO = "0301", "4601", "5501"


def _three_municipalities() -> None:
    """Oslo has the best results but 4 places; Bergen next, 40; Tromsø last, 40."""
    for number, score, decided in ((OSLO, "80", 4), (BERGEN, "60", 40), (TROMSO, "40", 40)):
        make_facts(number, year=YEAR, results_score=score)
        make_request(number, year=YEAR, requested=decided, decided=decided)


def _need(total: int) -> None:
    SettlementNeed.objects.create(
        year=YEAR,
        from_reception=total,
        outside_reception=0,
        transfer_refugees=0,
        unaccompanied_minors=0,
    )


def _run() -> MatchRun:
    ctx = AccessContext(user=make_user(username="planner"), route="test")
    run = match_run_start(ctx=ctx, year=YEAR, time_limit=10)
    computed = match_run_compute(run_id=run.pk)
    assert computed is not None
    return computed


@pytest.mark.django_db
def test_the_persons_expected_later_are_the_need_less_settled_and_waiting(world: World) -> None:
    assert expected_later(YEAR, waiting_persons=6) is None  # no need registered
    _three_municipalities()
    _need(60)
    make_household(municipality_number=OSLO, members=3, settled_on=datetime.date(YEAR, 2, 1))
    assert expected_later(YEAR, waiting_persons=6) == 60 - 3 - 6
    assert expected_later(YEAR, waiting_persons=70) == 0


@pytest.mark.django_db
def test_a_run_with_persons_expected_later_prices_the_scarce_places(world: World) -> None:
    _three_municipalities()
    _need(60)
    for _ in range(3):
        make_waiting_household(year=YEAR, members=2)
    run = _run()
    assert run.policy == "dynamic"
    assert run.expected_flow == 60 - 6
    prices = {number: run.place_prices[number]["persons"] for number in (OSLO, BERGEN, TROMSO)}
    # 60 persons this year for 84 places: Tromsø has room to spare (free); Bergen fills, and
    # a place there is worth what Bergen gives over Tromsø; Oslo's few places cost the most.
    assert prices[OSLO] > prices[BERGEN] > 0 == prices[TROMSO]
    assert run.placed == 3 and run.myopic_objective is not None
    assert run.objective is not None and run.objective <= run.myopic_objective + 1e-9
    for placement in run.placements.select_related("municipality"):
        assert placement.municipality is not None
        assert placement.place_price == pytest.approx(
            2 * prices[placement.municipality.number], abs=1e-3
        )
        for option in placement.explanation:
            assert option["price"] == pytest.approx(2 * prices[option["municipality"]], abs=1e-3)

    planner = client_for(make_user(username="planner2"))
    page = planner.get(f"/bosetting/utsoking/{run.pk}/").content.decode()
    assert "Dynamisk: holder av plasser for husstander som ventes senere i år" in page
    assert "54 personer til etter denne uken" in page
    assert "Pris per person denne uken" in page
    assert floatformat(prices[OSLO], "3") in page
    shown = run.placements.select_related("municipality").first()
    assert shown is not None and shown.place_price is not None
    detail = planner.get(f"/bosetting/plasseringer/{shown.pk}/").content.decode()
    assert "Pris for en plass denne uken" in detail
    assert floatformat(shown.place_price, "3") in detail
    assert "Utsøkingen plasserer husstanden der skåren minus prisen er høyest" in detail

    body = planner.get(f"/api/v1/settlement/match-runs/{run.pk}").json()
    assert body["policy"] == "dynamic" and body["expected_flow"] == 54
    assert body["place_prices"][OSLO]["persons"] == pytest.approx(prices[OSLO])
    one = planner.get(f"/api/v1/settlement/placements/{shown.pk}").json()
    assert one["place_price"] == pytest.approx(shown.place_price)
    assert all(option["price"] is not None for option in one["better"])


@pytest.mark.django_db
def test_moving_a_household_prices_its_new_place(world: World) -> None:
    _three_municipalities()
    _need(60)
    for _ in range(3):
        make_waiting_household(year=YEAR, members=2)
    run = _run()
    placement = run.placements.exclude(municipality__number=TROMSO).first()
    assert placement is not None
    ctx = AccessContext(user=make_user(username="planner3"), route="test")
    moved = placement_change(
        ctx=ctx,
        placement=placement,
        municipality=municipality(TROMSO),
        locked=True,
        version=placement.version,
    )
    assert moved.place_price == 0.0  # Tromsø has room to spare


@pytest.mark.django_db
def test_without_a_need_the_run_is_the_weeks_optimum_and_shows_no_price(world: World) -> None:
    _three_municipalities()
    for _ in range(3):
        make_waiting_household(year=YEAR, members=2)
    run = _run()
    assert run.policy == "myopic" and run.expected_flow is None and run.place_prices == {}
    assert run.objective == pytest.approx(run.myopic_objective)
    placement = run.placements.first()
    assert placement is not None and placement.place_price is None
    planner = client_for(make_user(username="planner2"))
    page = planner.get(f"/bosetting/utsoking/{run.pk}/").content.decode()
    assert "årets bosettingsbehov er ikke registrert" in page
    assert "Pris per person denne uken" not in page
    detail = planner.get(f"/bosetting/plasseringer/{placement.pk}/").content.decode()
    assert "Pris for en plass denne uken" not in detail
    one = planner.get(f"/api/v1/settlement/placements/{placement.pk}").json()
    assert one["place_price"] is None
