"""The programme's lifecycle rules, each with a date or a number on both sides of its limit."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import World
from integrering.accounts.roles import Service
from integrering.casework.models import Deadline, Notice
from integrering.casework.services.arrival import household_receive, household_settle
from integrering.concurrency import ConflictError
from integrering.people.models import Person, Relation
from integrering.people.services import PersonInput
from integrering.programme.models import (
    Absence,
    Decision,
    DecisionKind,
    EndReason,
    EventKind,
    Extension,
    LeaveReason,
    Participation,
    ProgrammePeriod,
)
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
from integrering.programme.testing import CTX, make_participation
from integrering.testing import municipality

D = datetime.date
SETTLED = D(2024, 3, 1)


def _person(world: World, *, born: datetime.date, settled: datetime.date = SETTLED) -> Person:
    person = world.person
    person.birth_date = born
    person.settled_on = settled
    person.save(update_fields=["birth_date", "settled_on"])
    return person


def _start(person: Person, **kwargs: object) -> Participation:
    values: dict[str, object] = {
        "starts_on": D(2024, 4, 1),
        "final_goal": "standard",
        "planned_months": 12,
        "permit_date": D(2024, 1, 10),
    }
    values.update(kwargs)
    return programme_start(ctx=CTX, person=person, data=StartInput(**values))  # type: ignore[arg-type]


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- Start -----------------------------------------------------------------------------------


def test_start_creates_the_participation_its_history_and_a_draft_decision(world: World) -> None:
    person = _person(world, born=D(1990, 1, 15))
    participation = _start(person)
    assert participation.act == "integration_act"
    assert planned_end(participation, []) == D(2025, 3, 31)
    assert participation.events.get().kind == EventKind.START
    decision = participation.decisions.get()
    assert decision.kind == DecisionKind.START and decision.status == "draft"
    assert "Integreringsloven" in decision.legal_basis
    assert "01.04.2024 til 31.03.2025" in decision.conclusion


@pytest.mark.parametrize(
    ("permit_date", "act"),
    [(D(2020, 12, 31), "introduction_act"), (D(2021, 1, 1), "integration_act")],
)
def test_the_act_follows_the_permit_date(
    world: World, permit_date: datetime.date, act: str
) -> None:
    person = _person(world, born=D(1990, 1, 15))
    goal = "any" if act == "introduction_act" else "standard"
    participation = _start(person, permit_date=permit_date, final_goal=goal)
    assert participation.act == act


@pytest.mark.parametrize(("months", "ok"), [(2, False), (3, True), (24, True), (25, False)])
def test_the_planned_length_must_be_within_the_final_goal(
    world: World, months: int, ok: bool
) -> None:
    person = _person(world, born=D(1990, 1, 15))
    if ok:
        assert _start(person, planned_months=months).planned_months == months
        return
    with pytest.raises(ValidationError) as exc:
        _start(person, planned_months=months)
    assert "3 til 24 måneder" in _messages(exc)
    assert not Participation.objects.exists() and not Decision.objects.exists()


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        (D(2006, 4, 1), True),  # 18 on the start day
        (D(2006, 4, 2), False),  # 17
        (D(1968, 4, 2), True),  # 55
        (D(1968, 4, 1), False),  # 56 on the start day
    ],
)
def test_the_participant_must_be_in_the_programme_age_group(
    world: World, born: datetime.date, ok: bool
) -> None:
    person = _person(world, born=born)
    if ok:
        _start(person)
        return
    with pytest.raises(ValidationError) as exc:
        _start(person)
    assert "gjelder fra 18 til 55 år" in _messages(exc)


@pytest.mark.parametrize(("starts_on", "ok"), [(D(2024, 2, 29), False), (D(2024, 3, 1), True)])
def test_the_programme_starts_on_or_after_settlement(
    world: World, starts_on: datetime.date, ok: bool
) -> None:
    person = _person(world, born=D(1990, 1, 15))
    if ok:
        _start(person, starts_on=starts_on)
        return
    with pytest.raises(ValidationError) as exc:
        _start(person, starts_on=starts_on)
    assert "før bosettingen (01.03.2024)" in _messages(exc)


def test_a_second_open_programme_is_refused(world: World) -> None:
    person = _person(world, born=D(1990, 1, 15))
    _start(person)
    with pytest.raises(ValidationError, match="allerede i introduksjonsprogrammet"):
        _start(person, starts_on=D(2024, 5, 1))
    assert Participation.objects.count() == 1


# --- Leave -----------------------------------------------------------------------------------


def _leave(
    p: Participation, start: datetime.date, end: datetime.date, **kwargs: object
) -> ProgrammePeriod:
    values: dict[str, object] = {
        "from_on": start,
        "to_on": end,
        "leave_reason": LeaveReason.WELFARE,
        "with_benefit": True,
        "reason": "Velferd",
    }
    values.update(kwargs)
    return programme_leave(ctx=CTX, participation=p, data=LeaveInput(**values))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("full_time", "collective", "percent", "ok"),
    [
        (True, True, 60, False),
        (True, True, 100, True),
        (True, False, 60, True),
        (False, True, 60, True),
        (False, False, 60, True),
    ],
)
def test_only_a_full_time_participant_with_collective_protection_cannot_be_partly_sick(
    world: World, full_time: bool, collective: bool, percent: int, ok: bool
) -> None:
    """Seed 000: «Deltager på fulltid med kollektiv beskyttelse kan ikke være delvis sykmeldt»."""
    person = _person(world, born=D(1990, 1, 15))
    p = _start(person, full_time=full_time)
    Participation.objects.filter(pk=p.pk).update(collective_protection=collective)
    p.refresh_from_db()
    call = lambda: _leave(  # noqa: E731
        p, D(2024, 5, 6), D(2024, 5, 10), leave_reason=LeaveReason.SICK, sick_percent=percent
    )
    if ok:
        assert call().sick_percent == percent
        return
    with pytest.raises(ValidationError) as exc:
        call()
    assert "kan ikke være delvis sykmeldt" in _messages(exc)
    assert not ProgrammePeriod.objects.exists()


def test_a_leave_that_overlaps_a_stop_is_refused_and_the_day_after_is_not(world: World) -> None:
    person = _person(world, born=D(1990, 1, 15))
    p = _start(person)
    programme_stop(ctx=CTX, participation=p, from_on=D(2024, 6, 10), reason="Flyttet midlertidig")
    programme_resume(ctx=CTX, participation=p, resumed_on=D(2024, 6, 20))  # stop 10.-19.06.
    with pytest.raises(ValidationError) as exc:
        _leave(p, D(2024, 6, 19), D(2024, 6, 21))
    assert "overlapper stansen fra 10.06.2024 til 19.06.2024" in _messages(exc)
    assert ProgrammePeriod.objects.count() == 1
    assert _leave(p, D(2024, 6, 20), D(2024, 6, 21)).from_on == D(2024, 6, 20)


def test_a_leave_outside_the_programme_is_refused(world: World) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    with pytest.raises(ValidationError, match=re.escape("ikke i programmet 31.03.2024")):
        _leave(p, D(2024, 3, 31), D(2024, 4, 2))
    assert _leave(p, D(2024, 4, 1), D(2024, 4, 2)).pk


def test_a_stop_while_another_stop_is_open_is_refused(world: World) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    programme_stop(ctx=CTX, participation=p, from_on=D(2024, 6, 10), reason="Grunn")
    with pytest.raises(ValidationError, match="og er ikke gjenopptatt"):
        programme_stop(ctx=CTX, participation=p, from_on=D(2024, 7, 1), reason="Grunn")


def test_a_stop_needs_a_reason_and_drafts_its_decision(world: World) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    with pytest.raises(ValidationError, match="saklig begrunnet"):
        programme_stop(ctx=CTX, participation=p, from_on=D(2024, 6, 10), reason=" ")
    stop = programme_stop(
        ctx=CTX, participation=p, from_on=D(2024, 6, 10), reason="Vold mot en annen deltaker"
    )
    assert stop.decision is not None and stop.decision.kind == DecisionKind.STOP
    assert "§ 18" in stop.decision.legal_basis


@pytest.mark.parametrize(("resumed_on", "ok"), [(D(2024, 6, 10), False), (D(2024, 6, 11), True)])
def test_resumption_comes_after_the_stop(world: World, resumed_on: datetime.date, ok: bool) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    programme_stop(ctx=CTX, participation=p, from_on=D(2024, 6, 10), reason="Grunn")
    if ok:
        assert programme_resume(ctx=CTX, participation=p, resumed_on=resumed_on).to_on == D(
            2024, 6, 10
        )
        return
    with pytest.raises(ValidationError, match="etter stansen"):
        programme_resume(ctx=CTX, participation=p, resumed_on=resumed_on)


# --- Absence ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "ok"), [(D(2024, 3, 31), False), (D(2024, 4, 1), True)])
def test_absence_must_be_on_a_day_in_the_programme(
    world: World, day: datetime.date, ok: bool
) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    if ok:
        programme_absence(ctx=CTX, participation=p, on=day, hours=Decimal(2), approved=False)
        return
    with pytest.raises(ValidationError) as exc:
        programme_absence(ctx=CTX, participation=p, on=day, hours=Decimal(2), approved=False)
    assert "ikke i programmet 31.03.2024" in _messages(exc)
    assert not Absence.objects.exists()


@pytest.mark.parametrize(
    ("hours", "ok"), [(Decimal("7.5"), True), (Decimal("7.6"), False), (Decimal(0), False)]
)
def test_absence_is_at_most_a_full_day(world: World, hours: Decimal, ok: bool) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    if ok:
        programme_absence(ctx=CTX, participation=p, on=D(2024, 4, 2), hours=hours, approved=True)
        return
    with pytest.raises(ValidationError):
        programme_absence(ctx=CTX, participation=p, on=D(2024, 4, 2), hours=hours, approved=True)
    assert not Absence.objects.exists()


def test_absence_in_a_stop_or_after_the_end_is_refused(world: World) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    programme_stop(ctx=CTX, participation=p, from_on=D(2024, 6, 10), reason="Grunn")
    with pytest.raises(ValidationError, match=re.escape("stansen fra 10.06.2024")):
        programme_absence(
            ctx=CTX, participation=p, on=D(2024, 6, 12), hours=Decimal(1), approved=False
        )
    programme_end(
        ctx=CTX, participation=p, ended_on=D(2024, 6, 30), reason=EndReason.WORK, version=p.version
    )
    p.refresh_from_db()
    with pytest.raises(ValidationError, match=re.escape("ikke i programmet 01.07.2024")):
        programme_absence(
            ctx=CTX, participation=p, on=D(2024, 7, 1), hours=Decimal(1), approved=False
        )


# --- Extension -------------------------------------------------------------------------------


# An extension under the integration packages, tested by the need for work or education.
PACKAGE: dict[str, object] = {"integration_package": True, "needed_for_work_or_education": True}


def _extend(p: Participation, months: int, **kwargs: object) -> Extension:
    values: dict[str, object] = {
        "months": months,
        "assessment": "Deltakeren mangler ett fag for å fullføre.",
        "expected_to_reach_goal": True,
    }
    values.update(kwargs)
    return programme_extend(ctx=CTX, participation=p, data=ExtensionInput(**values))  # type: ignore[arg-type]


def test_an_extension_moves_the_planned_end_and_drafts_its_decision(world: World) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    extension = _extend(p, 3)
    assert extension.from_on == D(2025, 4, 1)
    assert planned_end(p, list(p.extensions.all())) == D(2025, 6, 30)
    assert extension.decision is not None and extension.decision.kind == DecisionKind.EXTENSION
    assert "til 30.06.2025" in extension.decision.conclusion


@pytest.mark.parametrize(("second", "ok"), [(6, True), (7, False)])
def test_extensions_stay_within_the_final_goals_maximum(
    world: World, second: int, ok: bool
) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    _extend(p, 6)
    if ok:
        _extend(p, second)
        return
    with pytest.raises(ValidationError) as exc:
        _extend(p, second)
    assert "høyst 12 måneder; 6 er allerede gitt" in _messages(exc)
    assert Extension.objects.count() == 1
    assert Decision.objects.filter(kind=DecisionKind.EXTENSION).count() == 1


def test_an_extension_needs_the_expectation_and_an_assessment(world: World) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    with pytest.raises(ValidationError, match="grunn til å forvente"):
        _extend(p, 3, expected_to_reach_goal=False)
    with pytest.raises(ValidationError, match="individuelle vurderingen"):
        _extend(p, 3, assessment="")
    assert not Extension.objects.exists()


@pytest.mark.parametrize(("starts_on", "ok"), [(D(2018, 12, 31), False), (D(2019, 2, 1), True)])
def test_a_package_extension_has_the_limit_of_its_package_window(
    world: World, starts_on: datetime.date, ok: bool
) -> None:
    """Started before 2019-01-01: package I, up to 6 months; started from 2019-01-01 and still in
    the programme on 2021-01-01: package II, up to 4 months (seed 003)."""
    person = _person(world, born=D(1990, 1, 15), settled=D(2018, 12, 1))
    p = _start(
        person, starts_on=starts_on, permit_date=D(2018, 11, 1), final_goal="any", planned_months=24
    )
    if ok:
        extension = _extend(p, 4, **PACKAGE)
        assert extension.integration_package == "II"
        with pytest.raises(ValidationError, match="høyst 4 måneder"):
            _extend(p, 1, **PACKAGE)
        return
    extension = _extend(p, 6, **PACKAGE)  # package I: up to 6 months
    assert extension.integration_package == "I"


# --- End -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("ended_on", "ok"), [(D(2025, 3, 31), True), (D(2025, 4, 1), False)])
def test_the_end_is_at_the_latest_the_planned_end(
    world: World, ended_on: datetime.date, ok: bool
) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    if ok:
        ended = programme_end(
            ctx=CTX,
            participation=p,
            ended_on=ended_on,
            reason=EndReason.EDUCATION,
            version=p.version,
        )
        assert ended.end_reason == EndReason.EDUCATION
        return
    with pytest.raises(ValidationError, match="forleng det"):
        programme_end(
            ctx=CTX, participation=p, ended_on=ended_on, reason=EndReason.WORK, version=p.version
        )


def test_ending_closes_an_open_stop_and_locks_the_programme(world: World) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    stop = programme_stop(ctx=CTX, participation=p, from_on=D(2024, 6, 10), reason="Grunn")
    programme_end(
        ctx=CTX,
        participation=p,
        ended_on=D(2024, 6, 30),
        reason=EndReason.OTHER,
        note="Flyttet",
        version=p.version,
    )
    stop.refresh_from_db()
    assert stop.to_on == D(2024, 6, 30)
    with pytest.raises(ValidationError, match=re.escape("ble avsluttet 30.06.2024")):
        _leave(p, D(2024, 6, 1), D(2024, 6, 2))


def test_other_as_end_reason_needs_a_note_and_a_stale_version_conflicts(world: World) -> None:
    p = _start(_person(world, born=D(1990, 1, 15)))
    with pytest.raises(ValidationError, match="Annet"):
        programme_end(
            ctx=CTX,
            participation=p,
            ended_on=D(2024, 6, 30),
            reason=EndReason.OTHER,
            version=p.version,
        )
    with pytest.raises(ConflictError):
        programme_end(
            ctx=CTX,
            participation=p,
            ended_on=D(2024, 6, 30),
            reason=EndReason.WORK,
            version=p.version + 1,
        )
    p.refresh_from_db()
    assert p.ended_on is None


def test_every_event_is_in_the_history_in_order(world: World) -> None:
    p = make_participation(_person(world, born=D(1990, 1, 15)))
    programme_absence(ctx=CTX, participation=p, on=D(2024, 4, 3), hours=Decimal(1), approved=True)
    _leave(p, D(2024, 5, 6), D(2024, 5, 7))
    kinds = list(p.events.values_list("kind", flat=True))
    assert kinds == [EventKind.START, EventKind.ABSENCE, EventKind.LEAVE]


def test_the_settled_household_gets_a_programme_decision_deadline_that_the_start_does_not_meet(
    world: World,
) -> None:
    """The deadline is met when the decision is decided, not when it is drafted."""
    household_settle(ctx=CTX, household=world.household)
    person = world.household.members.order_by("pk").first()
    assert person is not None
    deadline = Deadline.objects.get(person=person, kind="programme_decision")
    make_participation(person, starts_on=D(2024, 4, 1))
    deadline.refresh_from_db()
    assert deadline.met_on is None


def test_a_package_extension_outside_every_window_is_refused(world: World) -> None:
    """Started 2019-01-01 for 24 months: out of the programme on 2021-01-01, so not package II."""
    person = _person(world, born=D(1990, 1, 15), settled=D(2018, 12, 1))
    p = _start(
        person,
        starts_on=D(2019, 1, 1),
        permit_date=D(2018, 11, 1),
        final_goal="any",
        planned_months=24,
    )
    with pytest.raises(
        ValidationError,
        match=re.escape("pakke II krever at deltakeren var i programmet 01.01.2021"),
    ):
        _extend(p, 2, **PACKAGE)
    assert not Extension.objects.exists()


# --- The children's kindergarten place (seed 002) -------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "due_on"),
    [(D(2025, 5, 1), D(2025, 5, 1)), (D(2025, 6, 10), D(2025, 6, 10)), (D(2025, 7, 1), None)],
)
def test_the_kindergarten_place_is_due_when_the_parents_programme_starts_if_that_is_first(
    world: World, starts_on: datetime.date, due_on: datetime.date | None
) -> None:
    """Seed 002: «innen oppstart av introduksjonsprogrammet, senest innen 3 måneder etter
    bosetting». Settled 10.03.2025: three months is 10.06.2025."""
    household = household_receive(
        ctx=CTX,
        municipality=municipality("0301"),
        reference="H-KIND-1",
        members=[
            PersonInput("Amal", "Haddad", D(1990, 4, 1), relation=Relation.MAIN),
            PersonInput("Nour", "Haddad", D(2022, 1, 1), relation=Relation.CHILD),
        ],
        settled_on=D(2025, 3, 10),
    )
    amal = household.members.get(given_name="Amal")
    place = Deadline.objects.get(person__given_name="Nour", kind="kindergarten_place")
    assert place.due_on == D(2025, 6, 10)

    make_participation(amal, starts_on=starts_on)

    place.refresh_from_db()
    notice = Notice.objects.get(household=household, service=Service.KINDERGARTEN)
    expected = due_on or D(2025, 6, 10)
    assert place.due_on == expected and notice.due_on == expected
    # The adult's own deadlines do not move.
    assert Deadline.objects.get(person=amal, kind="programme_decision").due_on == D(2025, 6, 10)
