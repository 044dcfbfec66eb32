"""API for the municipal survey's results (seed 004): tables 1 and 2 and every figure of a survey
(Likert groups and choices, compared with up to two earlier years and across roles, with N), the
open answers of a text question with their themes, adding or removing a theme, and the report as
PDF (queued for the background worker: 202, then its progress, then the PDF). The same services
as the pages; analysts only (404 on every object for anyone else, 403 on the list of feature
years).

Percentages have one decimal (rounded half up); r and p are full-precision floats.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import analyst_require
from integrering.errors import NotFound
from integrering.jobs import JobStatus
from integrering.schemas import ErrorOut, ObjectId

from ..models import QuestionKind, ReportBuild
from ..selectors import question_get, survey_get
from ..services.features import features_years
from ..services.figures import figures_all
from ..services.report_queue import report_build_get, report_build_start
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


class ThemeOut(Schema):
    theme: str = Field(description="Temaet; tomt for svarene uten tema")
    answers: int


class TextQuestionOut(Schema):
    question_id: ObjectId
    role: str
    text: str
    answers: int
    themes: list[ThemeOut]


class FigureColumnOut(Schema):
    key: str = Field(description="Året, eller rollen når figuren sammenligner roller")
    label: str
    role: str
    year: int
    n: int = Field(description="Antall som svarte (på minst én påstand i figuren)")


class FigureCellOut(Schema):
    n: int
    counts: dict[str, int]
    shares: dict[str, float] = Field(description="Prosent med én desimal")


class FigureRowOut(Schema):
    key: str = Field(description="Påstandens kode, eller svaralternativet")
    label: str
    cells: list[FigureCellOut | None] = Field(
        description="Én per kolonne; null der det ikke ble spurt"
    )


class FigureOut(Schema):
    number: int
    kind: str = Field(description="likert, single eller multiple")
    title: str
    caption: str = Field(description="«Figur 1 – Integreringsansvarlig (N=141)»")
    base: str = Field(description="Svargrunnlaget: «Andel av 141 integreringsansvarlige …»")
    scale: str | None
    by_roles: bool
    columns: list[FigureColumnOut]
    rows: list[FigureRowOut]


class SurveyResultsOut(Schema):
    survey_id: ObjectId
    year: int
    last_year: int | None
    compared_with: list[int] = Field(description="De tidligere årene figurene sammenligner med")
    response_rates: list[RateRowOut] = Field(description="Tabell 1")
    correlations: list[CorrelationOut] = Field(description="Tabell 2")
    figures: list[FigureOut]
    likert: list[LikertItemOut]
    text_questions: list[TextQuestionOut]


class CompareIn(Schema):
    years: list[int] | None = Field(
        None, description="Tidligere år å sammenligne med (høyst to); uten: de to siste"
    )


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
def survey_results_get(
    request: HttpRequest, survey_id: ObjectId, query: Query[CompareIn]
) -> SurveyResultsOut:
    survey = survey_get(request.user, survey_id)
    found = survey_results(survey, query.years)
    figures = figures_all(found.sections)
    likert = [
        LikertItemOut(
            role=figure.columns[0].role,
            group=figure.title,
            code=row.key,
            text=row.label,
            years=[
                LikertYearOut(year=column.year, total=cell.n, counts=cell.counts)
                for column, cell in zip(figure.columns, row.cells, strict=True)
                if cell is not None
            ],
        )
        for figure in figures
        if figure.kind == QuestionKind.LIKERT and not figure.by_roles
        for row in figure.rows
    ]
    return SurveyResultsOut(
        survey_id=survey.pk,
        year=survey.year,
        last_year=found.rates.last_year,
        compared_with=found.compared,
        figures=[
            FigureOut(
                number=f.number,
                kind=f.kind,
                title=f.title,
                caption=f.caption,
                base=f.base,
                scale=f.scale.code if f.scale else None,
                by_roles=f.by_roles,
                columns=[
                    FigureColumnOut(key=c.key, label=c.label, role=c.role, year=c.year, n=c.n)
                    for c in f.columns
                ],
                rows=[
                    FigureRowOut(
                        key=r.key,
                        label=r.label,
                        cells=[
                            FigureCellOut(
                                n=c.n,
                                counts=c.counts,
                                shares={k: float(c.share(k)) for k in c.counts},
                            )
                            if c is not None
                            else None
                            for c in r.cells
                        ],
                    )
                    for r in f.rows
                ],
            )
            for f in figures
        ],
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
                themes=[ThemeOut(theme=name, answers=count) for name, count in tq.themes],
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


# --- The report as PDF --------------------------------------------------------------------------


class ReportBuildOut(Schema):
    report_build_id: ObjectId
    task_id: str
    status: str = Field(description="queued, running, done eller failed")
    compare_years: list[int]
    steps_done: int
    steps_total: int
    step: str = Field(description="Hva som lages nå («Figur 12»)")
    pages: int
    error: str
    pdf_url: str | None = Field(description="Adressen til PDF-en når rapporten er ferdig")


def _build_out(build: ReportBuild) -> ReportBuildOut:
    done = build.status == JobStatus.DONE
    return ReportBuildOut(
        report_build_id=build.pk,
        task_id=build.task_id,
        status=build.status,
        compare_years=list(build.compare_years),
        steps_done=build.steps_done,
        steps_total=build.steps_total,
        step=build.step,
        pages=build.pages,
        error=build.error,
        pdf_url=f"/api/v1/surveys/{build.survey_id}/report/{build.pk}/pdf" if done else None,
    )


@router.post(
    "{survey_id}/report",
    response={202: ReportBuildOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Legg rapporten (PDF) i kø for bakgrunnsjobben",
)
def report_post(
    request: HttpRequest, survey_id: ObjectId, payload: CompareIn
) -> Status[ReportBuildOut]:
    survey = survey_get(request.user, survey_id)
    build = report_build_start(user=request.user, survey=survey, compare_years=payload.years)
    return Status(202, _build_out(build))


@router.get(
    "{survey_id}/report/{report_build_id}",
    response={200: ReportBuildOut, 401: ErrorOut, 404: ErrorOut},
    summary="Hvor langt rapporten har kommet, og adressen til PDF-en når den er ferdig",
)
def report_get(
    request: HttpRequest, survey_id: ObjectId, report_build_id: ObjectId
) -> ReportBuildOut:
    survey = survey_get(request.user, survey_id)
    return _build_out(report_build_get(survey, report_build_id))


@router.get(
    "{survey_id}/report/{report_build_id}/pdf",
    response={401: ErrorOut, 404: ErrorOut},
    summary="Rapporten som PDF (404 til den er ferdig)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "PDF (A4)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def report_pdf_get(
    request: HttpRequest, survey_id: ObjectId, report_build_id: ObjectId
) -> HttpResponse:
    survey = survey_get(request.user, survey_id)
    build = report_build_get(survey, report_build_id)
    if build.status != JobStatus.DONE or build.pdf is None:
        raise NotFound("Rapporten er ikke ferdig.")
    response = HttpResponse(bytes(build.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kommuneundersokelsen-{survey.year}.pdf"'
    return response
