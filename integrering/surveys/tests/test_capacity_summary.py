"""The capacity survey's statistics against an independent count (pandas), the rounding of the
per cent (half up on the exact fraction), and the change in percentage points."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from integrering.surveys.capacity_summary import (
    AnswerRow,
    ServiceShare,
    change_points,
    percent_one_decimal,
    service_shares,
    shares_by_group,
)
from integrering.surveys.models import CapacityLevel, CapacityService


def random_rows(seed: int, municipalities: int = 37) -> list[AnswerRow]:
    rng = random.Random(seed)
    rows = []
    for n in range(municipalities):
        county = rng.choice(["03 Oslo", "31 Østfold", "32 Akershus"])
        for service in CapacityService.values:
            if rng.random() < 0.85:  # some municipalities skip a service
                rows.append(
                    AnswerRow(
                        municipality=f"{3000 + n:04d}",
                        service=service,
                        level=rng.choice(CapacityLevel.values),
                        county=county,
                    )
                )
    return rows


def pandas_shares(rows: list[AnswerRow]) -> dict[str, tuple[int, int]]:
    frame = pd.DataFrame([r.__dict__ for r in rows])
    frame["hard"] = frame["level"].isin(["utfordrende", "kritisk"])
    grouped = frame.groupby("service").agg(
        answered=("municipality", "nunique"), hard=("hard", "sum")
    )
    return {s: (int(r.answered), int(r.hard)) for s, r in grouped.iterrows()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shares_match_an_independent_pandas_count(seed: int) -> None:
    rows = random_rows(seed)
    expected = pandas_shares(rows)

    shares = service_shares(rows)

    assert [s.service for s in shares] == CapacityService.values
    for share in shares:
        answered, hard = expected[share.service]
        assert (share.answered, share.challenging_or_critical) == (answered, hard)
        exact = Decimal(100 * hard) / Decimal(answered)
        assert abs(share.percent - exact) <= Decimal("0.05")  # type: ignore[operator]
        assert sum(share.counts.values()) == answered


def test_shares_by_county_match_pandas_per_county() -> None:
    rows = random_rows(7)
    by_county = shares_by_group(rows, key=lambda r: r.county)
    for county, shares in by_county.items():
        expected = pandas_shares([r for r in rows if r.county == county])
        for share in shares:
            assert (share.answered, share.challenging_or_critical) == expected.get(
                share.service, (0, 0)
            )


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [
        (4, 9, "44.4"),
        (1, 8, "12.5"),
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (1, 16, "6.3"),
        (0, 5, "0.0"),
        (5, 5, "100.0"),
    ],
)
def test_percent_rounds_half_up_on_the_exact_fraction(part: int, whole: int, percent: str) -> None:
    assert percent_one_decimal(part, whole) == Decimal(percent)


def test_the_seed_example_reads_44_percent_for_four_of_nine() -> None:
    levels = ["utfordrende", "kritisk", "utfordrende", "kritisk"] + ["god"] * 5
    rows = [AnswerRow(f"{i:04d}", "gp", level) for i, level in enumerate(levels, start=1)]
    gp = next(s for s in service_shares(rows) if s.service == "gp")
    assert (gp.answered, gp.challenging_or_critical, gp.percent) == (9, 4, Decimal("44.4"))


def test_a_municipality_counts_once_per_service() -> None:
    rows = [AnswerRow("0301", "gp", "god"), AnswerRow("0301", "gp", "kritisk")]
    gp = service_shares(rows, only_answered=True)
    assert [(s.service, s.answered) for s in gp] == [("gp", 1)]


def test_change_is_in_percentage_points_from_the_exact_fractions() -> None:
    now = ServiceShare("gp", answered=9, challenging_or_critical=4)  # 44.44 %
    before = ServiceShare("gp", answered=8, challenging_or_critical=2)  # 25 %
    assert change_points(now, before) == Decimal("19.4")
    assert change_points(before, now) == Decimal("-19.4")
    assert change_points(now, None) is None
    assert change_points(now, ServiceShare("gp", 0, 0)) is None
    assert now.fraction == Fraction(4, 9)
