"""Seeded synthetic matching problems, for the benchmark and the tests (no real person in them).

The score of a pair is the expected number of household members in work or education after two
years: the household's employable members times a probability made of a household effect, a
municipality effect (its labour market), a fit between the household's skills and the local
industries (what makes the matching worth doing) and noise.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .problem import MatchProblem

DIMENSIONS = ["large_dwelling", "school_children", "unaccompanied_minors"]
ADAPTATIONS = ["wheelchair", "near_hospital", "regular_treatment", "other"]


def problem_synthetic(
    *,
    households: int,
    municipalities: int = 357,
    dimensions: int = 3,
    tightness: float = 1.0,
    fit: float = 1.0,
    ties: float = 0.01,
    density: float = 1.0,
    minimum: int = 0,
    needs: float = 0.0,
    seed: int = 1,
) -> MatchProblem:
    """A seeded instance.

    ``tightness``: the municipalities' persons capacity as a share of the persons waiting (and
    likewise for each dimension); ``fit``: how much the household-municipality fit weighs
    against the household's and the municipality's own effects; ``ties``: share of households
    with a family tie; ``density``: share of the pairs allowed (each household keeps at least
    one); ``minimum``: no municipality decides fewer persons than this (the spreading rule asks
    none for fewer than 10); ``needs``: share of households with one adaptation need (each
    municipality can meet each need with probability one half; pairs that cannot are left
    out, and a household no municipality can take stays without pairs). Without needs the
    instance is the same as before they existed (the random draws come after the others).
    """
    rng = np.random.default_rng(seed)
    n, m = households, municipalities
    size = rng.choice([1, 2, 3, 4, 5, 6, 7], size=n, p=[0.38, 0.17, 0.14, 0.13, 0.1, 0.05, 0.03])
    minors = (size == 1) & (rng.random(n) < 0.13)  # about 5 % of the households
    children = np.where(size >= 3, np.minimum(size - 2, rng.integers(0, 5, n)), 0)
    large = ((size >= 5) | (rng.random(n) < 0.04)).astype(np.int64)
    demand_all = np.column_stack([large, children, minors.astype(np.int64)])[:, :dimensions]

    # Municipality sizes are skewed (a few cities, many small places).
    weight = rng.lognormal(0.0, 1.0, m)
    weight /= weight.sum()
    capacity_persons = np.floor(tightness * size.sum() * weight + rng.random(m)).astype(np.int64)
    capacity_persons = np.maximum(capacity_persons, minimum)
    capacity = np.full((m, dimensions), np.inf)
    for k in range(dimensions):
        total = tightness * demand_all[:, k].sum()
        share = weight * rng.lognormal(0.0, 0.5, m)
        if k == 2:  # only some municipalities receive unaccompanied minors
            share *= rng.random(m) < 0.35
        share /= share.sum()
        capacity[:, k] = np.floor(total * share + rng.random(m))

    employable = np.maximum(size - children, 1).astype(float)
    skills = rng.normal(size=(n, 4))
    industries = rng.normal(size=(m, 4))
    household_effect = rng.normal(0.0, 0.5, n)
    municipality_effect = rng.normal(0.0, 0.5, m)
    pair_h = np.repeat(np.arange(n), m)
    pair_m = np.tile(np.arange(m), n)
    logit = (
        household_effect[pair_h]
        + municipality_effect[pair_m]
        + fit * np.einsum("pi,pi->p", skills[pair_h], industries[pair_m]) / 2.0
        + rng.normal(0.0, 0.3, n * m)
    )
    score = np.round(employable[pair_h] / (1.0 + np.exp(-logit)), 4)

    keep = np.ones(n * m, dtype=bool)
    if density < 1.0:
        keep = rng.random(n * m) < density
        keep[np.arange(n) * m + rng.integers(0, m, n)] = True
    tied = rng.random(n) < ties
    tie_to = rng.integers(0, m, n)
    keep &= ~tied[pair_h] | (pair_m == tie_to[pair_h])
    keep[np.flatnonzero(tied) * m + tie_to[tied]] = True
    need_bits: np.ndarray | None = None
    capability_bits: np.ndarray | None = None
    if needs > 0:
        has_need = rng.random(n) < needs
        need_bits = np.where(has_need, 1 << rng.integers(0, len(ADAPTATIONS), n), 0)
        can = (rng.random((m, len(ADAPTATIONS))) < 0.5).astype(np.int64)
        capability_bits = (can << np.arange(len(ADAPTATIONS))).sum(axis=1).astype(np.int64)
        keep &= (need_bits[pair_h] & ~capability_bits[pair_m]) == 0
    return MatchProblem(
        household_ids=[f"H{h:06d}" for h in range(n)],
        municipality_numbers=[f"{1000 + j:04d}" for j in range(m)],
        persons=size.astype(np.int64),
        dimensions=DIMENSIONS[:dimensions],
        demand=demand_all.astype(np.int64),
        capacity_persons=capacity_persons,
        capacity=capacity,
        pair_household=pair_h[keep],
        pair_municipality=pair_m[keep],
        pair_score=score[keep],
        adaptations=list(ADAPTATIONS) if need_bits is not None else [],
        needs=None if need_bits is None else need_bits.astype(np.int64),
        capabilities=capability_bits,
    )


def problem_write(problem: MatchProblem, directory: Path | str) -> tuple[Path, Path, Path]:
    """Write the problem as the issue's three CSV files; returns their paths. A household whose
    only allowed pair is one municipality gets it as ``required_municipality``; adaptation
    needs and capabilities, if any, go in their columns (codes separated by «|»)."""
    directory = Path(directory)
    ids = np.array(problem.household_ids, dtype=object)
    numbers = np.array(problem.municipality_numbers, dtype=object)
    counts = np.bincount(problem.pair_household, minlength=problem.n)
    tie = np.full(problem.n, "", dtype=object)
    single = counts[problem.pair_household] == 1
    tie[problem.pair_household[single]] = numbers[problem.pair_municipality[single]]
    households = pd.DataFrame({"household_id": ids, "persons": problem.persons})
    households["required_municipality"] = tie
    for k, name in enumerate(problem.dimensions):
        households[name] = problem.demand[:, k]
    municipalities = pd.DataFrame(
        {"municipality_number": numbers, "persons": problem.capacity_persons}
    )
    for k, name in enumerate(problem.dimensions):
        column = problem.capacity[:, k]
        municipalities[name] = np.where(
            np.isfinite(column), np.nan_to_num(column, posinf=0).astype(np.int64).astype(str), ""
        )
    if problem.needs is not None:
        households["adaptation_needs"] = [
            "|".join(problem.needs_named(int(bits))) for bits in problem.needs
        ]
        capabilities = (
            np.zeros(problem.m, dtype=np.int64)
            if problem.capabilities is None
            else problem.capabilities
        )
        municipalities["adaptation_capabilities"] = [
            "|".join(problem.needs_named(int(bits))) for bits in capabilities
        ]
    scores = pd.DataFrame(
        {
            "household_id": ids[problem.pair_household],
            "municipality_number": numbers[problem.pair_municipality],
            "score": problem.pair_score,
        }
    )
    paths = (
        directory / "households.csv",
        directory / "municipalities.csv",
        directory / "scores.csv",
    )
    households.to_csv(paths[0], index=False)
    municipalities.to_csv(paths[1], index=False)
    scores.to_csv(paths[2], index=False, float_format="%.4f")
    return paths


def year_synthetic(
    *,
    households: int,
    municipalities: int = 357,
    year: int = 2026,
    tightness: float = 1.1,
    dimension_room: float = 1.3,
    minimum: int = 10,
    seed: int = 1,
) -> tuple[MatchProblem, list[datetime.date]]:
    """A seeded seasonal year: the households of ``problem_synthetic`` (persons capacity
    ``tightness`` times the persons, no municipality under ``minimum`` persons, the spreading
    rule's least request; large dwellings, school places and places for unaccompanied minors
    ``dimension_room`` times that), each ready for settlement on a weekday of one of the year's
    ISO weeks 1-52. The weekly flow is seasonal (a sine wave between 0.4 and 1.6 times the mean,
    highest in early summer) with three groups of transfer refugees (three weeks with four times
    the mean). Households are drawn alike all year: what comes later is like what came before.
    Returns the problem, its households in order of readiness, and each one's ready date."""
    problem = problem_synthetic(
        households=households,
        municipalities=municipalities,
        tightness=tightness,
        minimum=minimum,
        seed=seed,
    )
    problem.capacity = np.floor(problem.capacity * dimension_room)
    rng = np.random.default_rng([seed, year])
    week = np.arange(52)
    rate = 1.0 + 0.6 * np.sin(2 * np.pi * (week - 13) / 52)
    rate[rng.choice(np.arange(4, 48), size=3, replace=False)] += 3.0
    weeks = rng.choice(52, size=households, p=rate / rate.sum())
    days = rng.integers(0, 5, households)
    order = np.lexsort((days, weeks))
    ready = [
        datetime.date.fromisocalendar(year, int(weeks[h]) + 1, int(days[h]) + 1) for h in order
    ]
    return _reordered(problem, order), ready


def _reordered(problem: MatchProblem, order: np.ndarray) -> MatchProblem:
    """The same problem with its households in ``order``."""
    position = np.empty(problem.n, dtype=np.int64)
    position[order] = np.arange(problem.n)
    pair_h = position[problem.pair_household]
    pairs = np.lexsort((problem.pair_municipality, pair_h))
    return MatchProblem(
        household_ids=[f"H{h:06d}" for h in range(problem.n)],
        municipality_numbers=problem.municipality_numbers,
        persons=problem.persons[order],
        dimensions=problem.dimensions,
        demand=problem.demand[order],
        capacity_persons=problem.capacity_persons,
        capacity=problem.capacity,
        pair_household=pair_h[pairs],
        pair_municipality=problem.pair_municipality[pairs],
        pair_score=problem.pair_score[pairs],
        adaptations=problem.adaptations,
        needs=None if problem.needs is None else problem.needs[order],
        capabilities=problem.capabilities,
    )


def year_write(
    problem: MatchProblem, ready: list[datetime.date], directory: Path | str
) -> tuple[Path, Path, Path]:
    """Write a year as the simulation's three CSV files (arrivals with ``ready_on``,
    municipalities, scores); returns their paths."""
    households, municipalities, scores = problem_write(problem, directory)
    arrivals = pd.read_csv(households, dtype=str, keep_default_na=False)
    arrivals.insert(1, "ready_on", [day.isoformat() for day in ready])
    path = Path(directory) / "arrivals.csv"
    arrivals.to_csv(path, index=False)
    households.unlink()
    return path, municipalities, scores
