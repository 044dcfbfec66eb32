"""API for a household's meetings: list them, schedule a further team meeting, change one, and
record it as held with the minutes (seed 002 §2.4, §2.12). The same services as the pages.

Reading needs the whole case (the refugee service and the leader); writing, the refugee
service. The meeting or household is looked up before anything else, so a caller without reach
gets 404 whatever the body holds.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import may_edit_case
from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut, ObjectId

from .. import selectors
from ..models import Meeting
from ..services.interpreters import qualification_label
from ..services.meetings import (
    MeetingHoldInput,
    MeetingInput,
    Participant,
    meeting_hold,
    meeting_schedule,
    meeting_update,
)

router = Router(tags=["møter"])

NOT_EDITOR = "Bare flyktningtjenesten kan planlegge og endre møter."
SERVICES = (
    "refugee_service, nav, adult_education, kindergarten, school, health, housing, child_welfare"
)


class MeetingParticipantSchema(Schema):
    service: str = Field(description=SERVICES)
    name: str = Field(max_length=150, description="Navnet på den som deltar fra tjenesten")


class MeetingInterpreterIn(Schema):
    needed: bool = Field(False, description="Om det trengs tolk (bestilt eller brukt betyr ja)")
    language: str = Field("", max_length=100)
    mode: str = Field("", description="in_person (frammøte), phone (telefon) eller screen (skjerm)")
    qualification: str = Field(
        "",
        max_length=5,
        description="Kategori i Nasjonalt tolkeregister på møtedatoen: A–E (1–5 før desember 2020)",
    )
    booked: bool = False
    name: str = Field(
        "", max_length=150, description="Tolkens navn: en person utenfor husstanden, aldri et barn"
    )
    company: str = Field("", max_length=150, description="Tolketjeneste eller firma")


class MeetingInterpreterOut(Schema):
    needed: bool
    language: str
    mode: str
    qualification: str
    qualification_label: str
    booked: bool
    name: str
    company: str


class MeetingOut(Schema):
    id: int
    household: int
    kind: str = Field(description="team_first, team, mapping, plan_evaluation eller other")
    kind_label: str
    scheduled_on: datetime.date
    held_on: datetime.date | None
    persons: list[int] = Field(description="Deltakere fra husstanden (person-id)")
    services: list[str]
    participants: list[MeetingParticipantSchema]
    interpreter: MeetingInterpreterOut
    interpreter_used: bool | None
    minutes: str = Field(description="Referatet")
    version: int

    @staticmethod
    def of(meeting: Meeting) -> MeetingOut:
        on = meeting.held_on or meeting.scheduled_on
        qualification = meeting.interpreter_qualification
        return MeetingOut(
            id=meeting.pk,
            household=meeting.household_id,
            kind=meeting.kind,
            kind_label=str(meeting.get_kind_display()),
            scheduled_on=meeting.scheduled_on,
            held_on=meeting.held_on,
            persons=sorted(p.pk for p in meeting.persons.all()),
            services=list(meeting.services),
            participants=[MeetingParticipantSchema(**p) for p in meeting.participants],
            interpreter=MeetingInterpreterOut(
                needed=meeting.interpreter_needed,
                language=meeting.interpreter_language,
                mode=meeting.interpreter_mode,
                qualification=qualification,
                qualification_label=qualification_label(qualification, on) if qualification else "",
                booked=meeting.interpreter_booked,
                name=meeting.interpreter_name,
                company=meeting.interpreter_company,
            ),
            interpreter_used=meeting.interpreter_used,
            minutes=meeting.notes,
            version=meeting.version,
        )


class MeetingScheduleIn(Schema):
    scheduled_on: datetime.date
    persons: list[int] = Field(description="Deltakere fra husstanden (person-id)")
    services: list[str] = Field(description=SERVICES)
    participants: list[MeetingParticipantSchema] = Field(default_factory=list)
    interpreter: MeetingInterpreterIn | None = Field(
        None, description="Tolk til møtet; utelatt: ikke behov for tolk"
    )


class MeetingUpdateIn(MeetingScheduleIn):
    persons: list[int] | None = Field(  # type: ignore[assignment]
        None, description="Deltakere fra husstanden; utelatt: som før"
    )
    held_on: datetime.date | None = None
    interpreter_used: bool | None = None
    minutes: str = Field("", max_length=20000, description="Referatet")
    version: int = Field(description="Møtets versjon slik du leste det")


class MeetingHoldIn(Schema):
    held_on: datetime.date
    interpreter_used: bool
    minutes: str = Field(max_length=20000, description="Referatet (påkrevd)")
    interpreter_language: str | None = Field(None, max_length=100, description="Utelatt: som før")
    interpreter_name: str | None = Field(
        None, max_length=150, description="Tolken som kom; utelatt: den som var bestilt"
    )
    interpreter_company: str | None = Field(None, max_length=150, description="Utelatt: som før")
    version: int = Field(description="Møtets versjon slik du leste det")


def _input(payload: MeetingScheduleIn, **extra: object) -> MeetingInput:
    interpreter = payload.interpreter or MeetingInterpreterIn.model_validate({})
    return MeetingInput(
        scheduled_on=payload.scheduled_on,
        services=tuple(payload.services),
        participants=tuple(
            Participant(service=p.service, name=p.name) for p in payload.participants
        ),
        persons=tuple(payload.persons) if payload.persons is not None else None,
        interpreter_needed=interpreter.needed,
        interpreter_language=interpreter.language,
        interpreter_mode=interpreter.mode,
        interpreter_qualification=interpreter.qualification,
        interpreter_booked=interpreter.booked,
        interpreter_name=interpreter.name,
        interpreter_company=interpreter.company,
        **extra,  # type: ignore[arg-type]
    )


def _require_editor(request: HttpRequest) -> None:
    if not may_edit_case(request.user):
        raise PermissionDenied(NOT_EDITOR)


@router.get(
    "households/{household_id}/meetings",
    response={200: list[MeetingOut], 401: ErrorOut, 404: ErrorOut},
    summary="Husstandens møter",
)
def household_meetings_list(request: HttpRequest, household_id: ObjectId) -> list[MeetingOut]:
    _household, meetings = selectors.household_meetings(
        ctx=AccessContext.from_request(request), household_id=household_id
    )
    return [MeetingOut.of(m) for m in meetings]


@router.post(
    "households/{household_id}/meetings",
    response={201: MeetingOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Planlegg et nytt møte i tverrfaglig team (etter det første)",
)
def household_meeting_schedule(
    request: HttpRequest, household_id: ObjectId, payload: MeetingScheduleIn
) -> Status[MeetingOut]:
    ctx = AccessContext.from_request(request)
    household, _meetings = selectors.household_meetings(ctx=ctx, household_id=household_id)
    _require_editor(request)
    meeting = meeting_schedule(ctx=ctx, household=household, data=_input(payload))
    return Status(201, MeetingOut.of(meeting))


@router.get(
    "meetings/{meeting_id}",
    response={200: MeetingOut, 401: ErrorOut, 404: ErrorOut},
    summary="Ett møte",
)
def meeting_get(request: HttpRequest, meeting_id: ObjectId) -> MeetingOut:
    return MeetingOut.of(
        selectors.meeting_get(ctx=AccessContext.from_request(request), meeting_id=meeting_id)
    )


@router.put(
    "meetings/{meeting_id}",
    response={
        200: MeetingOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Endre et møte: tidspunkt, tjenester, tolk, gjennomføring og referat",
)
def meeting_put(request: HttpRequest, meeting_id: ObjectId, payload: MeetingUpdateIn) -> MeetingOut:
    ctx = AccessContext.from_request(request)
    meeting = selectors.meeting_get(ctx=ctx, meeting_id=meeting_id)
    _require_editor(request)
    data = _input(
        payload,
        held_on=payload.held_on,
        interpreter_used=payload.interpreter_used,
        notes=payload.minutes,
    )
    return MeetingOut.of(
        meeting_update(ctx=ctx, meeting=meeting, data=data, version=payload.version)
    )


@router.post(
    "meetings/{meeting_id}/held",
    response={
        200: MeetingOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Registrer at møtet er holdt, med referat",
)
def meeting_hold_post(
    request: HttpRequest, meeting_id: ObjectId, payload: MeetingHoldIn
) -> MeetingOut:
    ctx = AccessContext.from_request(request)
    meeting = selectors.meeting_get(ctx=ctx, meeting_id=meeting_id)
    _require_editor(request)
    held = meeting_hold(
        ctx=ctx,
        meeting=meeting,
        data=MeetingHoldInput(
            held_on=payload.held_on,
            interpreter_used=payload.interpreter_used,
            notes=payload.minutes,
            interpreter_language=payload.interpreter_language,
            interpreter_name=payload.interpreter_name,
            interpreter_company=payload.interpreter_company,
        ),
        version=payload.version,
    )
    return MeetingOut.of(held)
