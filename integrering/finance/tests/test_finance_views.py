"""The cost-coverage pages and API: import (all or nothing, every bad row listed), the table as
in seed 001 with its sum row, the export, and who may see them."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import client_for
from integrering.accounts.roles import Role
from integrering.finance.models import CostCoverageReport, CostCoverageRow
from integrering.testing import make_user

from .seed001 import seed_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst() -> Client:
    return client_for(make_user(roles=[Role.ANALYST]))


def _upload(client: Client, content: bytes, name: str = "kostnader.csv", **data: object) -> object:
    return client.post(
        reverse("finance:cost-list"),
        {
            "year": 2017,
            "title": "Utvalgskommuner 2017",
            **data,
            "file": SimpleUploadedFile(name, content),
        },
    )


def test_an_analyst_imports_seed_001_and_sees_the_table_with_its_sum_row(analyst: Client) -> None:
    response = _upload(analyst, seed_csv(fte_decimals=2).encode())
    report = CostCoverageReport.objects.get()
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert report.rows.count() == 19
    page = analyst.get(reverse("finance:cost-detail", kwargs={"report_id": report.pk}))
    html = page.content.decode()
    for header in (
        "Kommune",
        "Totale utgifter med lokaler",
        "Totale inntekter",
        "Resultat",
        "Antall timer",
        "Antall årsverk",
        "Antall timer per årsverk",
    ):
        assert header in html
    assert "0106 Fredrikstad" in html
    assert "\u22125\u00a0841\u00a0144" in html  # a true minus sign (issue 23)
    assert "805,4" in html
    assert "Sum" in html and "573\u00a0224" in html and "763,8" in html


def test_it_imports_an_excel_file(analyst: Client) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["municipality_number", "name", "expenses", "income", "hours", "fte"])
    sheet.append(["0213", "Ski", 23705707, 19294332, 17858, 23.7])
    out = io.BytesIO()
    workbook.save(out)
    _upload(analyst, out.getvalue(), name="ski.xlsx")
    row = CostCoverageRow.objects.get()
    assert (row.municipality_number, str(row.result)) == ("0213", "-4411375.00")


def test_a_bad_file_lists_every_bad_row_and_writes_nothing(analyst: Client) -> None:
    content = (
        "municipality_number,name,expenses,income,hours,fte\n"
        "0106,Fredrikstad,36047055,30205911,32660,40.55\n"
        "0213,Ski,mange,19294332,17858,23.7\n"
        "0219,Bærum,53009000,43576000,39680,\n"
    ).encode()
    response = _upload(analyst, content)
    html = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "linje 3: expenses (utgifter) må være et tall, ikke «mange»" in html
    assert "linje 4: fte (årsverk) mangler" in html
    assert not CostCoverageReport.objects.exists()
    assert not CostCoverageRow.objects.exists()


def test_a_missing_column_is_named(analyst: Client) -> None:
    response = _upload(analyst, b"municipality_number,name,expenses\n0106,F,1\n")
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "kolonnen «income» mangler" in html
    assert not CostCoverageReport.objects.exists()


@pytest.mark.parametrize(
    ("year", "file_size", "message"),
    [
        ("1999", 10, "Skriv et årstall fra 2000."),
        ("neste", 10, "Skriv et årstall, for eksempel 2026."),
        ("2017", 101, "Den største filen du kan laste opp er 1 kB."),
    ],
)
def test_a_bad_year_or_a_too_large_file_is_refused_and_nothing_is_written(
    analyst: Client, settings: object, year: str, file_size: int, message: str
) -> None:
    settings.IMPORT_MAX_BYTES = 100  # type: ignore[attr-defined]
    response = _upload(analyst, b"x" * file_size, year=year)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert message in response.content.decode()  # type: ignore[attr-defined]
    assert not CostCoverageReport.objects.exists()


def test_the_export_is_real_excel_and_csv_with_the_sum_row(analyst: Client) -> None:
    _upload(analyst, seed_csv(fte_decimals=2).encode())
    report = CostCoverageReport.objects.get()
    url = reverse("finance:cost-export", kwargs={"report_id": report.pk})
    workbook = load_workbook(io.BytesIO(analyst.get(url + "?format=xlsx").content))
    rows = list(workbook.active.iter_rows(min_row=2, values_only=True))  # type: ignore[union-attr]
    assert rows[0][0] == "Kommune" and rows[0][6] == "Antall timer per årsverk"
    assert rows[-1][0] == "Sum"
    assert rows[-1][4] == 573224
    assert round(rows[-1][6], 1) == 763.8
    text = analyst.get(url + "?format=csv").content.decode("utf-8-sig")
    title, *lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert title[0].startswith("Kostnadsdekning norskopplæring")
    assert lines[1][:4] == ["0106 Fredrikstad", "36047055,00", "30205911,00", "-5841144,00"]
    assert lines[-1][0] == "Sum" and lines[-1][6] == "763,8"


def test_the_api_gives_the_table_with_its_sum_row(analyst: Client) -> None:
    response = analyst.post(
        "/api/v1/finance/cost-coverage",
        {
            "year": 2017,
            "title": "Utvalgskommuner 2017",
            "file": SimpleUploadedFile("k.csv", seed_csv(fte_decimals=2).encode()),
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["sum"]["hours_per_fte"] == 763.8
    assert data["rows"][0]["result"] == "-5841144.00"
    detail = analyst.get(f"/api/v1/finance/cost-coverage/{data['id']}")
    assert detail.json()["sum"]["hours"] == "573224.00"
    bad = analyst.post(
        "/api/v1/finance/cost-coverage",
        {"year": 2017, "title": "x", "file": SimpleUploadedFile("k.csv", b"name\nx\n")},
    )
    assert bad.status_code == 422
    assert CostCoverageReport.objects.count() == 1


@pytest.mark.parametrize(
    "user",
    [
        lambda: make_user(municipality_number="0301", roles=[Role.MUNICIPAL_LEADER]),
        lambda: make_user(),  # a settlement planner of the directorate
    ],
)
def test_others_get_403_on_the_list_and_404_on_a_report(user: object) -> None:
    report = CostCoverageReport.objects.create(year=2017, title="Utvalgskommuner 2017")
    client = client_for(user())  # type: ignore[operator]
    assert client.get(reverse("finance:cost-list")).status_code == 403
    for name in ("finance:cost-detail", "finance:cost-export"):
        assert client.get(reverse(name, kwargs={"report_id": report.pk})).status_code == 404
    assert client.get(f"/api/v1/finance/cost-coverage/{report.pk}").status_code == 404
    assert client.get("/api/v1/finance/cost-coverage").status_code == 403
