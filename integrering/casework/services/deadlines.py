"""Opening, moving and meeting deadlines (lengths from ``deadlines/casework``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.concurrency import version_bump
from integrering.people.models import Household, Person
from integrering.rules.deadlines import (
    deadline_counts_from,
    deadline_due,
    deadline_due_by_event,
    deadline_start,
)

from ..models import Deadline, Notice


def deadline_open(*, person: Person, kind: str, service: str, start: datetime.date) -> Deadline:
    """Open a deadline of ``kind`` for a person, counted from ``start``, unless one is open."""
    open_one = Deadline.objects.filter(person=person, kind=kind, met_on__isnull=True).first()
    if open_one is not None:
        return open_one
    return Deadline.objects.create(
        person=person,
        municipality_id=person.municipality_id,
        kind=kind,
        service=service,
        start_on=start,
        due_on=deadline_due(kind, start),
    )


@transaction.atomic
def deadline_meet(
    *,
    ctx: AccessContext,
    deadline: Deadline,
    met_on: datetime.date,
    note: str = "",
) -> Deadline:
    """Record that a deadline was met, on which date and by whom (the user who records it)."""
    today = timezone.localdate()
    if met_on > today:
        raise ValidationError({"met_on": ["Datoen kan ikke være fram i tid."]})
    if met_on < deadline.start_on:
        raise ValidationError(
            {"met_on": [f"Datoen er før fristen begynte å løpe ({deadline.start_on:%d.%m.%Y})."]}
        )
    updated = Deadline.objects.filter(pk=deadline.pk, met_on__isnull=True).update(
        met_on=met_on, met_by=ctx.user, met_at=timezone.now(), note=note[:300]
    )
    if updated != 1:
        raise ValidationError("Fristen er allerede registrert som oppfylt.")
    deadline.refresh_from_db()
    if deadline.kind == "plan_evaluation":
        # The plan is evaluated at least twice a year (seed 002 §2.4): the next reminder runs
        # from this evaluation, whether it was recorded on the plan or on the dashboard.
        deadline_open(
            person=deadline.person, kind=deadline.kind, service=deadline.service, start=met_on
        )
    audit_record(
        ctx=ctx,
        person_id=deadline.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"frist oppfylt: {deadline.kind}",
    )
    return deadline


def deadlines_meet_kind(
    *, ctx: AccessContext, persons: list[Person], kind: str, met_on: datetime.date
) -> int:
    """Meet the open deadlines of one kind for several persons (a held meeting meets them)."""
    count = 0
    for deadline in Deadline.objects.filter(
        person__in=persons, kind=kind, met_on__isnull=True, start_on__lte=met_on
    ):
        deadline_meet(ctx=ctx, deadline=deadline, met_on=met_on)
        count += 1
    return count


def deadlines_bring_forward(*, household: Household, event: str, on: datetime.date) -> int:
    """Bring the household's open deadlines forward to an event that comes before them, where
    the rule says so (``or_earlier``: a kindergarten place is due when the parent's programme
    starts, if that is before three months after settlement; seed 002). The notices that carry
    those deadlines move with them. Returns how many deadlines moved."""
    moved = 0
    for deadline in Deadline.objects.filter(person__household=household, met_on__isnull=True):
        due = deadline_due_by_event(deadline.kind, deadline.start_on, {event: on})
        if due >= deadline.due_on:
            continue
        Deadline.objects.filter(pk=deadline.pk).update(due_on=due)
        Notice.objects.filter(
            household=household, deadline_kind=deadline.kind, due_on__gt=due
        ).update(due_on=due)
        moved += 1
    return moved


@transaction.atomic
def population_registration_record(
    *, ctx: AccessContext, person: Person, registered_on: datetime.date, version: int
) -> Person:
    """Record the day the person was registered in the municipality in the population register
    (folkeregistrert), and restart the open deadlines that count from it (the start of Norwegian
    training, seed 004: «innen 3 måneder etter at personen er folkeregistrert i kommunen»)."""
    if registered_on > timezone.localdate():
        raise ValidationError({"population_registered_on": ["Datoen kan ikke være fram i tid."]})
    if registered_on < person.birth_date:
        raise ValidationError({"population_registered_on": ["Datoen er før personen ble født."]})
    version_bump(
        Person.objects.filter(pk=person.pk),
        expected=version,
        what="personen",
        population_registered_on=registered_on,
    )
    person.refresh_from_db()
    settled_on = person.settlement_date
    for deadline in Deadline.objects.filter(person=person, met_on__isnull=True):
        if deadline_counts_from(deadline.kind, deadline.start_on) != "population_register":
            continue
        start = deadline_start(
            deadline.kind, settled_on=settled_on or registered_on, registered_on=registered_on
        )
        Deadline.objects.filter(pk=deadline.pk).update(
            start_on=start, due_on=deadline_due(deadline.kind, start)
        )
    audit_record(
        ctx=ctx,
        person_id=person.pk,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"folkeregistrert {registered_on:%d.%m.%Y}",
    )
    return person
