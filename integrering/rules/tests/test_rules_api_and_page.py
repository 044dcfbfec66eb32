"""The rules over the API and on the page «Satser og beregninger»."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import client_for
from integrering.testing import make_user

Params = dict[str, Any]


@pytest.fixture
def client(db: None) -> Client:
    return client_for(make_user(municipality_number="0301"))


def test_the_api_computes_the_benefit(client: Client) -> None:
    response = client.get(
        "/api/v1/rules/benefit",
        {"on": "2018-06-01", "birth_date": "1980-01-01", "absence_hours": "10"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["yearly"], body["monthly"], body["deduction"]) == (
        "193766.00",
        "16147.17",
        "1047.38",
    )


def test_the_api_computes_grants_support_and_packages(client: Client) -> None:
    grant = client.get(
        "/api/v1/rules/integration-grant",
        {"budget_year": "2018", "settled_on": "2018-02-01", "member": ["40", "4"]},
    )
    assert grant.json()["total"] == "399800.00"
    norwegian = client.get(
        "/api/v1/rules/norwegian-grant",
        {"budget_year": "2018", "settled_on": "2016-02-01", "rate": "high"},
    )
    assert norwegian.json()["amount"] == "43350.00"
    support = client.get(
        "/api/v1/rules/establishment", {"adults": "1", "children": "0", "on": "2025-01-01"}
    )
    assert support.json()["total"] == "48000.00"
    package = client.get("/api/v1/rules/integration-package", {"programme_start": "2019-08-01"})
    assert package.json()["programme_extension"]["package"] == "III"


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("benefit", {"on": "2009-01-01", "birth_date": "1980-01-01"}, 400, "ingen verdi før"),
        ("benefit", {"on": "2025-02-30", "birth_date": "1980-01-01"}, 422, ""),
        (
            "benefit",
            {"on": "2025-01-01", "birth_date": "1980-01-01", "absence_hours": "-3"},
            422,
            "",
        ),
        (
            "integration-grant",
            {"budget_year": 2030, "settled_on": "2030-01-01", "member": ["4"]},
            400,
            "ingen kjent verdi",
        ),
        (
            "integration-grant",
            {"budget_year": 2018, "settled_on": "2018-01-01", "member": ["4:x"]},
            400,
            "ukjent merke",
        ),
        (
            "norwegian-grant",
            {"budget_year": 2018, "settled_on": "2018-01-01", "rate": "mid"},
            422,
            "",
        ),
        ("establishment", {"adults": -1, "children": 0}, 422, ""),
    ],
)
def test_the_api_refuses_bad_input_with_a_clear_error(
    client: Client, path: str, params: Params, status: int, message: str
) -> None:
    response = client.get(f"/api/v1/rules/{path}", params)
    assert response.status_code == status
    assert message in str(response.json()["detail"])


def test_the_rules_api_needs_a_login(db: None) -> None:
    assert (
        Client()
        .get("/api/v1/rules/benefit", {"on": "2018-06-01", "birth_date": "1980-01-01"})
        .status_code
        == 401
    )


def test_the_api_lists_every_parameter_in_force_on_a_date(client: Client) -> None:
    rows = {
        row["parameter"]: row
        for row in client.get("/api/v1/rules/parameters", {"on": "2018-06-01"}).json()
    }
    assert rows["benefit/g"]["value"] == "96883"
    assert rows["benefit/g"]["in_force_from"] == "2018-05-01"
    assert "grunnbeløp" in rows["benefit/g"]["reference"]
    assert rows["grants/integration_grant"]["value"]["year_2"] == "239000"
    later = {
        row["parameter"]: row
        for row in client.get("/api/v1/rules/parameters", {"on": "2025-06-01"}).json()
    }
    assert later["benefit/g"]["value"] == "130160"
    assert later["grants/integration_grant"]["in_force_from"] is None


def test_the_page_shows_the_rates_of_a_date_with_their_sources(client: Client) -> None:
    page = client.get("/satser/", {"on": "2018-06-01"}).content.decode()
    assert "96\u00a0883" in page
    assert "Folketrygdloven § 1-4" in page
    assert "239\u00a0000" in page
    later = client.get("/satser/", {"on": "2025-06-01"}).content.decode()
    assert "130\u00a0160" in later


def test_the_page_runs_the_calculators(client: Client) -> None:
    page = client.get(
        "/satser/",
        {"calc": "benefit", "benefit-on": "2018-06-01", "benefit-birth_date": "1980-01-01"},
    )
    assert "193\u00a0766,00" in page.content.decode()
    grant = client.get(
        "/satser/",
        {
            "calc": "integration-grant",
            "integration-grant-budget_year": "2018",
            "integration-grant-settled_on": "2018-02-01",
            "integration-grant-member": "34",
        },
    )
    assert "237\u00a0000,00" in grant.content.decode()


def test_the_page_explains_bad_input(client: Client) -> None:
    page = client.get(
        "/satser/",
        {"calc": "benefit", "benefit-on": "2009-06-01", "benefit-birth_date": "1980-01-01"},
    ).content.decode()
    assert "ingen verdi før 01.05.2010" in page
    invalid = client.get(
        "/satser/", {"calc": "benefit", "benefit-on": "2025-02-30", "benefit-birth_date": "x"}
    ).content.decode()
    assert "gyldig dato" in invalid
