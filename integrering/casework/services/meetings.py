"""Meetings with the household: the first team meeting, later team meetings, and holding them.

Seed 002 §2.4: the interdisciplinary team meets the refugee within three months of settlement
(the first team meeting, set up by ``arrival``) and again as the case needs: further team
meetings are scheduled here (``meeting_schedule``, kind TEAM), never before the first one. The
services take part, optionally by name (staff of the services, not persons of the register).

Seed 002 §2.12: an interpreter is booked per meeting: the language, in person, by phone or on
screen, and the qualification category of the national interpreter register (parameter
``interpreters/qualification_categories``). The interpreter is someone from outside the
household and never a child (``interpreters.py``). Holding a meeting records the day, whether an
interpreter was used, and the minutes (referat). Every save is audited for the household's
persons in the meeting and refused if someone saved the meeting meanwhile.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.accounts.roles import Service
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.concurrency import version_bump
from integrering.people.models import Household
from integrering.validators import name_problem

from ..models import Deadline, InterpreterMode, Meeting, MeetingKind
from .deadlines import deadlines_meet_kind
from .interpreters import interpreter_name_errors, qualification_choices

TEAM_KINDS = frozenset({MeetingKind.TEAM_FIRST, MeetingKind.TEAM})
WHAT = "møtet"
NAME_MAX = 150


@dataclass(frozen=True)
class Participant:
    """Someone from a service who takes part in a meeting, by name."""

    service: str
    name: str


@dataclass(frozen=True)
class MeetingInput:
    """A meeting as the caseworker plans or records it.

    ``persons`` are ids of household members; None keeps those the meeting has (an edit).
    """

    scheduled_on: datetime.date | None
    held_on: datetime.date | None = None
    interpreter_used: bool | None = None
    interpreter_language: str = ""
    services: tuple[str, ...] = ()
    notes: str = ""
    participants: tuple[Participant, ...] = ()
    persons: tuple[int, ...] | None = None
    interpreter_needed: bool = False
    interpreter_mode: str = ""
    interpreter_qualification: str = ""
    interpreter_booked: bool = False
    interpreter_name: str = ""
    interpreter_company: str = ""

    @property
    def needs_interpreter(self) -> bool:
        """Booked or used implies needed."""
        return self.interpreter_needed or self.interpreter_booked or bool(self.interpreter_used)


@dataclass(frozen=True)
class MeetingHoldInput:
    """What holding a meeting records: the day, the interpreter, the minutes."""

    held_on: datetime.date | None
    interpreter_used: bool | None
    notes: str
    # None keeps what the meeting has (the interpreter booked is the one who came).
    interpreter_language: str | None = None
    interpreter_name: str | None = None
    interpreter_company: str | None = None


def meeting_input_of(meeting: Meeting) -> MeetingInput:
    """The meeting as it is saved, as input (the starting point of a hold or an edit)."""
    return MeetingInput(
        scheduled_on=meeting.scheduled_on,
        held_on=meeting.held_on,
        interpreter_used=meeting.interpreter_used,
        interpreter_language=meeting.interpreter_language,
        services=tuple(meeting.services),
        notes=meeting.notes,
        participants=tuple(
            Participant(service=p["service"], name=p["name"]) for p in meeting.participants
        ),
        interpreter_needed=meeting.interpreter_needed,
        interpreter_mode=meeting.interpreter_mode,
        interpreter_qualification=meeting.interpreter_qualification,
        interpreter_booked=meeting.interpreter_booked,
        interpreter_name=meeting.interpreter_name,
        interpreter_company=meeting.interpreter_company,
    )


def first_team_meeting(household: Household) -> Meeting | None:
    return household.meetings.filter(kind=MeetingKind.TEAM_FIRST).order_by("pk").first()


def _first_meeting_day(meeting: Meeting) -> datetime.date:
    return meeting.held_on or meeting.scheduled_on


# --- Validation -----------------------------------------------------------------------------


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _date_errors(
    errors: dict[str, list[str]],
    *,
    household: Household,
    kind: str,
    data: MeetingInput,
    meeting: Meeting | None,
) -> None:
    if data.scheduled_on is None:
        _add(errors, "scheduled_on", "Oppgi datoen møtet er planlagt.")
        return
    if kind == MeetingKind.TEAM_FIRST and meeting is not None and data.held_on is None:
        # Seed 002 §2.4: the first team meeting is within the deadline; it may not be moved past it.
        latest = (
            Deadline.objects.filter(
                person__in=meeting.persons.all(), kind="team_first_meeting", met_on__isnull=True
            )
            .order_by("due_on")
            .values_list("due_on", flat=True)
            .first()
        )
        if latest is not None and data.scheduled_on > latest:
            _add(
                errors,
                "scheduled_on",
                f"Første møte i tverrfaglig team må holdes innen fristen {latest:%d.%m.%Y}.",
            )
    if kind == MeetingKind.TEAM:
        first = first_team_meeting(household)
        if first is not None and data.scheduled_on < _first_meeting_day(first):
            _add(
                errors,
                "scheduled_on",
                "Et nytt møte i tverrfaglig team kan ikke være før det første møtet "
                f"({_first_meeting_day(first):%d.%m.%Y}).",
            )


def _held_errors(errors: dict[str, list[str]], *, household: Household, data: MeetingInput) -> None:
    if data.held_on is None:
        return
    if data.held_on > timezone.localdate():
        _add(errors, "held_on", "Et møte kan ikke være holdt fram i tid.")
    settled = household.settled_on
    if settled is not None and data.held_on < settled - datetime.timedelta(days=366):
        _add(errors, "held_on", "Datoen er lenge før bosettingen; sjekk året.")
    if data.interpreter_used is None:
        _add(errors, "interpreter_used", "Oppgi om tolk ble brukt i møtet.")


def _service_errors(errors: dict[str, list[str]], *, kind: str, data: MeetingInput) -> None:
    if unknown := [s for s in data.services if s not in Service.values]:
        _add(errors, "services", f"Ukjent tjeneste: {', '.join(unknown)}.")
    elif kind in TEAM_KINDS and not data.services:
        _add(errors, "services", "Velg minst én tjeneste som deltar i møtet i tverrfaglig team.")
    for participant in data.participants:
        key = f"participants_{participant.service}"
        name = participant.name.strip()
        if participant.service not in Service.values:
            _add(errors, "participants", f"Ukjent tjeneste: {participant.service}.")
        elif participant.service not in data.services:
            label = Service(participant.service).label
            _add(
                errors,
                key,
                f"Kryss av for {label} blant tjenestene som deltar, eller fjern navnet.",
            )
        if not name:
            _add(errors, key, "Skriv navnet på deltakeren.")
        elif len(name) > NAME_MAX:
            _add(errors, key, f"Navnet er for langt (høyst {NAME_MAX} tegn).")
        elif problem := name_problem(name):
            _add(errors, key, problem)


def _interpreter_errors(
    errors: dict[str, list[str]], *, household: Household, data: MeetingInput
) -> None:
    on = data.held_on or data.scheduled_on or timezone.localdate()
    if data.needs_interpreter and not data.interpreter_language.strip():
        _add(errors, "interpreter_language", "Oppgi tolkespråket.")
    if data.interpreter_mode and data.interpreter_mode not in InterpreterMode.values:
        _add(errors, "interpreter_mode", "Ukjent tolkemåte. Velg frammøte, telefon eller skjerm.")
    elif data.interpreter_booked and not data.interpreter_mode:
        _add(
            errors,
            "interpreter_mode",
            "Velg om tolken møter fram, tolker på telefon eller tolker på skjerm.",
        )
    if data.interpreter_qualification:
        known = dict(qualification_choices(on))
        if data.interpreter_qualification not in known:
            _add(
                errors,
                "interpreter_qualification",
                f"Kategorien finnes ikke i Nasjonalt tolkeregister på {on:%d.%m.%Y}. "
                f"Velg en av {', '.join(known) or 'kategoriene'}.",
            )
    for key in ("interpreter_name", "interpreter_company"):
        text = getattr(data, key).strip()
        if len(text) > NAME_MAX:
            _add(errors, key, f"Teksten er for lang (høyst {NAME_MAX} tegn).")
        elif problem := name_problem(text):
            _add(errors, key, problem)
    for message in interpreter_name_errors(household=household, name=data.interpreter_name, on=on):
        _add(errors, "interpreter_name", message)


def meeting_errors(
    *,
    household: Household,
    kind: str,
    data: MeetingInput,
    meeting: Meeting | None = None,
) -> dict[str, list[str]]:
    """Every problem with a meeting's input, by field, in words a caseworker understands."""
    errors: dict[str, list[str]] = {}
    _date_errors(errors, household=household, kind=kind, data=data, meeting=meeting)
    _held_errors(errors, household=household, data=data)
    _service_errors(errors, kind=kind, data=data)
    _interpreter_errors(errors, household=household, data=data)
    if data.persons is not None:
        members = set(household.members.values_list("pk", flat=True))
        if not data.persons:
            _add(errors, "persons", "Velg hvem i husstanden møtet er med.")
        elif set(data.persons) - members:
            _add(errors, "persons", "Velg deltakere fra husstanden.")
    return errors


def _values(data: MeetingInput) -> dict[str, Any]:
    """The meeting's fields as saved: text stripped, booked or used implies needed."""
    needed = data.needs_interpreter
    return {
        "scheduled_on": data.scheduled_on,
        "held_on": data.held_on,
        "services": [s for s in Service.values if s in data.services],
        "participants": [{"service": p.service, "name": p.name.strip()} for p in data.participants],
        "interpreter_needed": needed,
        "interpreter_language": data.interpreter_language.strip(),
        "interpreter_mode": data.interpreter_mode if needed else "",
        "interpreter_qualification": data.interpreter_qualification if needed else "",
        "interpreter_booked": data.interpreter_booked,
        "interpreter_name": data.interpreter_name.strip(),
        "interpreter_company": data.interpreter_company.strip(),
        "interpreter_used": data.interpreter_used,
        "notes": data.notes.strip(),
    }


def _audit(ctx: AccessContext, meeting: Meeting, action: str, what: str) -> None:
    audit_record_many(
        ctx=ctx,
        person_ids=[p.pk for p in meeting.persons.all()],
        action=action,
        detail=f"møte {meeting.pk}: {meeting.get_kind_display()}, {what}",
    )


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(*, ctx: AccessContext, household: Household, data: MeetingInput) -> Meeting:
    """Schedule a further meeting of the interdisciplinary team (kind TEAM) for the household.

    Seed 002 §2.4: the team meets after the first meeting as the case needs; so the household
    must have its first team meeting (set up on settlement), and the new one is not before it.
    ``household`` must come from a selector that checked the whole case and the right to edit.
    """
    errors = meeting_errors(household=household, kind=MeetingKind.TEAM, data=data)
    if first_team_meeting(household) is None:
        _add(
            errors,
            "__all__",
            "Husstanden har ikke første møte i tverrfaglig team ennå. Registrer bosettingen, "
            "så settes det første møtet opp.",
        )
    if data.persons is None:
        _add(errors, "persons", "Velg hvem i husstanden møtet er med.")
    if data.held_on is not None:
        _add(errors, "held_on", "Et nytt møte registreres som holdt etter at det er holdt.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    meeting = Meeting.objects.create(
        household=household,
        kind=MeetingKind.TEAM,
        created_by=ctx.acting_user,
        created_at=now,
        updated_at=now,
        updated_by=ctx.acting_user,
        **_values(data),
    )
    meeting.persons.set(household.members.filter(pk__in=data.persons or ()))
    _audit(ctx, meeting, AuditAction.CREATE, f"planlagt {meeting.scheduled_on:%d.%m.%Y}")
    return meeting


@transaction.atomic
def meeting_update(
    *, ctx: AccessContext, meeting: Meeting, data: MeetingInput, version: int
) -> Meeting:
    """Move, plan or record a meeting. Holding the first team meeting meets its deadline for
    its persons (seed 002 §2.4). Refused if someone saved the meeting after ``version``."""
    errors = meeting_errors(
        household=meeting.household, kind=meeting.kind, data=data, meeting=meeting
    )
    if errors:
        raise ValidationError(errors)
    version_bump(
        Meeting.objects.filter(pk=meeting.pk),
        expected=version,
        what=WHAT,
        updated_at=timezone.now(),
        updated_by=ctx.acting_user,
        **_values(data),
    )
    meeting.refresh_from_db()
    if data.persons is not None:
        meeting.persons.set(meeting.household.members.filter(pk__in=data.persons))
    persons = list(meeting.persons.all())
    if meeting.held_on is not None and meeting.kind == MeetingKind.TEAM_FIRST:
        deadlines_meet_kind(
            ctx=ctx, persons=persons, kind="team_first_meeting", met_on=meeting.held_on
        )
    held = f"holdt {meeting.held_on:%d.%m.%Y}" if meeting.held_on else "endret"
    _audit(ctx, meeting, AuditAction.UPDATE, held)
    return meeting


def _given(value: str | None, planned: str) -> str:
    return planned if value is None else value


def meeting_hold(
    *, ctx: AccessContext, meeting: Meeting, data: MeetingHoldInput, version: int
) -> Meeting:
    """Record that a meeting was held: the day, whether an interpreter was used (and who), and
    the minutes, which a held meeting must have. Holding the first team meeting meets its
    deadline (``meeting_update``)."""
    planned = meeting_input_of(meeting)
    held = replace(
        planned,
        held_on=data.held_on,
        interpreter_used=data.interpreter_used,
        interpreter_language=_given(data.interpreter_language, planned.interpreter_language),
        interpreter_name=_given(data.interpreter_name, planned.interpreter_name),
        interpreter_company=_given(data.interpreter_company, planned.interpreter_company),
        notes=data.notes,
    )
    errors = meeting_errors(
        household=meeting.household, kind=meeting.kind, data=held, meeting=meeting
    )
    if data.held_on is None:
        _add(errors, "held_on", "Oppgi datoen møtet ble holdt.")
    if data.interpreter_used is None and "interpreter_used" not in errors:
        _add(errors, "interpreter_used", "Oppgi om tolk ble brukt i møtet.")
    if not data.notes.strip():
        _add(errors, "notes", "Skriv referat fra møtet.")
    if errors:
        raise ValidationError(errors)
    return meeting_update(ctx=ctx, meeting=meeting, data=held, version=version)


# --- Reads (the caller has checked access through the selectors) -------------------------


def meeting_participants_by_service(meeting: Meeting) -> list[tuple[str, list[str]]]:
    """(service label, names) for each service in the meeting, in the services' order."""
    names: dict[str, list[str]] = {}
    for participant in meeting.participants:
        names.setdefault(participant["service"], []).append(participant["name"])
    return [
        (str(Service(service).label), names.get(service, []))
        for service in meeting.services
        if service in Service.values
    ]
