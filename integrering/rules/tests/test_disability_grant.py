"""The disability grant (ekstratilskudd, seed 002 §3.1) on the command line, over the API, on the
rates page, and as the arrival deadline. The formula's edges are the YAML cases
(``cases/disability_grant.yaml``)."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import client_for
from integrering.rules.deadlines import PersonFacts, arrival_deadlines
from integrering.rules.disability_grant import DEADLINE_KIND, disability_grant_rules
from integrering.rules.parameters import RulesError, parameter, value
from integrering.testing import make_user

D = datetime.date


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("rules", "disability-grant", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


# --- The command -------------------------------------------------------------------------------


def test_the_command_answers_grant_2_with_the_contract_keys() -> None:
    result = run(
        "--grant",
        "2",
        "--budget-year",
        "2018",
        "--settled-on",
        "2018-02-01",
        "--category",
        "from_reception",
        "--documented-need",
        "1 500 000",
    )
    assert {
        "grant",
        "kind",
        "code",
        "budget_year",
        "year_after_settlement",
        "documented_need",
        "rate",
        "amount",
        "capped",
        "application_deadline",
        "references",
    } <= set(result)
    assert (result["amount"], result["capped"]) == ("1235000.00", True)
    assert result["application_deadline"] == "2019-03-01"
    assert {r["parameter"] for r in result["references"]} == {
        "grants/disability_grant",
        "deadlines/casework",
    }


def test_the_command_answers_grant_1_as_a_table_without_json() -> None:
    out = io.StringIO()
    call_command(
        "rules",
        "disability-grant",
        "--grant",
        "1",
        "--budget-year",
        "2018",
        "--settled-on",
        "2017-09-15",
        "--category",
        "transfer_refugee",
        stdout=out,
    )
    assert "190800.00" in out.getvalue()
    assert "2018-10-15" in out.getvalue()
    assert not out.getvalue().lstrip().startswith("{")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--grant", "1", "--settled-on", "2018-02-01", "--category", "family_reunification"],
            "bosatt via familieinnvandring",
        ),
        (
            ["--grant", "2", "--settled-on", "2018-02-01", "--category", "self_settled"],
            "selvbosatt",
        ),
        (
            ["--grant", "2", "--settled-on", "2018-02-01", "--category", "from_reception"],
            "dokumentert behov",
        ),
        (
            [
                "--grant",
                "2",
                "--settled-on",
                "2018-02-01",
                "--category",
                "from_reception",
                "--documented-need",
                "mye",
            ],
            "er ikke et beløp",
        ),
    ],
)
def test_the_command_refuses_with_one_clear_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as excinfo:
        call_command("rules", "disability-grant", "--budget-year", "2018", *args)
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_the_command_says_that_no_rate_is_known_for_2025(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        call_command(
            "rules",
            "disability-grant",
            "--grant",
            "1",
            "--budget-year",
            "2025",
            "--settled-on",
            "2025-01-10",
            "--category",
            "from_reception",
        )
    assert "ingen kjent sats for budsjettåret 2025" in capsys.readouterr().err


def test_the_command_knows_only_the_two_grants_and_the_five_categories(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        call_command(
            "rules",
            "disability-grant",
            "--grant",
            "3",
            "--budget-year",
            "2018",
            "--settled-on",
            "2018-01-10",
            "--category",
            "from_reception",
        )
    assert "--grant" in capsys.readouterr().err


# --- The API and the page ----------------------------------------------------------------------


@pytest.fixture
def client(db: None) -> Client:
    return client_for(make_user(municipality_number="0301"))


def test_the_api_computes_both_grants(client: Client) -> None:
    one = client.get(
        "/api/v1/rules/disability-grant",
        {
            "grant": "1",
            "budget_year": "2018",
            "settled_on": "2018-02-01",
            "category": "from_reception",
        },
    )
    assert one.status_code == 200
    assert (one.json()["amount"], one.json()["application_deadline"]) == ("190800.00", "2019-03-01")
    two = client.get(
        "/api/v1/rules/disability-grant",
        {
            "grant": "2",
            "budget_year": "2018",
            "settled_on": "2014-06-01",
            "category": "unaccompanied_minor",
            "documented_need": "654321.50",
        },
    )
    assert two.status_code == 200
    body = two.json()
    assert (body["year_after_settlement"], body["amount"], body["capped"]) == (
        5,
        "654321.50",
        False,
    )
    assert body["application_deadline"] is None


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        (
            {
                "grant": 1,
                "budget_year": 2018,
                "settled_on": "2018-02-01",
                "category": "self_settled",
            },
            400,
            "selvbosatt",
        ),
        (
            {
                "grant": 2,
                "budget_year": 2018,
                "settled_on": "2018-02-01",
                "category": "family_reunification",
                "documented_need": "1000",
            },
            400,
            "bosatt via familieinnvandring",
        ),
        (
            {
                "grant": 1,
                "budget_year": 2024,
                "settled_on": "2024-02-01",
                "category": "from_reception",
            },
            400,
            "ingen kjent sats for budsjettåret 2024",
        ),
        (
            {
                "grant": 1,
                "budget_year": 2018,
                "settled_on": "2015-02-01",
                "category": "from_reception",
            },
            400,
            "første eller andre bosettingsår",
        ),
        (
            {
                "grant": 3,
                "budget_year": 2018,
                "settled_on": "2018-02-01",
                "category": "from_reception",
            },
            422,
            "",
        ),
        (
            {"grant": 1, "budget_year": 2018, "settled_on": "2018-02-01", "category": "refugee"},
            422,
            "",
        ),
        (
            {
                "grant": 2,
                "budget_year": 2018,
                "settled_on": "2018-02-01",
                "category": "from_reception",
                "documented_need": "-5",
            },
            422,
            "",
        ),
    ],
)
def test_the_api_refuses_with_a_clear_error(
    client: Client, params: dict[str, Any], status: int, message: str
) -> None:
    response = client.get("/api/v1/rules/disability-grant", params)
    assert response.status_code == status
    assert message in str(response.json()["detail"])


def test_the_api_needs_a_login(db: None) -> None:
    response = Client().get(
        "/api/v1/rules/disability-grant",
        {
            "grant": "1",
            "budget_year": "2018",
            "settled_on": "2018-02-01",
            "category": "from_reception",
        },
    )
    assert response.status_code == 401


def test_the_page_runs_the_calculator_and_explains_the_exclusion(client: Client) -> None:
    page = client.get(
        "/satser/",
        {
            "calc": "disability-grant",
            "disability-grant-grant": "2",
            "disability-grant-budget_year": "2018",
            "disability-grant-settled_on": "2018-02-01",
            "disability-grant-category": "from_reception",
            "disability-grant-documented_need": "250000",
        },
    ).content.decode()
    assert "250\u00a0000,00" in page
    refused = client.get(
        "/satser/",
        {
            "calc": "disability-grant",
            "disability-grant-grant": "1",
            "disability-grant-budget_year": "2018",
            "disability-grant-settled_on": "2018-02-01",
            "disability-grant-category": "family_reunification",
        },
    ).content.decode()
    assert "ordningen gjelder ikke personer bosatt via familieinnvandring" in refused


def test_the_rates_page_shows_that_no_rate_is_known_after_2018(client: Client) -> None:
    page = client.get("/satser/", {"on": "2018-06-01"}).content.decode()
    assert "190\u00a0800" in page
    assert "1\u00a0235\u00a0000" in page
    later = client.get("/satser/", {"on": "2025-06-01"}).content.decode()
    assert "Tilskudd 1 (engangstilskudd): –" in later


# --- The rules themselves ----------------------------------------------------------------------


def test_the_rules_go_on_after_2018_but_the_rates_are_unknown() -> None:
    rules = disability_grant_rules(2025)
    assert (rules.grant_1_last_year, rules.grant_2_years) == (1 + 1, 5)
    with pytest.raises(RulesError, match="ingen kjent sats for budsjettåret 2025"):
        rules.rate(1)
    with pytest.raises(RulesError, match="ingen verdi før"):
        disability_grant_rules(2017)


def test_the_arrival_deadline_excludes_the_categories_the_grant_excludes() -> None:
    """The arrival rules hold the exclusion too; it must be the grant's on every date."""
    arrival = parameter("deadlines/arrival")
    grant = parameter("grants/disability_grant")
    for on in sorted({*arrival.dates, *grant.dates}):
        if on < grant.first_date or on < arrival.first_date:
            continue
        in_arrival = value("deadlines/arrival", on)["groups"]["disability"]["excluded_categories"]
        assert in_arrival == value("grants/disability_grant", on)["excluded_categories"], on


@pytest.mark.parametrize(
    ("category", "gets_deadline"),
    [
        ("transfer_refugee", True),
        ("from_reception", True),
        ("unaccompanied_minor", True),
        ("family_reunification", False),
        ("self_settled", False),
    ],
)
def test_only_eligible_persons_with_a_disability_get_the_application_deadline(
    category: str, gets_deadline: bool
) -> None:
    facts = PersonFacts(birth_date=D(1990, 1, 1), category=category, disability=True)
    duties = {
        d.kind: d for d in arrival_deadlines(facts, settled_on=D(2024, 3, 1), arrived_on=None)
    }
    assert (DEADLINE_KIND in duties) == gets_deadline
    if gets_deadline:
        assert duties[DEADLINE_KIND].due == D(2025, 4, 1)
    without = PersonFacts(birth_date=D(1990, 1, 1), category=category)
    assert DEADLINE_KIND not in {
        d.kind for d in arrival_deadlines(without, settled_on=D(2024, 3, 1), arrived_on=None)
    }
