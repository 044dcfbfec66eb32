"""Progress through the year: need, requested, decided and settled by group, and the chart."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import client_for
from integrering.accounts.models import User
from integrering.audit.services import AccessContext
from integrering.people.models import Category, Household, Person
from integrering.settlement.models import SettlementRequest, WaitingStatus
from integrering.settlement.services.need import need_save
from integrering.settlement.services.progress import (
    FAMILY_REUNIFICATION,
    FROM_RECEPTION,
    OUTSIDE_RECEPTION,
    TOTAL,
    TRANSFER_REFUGEES,
    UNACCOMPANIED_MINORS,
    settlement_progress,
)
from integrering.settlement.testing import make_request, make_waiting_household
from integrering.testing import make_household, make_user

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, 0, tzinfo=OSLO), tick=False):
        yield


@pytest.fixture
def planner() -> User:
    return make_user()


def _settle(
    members: int, on: datetime.date, category: str = Category.FROM_RECEPTION, number: str = "0301"
) -> Household:
    household = make_household(municipality_number=number, members=members, settled_on=on)
    household.members.update(category=category)
    return household


def _settled(year: int) -> dict[str, int]:
    return {row.key: row.settled for row in settlement_progress(year=year).rows}


def test_a_person_settled_on_31_december_counts_in_that_year_not_the_next() -> None:
    _settle(2, datetime.date(2025, 12, 31))
    _settle(3, datetime.date(2026, 1, 1), Category.TRANSFER_REFUGEE)
    assert _settled(2025)[FROM_RECEPTION] == 2
    assert _settled(2025)[TRANSFER_REFUGEES] == 0
    assert _settled(2025)[TOTAL] == 2
    assert _settled(2026)[FROM_RECEPTION] == 0
    assert _settled(2026)[TRANSFER_REFUGEES] == 3
    assert _settled(2026)[TOTAL] == 3


def test_a_persons_own_settlement_date_comes_before_the_households() -> None:
    household = _settle(2, datetime.date(2025, 6, 1))
    joined = household.members.order_by("pk").last()
    assert joined is not None
    Person.objects.filter(pk=joined.pk).update(
        category=Category.FAMILY_REUNIFICATION, settled_on=datetime.date(2026, 3, 10)
    )
    assert (_settled(2025)[FROM_RECEPTION], _settled(2025)[FAMILY_REUNIFICATION]) == (1, 0)
    assert (_settled(2026)[FROM_RECEPTION], _settled(2026)[FAMILY_REUNIFICATION]) == (0, 1)


def test_each_category_counts_in_its_group_and_family_reunification_stays_out_of_the_total() -> (
    None
):
    on = datetime.date(2026, 4, 15)
    _settle(2, on, Category.FROM_RECEPTION)
    _settle(1, on, Category.UNACCOMPANIED_MINOR)
    _settle(3, on, Category.SELF_SETTLED)
    _settle(4, on, Category.TRANSFER_REFUGEE)
    _settle(2, on, Category.FAMILY_REUNIFICATION)
    settled = _settled(2026)
    assert settled == {
        FROM_RECEPTION: 3,  # 2 from reception + 1 unaccompanied minor
        OUTSIDE_RECEPTION: 3,
        TRANSFER_REFUGEES: 4,
        TOTAL: 10,  # the family members who joined later are not part of the need
        UNACCOMPANIED_MINORS: 1,
        FAMILY_REUNIFICATION: 2,
    }


def test_need_requested_and_decided_are_summed_for_the_year(planner: User) -> None:
    need_save(
        ctx=AccessContext(user=planner, route="test"),
        year=2026,
        from_reception=2220,
        outside_reception=150,
        transfer_refugees=2930,
        unaccompanied_minors=270,
    )
    make_request("0301", requested=50, decided=40)
    minors = make_request("4601", requested=30)
    SettlementRequest.objects.filter(pk=minors.pk).update(unaccompanied_minors=5)
    make_request("0301", year=2025, requested=999, decided=999)  # another year
    _settle(2, datetime.date(2026, 2, 1))

    progress = settlement_progress(year=2026)
    total = progress.row(TOTAL)
    assert (total.need, total.requested, total.decided, total.settled) == (5300, 80, 40, 2)
    assert total.settled_percent == pytest.approx(100 * 2 / 5300)
    minors_row = progress.row(UNACCOMPANIED_MINORS)
    assert (minors_row.need, minors_row.requested, minors_row.decided) == (270, 5, 0)
    # Requests and decisions are not split by group.
    assert progress.row(FROM_RECEPTION).need == 2220
    assert progress.row(FROM_RECEPTION).requested is None
    assert progress.row(FAMILY_REUNIFICATION).need is None
    assert (progress.requested_municipalities, progress.decided_municipalities) == (2, 1)


def test_without_a_need_the_share_is_not_computed() -> None:
    _settle(2, datetime.date(2026, 2, 1))
    total = settlement_progress(year=2026).row(TOTAL)
    assert total.need is None and total.settled_percent is None and total.requested is None


def test_the_cumulative_months_stop_at_today() -> None:
    _settle(2, datetime.date(2026, 2, 10))
    _settle(3, datetime.date(2026, 5, 20), Category.TRANSFER_REFUGEE)
    progress = settlement_progress(year=2026)
    assert progress.cumulative[TOTAL] == [0, 2, 2, 2, 5, 5, 5, 5, 5, 5, 5, None]
    assert progress.cumulative[TRANSFER_REFUGEES][4] == 3
    assert progress.through == datetime.date(2026, 11, 24)
    assert [month for month, _ in progress.monthly_rows()][-1] == "november"
    past = settlement_progress(year=2025)
    assert past.cumulative[TOTAL] == [0] * 12 and past.through == datetime.date(2025, 12, 31)
    future = settlement_progress(year=2027)
    assert future.cumulative[TOTAL] == [None] * 12 and future.through is None


def test_the_settled_counts_are_a_few_aggregate_queries_however_many_persons(
    django_assert_max_num_queries: object,
) -> None:
    for month in range(1, 11):
        _settle(3, datetime.date(2026, month, 1))
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        assert settlement_progress(year=2026).row(TOTAL).settled == 30


# --- The pages -------------------------------------------------------------------------------


def test_the_progress_page_has_the_table_and_the_chart_with_its_text(planner: User) -> None:
    _settle(2, datetime.date(2026, 2, 10))
    _settle(1, datetime.date(2026, 3, 1), Category.FAMILY_REUNIFICATION)
    response = client_for(planner).get("/bosetting/2026/fremdrift/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<caption" in body and 'scope="row"' in body
    assert "Familiegjenforente (utenom behovet)" in body
    assert 'src="/bosetting/2026/fremdrift.svg"' in body
    alt = re.search(r'<img [^>]*alt="([^"]+)"', body)
    assert alt is not None
    assert "Til og med 24.11.2026 er 2 personer bosatt." in alt.group(1)
    assert "februar" in body  # the monthly table, the chart's figures as text


def test_the_chart_is_an_svg_image_with_the_series(planner: User) -> None:
    _settle(2, datetime.date(2026, 2, 10))
    response = client_for(planner).get("/bosetting/2026/fremdrift.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="fremdrift-2026-title">Bosetting 2026</title>' in svg
    assert "Bosatt, totalt" in svg and "Bosatt, overføringsflyktninger" in svg


def test_the_front_page_shows_the_years_key_figures(planner: User) -> None:
    _settle(2, datetime.date(2026, 2, 10))
    make_request("0301", requested=50, decided=40)
    make_waiting_household(year=2026)
    confirmed = make_waiting_household(year=2026)
    confirmed.status = WaitingStatus.CONFIRMED
    confirmed.save()
    make_waiting_household(year=2027)
    response = client_for(planner).get("/bosetting/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bosetting 2026" in body
    figures = dict(
        re.findall(
            r'<a class="ds-link" href="[^"]*">([^<]+)</a></p><p class="figure">([^<]+)<', body
        )
    )
    assert figures == {
        "Bosettingsbehov": "Ikke registrert",
        "Anmodet": "50",
        "Vedtatt": "40",
        "Bosatt": "2",
        "Husstander som venter": "1",
    }
    for name in ("/bosetting/mottak/", "/bosetting/2026/behov/", "/bosetting/2026/anmodninger/"):
        assert f'href="{name}"' in body
    assert 'aria-current="page"' in body  # the sub-navigation marks the front page


def test_the_front_page_chooses_another_year_and_refuses_an_unknown_one(planner: User) -> None:
    client = client_for(planner)
    assert "Bosetting 2025" in client.get("/bosetting/", {"year": "2025"}).content.decode()
    refused = client.get("/bosetting/", {"year": "1800"})
    assert refused.status_code == 422
    assert "Velg et år fra listen." in refused.content.decode()


def test_municipal_users_get_403_on_the_front_page_and_404_on_a_year() -> None:
    client = client_for(make_user(municipality_number="0301"))
    assert client.get("/bosetting/").status_code == 403
    assert client.get("/bosetting/2026/fremdrift/").status_code == 404
    assert client.get("/bosetting/2026/fremdrift.svg").status_code == 404


def test_a_year_outside_the_planning_years_has_no_progress_page(planner: User) -> None:
    assert client_for(planner).get("/bosetting/1999/fremdrift/").status_code == 404
    assert client_for(planner).get("/bosetting/2040/fremdrift.svg").status_code == 404
