"""The online weekly placement policy (issue 26): deterministic per seed, a week depends only on
the weeks up to it, everyone placed in their week when there is room, the dynamic policy keeps
a scarce place the myopic one wastes, and balance evens the pace."""

from __future__ import annotations

import numpy as np
import pytest

from integrering.settlement.matching import MatchProblem, match_solve
from integrering.settlement.matching.online import (
    Pace,
    pace_deviation_percent,
    pace_excess_persons,
    problem_subset,
    week_place,
)
from integrering.settlement.matching.simulate import YearResult, hindsight_bound, year_simulate
from integrering.settlement.matching.synthetic import year_synthetic


def _weeks(ready: list) -> tuple[np.ndarray, list[str]]:
    keys = sorted({d.isocalendar()[:2] for d in ready})
    names = [f"{y}-W{w:02d}" for y, w in keys]
    index = {key: i for i, key in enumerate(keys)}
    return np.array([index[d.isocalendar()[:2]] for d in ready]), names


@pytest.fixture(scope="module")
def year() -> tuple[MatchProblem, np.ndarray, list[str]]:
    """A small seasonal year: 120 households, 8 municipalities, over the ISO weeks."""
    problem, ready = year_synthetic(households=120, municipalities=8, seed=4)
    week_index, names = _weeks(ready)
    return problem, week_index, names


def _simulate(
    problem: MatchProblem, week_index: np.ndarray, names: list[str], **options: object
) -> YearResult:
    return year_simulate(
        problem,
        week_index=week_index,
        week_names=names,
        expected_persons=float(problem.persons.sum()),
        **options,  # type: ignore[arg-type]
    )


def test_the_same_seed_gives_the_same_year(year: tuple) -> None:
    problem, week_index, names = year
    first = _simulate(problem, week_index, names, seed=7)
    again = _simulate(problem, week_index, names, seed=7)
    assert np.array_equal(first.assignment, again.assignment)
    assert first.objective == again.objective
    assert all(
        np.array_equal(a.persons, b.persons)
        for a, b in zip(first.prices, again.prices, strict=True)
    )
    # The dynamic policy priced some place in the year (a scarce municipality).
    assert max(float(p.persons.max()) for p in first.prices) > 0


@pytest.mark.parametrize("balance", [False, True])
def test_removing_later_weeks_changes_nothing_before_them(year: tuple, balance: bool) -> None:
    problem, week_index, names = year
    whole = _simulate(problem, week_index, names, seed=3, balance=balance)
    cut = len(names) // 2
    kept = np.flatnonzero(week_index < cut)
    assert 0 < len(kept) < problem.n
    early, _ = problem_subset(problem, kept)
    part = year_simulate(
        early,
        week_index=week_index[kept],
        week_names=names[:cut],
        expected_persons=float(problem.persons.sum()),  # the same forecast
        seed=3,
        balance=balance,
    )
    assert np.array_equal(part.assignment, whole.assignment[kept])
    assert part.weekly_placed == whole.weekly_placed[:cut]


def _unplaced_with_room(
    problem: MatchProblem, week_index: np.ndarray, assignment: np.ndarray
) -> list[str]:
    """Households left unplaced although, after their week's placements, an allowed
    municipality still had room for them in every dimension."""
    wrong = []
    for w in range(int(week_index.max()) + 1):
        upto = (week_index <= w) & (assignment >= 0)
        persons = np.bincount(assignment[upto], problem.persons[upto], problem.m)
        room = problem.capacity_persons - persons
        rooms = problem.capacity.copy()
        for k in range(problem.d):
            rooms[:, k] -= np.bincount(assignment[upto], problem.demand[upto, k], problem.m)
        for h in np.flatnonzero((week_index == w) & (assignment < 0)):
            for j in problem.pair_municipality[problem.pair_household == h]:
                if room[j] >= problem.persons[h] and (rooms[j] >= problem.demand[h]).all():
                    wrong.append(problem.household_ids[h])
    return wrong


@pytest.mark.parametrize(
    ("policy", "balance"), [("dynamic", False), ("myopic", False), ("dynamic", True)]
)
def test_every_household_is_placed_in_its_week_when_there_is_room(
    policy: str, balance: bool
) -> None:
    # Tight: 0.9 places per person, so some households find no room by the end of the year.
    problem, ready = year_synthetic(households=90, municipalities=6, tightness=0.9, seed=5)
    week_index, names = _weeks(ready)
    result = _simulate(problem, week_index, names, policy=policy, balance=balance)
    assert (result.assignment < 0).any()
    assert _unplaced_with_room(problem, week_index, result.assignment) == []
    assert sum(result.weekly_placed) == int((result.assignment >= 0).sum())


def _scarce_place() -> tuple[MatchProblem, np.ndarray, list[str]]:
    """Municipality A has 3 places, good for everyone; B has plenty. Week 1 brings two
    households who need A (B is poor for them) and one who does almost as well in B; week 2
    one more who needs A. The weekly optimum fills A in week 1 (every score there is higher),
    so the last household gets B: 1 + 1 + 1 + 0.1 = 3.1. Keeping A's third place for it
    (the first-week household that does almost as well in B goes there) gives 1 + 1 + 0.9 + 1
    = 3.9, the hindsight optimum."""
    scores = {"Y1": (1.0, 0.1), "Y2": (1.0, 0.1), "X1": (1.0, 0.9), "Y3": (1.0, 0.1)}
    ids = list(scores)
    return (
        MatchProblem(
            household_ids=ids,
            municipality_numbers=["0001", "0002"],
            persons=np.ones(4, dtype=np.int64),
            dimensions=[],
            demand=np.zeros((4, 0), dtype=np.int64),
            capacity_persons=np.array([3, 10], dtype=np.int64),
            capacity=np.zeros((2, 0)),
            pair_household=np.repeat(np.arange(4), 2),
            pair_municipality=np.tile(np.arange(2), 4),
            pair_score=np.array([s for h in ids for s in scores[h]]),
        ),
        np.array([0, 0, 0, 1]),
        ["2026-W10", "2026-W11"],
    )


def test_the_dynamic_policy_keeps_the_scarce_place_the_myopic_one_wastes() -> None:
    problem, week_index, names = _scarce_place()
    myopic = _simulate(problem, week_index, names, policy="myopic")
    dynamic = _simulate(problem, week_index, names, policy="dynamic")
    assert myopic.assignment.tolist() == [0, 0, 0, 1]
    assert myopic.objective == pytest.approx(3.1)
    assert dynamic.assignment.tolist() == [0, 0, 1, 0]
    assert dynamic.objective == pytest.approx(3.9)
    assert hindsight_bound(problem) == pytest.approx(3.9)
    # Week 1 priced A's places at least at what A is worth over B to the household that does
    # almost as well in B (B has room to spare: free); week 2 expects no one after it.
    first, second = dynamic.prices
    assert first.persons[0] >= 0.1 - 1e-9 and first.persons[1] == 0
    assert not second.persons.any()


def test_with_nothing_more_expected_the_dynamic_policy_is_the_weeks_optimum() -> None:
    problem, _, _ = _scarce_place()
    batch = np.arange(3)
    week = week_place(
        problem,
        batch=batch,
        history=batch,
        future_persons=0.0,
        rng=np.random.default_rng(1),
    )
    sub, _ = problem_subset(problem, batch)
    assert week.assignment.tolist() == match_solve(sub).assignment.tolist() == [0, 0, 0]
    assert not week.prices.persons.any()


def test_balance_keeps_the_municipalities_closer_to_their_due_share() -> None:
    # In persons beyond one household: the deviation in percentage points is that of the
    # municipality with the fewest households (here one that receives 3 or 4 persons), a lump.
    problem, ready = year_synthetic(households=200, municipalities=8, seed=6)
    week_index, names = _weeks(ready)
    free = _simulate(problem, week_index, names)
    balanced = _simulate(problem, week_index, names, balance=True)
    assert balanced.max_pace_excess_persons < free.max_pace_excess_persons / 2
    assert _unplaced_with_room(problem, week_index, balanced.assignment) == []


def _two_places(only_a: bool) -> MatchProblem:
    """One household of 2 persons; A scores 1.0 for it, B 0.5 (or it may only go to A)."""
    municipalities = [0] if only_a else [0, 1]
    return MatchProblem(
        household_ids=["H1"],
        municipality_numbers=["0001", "0002"],
        persons=np.array([2], dtype=np.int64),
        dimensions=[],
        demand=np.zeros((1, 0), dtype=np.int64),
        capacity_persons=np.array([10, 10], dtype=np.int64),
        capacity=np.zeros((2, 0)),
        pair_household=np.zeros(len(municipalities), dtype=np.int64),
        pair_municipality=np.array(municipalities),
        pair_score=np.array([1.0, 0.5][: len(municipalities)]),
    )


@pytest.mark.parametrize(("only_a", "placed_in"), [(False, 1), (True, 0)])
def test_a_municipality_ahead_of_its_pace_gets_no_one_who_fits_elsewhere(
    only_a: bool, placed_in: int
) -> None:
    # A is due nothing yet (its year is 0 persons), B 5 of its 10: the household goes to B
    # though A scores more; when it may only go to A, the pace gives way and it goes there.
    pace = Pace(received=np.zeros(2), flow_share=0.5, year=np.array([0.0, 10.0]), slack=0.5)
    week = week_place(
        _two_places(only_a),
        batch=np.array([0]),
        history=np.array([0]),
        future_persons=0.0,
        rng=np.random.default_rng(1),
        pace=pace,
    )
    assert week.assignment.tolist() == [placed_in]


def test_the_pace_excess_is_the_deviation_in_persons_beyond_one_household() -> None:
    # Two weeks, 10 persons each (half the year's flow after week 1). Municipality 0 takes one
    # household of 4 in week 1: 2 persons ahead of its due, within that household. Municipality
    # 1 takes 2 + 2 + 2 in week 1 and 4 in week 2: 1 ahead of its due (5), within 4. Municipality
    # 2 takes six households of 1 in week 2: 3 behind its due after week 1, 2 beyond 1.
    excess = pace_excess_persons(
        2,
        week=np.array([0, 0, 0, 0, 1] + [1] * 6),
        municipality=np.array([0, 1, 1, 1, 1] + [2] * 6),
        persons=np.array([4, 2, 2, 2, 4] + [1] * 6),
        m=3,
    )
    assert excess == pytest.approx(2.0)


def test_the_pace_deviation_compares_each_municipalitys_share_with_the_flows() -> None:
    # Two weeks, 10 persons each. Municipality 0 takes all 4 of its persons in week 1 (100 %
    # of its year when the year's flow is at 50 %): 50 points. Municipality 1 takes 6 then 10.
    deviation = pace_deviation_percent(
        2,
        week=np.array([0, 0, 1]),
        municipality=np.array([0, 1, 1]),
        persons=np.array([4, 6, 10]),
        m=3,
    )
    assert deviation == pytest.approx(50.0)
    # Municipality 0's year is 10 persons, 1's 30; a quarter of the year's flow is ready. 0 has
    # received nothing (due 2.5: room 3.5 with a slack of 1, behind 1.5), 1 has received 9 (due
    # 7.5: room 0, ahead).
    pace = Pace(
        received=np.array([0.0, 9.0]), flow_share=0.25, year=np.array([10.0, 30.0]), slack=1.0
    )
    room, behind = pace.room()
    assert room.tolist() == pytest.approx([3.5, 0.0])
    assert behind.tolist() == pytest.approx([1.5, 0.0])
