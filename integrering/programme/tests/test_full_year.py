"""A full year of one participant, with leave, absence, stop and extension, against amounts worked
out by hand here from G and the fractions of seed 002 §3.2 (not from the engine).

G was 118 620 from 2023-05-01 and 124 028 from 2024-05-01. A participant of 25 or more gets 2 G a
year; a month is 1/12 of that, a day 1/30 of a month, an hour 1/1850 of a year.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import World
from integrering.programme.benefit import MonthBenefit, benefit_month
from integrering.programme.models import EndReason, LeaveReason, Participation
from integrering.programme.periods import planned_end
from integrering.programme.services.extensions import ExtensionInput, programme_extend
from integrering.programme.services.lifecycle import (
    LeaveInput,
    StartInput,
    programme_absence,
    programme_end,
    programme_leave,
    programme_resume,
    programme_start,
    programme_stop,
)
from integrering.programme.testing import CTX

D = datetime.date
ORE = Decimal("0.01")

YEAR_2023_G = Decimal(2 * 118620)  # yearly benefit January-April 2024
YEAR_2024_G = Decimal(2 * 124028)  # from May 2024


def ore(amount: Decimal) -> Decimal:
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def monthly(yearly: Decimal) -> Decimal:
    return yearly / 12


def daily(yearly: Decimal) -> Decimal:
    return yearly / 12 / 30


def hourly(yearly: Decimal) -> Decimal:
    return yearly / 1850


def _month(p: Participation, born: datetime.date, month: datetime.date) -> MonthBenefit | None:
    p.refresh_from_db()
    return benefit_month(
        p,
        month,
        birth_date=born,
        periods=list(p.periods.all()),
        extensions=list(p.extensions.all()),
        absences=list(p.absences.all()),
    )


def test_a_year_with_leave_absence_stop_and_extension(world: World) -> None:
    born = D(1990, 1, 15)
    person = world.person
    person.birth_date = born
    person.settled_on = D(2023, 12, 1)
    person.save(update_fields=["birth_date", "settled_on"])

    p = programme_start(
        ctx=CTX,
        person=person,
        data=StartInput(
            starts_on=D(2024, 1, 1),
            final_goal="standard",
            planned_months=12,
            permit_date=D(2023, 10, 2),
        ),
    )
    # February: 5 unapproved hours and 2.5 approved.
    programme_absence(ctx=CTX, participation=p, on=D(2024, 2, 6), hours=Decimal(5), approved=False)
    programme_absence(
        ctx=CTX, participation=p, on=D(2024, 2, 7), hours=Decimal("2.5"), approved=True
    )
    # March: a week's leave without benefit (11.-15.03., 5 days).
    programme_leave(
        ctx=CTX,
        participation=p,
        data=LeaveInput(
            from_on=D(2024, 3, 11),
            to_on=D(2024, 3, 15),
            leave_reason=LeaveReason.OTHER,
            with_benefit=False,
            reason="Reise til bryllup",
        ),
    )
    # April: sick leave with benefit, whole days.
    programme_leave(
        ctx=CTX,
        participation=p,
        data=LeaveInput(
            from_on=D(2024, 4, 8),
            to_on=D(2024, 4, 12),
            leave_reason=LeaveReason.SICK,
            with_benefit=True,
            sick_percent=100,
            reason="Legeerklæring",
        ),
    )
    # June: stopped 17.-30.06. (14 days), resumed 01.07.
    programme_stop(ctx=CTX, participation=p, from_on=D(2024, 6, 17), reason="Uteblitt i to uker")
    programme_resume(ctx=CTX, participation=p, resumed_on=D(2024, 7, 1))
    # September: 3 unapproved hours.
    programme_absence(ctx=CTX, participation=p, on=D(2024, 9, 3), hours=Decimal(3), approved=False)
    # November: extended by 3 months, to 31.03.2025.
    programme_extend(
        ctx=CTX,
        participation=p,
        data=ExtensionInput(
            months=3,
            assessment="Bestått fagprøve er innen rekkevidde med tre måneder til.",
            expected_to_reach_goal=True,
        ),
    )
    assert planned_end(p, list(p.extensions.all())) == D(2025, 3, 31)
    # A leave over the stop, and absence after the end, are refused on the way.
    with pytest.raises(ValidationError, match="overlapper stansen"):
        programme_leave(
            ctx=CTX,
            participation=p,
            data=LeaveInput(
                from_on=D(2024, 6, 28),
                to_on=D(2024, 7, 2),
                leave_reason=LeaveReason.WELFARE,
                with_benefit=True,
                reason="Velferd",
            ),
        )
    programme_end(
        ctx=CTX, participation=p, ended_on=D(2025, 2, 14), reason=EndReason.WORK, version=p.version
    )
    with pytest.raises(ValidationError, match=re.escape("ikke i programmet 17.02.2025")):
        programme_absence(
            ctx=CTX, participation=p, on=D(2025, 2, 17), hours=Decimal(1), approved=False
        )

    full_2023 = ore(monthly(YEAR_2023_G))  # 19 770.00
    full_2024 = ore(monthly(YEAR_2024_G))  # 20 671.33
    assert full_2023 == Decimal("19770.00") and full_2024 == Decimal("20671.33")
    expected = {
        D(2024, 1, 1): full_2023,
        D(2024, 2, 1): full_2023 - ore(hourly(YEAR_2023_G) * 5),  # 19 770.00 - 641.19
        D(2024, 3, 1): ore(daily(YEAR_2023_G) * 26),  # 31 - 5 days of leave: 17 134.00
        D(2024, 4, 1): full_2023,  # leave with benefit
        D(2024, 5, 1): full_2024,  # the new G from 1 May
        D(2024, 6, 1): ore(daily(YEAR_2024_G) * 16),  # 30 - 14 days stopped: 11 024.71
        D(2024, 7, 1): full_2024,
        D(2024, 8, 1): full_2024,
        D(2024, 9, 1): full_2024 - ore(hourly(YEAR_2024_G) * 3),  # 20 671.33 - 402.25
        D(2024, 10, 1): full_2024,
        D(2024, 11, 1): full_2024,
        D(2024, 12, 1): full_2024,
        D(2025, 1, 1): full_2024,  # the extension
        D(2025, 2, 1): ore(daily(YEAR_2024_G) * 14),  # ended 14.02.: 9 646.62
    }
    assert expected[D(2024, 2, 1)] == Decimal("19128.81")
    assert expected[D(2024, 3, 1)] == Decimal("17134.00")
    assert expected[D(2024, 6, 1)] == Decimal("11024.71")
    assert expected[D(2024, 9, 1)] == Decimal("20269.08")
    assert expected[D(2025, 2, 1)] == Decimal("9646.62")

    actual = {}
    for month in expected:
        result = _month(p, born, month)
        assert result is not None, month
        actual[month] = result.amount
    assert actual == expected
    assert _month(p, born, D(2025, 3, 1)) is None  # after the end
    assert _month(p, born, D(2023, 12, 1)) is None  # before the start
    year_2024 = sum(v for k, v in actual.items() if k.year == 2024)
    assert year_2024 == Decimal("231124.58")

    june = _month(p, born, D(2024, 6, 1))
    assert june is not None and june.days == 16 and "stans 17.06.–30.06. (14 d)" in june.note
    february = _month(p, born, D(2024, 2, 1))
    assert february is not None and february.absence_hours == Decimal(5)
    assert february.deduction == Decimal("641.19") and not february.needs_decision

    events = list(p.events.values_list("kind", flat=True))
    assert events.count("absence") == 3 and events[-1] == "end"
    assert p.decisions.filter(kind="stop").count() == 1
    assert p.decisions.filter(kind="extension").count() == 1


@pytest.mark.parametrize(
    ("month", "amount"),
    [
        # Born 15.06.1999, lives with a parent: under 25 gets 1/3 under the Integration Act.
        (D(2024, 6, 1), ore(monthly(YEAR_2024_G) / 3)),  # 24 on 1 June: 6 890.44
        (D(2024, 7, 1), ore(monthly(YEAR_2024_G))),  # 25 on 1 July: the full rate
    ],
)
def test_the_under_25_share_ends_the_month_after_the_25th_birthday(
    world: World, month: datetime.date, amount: Decimal
) -> None:
    born = D(1999, 6, 15)
    person = world.person
    person.birth_date = born
    person.settled_on = D(2024, 3, 1)
    person.save(update_fields=["birth_date", "settled_on"])
    p = programme_start(
        ctx=CTX,
        person=person,
        data=StartInput(
            starts_on=D(2024, 4, 1),
            final_goal="standard",
            planned_months=12,
            permit_date=D(2024, 1, 10),
            lives_with_parent=True,
        ),
    )
    result = _month(p, born, month)
    assert result is not None and result.amount == amount
    assert ore(monthly(YEAR_2024_G) / 3) == Decimal("6890.44")


def test_a_large_unapproved_absence_needs_a_decision(world: World) -> None:
    """Integreringsloven § 21: a deduction of at least half the month and 1/12 G needs a decision."""
    born = D(1990, 1, 15)
    person = world.person
    person.birth_date = born
    person.save(update_fields=["birth_date"])
    p = programme_start(
        ctx=CTX,
        person=person,
        data=StartInput(
            starts_on=D(2024, 4, 1),
            final_goal="standard",
            planned_months=12,
            permit_date=D(2024, 1, 10),
        ),
    )
    # Half a month at the hour rate: 1850 / 12 / 2 = 77.08 hours; 78 hours is over, 77 under.
    for day in range(1, 11):
        programme_absence(
            ctx=CTX, participation=p, on=D(2024, 5, day), hours=Decimal("7.5"), approved=False
        )
    programme_absence(ctx=CTX, participation=p, on=D(2024, 5, 13), hours=Decimal(2), approved=False)
    under = _month(p, born, D(2024, 5, 1))
    assert under is not None and under.absence_hours == Decimal(77) and not under.needs_decision
    programme_absence(ctx=CTX, participation=p, on=D(2024, 5, 14), hours=Decimal(1), approved=False)
    over = _month(p, born, D(2024, 5, 1))
    assert over is not None and over.absence_hours == Decimal(78) and over.needs_decision
    assert over.deduction == ore(hourly(YEAR_2024_G) * 78)
