"""The survey statistics against independent computations: r and p against scipy (and r against
numpy's corrcoef) on data the test generates, percentages rounded half up on the exact
fraction, stars on each side of every threshold, Likert counts."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from integrering.rules.parameters import value
from integrering.surveys.statistics import (
    StatisticsError,
    likert_distribution,
    pearson,
    response_rates,
    significance_stars,
)
from integrering.ui.numbers import percent_one_decimal

STARS = [
    (limit, mark)
    for mark, limit in value("surveys/significance_stars", datetime.date(2026, 1, 1)).items()
]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_r_and_p_match_scipy_and_numpy_on_generated_data(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(10, 400))
    xs = rng.normal(size=n)
    ys = 0.3 * xs + rng.normal(size=n)
    result = pearson(list(xs), list(ys))
    expected = stats.pearsonr(xs, ys)
    assert result.n == n
    assert result.r == pytest.approx(float(expected.statistic), abs=1e-12)
    assert result.p == pytest.approx(float(expected.pvalue), rel=1e-9)
    assert result.r == pytest.approx(float(np.corrcoef(xs, ys)[0, 1]), abs=1e-12)
    # the two-sided p from the t distribution, computed apart
    t = result.r * math.sqrt((n - 2) / (1 - result.r**2))
    assert result.p == pytest.approx(2 * stats.t.sf(abs(t), n - 2), rel=1e-6)


def test_a_counted_response_rate_like_seed_004_gives_r_0_15_and_p_0_006() -> None:
    # 356 municipalities: with r = 0.15 the two-sided p is about 0.005, as in seed 004.
    n = 356
    r = 0.15
    t = r * math.sqrt((n - 2) / (1 - r**2))
    assert round(2 * stats.t.sf(t, n - 2), 3) in {0.004, 0.005, 0.006}
    assert significance_stars(0.006, STARS) == "***"


@pytest.mark.parametrize(
    ("xs", "ys", "message"),
    [
        ([1, 2], [1, 2], "minst 3 rader"),
        ([1, 1, 1], [1, 2, 3], "Alle verdiene av x er like"),
        ([1, 2, 3], [5, 5, 5], "Alle verdiene av y er like"),
    ],
)
def test_too_few_rows_or_a_constant_column_give_no_correlation(
    xs: list[float], ys: list[float], message: str
) -> None:
    with pytest.raises(StatisticsError, match=message):
        pearson(xs, ys)


@pytest.mark.parametrize(
    ("p", "stars"),
    [
        (0.0099999, "***"),
        (0.01, "**"),
        (0.0100001, "**"),
        (0.0499999, "**"),
        (0.05, "*"),
        (0.0999999, "*"),
        (0.1, ""),
        (0.5, ""),
        (float("nan"), ""),
    ],
)
def test_stars_at_each_threshold_on_both_sides(p: float, stars: str) -> None:
    assert significance_stars(p, STARS) == stars


@pytest.mark.parametrize(
    ("part", "whole"),
    [(142, 371), (98, 371), (128, 356), (224, 371), (1, 8), (3, 8), (1, 3), (2, 3), (0, 5), (5, 5)],
)
def test_percent_is_rounded_half_up_on_the_exact_fraction(part: int, whole: int) -> None:
    exact = Fraction(100 * part, whole)
    tenths = math.floor(exact * 10 + Fraction(1, 2))
    assert percent_one_decimal(part, whole) == Decimal(tenths) / 10


def test_half_way_percentages_round_up() -> None:
    assert percent_one_decimal(1, 8) == Decimal("12.5")
    assert percent_one_decimal(1, 16) == Decimal("6.3")  # 6.25 -> 6.3, not banker's 6.2
    assert percent_one_decimal(0, 0) == Decimal("0.0")


def test_at_least_one_counts_units_not_rows() -> None:
    rates = response_rates(
        [("a", "r1", True), ("a", "r2", True), ("b", "r1", False), ("c", "r2", False)],
        role_order=["r2", "r1"],
    )
    assert [(r.role, r.invited, r.answered) for r in rates.roles] == [("r2", 2, 1), ("r1", 2, 1)]
    assert (rates.at_least_one.invited_units, rates.at_least_one.answered_units) == (3, 1)


def test_likert_distribution_counts_each_value_and_ignores_others() -> None:
    d = likert_distribution(
        ["god", "god", "vet_ikke", "x"], scale=["svaert_god", "god", "vet_ikke"]
    )
    assert d.counts == {"svaert_god": 0, "god": 2, "vet_ikke": 1}
    assert d.total == 3
    assert d.percent("god") == Decimal("66.7")
