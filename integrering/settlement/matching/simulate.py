"""A year of weekly placements, simulated over files (``integrering settlement simulate-year``):
each ISO week's batch placed by a policy (``online.py``) knowing only the rows ready up to that
week, compared with the weekly optimum (the myopic policy) and the hindsight bound (the LP
relaxation of the whole year, every arrival known: no policy can score more)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .greedy import assignment_objective
from .online import (
    Pace,
    Prices,
    pace_deviation_percent,
    pace_excess_persons,
    problem_with_capacity,
    week_place,
)
from .problem import LISTED_PER_KIND, MUNICIPALITY, MatchInputError, MatchProblem, problem_read
from .solve import _Model, _quiet, _relaxation

# --balance: how far ahead of its due a municipality may go, in average households. On the year
# benchmark's 2 600 x 120 year (seed 1) half a household gave 94.6 % of the hindsight bound, one
# 96.7 %, two 98.0 % (without balance 98.8 %).
PACE_SLACK_HOUSEHOLDS = 2.0
HINDSIGHT_TIME_LIMIT = 600.0  # the bound stays valid if the pricing stops early
READY_ON = "ready_on"
WEEK = "week"


@dataclass
class YearResult:
    """A policy's year: ``assignment`` per household (municipality index or -1)."""

    policy: str
    assignment: np.ndarray
    objective: float
    seconds: float
    weekly_placed: list[int]  # households placed, per week
    max_pace_deviation_percent: float
    max_pace_excess_persons: float = 0.0  # beyond one household (``pace_excess_persons``)
    prices: list[Prices] = field(default_factory=list)  # per week


def week_rng(seed: int, week: str) -> np.random.Generator:
    """The week's random draws, from the seed and the week's name («2026-W07») only: a week's
    draws do not depend on which weeks come after it."""
    year, number = week.split("-W")
    return np.random.default_rng([seed, int(year), int(number)])


def year_simulate(
    problem: MatchProblem,
    *,
    week_index: np.ndarray,
    week_names: list[str],
    expected_persons: float,
    seed: int = 1,
    policy: str = "dynamic",
    balance: bool = False,
) -> YearResult:
    """Place each week's batch in turn against the capacity left: the households with
    ``week_index == w`` (weeks in time order, named ``week_names[w]``) in the problem's order.

    ``expected_persons`` is the year's need in persons: after a week, ``expected_persons`` less
    the persons ready so far are still to come. A week's placements depend only on the
    households of that week and before (and on the seed).
    """
    started = time.perf_counter()
    n, m = problem.n, problem.m
    assignment = np.full(n, -1, dtype=np.int64)
    capacity_persons = problem.capacity_persons.astype(np.int64).copy()
    capacity = problem.capacity.astype(float).copy()
    total = float(capacity_persons.sum())
    year_share = capacity_persons / total if total > 0 else np.zeros(m)
    received = np.zeros(m)
    arrived = 0.0
    start: Prices | None = None
    target: np.ndarray | None = None  # the year's placements per municipality, as last seen
    projections = 0
    weekly: list[int] = []
    prices: list[Prices] = []
    for w, name in enumerate(week_names):
        batch = np.flatnonzero(week_index == w)
        history = np.flatnonzero(week_index <= w)
        arrived += float(problem.persons[batch].sum())
        year_persons = max(expected_persons, arrived)
        pace = None
        if balance and len(history):
            # Until the pricing LP has projected the year (and in the weeks it does not run):
            # each municipality's share of the capacity, or the last projection.
            year = year_share * year_persons
            if target is not None and target.sum() > 0:
                year = target * year_persons / float(target.sum())
            pace = Pace(
                received=received.copy(),
                flow_share=arrived / year_persons if year_persons > 0 else 1.0,
                year=year,
                slack=PACE_SLACK_HOUSEHOLDS * float(problem.persons[history].mean()),
                projections=projections,
            )
        week = week_place(
            problem_with_capacity(problem, capacity_persons, capacity),
            batch=batch,
            history=history,
            future_persons=max(0.0, expected_persons - arrived),
            rng=week_rng(seed, name),
            policy=policy,
            pace=pace,
            start=start,
        )
        placed = batch[week.assignment >= 0]
        where = week.assignment[week.assignment >= 0]
        assignment[placed] = where
        np.subtract.at(capacity_persons, where, problem.persons[placed])
        for k in range(problem.d):
            np.subtract.at(capacity[:, k], where, problem.demand[placed, k])
        np.add.at(received, where, problem.persons[placed])
        weekly.append(len(placed))
        if week.target is not None:
            target = week.target
            projections += 1
        prices.append(week.prices)
        if week.prices.persons.any() or week.prices.dims.any():
            start = week.prices
    done = np.flatnonzero(assignment >= 0)
    placements = (len(week_names), week_index[done], assignment[done], problem.persons[done], m)
    deviation = pace_deviation_percent(*placements)
    return YearResult(
        policy=policy,
        assignment=assignment,
        objective=assignment_objective(problem, assignment),
        seconds=time.perf_counter() - started,
        weekly_placed=weekly,
        max_pace_deviation_percent=deviation,
        max_pace_excess_persons=pace_excess_persons(*placements),
        prices=prices,
    )


def hindsight_bound(problem: MatchProblem) -> float:
    """The LP bound with every arrival known: the optimum of the LP relaxation of the whole
    year's matching (or a proven upper bound on it, should the pricing stop early)."""
    if not problem.p:
        return 0.0
    relaxation = _relaxation(_Model(problem), time.perf_counter() + HINDSIGHT_TIME_LIMIT, _quiet)
    return float(relaxation.bound)


# --- The files ---------------------------------------------------------------------------------


@dataclass
class Year:
    """A year read from files: the problem (households in file order, against the year's
    capacities), each household's week (index into ``week_names``, in time order)."""

    problem: MatchProblem
    week_index: np.ndarray
    week_names: list[str]
    ignored_scores: int = 0  # score rows of households not in the arrivals (left out)


def _ready_dates(frame: pd.DataFrame, name: str, problems: list[str]) -> pd.Series:
    """The ``ready_on`` column as dates (ISO ``2026-03-02`` or ``02.03.2026``); every bad cell
    is listed (the first ``LISTED_PER_KIND``, then a count)."""
    text = frame[READY_ON].astype(str).str.strip()
    dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    norwegian = pd.to_datetime(text, format="%d.%m.%Y", errors="coerce")
    dates = dates.fillna(norwegian)
    bad = np.flatnonzero(dates.isna().to_numpy())
    for row in bad[:LISTED_PER_KIND]:
        shown = text.iloc[row]
        problems.append(
            f"{name} linje {int(row) + 2}: «{READY_ON}» må være en dato (ÅÅÅÅ-MM-DD eller "
            f"dd.mm.åååå)" + (f", ikke «{shown}»." if shown else "; den mangler.")
        )
    if len(bad) > LISTED_PER_KIND:
        problems.append(f"{name}: … og {len(bad) - LISTED_PER_KIND} linjer til med samme feil.")
    return dates


def year_read(
    arrivals: Path | str,
    municipalities: Path | str,
    scores: Path | str,
    *,
    adaptation_codes: Mapping[str, str] | None = None,
) -> Year:
    """Read a year from the simulation's files: ``arrivals`` is the households file of
    ``problem_read`` with a ``ready_on`` column (a date; the household's batch is its ISO week),
    ``municipalities`` and ``scores`` as there (the year's capacities; sparse or dense scores;
    scores of households not in the arrivals are left out and counted). Raises
    ``MatchInputError`` with every problem of every file."""
    arrivals = Path(arrivals)
    problems: list[str] = []
    dates: pd.Series | None = None
    try:
        frame = pd.read_csv(arrivals, dtype=str, keep_default_na=False, skipinitialspace=True)
        frame.columns = [str(c).strip() for c in frame.columns]
    except (FileNotFoundError, pd.errors.EmptyDataError, UnicodeDecodeError, pd.errors.ParserError):
        frame = None  # ``problem_read`` names what is wrong with the file
    if frame is not None:
        if READY_ON in frame.columns:
            dates = _ready_dates(frame, arrivals.name, problems)
        else:
            problems.append(f"{arrivals.name}: mangler kolonnen «{READY_ON}».")
    try:
        problem = problem_read(
            arrivals,
            municipalities,
            scores,
            adaptation_codes=adaptation_codes,
            other_columns=(READY_ON,),
            other_households_ignored=True,
        )
    except MatchInputError as exc:
        raise MatchInputError(exc.problems + problems) from None
    if problems or dates is None:
        raise MatchInputError(problems)
    iso = dates.dt.isocalendar()
    key = (iso["year"].astype(int) * 100 + iso["week"].astype(int)).to_numpy()
    weeks = np.unique(key)
    names = [f"{int(k) // 100}-W{int(k) % 100:02d}" for k in weeks]
    return Year(
        problem=problem,
        week_index=np.searchsorted(weeks, key),
        week_names=names,
        ignored_scores=int(problem._cache.get("ignored_score_rows", 0)),
    )


Progress = Callable[[str], None]


@dataclass
class Simulation:
    """The command's answer: the policy's year, the weekly optimum's total on the same input and
    the hindsight bound."""

    year: Year
    result: YearResult
    myopic_objective: float
    hindsight_bound: float

    def to_json(self) -> dict[str, Any]:
        """The issue's keys, and ``max_pace_excess_persons``: the largest deviation from the
        pace in persons beyond one household of the municipality (``pace_excess_persons``),
        since ``max_pace_deviation_percent`` is bound by municipalities that receive only a
        household or two in the year (a single one is about 50 points off however it is
        placed)."""
        return {
            "households": self.year.problem.n,
            "placed": int((self.result.assignment >= 0).sum()),
            "objective": round(self.result.objective, 6),
            "hindsight_bound": round(self.hindsight_bound, 6),
            "myopic_objective": round(self.myopic_objective, 6),
            "seconds": round(self.result.seconds, 3),
            "weekly": [
                {"week": name, "placed": placed}
                for name, placed in zip(
                    self.year.week_names, self.result.weekly_placed, strict=True
                )
            ],
            "max_pace_deviation_percent": round(self.result.max_pace_deviation_percent, 3),
            "max_pace_excess_persons": round(self.result.max_pace_excess_persons, 3),
        }


def year_run(
    year: Year,
    *,
    expected_persons: float,
    seed: int = 1,
    policy: str = "dynamic",
    balance: bool = False,
    progress: Progress | None = None,
) -> Simulation:
    """Simulate the year by ``policy`` (with ``balance``), the weekly optimum (myopic, without
    balance) for comparison, and the hindsight bound."""
    report = progress or (lambda stage: None)
    report(f"Plasserer {len(year.week_names)} uker etter politikken «{policy}»")
    result = year_simulate(
        year.problem,
        week_index=year.week_index,
        week_names=year.week_names,
        expected_persons=expected_persons,
        seed=seed,
        policy=policy,
        balance=balance,
    )
    if policy == "myopic" and not balance:
        myopic = result.objective
    else:
        report("Plasserer de samme ukene med ukens optimum (myopisk), til sammenligning")
        myopic = year_simulate(
            year.problem,
            week_index=year.week_index,
            week_names=year.week_names,
            expected_persons=expected_persons,
            seed=seed,
            policy="myopic",
        ).objective
    report("Regner ut grensen med hele året kjent (LP)")
    bound = max(hindsight_bound(year.problem), result.objective, myopic)
    return Simulation(year=year, result=result, myopic_objective=myopic, hindsight_bound=bound)


def placements_write(simulation: Simulation, path: Path | str) -> None:
    """Write ``household_id,municipality_number,week`` for each placed household, in the
    arrivals' order (``week``: the ISO week it was placed in, that of its ready date)."""
    problem, year = simulation.year.problem, simulation.year
    assignment = simulation.result.assignment
    placed = np.flatnonzero(assignment >= 0)
    frame = pd.DataFrame(
        {
            "household_id": np.array(problem.household_ids, dtype=object)[placed],
            MUNICIPALITY: np.array(problem.municipality_numbers, dtype=object)[assignment[placed]],
            WEEK: np.array(year.week_names, dtype=object)[year.week_index[placed]],
        }
    )
    frame.to_csv(path, index=False)
