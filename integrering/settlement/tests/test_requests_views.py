"""The planner's requests and decisions pages: spread, adjust, record, the sums, who may see them."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from conftest import client_for
from integrering.settlement.models import (
    MunicipalDecision,
    SettlementNeed,
    SettlementRequest,
)
from integrering.settlement.services.request_tables import requests_summary
from integrering.settlement.testing import make_facts
from integrering.testing import make_user

YEAR = 2026
LIST = f"/bosetting/{YEAR}/anmodninger/"
TODAY = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)

# Oslo (03), Bærum (32), Stavanger and Sandnes (11), Bergen, Kinn and Voss (46), Trondheim (50).
FACTS = [
    ("0301", 717_710, "41.5", "0.27"),
    ("3201", 130_000, "60", "0.35"),  # over the limit: not asked
    ("1103", 145_000, "55", "0.22"),
    ("1108", 83_000, "50", "0.20"),
    ("4601", 291_000, "58", "0.18"),
    ("4602", 17_000, "65", "0.10"),
    ("4621", 16_000, "48", "0.08"),
    ("5001", 214_000, "62", "0.15"),
]


@pytest.fixture(autouse=True)
def today() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def facts(db: None) -> None:
    for number, population, results, share in FACTS:
        make_facts(
            number, year=YEAR, population=population, results_score=results, immigrant_share=share
        )


@pytest.fixture
def planner(db: None) -> Client:
    return client_for(make_user())


@pytest.fixture
def need(db: None) -> SettlementNeed:
    return SettlementNeed.objects.create(
        year=YEAR,
        from_reception=600,
        outside_reception=50,
        transfer_refugees=350,
        unaccompanied_minors=40,
    )


def spread(planner: Client, need: int = 1000, below_minimum: str = "drop") -> Any:
    return planner.post(LIST, {"need": str(need), "below_minimum": below_minimum})


def request_of(number: str) -> SettlementRequest:
    return SettlementRequest.objects.get(year=YEAR, municipality__number=number)


def detail(number: str) -> str:
    return f"/bosetting/anmodninger/{request_of(number).pk}/"


# --- The list page and the spreading ----------------------------------------------------------


def test_the_page_answers_for_a_year_without_any_data(planner: Client) -> None:
    response = planner.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Anmodninger og vedtak 2026" in page
    assert "integrering settlement-facts --year 2026" in page
    assert "Behovet for 2026 er ikke registrert" in page


def test_the_need_is_shown_and_prefilled_and_the_criteria_explained(
    planner: Client, facts: None, need: SettlementNeed
) -> None:
    page = planner.get(LIST).content.decode()
    assert 'name="need" value="1000"' in page
    assert "hvorav 40 enslige mindreårige" in page
    assert "vektes med 60 %" in page and "vektes med 40 %" in page
    assert "færre enn 10 personer" in page and "over 30 %" in page
    assert '<legend class="ds-label">Kommuner som beregnes til færre enn 10 personer' in page


def test_the_planner_spreads_the_need_and_every_municipality_gets_a_request(
    planner: Client, facts: None
) -> None:
    response = spread(planner, 1000)
    assert response.status_code == 302
    assert response["Location"] == LIST
    requests = SettlementRequest.objects.filter(year=YEAR)
    assert requests.count() == len(FACTS)
    assert sum(r.requested for r in requests) == 1000
    assert all(r.requested == r.computed for r in requests)
    baerum = request_of("3201")
    assert baerum.requested == 0
    assert baerum.reason == "Innvandrerandel 35 % er over grensen på 30 %."
    page = planner.get(LIST).content.decode()
    assert "Behovet på 1000 personer er fordelt: 7 av 8 kommuner er anmodet." in page
    assert "<caption>Anmodninger 2026</caption>" in page
    assert "Vestland" in page and "Hele landet" in page


def test_a_bad_need_re_renders_the_form_with_the_error(planner: Client, facts: None) -> None:
    response = planner.post(LIST, {"need": "mange", "below_minimum": "drop"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Skriv et helt tall" in page
    assert 'aria-invalid="true"' in page
    response = planner.post(LIST, {"need": "0", "below_minimum": "sideways"})
    assert response.status_code == 422
    assert "Behovet må være minst 1." in response.content.decode()
    assert not SettlementRequest.objects.exists()


def test_a_need_raise_cannot_pay_for_is_refused_on_the_form(planner: Client, facts: None) -> None:
    response = spread(planner, 60, "raise")  # seven eligible x 10 = 70 > 60
    assert response.status_code == 422
    assert "til sammen 70, men behovet er 60" in response.content.decode()
    assert not SettlementRequest.objects.exists()


def test_spreading_without_figures_says_how_to_load_them(planner: Client) -> None:
    response = spread(planner, 100)
    assert response.status_code == 422
    assert "integrering settlement-facts --year 2026" in response.content.decode()


def test_a_new_spread_replaces_the_requests_and_their_adjustments(
    planner: Client, facts: None
) -> None:
    spread(planner, 1000)
    SettlementRequest.objects.filter(municipality__number="0301").update(requested=1)
    spread(planner, 2000, "raise")
    assert sum(r.requested for r in SettlementRequest.objects.filter(year=YEAR)) == 2000
    assert request_of("0301").requested == request_of("0301").computed


def test_spreading_again_is_refused_once_a_municipality_has_decided(
    planner: Client, facts: None
) -> None:
    spread(planner, 1000)
    oslo = request_of("0301")
    MunicipalDecision.objects.create(
        request=oslo, decided=100, decided_on=datetime.date(2026, 2, 1)
    )
    before = list(SettlementRequest.objects.values_list("pk", "requested"))
    response = spread(planner, 2000)
    assert response.status_code == 422
    assert "kan ikke fordeles på nytt: 1 kommune har allerede svart" in response.content.decode()
    assert list(SettlementRequest.objects.values_list("pk", "requested")) == before
    # The page says so instead of offering the form.
    assert "kan ikke fordeles på nytt" in planner.get(LIST).content.decode()


# --- One request: adjust it, record the decision ----------------------------------------------


def test_the_planner_adjusts_a_request_with_a_reason(planner: Client, facts: None) -> None:
    spread(planner, 1000)
    bergen = request_of("4601")
    response = planner.post(
        detail("4601"),
        {
            "action": "adjust",
            "adjust-requested": "150",
            "adjust-unaccompanied_minors": "12",
            "adjust-reason": "Bergen har bedt om flere etter dialog",
            "adjust-version": str(bergen.version),
        },
    )
    assert response.status_code == 302
    bergen.refresh_from_db()
    assert (bergen.requested, bergen.unaccompanied_minors) == (150, 12)
    assert bergen.computed != 150 and bergen.adjusted
    assert bergen.adjusted_at is not None and bergen.adjusted_by is not None
    page = planner.get(detail("4601")).content.decode()
    assert "Bergen har bedt om flere etter dialog" in page
    assert f"(justert fra {bergen.computed})" in page
    assert "Anmodningen satt til 150 personer, hvorav 12 enslige mindreårige" in page


def test_an_adjustment_without_a_reason_or_with_too_many_minors_is_refused(
    planner: Client, facts: None
) -> None:
    spread(planner, 1000)
    url, version = detail("4601"), request_of("4601").version
    response = planner.post(
        url,
        {
            "action": "adjust",
            "adjust-requested": "150",
            "adjust-unaccompanied_minors": "0",
            "adjust-reason": "",
            "adjust-version": str(version),
        },
    )
    assert response.status_code == 422
    assert "Skriv hvorfor anmodningen endres." in response.content.decode()
    response = planner.post(
        url,
        {
            "action": "adjust",
            "adjust-requested": "10",
            "adjust-unaccompanied_minors": "11",
            "adjust-reason": "x",
            "adjust-version": str(version),
        },
    )
    assert response.status_code == 422
    assert "kan ikke være flere enn 10" in response.content.decode()
    assert not request_of("4601").adjusted


def test_a_stale_adjustment_is_a_conflict_and_keeps_what_was_typed(
    planner: Client, facts: None
) -> None:
    spread(planner, 1000)
    bergen = request_of("4601")
    form = {
        "action": "adjust",
        "adjust-requested": "150",
        "adjust-unaccompanied_minors": "0",
        "adjust-reason": "Første",
        "adjust-version": str(bergen.version),
    }
    assert planner.post(detail("4601"), form).status_code == 302
    response = planner.post(
        detail("4601"), {**form, "adjust-requested": "170", "adjust-reason": "Andre"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Noen andre har lagret endringer i anmodningen" in page
    assert 'value="170"' in page
    assert request_of("4601").requested == 150


def test_the_planner_records_a_decision_that_may_exceed_the_request(
    planner: Client, facts: None
) -> None:
    spread(planner, 1000)
    kinn = request_of("4602")
    response = planner.post(
        detail("4602"),
        {
            "action": "decision",
            "decision-decided": str(kinn.requested + 5),
            "decision-unaccompanied_minors": "3",
            "decision-large_dwellings": "",
            "decision-decided_on": "2026-02-20",
            "decision-note": "Kommunestyret 20.02.",
            "decision-version": "0",
        },
    )
    assert response.status_code == 302
    decision = MunicipalDecision.objects.get(request=kinn)
    assert decision.decided == kinn.requested + 5
    assert decision.large_dwellings is None
    assert decision.recorded_by is not None
    page = planner.get(detail("4602")).content.decode()
    assert "kommunen har vedtatt mer enn den ble anmodet om" in page
    assert "Ingen grense oppgitt" in page
    assert "Rett vedtaket" in page
    assert "(over anmodningen)" in planner.get(LIST).content.decode()


def test_a_decision_in_the_future_or_with_too_many_minors_is_refused(
    planner: Client, facts: None
) -> None:
    spread(planner, 1000)
    response = planner.post(
        detail("4602"),
        {
            "action": "decision",
            "decision-decided": "20",
            "decision-unaccompanied_minors": "21",
            "decision-decided_on": "2026-03-03",
            "decision-version": "0",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "kan ikke være flere enn 20" in page
    assert "Vedtaksdatoen kan ikke være etter i dag (02.03.2026)." in page
    assert not MunicipalDecision.objects.exists()


def test_a_second_new_decision_on_the_same_request_is_a_conflict(
    planner: Client, facts: None
) -> None:
    spread(planner, 1000)
    form = {
        "action": "decision",
        "decision-decided": "20",
        "decision-unaccompanied_minors": "0",
        "decision-decided_on": "2026-02-20",
        "decision-version": "0",
    }
    assert planner.post(detail("4602"), form).status_code == 302
    response = planner.post(detail("4602"), {**form, "decision-decided": "25"})
    assert response.status_code == 409
    assert MunicipalDecision.objects.get().decided == 20
    decision = MunicipalDecision.objects.get()
    form["decision-version"] = str(decision.version)
    assert planner.post(detail("4602"), {**form, "decision-decided": "25"}).status_code == 302
    decision.refresh_from_db()
    assert (decision.decided, decision.version) == (25, 2)


def test_an_unknown_action_is_a_bad_request(planner: Client, facts: None) -> None:
    spread(planner, 1000)
    assert planner.post(detail("4602"), {"action": "delete"}).status_code == 400


# --- The sums, the filters and the download ---------------------------------------------------


def _decide(number: str, decided: int, minors: int = 0) -> None:
    MunicipalDecision.objects.create(
        request=request_of(number),
        decided=decided,
        unaccompanied_minors=minors,
        decided_on=datetime.date(2026, 2, 1),
    )


def test_the_county_sums_add_up_to_the_national_sums(planner: Client, facts: None) -> None:
    spread(planner, 1000)
    SettlementRequest.objects.filter(municipality__number="4601").update(unaccompanied_minors=7)
    bergen, kinn = request_of("4601"), request_of("4602")
    _decide("4601", bergen.requested - 30, minors=5)
    _decide("4602", kinn.requested + 4)
    summary = requests_summary(YEAR)
    national, counties = summary.national, summary.counties
    assert [c.county for c in counties] == ["03", "11", "32", "46", "50"]
    for name in (
        "municipalities",
        "asked",
        "requested",
        "requested_minors",
        "answered",
        "not_answered",
        "decided",
        "decided_minors",
        "difference",
        "outstanding",
    ):
        assert sum(getattr(c, name) for c in counties) == getattr(national, name), name
    assert national.municipalities == 8 and national.asked == 7
    assert national.requested == 1000 and national.requested_minors == 7
    assert national.answered == 2 and national.not_answered == 5
    assert national.decided == bergen.requested + kinn.requested - 26
    assert national.decided_minors == 5
    assert national.difference == -26  # only over those who have answered
    assert national.outstanding == 1000 - bergen.requested - kinn.requested
    assert national.above_request == 1
    vestland = next(c for c in counties if c.county == "46")
    assert (vestland.county_name, vestland.answered, vestland.not_answered) == ("Vestland", 2, 1)
    summary = requests_summary(YEAR)
    assert summary.need is None and summary.requested_minus_need is None


def test_the_filters_show_one_county_and_those_not_answered(planner: Client, facts: None) -> None:
    spread(planner, 1000)
    _decide("4601", 100)
    page = planner.get(LIST, {"county": "46"}).content.decode()
    table = page.split("<caption>Anmodninger 2026")[1]
    assert "Bergen" in table and "Kinn" in table and "Voss" in table
    assert "Trondheim" not in table and "Oslo" not in table
    page = planner.get(LIST, {"county": "46", "not_answered": "on"}).content.decode()
    table = page.split("<caption>Anmodninger 2026")[1]
    assert "Bergen" not in table and "Kinn" in table
    page = planner.get(LIST, {"not_answered": "on"}).content.decode()
    table = page.split("<caption>Anmodninger 2026")[1]
    assert "Bærum" not in table  # not asked, so not waited for
    assert planner.get(LIST, {"county": "99"}).status_code == 200  # the error is shown, no filter


def test_the_requests_table_downloads_as_excel(planner: Client, facts: None) -> None:
    spread(planner, 1000)
    _decide("4601", 100)
    response = planner.get(LIST, {"format": "xlsx", "county": "46"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="anmodninger-2026-fylke-46.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert str(sheet["A1"].value).startswith("Anmodninger om bosetting for 2026 – Fylke: ")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))  # below the title row
    assert rows[0][:3] == ("Kommunenummer", "Kommune", "Fylke")
    assert [r[0] for r in rows[1:]] == ["4601", "4602", "4621"]
    assert rows[1][rows[0].index("Vedtatt")] == 100


# --- Who may see it --------------------------------------------------------------------------


def test_a_municipal_caseworker_gets_404_on_the_list_and_on_a_request(
    planner: Client, facts: None
) -> None:
    spread(planner, 1000)
    caseworker = client_for(make_user(municipality_number="0301"))
    url = detail("0301")
    for method in ("get", "post"):
        assert getattr(caseworker, method)(LIST).status_code == 404
        assert getattr(caseworker, method)(url).status_code == 404
    assert caseworker.post(LIST, {"need": "5", "below_minimum": "drop"}).status_code == 404
    assert caseworker.get(LIST, {"format": "xlsx"}).status_code == 404
    assert SettlementRequest.objects.filter(year=YEAR).count() == len(FACTS)


def test_a_year_without_criteria_shows_a_warning_and_a_year_out_of_range_is_404(
    planner: Client,
) -> None:
    response = planner.get("/bosetting/2018/anmodninger/")
    assert response.status_code == 200
    assert "Det finnes ingen kriterier for anmodninger for 2018" in response.content.decode()
    assert planner.get("/bosetting/1999/anmodninger/").status_code == 404
