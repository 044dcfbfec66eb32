"""``integrering settlement simulate-year``: the issue's contract, from files to files."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command

from integrering.settlement.matching.synthetic import year_synthetic, year_write

KEYS = {
    "households",
    "placed",
    "objective",
    "hindsight_bound",
    "myopic_objective",
    "seconds",
    "weekly",
    "max_pace_deviation_percent",
    "max_pace_excess_persons",
}


def simulate(*args: str | Path) -> tuple[int, str, str]:
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("settlement", "simulate-year", *map(str, args), stdout=stdout, stderr=stderr)
        code = 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("year")
    problem, ready = year_synthetic(households=90, municipalities=7, seed=8)
    return year_write(problem, ready, folder)


def arguments(files: tuple[Path, Path, Path], out: Path, expected: int = 260) -> list[str | Path]:
    arrivals, municipalities, scores = files
    return [
        "--arrivals",
        arrivals,
        "--municipalities",
        municipalities,
        "--scores",
        scores,
        "--expected",
        str(expected),
        "--out",
        out,
    ]


def test_it_writes_the_placements_and_prints_exactly_the_keys(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "P.csv"
    code, stdout, _ = simulate(*arguments(files, out), "--seed", "3", "--json")
    assert code == 0
    result = json.loads(stdout)
    assert set(result) == KEYS
    assert all(set(week) == {"week", "placed"} for week in result["weekly"])
    placements = pd.read_csv(out, dtype=str)
    assert list(placements.columns) == ["household_id", "municipality_number", "week"]
    assert len(placements) == result["placed"] == sum(w["placed"] for w in result["weekly"])
    assert result["households"] == 90

    # Each household is placed in the ISO week of its ready date.
    arrivals = pd.read_csv(files[0], dtype=str).set_index("household_id")
    for row in placements.itertuples():
        year, week, _ = datetime.date.fromisoformat(
            arrivals.loc[row.household_id, "ready_on"]
        ).isocalendar()
        assert row.week == f"{year}-W{week:02d}"
    weeks = sorted(
        {
            f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}"
            for d in pd.to_datetime(arrivals["ready_on"]).dt.date
        }
    )
    assert [w["week"] for w in result["weekly"]] == weeks

    # The total is the placements' scores; nothing beats the hindsight bound.
    scores = pd.read_csv(files[2], dtype={"household_id": str, "municipality_number": str})
    merged = placements.merge(scores, on=["household_id", "municipality_number"])
    assert len(merged) == len(placements)
    assert result["objective"] == pytest.approx(merged["score"].sum(), abs=1e-4)
    assert result["myopic_objective"] <= result["hindsight_bound"] + 1e-6
    assert result["objective"] <= result["hindsight_bound"] + 1e-6
    assert 0 <= result["max_pace_deviation_percent"] <= 100
    assert 0 <= result["max_pace_excess_persons"] <= 260


def test_the_same_seed_writes_the_same_file(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert simulate(*arguments(files, first), "--seed", "5", "--json")[0] == 0
    assert simulate(*arguments(files, second), "--seed", "5", "--json")[0] == 0
    assert first.read_text() == second.read_text()


def test_removing_later_rows_changes_nothing_before_them(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    whole_out, part_out = tmp_path / "whole.csv", tmp_path / "part.csv"
    assert simulate(*arguments(files, whole_out), "--json")[0] == 0
    arrivals = pd.read_csv(files[0], dtype=str, keep_default_na=False)
    cut = "2026-07-01"
    early = arrivals[arrivals["ready_on"] < cut]
    shorter = tmp_path / "early.csv"
    early.to_csv(shorter, index=False)
    code, _, stderr = simulate(*arguments((shorter, files[1], files[2]), part_out), "--json")
    assert code == 0
    # The scores of the households left out are skipped, and said so.
    assert "er hoppet over" in stderr
    whole = pd.read_csv(whole_out, dtype=str)
    part = pd.read_csv(part_out, dtype=str)
    before = whole[whole["household_id"].isin(early["household_id"])]
    assert 0 < len(part) < len(whole)
    assert part.reset_index(drop=True).equals(before.reset_index(drop=True))


def test_balance_and_the_myopic_policy_are_options(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    code, stdout, _ = simulate(
        *arguments(files, tmp_path / "m.csv"), "--policy", "myopic", "--json"
    )
    myopic = json.loads(stdout)
    assert code == 0 and myopic["objective"] == myopic["myopic_objective"]
    code, stdout, _ = simulate(*arguments(files, tmp_path / "b.csv"), "--balance", "--json")
    assert code == 0 and set(json.loads(stdout)) == KEYS


def test_without_json_it_prints_a_summary_in_norwegian(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    code, stdout, _ = simulate(*arguments(files, tmp_path / "P.csv"))
    assert code == 0
    assert "husstander plassert" in stdout and "% av grensen" in stdout


def test_bad_input_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    arrivals = tmp_path / "A.csv"
    arrivals.write_text(
        "household_id,ready_on,persons,required_municipality\n"
        "H1,2026-02-03,2,\n"
        "H2,31.02.2026,1,\n"  # no such date
        "H3,,0,9999\n"  # no date, no persons, a tie to an unknown municipality
        "H1,2026-02-04,1,\n",  # the same household again
        encoding="utf-8",
    )
    municipalities = tmp_path / "M.csv"
    municipalities.write_text("municipality_number,persons\n0301,x\n", encoding="utf-8")
    scores = tmp_path / "S.csv"
    scores.write_text(
        "household_id,municipality_number,score\nH1,0301,-1\nH2,4601,1\n", encoding="utf-8"
    )
    out = tmp_path / "P.csv"
    code, stdout, stderr = simulate(
        *arguments((arrivals, municipalities, scores), out, expected=0)[:-2],
        "--expected",
        "mange",
        "--policy",
        "klok",
        "--seed",
        "-1",
        "--out",
        out,
        "--json",
    )
    assert code == 2
    assert stdout == ""
    assert not out.exists()
    for text in (
        "--expected må være et heltall",
        "--seed må være et heltall",
        "--policy må være dynamic eller myopic, ikke «klok»",
        "A.csv linje 3: «ready_on» må være en dato (ÅÅÅÅ-MM-DD eller dd.mm.åååå), ikke «31.02.2026»",
        "A.csv linje 4: «ready_on» må være en dato (ÅÅÅÅ-MM-DD eller dd.mm.åååå); den mangler",
        "A.csv linje 4: «persons» må være et heltall på minst 1",
        "A.csv linje 4: «required_municipality» «9999» finnes ikke i M.csv",
        "A.csv linje 5: «H1» finnes flere ganger",
        "M.csv linje 2: «persons» må være et heltall på minst 0",
        "S.csv linje 2: «score» må være et tall større enn eller lik 0",
        "S.csv linje 3: «4601» finnes ikke i M.csv",
    ):
        assert text in stderr, (text, stderr)
    assert stderr.startswith("integrering settlement simulate-year: 11 feil, ingenting er skrevet:")


def test_missing_files_and_options_are_named(tmp_path: Path) -> None:
    code, _, stderr = simulate("--arrivals", tmp_path / "nei.csv", "--json")
    assert code == 2
    for text in (
        "--municipalities mangler",
        "--scores mangler",
        "--out mangler",
        "--expected må være",
    ):
        assert text in stderr
    arrivals = tmp_path / "A.csv"
    arrivals.write_text("household_id,persons\nH1,2\n", encoding="utf-8")
    (tmp_path / "M.csv").write_text("municipality_number,persons\n0301,5\n", encoding="utf-8")
    (tmp_path / "S.csv").write_text(
        "household_id,municipality_number,score\nH1,0301,1\n", encoding="utf-8"
    )
    code, _, stderr = simulate(
        *arguments((arrivals, tmp_path / "M.csv", tmp_path / "S.csv"), tmp_path / "P.csv")
    )
    assert code == 2 and "A.csv: mangler kolonnen «ready_on»." in stderr
