"""The ``integrering rules`` command: the JSON contracts, and one clear line with exit 2 on bad input."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from integrering.rules.parameters import parameters


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("rules", *args, stdout=out)
    return json.loads(out.getvalue())


def test_benefit_answers_with_the_contract_keys() -> None:
    result = run(
        "benefit",
        "--on",
        "2025-06-01",
        "--birth-date",
        "1990-01-01",
        "--absence-hours",
        "4",
        "--json",
    )
    assert {
        "on",
        "g",
        "share",
        "yearly",
        "monthly",
        "daily",
        "hourly",
        "deduction",
        "payable_monthly",
        "references",
    } <= set(result)
    assert result["monthly"] == "21693.33"
    assert result["deduction"] == "562.85"
    assert {r["parameter"] for r in result["references"]} >= {"benefit/g", "benefit/hours_per_year"}


def test_the_grant_and_support_commands_answer_with_their_contract_keys() -> None:
    grant = run(
        "integration-grant",
        "--budget-year",
        "2018",
        "--settled-on",
        "2018-02-01",
        "--member",
        "35",
        "--member",
        "3",
        "--json",
    )
    assert {"budget_year", "year_after_settlement", "total", "lines"} <= set(grant)
    assert {"member", "kind", "amount"} <= set(grant["lines"][0])
    norwegian = run(
        "norwegian-grant",
        "--budget-year",
        "2018",
        "--settled-on",
        "2018-01-10",
        "--rate",
        "low",
        "--json",
    )
    assert {"budget_year", "year_after_settlement", "amount"} <= set(norwegian)
    establishment = run("establishment", "--adults", "2", "--children", "1", "--json")
    assert {"furniture", "clothes", "total", "lines"} <= set(establishment)
    package = run(
        "integration-package",
        "--programme-start",
        "2019-02-01",
        "--norwegian-end",
        "2021-03-01",
        "--json",
    )
    for key in ("programme_extension", "norwegian_extension"):
        assert {"eligible", "package", "max_months", "needs_tested", "grant"} <= set(package[key])


def test_without_json_it_prints_a_readable_table(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    call_command("rules", "benefit", "--on", "2018-06-01", "--birth-date", "1980-01-01", stdout=out)
    assert "yearly" in out.getvalue()
    assert "193766.00" in out.getvalue()
    assert not out.getvalue().lstrip().startswith("{")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["benefit", "--on", "2025-02-30", "--birth-date", "1990-01-01"], "ikke en gyldig dato"),
        (["benefit", "--on", "2009-06-01", "--birth-date", "1990-01-01"], "ingen verdi før"),
        (
            [
                "benefit",
                "--on",
                "2025-06-01",
                "--birth-date",
                "1990-01-01",
                "--absence-hours",
                "-1",
            ],
            "null eller mer",
        ),
        (
            [
                "benefit",
                "--on",
                "2025-06-01",
                "--birth-date",
                "1990-01-01",
                "--absence-hours",
                "mange",
            ],
            "ikke et tall",
        ),
        (
            ["benefit", "--on", "2025-06-01", "--birth-date", "1990-01-01", "--colour", "red"],
            "unrecognized arguments",
        ),
        (["benefit", "--birth-date", "1990-01-01"], "--on"),
        (
            [
                "integration-grant",
                "--budget-year",
                "20x8",
                "--settled-on",
                "2018-01-01",
                "--member",
                "3",
            ],
            "ikke et heltall",
        ),
        (
            [
                "integration-grant",
                "--budget-year",
                "2018",
                "--settled-on",
                "2018-01-01",
                "--member",
                "3:vip",
            ],
            "ukjent merke",
        ),
        (
            [
                "norwegian-grant",
                "--budget-year",
                "2018",
                "--settled-on",
                "2018-01-01",
                "--rate",
                "mid",
            ],
            "invalid choice",
        ),
        (["establishment", "--adults", "2", "--children", "-3"], "negativt"),
        (["integration-package", "--programme-end", "2021-01-01"], "krever --programme-start"),
        (["no-such-calculator"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as excinfo:
        call_command("rules", *args, "--json")
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("integrering rules: "), err  # a subcommand's argument errors too
    assert message in err
    assert "Traceback" not in err


def test_every_parameter_file_names_its_source_and_its_values_are_dated() -> None:
    found = parameters()
    assert len(found) >= 25
    for p in found.values():
        assert p.reference.strip(), p.name
        assert list(p.dates) == sorted(p.dates), p.name
