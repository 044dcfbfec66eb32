"""API of the municipal survey (``/api/v1/surveys/``): surveys, their questionnaires with the
questions, invitations, and sending the links.

The same services as the pages. For the directorate's analysts: anyone else gets 403 on the
list and 404 on a survey or questionnaire. A refusal is 422 with the messages by field; a
concurrent change 409. Links are never returned: only their hash is stored.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import analyst_require
from integrering.audit.services import AccessContext
from integrering.errors import NotFound
from integrering.schemas import ErrorOut, ObjectId

from ..models import Mailing, Question, Questionnaire, Survey
from ..scales import DEFAULT_SCALE, SCALES
from ..selectors import questionnaire_get, survey_get, surveys_list
from ..services.invitations import invitations_create
from ..services.questionnaires import question_add, survey_create
from ..services.sending import invitations_send_enqueue

router = Router(tags=["kommuneundersøkelsen"])


class SurveyOut(Schema):
    id: int
    year: int
    title: str
    opens_on: datetime.date
    closes_on: datetime.date
    version: int
    questionnaires: list[int] = Field(description="Spørreskjemaenes id-er")

    @staticmethod
    def of(survey: Survey) -> SurveyOut:
        return SurveyOut(
            id=survey.pk,
            year=survey.year,
            title=survey.title,
            opens_on=survey.opens_on,
            closes_on=survey.closes_on,
            version=survey.version,
            questionnaires=[q.pk for q in survey.questionnaires.order_by("role")],
        )


class SurveyIn(Schema):
    year: int | None = None
    title: str = ""
    opens_on: datetime.date | None = None
    closes_on: datetime.date | None = None
    copy_from: int | None = Field(
        None, description="Id-en til undersøkelsen spørsmålene kopieres fra"
    )


class QuestionOut(Schema):
    id: int
    position: int
    code: str
    kind: str = Field(description="single, multiple, likert eller text")
    text: str
    help_text: str
    group: str
    scale: str = Field(description="Skalaen til et skalaspørsmål: " + ", ".join(SCALES))
    choices: list[str]
    required: bool
    show_if_question: int | None = Field(description="Vis bare hvis dette spørsmålet …")
    show_if_value: str = Field(description="… er besvart med dette")

    @staticmethod
    def of(q: Question) -> QuestionOut:
        return QuestionOut(
            id=q.pk,
            position=q.position,
            code=q.code,
            kind=q.kind,
            text=q.text,
            help_text=q.help_text,
            group=q.group,
            scale=q.scale,
            choices=list(q.choices),
            required=q.required,
            show_if_question=q.show_if_question_id,
            show_if_value=q.show_if_value,
        )


class QuestionnaireOut(Schema):
    id: int
    survey: int
    role: str
    title: str
    introduction: str
    includes_city_districts: bool
    invitations: int
    questions: list[QuestionOut]

    @staticmethod
    def of(q: Questionnaire) -> QuestionnaireOut:
        return QuestionnaireOut(
            id=q.pk,
            survey=q.survey_id,
            role=q.role,
            title=q.title,
            introduction=q.introduction,
            includes_city_districts=q.includes_city_districts,
            invitations=q.invitations.count(),
            questions=[QuestionOut.of(x) for x in q.questions.order_by("position")],
        )


class QuestionIn(Schema):
    kind: str = ""
    text: str = ""
    help_text: str = ""
    group: str = ""
    scale: str = DEFAULT_SCALE
    choices: list[str] = []
    required: bool = False
    code: str = ""
    show_if_question: int | None = None
    show_if_value: str = ""


class InvitationsOut(Schema):
    created: int
    invitations: dict[str, int] = Field(description="Antall invitasjoner per rolle")


class SurveySendIn(Schema):
    reminder: bool = False


class SendOut(Schema):
    task_id: str
    mailing_id: int
    kind: str = Field(description="survey_links eller survey_reminders")
    status: str = Field(description="queued, running, done eller failed")
    sent: int
    total: int
    error: str
    result: dict[str, Any] = Field(description="Tellingene når utsendingen er ferdig")


def _need(value: object, field: str, message: str) -> None:
    if value is None:
        raise ValidationError({field: [message]})


@router.get(
    "",
    response={200: list[SurveyOut], 401: ErrorOut, 403: ErrorOut},
    summary="Kommuneundersøkelsene, nyeste først",
)
def surveys_get(request: HttpRequest) -> list[SurveyOut]:
    return [SurveyOut.of(s) for s in surveys_list(request.user)]


@router.post(
    "",
    response={201: SurveyOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Lag årets undersøkelse med tre spørreskjemaer (valgfritt kopiert fra et tidligere år)",
)
def surveys_post(request: HttpRequest, payload: SurveyIn) -> Status[SurveyOut]:
    analyst_require(request.user)
    _need(payload.year, "year", "Oppgi året.")
    _need(payload.opens_on, "opens_on", "Oppgi når undersøkelsen åpner.")
    _need(payload.closes_on, "closes_on", "Oppgi svarfristen.")
    copy_from = None
    if payload.copy_from is not None:
        copy_from = Survey.objects.filter(pk=payload.copy_from).first()
        if copy_from is None:
            raise ValidationError(
                {"copy_from": ["Finner ikke undersøkelsen det skal kopieres fra."]}
            )
    assert payload.year is not None and payload.opens_on and payload.closes_on
    survey = survey_create(
        user=request.user,
        year=payload.year,
        title=payload.title,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
        copy_from=copy_from,
    )
    return Status(201, SurveyOut.of(survey))


@router.get(
    "{survey_id}",
    response={200: SurveyOut, 401: ErrorOut, 404: ErrorOut},
    summary="Én undersøkelse",
)
def survey_get_one(request: HttpRequest, survey_id: ObjectId) -> SurveyOut:
    return SurveyOut.of(survey_get(request.user, survey_id))


@router.get(
    "{survey_id}/questionnaires",
    response={200: list[QuestionnaireOut], 401: ErrorOut, 404: ErrorOut},
    summary="Undersøkelsens spørreskjemaer med spørsmålene",
)
def survey_questionnaires(request: HttpRequest, survey_id: ObjectId) -> list[QuestionnaireOut]:
    survey = survey_get(request.user, survey_id)
    return [QuestionnaireOut.of(q) for q in survey.questionnaires.order_by("role")]


@router.get(
    "questionnaires/{questionnaire_id}",
    response={200: QuestionnaireOut, 401: ErrorOut, 404: ErrorOut},
    summary="Ett spørreskjema med spørsmålene",
)
def questionnaire_get_one(request: HttpRequest, questionnaire_id: ObjectId) -> QuestionnaireOut:
    return QuestionnaireOut.of(questionnaire_get(request.user, questionnaire_id))


@router.post(
    "questionnaires/{questionnaire_id}/questions",
    response={201: QuestionOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Legg til et spørsmål sist i skjemaet (nektes når skjemaet har svar)",
)
def question_post(
    request: HttpRequest, questionnaire_id: ObjectId, payload: QuestionIn
) -> Status[QuestionOut]:
    questionnaire = questionnaire_get(request.user, questionnaire_id)
    condition = None
    if payload.show_if_question is not None:
        condition = questionnaire.questions.filter(pk=payload.show_if_question).first()
        if condition is None:
            raise ValidationError({"show_if_question": ["Velg et spørsmål i det samme skjemaet."]})
    question = question_add(
        questionnaire=questionnaire,
        kind=payload.kind,
        text=payload.text,
        help_text=payload.help_text,
        group=payload.group,
        scale=payload.scale,
        choices=payload.choices,
        required=payload.required,
        code=payload.code,
        show_if_question=condition,
        show_if_value=payload.show_if_value,
    )
    return Status(201, QuestionOut.of(question))


@router.post(
    "{survey_id}/invitations",
    response={201: InvitationsOut, 401: ErrorOut, 404: ErrorOut},
    summary="Lag invitasjonene som mangler: én per kommune og rolle, og Oslos bydeler der de svarer",
)
def invitations_post(request: HttpRequest, survey_id: ObjectId) -> Status[InvitationsOut]:
    survey = survey_get(request.user, survey_id)
    created = invitations_create(survey=survey)
    counts = {q.role: q.invitations.count() for q in survey.questionnaires.order_by("role")}
    return Status(201, InvitationsOut(created=created, invitations=counts))


@router.post(
    "{survey_id}/send",
    response={202: SendOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Legg utsendingen av lenkene (eller purringen) i kø for bakgrunnsjobben",
)
def send_post(request: HttpRequest, survey_id: ObjectId, payload: SurveySendIn) -> Status[SendOut]:
    survey = survey_get(request.user, survey_id)
    mailing = invitations_send_enqueue(
        ctx=AccessContext.from_request(request), survey=survey, reminder=payload.reminder
    )
    return Status(202, _mailing_out(mailing))


@router.get(
    "{survey_id}/send/{mailing_id}",
    response={200: SendOut, 401: ErrorOut, 404: ErrorOut},
    summary="Hvordan det går med en utsending: status, hvor mange som er sendt, og resultatet",
)
def send_get(request: HttpRequest, survey_id: ObjectId, mailing_id: ObjectId) -> SendOut:
    survey = survey_get(request.user, survey_id)
    mailing = survey.mailings.filter(pk=mailing_id).first()
    if mailing is None:
        raise NotFound("Finner ikke utsendingen.")
    return _mailing_out(mailing)


def _mailing_out(mailing: Mailing) -> SendOut:
    return SendOut(
        task_id=mailing.task_id,
        mailing_id=mailing.pk,
        kind=mailing.kind,
        status=mailing.status,
        sent=mailing.sent,
        total=mailing.total,
        error=mailing.error,
        result=mailing.result,
    )
