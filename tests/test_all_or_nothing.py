"""Data safety (issue 9 part 5): imports and batch runs are all or nothing.

Each test lets the first rows of a batch be written and makes a row in the middle fail with an
error nobody checked for (a crash, not a validation message), then proves that nothing of the
batch is left: no household, person, line or audit record of the rows that did succeed, and
that the batch is marked failed rather than left «running». Each is run twice: with a crash,
and with the worker stopped mid-task (``SystemExit``, not an ``Exception``). The
validation side (every bad row listed, nothing written) is proven next to each import; for the
matcher's confirm (run by the worker) in settlement/tests/test_matching_confirm.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from conftest import World
from integrering.audit.models import AuditAction, AuditEvent
from integrering.casework.services import arrival
from integrering.casework.tests.test_household_import import csv_bytes, execute, good_rows, row
from integrering.people.models import Household, HouseholdImport, ImportStatus, Person
from integrering.programme.models import BenefitLine, BenefitRun, BenefitRunStatus
from integrering.programme.services import benefit_compute as benefit_run_service
from integrering.programme.services.benefit_compute import benefit_run_compute
from integrering.programme.services.benefit_run import benefit_run_prepare
from integrering.programme.tests.test_benefit_run import oslo_ctx, participant
from integrering.settlement.models import (
    ConfirmState,
    MatchRunStatus,
    WaitingHousehold,
    WaitingStatus,
)
from integrering.settlement.services import matching as matching_service
from integrering.settlement.services import matching_compute, matching_confirm
from integrering.settlement.testing import make_waiting_household
from integrering.settlement.tests.test_matching_confirm import _planner, _proposal
from integrering.settlement.tests.test_matching_service import YEAR, _three_municipalities
from integrering.testing import municipality


class Crash(RuntimeError):
    """What a disk, a network or a bug does in the middle of a batch."""


class WorkerStopped(SystemExit):
    """What ``db_worker`` raises inside the running task when it is told to stop a second time
    (SIGTERM or Ctrl+C twice, as a deploy may do): not an ``Exception``."""


FAULTS = pytest.mark.parametrize("fault", [Crash, WorkerStopped], ids=["crash", "worker-stopped"])


def crashing_on_call(
    real: Callable[..., Any], number: int, fault: type[BaseException] = Crash
) -> Callable[..., Any]:
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == number:
            raise fault(f"call {number} failed")
        return real(*args, **kwargs)

    return wrapper


@FAULTS
def test_a_household_import_that_crashes_in_the_middle_leaves_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch, fault: type[BaseException]
) -> None:
    rows = [
        *good_rows(),
        row(husstand="MID-2", fornavn="Andre", etternavn="Midtsen", fodselsdato="02.02.1982"),
        row(husstand="MID-3", fornavn="Tredje", etternavn="Midtsen", fodselsdato="03.03.1983"),
    ]
    before = (Household.objects.count(), Person.objects.count())
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    monkeypatch.setattr(
        arrival, "household_receive", crashing_on_call(arrival.household_receive, 2, fault)
    )

    with pytest.raises(fault):
        execute(world, csv_bytes(rows))

    failed = HouseholdImport.objects.get()
    assert failed.status == ImportStatus.FAILED
    assert failed.content == b""  # the file's personal data are not kept after the import
    # The first household was written before the crash: it is gone with the rest.
    assert not Household.objects.filter(reference__in=["IMP-1", "MID-2", "MID-3"]).exists()
    assert (Household.objects.count(), Person.objects.count()) == before
    # Nor is the record of having created the first household's persons (it went with them).
    assert not AuditEvent.objects.filter(pk__gt=last_event, action=AuditAction.CREATE).exists()


@FAULTS
def test_a_benefit_run_that_crashes_in_the_middle_writes_no_line(
    world: World, monkeypatch: pytest.MonkeyPatch, fault: type[BaseException]
) -> None:
    with time_machine.travel(datetime.date(2024, 6, 10)):
        for family in ("Forste", "Andre", "Tredje"):
            participant(family, datetime.date(1990, 1, 1))
        run = benefit_run_prepare(
            ctx=oslo_ctx(world), municipality=municipality("0301"), month=datetime.date(2024, 5, 1)
        )
        monkeypatch.setattr(
            benefit_run_service, "_line", crashing_on_call(benefit_run_service._line, 2, fault)
        )

        with pytest.raises(fault):
            benefit_run_compute(run_id=run.pk)

    failed = BenefitRun.objects.get(pk=run.pk)
    assert failed.status == BenefitRunStatus.FAILED
    assert "call 2 failed" in failed.error
    assert not BenefitLine.objects.filter(run=run).exists()

    # The same month computes in full once the fault is gone.
    monkeypatch.undo()
    with time_machine.travel(datetime.date(2024, 6, 10)):
        again = benefit_run_prepare(
            ctx=oslo_ctx(world), municipality=municipality("0301"), month=datetime.date(2024, 5, 1)
        )
        done = benefit_run_compute(run_id=again.pk)
    assert done is not None and done.status == BenefitRunStatus.PREVIEW
    assert BenefitLine.objects.filter(run=again).count() == 3


@FAULTS
def test_a_matcher_confirm_that_crashes_in_the_middle_registers_no_household(
    world: World, monkeypatch: pytest.MonkeyPatch, fault: type[BaseException]
) -> None:
    _, ctx = _planner()
    run, waiting = _proposal(ctx)
    references = [w.reference for w in waiting]
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    matching_service.match_run_confirm_start(ctx=ctx, run=run)
    monkeypatch.setattr(
        matching_confirm,
        "household_receive",
        crashing_on_call(matching_confirm.household_receive, 2, fault),
    )

    with pytest.raises(fault):
        matching_confirm.match_run_confirm_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == MatchRunStatus.PROPOSED and run.confirm_state == ConfirmState.FAILED
    assert run.confirm_problems == [matching_confirm.CONFIRM_SYSTEM_ERROR]
    # The first household was registered before the crash: it is gone with the rest.
    assert not Household.objects.filter(reference__in=references).exists()
    assert not WaitingHousehold.objects.filter(status=WaitingStatus.CONFIRMED).exists()
    assert not AuditEvent.objects.filter(pk__gt=last_event, action=AuditAction.CREATE).exists()

    # The same proposal is confirmed in full once the fault is gone.
    monkeypatch.undo()
    matching_service.match_run_confirm_start(ctx=ctx, run=run)
    done = matching_confirm.match_run_confirm_execute(run_id=run.pk)
    assert done is not None and done.status == MatchRunStatus.CONFIRMED
    assert Household.objects.filter(reference__in=references).count() == 3


@FAULTS
def test_a_matcher_run_that_crashes_while_solving_is_failed_not_left_computing(
    world: World, monkeypatch: pytest.MonkeyPatch, fault: type[BaseException]
) -> None:
    _, ctx = _planner()
    _three_municipalities(oslo=4)
    for _ in range(3):
        make_waiting_household(year=YEAR, members=2)
    run = matching_service.match_run_start(ctx=ctx, year=YEAR, time_limit=10)
    monkeypatch.setattr(
        matching_compute, "match_solve", crashing_on_call(matching_compute.match_solve, 1, fault)
    )

    with pytest.raises(fault):
        matching_compute.match_run_compute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == MatchRunStatus.FAILED
    assert fault.__name__ in run.error and "Ingenting er lagret" in run.error
    assert not run.placements.exists()
