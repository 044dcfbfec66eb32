from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest

from integrering.rules.benefit import benefit_calculate, benefit_month_batch
from integrering.rules.parameters import RulesError


def test_the_batch_gives_exactly_what_the_single_calculation_gives() -> None:
    rng = random.Random(7)
    rows = []
    for _ in range(2000):
        month = datetime.date(rng.randint(2011, 2025), rng.randint(1, 12), 1)
        birth = month - datetime.timedelta(days=rng.randint(18 * 365, 40 * 365))
        permit = (
            month - datetime.timedelta(days=rng.randint(0, 1500)) if rng.random() < 0.7 else None
        )
        rows.append(
            (month, birth, permit, rng.random() < 0.4, Decimal(rng.choice([0, 1, 3.5, 12, 200])))
        )
    batch = benefit_month_batch(rows)
    for (on, birth, permit, with_parent, hours), amount in zip(rows, batch, strict=True):
        single = benefit_calculate(
            on=on,
            birth_date=birth,
            permit_date=permit,
            lives_with_parent=with_parent,
            absence_hours=hours,
        )
        assert f"{amount:.2f}" == single.to_json()["payable_monthly"], (
            on,
            birth,
            permit,
            with_parent,
            hours,
        )


def test_the_batch_refuses_impossible_rows() -> None:
    with pytest.raises(RulesError, match="før oppholdstillatelsen"):
        benefit_month_batch(
            [
                (
                    datetime.date(2022, 1, 1),
                    datetime.date(1990, 1, 1),
                    datetime.date(2022, 6, 1),
                    False,
                    Decimal(0),
                )
            ]
        )
