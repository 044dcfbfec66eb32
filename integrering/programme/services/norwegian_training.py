"""Norwegian and social studies training as its own lifecycle: the right (or duty) registered,
the start (which meets the start deadline of ``deadlines/casework``), hours per month, the final
tests, stop and resumption, exemption, completion.

Sources: introduksjonsloven § 17 (rett og plikt) and integreringsloven §§ 26-29 (rett og plikt,
plikt, fritak), via IMDi's legal guide to chapter 6; seed 004 (start within three months of the
population registration); ``norwegian_training/tests`` for the tests and levels. Every change is
audited on the person, and a change made from a stale page is refused (``version``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.casework.services.arrival import person_facts
from integrering.casework.services.deadlines import deadlines_meet_kind
from integrering.concurrency import version_bump
from integrering.people.models import Person
from integrering.rules.benefit import act_for, age_on
from integrering.rules.deadlines import in_group
from integrering.rules.parameters import value

from ..models import (
    NorwegianTest,
    NorwegianTestKind,
    NorwegianTraining,
    NorwegianTrainingBasis,
    NorwegianTrainingMonth,
    NorwegianTrainingStatus,
)

START_DEADLINE = "norwegian_training_start"
TESTS = "norwegian_training/tests"
ENDED = (NorwegianTrainingStatus.EXEMPTED, NorwegianTrainingStatus.COMPLETED)
HOURS_MAX = Decimal(300)  # more than a month can hold: a typing error, not a month


def _audit(ctx: AccessContext, training: NorwegianTraining, detail: str) -> None:
    audit_record(
        ctx=ctx,
        person_id=training.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"norskopplæring: {detail}"[:300],
    )


def _not_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: ["Datoen kan ikke være fram i tid."]})


def _bump(training: NorwegianTraining, version: int, **values: object) -> NorwegianTraining:
    version_bump(
        NorwegianTraining.objects.filter(pk=training.pk),
        expected=version,
        what="norskopplæringen",
        **values,
    )
    training.refresh_from_db()
    return training


def _require_not_ended(training: NorwegianTraining) -> None:
    if training.status in ENDED:
        raise ValidationError(
            f"Opplæringen er {training.get_status_display().lower()} "
            f"({training.ended_on:%d.%m.%Y}); den kan ikke endres."
        )


@dataclass(frozen=True)
class RightInput:
    basis: str
    right_from: datetime.date
    permit_date: datetime.date | None = None


@transaction.atomic
def norwegian_training_register(
    *, ctx: AccessContext, person: Person, data: RightInput
) -> NorwegianTraining:
    """Register the person's right and/or duty to training, from the day it arises.

    The person must be in the training's age group (18-67, ``deadlines/arrival``) on that day;
    the Act follows the permit date (or the day the right arises).
    """
    if data.basis not in NorwegianTrainingBasis.values:
        raise ValidationError({"basis": ["Velg rett og plikt, plikt eller rett."]})
    if data.right_from < person.birth_date:
        raise ValidationError({"right_from": ["Datoen er før personen ble født."]})
    if not in_group("norwegian_training", person_facts(person), data.right_from):
        group = value("deadlines/arrival", data.right_from)["groups"]["norwegian_training"]
        raise ValidationError(
            {
                "right_from": [
                    f"{person.full_name} er {age_on(person.birth_date, data.right_from)} år "
                    f"denne dagen; opplæringen gjelder fra {group['min_age']} til "
                    f"{group['max_age']} år."
                ]
            }
        )
    try:
        with transaction.atomic():
            training = NorwegianTraining.objects.create(
                person=person,
                municipality_id=person.municipality_id,
                act=act_for(on=data.right_from, permit_date=data.permit_date),
                basis=data.basis,
                right_from=data.right_from,
                created_by=ctx.acting_user,
            )
    except IntegrityError:
        raise ValidationError(
            f"{person.full_name} har allerede opplæring i norsk registrert."
        ) from None
    _audit(ctx, training, f"{training.get_basis_display().lower()} fra {data.right_from:%d.%m.%Y}")
    return training


@transaction.atomic
def norwegian_training_start(
    *, ctx: AccessContext, training: NorwegianTraining, starts_on: datetime.date, version: int
) -> NorwegianTraining:
    """Record the start: the start deadline (three months, seed 004) is met on that day."""
    _require_not_ended(training)
    if training.starts_on is not None:
        raise ValidationError(f"Opplæringen startet {training.starts_on:%d.%m.%Y}.")
    _not_future(starts_on, "starts_on")
    if starts_on < training.right_from:
        raise ValidationError(
            {
                "starts_on": [
                    f"Oppstart kan ikke være før retten inntrer ({training.right_from:%d.%m.%Y})."
                ]
            }
        )
    training = _bump(training, version, starts_on=starts_on, status=NorwegianTrainingStatus.ACTIVE)
    deadlines_meet_kind(ctx=ctx, persons=[training.person], kind=START_DEADLINE, met_on=starts_on)
    _audit(ctx, training, f"startet {starts_on:%d.%m.%Y}")
    return training


@transaction.atomic
def norwegian_training_hours(
    *,
    ctx: AccessContext,
    training: NorwegianTraining,
    month: datetime.date,
    taught: Decimal,
    attended: Decimal,
) -> NorwegianTrainingMonth:
    """Record (or correct) a month's hours taught and attended."""
    if training.starts_on is None:
        raise ValidationError("Registrer oppstart før timene.")
    first = month.replace(day=1)
    if first < training.starts_on.replace(day=1):
        raise ValidationError(
            {"month": [f"Måneden er før oppstart ({training.starts_on:%d.%m.%Y})."]}
        )
    _not_future(first, "month")
    errors: dict[str, list[str]] = {}
    for field, hours in (("taught", taught), ("attended", attended)):
        if hours < 0 or hours > HOURS_MAX:
            errors[field] = [f"Timene må være fra 0 til {HOURS_MAX:.0f}."]
    if not errors and attended > taught:
        errors["attended"] = ["Deltatt kan ikke være flere timer enn undervist."]
    if errors:
        raise ValidationError(errors)
    row, _ = NorwegianTrainingMonth.objects.update_or_create(
        training=training, month=first, defaults={"taught": taught, "attended": attended}
    )
    _audit(ctx, training, f"timer {first:%m.%Y}: {attended} av {taught}")
    return row


@dataclass(frozen=True)
class TestInput:
    kind: str
    taken_on: datetime.date
    level: str = ""
    passed: bool | None = None


def test_passed(kind: str, level: str, passed: bool | None, on: datetime.date) -> bool:
    """A Norwegian test is passed at the lowest level that counts (``passed_from``); the social
    studies test is passed or not."""
    if kind == NorwegianTestKind.SOCIAL_STUDIES:
        return bool(passed)
    rules = value(TESTS, on)
    levels = list(rules["levels"])
    return levels.index(level) >= levels.index(rules["passed_from"])


@transaction.atomic
def norwegian_test_register(
    *, ctx: AccessContext, training: NorwegianTraining, data: TestInput
) -> NorwegianTest:
    """Register a final test and its result."""
    _not_future(data.taken_on, "taken_on")
    if data.kind not in NorwegianTestKind.values:
        raise ValidationError({"kind": ["Velg prøve."]})
    if data.taken_on < training.right_from:
        raise ValidationError(
            {"taken_on": [f"Prøven er før retten inntrer ({training.right_from:%d.%m.%Y})."]}
        )
    levels = list(value(TESTS, data.taken_on)["levels"])
    if data.kind == NorwegianTestKind.SOCIAL_STUDIES:
        if data.passed is None:
            raise ValidationError({"passed": ["Oppgi om prøven er bestått."]})
        level = ""
    else:
        if data.level not in levels:
            raise ValidationError({"level": [f"Velg nivå: {', '.join(levels)}."]})
        level = data.level
    test = NorwegianTest.objects.create(
        training=training,
        kind=data.kind,
        taken_on=data.taken_on,
        level=level,
        passed=test_passed(data.kind, level, data.passed, data.taken_on),
        created_by=ctx.acting_user,
    )
    _audit(
        ctx,
        training,
        f"{test.get_kind_display().lower()} {data.taken_on:%d.%m.%Y}: "
        f"{level or ('bestått' if test.passed else 'ikke bestått')}",
    )
    return test


def _ended_reason(reason: str, missing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [missing]})
    return reason[:500]


@transaction.atomic
def norwegian_training_stop(
    *,
    ctx: AccessContext,
    training: NorwegianTraining,
    on: datetime.date,
    reason: str,
    version: int,
) -> NorwegianTraining:
    """Stop the training from a day (integreringsloven: stans), with the reason."""
    if training.status != NorwegianTrainingStatus.ACTIVE:
        raise ValidationError("Bare opplæring som pågår, kan stanses.")
    _not_future(on, "on")
    if training.starts_on is not None and on < training.starts_on:
        raise ValidationError({"on": ["Stansen kan ikke være før oppstart."]})
    text = _ended_reason(reason, "Skriv hvorfor opplæringen stanses.")
    training = _bump(
        training, version, status=NorwegianTrainingStatus.STOPPED, stopped_on=on, end_reason=text
    )
    _audit(ctx, training, f"stanset fra {on:%d.%m.%Y}")
    return training


@transaction.atomic
def norwegian_training_resume(
    *, ctx: AccessContext, training: NorwegianTraining, on: datetime.date, version: int
) -> NorwegianTraining:
    if training.status != NorwegianTrainingStatus.STOPPED:
        raise ValidationError("Bare stanset opplæring kan gjenopptas.")
    _not_future(on, "on")
    assert training.stopped_on is not None
    if on < training.stopped_on:
        raise ValidationError({"on": ["Opplæringen kan ikke gjenopptas før den ble stanset."]})
    training = _bump(
        training, version, status=NorwegianTrainingStatus.ACTIVE, stopped_on=None, end_reason=""
    )
    _audit(ctx, training, f"gjenopptatt {on:%d.%m.%Y}")
    return training


@transaction.atomic
def norwegian_training_exempt(
    *,
    ctx: AccessContext,
    training: NorwegianTraining,
    on: datetime.date,
    reason: str,
    version: int,
) -> NorwegianTraining:
    """Exempt the person from the duty (fritak, integreringsloven § 29): the training ends."""
    _require_not_ended(training)
    _not_future(on, "on")
    text = _ended_reason(reason, "Skriv grunnlaget for fritaket.")
    training = _bump(
        training, version, status=NorwegianTrainingStatus.EXEMPTED, ended_on=on, end_reason=text
    )
    _audit(ctx, training, f"fritatt fra {on:%d.%m.%Y}")
    return training


@transaction.atomic
def norwegian_training_complete(
    *, ctx: AccessContext, training: NorwegianTraining, on: datetime.date, version: int
) -> NorwegianTraining:
    """The training is completed: after its start, with the final tests taken."""
    _require_not_ended(training)
    _not_future(on, "on")
    if training.starts_on is None or on < training.starts_on:
        raise ValidationError({"on": ["Opplæringen kan ikke fullføres før den har startet."]})
    training = _bump(
        training, version, status=NorwegianTrainingStatus.COMPLETED, ended_on=on, stopped_on=None
    )
    _audit(ctx, training, f"fullført {on:%d.%m.%Y}")
    return training


@dataclass(frozen=True)
class HoursSum:
    taught: Decimal
    attended: Decimal

    @property
    def attended_percent(self) -> int | None:
        return int(100 * self.attended / self.taught) if self.taught else None


def hours_sum(training: NorwegianTraining) -> HoursSum:
    rows = list(training.months.all())
    return HoursSum(
        taught=sum((r.taught for r in rows), Decimal(0)),
        attended=sum((r.attended for r in rows), Decimal(0)),
    )
