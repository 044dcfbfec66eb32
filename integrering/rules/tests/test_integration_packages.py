"""The covid integration packages on the command line and over the API: the same answers as the
YAML cases (``cases/integration_packages.yaml``), with the legal basis each decision names."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import client_for
from integrering.testing import make_user

LAW = "Midlertidig lov 26. mai 2020 nr. 53 om tilpasninger i introduksjonsloven"


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("rules", "integration-package", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_command_refuses_package_i_to_a_programme_that_ended_before_the_law() -> None:
    ended = run("--programme-start", "2016-03-01", "--programme-end", "2018-02-28")
    assert ended["programme_extension"]["eligible"] is False
    assert "01.08.2020" in ended["programme_extension"]["reason"]
    still_in = run("--programme-start", "2016-03-01", "--programme-end", "2020-08-01")
    assert still_in["programme_extension"]["package"] == "I"
    assert still_in["programme_extension"]["max_months"] == 6


def test_the_command_puts_training_ending_on_new_years_eve_2020_in_package_i() -> None:
    answer = run("--norwegian-end", "2020-12-31")["norwegian_extension"]
    assert (answer["eligible"], answer["package"], answer["max_months"]) == (True, "I", 6)
    assert answer["needs_tested"] is False and answer["needs_test"] is None
    assert answer["grant"] == "8000.00"
    assert answer["legal_basis"].startswith(LAW) and "§ 3" in answer["legal_basis"]


@pytest.mark.parametrize(
    ("flag", "eligible"), [("--right-and-duty", True), ("--no-right-and-duty", False)]
)
def test_the_command_checks_the_right_and_duty_for_package_ii(flag: str, eligible: bool) -> None:
    answer = run("--norwegian-end", "2021-03-01", flag)["norwegian_extension"]
    assert answer["eligible"] is eligible
    if not eligible:
        assert "§ 17 første ledd" in answer["reason"]


def test_the_command_names_the_temporary_law_section_and_the_needs_test() -> None:
    result = run("--programme-start", "2019-03-01")
    programme = result["programme_extension"]
    assert programme["needs_test"] == (
        "behov for utvidelse av programtiden for å komme i jobb eller utdanning"
    )
    assert programme["legal_basis"].startswith(LAW) and "§ 2 annet ledd" in programme["legal_basis"]
    assert result["reinforced_programme"]["eligible"] is True
    assert result["reinforced_programme"]["max_months"] == 36
    parameters = {r["parameter"] for r in result["references"]}
    assert "integration_packages/legal_basis" in parameters


def test_the_command_without_json_prints_the_reinforced_programme() -> None:
    out = io.StringIO()
    call_command("rules", "integration-package", "--programme-start", "2018-12-31", stdout=out)
    text = out.getvalue()
    assert "reinforced_programme:" in text and "pakke I" in text


@pytest.fixture
def client(db: None) -> Client:
    return client_for(make_user(municipality_number="0301"))


def test_the_api_answers_the_package_edges(client: Client) -> None:
    body = client.get(
        "/api/v1/rules/integration-package",
        {
            "programme_start": "2017-08-14",
            "programme_end": "2020-07-31",
            "norwegian_end": "2021-09-30",
            "right_and_duty": "false",
        },
    ).json()
    assert body["programme_extension"]["eligible"] is False
    assert body["norwegian_extension"]["eligible"] is False
    assert body["reinforced_programme"]["eligible"] is False

    body = client.get(
        "/api/v1/rules/integration-package",
        {"programme_start": "2019-01-01", "norwegian_end": "2020-12-31"},
    ).json()
    assert body["programme_extension"]["package"] == "II"
    assert body["norwegian_extension"]["package"] == "I"
    assert body["reinforced_programme"]["extension_max_months"] == 12


def test_the_api_refuses_an_end_before_the_start(client: Client) -> None:
    response = client.get(
        "/api/v1/rules/integration-package",
        {"programme_start": "2019-03-01", "programme_end": "2019-01-01"},
    )
    assert response.status_code == 400
    assert "før programstart" in response.json()["detail"]
