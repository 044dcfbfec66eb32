"""Opening, moving and meeting deadlines (lengths from ``deadlines/casework``).

Most kinds run a period from a date of the case (``deadline_open``). Some fall on a date that
another part of the case sets: the programme's planned end, a consent's end date
(``deadline_set``), or a reminder some time before such a date (``deadline_before``). A later
step that settles a deadline meets it (``deadline_close``), and the other apps keep theirs up to
date through these functions (``programme`` may use ``casework``, not the other way round).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.concurrency import version_bump
from integrering.people.models import Consent, ConsentBasis, Household, Person
from integrering.rules.deadlines import (
    add_months,
    deadline_counts_from,
    deadline_due,
    deadline_due_by_event,
    deadline_start,
)
from integrering.rules.parameters import RulesError, value

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


def deadline_create(*, person: Person, kind: str, service: str, start: datetime.date) -> Deadline:
    """A new deadline of ``kind`` for one matter (an appeal has its own, even when the person
    has another appeal open), counted from ``start``."""
    return Deadline.objects.create(
        person=person,
        municipality_id=person.municipality_id,
        kind=kind,
        service=service,
        start_on=start,
        due_on=deadline_due(kind, start),
    )


def deadline_rule(kind: str, on: datetime.date) -> dict[str, Any]:
    """The rule of ``kind`` in ``deadlines/casework`` in force on a date."""
    rules = value("deadlines/casework", on)
    if kind not in rules:
        raise RulesError(f"Ukjent frist: {kind}.")
    return dict(rules[kind])


def deadline_reminder_due(kind: str, on: datetime.date) -> datetime.date:
    """The day a reminder of ``kind`` falls: its rule's ``before`` period ahead of ``on``."""
    period = deadline_rule(kind, on)["before"]
    due = add_months(on, -int(period.get("months", 0)))
    return due - datetime.timedelta(
        weeks=int(period.get("weeks", 0)), days=int(period.get("days", 0))
    )


def deadline_set(
    *, person: Person, kind: str, service: str, start: datetime.date, due: datetime.date
) -> Deadline | None:
    """Keep the person's deadline of ``kind`` at ``due``, a date another part of the case sets.

    The open one moves; with none open, one is opened, unless the same date was met already
    (a reminder handled is not opened again). None when nothing is open afterwards.
    """
    start = min(start, due)
    open_one = Deadline.objects.filter(person=person, kind=kind, met_on__isnull=True).first()
    if open_one is not None:
        if (open_one.start_on, open_one.due_on) != (start, due):
            Deadline.objects.filter(pk=open_one.pk).update(start_on=start, due_on=due)
            open_one.start_on, open_one.due_on = start, due
        return open_one
    if Deadline.objects.filter(person=person, kind=kind, due_on=due).exists():
        return None
    return Deadline.objects.create(
        person=person,
        municipality_id=person.municipality_id,
        kind=kind,
        service=service,
        start_on=start,
        due_on=due,
    )


def deadline_close(
    *,
    ctx: AccessContext,
    person: Person,
    kinds: list[str],
    on: datetime.date,
    note: str = "",
    deadline: Deadline | None = None,
) -> int:
    """Meet the person's open deadlines of ``kinds`` (or the one ``deadline``): a later step
    settled them on ``on`` (no earlier than each began, and not after today)."""
    today = timezone.localdate()
    open_ = Deadline.objects.filter(met_on__isnull=True)
    open_ = (
        open_.filter(pk=deadline.pk)
        if deadline is not None
        else open_.filter(person=person, kind__in=kinds)
    )
    count = 0
    for row in open_:
        met_on = max(min(on, today), row.start_on)
        count += Deadline.objects.filter(pk=row.pk, met_on__isnull=True).update(
            met_on=met_on, met_by=ctx.user, met_at=timezone.now(), note=note[:300]
        )
        audit_record(
            ctx=ctx,
            person_id=person.pk,
            action=AuditAction.UPDATE,
            allowed=True,
            detail=f"frist oppfylt: {row.kind}",
        )
    return count


CONSENT_EXPIRY = "consent_expiry"
CONSENT_REMINDER = "consent_reminder"
CONSENT_SERVICE = "refugee_service"  # the coordinator renews the consent (seed 002 Vedlegg 3)


def consent_deadlines_sync(*, ctx: AccessContext, person: Person) -> Deadline | None:
    """Keep the person's consent deadlines up to date: when a consent given runs out, and a
    reminder before it (``deadlines/casework`` kinds ``consent_expiry`` and ``consent_reminder``).

    A service stays covered until the last consent in force that names it ends; one without an
    end date never ends. The deadline is the first day a service loses its cover. With nothing
    to run out, the open deadlines are met: a consent withdrawn, or renewed without an end,
    needs no reminder. Returns the expiry deadline.
    """
    today = timezone.localdate()
    active = [
        c
        for c in Consent.objects.filter(
            person=person, basis=ConsentBasis.CONSENT, withdrawn_at__isnull=True
        ).prefetch_related("service_rows")
        if c.valid_to is None or c.valid_to >= today
    ]
    covered: dict[str, datetime.date | None] = {}
    for consent in active:
        for service in consent.services:
            known = covered.get(service, consent.valid_to)
            if known is None or consent.valid_to is None:
                covered[service] = None  # a consent without an end date covers it for good
            else:
                covered[service] = max(known, consent.valid_to)
    ends = [end for end in covered.values() if end is not None]
    if not ends:
        deadline_close(
            ctx=ctx,
            person=person,
            kinds=[CONSENT_EXPIRY, CONSENT_REMINDER],
            on=today,
            note="Samtykket gjelder uten sluttdato, er trukket tilbake eller er utløpt.",
        )
        return None
    end = min(ends)
    start = min(c.valid_from for c in active if c.valid_to == end)
    try:
        reminder = deadline_reminder_due(CONSENT_REMINDER, end)
    except RulesError:
        return None  # before the first dated rule (2018)
    deadline_set(
        person=person, kind=CONSENT_REMINDER, service=CONSENT_SERVICE, start=start, due=reminder
    )
    return deadline_set(
        person=person, kind=CONSENT_EXPIRY, service=CONSENT_SERVICE, start=start, due=end
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
        # Only a rule that says so moves: the others (a programme's end, a consent's) fall on
        # a date of their own.
        if not deadline_rule(deadline.kind, deadline.start_on).get("or_earlier"):
            continue
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
