"""``integrering settlement match``: the issue's contract, from files to files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from integrering.settlement.matching.synthetic import problem_synthetic, problem_write

KEYS = {
    "households",
    "placed",
    "persons_placed",
    "objective",
    "lp_bound",
    "gap_percent",
    "greedy_objective",
    "seconds",
    "status",
}


def match(*args: str | Path) -> tuple[int, str, str]:
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("settlement", "match", *map(str, args), stdout=stdout, stderr=stderr)
        code = 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    problem = problem_synthetic(
        households=80, municipalities=12, tightness=0.8, ties=0.1, density=0.7, seed=2
    )
    return problem_write(problem, tmp_path)


def arguments(files: tuple[Path, Path, Path], out: Path) -> list[str | Path]:
    households, municipalities, scores = files
    return [
        "--households",
        households,
        "--municipalities",
        municipalities,
        "--scores",
        scores,
        "--out",
        out,
    ]


def test_it_writes_the_placements_and_prints_exactly_the_keys(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "P.csv"
    code, stdout, _ = match(*arguments(files, out), "--time-limit", "5", "--json")
    assert code == 0
    result = json.loads(stdout)
    assert set(result) == KEYS
    placements = pd.read_csv(out, dtype=str)
    assert list(placements.columns) == ["household_id", "municipality_number"]
    assert len(placements) == result["placed"]
    assert not placements["household_id"].duplicated().any()

    # Recompute everything from the files.
    households = pd.read_csv(files[0], dtype=str, keep_default_na=False).set_index("household_id")
    municipalities = pd.read_csv(files[1], dtype=str, keep_default_na=False).set_index(
        "municipality_number"
    )
    scores = pd.read_csv(files[2], dtype={"household_id": str, "municipality_number": str})
    joined = placements.merge(scores, on=["household_id", "municipality_number"], how="left")
    assert joined["score"].notna().all()  # only listed pairs
    assert joined["score"].sum() == pytest.approx(result["objective"], abs=1e-4)
    persons = households.loc[placements["household_id"], "persons"].astype(int).to_numpy()
    assert persons.sum() == result["persons_placed"]
    load = pd.Series(persons).groupby(placements["municipality_number"].to_numpy()).sum()
    capacity = municipalities["persons"].astype(int)
    assert (load <= capacity.loc[load.index]).all()
    tie = households["required_municipality"]
    tied = placements[tie.loc[placements["household_id"]].to_numpy() != ""]
    assert (
        tied["municipality_number"].to_numpy() == tie.loc[tied["household_id"]].to_numpy()
    ).all()
    assert result["lp_bound"] >= result["objective"] >= result["greedy_objective"]
    assert result["status"] in ("optimal", "feasible")


def test_without_json_it_prints_a_norwegian_summary(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    code, stdout, _ = match(*arguments(files, tmp_path / "P.csv"), "--time-limit", "2")
    assert code == 0
    assert "husstander plassert" in stdout
    assert "Plasseringene er skrevet til" in stdout


def test_bad_files_exit_2_with_every_problem_and_write_nothing(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, municipalities, scores = files
    text = scores.read_text().splitlines()
    text[1] = "NOBODY,1000,1.0"
    text[2] = text[2].rsplit(",", 1)[0] + ",-2"
    text.append(text[3])  # a duplicate pair
    scores.write_text("\n".join(text) + "\n")
    municipalities.write_text(
        municipalities.read_text().replace(
            "municipality_number,persons", "municipality_number,places"
        )
    )
    out = tmp_path / "P.csv"
    code, stdout, stderr = match(*arguments(files, out), "--json")
    assert code == 2
    assert stdout == ""
    assert not out.exists()
    assert "m.csv" not in stderr  # the real names are used
    assert "municipalities.csv: mangler kolonnen «persons»." in stderr
    assert "scores.csv linje 2: «NOBODY» finnes ikke i households.csv." in stderr
    assert "scores.csv linje 3: «score» må være et tall større enn eller lik 0 (er «-2" in stderr
    assert "paret husstand–kommune står der også på en tidligere linje." in stderr


def test_an_existing_out_file_is_left_untouched_on_bad_input(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "P.csv"
    out.write_text("keep me\n")
    files[0].write_text("household_id,persons\nA,0\n")
    code, _, stderr = match(*arguments(files, out))
    assert code == 2
    assert out.read_text() == "keep me\n"
    assert "households.csv linje 2: «persons» må være et heltall på minst 1 (er «0»)." in stderr


def test_a_bad_time_limit_or_out_folder_is_refused(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    code, _, stderr = match(*arguments(files, tmp_path / "nowhere" / "P.csv"), "--time-limit", "0")
    assert code == 2
    assert "--time-limit må være et positivt antall sekunder." in stderr
    assert "Mappen for --out finnes ikke" in stderr


def test_the_console_script_keeps_stdout_clean_json(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """HiGHS prints a banner on file descriptor 1; the JSON must stay alone on stdout."""
    out = tmp_path / "P.csv"
    command = [
        sys.executable,
        "-m",
        "django",
        "settlement",
        "match",
        *map(str, arguments(files, out)),
        "--time-limit",
        "2",
        "--json",
    ]
    done = subprocess.run(  # noqa: S603 - our own console command, fixed arguments
        command,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "integrering.settings",
            "INTEGRERING_TESTING": "1",
        },
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == KEYS
    assert np.isfinite(json.loads(done.stdout)["lp_bound"])
