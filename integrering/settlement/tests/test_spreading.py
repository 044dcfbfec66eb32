"""The spreading of the need over municipalities (seed 001, criteria from 2019): each rule on both
sides, exact sums, largest remainder with ties by municipality number, weights from the parameters.

Most instances give every municipality a results score proportional to its population, so that
its weight is simply its share of the population and the raw numbers are easy to check by hand.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from integrering.rules.parameters import RulesError
from integrering.settlement.spreading import (
    DROP,
    RAISE,
    Criteria,
    SpreadError,
    SpreadResult,
    SpreadRow,
    percent_text,
    spread,
)

ON = datetime.date(2026, 1, 1)


def row(
    number: str,
    population: int,
    *,
    results: str | None = None,
    share: str = "0.10",
    exception: bool = False,
) -> SpreadRow:
    """A municipality whose results score is its population unless given (weight = pop share)."""
    return SpreadRow(
        municipality=number,
        population=population,
        results_score=Decimal(results if results is not None else population),
        immigrant_share=Decimal(share),
        exception=exception,
    )


def requests(result: SpreadResult) -> dict[str, int]:
    return {line.municipality: line.request for line in result.lines}


def reasons(result: SpreadResult) -> dict[str, str]:
    return {line.municipality: line.reason for line in result.lines}


# --- The criteria are the dated parameters --------------------------------------------------


def test_the_criteria_of_2019_are_read_from_the_parameters() -> None:
    criteria = Criteria.in_force(datetime.date(2019, 1, 1))
    assert criteria.results_weight == Fraction(3, 5)
    assert criteria.population_weight == Fraction(2, 5)
    assert criteria.minimum == 10
    assert criteria.max_immigrant_share == Fraction(3, 10)


def test_there_are_no_criteria_before_2019() -> None:
    with pytest.raises(RulesError, match=r"ingen verdi før 01\.01\.2019"):
        spread(100, [row("0301", 100)], on=datetime.date(2018, 12, 31))


def test_results_weigh_60_and_population_40_percent() -> None:
    # A has all the results and half the population: 0.6 * 1 + 0.4 * 1/2 = 0.8; B: 0.4 * 1/2.
    result = spread(
        100,
        [row("0101", 1000, results="100"), row("0102", 1000, results="0")],
        on=ON,
    )
    assert requests(result) == {"0101": 80, "0102": 20}
    assert [line.weight for line in result.lines] == [Fraction(4, 5), Fraction(1, 5)]


def test_a_results_sum_of_zero_leaves_the_population_term() -> None:
    result = spread(100, [row("0101", 3000, results="0"), row("0102", 1000, results="0")], on=ON)
    assert requests(result) == {"0101": 75, "0102": 25}


# --- Rule 1: the immigrant share, and the exception -----------------------------------------


def test_a_share_of_exactly_30_percent_is_asked() -> None:
    result = spread(100, [row("0101", 500, share="0.30"), row("0102", 500)], on=ON)
    assert requests(result) == {"0101": 50, "0102": 50}
    assert reasons(result)["0101"] == ""


def test_a_share_just_over_30_percent_is_not_asked_and_says_why() -> None:
    result = spread(100, [row("0101", 500, share="0.3001"), row("0102", 500)], on=ON)
    assert requests(result) == {"0101": 0, "0102": 100}
    assert reasons(result)["0101"] == "Innvandrerandel 30,01 % er over grensen på 30 %."
    assert result.lines[0].eligible is False
    assert result.requested_municipalities == 1


def test_an_exception_is_asked_above_the_limit_and_counts_in_the_sums() -> None:
    result = spread(
        100,
        [row("0101", 500, share="0.45", exception=True), row("0102", 500)],
        on=ON,
    )
    assert requests(result) == {"0101": 50, "0102": 50}
    assert "Vurderes særskilt" in reasons(result)["0101"]
    assert "45 %" in reasons(result)["0101"]


def test_an_exception_below_the_limit_needs_no_reason() -> None:
    result = spread(100, [row("0101", 500, exception=True), row("0102", 500)], on=ON)
    assert reasons(result)["0101"] == ""


def test_the_not_eligible_do_not_count_in_the_weights() -> None:
    # Without 0103 (too high a share), 0101 and 0102 split the need by their populations only.
    result = spread(
        90,
        [row("0101", 100), row("0102", 200), row("0103", 100_000, share="0.50")],
        on=ON,
    )
    assert requests(result) == {"0101": 30, "0102": 60, "0103": 0}


def test_no_eligible_municipality_is_refused() -> None:
    with pytest.raises(SpreadError, match="Ingen kommune kan anmodes"):
        spread(100, [row("0101", 500, share="0.31"), row("0102", 500, share="0.9")], on=ON)


# --- Rule 3, drop: under 10 is not asked -------------------------------------------------------


def test_drop_asks_a_municipality_computed_to_exactly_10() -> None:
    result = spread(100, [row("0101", 10), row("0102", 90)], below_minimum=DROP, on=ON)
    assert requests(result) == {"0101": 10, "0102": 90}
    assert result.lines[0].raw == 10


def test_drop_does_not_ask_a_municipality_computed_to_9_99() -> None:
    result = spread(1000, [row("0101", 999), row("0102", 99_001)], below_minimum=DROP, on=ON)
    assert requests(result) == {"0101": 0, "0102": 1000}
    assert reasons(result)["0101"] == (
        "Beregnet til 9,99 personer, under minsteanmodningen på 10: anmodes ikke."
    )


def test_drop_spreads_what_the_dropped_would_have_had_over_the_others() -> None:
    # Round 1: 5, 5, 40, 50 of 100 -> the two small ones are dropped.
    # Round 2: 40/90 and 50/90 of 100 -> 44.44 and 55.56 -> 44 and 56 (largest remainder).
    result = spread(
        100,
        [row("0101", 5), row("0102", 5), row("0103", 40), row("0104", 50)],
        below_minimum=DROP,
        on=ON,
    )
    assert requests(result) == {"0101": 0, "0102": 0, "0103": 44, "0104": 56}
    assert result.iterations == 2
    assert result.total == 100


def test_drop_stops_after_one_round_when_nobody_is_under_the_minimum() -> None:
    result = spread(100, [row("0101", 50), row("0102", 50)], on=ON)
    assert result.iterations == 1


def test_drop_refuses_a_need_too_small_for_anyone_to_reach_the_minimum() -> None:
    # 50 over ten equal municipalities is 5 each: the rule stops asking all of them at once.
    rows = [row(f"01{i:02d}", 100) for i in range(10)]
    with pytest.raises(SpreadError, match="Ingen kommune kommer opp i minsteanmodningen"):
        spread(50, rows, below_minimum=DROP, on=ON)


# --- Rule 3, raise: under 10 is raised to 10 ---------------------------------------------------


def test_raise_leaves_a_municipality_computed_to_exactly_10() -> None:
    result = spread(100, [row("0101", 10), row("0102", 90)], below_minimum=RAISE, on=ON)
    assert requests(result) == {"0101": 10, "0102": 90}
    assert reasons(result)["0101"] == ""


def test_raise_lifts_a_municipality_computed_to_9_99_and_takes_it_from_the_others() -> None:
    result = spread(1000, [row("0101", 999), row("0102", 99_001)], below_minimum=RAISE, on=ON)
    assert requests(result) == {"0101": 10, "0102": 990}
    assert reasons(result)["0101"] == (
        "Hevet til minsteanmodningen på 10 (beregnet til 9,99 personer)."
    )


def test_raise_repeats_until_nothing_changes() -> None:
    # Round 1: 5, 5, 13, 27 of 50 -> 0101 and 0102 fixed at 10.
    # Round 2: the rest, 30, over 26 and 54 -> 9.75 and 20.25 -> 0103 fixed at 10.
    # Round 3: the rest, 20, to 0104 alone -> nothing changes.
    result = spread(
        50,
        [row("0101", 10), row("0102", 10), row("0103", 26), row("0104", 54)],
        below_minimum=RAISE,
        on=ON,
    )
    assert requests(result) == {"0101": 10, "0102": 10, "0103": 10, "0104": 20}
    assert result.iterations == 3
    assert reasons(result)["0103"] == (
        "Hevet til minsteanmodningen på 10 (beregnet til 9,75 personer)."
    )


def test_raise_refuses_when_the_minimum_for_everyone_is_more_than_the_need() -> None:
    rows = [row(f"01{i:02d}", 100) for i in range(10)]
    with pytest.raises(SpreadError, match="til sammen 100, men behovet er 99"):
        spread(99, rows, below_minimum=RAISE, on=ON)


def test_raise_with_a_need_of_exactly_the_minimum_for_everyone_gives_everyone_10() -> None:
    rows = [row(f"01{i:02d}", 100 * (i + 1)) for i in range(10)]
    result = spread(100, rows, below_minimum=RAISE, on=ON)
    assert set(requests(result).values()) == {10}


def test_raise_and_drop_agree_when_nobody_is_under_the_minimum() -> None:
    rows = [row("0101", 300), row("0102", 500), row("0103", 200)]
    assert requests(spread(1000, rows, below_minimum=RAISE, on=ON)) == requests(
        spread(1000, rows, below_minimum=DROP, on=ON)
    )


# --- Rule 4: largest remainder -------------------------------------------------------------------


def test_largest_remainder_breaks_a_tie_by_the_lowest_municipality_number() -> None:
    # 32 over three equal municipalities: 10.67 each, floors 10 + 10 + 10, two more to give.
    # The input order is not the number order: the tie goes by number, not by position.
    rows = [row("0500", 100), row("0100", 100), row("0300", 100)]
    result = spread(32, rows, on=ON)
    assert requests(result) == {"0500": 10, "0100": 11, "0300": 11}
    assert [line.municipality for line in result.lines] == ["0500", "0100", "0300"]


def test_largest_remainder_gives_the_extra_person_to_the_largest_fraction_first() -> None:
    # 100 over 1 : 2 : 3 of a population of 6 -> 16.67, 33.33, 50 -> 17, 33, 50.
    result = spread(100, [row("0101", 1), row("0102", 2), row("0103", 3)], on=ON)
    assert requests(result) == {"0101": 17, "0102": 33, "0103": 50}


@pytest.mark.parametrize("below_minimum", [DROP, RAISE])
@pytest.mark.parametrize("seed", range(20))
def test_the_requests_always_sum_to_the_need_exactly(seed: int, below_minimum: str) -> None:
    rng = random.Random(seed)
    rows = [
        SpreadRow(
            municipality=f"{number:04d}",
            population=rng.randint(200, 700_000),
            results_score=Decimal(rng.randint(0, 10_000)) / 100,
            immigrant_share=Decimal(rng.randint(0, 4000)) / 10_000,
            exception=rng.random() < 0.05,
        )
        for number in rng.sample(range(101, 5700), 357)
    ]
    eligible = sum(1 for r in rows if r.immigrant_share <= Decimal("0.3") or r.exception)
    need = (
        rng.randint(10 * eligible, 40_000) if below_minimum == RAISE else rng.randint(5_000, 40_000)
    )
    result = spread(need, rows, below_minimum=below_minimum, on=ON)
    assert result.total == need
    for r, line in zip(rows, result.lines, strict=True):
        assert line.municipality == r.municipality
        if not line.eligible:
            assert line.request == 0
        elif line.request:
            assert line.request >= 10
            assert abs(line.request - line.raw) < 1


# --- Input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("need", [0, -5, True])
def test_a_need_that_is_not_a_positive_whole_number_is_refused(need: int) -> None:
    with pytest.raises(SpreadError, match="positivt heltall"):
        spread(need, [row("0101", 100)], on=ON)


def test_an_unknown_rule_for_small_requests_is_refused() -> None:
    with pytest.raises(SpreadError, match="drop eller raise"):
        spread(100, [row("0101", 100)], below_minimum="round", on=ON)


def test_a_municipality_twice_is_refused() -> None:
    with pytest.raises(SpreadError, match="0101 er med flere ganger"):
        spread(100, [row("0101", 100), row("0101", 200)], on=ON)


@pytest.mark.parametrize(
    ("share", "text"),
    [("0.3", "30 %"), ("0.30", "30 %"), ("0.3001", "30,01 %"), ("0.125", "12,5 %"), ("0", "0 %")],
)
def test_shares_are_shown_as_exact_norwegian_percentages(share: str, text: str) -> None:
    assert percent_text(Decimal(share)) == text
