"""The optimal matcher (utsøking) with HiGHS.

The model: a binary x_p per allowed pair p = (h, j) with score c_p,

    maximise    sum_p c_p x_p
    subject to  sum_{p of h} x_p <= 1                        for each household h
                sum_{p of j} persons_h x_p <= capacity_j     for each municipality j
                sum_{p of j} demand_hk x_p <= capacity_jk    for each municipality j and
                                                             dimension k with a limit

over the allowed pairs only: listed with a score, within a family tie, and where the
municipality can meet every adaptation need of the household (``MatchProblem``), so every
step below (and the greedy) honours the needs as hard constraints.

At national size (15 000 households x 357 municipalities = 5.4 million pairs) neither the MIP
nor even its LP relaxation is solved whole within the time goal, so (the issue's method):

1. Column generation for the LP relaxation. Solve the LP over a few promising pairs per
   household; price every pair with the duals (reduced cost c_p - u_h - persons_h v_j -
   sum_k demand_hk w_jk, vectorised over all pairs); add each household's best few pairs with
   positive reduced cost; repeat until none is left. Then the restricted LP's optimum is the
   optimum of the whole LP. At any round ``sum(dual x capacity) + sum_h max(0, max reduced
   cost of h)`` is a valid upper bound (weak duality; each household takes at most one pair):
   the pricing also stops when that bound is within 1e-7 of the restricted optimum (the
   whole LP's optimum lies between them) or when its share of the time is used, and the bound
   is what is reported then. The restricted LPs are solved with the interior point method
   (the simplex method stalls on these degenerate LPs), re-solved warm with the primal simplex
   when a round adds few columns. A large problem's first pairs are those that look best under
   the duals of a sample of its households against capacity scaled in proportion (solved the
   same way, recursively); a small one's are each household's best pairs by score.
2. A first placement by rounding the LP: households whole in one pair keep it, the others are
   placed one by one by their LP weight (``greedy.fill``); or the greedy's, if better.
3. A MIP with the remaining time, from that placement. Exact when it fits: a placement better
   than the incumbent L can only use pairs with reduced cost >= -(U - L) for the bound U
   (reduced-cost fixing), so if those pairs are few enough to take them all and HiGHS proves
   the MIP optimal, the placement is optimal for the whole problem. Otherwise fix and
   optimise: the households the LP places whole keep their place, and the MIP places the rest
   in the capacity left over their most promising pairs, stopping when it has stopped
   improving for a while.
4. Repair: any household still unplaced goes greedily to an allowed municipality with room
   (over all pairs), and the result is checked with numpy (capacities, allowed pairs) before it
   is returned.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from .greedy import (
    assignment_loads,
    assignment_objective,
    assignment_problems,
    fill,
    greedy_assign,
    pair_lookup,
)
from .problem import MatchProblem

Progress = Callable[[str, int], None]

OPTIMAL_GAP_PERCENT = 0.01  # "optimal" below this gap to the LP bound (the goal)
FIRST_PAIRS = 4  # each household's best pairs in the first restricted LP
ADD_PER_ROUND = 4  # at most this many priced-in pairs per household and round
MIP_PAIRS_PER_HOUSEHOLD = 5  # the MIP's size when the exact pair set is too large
MIP_PAIRS_MAX = 400_000
MIP_PAIRS_SMALL = 100_000  # below this many pairs the MIP takes every pair it may need
MIP_STALL_MIN = 5.0  # seconds without a better solution before fix and optimise stops ...
MIP_STALL_SHARE = 0.25  # ... or this share of the time it was given, if longer
PRICE_TOLERANCE = 1e-7  # about the interior point method's dual feasibility tolerance
SAMPLE_ABOVE = 2_000  # from this many households the LP starts from a sample's duals
SAMPLE_DIVISOR = 4
WARM_ADD_MAX = 0.05  # a round adding at most this many columns per household starts warm ...
WARM_SECONDS = 2.0  # ... and falls back to the interior point method after this long
LP_TOLERANCE = 1e-7  # the pricing stops when the bound is this close (relative) to the LP
LP_SHARE = 0.6  # share of the time limit after which the pricing stops (the bound stays valid)
REPAIR_RESERVE = 0.05  # share of the time limit kept for the repair and the checks


@dataclass
class MatchResult:
    """The matcher's answer.

    ``status``: ``"optimal"`` when the placement is proven within 0.01 % of the best possible:
    its gap to the LP bound is below 0.01 %, or HiGHS proved the MIP optimal over a set of
    pairs that provably holds every better placement (reduced-cost fixing, see the module);
    otherwise ``"feasible"`` (a valid placement, with ``gap_percent`` as the proven worst case).
    """

    assignment: np.ndarray  # (n,) municipality index or -1 (not placed)
    households: int
    placed: int
    persons_placed: int
    objective: float  # total score of the placements in ``assignment``
    lp_bound: float  # optimum of the whole LP relaxation: nothing can score more
    gap_percent: float  # 100 * (lp_bound - objective) / lp_bound (0 when lp_bound == 0)
    greedy_objective: float  # ``greedy_assign``'s total, for comparison
    seconds: float
    status: str  # "optimal" | "feasible"

    def to_json(self) -> dict[str, Any]:
        """The command's JSON: exactly the issue's keys."""
        return {
            "households": self.households,
            "placed": self.placed,
            "persons_placed": self.persons_placed,
            "objective": round(self.objective, 6),
            "lp_bound": round(self.lp_bound, 6),
            "gap_percent": round(self.gap_percent, 6),
            "greedy_objective": round(self.greedy_objective, 6),
            "seconds": round(self.seconds, 3),
            "status": self.status,
        }


# --- HiGHS ---------------------------------------------------------------------------------------


_banner_shown = False


@contextlib.contextmanager
def _stdout_silenced() -> Iterator[None]:
    """HiGHS prints its banner on the process's standard output (file descriptor 1) when the
    first solver of the process is made; a command printing JSON must keep stdout clean."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real stdout (some embedded runners): nothing to protect
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _highs() -> highspy.Highs:
    global _banner_shown
    if _banner_shown:
        solver = highspy.Highs()
    else:
        with _stdout_silenced():
            solver = highspy.Highs()
        _banner_shown = True
    solver.setOptionValue("output_flag", False)
    return solver


class _Model:
    """The rows of the model and the columns for any set of pairs."""

    def __init__(self, problem: MatchProblem) -> None:
        self.problem = problem
        n, m, d = problem.n, problem.m, problem.d
        finite = np.isfinite(problem.capacity)
        self.dim_row = np.full((m, d), -1, dtype=np.int64)
        self.dim_row[finite] = n + m + np.arange(int(finite.sum()))
        self.row_upper = np.concatenate(
            [np.ones(n), problem.capacity_persons.astype(float), problem.capacity[finite]]
        )
        self.rows = len(self.row_upper)

    def columns(self, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(cost, start, index, value)`` of the columns of ``pairs`` (column-wise)."""
        problem = self.problem
        ph = problem.pair_household[pairs]
        pm = problem.pair_municipality[pairs]
        count = len(pairs)
        col = [np.arange(count), np.arange(count)]
        row = [ph, problem.n + pm]
        value = [np.ones(count), problem.persons[ph].astype(float)]
        for k in range(problem.d):
            amount = problem.demand[ph, k]
            target = self.dim_row[pm, k]
            used = (amount > 0) & (target >= 0)
            col.append(np.flatnonzero(used))
            row.append(target[used])
            value.append(amount[used].astype(float))
        cols = np.concatenate(col)
        order = np.argsort(cols, kind="stable")
        start = np.zeros(count + 1, dtype=np.int32)
        np.cumsum(np.bincount(cols, minlength=count), out=start[1:])
        index = np.concatenate(row)[order].astype(np.int32)
        values = np.concatenate(value)[order]
        return problem.pair_score[pairs].astype(float), start, index, values

    def reduced_costs(self, dual: np.ndarray) -> np.ndarray:
        """Every pair's reduced cost under the row duals (clipped at >= 0)."""
        problem = self.problem
        ph, pm = problem.pair_household, problem.pair_municipality
        u = dual[: problem.n]
        v = dual[problem.n : problem.n + problem.m]
        rc = problem.pair_score - u[ph] - problem.persons[ph] * v[pm]
        if self.rows > problem.n + problem.m:
            w = np.zeros((problem.m, problem.d))
            limited = self.dim_row >= 0
            w[limited] = dual[self.dim_row[limited]]
            for k in range(problem.d):
                if w[:, k].any():
                    rc -= problem.demand[ph, k] * w[pm, k]
        return rc

    def dual_bound(self, dual: np.ndarray, rc: np.ndarray) -> float:
        """Weak duality: for duals >= 0 every placement scores at most this."""
        best = np.zeros(self.problem.n)
        np.maximum.at(best, self.problem.pair_household, rc)
        return float(dual @ self.row_upper + best.sum())


def _lp_pass(model: _Model, solver: highspy.Highs, pairs: np.ndarray, *, integer: bool) -> None:
    cost, start, index, value = model.columns(pairs)
    lp = highspy.HighsLp()
    lp.num_col_ = len(pairs)
    lp.num_row_ = model.rows
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(len(pairs))
    # The LP leaves columns unbounded above (the household row bounds them), so that the
    # household row's dual carries the household's value and the pricing stays exact.
    lp.col_upper_ = np.ones(len(pairs)) if integer else np.full(len(pairs), highspy.kHighsInf)
    lp.row_lower_ = np.full(model.rows, -highspy.kHighsInf)
    lp.row_upper_ = model.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.sense_ = highspy.ObjSense.kMaximize
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * len(pairs)
    solver.passModel(lp)


@dataclass
class _Relaxation:
    pairs: np.ndarray  # the restricted LP's columns
    x: np.ndarray  # their values
    dual: np.ndarray  # the row duals (>= 0)
    rc: np.ndarray  # every pair's reduced cost at the last duals
    bound: float  # a proven upper bound on the whole LP (its optimum when converged)
    dual_bound: float  # the weak-duality bound at the last duals (for reduced-cost fixing)
    converged: bool
    rounds: int


def _best_per_household(
    problem: MatchProblem, candidates: np.ndarray, key: np.ndarray, count: int
) -> np.ndarray:
    """Of ``candidates`` (pair indices), each household's ``count`` best by ``key`` (a value
    per pair, higher is better), sorted."""
    if not len(candidates):
        return candidates
    ranked = candidates[np.lexsort((-key[candidates], problem.pair_household[candidates]))]
    owner = problem.pair_household[ranked]
    first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    within = np.arange(len(owner)) - np.repeat(first, np.diff(np.r_[first, len(owner)]))
    return np.sort(ranked[within < count])


def _sample_duals(model: _Model, deadline: float) -> np.ndarray:
    """Approximate capacity duals from the LP of a random sample of the households against
    capacities scaled down in proportion (recursively, so each level starts from the one
    below): the prices at which the sample clears the scaled capacity are close to those at
    which everyone clears the whole. Only a starting point: the pricing makes it exact."""
    problem = model.problem
    rng = np.random.default_rng(0)  # the same answer for the same problem
    sample = np.sort(rng.choice(problem.n, size=problem.n // SAMPLE_DIVISOR, replace=False))
    share = len(sample) / problem.n
    index = np.full(problem.n, -1, dtype=np.int64)
    index[sample] = np.arange(len(sample))
    keep = index[problem.pair_household] >= 0
    sub = MatchProblem(
        household_ids=[problem.household_ids[h] for h in sample],
        municipality_numbers=problem.municipality_numbers,
        persons=problem.persons[sample],
        dimensions=problem.dimensions,
        demand=problem.demand[sample],
        capacity_persons=problem.capacity_persons * share,
        capacity=problem.capacity * share,
        pair_household=index[problem.pair_household[keep]],
        pair_municipality=problem.pair_municipality[keep],
        pair_score=problem.pair_score[keep],
        adaptations=problem.adaptations,
        needs=None if problem.needs is None else problem.needs[sample],
        capabilities=problem.capabilities,
    )
    sub_model = _Model(sub)
    relaxation = _relaxation(sub_model, deadline, _quiet)
    capacity_duals = np.zeros(model.rows)
    capacity_duals[problem.n :] = relaxation.dual[sub.n :]
    return capacity_duals


def _relaxation(model: _Model, deadline: float, progress: Progress) -> _Relaxation:
    """Column generation for the whole LP relaxation (step 1 of the module)."""
    problem = model.problem
    if problem.n >= SAMPLE_ABOVE:
        progress("Anslår kapasitetens skyggepriser fra et utvalg av husstandene", 8)
        guess = model.reduced_costs(_sample_duals(model, deadline))
        pairs = _best_per_household(problem, np.arange(problem.p), guess, FIRST_PAIRS)
    else:
        order, start = problem.pairs_sorted()
        within = np.arange(problem.p) - np.repeat(start[:-1], np.diff(start))
        pairs = np.sort(order[within < FIRST_PAIRS])
    in_model = np.zeros(problem.p, dtype=bool)
    in_model[pairs] = True
    rounds = 0
    solver = _highs()
    _lp_pass(model, solver, pairs, integer=False)
    warm = False
    while True:
        rounds += 1
        count = f"{len(pairs):,}".replace(",", " ")
        progress(f"Løser LP-relaksasjonen (runde {rounds}, {count} par)", min(10 + 5 * rounds, 40))
        _lp_run(solver, warm=warm)
        solution = solver.getSolution()
        dual = np.maximum(np.asarray(solution.row_dual), 0.0)
        rc = model.reduced_costs(dual)
        candidates = np.flatnonzero(~in_model & (rc > PRICE_TOLERANCE))
        lp_value = float(solver.getInfo().objective_function_value)
        dual_bound = max(model.dual_bound(dual, rc), lp_value)
        # The whole LP's optimum lies between the two: close enough is as good as converged.
        close = dual_bound - lp_value <= LP_TOLERANCE * max(1.0, abs(lp_value))
        if not len(candidates) or close or time.perf_counter() > deadline:
            break
        new = _best_per_household(problem, candidates, rc, ADD_PER_ROUND)
        cost, col_start, index, value = model.columns(new)
        solver.addCols(
            len(new),
            cost,
            np.zeros(len(new)),
            np.full(len(new), highspy.kHighsInf),
            len(index),
            col_start[:-1],
            index,
            value,
        )
        pairs = np.concatenate([pairs, new])
        in_model[new] = True
        warm = len(new) <= WARM_ADD_MAX * problem.n
    converged = not len(candidates)
    x = np.asarray(solution.col_value)
    # Converged: the restricted optimum is the whole LP's. Otherwise the weak-duality bound.
    bound = lp_value if converged else dual_bound
    return _Relaxation(
        pairs=pairs,
        x=x,
        dual=dual,
        rc=rc,
        bound=bound,
        dual_bound=dual_bound,
        converged=converged,
        rounds=rounds,
    )


def _lp_run(solver: highspy.Highs, *, warm: bool) -> None:
    """Solve the restricted LP. From the last optimal basis a few new columns usually take the
    primal simplex method a few hundred iterations; when they do not (these LPs are highly
    degenerate), the interior point method solves it afresh in predictable time."""
    if warm:
        solver.setOptionValue("solver", "simplex")
        solver.setOptionValue("simplex_strategy", 4)  # primal: the basis stays primal feasible
        solver.setOptionValue("time_limit", solver.getRunTime() + WARM_SECONDS)
        solver.run()
        if solver.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            return
    solver.setOptionValue("solver", "ipm")
    solver.setOptionValue("time_limit", highspy.kHighsInf)
    solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        solver.setOptionValue("solver", "simplex")
        solver.setOptionValue("simplex_strategy", 1)
        solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS: {solver.modelStatusToString(solver.getModelStatus())}")


def _rounded(problem: MatchProblem, relaxation: _Relaxation) -> np.ndarray:
    """A placement from the LP (step 2): households wholly in one pair keep it; the rest are
    placed by their LP weight, then by score."""
    assignment = np.full(problem.n, -1, dtype=np.int64)
    whole = relaxation.x > 1 - 1e-6
    assignment[problem.pair_household[relaxation.pairs[whole]]] = problem.pair_municipality[
        relaxation.pairs[whole]
    ]
    if assignment_problems(problem, assignment):  # cannot happen for an optimal LP; be safe
        assignment[:] = -1
    weight = np.zeros(problem.p)
    weight[relaxation.pairs] = relaxation.x
    # Prefer the LP's pairs, then the score (scaled below any LP weight).
    top = max(float(problem.pair_score.max(initial=0.0)), 1.0)
    preference = weight + problem.pair_score / (top * 1e3)
    mass = np.zeros(problem.n)
    np.maximum.at(mass, problem.pair_household, weight)
    pending = np.flatnonzero(assignment < 0)
    pending = pending[np.argsort(-mass[pending], kind="stable")]
    return fill(problem, assignment, pending, preference=preference)


def _mip(
    model: _Model,
    relaxation: _Relaxation,
    incumbent: np.ndarray,
    incumbent_value: float,
    *,
    deadline: float,
    relative_gap: float,
    progress: Progress,
) -> tuple[np.ndarray | None, bool]:
    """The MIP (step 3). Returns a placement (None if HiGHS found none) and whether it is
    proven optimal for the whole problem.

    Exact when it fits: every pair that a better placement than the incumbent could use
    (reduced-cost fixing). Otherwise fix and optimise: households the LP places whole keep the
    incumbent's municipality, and the MIP places the others (split or left out by the LP) in the
    capacity left, over their most promising pairs.
    """
    problem = model.problem
    rc = relaxation.rc
    # A margin for the solver's tolerances: a few pairs too many cost nothing.
    slack = max(relaxation.dual_bound - incumbent_value, 0.0) + 1e-6 * (1 + relaxation.dual_bound)
    exact_pairs = np.flatnonzero(rc >= -slack)
    budget = min(MIP_PAIRS_MAX, max(MIP_PAIRS_PER_HOUSEHOLD * problem.n, MIP_PAIRS_SMALL))
    exact = len(exact_pairs) <= max(budget, 1)
    fixed = np.full(problem.n, -1, dtype=np.int64)
    if exact:
        pairs = exact_pairs
    else:
        whole = relaxation.pairs[relaxation.x > 1 - 1e-6]
        keep = np.zeros(problem.n, dtype=bool)
        keep[problem.pair_household[whole]] = True
        keep &= incumbent == _pair_target(problem, whole)
        fixed[keep] = incumbent[keep]
        free = np.flatnonzero(~keep[problem.pair_household])
        pairs = _best_per_household(problem, free, rc, MIP_PAIRS_PER_HOUSEHOLD)
    placed = np.flatnonzero((incumbent >= 0) & (fixed < 0))
    used = pair_lookup(problem, placed, incumbent[placed])
    pairs = np.union1d(pairs, used)
    time_left = deadline - time.perf_counter()
    if time_left <= 0.05 or not len(pairs):
        return None, False
    count = f"{len(pairs):,}".replace(",", " ")
    progress(f"Søker beste heltallsløsning ({count} par)", 45)
    sub = _Model(_residual(problem, fixed))
    solver = _highs()
    _lp_pass(sub, solver, pairs, integer=True)
    solver.setOptionValue("time_limit", float(time_left))
    solver.setOptionValue("mip_rel_gap", float(relative_gap))
    start = np.zeros(len(pairs))
    start[np.isin(pairs, used)] = 1.0
    solver.setSolution(len(pairs), np.arange(len(pairs), dtype=np.int32), start)

    began = time.perf_counter()
    last_report = [began]
    last_better = [began]
    # Fix and optimise cannot prove anything for the whole problem: once HiGHS has stopped
    # improving for a while, the rest of the time limit would buy little.
    stall = None if exact else max(MIP_STALL_MIN, MIP_STALL_SHARE * (deadline - began))

    def improved(event: Any) -> None:
        last_better[0] = time.perf_counter()

    def interrupt(event: Any) -> None:
        now = time.perf_counter()
        if stall is not None and now - last_better[0] > stall:
            event.interrupt()
        if now - last_report[0] >= 1.0:
            last_report[0] = now
            share = (now - began) / max(deadline - began, 1e-9)
            progress("Søker beste heltallsløsning", int(45 + 45 * min(share, 1.0)))

    solver.cbMipImprovingSolution += improved
    solver.cbMipInterrupt += interrupt
    solver.run()
    status = solver.getModelStatus()
    if solver.getInfo().primal_solution_status != highspy.kSolutionStatusFeasible:
        return None, False
    x = np.asarray(solver.getSolution().col_value)
    chosen = pairs[x > 0.5]
    # Best pair last, so a household the solver split (within tolerance) keeps its best.
    chosen = chosen[np.argsort(problem.pair_score[chosen], kind="stable")]
    assignment = fixed.copy()
    assignment[problem.pair_household[chosen]] = problem.pair_municipality[chosen]
    proven = exact and status == highspy.HighsModelStatus.kOptimal
    return assignment, proven


def _pair_target(problem: MatchProblem, pairs: np.ndarray) -> np.ndarray:
    """For each household, the municipality of its pair among ``pairs`` (-1 if none)."""
    target = np.full(problem.n, -1, dtype=np.int64)
    target[problem.pair_household[pairs]] = problem.pair_municipality[pairs]
    return target


def _residual(problem: MatchProblem, fixed: np.ndarray) -> MatchProblem:
    """The same problem with the capacity that the ``fixed`` placements take removed."""
    persons, dims = assignment_loads(problem, fixed)
    return MatchProblem(
        household_ids=problem.household_ids,
        municipality_numbers=problem.municipality_numbers,
        persons=problem.persons,
        dimensions=problem.dimensions,
        demand=problem.demand,
        capacity_persons=problem.capacity_persons - persons,
        capacity=problem.capacity - dims,
        pair_household=problem.pair_household,
        pair_municipality=problem.pair_municipality,
        pair_score=problem.pair_score,
        adaptations=problem.adaptations,
        needs=problem.needs,
        capabilities=problem.capabilities,
    )


def _quiet(stage: str, percent: int) -> None:
    pass


def match_solve(
    problem: MatchProblem,
    *,
    time_limit: float = 60.0,
    progress: Progress | None = None,
    relative_gap: float = 1e-4,
) -> MatchResult:
    """Place each household in at most one allowed municipality, within every capacity, with
    the largest total score (the issue's utsøking; the method is in the module docstring).

    ``time_limit`` (seconds) bounds the whole call, reading aside; ``progress(stage, percent)``
    is told what is going on now and then, in Norwegian; ``relative_gap`` is where the MIP may
    stop (1e-4 = 0.01 %, the issue's "optimal"; 0 to insist on a proof). The result is always
    a valid placement, checked with numpy before it is returned.
    """
    started = time.perf_counter()
    report = progress or _quiet
    if "checked" not in problem._cache:
        problem.check()
    n = problem.n
    report("Bygger modellen", 5)
    greedy = greedy_assign(problem)
    greedy_value = assignment_objective(problem, greedy)
    assignment = greedy
    bound = float(problem.pair_score.sum())
    proven = False
    if problem.p:
        deadline = started + time_limit * (1 - REPAIR_RESERVE)
        model = _Model(problem)
        relaxation = _relaxation(model, started + time_limit * LP_SHARE, report)
        bound = relaxation.bound
        report("Runder av LP-løsningen", 42)
        rounded = _rounded(problem, relaxation)
        rounded_value = assignment_objective(problem, rounded)
        if rounded_value >= greedy_value:
            assignment, value = rounded, rounded_value
        else:
            value = greedy_value
        if bound - value > 1e-9 * max(abs(bound), 1.0):
            found, proven = _mip(
                model,
                relaxation,
                assignment,
                value,
                deadline=deadline,
                relative_gap=relative_gap,
                progress=report,
            )
            if found is not None and not assignment_problems(problem, found):
                found = fill(problem, found, np.arange(n))
                found_value = assignment_objective(problem, found)
                if found_value >= value:
                    assignment, value = found, found_value
                else:
                    proven = False
    report("Reparerer og kontrollerer", 95)
    assignment = fill(problem, assignment, np.arange(n))
    problems = assignment_problems(problem, assignment)
    if problems:  # a bug, never a result: refuse rather than over-fill a municipality
        raise RuntimeError("Utsøkingen ga en ugyldig plassering: " + "; ".join(problems))
    objective = assignment_objective(problem, assignment)
    bound = max(bound, objective)
    gap = 0.0 if bound <= 0 else 100.0 * (bound - objective) / bound
    placed = assignment >= 0
    report("Ferdig", 100)
    return MatchResult(
        assignment=assignment,
        households=n,
        placed=int(placed.sum()),
        persons_placed=int(problem.persons[placed].sum()),
        objective=objective,
        lp_bound=bound,
        gap_percent=gap,
        greedy_objective=greedy_value,
        seconds=time.perf_counter() - started,
        status="optimal" if gap < OPTIMAL_GAP_PERCENT or proven else "feasible",
    )
