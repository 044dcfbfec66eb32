"""The one cache of the introduction benefit (``benefit_rates``): keyed by what the formula reads."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

import pytest

from integrering.rules.benefit import (
    INTEGRATION_ACT,
    INTRODUCTION_ACT,
    BenefitInputs,
    benefit_calculate,
    benefit_rates,
)

# Under 25, living with a parent, under the Integration Act, with unapproved absence: a case in
# which every input of the formula counts.
CASE = BenefitInputs(
    on=datetime.date(2024, 5, 1),
    full_rate=False,
    act=INTEGRATION_ACT,
    lives_with_parent=True,
    absence_hours=Decimal(10),
)
# One other value per input, each of which changes the answer.
OTHER: dict[str, Any] = {
    "on": datetime.date(2024, 4, 30),  # the G of 2023 (G changes on 1 May)
    "full_rate": True,
    "act": INTRODUCTION_ACT,
    "lives_with_parent": False,
    "absence_hours": Decimal(11),
}


def test_the_test_varies_every_field_of_the_inputs() -> None:
    assert set(OTHER) == {field.name for field in dataclasses.fields(BenefitInputs)}


@pytest.mark.parametrize("field", sorted(OTHER))
def test_inputs_that_differ_in_one_field_the_formula_reads_get_different_results(
    field: str,
) -> None:
    benefit_rates.cache_clear()
    other = dataclasses.replace(CASE, **{field: OTHER[field]})
    assert benefit_rates(other) != benefit_rates(CASE)
    assert benefit_rates.cache_info().misses == 2


def test_identical_inputs_are_computed_once() -> None:
    benefit_rates.cache_clear()
    first = benefit_rates(CASE)
    again = benefit_rates(dataclasses.replace(CASE))  # equal, not the same object
    info = benefit_rates.cache_info()
    assert again is first
    assert (info.hits, info.misses) == (1, 1)


def test_ages_in_one_band_share_an_entry_but_each_answer_keeps_its_own_age_and_hours() -> None:
    benefit_rates.cache_clear()
    on = datetime.date(2024, 6, 1)
    older = benefit_calculate(
        on=on, birth_date=datetime.date(1980, 1, 1), absence_hours=Decimal("2.5")
    )
    younger = benefit_calculate(
        on=on, birth_date=datetime.date(1990, 1, 1), absence_hours=Decimal("2.50")
    )
    info = benefit_rates.cache_info()
    assert (info.hits, info.misses) == (1, 1)
    assert younger.rates is older.rates
    assert (older.to_json()["age"], younger.to_json()["age"]) == (44, 34)
    assert (older.to_json()["absence_hours"], younger.to_json()["absence_hours"]) == ("2.5", "2.50")


def test_living_with_a_parent_is_no_input_from_the_full_rate_age() -> None:
    adult = BenefitInputs.of(
        on=CASE.on, age=30, act=INTEGRATION_ACT, lives_with_parent=True, absence_hours=Decimal(0)
    )
    assert (adult.full_rate, adult.lives_with_parent) == (True, False)
