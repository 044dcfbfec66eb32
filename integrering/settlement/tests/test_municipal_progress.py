"""Settled against decided, per municipality and county (issue 21 item 4): decided, settled so far
in the year, confirmed by the matcher but not settled yet, and what is left."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.utils import timezone

from conftest import client_for
from integrering.people.models import Category, Household
from integrering.settlement.models import MunicipalDecision, WaitingHousehold, WaitingStatus
from integrering.settlement.services.progress import (
    MunicipalProgress,
    municipal_progress,
    municipality_progress,
)
from integrering.settlement.services.request_tables import requests_summary
from integrering.settlement.testing import make_request, make_waiting_household
from integrering.testing import make_household, make_user, municipality

YEAR = 2026
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


def settle(number: str, members: int, on: datetime.date, category: str = "") -> Household:
    household = make_household(municipality_number=number, members=members, settled_on=on)
    if category:
        household.members.update(category=category)
    return household


def confirm(number: str, members: int, household: Household | None = None) -> WaitingHousehold:
    waiting = make_waiting_household(year=YEAR, members=members)
    WaitingHousehold.objects.filter(pk=waiting.pk).update(
        status=WaitingStatus.CONFIRMED,
        confirmed_municipality=municipality(number),
        confirmed_at=timezone.now(),
        household=household,
    )
    return waiting


@pytest.fixture
def oslo_year() -> None:
    oslo = make_request("0301", year=YEAR, requested=50, decided=40)
    MunicipalDecision.objects.filter(request=oslo).update(unaccompanied_minors=5)
    make_request("4601", year=YEAR, requested=60, decided=3)
    make_request("4621", year=YEAR, requested=12)  # not answered
    settle("0301", 3, datetime.date(2026, 3, 1))
    settle("0301", 1, datetime.date(2026, 4, 1), Category.UNACCOMPANIED_MINOR)
    settle("0301", 2, datetime.date(2026, 4, 2), Category.FAMILY_REUNIFICATION)  # outside
    settle("0301", 2, datetime.date(2025, 12, 31))  # last year
    confirm("0301", 2)  # placed, not in the register yet
    registered = make_household(municipality_number="0301", members=3)
    Household.objects.filter(pk=registered.pk).update(settled_on=None)
    registered.members.update(settled_on=None)
    confirm("0301", 3, registered)  # in the register, not settled yet
    confirm("0301", 2, settle("0301", 2, datetime.date(2026, 5, 1)))  # settled: counted once
    settle("4601", 4, datetime.date(2026, 2, 1))
    confirm("4601", 1)


def test_one_municipalitys_progress(oslo_year: None) -> None:
    oslo = municipality_progress(year=YEAR, municipality_id=municipality("0301").pk)
    assert (oslo.requested, oslo.decided, oslo.decided_minors) == (50, 40, 5)
    assert (oslo.settled, oslo.settled_minors) == (6, 1)  # 3 + 1 minor + 2 of a placed household
    assert oslo.confirmed == 5  # 2 not registered + 3 registered, not settled
    assert oslo.left == 29 and oslo.beyond == 0
    assert oslo.settled_percent == 15.0


def test_settled_and_confirmed_past_the_decision_leave_nothing_and_say_how_much_beyond(
    oslo_year: None,
) -> None:
    bergen = municipality_progress(year=YEAR, municipality_id=municipality("4601").pk)
    assert (bergen.decided, bergen.settled, bergen.confirmed) == (3, 4, 1)
    assert (bergen.left, bergen.beyond) == (0, 2)
    voss = municipality_progress(year=YEAR, municipality_id=municipality("4621").pk)
    assert (voss.decided, voss.left, voss.settled_percent) == (None, None, None)
    assert not voss.answered
    nothing = municipality_progress(year=YEAR, municipality_id=municipality("5001").pk)
    assert nothing == MunicipalProgress(municipality_id=municipality("5001").pk, year=YEAR)


def test_the_progress_of_every_municipality_in_one_read(oslo_year: None) -> None:
    everyone = municipal_progress(year=YEAR)
    numbers = {p.municipality_id: p for p in everyone.values()}
    assert {municipality(n).pk for n in ("0301", "4601", "4621")} <= set(numbers)
    assert everyone[municipality("0301").pk].settled == 6
    assert municipal_progress(year=2025)[municipality("0301").pk].settled == 2


def test_the_county_sums_add_up_the_municipalities(oslo_year: None) -> None:
    summary = requests_summary(YEAR)
    counties = {c.county: c for c in summary.counties}
    assert (counties["03"].settled, counties["03"].confirmed, counties["03"].left) == (6, 5, 29)
    assert (counties["46"].settled, counties["46"].confirmed, counties["46"].left) == (4, 1, 0)
    national = summary.national
    assert (national.settled, national.confirmed, national.left) == (10, 6, 29)


def test_the_planner_sees_the_progress_per_municipality_and_county(oslo_year: None) -> None:
    planner = client_for(make_user())
    page = planner.get(f"/bosetting/{YEAR}/anmodninger/").content.decode()
    assert '<th scope="col">Bosatt i år</th>' in page and '<th scope="col">Gjenstår</th>' in page
    assert (
        "10 personer; 6 bekreftet i utsøkingen, ikke bosatt ennå; 29 gjenstår av vedtakene" in page
    )
    rows = planner.get(f"/bosetting/{YEAR}/anmodninger/").context["rows"]
    oslo = next(r for r in rows if r.request.municipality.number == "0301")
    assert (oslo.settled, oslo.confirmed, oslo.left) == (6, 5, 29)
    detail = planner.get(f"/bosetting/anmodninger/{oslo.request.pk}/").content.decode()
    assert "Bosatt mot vedtatt" in detail
    assert "6 personer, hvorav 1 enslig mindreårig (15 % av vedtaket)" in detail
    assert "29 personer" in detail
