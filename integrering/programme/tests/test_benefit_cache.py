"""The benefit run computes each distinct month once (``_Participant.month_key``): the key must
carry everything a month's benefit reads, or two participants whose months differ would share
one amount. Participants of many shapes, a year of months: every field the computation reads is
one the key names, and the cached amounts are those computed one by one."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from integrering.people.identity import synthetic_identity_number
from integrering.people.services import PersonInput, household_register
from integrering.programme.models import Absence, LeaveReason, Participation, ProgrammePeriod
from integrering.programme.services import benefit_compute
from integrering.programme.services.extensions import ExtensionInput, programme_extend
from integrering.programme.services.lifecycle import (
    LeaveInput,
    programme_absence,
    programme_leave,
    programme_stop,
)
from integrering.programme.testing import CTX, make_participation
from integrering.testing import municipality

D = datetime.date
MONTHS = [D(2024 + (4 + i - 1) // 12, (4 + i - 1) % 12 + 1, 1) for i in range(14)]
_rng = random.Random(7)


class _Reading:
    """A row that records every field read of it."""

    def __init__(self, row: Any, read: set[str]) -> None:
        object.__setattr__(self, "_row", row)
        object.__setattr__(self, "_read", read)

    def __getattr__(self, name: str) -> Any:
        self._read.add(name)
        return getattr(self._row, name)


def _participant(name: str, born: datetime.date, **kwargs: Any) -> Participation:
    household = household_register(
        ctx=CTX,
        municipality=municipality("0301"),
        reference=f"H-CACHE-{name}",
        members=[
            PersonInput(
                given_name="Deltaker",
                family_name=name,
                birth_date=born,
                identity_number=synthetic_identity_number(born, _rng),
            )
        ],
        settled_on=D(2024, 3, 1),
    )
    return make_participation(household.members.get(), **kwargs)


def _leave(p: Participation, start: datetime.date, end: datetime.date, **kwargs: Any) -> None:
    data = {"leave_reason": LeaveReason.WELFARE, "with_benefit": False, "reason": "Test"}
    programme_leave(
        ctx=CTX, participation=p, data=LeaveInput(from_on=start, to_on=end, **{**data, **kwargs})
    )


@pytest.fixture
def shapes(db: None) -> list[Participation]:
    """Twins in everything but one thing each, and participants with every kind of event."""
    with time_machine.travel(datetime.datetime(2024, 4, 2, 12, tzinfo=datetime.UTC)):
        plain = _participant("Vanlig", D(1990, 1, 1))
        _participant("Tvilling", D(1990, 1, 1))
        _participant("Ung", D(2002, 6, 15))  # turns 22: the under-25 rate all year
        _participant("Fyller", D(1999, 9, 10))  # turns 25 in September 2024
        _participant("Hjemme", D(2003, 2, 2), lives_with_parent=True)
        _participant("Senere", D(1990, 1, 1), starts_on=D(2024, 6, 12))
        _participant("Kort", D(1990, 1, 1), planned_months=6)
        welfare = _participant("Velferd", D(1990, 1, 1))
        sick = _participant("Syk", D(1990, 1, 1), full_time=False)
        paid = _participant("Betalt", D(1990, 1, 1))
        stopped = _participant("Stanset", D(1990, 1, 1))
        absent = _participant("Fravær", D(1990, 1, 1))
        extended = _participant("Forlenget", D(1990, 1, 1), planned_months=9)
    with time_machine.travel(datetime.datetime(2024, 9, 2, 12, tzinfo=datetime.UTC)):
        _leave(welfare, D(2024, 5, 6), D(2024, 5, 15))
        _leave(sick, D(2024, 5, 6), D(2024, 5, 15), leave_reason=LeaveReason.SICK, sick_percent=50)
        _leave(paid, D(2024, 5, 6), D(2024, 5, 15), with_benefit=True)
        programme_stop(ctx=CTX, participation=stopped, from_on=D(2024, 7, 20), reason="Uteblir")
        for day in (D(2024, 5, 7), D(2024, 8, 8)):
            programme_absence(
                ctx=CTX, participation=absent, on=day, hours=Decimal("3"), approved=False
            )
        programme_absence(
            ctx=CTX, participation=absent, on=D(2024, 6, 3), hours=Decimal("4"), approved=True
        )
        programme_extend(
            ctx=CTX,
            participation=extended,
            data=ExtensionInput(months=3, assessment="Nær målet", expected_to_reach_goal=True),
        )
    Participation.objects.filter(pk=plain.pk).update(ended_on=D(2024, 10, 14), end_reason="work")
    return list(Participation.objects.select_related("person").order_by("pk"))


def _loaded(p: Participation) -> benefit_compute._Participant:
    return benefit_compute._Participant(
        p,
        list(ProgrammePeriod.objects.filter(participation=p)),
        list(p.extensions.all()),
        list(Absence.objects.filter(participation=p)),
    )


def test_the_key_names_every_field_the_month_reads(shapes: list[Participation]) -> None:
    read: set[str] = set()
    period_read: set[str] = set()
    for p in shapes:
        loaded = _loaded(p)
        loaded.participation = _Reading(p, read)  # type: ignore[assignment]
        loaded.periods = [_Reading(x, period_read) for x in loaded.periods]  # type: ignore[misc]
        for month in MONTHS:
            loaded.compute(month)
    named = {
        *benefit_compute.KEY_AS_IS,
        *benefit_compute.KEY_CLIPPED,
        *benefit_compute.KEY_THROUGH_DAYS,
    }
    assert {"act", "lives_with_parent", "permit_date", "starts_on", "person"} <= read
    assert read <= named, f"not in the month's key: {sorted(read - named)}"
    period_named = {*benefit_compute.PERIOD_KEY, *benefit_compute.PERIOD_DATES}
    assert {"kind", "with_benefit", "from_on"} <= period_read
    assert period_read <= period_named, f"not in the key: {sorted(period_read - period_named)}"


def test_cached_months_are_the_months_computed_one_by_one(shapes: list[Participation]) -> None:
    cache: benefit_compute.MonthCache = {}
    loaded = [_loaded(p) for p in shapes]
    for month in MONTHS:
        for participant in loaded:
            assert participant.month(month, cache) == participant.compute(month), (
                participant.participation.person.family_name,
                month,
            )
    # The cache did share: fewer distinct months than participants times months.
    assert len(cache) < len(loaded) * len(MONTHS)
