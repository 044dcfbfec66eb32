"""Introduction benefit (introduksjonsstønad): yearly, monthly, daily and hourly amounts, and deductions.

Seed 002 §3.2; introduksjonsloven §§ 8-10; integreringsloven § 20.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Any

from .money import fraction_str, money_str, to_ore
from .parameters import RulesError, parameter, value
from .references import reference

INTRODUCTION_ACT = "introduction_act"
INTEGRATION_ACT = "integration_act"


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    """Whole years of age on a date."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def act_for(*, on: datetime.date, permit_date: datetime.date | None) -> str:
    """The Act that governs a participant: by permit date, or the Act in force on the date."""
    start = parameter("acts/integration_act_in_force").first_date
    decisive = permit_date if permit_date is not None else on
    return INTEGRATION_ACT if decisive >= start else INTRODUCTION_ACT


def full_rate_reached(*, age: int, on: datetime.date) -> bool:
    """Whether a participant of this age has the full rate on a date (``benefit/full_rate_age``)."""
    return age >= int(value("benefit/full_rate_age", on))


def benefit_share(
    *, full_rate: bool, act: str, lives_with_parent: bool, on: datetime.date
) -> Fraction:
    """Share of the full rate: 1 from 25; under 25 2/3; under 25 living with a parent 1/3 (Integration Act)."""
    if full_rate:
        return Fraction(1)
    if act == INTEGRATION_ACT and lives_with_parent:
        return Fraction(value("benefit/under_25_with_parent_share", on))
    return Fraction(value("benefit/under_25_share", on))


@dataclass(frozen=True)
class BenefitInputs:
    """Everything the benefit formula (``benefit_rates``) reads, and so the key of its one cache.

    The age enters only as whether the full rate is reached, and living with a parent only below
    it (``of``), so participants who differ in nothing the formula reads share one entry. The
    parameters are read on ``on``; they are data of the process, not of the case.
    """

    on: datetime.date
    full_rate: bool
    act: str
    lives_with_parent: bool
    absence_hours: Decimal

    def __post_init__(self) -> None:
        if self.absence_hours < 0:
            raise RulesError("Fraværstimer kan ikke være negative.")

    @classmethod
    def of(
        cls,
        *,
        on: datetime.date,
        age: int,
        act: str,
        lives_with_parent: bool,
        absence_hours: Decimal,
    ) -> BenefitInputs:
        """The inputs for a participant of ``age`` on ``on``, as the formula reads them."""
        reached = full_rate_reached(age=age, on=on)
        return cls(
            on=on,
            full_rate=reached,
            act=act,
            lives_with_parent=lives_with_parent and not reached,
            absence_hours=absence_hours,
        )


@dataclass(frozen=True)
class BenefitRates:
    """The rates and the deduction for one ``BenefitInputs``, exact (rounded only on output)."""

    g: Decimal
    share: Fraction
    yearly: Fraction
    monthly: Fraction
    daily: Fraction
    hourly: Fraction
    deduction: Fraction
    payable_monthly: Fraction
    deduction_needs_decision: bool
    parameters_used: tuple[str, ...]

    @cached_property
    def payable_monthly_ore(self) -> Decimal:
        """What a whole month pays, in whole øre (rounded once per cached case, for the batch)."""
        return to_ore(self.payable_monthly)


# About 1.2 kB an entry: at most some 20 MB in a long-running process. A year of benefit runs,
# or 100 000 mixed participant-months (benchmarks/rules.py), has a few thousand distinct cases.
@lru_cache(maxsize=16384)
def benefit_rates(inputs: BenefitInputs) -> BenefitRates:
    """The introduction benefit for one case: the one cached path of the formula.

    Year = 2 G x share; month = year / 12; day = month / 30; hour = year / 1850; deduction =
    hourly rate x unapproved absence hours, at most the month (seed 002 §3.2). A pure function
    of ``inputs`` (and the dated parameters), so the cache is keyed by exactly what it reads:
    the rules calculators, the programme's month and the benefit run all come here.
    """
    on, act = inputs.on, inputs.act
    g = value("benefit/g", on)
    share = benefit_share(
        full_rate=inputs.full_rate, act=act, lives_with_parent=inputs.lives_with_parent, on=on
    )
    yearly = Fraction(value("benefit/yearly_g_factor", on)) * Fraction(g) * share
    monthly = yearly / Fraction(value("benefit/months_per_year", on))
    daily = monthly / Fraction(value("benefit/days_per_month", on))
    hourly = yearly / Fraction(value("benefit/hours_per_year", on))
    deduction = min(hourly * Fraction(inputs.absence_hours), monthly)
    used = [
        "benefit/g",
        "benefit/yearly_g_factor",
        "benefit/full_rate_age",
        "benefit/months_per_year",
        "benefit/days_per_month",
        "benefit/hours_per_year",
    ]
    if share != 1:
        used.append(
            "benefit/under_25_with_parent_share"
            if act == INTEGRATION_ACT and inputs.lives_with_parent
            else "benefit/under_25_share"
        )
    needs_decision = False
    threshold = parameter("benefit/deduction_decision_share").in_force(on)
    if act == INTEGRATION_ACT and threshold is not None and deduction > 0:
        limits = threshold[1]
        needs_decision = (
            deduction >= monthly * limits["of_monthly"]
            and deduction >= Fraction(g) * limits["of_g"]
        )
        used.append("benefit/deduction_decision_share")
    return BenefitRates(
        g=g,
        share=share,
        yearly=yearly,
        monthly=monthly,
        daily=daily,
        hourly=hourly,
        deduction=deduction,
        payable_monthly=monthly - deduction,
        deduction_needs_decision=needs_decision,
        parameters_used=tuple(used),
    )


@dataclass(frozen=True)
class BenefitResult:
    """One participant's benefit on a date: the case as asked, and its (cached) rates."""

    on: datetime.date
    act: str
    age: int
    absence_hours: Decimal
    rates: BenefitRates

    def to_json(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "act": self.act,
            "age": self.age,
            "g": money_str(self.rates.g),
            "share": fraction_str(self.rates.share),
            "yearly": money_str(self.rates.yearly),
            "monthly": money_str(self.rates.monthly),
            "daily": money_str(self.rates.daily),
            "hourly": money_str(self.rates.hourly),
            "absence_hours": str(self.absence_hours),
            "deduction": money_str(self.rates.deduction),
            "payable_monthly": money_str(self.rates.payable_monthly),
            "deduction_needs_decision": self.rates.deduction_needs_decision,
            "references": [reference(name, self.on) for name in self.rates.parameters_used],
        }


def _check_permit(on: datetime.date, permit_date: datetime.date | None) -> None:
    if permit_date is not None and permit_date > on:
        raise RulesError(
            f"Beregningsdatoen {on:%d.%m.%Y} er før oppholdstillatelsen ({permit_date:%d.%m.%Y}); "
            "det gis ingen stønad før tillatelsen."
        )


def benefit_calculate(
    *,
    on: datetime.date,
    birth_date: datetime.date,
    permit_date: datetime.date | None = None,
    lives_with_parent: bool = False,
    absence_hours: Decimal = Decimal(0),
) -> BenefitResult:
    """The introduction benefit in force on a date for one participant, with unapproved absence deducted.

    Year = 2 G x share; month = year / 12; day = month / 30; hour = year / 1850; deduction =
    hourly rate x unapproved absence hours (seed 002 §3.2). Exact fractions; rounded on output.
    """
    if birth_date > on:
        raise RulesError(
            f"Fødselsdatoen {birth_date:%d.%m.%Y} er etter beregningsdatoen {on:%d.%m.%Y}."
        )
    _check_permit(on, permit_date)
    return benefit_for_age(
        on=on,
        age=age_on(birth_date, on),
        act=act_for(on=on, permit_date=permit_date),
        lives_with_parent=lives_with_parent,
        absence_hours=absence_hours,
    )


def benefit_for_age(
    *, on: datetime.date, age: int, act: str, lives_with_parent: bool, absence_hours: Decimal
) -> BenefitResult:
    """The benefit for a participant of a given age under a given Act (see ``benefit_rates``)."""
    inputs = BenefitInputs.of(
        on=on, age=age, act=act, lives_with_parent=lives_with_parent, absence_hours=absence_hours
    )
    return BenefitResult(
        on=on, act=act, age=age, absence_hours=absence_hours, rates=benefit_rates(inputs)
    )


def benefit_month_batch(
    rows: Iterable[tuple[datetime.date, datetime.date, datetime.date | None, bool, Decimal]],
) -> list[Decimal]:
    """Payable monthly benefit for many participant-months: (month, birth date, permit date,
    lives with parent, unapproved absence hours) -> amount in øre. Same formula as
    ``benefit_calculate``, through the same cache (``benefit_rates``)."""
    amounts = []
    for on, birth_date, permit_date, lives_with_parent, hours in rows:
        if birth_date > on:
            raise RulesError(
                f"Fødselsdatoen {birth_date:%d.%m.%Y} er etter beregningsdatoen {on:%d.%m.%Y}."
            )
        _check_permit(on, permit_date)
        inputs = BenefitInputs.of(
            on=on,
            age=age_on(birth_date, on),
            act=act_for(on=on, permit_date=permit_date),
            lives_with_parent=lives_with_parent,
            absence_hours=hours,
        )
        amounts.append(benefit_rates(inputs).payable_monthly_ore)
    return amounts
