"""Importing municipal features (for seed 004 table 2): a good file replaces the year's
features; a bad file names every bad row and writes nothing; analysts only."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from conftest import client_for
from integrering.accounts.roles import Role
from integrering.surveys.models import MunicipalFeatures
from integrering.surveys.testing import make_features
from integrering.testing import make_user

pytestmark = pytest.mark.django_db
HEADER = "municipality_number,population,immigrants,centrality,settled_last_5_years,settled_last_10_years\n"


@pytest.fixture
def analyst() -> Client:
    return client_for(make_user(roles=[Role.ANALYST]))


def _post(client: Client, content: bytes, name: str = "kjennetegn.csv", year: int = 2026) -> object:
    return client.post(
        reverse("surveys:features"), {"year": year, "file": SimpleUploadedFile(name, content)}
    )


def test_an_analyst_imports_a_year_and_it_replaces_the_year_s_features(analyst: Client) -> None:
    make_features("4601", year=2026, population=1)
    make_features("4601", year=2025)
    content = (
        HEADER + "0301,717710,241200,1000,1500,4200\n" + "4601,291189,50000,950,800,2100\n"
    ).encode()
    response = _post(analyst, content)
    assert response.status_code == 302  # type: ignore[attr-defined]
    this_year = MunicipalFeatures.objects.filter(year=2026).order_by("municipality__number")
    assert [(f.municipality.number, f.population) for f in this_year] == [
        ("0301", 717710),
        ("4601", 291189),
    ]
    assert this_year[0].immigrant_share == pytest.approx(241200 / 717710)
    assert MunicipalFeatures.objects.filter(year=2025).count() == 1
    page = analyst.get(reverse("surveys:features")).content.decode()
    assert "2026" in page and "2025" in page


def test_it_reads_excel_too(analyst: Client) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.strip().split(","))
    sheet.append([301, 717710, 241200, 1000, 1500, 4200])
    out = io.BytesIO()
    workbook.save(out)
    _post(analyst, out.getvalue(), name="k.xlsx")
    assert MunicipalFeatures.objects.get().municipality.number == "0301"


def test_a_bad_file_names_every_bad_row_and_writes_nothing(analyst: Client) -> None:
    make_features("4601", year=2026)
    content = (
        HEADER
        + "0301,717710,241200,1000,1500,4200\n"
        + "9999,100,10,500,1,2\n"
        + "0301,100,10,500,1,2\n"
        + "4601,mange,10,1200,-1,2.5\n"
        + "5001,100,200,500,1,2\n"
    ).encode()
    response = _post(analyst, content)
    html = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 422  # type: ignore[attr-defined]
    for message in (
        "linje 3: kommune «9999» finnes ikke 1. januar 2026",
        "linje 4: kommune 0301 står allerede på linje 2",
        "linje 5: population (innbyggere) må være et helt tall, 0 eller mer, ikke «mange»",
        "linje 5: settled_last_5_years (bosatte siste 5 år) må være et helt tall, 0 eller mer, ikke «-1»",
        "linje 5: settled_last_10_years (bosatte siste 10 år) må være et helt tall, 0 eller mer, ikke «2.5»",
        "linje 5: centrality (sentralitetsindeks) går fra 0 til 1000, ikke «1200»",
        "linje 6: immigrants (200) kan ikke være flere enn population (100)",
    ):
        assert message in html, message
    # nothing written, and the year's earlier features are kept
    assert MunicipalFeatures.objects.count() == 1


def test_a_missing_column_is_named(analyst: Client) -> None:
    response = _post(analyst, b"municipality_number,population\n0301,1\n")
    assert "kolonnen «centrality» mangler" in response.content.decode()  # type: ignore[attr-defined]


def test_others_get_403() -> None:
    leader = client_for(make_user(municipality_number="0301", roles=[Role.MUNICIPAL_LEADER]))
    assert leader.get(reverse("surveys:features")).status_code == 403
    assert leader.post(reverse("surveys:features"), {"year": 2026}).status_code == 403
    assert leader.get("/api/v1/surveys/features/years").status_code == 403
