"""The online weekly placement policy: place this week's batch knowing only what is known this
week, so that the year ends near what it could have reached had every arrival been known.

A weekly optimum (``match_solve`` on the batch: the *myopic* policy) fills the best places early
with households that would do almost as well elsewhere; households that need those places later
find them full. The *dynamic* policy (after Bansak and Paulson, «Outcome-driven dynamic refugee
assignment with allocation balancing», Operations Research 2024, and their dual-price variant)
prices each municipality's remaining capacity before it places the batch:

1. The future. What still comes this year is forecast from the year's need: ``future_persons``
   more persons, drawn like the households seen so far (the week's ``history``, this batch
   included). A seeded sample of those households stands for them, each with the weight that
   makes the sample's persons add up to ``future_persons``. While few households have been seen
   (fewer than ``BAG_BELOW``), one sample gives spiky prices, so the prices are the mean over
   ``BAGS`` bootstrap samples.
2. The prices. The LP relaxation of the matching problem over the batch (each household at most
   once) and the weighted sample (each sampled household at most its weight), against the
   capacity left, is solved with HiGHS. Its capacity duals are the prices: ``price_persons[j]``
   is what one more place (person) in municipality ``j`` is worth to the rest of the year, and
   ``price_dims[j, k]`` the same for each further dimension (large dwellings, school places...).
   A place that later households need more is dear; a place that will be left over is free.
   The LP is solved by column generation with the simplex method and no time limit, from last
   week's prices.
3. The placement. The batch is placed optimally (``match_solve``) against the adjusted scores
   ``score - persons x price_persons[j] - demand . price_dims[j]``, shifted so that every
   allowed pair is worth more than leaving the household out; the pairs the LP itself gave the
   batch break ties. Whoever is still unplaced and fits somewhere is then placed where its
   adjusted score is highest (``greedy.fill``): every household is placed in its week unless
   no allowed municipality has room left.

With ``pace`` (balance) the batch's placements in a municipality are also held near its share of
the flow so far, of what the pricing LP projects it to receive in the year (``Pace``: a hard
limit of what is due plus a slack, a bonus per person where it is behind, in a MIP of the
batch); the limit gives way only for a household that fits nowhere within it, so that every
household is still placed in its week when there is room.

Deterministic: the sample is drawn from ``rng`` (seeded by the caller per week), and HiGHS runs
without time limits on these small problems.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import highspy
import numpy as np

from .greedy import fill
from .problem import MatchProblem
from .solve import (
    PRICE_TOLERANCE,
    _best_per_household,
    _highs,
    _lp_pass,
    _Model,
    match_solve,
)

POLICIES = ("dynamic", "myopic")
SAMPLE_HOUSEHOLDS = 1200  # households standing for the rest of the year in the pricing LP
TIE_BREAK = 1e-4  # share of the score scale given to the LP's own pairs for the batch
SHIFT = 1e-3  # share of the score scale every adjusted pair is worth above leaving out
BATCH_TIME_LIMIT = 600.0  # a batch is small: this is a safety net, never the stopping rule
BATCH_GAP = 1e-7
PACED_PAIRS = 12  # each household's best pairs in the paced batch MIP ...
PACED_GAP = 1e-4  # ... solved to this gap (relative to the batch's scores)
PACE_BONUS = 0.5  # per person placed where a municipality is behind, in median scores per person
PACE_OVERFLOW = 2.0  # per person beyond the pace, in the batch's best pair values (see below)
FIRST_PAIRS = 4  # each household's first columns in the pricing LP (by score, and by last prices)
ADD_PER_ROUND = 4  # at most this many priced-in pairs per household and round
LP_TOLERANCE = 1e-5  # the pricing LP stops this close (relative) to its optimum
PROJECTION_WEEKS = 5  # a week's projection weighs as much as 1 / this of the pace's year
BAGS = 8  # bootstrap samples averaged while few households have been seen ...
BAG_BELOW = 1200  # ... that is, fewer than this


@dataclass
class WeekPlacement:
    """One week's decisions: ``assignment`` per batch household (municipality index or -1), and
    the prices of a place it was made against (zero under the myopic policy or with nothing
    more expected this year)."""

    assignment: np.ndarray  # (len(batch),)
    prices: Prices
    target: np.ndarray | None = None  # (m,) persons: the year's placements the pace aimed at


def problem_subset(
    problem: MatchProblem,
    households: np.ndarray,
    *,
    capacity_persons: np.ndarray | None = None,
    capacity: np.ndarray | None = None,
) -> tuple[MatchProblem, np.ndarray]:
    """The problem of ``households`` only (in that order; a household may repeat), against the
    given capacities (default the problem's). Returns it and, per new pair, the pair of
    ``problem`` it is."""
    order, start = problem.pairs_sorted()
    households = np.asarray(households, dtype=np.int64)
    counts = start[households + 1] - start[households]
    offsets = np.repeat(start[households] - np.r_[0, np.cumsum(counts)[:-1]], counts)
    pairs = order[offsets + np.arange(int(counts.sum()))]
    owner = np.repeat(np.arange(len(households)), counts)
    sub = MatchProblem(
        household_ids=[problem.household_ids[h] for h in households],
        municipality_numbers=problem.municipality_numbers,
        persons=problem.persons[households],
        dimensions=problem.dimensions,
        demand=problem.demand[households],
        capacity_persons=problem.capacity_persons if capacity_persons is None else capacity_persons,
        capacity=problem.capacity if capacity is None else capacity,
        pair_household=owner,
        pair_municipality=problem.pair_municipality[pairs],
        pair_score=problem.pair_score[pairs],
        adaptations=problem.adaptations,
        needs=None if problem.needs is None else problem.needs[households],
        capabilities=problem.capabilities,
    )
    sub._cache["checked"] = True  # a part of a checked problem
    # Each household's pairs come in the problem's order (best first): so they stay.
    sub_start = np.zeros(len(households) + 1, dtype=np.int64)
    np.cumsum(counts, out=sub_start[1:])
    sub._cache["sorted"] = (np.arange(len(pairs)), sub_start)
    return sub, pairs


@dataclass
class Prices:
    """What a place in each municipality is worth to the rest of the year: per person, and per
    unit of each further dimension."""

    persons: np.ndarray  # (m,)
    dims: np.ndarray  # (m, d)

    @classmethod
    def zero(cls, m: int, d: int) -> Prices:
        return cls(np.zeros(m), np.zeros((m, d)))

    def burden(
        self, problem: MatchProblem, households: np.ndarray, municipalities: np.ndarray
    ) -> np.ndarray:
        """What a place costs each (household, municipality): its persons times the price per
        person plus its demand times the price of each dimension."""
        cost = problem.persons[households] * self.persons[municipalities]
        for k in range(problem.d):
            cost = cost + problem.demand[households, k] * self.dims[municipalities, k]
        return np.asarray(cost, dtype=float)


def problem_with_capacity(
    problem: MatchProblem, capacity_persons: np.ndarray, capacity: np.ndarray
) -> MatchProblem:
    """The same problem against other capacities (the arrays and the pair indices are shared)."""
    other = MatchProblem(
        household_ids=problem.household_ids,
        municipality_numbers=problem.municipality_numbers,
        persons=problem.persons,
        dimensions=problem.dimensions,
        demand=problem.demand,
        capacity_persons=capacity_persons,
        capacity=capacity,
        pair_household=problem.pair_household,
        pair_municipality=problem.pair_municipality,
        pair_score=problem.pair_score,
        adaptations=problem.adaptations,
        needs=problem.needs,
        capabilities=problem.capabilities,
    )
    for key in ("sorted", "pair_keys", "municipality_sorted", "checked"):
        if key in problem._cache:
            other._cache[key] = problem._cache[key]
    return other


@dataclass
class _Priced:
    """What the pricing LP gives the week: the prices, each batch pair's LP value (in the
    batch's pair order of ``problem_subset``) and the persons it places in each municipality
    from the batch on (the batch and the households standing for the future)."""

    prices: Prices
    batch_x: np.ndarray
    projected: np.ndarray  # (m,) persons


def _prices_once(
    problem: MatchProblem,
    batch: np.ndarray,
    drawn: np.ndarray,
    future_persons: float,
    start: Prices | None,
) -> _Priced:
    """The LP over the batch and the households ``drawn`` standing for the future (step 2 of
    the module): its capacity duals and the batch's pairs."""
    # Copies of one household are one row with their summed weight (the same LP, smaller).
    sample, copies = np.unique(drawn, return_counts=True)
    weight = future_persons / float(problem.persons[drawn].sum())
    households = np.concatenate([batch, sample])
    sub, _ = problem_subset(problem, households)
    model = _Model(sub)
    model.row_upper[len(batch) : len(households)] = weight * copies
    dual, x, columns = _column_generation(model, start)
    n, m = sub.n, sub.m
    prices = Prices(dual[n : n + m].copy(), np.zeros((m, sub.d)))
    limited = model.dim_row >= 0
    prices.dims[limited] = dual[model.dim_row[limited]]
    value = np.zeros(sub.p)
    value[columns] = x
    projected = np.bincount(
        sub.pair_municipality, weights=value * sub.persons[sub.pair_household], minlength=m
    )
    return _Priced(prices, value[sub.pair_household < len(batch)], projected)


def _prices(
    problem: MatchProblem,
    batch: np.ndarray,
    history: np.ndarray,
    future_persons: float,
    rng: np.random.Generator,
    start: Prices | None,
) -> _Priced:
    """The week's prices. With few households seen so far, one sample of them gives spiky
    prices (a few types stand for thousands, each wanting the same places), so the prices are
    then the mean over ``BAGS`` bootstrap samples (bagging); later one larger sample."""
    if len(history) >= BAG_BELOW:
        drawn = rng.choice(history, size=SAMPLE_HOUSEHOLDS, replace=True)
        return _prices_once(problem, batch, drawn, future_persons, start)
    mean: _Priced | None = None
    for _ in range(BAGS):
        drawn = rng.choice(history, size=len(history), replace=True)
        got = _prices_once(problem, batch, drawn, future_persons, start)
        start = got.prices
        if mean is None:
            mean = _Priced(Prices.zero(problem.m, problem.d), 0 * got.batch_x, np.zeros(problem.m))
        mean.prices.persons += got.prices.persons / BAGS
        mean.prices.dims += got.prices.dims / BAGS
        mean.batch_x += got.batch_x / BAGS
        mean.projected += got.projected / BAGS
    assert mean is not None
    return mean


def _start_pairs(sub: MatchProblem, start: Prices | None) -> np.ndarray:
    """The first columns: each household's best pairs by score and, from last time's prices,
    by score less the price (the LP then needs few pricing rounds)."""
    order, first = sub.pairs_sorted()
    within = np.arange(sub.p) - np.repeat(first[:-1], np.diff(first))
    pairs = order[within < FIRST_PAIRS]
    if start is not None:
        key = sub.pair_score - start.burden(sub, sub.pair_household, sub.pair_municipality)
        pairs = np.union1d(pairs, _best_per_household(sub, np.arange(sub.p), key, FIRST_PAIRS))
    return np.sort(pairs)


def _column_generation(
    model: _Model, start: Prices | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The LP relaxation of ``model`` by column generation (as in ``solve.py``), with the dual
    simplex method only and no time limit, so that the same LP always gives the same duals.
    Returns the row duals (>= 0), the column values and the columns (pair indices)."""
    sub = model.problem
    pairs = _start_pairs(sub, start)
    in_model = np.zeros(sub.p, dtype=bool)
    in_model[pairs] = True
    solver = _highs()
    solver.setOptionValue("solver", "simplex")
    # New columns keep the basis primal feasible: the primal simplex goes on from it.
    solver.setOptionValue("simplex_strategy", 4)
    _lp_pass(model, solver, pairs, integer=False)
    while True:
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS: {solver.modelStatusToString(solver.getModelStatus())}")
        solution = solver.getSolution()
        dual = np.maximum(np.asarray(solution.row_dual), 0.0)
        rc = model.reduced_costs(dual)
        candidates = np.flatnonzero(~in_model & (rc > PRICE_TOLERANCE))
        optimum = float(solver.getInfo().objective_function_value)
        # The whole LP's optimum lies between the two: close enough is as good as converged.
        close = model.dual_bound(dual, rc) - optimum <= LP_TOLERANCE * max(1.0, abs(optimum))
        if not len(candidates) or close:
            return dual, np.asarray(solution.col_value), pairs
        new = _best_per_household(sub, candidates, rc, ADD_PER_ROUND)
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


def week_place(
    problem: MatchProblem,
    *,
    batch: np.ndarray,
    history: np.ndarray,
    future_persons: float,
    rng: np.random.Generator,
    policy: str = "dynamic",
    pace: Pace | None = None,
    start: Prices | None = None,
) -> WeekPlacement:
    """Place the households ``batch`` (indices into ``problem``, whose capacities are what is
    left now) by ``policy`` (``"dynamic"`` or ``"myopic"``, see the module).

    ``history``: the households known so far (this batch included), from which the future is
    sampled; ``future_persons``: how many more persons are expected this year after the batch;
    ``pace``: keep each municipality near its pace (``Pace``; None = no pace); ``start``: last
    week's prices, where the pricing LP starts from (only its speed depends on it).
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    prices = Prices.zero(problem.m, problem.d)
    sub, _ = problem_subset(problem, batch)
    if not len(batch) or not sub.p:
        return WeekPlacement(np.full(len(batch), -1, dtype=np.int64), prices)
    scale = max(float(sub.pair_score.max()), 1e-9)
    values = sub.pair_score.astype(float)
    priced: _Priced | None = None
    if policy == "dynamic" and future_persons > 0 and len(history):
        priced = _prices(problem, batch, history, future_persons, rng, start)
        prices = priced.prices
        values = values - prices.burden(sub, sub.pair_household, sub.pair_municipality)
        values += TIE_BREAK * scale * np.minimum(priced.batch_x, 1.0)
    # Every pair worth more than leaving the household out: the optimum is then maximal.
    shift = max(0.0, -float(values.min())) + SHIFT * scale
    target = None
    if pace is None:
        placed = _batch_solve(sub, values + shift)
    else:
        if priced is not None:
            # Where this year's placements will end, as the pricing LP sees it, averaged over
            # the weeks (its vertex moves a marginal municipality's share from week to week): a
            # running mean of the first PROJECTION_WEEKS projections, then an exponential one.
            projection = pace.received + priced.projected
            weight = 1.0 / min(pace.projections + 1, PROJECTION_WEEKS)
            year = (
                projection
                if not pace.projections
                else (1 - weight) * pace.year + weight * projection
            )
            pace = replace(pace, year=year)
            target = year
        per_person = float(np.median(sub.pair_score / sub.persons[sub.pair_household]))
        room, behind = pace.room()
        placed = _batch_solve_paced(sub, values + shift, room, behind, PACE_BONUS * per_person)
    # Whoever fits somewhere is placed this week: where the adjusted score is highest.
    placed = fill(sub, placed, np.arange(sub.n), preference=values)
    return WeekPlacement(placed, prices, target)


def _batch_solve(sub: MatchProblem, values: np.ndarray) -> np.ndarray:
    """The batch's optimum against ``values`` (> 0 for every pair), within the capacity left."""
    valued = MatchProblem(
        household_ids=sub.household_ids,
        municipality_numbers=sub.municipality_numbers,
        persons=sub.persons,
        dimensions=sub.dimensions,
        demand=sub.demand,
        capacity_persons=sub.capacity_persons,
        capacity=sub.capacity,
        pair_household=sub.pair_household,
        pair_municipality=sub.pair_municipality,
        pair_score=values,
        adaptations=sub.adaptations,
        needs=sub.needs,
        capabilities=sub.capabilities,
    )
    valued._cache["checked"] = True
    return match_solve(valued, time_limit=BATCH_TIME_LIMIT, relative_gap=BATCH_GAP).assignment


def _batch_solve_paced(
    sub: MatchProblem, values: np.ndarray, room: np.ndarray, behind: np.ndarray, bonus: float
) -> np.ndarray:
    """The batch's optimum against ``values`` (> 0) within the capacity left and, as far as
    possible, within each municipality's pace (``room``, persons), plus ``bonus`` for each
    person up to what a municipality is ``behind`` its pace: a MIP with HiGHS over each
    household's ``PACED_PAIRS`` best pairs, with an overflow and a catch-up column per
    municipality. Lexicographic by weights: placing a household outweighs any overflow it
    causes, and a person of overflow outweighs any score, so the pace gives way only where a
    household would otherwise not be placed this week, and then by as few persons as can be."""
    top = float(values.max()) + bonus * float(sub.persons.max())
    penalty = PACE_OVERFLOW * top  # per person beyond the pace
    placing = penalty * (float(sub.persons.max()) + 1)  # per household placed
    pairs = _best_per_household(sub, np.arange(sub.p), values, PACED_PAIRS)
    model = _Model(sub)
    _, start, index, value = model.columns(pairs)
    k, m, base = len(pairs), sub.m, model.rows
    column = np.repeat(np.arange(k), np.diff(start))
    # A pair's persons count in its municipality's pace row (<= room + overflow) and catch-up
    # row (catch-up <= persons placed, catch-up <= behind).
    on_persons = (index >= sub.n) & (index < sub.n + m)
    municipality = index[on_persons] - sub.n
    own = np.arange(m)
    columns = np.concatenate([column, column[on_persons], column[on_persons], k + own, k + m + own])
    rows = np.concatenate(
        [index, base + municipality, base + m + municipality, base + own, base + m + own]
    )
    entries = np.concatenate(
        [value, value[on_persons], -value[on_persons], -np.ones(m), np.ones(m)]
    )
    order = np.argsort(columns, kind="stable")
    col_start = np.zeros(k + 2 * m + 1, dtype=np.int32)
    np.cumsum(np.bincount(columns, minlength=k + 2 * m), out=col_start[1:])
    lp = highspy.HighsLp()
    lp.num_col_ = k + 2 * m
    lp.num_row_ = base + 2 * m
    lp.col_cost_ = np.concatenate(
        [values[pairs] + placing, np.full(m, -penalty), np.full(m, bonus)]
    )
    lp.col_lower_ = np.zeros(k + 2 * m)
    lp.col_upper_ = np.concatenate([np.ones(k), np.full(m, highspy.kHighsInf), behind])
    lp.row_lower_ = np.full(base + 2 * m, -highspy.kHighsInf)
    lp.row_upper_ = np.concatenate([model.row_upper, room, np.zeros(m)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = col_start
    lp.a_matrix_.index_ = rows[order].astype(np.int32)
    lp.a_matrix_.value_ = entries[order]
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.integrality_ = [highspy.HighsVarType.kInteger] * k + [highspy.HighsVarType.kContinuous] * (
        2 * m
    )
    solver = _highs()
    # The weights make the objective large: the gap is on the scores' scale.
    solver.setOptionValue("mip_rel_gap", 0.0)
    solver.setOptionValue("mip_abs_gap", PACED_GAP * float(values[pairs].sum()) / PACED_PAIRS)
    solver.setOptionValue("time_limit", BATCH_TIME_LIMIT)
    solver.passModel(lp)
    solver.run()
    assignment = np.full(sub.n, -1, dtype=np.int64)
    if solver.getInfo().primal_solution_status != highspy.kSolutionStatusFeasible:
        return assignment  # cannot happen (placing no one is feasible); ``fill`` places them
    chosen = pairs[np.asarray(solver.getSolution().col_value)[:k] > 0.5]
    assignment[sub.pair_household[chosen]] = sub.pair_municipality[chosen]
    return assignment


@dataclass
class Pace:
    """Balanced pace: each municipality's placements kept near its share of the flow so far.

    ``year`` is what a municipality is expected to receive in the whole year (persons): under
    the dynamic policy the week's projection of the pricing LP (what it has received plus what
    the LP places there from the batch on, so the pace follows where the year's placements will
    end, not what was offered; a municipality the year will leave half empty is not pushed to
    fill its capacity early), otherwise its share of the year's capacity. Once ``flow_share``
    of the year's persons have become ready it is due that share of its year; the batch may
    place there what is due less what it has ``received``, plus ``slack`` (persons; the year
    simulation gives ``PACE_SLACK_HOUSEHOLDS`` average households). That is a hard limit that
    gives way only for households that would otherwise not be placed in their week
    (``_batch_solve_paced``); each person placed where a municipality is behind its due by more
    than the slack earns a bonus (``PACE_BONUS`` times the median score per person).

    Why a hard limit with a wide slack, and the projection rather than the capacity: with the
    capacity as the year (and a soft penalty) a municipality the year leaves half empty was
    filled early and then got nothing (far ahead of its year's own flow); with a limit of half a
    household the batch's larger households fit nowhere early in the year, and placing them by
    least overflow instead of by score cost about 4 points of the hindsight bound.
    """

    received: np.ndarray  # (m,) persons placed so far this year
    flow_share: float  # persons ready so far / the year's persons expected (at most 1)
    year: np.ndarray  # (m,) persons: what the municipality is expected to receive this year
    slack: float
    projections: int = 0  # weeks of the pricing LP's projection ``year`` averages (0: none)

    def room(self) -> tuple[np.ndarray, np.ndarray]:
        """Per municipality, the persons the batch may place there within the pace, and the
        persons it is behind the pace (beyond the slack)."""
        due = self.year * self.flow_share - self.received
        return np.maximum(due + self.slack, 0.0), np.maximum(due - self.slack, 0.0)


def _pace_table(
    weeks: int, week: np.ndarray, municipality: np.ndarray, persons: np.ndarray, m: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per municipality and week the persons placed there up to the week's end, and per week
    the share of the year's placements made by its end."""
    table = np.zeros((m, weeks))
    np.add.at(table, (municipality, week), persons)
    cumulative = np.cumsum(table, axis=1)
    return cumulative, cumulative.sum(axis=0) / cumulative[:, -1].sum()


def pace_deviation_percent(
    weeks: int, week: np.ndarray, municipality: np.ndarray, persons: np.ndarray, m: int
) -> float:
    """The largest deviation, in percentage points, at the end of any week, between a
    municipality's share of its year's placements so far and the year's share of all placements
    so far (persons). The placed households are described by ``week`` (0 .. weeks - 1),
    ``municipality`` and ``persons``.

    Households come whole, so a municipality that receives few of them cannot follow the flow
    closely in this measure: one that receives a single household all year is at least about 50
    points off (its share jumps from 0 to 100 %), one with two equal households 25. The
    largest deviation over all municipalities is mostly that of the smallest;
    ``pace_excess_persons`` shows how closely the others follow."""
    if not len(persons):
        return 0.0
    cumulative, flow = _pace_table(weeks, week, municipality, persons, m)
    totals = cumulative[:, -1]
    used = totals > 0
    shares = cumulative[used] / totals[used, None]
    return float(100 * np.abs(shares - flow[None, :]).max())


def pace_excess_persons(
    weeks: int, week: np.ndarray, municipality: np.ndarray, persons: np.ndarray, m: int
) -> float:
    """How far, in persons, a municipality was at the end of some week from its due (the year's
    share of all placements so far times its year's placements) beyond the persons of the
    largest household it received that year: the largest over municipalities and weeks, 0 when
    every municipality stayed within one household of its due all year. The same deviation as
    ``pace_deviation_percent`` but in persons and less the one lump no placement can split."""
    if not len(persons):
        return 0.0
    cumulative, flow = _pace_table(weeks, week, municipality, persons, m)
    largest = np.zeros(m)
    np.maximum.at(largest, municipality, persons)
    deviation = np.abs(cumulative - flow[None, :] * cumulative[:, -1:])
    return float(np.maximum(deviation - largest[:, None], 0.0).max())
