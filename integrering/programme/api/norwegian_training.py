"""API of a person's Norwegian and social studies training (``/api/v1/persons/{id}/norwegian-
training``): the same selector and services as the page. Read with the plan's consent; recorded
by adult education and the refugee service. A refusal is 422 by field, a stale version 409."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut, ObjectId

from ..models import NorwegianTraining
from ..selectors import norwegian_training_of
from ..services import norwegian_training as service

router = Router(tags=["norskopplæring"])

NOT_REGISTERED = "Retten til opplæring i norsk er ikke registrert for personen."
EVENTS = ("start", "stop", "resume", "exempt", "complete")


class NorwegianMonthOut(Schema):
    month: datetime.date
    taught: Decimal
    attended: Decimal


class NorwegianTestOut(Schema):
    kind: str
    taken_on: datetime.date
    level: str
    passed: bool


class NorwegianTrainingOut(Schema):
    person: int
    registered: bool = Field(description="false: retten eller plikten er ikke registrert ennå")
    act: str
    basis: str
    right_from: datetime.date | None
    status: str
    starts_on: datetime.date | None
    stopped_on: datetime.date | None
    ended_on: datetime.date | None
    end_reason: str
    hours_taught: Decimal
    hours_attended: Decimal
    months: list[NorwegianMonthOut]
    tests: list[NorwegianTestOut]
    version: int

    @staticmethod
    def none(person_id: int) -> NorwegianTrainingOut:
        """A person whose right is not registered."""
        return NorwegianTrainingOut(
            person=person_id,
            registered=False,
            act="",
            basis="",
            right_from=None,
            status="",
            starts_on=None,
            stopped_on=None,
            ended_on=None,
            end_reason="",
            hours_taught=Decimal(0),
            hours_attended=Decimal(0),
            months=[],
            tests=[],
            version=0,
        )

    @staticmethod
    def of(training: NorwegianTraining) -> NorwegianTrainingOut:
        hours = service.hours_sum(training)
        return NorwegianTrainingOut(
            person=training.person_id,
            registered=True,
            act=training.act,
            basis=training.basis,
            right_from=training.right_from,
            status=training.status,
            starts_on=training.starts_on,
            stopped_on=training.stopped_on,
            ended_on=training.ended_on,
            end_reason=training.end_reason,
            hours_taught=hours.taught,
            hours_attended=hours.attended,
            months=[
                NorwegianMonthOut(month=m.month, taught=m.taught, attended=m.attended)
                for m in training.months.all()
            ],
            tests=[
                NorwegianTestOut(kind=t.kind, taken_on=t.taken_on, level=t.level, passed=t.passed)
                for t in training.tests.all()
            ],
            version=training.version,
        )


class NorwegianRightIn(Schema):
    basis: str = Field(description="right_and_duty, duty eller right")
    right_from: datetime.date = Field(description="Dagen retten eller plikten inntrer")
    permit_date: datetime.date | None = None


class NorwegianEventIn(Schema):
    event: str = Field(description="start, stop, resume, exempt eller complete")
    on: datetime.date
    reason: str = Field("", max_length=500, description="Påkrevd ved stans og fritak")
    version: int = Field(description="Versjonen du leste")


class NorwegianHoursIn(Schema):
    month: datetime.date = Field(description="En dag i måneden (første dag lagres)")
    taught: Decimal = Field(ge=0, le=300)
    attended: Decimal = Field(ge=0, le=300)


class NorwegianTestIn(Schema):
    kind: str = Field(description="listening, reading, writing, oral eller social_studies")
    taken_on: datetime.date
    level: str = Field("", description="Nivå for en norskprøve: under A1, A1, A2, B1, B2, C1")
    passed: bool | None = Field(None, description="For prøven i samfunnskunnskap")


RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _training(request: HttpRequest, person_id: int, *, edit: bool) -> NorwegianTraining:
    _, training = norwegian_training_of(
        ctx=AccessContext.from_request(request), person_id=person_id, edit=edit
    )
    if training is None:
        raise ValidationError(NOT_REGISTERED)
    return training


def _fresh(training: NorwegianTraining) -> NorwegianTrainingOut:
    training = NorwegianTraining.objects.prefetch_related("months", "tests").get(pk=training.pk)
    return NorwegianTrainingOut.of(training)


@router.get(
    "{person_id}/norwegian-training",
    response={200: NorwegianTrainingOut, **RESPONSES},
    summary="Personens opplæring i norsk og samfunnskunnskap",
)
def norwegian_training_get(request: HttpRequest, person_id: ObjectId) -> NorwegianTrainingOut:
    person, training = norwegian_training_of(
        ctx=AccessContext.from_request(request), person_id=person_id
    )
    if training is None:
        return NorwegianTrainingOut.none(person.pk)
    return NorwegianTrainingOut.of(training)


@router.post(
    "{person_id}/norwegian-training",
    response={201: NorwegianTrainingOut, **RESPONSES},
    summary="Registrer rett og plikt, plikt eller rett til opplæring",
)
def norwegian_training_post(
    request: HttpRequest, person_id: ObjectId, payload: NorwegianRightIn
) -> Status[NorwegianTrainingOut]:
    ctx = AccessContext.from_request(request)
    person, _ = norwegian_training_of(ctx=ctx, person_id=person_id, edit=True)
    training = service.norwegian_training_register(
        ctx=ctx,
        person=person,
        data=service.RightInput(
            basis=payload.basis, right_from=payload.right_from, permit_date=payload.permit_date
        ),
    )
    return Status(201, _fresh(training))


@router.post(
    "{person_id}/norwegian-training/events",
    response={200: NorwegianTrainingOut, **RESPONSES},
    summary="Oppstart, stans, gjenopptak, fritak eller fullført",
)
def norwegian_training_event(
    request: HttpRequest, person_id: ObjectId, payload: NorwegianEventIn
) -> NorwegianTrainingOut:
    ctx = AccessContext.from_request(request)
    training = _training(request, person_id, edit=True)
    if payload.event not in EVENTS:
        raise ValidationError({"event": [f"Velg en av {', '.join(EVENTS)}."]})
    on, version = payload.on, payload.version
    if payload.event == "start":
        service.norwegian_training_start(ctx=ctx, training=training, starts_on=on, version=version)
    elif payload.event == "stop":
        service.norwegian_training_stop(
            ctx=ctx, training=training, on=on, reason=payload.reason, version=version
        )
    elif payload.event == "resume":
        service.norwegian_training_resume(ctx=ctx, training=training, on=on, version=version)
    elif payload.event == "exempt":
        service.norwegian_training_exempt(
            ctx=ctx, training=training, on=on, reason=payload.reason, version=version
        )
    else:
        service.norwegian_training_complete(ctx=ctx, training=training, on=on, version=version)
    return _fresh(training)


@router.put(
    "{person_id}/norwegian-training/hours",
    response={200: NorwegianTrainingOut, **RESPONSES},
    summary="Registrer eller rett timene undervist og deltatt i en måned",
)
def norwegian_training_hours_put(
    request: HttpRequest, person_id: ObjectId, payload: NorwegianHoursIn
) -> NorwegianTrainingOut:
    training = _training(request, person_id, edit=True)
    service.norwegian_training_hours(
        ctx=AccessContext.from_request(request),
        training=training,
        month=payload.month,
        taught=payload.taught,
        attended=payload.attended,
    )
    return _fresh(training)


@router.post(
    "{person_id}/norwegian-training/tests",
    response={201: NorwegianTrainingOut, **RESPONSES},
    summary="Registrer en avsluttende prøve og resultatet",
)
def norwegian_training_test_post(
    request: HttpRequest, person_id: ObjectId, payload: NorwegianTestIn
) -> Status[NorwegianTrainingOut]:
    training = _training(request, person_id, edit=True)
    service.norwegian_test_register(
        ctx=AccessContext.from_request(request),
        training=training,
        data=service.TestInput(
            kind=payload.kind, taken_on=payload.taken_on, level=payload.level, passed=payload.passed
        ),
    )
    return Status(201, _fresh(training))
