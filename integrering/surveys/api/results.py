"""API for the municipal survey's results (seed 004): tables 1 and 2 and the Likert
distributions of a survey, the open answers of a text question with their themes, and adding or
removing a theme. The same services as the pages; analysts only (404 on every object for anyone
else, 403 on the list of feature years).

Percentages have one decimal (rounded half up); r and p are full-precision floats.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from integrering.accounts.access import analyst_require
from integrering.schemas import ErrorOut, ObjectId

from ..models import QuestionKind
from ..selectors import question_get, survey_get
from ..services.features import features_years
from ..services.results import (
    answer_get,
    answer_tag_add,
    answer_tag_remove,
    open_answers,
    survey_results,
)

router = Router(tags=["kommuneundersøkelsen – resultater"])


class RateOut(Schema):
    invited: int
    answered: int
    percent: float


class RateRowOut(Schema):
    label: str
    this_year: RateOut | None
    last_year: RateOut | None


class CorrelationOut(Schema):
    feature: str
    label: str
    n: int
    r: float | None
    p: float | None = Field(description="Tosidig p")
    stars: str = Field(description="* p<0,10, ** p<0,05, *** p<0,01")
    note: str


class LikertYearOut(Schema):
    year: int
    total: int
    counts: dict[str, int]


class LikertItemOut(Schema):
    role: str
    group: str
    code: str
    text: str
    years: list[LikertYearOut]


class TextQuestionOut(Schema):
    question_id: ObjectId
    role: str
    text: str
    answers: int


class SurveyResultsOut(Schema):
    survey_id: ObjectId
    year: int
    last_year: int | None
    response_rates: list[RateRowOut] = Field(description="Tabell 1")
    correlations: list[CorrelationOut] = Field(description="Tabell 2")
    likert: list[LikertItemOut]
    text_questions: list[TextQuestionOut]


def _rate(rate: object) -> RateOut | None:
    if rate is None:
        return None
    return RateOut(
        invited=rate.invited,  # type: ignore[attr-defined]
        answered=rate.answered,  # type: ignore[attr-defined]
        percent=float(rate.percent),  # type: ignore[attr-defined]
    )


@router.get(
    "{survey_id}/results",
    response={200: SurveyResultsOut, 401: ErrorOut, 404: ErrorOut},
    summary="Resultatene: svarprosent, korrelasjoner, skalafordelinger, fritekstspørsmål",
)
def survey_results_get(request: HttpRequest, survey_id: ObjectId) -> SurveyResultsOut:
    survey = survey_get(request.user, survey_id)
    found = survey_results(survey)
    likert = []
    for group in found.likert:
        for item in group.items:
            years = [
                LikertYearOut(year=survey.year, total=item.this.total, counts=item.this.counts)
            ]
            if item.last is not None:
                years.append(
                    LikertYearOut(
                        year=survey.year - 1, total=item.last.total, counts=item.last.counts
                    )
                )
            likert.append(
                LikertItemOut(
                    role=group.role,
                    group=group.group,
                    code=item.question.code,
                    text=item.question.text,
                    years=years,
                )
            )
    return SurveyResultsOut(
        survey_id=survey.pk,
        year=survey.year,
        last_year=found.rates.last_year,
        response_rates=[
            RateRowOut(label=row.label, this_year=_rate(row.this), last_year=_rate(row.last))
            for row in found.rates.rows
        ],
        correlations=[
            CorrelationOut(
                feature=c.feature, label=c.label, n=c.n, r=c.r, p=c.p, stars=c.stars, note=c.note
            )
            for c in found.correlations
        ],
        likert=likert,
        text_questions=[
            TextQuestionOut(
                question_id=tq.question.pk,
                role=tq.question.questionnaire.role,
                text=tq.question.text,
                answers=tq.answers,
            )
            for tq in found.text_questions
        ],
    )


class OpenAnswerOut(Schema):
    answer_id: ObjectId
    unit_id: str
    unit_name: str
    text: str
    tags: list[str]


@router.get(
    "questions/{question_id}/open-answers",
    response={200: list[OpenAnswerOut], 401: ErrorOut, 404: ErrorOut},
    summary="De åpne svarene på et fritekstspørsmål, med tema",
)
def open_answers_get(request: HttpRequest, question_id: ObjectId) -> list[OpenAnswerOut]:
    question = question_get(request.user, question_id)
    if question.kind != QuestionKind.TEXT:
        return []
    return [
        OpenAnswerOut(
            answer_id=a.answer.pk,
            unit_id=a.answer.invitation.unit_id,
            unit_name=a.unit_name,
            text=a.text,
            tags=a.tags,
        )
        for a in open_answers(question)
    ]


class TagIn(Schema):
    name: str = Field(description="Temaet (fritekst, høyst 80 tegn)")


class TagsOut(Schema):
    answer_id: ObjectId
    tags: list[str]


def _tags(answer_id: ObjectId, request: HttpRequest) -> TagsOut:
    answer = answer_get(request.user, answer_id)
    return TagsOut(answer_id=answer.pk, tags=sorted(answer.tags.values_list("name", flat=True)))


@router.post(
    "answers/{answer_id}/tags",
    response={200: TagsOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Gi et åpent svar et tema",
)
def answer_tag_post(request: HttpRequest, answer_id: ObjectId, payload: TagIn) -> TagsOut:
    answer = answer_get(request.user, answer_id)
    answer_tag_add(user=request.user, answer=answer, name=payload.name)
    return _tags(answer_id, request)


@router.delete(
    "answers/{answer_id}/tags",
    response={200: TagsOut, 401: ErrorOut, 404: ErrorOut},
    summary="Ta et tema av et åpent svar (?name=...)",
)
def answer_tag_delete(request: HttpRequest, answer_id: ObjectId, name: str) -> TagsOut:
    answer = answer_get(request.user, answer_id)
    answer_tag_remove(answer=answer, name=name)
    return _tags(answer_id, request)


class FeaturesYearOut(Schema):
    year: int
    municipalities: int


@router.get(
    "features/years",
    response={200: list[FeaturesYearOut], 401: ErrorOut, 403: ErrorOut},
    summary="År med importerte kommunekjennetegn",
)
def features_years_get(request: HttpRequest) -> list[FeaturesYearOut]:
    analyst_require(request.user)
    return [FeaturesYearOut(year=y.year, municipalities=y.municipalities) for y in features_years()]
