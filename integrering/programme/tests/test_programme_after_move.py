"""After a move within five years (seed 002 §2.1) the introduction programme goes on in the new
municipality: it sees and continues the participation, and the benefit runs split the month of
the move at the moving date (the old municipality pays the days before it, the new one the rest).
Figures worked out by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from conftest import MUNICIPALITY_A, MUNICIPALITY_B, World
from integrering.audit.services import AccessContext
from integrering.casework.models import CaseTransfer, TransferConsentMethod
from integrering.casework.services.transfers import (
    TransferInput,
    case_transfer_accept,
    case_transfer_propose,
)
from integrering.errors import NotFound
from integrering.programme.models import (
    BenefitLineKind,
    BenefitRun,
    BenefitRunStatus,
    Participation,
)
from integrering.programme.selectors import participation_get
from integrering.programme.services.benefit_compute import benefit_run_compute
from integrering.programme.services.benefit_run import benefit_run_approve, benefit_run_prepare
from integrering.programme.services.lifecycle import programme_absence
from integrering.programme.testing import make_participation
from integrering.testing import municipality

D = datetime.date
SEPTEMBER, OCTOBER = D(2024, 9, 1), D(2024, 10, 1)
# 2 G from 01.05.2024: 2 x 124 028 = 248 056 a year, 20 671,33 a month, 1/30 of it a day.
MONTH = Decimal("20671.33")
TEN_DAYS = Decimal("6890.44")  # 248 056 / 12 / 30 x 10 = 6 890,444
TWENTY_DAYS = Decimal("13780.89")  # 248 056 / 12 / 30 x 20 = 13 780,888


def _at(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)
    )


def _ctx(user: object) -> AccessContext:
    return AccessContext(user=user, route="test")  # type: ignore[arg-type]


def _run(user: object, number: str, month: datetime.date, *, approve: bool = False) -> BenefitRun:
    run = benefit_run_prepare(ctx=_ctx(user), municipality=municipality(number), month=month)
    computed = benefit_run_compute(run_id=run.pk)
    assert computed is not None and computed.status == BenefitRunStatus.PREVIEW, computed
    if approve:
        return benefit_run_approve(ctx=_ctx(user), run=computed, confirm_same_user=True)
    return computed


def _move(world: World) -> CaseTransfer:
    """The household moves from Oslo to Bergen on 11.09.2024 (handed over 05.10.2024)."""
    with _at(D(2024, 10, 5)):
        transfer = case_transfer_propose(
            ctx=_ctx(world.owner),
            household=world.household,
            to_municipality=municipality(MUNICIPALITY_B),
            data=TransferInput(
                moved_on=D(2024, 9, 11),
                consent_on=D(2024, 9, 1),
                consent_method=TransferConsentMethod.SIGNED,
            ),
        )
        return case_transfer_accept(ctx=_ctx(world.outsider), transfer=transfer, version=1)


@pytest.fixture
def participation(world: World) -> Participation:
    """Born 1988 (the full rate), in Oslo's programme from 01.04.2024."""
    world.person.birth_date = D(1988, 1, 1)
    world.person.save(update_fields=["birth_date"])
    with _at(D(2024, 5, 15)):
        return make_participation(world.person, starts_on=D(2024, 4, 1))


def _lines(run: BenefitRun, participation: Participation) -> list[tuple[str, int, Decimal]]:
    return [
        (line.kind, line.days, line.amount)
        for line in run.lines.filter(participation=participation).order_by("kind", "period")
    ]


def test_the_new_municipality_continues_the_programme_and_the_old_one_cannot_change_it(
    world: World, participation: Participation
) -> None:
    transfer = _move(world)
    participation.refresh_from_db()
    assert participation.municipality.number == MUNICIPALITY_B
    assert participation.events.filter(summary__contains=f"overføring {transfer.pk}").exists()
    assert participation_get(ctx=_ctx(world.outsider), participation_id=participation.pk)
    with pytest.raises(NotFound):
        participation_get(ctx=_ctx(world.owner), participation_id=participation.pk)
    with _at(D(2024, 10, 7)):
        programme_absence(
            ctx=_ctx(world.outsider),
            participation=participation_get(
                ctx=_ctx(world.outsider), participation_id=participation.pk, edit=True
            ),
            on=D(2024, 10, 2),
            hours=Decimal(1),
            approved=True,
        )
    assert participation.absences.filter(on=D(2024, 10, 2)).exists()


def test_the_month_of_the_move_is_split_at_the_moving_date_with_figures(
    world: World, participation: Participation
) -> None:
    """Moving 11.09.2024: Oslo pays 01.-10.09 (10 days, 6 890,44), Bergen 11.-30.09 (20 days,
    13 780,89); together the month, 20 671,33 (to the øre, as each part is rounded)."""
    _move(world)
    with _at(D(2024, 10, 6)):
        oslo = _run(world.owner, MUNICIPALITY_A, SEPTEMBER)
        bergen = _run(world.outsider, MUNICIPALITY_B, SEPTEMBER)
        oslo_october = _run(world.owner, MUNICIPALITY_A, OCTOBER)
        bergen_october = _run(world.outsider, MUNICIPALITY_B, OCTOBER)
    assert _lines(oslo, participation) == [(BenefitLineKind.REGULAR, 10, TEN_DAYS)]
    assert _lines(bergen, participation) == [(BenefitLineKind.REGULAR, 20, TWENTY_DAYS)]
    assert TEN_DAYS + TWENTY_DAYS == MONTH
    assert "flyttet fra kommunen 11.09.2024" in oslo.lines.get(participation=participation).note
    assert "flyttet til kommunen 11.09.2024" in bergen.lines.get(participation=participation).note
    # From October the person is Bergen's alone.
    assert _lines(oslo_october, participation) == []
    assert _lines(bergen_october, participation) == [(BenefitLineKind.REGULAR, 31, MONTH)]


def test_a_month_the_old_municipality_paid_in_full_is_corrected_back_to_its_days(
    world: World, participation: Participation
) -> None:
    """Oslo approved all of September before it knew of the move; its October run takes back
    the 20 days from 11.09: 6 890,44 - 20 671,33 = -13 780,89."""
    with _at(D(2024, 10, 2)):
        paid = _run(world.owner, MUNICIPALITY_A, SEPTEMBER, approve=True)
    assert _lines(paid, participation) == [(BenefitLineKind.REGULAR, 30, MONTH)]
    _move(world)
    with _at(D(2024, 11, 2)):
        october = _run(world.owner, MUNICIPALITY_A, OCTOBER)
    assert _lines(october, participation) == [(BenefitLineKind.CORRECTION, 10, -TWENTY_DAYS)]
