"""The special grant for unaccompanied minors over the API and the command, the source of each
value (``metadata.sources``), and G from 1 May 2026."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import client_for
from integrering.rules.parameters import RulesError, parameters
from integrering.testing import make_user


@pytest.fixture
def client(db: None) -> Client:
    return client_for(make_user(municipality_number="0301"))


def test_the_api_computes_the_special_grant_with_its_code_and_source(client: Client) -> None:
    response = client.get(
        "/api/v1/rules/unaccompanied-minor-grant",
        {"budget_year": "2023", "birth_date": "2008-02-02", "settled_on": "2022-09-01"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["age_in_year"], body["band"], body["code"], body["amount"]) == (
        15,
        "younger",
        "EMINB",
        "1118000.00",
    )
    rates = next(r for r in body["references"] if r["parameter"].endswith("minor_grant"))
    assert rates["in_force_from"] == "2022-01-01"
    assert "ks.no" in rates["source"]


def test_the_api_refuses_a_year_without_a_rate(client: Client) -> None:
    response = client.get(
        "/api/v1/rules/unaccompanied-minor-grant",
        {"budget_year": "2024", "birth_date": "2008-02-02", "settled_on": "2022-09-01"},
    )
    assert response.status_code == 400
    assert "ingen kjent verdi" in str(response.json()["detail"])


def test_the_command_answers_with_the_contract_keys() -> None:
    out = io.StringIO()
    call_command(
        "rules",
        "unaccompanied-minor-grant",
        "--budget-year",
        "2023",
        "--birth-date",
        "2006-12-31",
        "--settled-on",
        "2023-03-01",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert {"budget_year", "age_in_year", "band", "kind", "code", "amount"} <= set(result)
    assert (result["code"], result["amount"]) == ("EMINU", "705000.00")


def test_the_parameters_show_g_from_may_2026_with_the_source_of_that_value(
    client: Client,
) -> None:
    # The API gives developers the source of the value; the page shows a user the law (issue 23).
    rows = {
        row["parameter"]: row
        for row in client.get("/api/v1/rules/parameters", {"on": "2026-06-01"}).json()
    }
    assert rows["benefit/g"]["value"] == "136549"
    assert rows["benefit/g"]["in_force_from"] == "2026-05-01"
    assert "g.nav.no" in rows["benefit/g"]["source"]
    page = client.get("/satser/", {"on": "2026-06-01"}).content.decode()
    assert "136\u00a0549" in page and "Folketrygdloven § 1-4" in page
    assert "g.nav.no" not in page


def test_a_value_without_a_source_has_an_empty_source() -> None:
    g = parameters()["benefit/g"]
    assert g.source_on(datetime.date(2025, 6, 1)) == ""
    assert g.source_on(datetime.date(2000, 1, 1)) == ""


def test_a_source_for_a_date_without_a_value_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "description: X\nmetadata:\n  reference: R\n  sources:\n    2020-01-01: S\n"
        "values:\n  2019-01-01: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesError, match=r"metadata\.sources"):
        parameters(tmp_path)
