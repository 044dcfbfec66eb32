"""``integrering survey response-rates`` and ``correlate``: seed 004 table 1 reproduced from an
invitation file the test builds, r and p against scipy on generated data, and bad files refused
with every bad row named and nothing on stdout."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from scipy import stats


def run(*args: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("survey", *args, stdout=stdout, stderr=stderr)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, stdout.getvalue(), stderr.getvalue()


def write_rows(path: Path, header: list[str], rows: list[list[object]]) -> str:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def seed_004_invitations() -> list[list[object]]:
    """356 municipalities and Oslo's 15 city districts (seed 004 «Utvalg»): the chief executive's
    and the integration officer's questionnaires go to all 371 units, the head of education's to
    the 356 municipalities. Answers as in seed 004 table 1: integration officer 142 (138
    municipalities and 4 districts), chief executive 98, head of education 128; 224 units answered
    at least one."""
    municipalities = [f"m{i:03d}" for i in range(356)]
    districts = [f"0301{i + 1:02d}" for i in range(15)]
    integration = set(municipalities[:138]) | set(districts[:4])
    chief = set(municipalities[:97]) | set(districts[:1])
    education = set(municipalities[:46]) | set(municipalities[138:220])
    rows: list[list[object]] = []
    for unit in municipalities + districts:
        rows.append([unit, "chief_executive", int(unit in chief)])
        rows.append([unit, "integration_officer", int(unit in integration)])
        if unit in municipalities:
            rows.append([unit, "head_of_education", int(unit in education)])
    return rows


def test_it_reproduces_seed_004_table_1(tmp_path: Path) -> None:
    rows = seed_004_invitations()
    path = write_rows(tmp_path / "inv.csv", ["unit_id", "role", "answered"], rows)
    code, out, err = run("response-rates", "--invitations", path, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data == {
        "roles": [
            {"role": "chief_executive", "invited": 371, "answered": 98, "percent": 26.4},
            {"role": "integration_officer", "invited": 371, "answered": 142, "percent": 38.3},
            {"role": "head_of_education", "invited": 356, "answered": 128, "percent": 36.0},
        ],
        "at_least_one": {"invited_units": 371, "answered_units": 224, "percent": 60.4},
    }
    # seed 004 prints whole per cents: 26 %, 38 %, 36 %, 60 %
    assert [round(r["percent"]) for r in data["roles"]] == [26, 38, 36]
    assert round(data["at_least_one"]["percent"]) == 60
    # computed apart: units with at least one answered row
    answering = {unit for unit, _, answered in rows if answered}
    assert len(answering) == 224


def test_without_json_it_prints_a_norwegian_table(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "inv.csv", ["unit_id", "role", "answered"], seed_004_invitations())
    code, out, _ = run("response-rates", "--invitations", path)
    assert code == 0
    assert "Integreringsansvarlig" in out and "38,3 %" in out
    assert "Minst en besvarelse" in out and "60,4 %" in out


def test_only_roles_in_the_file_are_listed(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "inv.csv",
        ["unit_id", "role", "answered"],
        [["0301", "head_of_education", 1], ["4601", "head_of_education", 0]],
    )
    code, out, _ = run("response-rates", "--invitations", path, "--json")
    assert code == 0
    assert [r["role"] for r in json.loads(out)["roles"]] == ["head_of_education"]


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            "unit_id,role,answered\n0301,integration_officer,1\n0301,rektor,1\n"
            "4601,chief_executive,ja\n4601,chief_executive,1\n,head_of_education,2\n",
            [
                "linje 3: ukjent rolle «rektor»",
                "linje 4: answered må være 0 eller 1, ikke «ja»",
                "linje 5: enheten 4601 står allerede med rollen chief_executive på linje 4",
                "linje 6: unit_id mangler",
                "linje 6: answered må være 0 eller 1, ikke «2»",
            ],
        ),
        ("unit_id,answered\n0301,1\n", ["linje 1: kolonnen «role» mangler"]),
        ("", ["Filen er tom."]),
    ],
)
def test_bad_invitation_files_exit_2_naming_every_bad_row(
    tmp_path: Path, text: str, messages: list[str]
) -> None:
    path = tmp_path / "inv.csv"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("response-rates", "--invitations", str(path), "--json")
    assert (code, out) == (2, "")
    for message in messages:
        assert message in err


def test_correlate_matches_scipy_and_leaves_out_rows_with_an_empty_value(tmp_path: Path) -> None:
    rng = np.random.default_rng(2021)
    n = 120
    xs = rng.integers(0, 1000, size=n).astype(float)  # a centrality index
    ys = rng.integers(0, 4, size=n).astype(float)  # answered questionnaires 0-3
    rows: list[list[object]] = [
        [f"{i:04d}", int(x), int(y)] for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    ]
    rows[3][1] = ""  # no centrality
    rows[7][2] = ""  # no count
    path = write_rows(tmp_path / "k.csv", ["municipality", "centrality", "answered"], rows)
    code, out, err = run(
        "correlate", "--file", path, "--x", "centrality", "--y", "answered", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    keep = [i for i in range(n) if i not in {3, 7}]
    expected = stats.pearsonr(xs[keep], ys[keep])
    assert data["n"] == n - 2
    assert data["r"] == pytest.approx(float(expected.statistic), abs=1e-12)
    assert data["p"] == pytest.approx(float(expected.pvalue), rel=1e-9)
    assert data["r"] == pytest.approx(float(np.corrcoef(xs[keep], ys[keep])[0, 1]), abs=1e-12)


def test_correlate_without_json_prints_r_and_p_in_norwegian(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "k.csv", ["x", "y"], [[1, 2], [2, 4], [3, 5], [4, 9]])
    code, out, _ = run("correlate", "--file", path, "--x", "x", "--y", "y")
    assert code == 0
    assert "n = 4" in out and "r = 0," in out and "(tosidig)" in out


@pytest.mark.parametrize(
    ("rows", "args", "messages"),
    [
        (
            [[1, 2], ["mange", 3], [3, "x"], [4, 5]],
            ("--x", "a", "--y", "b"),
            ["linje 3: a må være et tall, ikke «mange»", "linje 4: b må være et tall, ikke «x»"],
        ),
        ([[1, 2], [2, 3]], ("--x", "a", "--y", "c"), ["kolonnen «c» mangler"]),
        ([[1, 2], [2, ""], [3, 4]], ("--x", "a", "--y", "b"), ["minst 3 rader", "fant 2"]),
        ([[1, 2], [1, 3], [1, 4]], ("--x", "a", "--y", "b"), ["Alle verdiene av x er like"]),
    ],
)
def test_bad_correlate_input_exits_2(
    tmp_path: Path, rows: list[list[object]], args: tuple[str, ...], messages: list[str]
) -> None:
    path = write_rows(tmp_path / "k.csv", ["a", "b"], rows)
    code, out, err = run("correlate", "--file", path, *args, "--json")
    assert (code, out) == (2, "")
    for message in messages:
        assert message in err
