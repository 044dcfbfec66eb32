"""``integrering settlement-facts``: the municipalities' figures for a year, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from integrering.settlement.models import MunicipalityFacts
from integrering.settlement.testing import make_facts

HEADER = "municipality_number,population,results_score,immigrant_share,exception"


def facts_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, year: str = "2026"
) -> tuple[int, str, str]:
    path = tmp_path / "kommunedata.csv"
    path.write_text(text, encoding="utf-8")
    try:
        call_command("settlement_facts", "--year", year, "--file", str(path))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_it_loads_the_years_figures_with_the_exception_reason(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        f"{HEADER},exception_reason\n"
        "0301,717710,41.5,0.3412,1,Integreringsmottak\n"
        "4601,291189,55,0.2,0,\n"
    )
    code, out, err = facts_command(capsys, tmp_path, text)
    assert code == 0, err
    assert "Kommunedata for 2026 er lastet inn: 2 kommuner." in out
    oslo = MunicipalityFacts.objects.get(year=2026, municipality__number="0301")
    assert oslo.population == 717710
    assert oslo.results_score == Decimal("41.5")
    assert oslo.immigrant_share == Decimal("0.3412")
    assert oslo.exception is True
    assert oslo.exception_reason == "Integreringsmottak"
    assert MunicipalityFacts.objects.get(municipality__number="4601").exception is False


def test_a_new_import_replaces_the_years_figures_and_leaves_other_years(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_facts("0301", year=2026)
    make_facts("5001", year=2026)
    make_facts("0301", year=2025)
    code, _, err = facts_command(capsys, tmp_path, f"{HEADER}\n4601,291189,55,0.2,0\n")
    assert code == 0, err
    assert list(
        MunicipalityFacts.objects.filter(year=2026).values_list("municipality__number", flat=True)
    ) == ["4601"]
    assert MunicipalityFacts.objects.filter(year=2025).count() == 1


def test_unknown_municipalities_and_bad_rows_are_all_listed_and_nothing_is_saved(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_facts("0301", year=2026)
    text = f"{HEADER}\n0301,1000,10,0.1,0\n9999,1000,10,0.1,0\n0000,1000,10,0.1,0\n"
    code, out, err = facts_command(capsys, tmp_path, text)
    assert code == 2
    assert out == ""
    assert "Linje 3: kommunenummeret 9999 finnes ikke" in err
    assert "Linje 4: kommunenummeret 0000 finnes ikke" in err
    assert MunicipalityFacts.objects.filter(year=2026).get().population == 20_000  # as before


def test_the_file_problems_are_listed_before_anything_is_looked_up(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"{HEADER}\n0301,-1,10,0.1,0\n4601,1000,10,1.5,0\n4601,1000,10,0.1,2\n"
    code, _, err = facts_command(capsys, tmp_path, text)
    assert code == 2
    assert "Linje 2: population «-1»" in err
    assert "Linje 3: immigrant_share «1.5»" in err
    assert "Linje 4: exception «2»" in err
    assert "Kommune 4601 står på flere linjer: 3, 4." in err
    assert not MunicipalityFacts.objects.exists()


def test_figures_the_database_cannot_hold_exactly_are_refused(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"{HEADER},exception_reason\n0301,1000,10.12345,0.123456,0,{'x' * 301}\n"
    code, _, err = facts_command(capsys, tmp_path, text)
    assert code == 2
    assert "results_score 10.12345 kan ha høyst 4 desimaler" in err
    assert "immigrant_share 0.123456 kan ha høyst 4 desimaler" in err
    assert "exception_reason er lengre enn 300 tegn" in err
    assert not MunicipalityFacts.objects.exists()


def test_a_missing_column_and_a_bad_year_exit_2(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = facts_command(
        capsys, tmp_path, "municipality_number,population\n0301,1\n", year="tjuesjue"
    )
    assert code == 2
    assert "--year må være et årstall" in err
    assert "mangler kolonnene results_score, immigrant_share, exception" in err
    code, _, err = facts_command(capsys, tmp_path, f"{HEADER}\n0301,1000,10,0.1,0\n", year="1850")
    assert code == 2
    assert "Året må være fra 2000 til 2100." in err


def test_the_facts_command_loads_a_year_through_call_command(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Not through the console script's main(): Django closes the database connection after a
    # command run from the command line, which would end the test's transaction on PostgreSQL.
    path = tmp_path / "kommunedata.csv"
    path.write_text(f"{HEADER}\n0301,717710,41.5,0.25,0\n", encoding="utf-8")
    call_command("settlement_facts", "--year", "2026", "--file", str(path))
    assert MunicipalityFacts.objects.get(year=2026).population == 717710
