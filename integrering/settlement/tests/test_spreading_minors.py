"""Unaccompanied minors in the requests (issue 21 item 3): spread by the same method over the
municipalities that have said yes to them; the sums hold nationally and per county."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from conftest import client_for
from integrering.audit.services import AccessContext
from integrering.settlement.models import MunicipalityFacts, SettlementNeed, SettlementRequest
from integrering.settlement.services.request_tables import requests_summary
from integrering.settlement.services.requests import requests_spread
from integrering.settlement.spreading import (
    Criteria,
    SpreadError,
    SpreadRow,
    spread,
    spread_file_read,
)
from integrering.settlement.spreading_groups import spread_with_minors
from integrering.settlement.testing import make_facts
from integrering.testing import make_user

YEAR = 2026
ON = datetime.date(YEAR, 1, 1)
TODAY = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)


def row(number: str, population: int, results: str, accepts: bool, share: str = "0.1") -> SpreadRow:
    return SpreadRow(number, population, Decimal(results), Decimal(share), False, accepts)


# --- The method --------------------------------------------------------------------------------


def test_the_minors_go_only_to_the_municipalities_that_said_yes_with_the_same_weights() -> None:
    rows = [
        row("0301", 30_000, "60", True),
        row("4601", 50_000, "50", False),
        row("5001", 10_000, "20", True),
        row("1103", 40_000, "40", False),
    ]
    result = spread_with_minors(207, 7, rows, on=ON)
    minors = {line.municipality: line.minors for line in result.lines}
    # Over the accepting two: w = 0.6 * 60/80 + 0.4 * 30 000/40 000 = 0.75 and 0.25, so 5.25 and
    # 1.75; floor 5 and 1, the one left to the larger remainder (0.75): 5 and 2. No minimum of 10
    # for the minors (settlement/request_minors_minimum), or both would be dropped.
    assert minors == {"0301": 5, "4601": 0, "5001": 2, "1103": 0}
    adults = spread(200, rows, on=ON)
    for line, adult in zip(result.lines, adults.lines, strict=True):
        assert line.request == adult.request + line.minors
        assert line.adults_request == adult.request
    assert result.total == 207 and result.minors_total == 7
    assert result.minors_municipalities == 2


def test_the_minors_criteria_are_the_weights_in_force_with_their_own_minimum() -> None:
    criteria, minors = Criteria.in_force(ON), Criteria.for_minors(ON)
    assert (minors.results_weight, minors.population_weight) == (Fraction(3, 5), Fraction(2, 5))
    assert minors.max_immigrant_share == criteria.max_immigrant_share == Fraction(3, 10)
    assert (criteria.minimum, minors.minimum) == (10, 0)


def test_the_sums_are_exact_with_rounding_in_both_parts() -> None:
    rows = [
        row(f"{n:04d}", 1_000 + 137 * n, f"{10 + n % 7}.5", n % 3 == 0, f"0.{n % 4 + 1}")
        for n in range(1, 40)
    ]
    for need, minors in [(1001, 37), (5350, 270), (333, 1), (97, 97)]:
        result = spread_with_minors(need, minors, rows, on=ON)
        assert result.total == need
        assert result.minors_total == minors
        assert all(
            line.minors == 0
            for line, r in zip(result.lines, rows, strict=True)
            if not r.accepts_minors
        )
        assert all(0 <= line.minors <= line.request for line in result.lines)


def test_a_municipality_whose_adults_part_is_under_the_minimum_is_asked_for_minors_only() -> None:
    rows = [row("0301", 300_000, "99", False), row("4621", 2_000, "1", True)]
    result = spread_with_minors(103, 3, rows, on=ON)
    voss = result.lines[1]
    assert (voss.request, voss.minors, voss.adults_request) == (3, 3, 0)
    assert voss.reason.startswith("Voksne og familier: beregnet til ")
    assert "under minsteanmodningen på 10: anmodes ikke." in voss.reason
    assert (
        "Anmodes om 3 enslige mindreårige (kommunen tar imot enslige mindreårige)." in voss.reason
    )
    assert result.lines[0].reason == ""


def test_minors_without_a_municipality_that_said_yes_are_refused() -> None:
    rows = [row("0301", 30_000, "60", False), row("4601", 50_000, "50", False)]
    with pytest.raises(SpreadError, match="ingen kommune har sagt ja til å bosette enslige"):
        spread_with_minors(100, 5, rows, on=ON)
    assert spread_with_minors(100, 0, rows, on=ON).total == 100  # no minors: no yes needed


def test_minors_above_the_limit_and_bad_counts_are_refused() -> None:
    rows = [row("0301", 30_000, "60", True, share="0.4"), row("4601", 50_000, "50", False)]
    with pytest.raises(
        SpreadError, match="5 enslige mindreårige kan ikke fordeles på 1 kommune som tar imot"
    ):
        spread_with_minors(100, 5, rows, on=ON)
    with pytest.raises(SpreadError, match="kan ikke være flere enn 100"):
        spread_with_minors(100, 101, rows, on=ON)
    with pytest.raises(SpreadError, match="0 eller større"):
        spread_with_minors(100, -1, rows, on=ON)


# --- The facts file: accepts_minors -----------------------------------------------------------

HEADER = "municipality_number,population,results_score,immigrant_share,exception"


def test_the_file_reads_accepts_minors_in_every_spelling() -> None:
    text = (
        f"{HEADER},accepts_minors\n"
        "0301,1000,10,0.1,0,ja\n4601,1000,10,0.1,0,NEI\n5001,1000,10,0.1,0,1\n"
        "1103,1000,10,0.1,0,0\n1108,1000,10,0.1,0,true\n4602,1000,10,0.1,0,False\n"
        "4621,1000,10,0.1,0,\n"
    )
    read = spread_file_read(text)
    assert read.problems == []
    assert [r.accepts_minors for r in read.rows] == [True, False, True, False, True, False, False]
    assert all(not r.accepts_minors for r in spread_file_read(f"{HEADER}\n0301,1,1,0.1,0\n").rows)


def test_a_bad_accepts_minors_is_named_by_line_and_nothing_is_read() -> None:
    read = spread_file_read(
        f"{HEADER},accepts_minors\n0301,1000,10,0.1,0,ja\n4601,1000,10,0.1,0,kanskje\n"
    )
    assert read.rows == []
    assert read.problems == [
        "Linje 3: accepts_minors «kanskje» må være ja eller nei (også 1/0 eller true/false): har "
        "kommunen sagt ja til enslige mindreårige?"
    ]


def _facts_command(tmp_path: Path, text: str) -> int:
    path = tmp_path / "kommunedata.csv"
    path.write_text(text, encoding="utf-8")
    try:
        call_command("settlement_facts", "--year", str(YEAR), "--file", str(path))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_the_facts_command_saves_accepts_minors_all_or_nothing(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = f"{HEADER},accepts_minors\n0301,717710,41.5,0.27,0,ja\n4601,291189,55,0.2,0,nei\n"
    assert _facts_command(tmp_path, good) == 0
    saved = dict(
        MunicipalityFacts.objects.filter(year=YEAR).values_list(
            "municipality__number", "accepts_minors"
        )
    )
    assert saved == {"0301": True, "4601": False}
    bad = f"{HEADER},accepts_minors\n0301,717710,41.5,0.27,0,nei\n5001,1000,10,0.1,0,x\n"
    assert _facts_command(tmp_path, bad) == 2
    assert "Linje 3: accepts_minors «x»" in capsys.readouterr().err
    assert MunicipalityFacts.objects.get(year=YEAR, municipality__number="0301").accepts_minors


def test_the_spread_command_spreads_minors_with_the_file_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kommuner.csv"
    path.write_text(
        f"{HEADER},accepts_minors\n0301,30000,60,0.1,0,ja\n4601,50000,50,0.1,0,nei\n"
        "5001,10000,20,0.1,0,ja\n",
        encoding="utf-8",
    )
    call_command(
        "settlement",
        "spread",
        "--need",
        "207",
        "--minors",
        "7",
        "--municipalities",
        str(path),
        "--year",
        "2026",
        "--json",
    )
    data = json.loads(capsys.readouterr().out)
    assert data["need"] == 207 and data["unaccompanied_minors"] == 7
    minors = {r["municipality"]: r["unaccompanied_minors"] for r in data["requests"]}
    assert minors == {"0301": 5, "4601": 0, "5001": 2}
    assert sum(r["request"] for r in data["requests"]) == 207


# --- Saved as the year's requests -------------------------------------------------------------

# Oslo (03), Stavanger and Sandnes (11), Bergen, Kinn and Voss (46), Trondheim (50).
FACTS = [
    ("0301", 717_710, "41.5", "0.27", True),
    ("1103", 145_000, "55", "0.22", False),
    ("1108", 83_000, "50", "0.20", True),
    ("4601", 291_000, "58", "0.18", True),
    ("4602", 17_000, "65", "0.10", False),
    ("4621", 16_000, "48", "0.08", True),
    ("5001", 214_000, "62", "0.15", False),
]


@pytest.fixture(autouse=True)
def today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def facts(db: None) -> None:
    for number, population, results, share, accepts in FACTS:
        made = make_facts(
            number, year=YEAR, population=population, results_score=results, immigrant_share=share
        )
        MunicipalityFacts.objects.filter(pk=made.pk).update(accepts_minors=accepts)


def _ctx() -> AccessContext:
    return AccessContext.command("test")


def test_the_years_requests_hold_the_minors_and_sum_nationally_and_per_county(facts: None) -> None:
    created = requests_spread(
        ctx=_ctx(), year=YEAR, need=1003, below_minimum="drop", unaccompanied_minors=37
    )
    assert sum(r.requested for r in created) == 1003
    assert sum(r.unaccompanied_minors for r in created) == 37
    accepting = {number for number, *_, accepts in FACTS if accepts}
    for r in created:
        assert r.computed == r.requested and r.computed_minors == r.unaccompanied_minors
        if r.municipality.number not in accepting:
            assert r.unaccompanied_minors == 0
    assert all(r.answer_due == datetime.date(2026, 5, 1) for r in created)  # 02.03 + 60 days

    summary = requests_summary(YEAR)
    by_county: dict[str, tuple[int, int]] = {}
    for r in created:
        number = r.municipality.county.number
        requested, minors = by_county.get(number, (0, 0))
        by_county[number] = (requested + r.requested, minors + r.unaccompanied_minors)
    assert {c.county: (c.requested, c.requested_minors) for c in summary.counties} == by_county
    assert sum(c.requested_minors for c in summary.counties) == summary.national.requested_minors
    assert (summary.national.requested, summary.national.requested_minors) == (1003, 37)
    assert summary.national.computed_minors == 37


def test_minors_with_no_municipality_saying_yes_are_refused_on_the_field(db: None) -> None:
    make_facts("0301", year=YEAR)
    with pytest.raises(ValidationError) as excinfo:
        requests_spread(
            ctx=_ctx(), year=YEAR, need=100, below_minimum="drop", unaccompanied_minors=5
        )
    message = excinfo.value.message_dict["unaccompanied_minors"][0]
    assert message.startswith("Behovet har 5 enslige mindreårige, men ingen kommune har sagt ja")
    assert "integrering settlement-facts --year 2026" in message
    assert not SettlementRequest.objects.exists()
    with pytest.raises(ValidationError) as excinfo:
        requests_spread(
            ctx=_ctx(), year=YEAR, need=100, below_minimum="drop", unaccompanied_minors=101
        )
    assert "kan ikke være flere enn 100" in excinfo.value.message_dict["unaccompanied_minors"][0]


@pytest.fixture
def planner(db: None) -> Client:
    return client_for(make_user())


LIST = f"/bosetting/{YEAR}/anmodninger/"


def test_the_form_proposes_the_stated_need_and_its_minors(facts: None, planner: Client) -> None:
    SettlementNeed.objects.create(
        year=YEAR,
        from_reception=2220,
        outside_reception=150,
        transfer_refugees=2930,
        unaccompanied_minors=270,
        printed_total=5350,
    )
    form = planner.get(LIST).context["form"]
    assert form.initial["need"] == 5350 and form.initial["unaccompanied_minors"] == 270
    response = planner.post(
        LIST, {"need": "5 350", "unaccompanied_minors": "270", "below_minimum": "drop"}
    )
    assert response.status_code == 302
    assert sum(SettlementRequest.objects.values_list("unaccompanied_minors", flat=True)) == 270
    page = planner.get(LIST).content.decode()
    assert "Av dem er 270 enslige mindreårige fordelt på 4 kommuner som tar imot" in page
    assert "Svarfristen er 01.05.2026." in page
    assert "4 av dem tar imot enslige mindreårige" in page


def test_the_form_shows_the_minors_refusal_on_its_field(db: None, planner: Client) -> None:
    make_facts("0301", year=YEAR)
    response = planner.post(
        LIST, {"need": "100", "unaccompanied_minors": "5", "below_minimum": "drop"}
    )
    assert response.status_code == 422
    assert (
        response.context["form"]
        .errors["unaccompanied_minors"][0]
        .startswith("Behovet har 5 enslige mindreårige")
    )


def test_the_api_spreads_minors(facts: None, planner: Client) -> None:
    response = planner.post(
        "/api/v1/settlement/requests/spread",
        {"year": YEAR, "need": 500, "unaccompanied_minors": 20},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["unaccompanied_minors"] == 20
    assert sum(r["unaccompanied_minors"] for r in body["requests"]) == 20
    assert sum(r["computed_minors"] for r in body["requests"]) == 20
    assert {r["answer_due"] for r in body["requests"]} == {"2026-05-01"}


def test_the_export_has_the_minors_per_municipality_and_a_county_sheet_with_sums(
    facts: None, planner: Client
) -> None:
    requests_spread(ctx=_ctx(), year=YEAR, need=1003, below_minimum="drop", unaccompanied_minors=37)
    response = planner.get(LIST, {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    municipalities, counties = book.worksheets
    rows = list(municipalities.iter_rows(min_row=2, values_only=True))  # below the title
    minors = rows[0].index("Hvorav enslige mindreårige")
    accepts = rows[0].index("Tar imot enslige mindreårige")
    assert sum(r[minors] for r in rows[1:]) == 37
    assert all(r[minors] == 0 for r in rows[1:] if r[accepts] == "nei")
    lines = list(counties.iter_rows(min_row=2, values_only=True))
    assert lines[0][:6] == (
        "Fylkesnummer",
        "Fylke",
        "Kommuner",
        "Kommuner anmodet",
        "Anmodet",
        "Hvorav enslige mindreårige",
    )
    assert [line[0] for line in lines[1:-1]] == ["03", "11", "46", "50"]
    assert lines[-1][1] == "Sum" and lines[-1][4] == 1003 and lines[-1][5] == 37
    assert sum(line[5] for line in lines[1:-1]) == 37
    vestland = next(line for line in lines if line[0] == "46")
    assert vestland[5] == sum(r[minors] for r in rows[1:] if r[0].startswith("46"))
