"""Reading the matcher's three files: what is accepted, and every kind of problem listed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from integrering.settlement.matching import MatchInputError, match_solve, problem_read

HOUSEHOLDS = """household_id,persons,required_municipality,large_dwelling
A,2,,0
B,5,,1
C,1,0301,0
"""
MUNICIPALITIES = """municipality_number,persons,large_dwelling,name
0301,10,1,Oslo
4601,4,,Bergen
"""
SCORES = """household_id,municipality_number,score
A,0301,1.5
A,4601,2
B,0301,3
B,4601,2.5
C,0301,0.5
C,4601,9
"""


def write(
    tmp_path: Path,
    households: str = HOUSEHOLDS,
    municipalities: str = MUNICIPALITIES,
    scores: str = SCORES,
) -> tuple[Path, Path, Path]:
    paths = (tmp_path / "h.csv", tmp_path / "m.csv", tmp_path / "s.csv")
    for path, text in zip(paths, (households, municipalities, scores), strict=True):
        path.write_text(text, encoding="utf-8")
    return paths


def problems_of(tmp_path: Path, **files: str) -> list[str]:
    with pytest.raises(MatchInputError) as caught:
        problem_read(*write(tmp_path, **files))
    return caught.value.problems


def test_it_reads_the_three_files(tmp_path: Path) -> None:
    problem = problem_read(*write(tmp_path))
    assert problem.household_ids == ["A", "B", "C"]
    assert problem.municipality_numbers == ["0301", "4601"]  # leading zeros kept
    assert problem.persons.tolist() == [2, 5, 1]
    assert problem.dimensions == ["large_dwelling"]
    assert problem.demand[:, 0].tolist() == [0, 1, 0]
    assert problem.capacity_persons.tolist() == [10, 4]
    # An empty cell is no limit; the extra "name" column is not a dimension.
    assert problem.capacity[:, 0].tolist() == [1.0, np.inf]
    # C's family tie leaves only its pair with 0301, although 4601 scores higher.
    pairs = set(
        zip(problem.pair_household.tolist(), problem.pair_municipality.tolist(), strict=True)
    )
    assert pairs == {(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)}


def test_a_dimension_without_a_municipality_column_has_no_limit(tmp_path: Path) -> None:
    households = "household_id,persons,school_children\nA,3,4\nB,3,4\n"
    municipalities = "municipality_number,persons\n0301,6\n"
    scores = "household_id,municipality_number,score\nA,0301,1\nB,0301,1\n"
    problem = problem_read(
        *write(tmp_path, households=households, municipalities=municipalities, scores=scores)
    )
    assert problem.capacity.tolist() == [[np.inf]]
    assert match_solve(problem).placed == 2  # 8 school children, no limit


def test_the_tie_and_the_limits_hold_in_the_solution(tmp_path: Path) -> None:
    problem = problem_read(*write(tmp_path))
    result = match_solve(problem)
    placed = {
        problem.household_ids[h]: problem.municipality_numbers[j]
        for h, j in enumerate(result.assignment)
        if j >= 0
    }
    assert placed["C"] == "0301"
    # B (5 persons) fits only in Oslo; A then takes Bergen.
    assert placed == {"A": "4601", "B": "0301", "C": "0301"}


def test_missing_columns_are_listed_for_every_file(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        households="household_id,size\nA,2\n",
        municipalities="number,persons\n0301,3\n",
        scores="household_id,municipality_number,points\nA,0301,1\n",
    )
    assert "h.csv: mangler kolonnen «persons»." in problems
    assert "m.csv: mangler kolonnen «municipality_number»." in problems
    assert "s.csv: mangler kolonnen «score»." in problems


def test_unknown_ids_in_the_scores_are_listed_with_their_line(tmp_path: Path) -> None:
    scores = SCORES + "X,0301,1\nA,9999,1\n"
    problems = problems_of(tmp_path, scores=scores)
    assert "s.csv linje 8: «X» finnes ikke i h.csv." in problems
    assert "s.csv linje 9: «9999» finnes ikke i m.csv." in problems


def test_duplicates_are_listed(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        households=HOUSEHOLDS + "A,3,,0\n",
        municipalities=MUNICIPALITIES + "4601,2,,Bergen igjen\n",
        scores=SCORES + "B,4601,1\n",
    )
    assert "h.csv linje 5: «A» finnes flere ganger." in problems
    assert "m.csv linje 4: «4601» finnes flere ganger." in problems
    assert "s.csv linje 8: paret husstand–kommune står der også på en tidligere linje." in problems


def test_bad_numbers_are_listed(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        households="household_id,persons,large_dwelling\nA,0,0\nB,2.5,-1\nC,,x\n",
        municipalities="municipality_number,persons,large_dwelling\n0301,-3,1\n4601,4,-2\n",
        scores="household_id,municipality_number,score\nA,0301,-1\nB,0301,abc\nC,0301,\nA,4601,2\n",
    )
    for expected in [
        "h.csv linje 2: «persons» må være et heltall på minst 1 (er «0»).",
        "h.csv linje 3: «persons» må være et heltall på minst 1 (er «2.5»).",
        "h.csv linje 4: «persons» må være et heltall på minst 1 (er «»).",
        "h.csv linje 3: «large_dwelling» må være et heltall på minst 0 (er «-1»).",
        "h.csv linje 4: «large_dwelling» må være et heltall på minst 0 (er «x»).",
        "m.csv linje 2: «persons» må være et heltall på minst 0 (er «-3»).",
        "m.csv linje 3: «large_dwelling» må være et heltall på minst 0 (er «-2»).",
        "s.csv linje 2: «score» må være et tall større enn eller lik 0 (er «-1»).",
        "s.csv linje 3: «score» må være et tall større enn eller lik 0 (er «abc»).",
        "s.csv linje 4: «score» må være et tall større enn eller lik 0 (er «»).",
    ]:
        assert expected in problems
    assert len(problems) == 10


def test_a_tie_to_an_unknown_municipality_is_a_problem(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, households=HOUSEHOLDS.replace("C,1,0301,0", "C,1,1234,0"))
    assert problems == ["h.csv linje 4: «required_municipality» «1234» finnes ikke i m.csv."]


def test_missing_and_empty_files_are_problems(tmp_path: Path) -> None:
    households, municipalities, scores = write(tmp_path, scores="")
    households.unlink()
    with pytest.raises(MatchInputError) as caught:
        problem_read(households, municipalities, scores)
    assert caught.value.problems[0].startswith("h.csv: filen finnes ikke")
    assert "s.csv: filen er tom (mangler overskriftslinjen)." in caught.value.problems


def test_a_flood_of_bad_rows_is_summarised(tmp_path: Path) -> None:
    scores = "household_id,municipality_number,score\n" + "Z,0301,1\n" * 25
    problems = problems_of(tmp_path, scores=scores)
    assert len([p for p in problems if "«Z» finnes ikke" in p]) == 10
    assert "s.csv: … og 15 linjer til med samme feil." in problems


def test_adaptation_needs_leave_only_the_municipalities_that_can_meet_them(tmp_path: Path) -> None:
    """A needs a wheelchair (only Bergen can), B «other» (nobody listed it): B keeps no pair;
    the needs column is not a capacity dimension, and school places are one."""
    problem = problem_read(
        *write(
            tmp_path,
            households="household_id,persons,school_children,adaptation_needs\n"
            "A,2,1,wheelchair\nB,5,0,other\nC,1,2,\n",
            municipalities="municipality_number,persons,school_children,adaptation_capabilities\n"
            "0301,10,1,near_hospital\n4601,4,,wheelchair|near_hospital\n",
        )
    )
    assert problem.dimensions == ["school_children"]
    assert problem.capacity.tolist() == [[1.0], [np.inf]]
    pairs = sorted(
        (problem.household_ids[h], problem.municipality_numbers[j])
        for h, j in zip(problem.pair_household, problem.pair_municipality, strict=True)
    )
    assert pairs == [("A", "4601"), ("C", "0301"), ("C", "4601")]
    result = match_solve(problem, time_limit=1)
    # C needs two school places: Oslo has one, so C goes to Bergen beside A.
    assert result.assignment.tolist() == [1, -1, 1]
