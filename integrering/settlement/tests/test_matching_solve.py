"""The matcher's optimisation: feasible, optimal against brute force, and an honest LP bound."""

from __future__ import annotations

import itertools

import highspy
import numpy as np
import pytest

from integrering.settlement.matching import (
    MatchProblem,
    assignment_loads,
    assignment_objective,
    assignment_problems,
    greedy_assign,
    match_solve,
)
from integrering.settlement.matching import solve as solve_module
from integrering.settlement.matching.synthetic import problem_synthetic


def tiny_problem(
    seed: int, *, n: int = 6, m: int = 4, integer_scores: bool = False
) -> MatchProblem:
    """A random instance small enough to enumerate: 2 dimensions, some pairs not allowed, one
    household with a family tie, capacities that bind."""
    rng = np.random.default_rng(seed)
    persons = rng.integers(1, 5, n)
    demand = np.column_stack([rng.integers(0, 2, n), rng.integers(0, 3, n)])
    capacity = np.column_stack(
        [rng.integers(0, 3, m).astype(float), rng.integers(0, 5, m).astype(float)]
    )
    capacity[rng.random((m, 2)) < 0.25] = np.inf
    allowed = rng.random((n, m)) < 0.75
    allowed[0] = False
    allowed[0, rng.integers(m)] = True  # a family tie: only one municipality
    pair_h, pair_m = np.nonzero(allowed)
    scores = rng.integers(0, 10, len(pair_h)) if integer_scores else rng.random(len(pair_h)) * 5
    return MatchProblem(
        household_ids=[f"H{h}" for h in range(n)],
        municipality_numbers=[f"{j + 1:04d}" for j in range(m)],
        persons=persons.astype(np.int64),
        dimensions=["large_dwelling", "school_children"],
        demand=demand.astype(np.int64),
        capacity_persons=rng.integers(0, 9, m).astype(np.int64),
        capacity=capacity,
        pair_household=pair_h.astype(np.int64),
        pair_municipality=pair_m.astype(np.int64),
        pair_score=scores.astype(float),
    )


def brute_force(problem: MatchProblem) -> float:
    """The best total over every assignment (each household in one allowed municipality or
    none) that respects every capacity."""
    n, m = problem.n, problem.m
    table = np.full((n, m), -np.inf)
    table[problem.pair_household, problem.pair_municipality] = problem.pair_score
    choices = np.array(list(itertools.product(range(-1, m), repeat=n)))
    picked = table[np.arange(n), np.maximum(choices, 0)]
    value = np.where(choices >= 0, picked, 0.0).sum(axis=1)
    where = choices[:, :, None] == np.arange(m)
    ok = np.isfinite(value)
    ok &= (np.einsum("knm,n->km", where, problem.persons) <= problem.capacity_persons).all(1)
    for k in range(problem.d):
        load = np.einsum("knm,n->km", where, problem.demand[:, k])
        ok &= (load <= problem.capacity[:, k]).all(1)
    return float(value[ok].max())


def full_lp(problem: MatchProblem) -> float:
    """The LP relaxation over every pair, built row by row and solved directly with HiGHS."""
    n, m, d, p = problem.n, problem.m, problem.d, problem.p
    rows: list[tuple[np.ndarray, np.ndarray, float]] = []
    for h in range(n):
        rows.append((np.flatnonzero(problem.pair_household == h), None, 1.0))  # type: ignore[arg-type]
    for j in range(m):
        cols = np.flatnonzero(problem.pair_municipality == j)
        rows.append(
            (cols, problem.persons[problem.pair_household[cols]], problem.capacity_persons[j])
        )
        for k in range(d):
            if np.isfinite(problem.capacity[j, k]):
                rows.append(
                    (cols, problem.demand[problem.pair_household[cols], k], problem.capacity[j, k])
                )
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.addVars(p, np.zeros(p), np.ones(p))
    solver.changeColsCost(p, np.arange(p, dtype=np.int32), problem.pair_score)
    for cols, values, upper in rows:
        coefficients = np.ones(len(cols)) if values is None else values.astype(float)
        solver.addRow(
            -highspy.kHighsInf, float(upper), len(cols), cols.astype(np.int32), coefficients
        )
    solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
    solver.run()
    return float(solver.getInfo().objective_function_value)


@pytest.mark.parametrize("seed", range(40))
def test_it_finds_the_brute_force_optimum_on_tiny_instances(seed: int) -> None:
    problem = tiny_problem(seed)
    result = match_solve(problem, time_limit=10, relative_gap=0.0)
    assert assignment_problems(problem, result.assignment) == []
    best = brute_force(problem)
    assert result.objective == pytest.approx(best, abs=1e-6)
    assert result.lp_bound >= result.objective - 1e-9
    assert result.lp_bound == pytest.approx(full_lp(problem), abs=1e-6)
    assert result.status == "optimal"


@pytest.mark.parametrize("seed", range(10))
def test_default_settings_are_exact_on_whole_scores(seed: int) -> None:
    problem = tiny_problem(100 + seed, n=7, m=3, integer_scores=True)
    result = match_solve(problem)
    assert result.objective == pytest.approx(brute_force(problem))


def test_the_result_counts_what_it_placed() -> None:
    problem = tiny_problem(7)
    result = match_solve(problem, relative_gap=0.0)
    placed = result.assignment >= 0
    assert result.households == problem.n
    assert result.placed == int(placed.sum())
    assert result.persons_placed == int(problem.persons[placed].sum())
    assert result.objective == pytest.approx(assignment_objective(problem, result.assignment))
    expected_gap = 100 * (result.lp_bound - result.objective) / result.lp_bound
    assert result.gap_percent == pytest.approx(expected_gap)
    assert result.greedy_objective == pytest.approx(
        assignment_objective(problem, greedy_assign(problem))
    )
    assert set(result.to_json()) == {
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


@pytest.mark.parametrize("density", [1.0, 0.4])
def test_the_pricing_loop_reaches_the_full_lp(density: float) -> None:
    problem = problem_synthetic(
        households=300, municipalities=50, tightness=0.9, density=density, seed=5
    )
    result = match_solve(problem, time_limit=2)  # the LP converges long before; the MIP stops
    direct = full_lp(problem)
    assert result.lp_bound == pytest.approx(direct, rel=1e-6)
    assert result.objective <= result.lp_bound + 1e-9
    assert assignment_problems(problem, result.assignment) == []


def test_the_sampled_start_reaches_the_same_lp(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large problems start from a sample's duals; the bound must not depend on it."""
    monkeypatch.setattr(solve_module, "SAMPLE_ABOVE", 100)
    problem = problem_synthetic(households=400, municipalities=40, tightness=0.95, seed=9)
    result = match_solve(problem, time_limit=2)
    assert result.lp_bound == pytest.approx(full_lp(problem), rel=1e-6)
    assert assignment_problems(problem, result.assignment) == []


def test_the_bound_stays_an_upper_bound_when_time_runs_out() -> None:
    problem = problem_synthetic(households=300, municipalities=50, tightness=0.9, seed=6)
    result = match_solve(problem, time_limit=0.01)
    assert assignment_problems(problem, result.assignment) == []
    assert result.lp_bound >= full_lp(problem) - 1e-6
    assert result.objective >= result.greedy_objective - 1e-9


def test_a_family_tie_is_respected_and_pairs_not_listed_are_never_used() -> None:
    problem = problem_synthetic(households=200, municipalities=30, density=0.3, ties=0.2, seed=3)
    result = match_solve(problem, time_limit=1)
    allowed = set(
        zip(problem.pair_household.tolist(), problem.pair_municipality.tolist(), strict=True)
    )
    for h, j in enumerate(result.assignment.tolist()):
        if j >= 0:
            assert (h, j) in allowed
    tied = np.flatnonzero(np.bincount(problem.pair_household, minlength=problem.n) == 1)
    assert len(tied) > 10
    for tie in tied:
        only = problem.pair_municipality[problem.pair_household == tie][0]
        assert result.assignment[tie] in (-1, only)


def test_no_capacity_is_ever_exceeded_and_greedy_is_feasible() -> None:
    for seed in range(5):
        problem = problem_synthetic(households=250, municipalities=25, tightness=0.8, seed=seed)
        for assignment in (greedy_assign(problem), match_solve(problem, time_limit=0.5).assignment):
            persons, dims = assignment_loads(problem, assignment)
            assert (persons <= problem.capacity_persons).all()
            assert (dims <= problem.capacity).all()
            assert assignment_problems(problem, assignment) == []


def test_greedy_takes_households_in_order_to_their_best_place_with_room() -> None:
    problem = MatchProblem(
        household_ids=["first", "second"],
        municipality_numbers=["0100", "0200"],
        persons=np.array([2, 2]),
        dimensions=[],
        demand=np.zeros((2, 0), dtype=np.int64),
        capacity_persons=np.array([2, 2]),
        capacity=np.zeros((2, 0)),
        pair_household=np.array([0, 0, 1, 1]),
        pair_municipality=np.array([0, 1, 0, 1]),
        pair_score=np.array([5.0, 4.0, 9.0, 1.0]),
    )
    assert greedy_assign(problem).tolist() == [0, 1]  # 5 + 1 = 6
    result = match_solve(problem)
    assert result.assignment.tolist() == [1, 0]  # 4 + 9 = 13
    assert result.greedy_objective == 6.0
    assert result.objective == 13.0


def test_an_empty_problem_is_answered() -> None:
    problem = MatchProblem(
        household_ids=[],
        municipality_numbers=["0100"],
        persons=np.zeros(0, dtype=np.int64),
        dimensions=[],
        demand=np.zeros((0, 0), dtype=np.int64),
        capacity_persons=np.array([5]),
        capacity=np.zeros((1, 0)),
        pair_household=np.zeros(0, dtype=np.int64),
        pair_municipality=np.zeros(0, dtype=np.int64),
        pair_score=np.zeros(0),
    )
    result = match_solve(problem)
    assert (result.households, result.placed, result.objective, result.lp_bound) == (0, 0, 0.0, 0.0)
    assert result.status == "optimal"


def test_progress_is_reported_in_norwegian() -> None:
    seen: list[tuple[str, int]] = []
    match_solve(tiny_problem(3), progress=lambda stage, percent: seen.append((stage, percent)))
    assert seen[-1] == ("Ferdig", 100)
    assert any(stage.startswith("Løser LP-relaksasjonen") for stage, _ in seen)
    assert all(0 <= percent <= 100 for _, percent in seen)
