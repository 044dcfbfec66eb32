"""Receiving a household: registration, settlement, notices to the services, first team meeting."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from integrering.accounts.models import User
from integrering.accounts.roles import Service
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.concurrency import version_bump
from integrering.organisations.models import Municipality
from integrering.people.models import Household, Person
from integrering.people.services import PersonInput, household_register
from integrering.rules.deadlines import (
    PersonFacts,
    arrival_deadlines,
    arrival_notice_rules,
    deadline_due,
    first_team_meeting_date,
    matched_notice_applies_to,
    matched_notice_services,
    notice_applies_to,
)

from ..models import Deadline, Meeting, MeetingKind, Notice, NoticeOccasion


def person_facts(person: Person) -> PersonFacts:
    return PersonFacts(
        birth_date=person.birth_date, category=person.category, disability=person.disability
    )


def _notice_text(service: str, persons: list[Person]) -> str:
    """The notice body: what seed 002 §2.9 says the services need (name, birth date,
    nationality, previous reception centre), one line per person."""
    lines = []
    for person in persons:
        parts = [person.full_name, f"født {person.birth_date:%d.%m.%Y}"]
        if person.citizenship:
            parts.append(f"statsborgerskap {person.citizenship}")
        if person.reception_centre:
            parts.append(f"fra {person.reception_centre}")
        if person.interpreter_needed:
            parts.append(f"trenger tolk ({person.interpreter_language or person.language})")
        lines.append(", ".join(parts))
    return "\n".join(lines)


@transaction.atomic
def household_settle(
    *, ctx: AccessContext, household: Household, settled_on: datetime.date | None = None
) -> list[Notice]:
    """Settle a household: deadlines per person, a notice to each service, first team meeting.

    Seed 002 §2.4-2.11: the refugee service notifies NAV, adult education, kindergarten, school,
    health, housing and (when relevant) child welfare; the first meeting with the
    interdisciplinary team is held within three months. Which persons each notice and deadline
    concerns is the parameter ``deadlines/arrival``. Settling twice is refused.
    """
    settled_on = settled_on or household.settled_on
    if settled_on is None:
        raise ValidationError({"settled_on": ["Oppgi bosettingsdatoen."]})
    if Notice.objects.filter(household=household, occasion=NoticeOccasion.SETTLED).exists():
        raise ValidationError("Bosettingen er allerede registrert for denne husstanden.")
    persons = list(household.members.order_by("birth_date", "pk"))
    for person in persons:
        if settled_on < person.birth_date and person.settled_on is None:
            raise ValidationError(
                {"settled_on": [f"Bosettingsdatoen er før {person.full_name} ble født."]}
            )
    if household.settled_on != settled_on:
        version_bump(
            Household.objects.filter(pk=household.pk),
            expected=household.version,
            what="husstanden",
            settled_on=settled_on,
        )
        household.refresh_from_db()

    deadlines = []
    for person in persons:
        own = person.settled_on or settled_on
        for duty in arrival_deadlines(
            person_facts(person),
            settled_on=own,
            arrived_on=person.arrival_date,
            registered_on=person.population_registered_on,
        ):
            deadlines.append(
                Deadline(
                    person=person,
                    municipality_id=person.municipality_id,
                    kind=duty.kind,
                    service=duty.service,
                    start_on=duty.start,
                    due_on=duty.due,
                )
            )
    Deadline.objects.bulk_create(deadlines)

    notices = []
    for rule in arrival_notice_rules(settled_on):
        concerned = [
            p for p in persons if notice_applies_to(rule.service, person_facts(p), settled_on)
        ]
        if not concerned:
            continue
        notice = Notice.objects.create(
            household=household,
            municipality_id=household.municipality_id,
            service=rule.service,
            subject=f"Ny bosetting: husstand {household.reference} ({len(concerned)} "
            f"{'person' if len(concerned) == 1 else 'personer'}), bosatt {settled_on:%d.%m.%Y}",
            body=_notice_text(rule.service, concerned),
            deadline_kind=rule.deadline_kind or "",
            due_on=deadline_due(rule.deadline_kind, settled_on)
            if rule.deadline_kind
            else settled_on,
            created_by=ctx.acting_user,
        )
        notice.persons.set(concerned)
        notices.append(notice)

    team = [d.person for d in deadlines if d.kind == "team_first_meeting"]
    if team:
        meeting = Meeting.objects.create(
            household=household,
            kind=MeetingKind.TEAM_FIRST,
            scheduled_on=first_team_meeting_date(settled_on),
            services=[Service.REFUGEE_SERVICE, Service.NAV, Service.ADULT_EDUCATION],
            created_by=ctx.acting_user,
        )
        meeting.persons.set(team)
    audit_record_many(
        ctx=ctx,
        person_ids=[p.pk for p in persons],
        action=AuditAction.UPDATE,
        detail=f"bosatt {settled_on:%d.%m.%Y}: {len(notices)} varsler, {len(deadlines)} frister",
    )
    return notices


@transaction.atomic
def household_matched(
    *, ctx: AccessContext, household: Household, matched_on: datetime.date, note: str = ""
) -> list[Notice]:
    """Tell the services that must prepare before settlement that a household has been matched
    (utsøkt) to the municipality: the refugee service, kindergarten (seed 002 §2.7: «så snart
    som mulig») and housing (§2.10: the housing need). Which persons each notice concerns is
    ``deadlines/arrival``'s ``matched_notices``; ``note`` is what the settlement planner knows of
    the household's needs (a large dwelling, adaptation)."""
    persons = list(household.members.order_by("birth_date", "pk"))
    notices = []
    for service in matched_notice_services(matched_on):
        concerned = [
            p for p in persons if matched_notice_applies_to(service, person_facts(p), matched_on)
        ]
        if not concerned:
            continue
        body = _notice_text(service, concerned)
        if note:
            body += f"\n\n{note}"
        notice = Notice.objects.create(
            household=household,
            municipality_id=household.municipality_id,
            service=service,
            occasion=NoticeOccasion.MATCHED,
            subject=f"Utsøkt til kommunen: husstand {household.reference} ({len(concerned)} "
            f"{'person' if len(concerned) == 1 else 'personer'}); bosettingsdato er ikke satt",
            body=body,
            created_by=ctx.acting_user,
        )
        notice.persons.set(concerned)
        notices.append(notice)
    audit_record_many(
        ctx=ctx,
        person_ids=[p.pk for p in persons],
        action=AuditAction.UPDATE,
        detail=f"utsøkt {matched_on:%d.%m.%Y}: {len(notices)} varsler",
    )
    return notices


@transaction.atomic
def household_receive(
    *,
    ctx: AccessContext,
    municipality: Municipality,
    reference: str,
    members: list[PersonInput],
    settled_on: datetime.date | None = None,
    caseworker: User | None = None,
    matched_on: datetime.date | None = None,
    matched_note: str = "",
) -> Household:
    """Register a household and, when the settlement date is known, settle it at once.

    The one arrival path: the registration page and API, the household import and the settlement
    planner's confirmation of a matcher run (with ``matched_on``: the services that prepare are
    told at once, ``household_matched``) all come here.
    """
    household = household_register(
        ctx=ctx,
        municipality=municipality,
        reference=reference,
        members=members,
        settled_on=settled_on,
        caseworker=caseworker,
    )
    if matched_on is not None:
        household_matched(ctx=ctx, household=household, matched_on=matched_on, note=matched_note)
    if settled_on is not None:
        household_settle(ctx=ctx, household=household, settled_on=settled_on)
    return household
