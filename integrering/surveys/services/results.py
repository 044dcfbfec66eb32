"""The municipal survey's results from the database (seed 004): response rates per role and "at
least one answer" with last year's beside them (table 1), the correlation of each municipality's
number of answered questionnaires with its features (table 2), Likert distributions per item
compared with last year, and the open answers with the analyst's themes.

Only submitted invitations count as answers; a draft is not an answer. The statistics are in
``surveys/statistics.py`` (scipy); this module only gathers the figures.
"""

from __future__ import annotations

import datetime
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from integrering.accounts.access import is_analyst
from integrering.errors import NotFound
from integrering.rules.parameters import value

from ..models import (
    Answer,
    AnswerTag,
    Invitation,
    InvitationStatus,
    LikertValue,
    MunicipalFeatures,
    Question,
    QuestionKind,
    Survey,
    SurveyRole,
)
from ..selectors import NOT_FOUND
from ..statistics import (
    AtLeastOne,
    Distribution,
    ResponseRates,
    RoleRate,
    StatisticsError,
    likert_distribution,
    pearson,
    response_rates,
    significance_stars,
)

# Seed 004 table 2's rows, in its order: the feature and its Norwegian label.
FEATURES: tuple[tuple[str, str], ...] = (
    ("settled_last_5_years", "Antall bosatte siste 5 år"),
    ("settled_last_10_years", "Antall bosatte siste 10 år"),
    ("population", "Antall innbyggere"),
    ("immigrants", "Antall innvandrere"),
    ("immigrant_share", "Andel innvandrere"),
    ("centrality", "Sentralitet"),
)
STARS_PARAMETER = "surveys/significance_stars"
TAG_MAX_LENGTH = 80


# --- Table 1: response rates -------------------------------------------------------------------


def _invitation_triples(survey: Survey) -> list[tuple[str, str, bool]]:
    rows = Invitation.objects.filter(questionnaire__survey=survey).values_list(
        "district_number", "municipality__number", "questionnaire__role", "status"
    )
    return [
        (district or number, role, status == InvitationStatus.SUBMITTED)
        for district, number, role, status in rows
    ]


def survey_response_rates(survey: Survey) -> ResponseRates:
    """Per role the invited units and those that submitted; units with at least one answer."""
    return response_rates(_invitation_triples(survey), role_order=SurveyRole.values)


@dataclass(frozen=True)
class RateRow:
    label: str
    this: RoleRate | AtLeastOne | None
    last: RoleRate | AtLeastOne | None


@dataclass(frozen=True)
class RatesTable:
    year: int
    last_year: int | None
    rows: list[RateRow]


def previous_survey(survey: Survey) -> Survey | None:
    return Survey.objects.filter(year=survey.year - 1).first()


def survey_rates_table(survey: Survey) -> RatesTable:
    """Seed 004 table 1: per role N answered and %, and «Minst en besvarelse», with last year's
    survey beside it when there is one."""
    this = survey_response_rates(survey)
    previous = previous_survey(survey)
    last = survey_response_rates(previous) if previous else None
    rows = [
        RateRow(
            label=role.label,
            this=this.role(role.value),
            last=last.role(role.value) if last else None,
        )
        for role in SurveyRole
        if this.role(role.value) or (last and last.role(role.value))
    ]
    rows.append(
        RateRow(
            label="Minst en besvarelse",
            this=this.at_least_one,
            last=last.at_least_one if last else None,
        )
    )
    return RatesTable(year=survey.year, last_year=previous.year if previous else None, rows=rows)


# --- Table 2: correlations ---------------------------------------------------------------------


def answered_per_municipality(survey: Survey) -> dict[int, int]:
    """Each invited municipality's number of answered questionnaires, 0-3 (seed 004 note 1): a
    role counts once per municipality, also when several of Oslo's city districts answered it."""
    answered: dict[int, set[str]] = defaultdict(set)
    rows = Invitation.objects.filter(questionnaire__survey=survey).values_list(
        "municipality_id", "questionnaire__role", "status"
    )
    for municipality_id, role, status in rows:
        roles = answered[municipality_id]
        if status == InvitationStatus.SUBMITTED:
            roles.add(role)
    return {municipality_id: len(roles) for municipality_id, roles in answered.items()}


def significance_thresholds(on: datetime.date) -> list[tuple[Any, str]]:
    """The (p limit, mark) pairs in force on a date (``surveys/significance_stars``)."""
    return [(limit, mark) for mark, limit in value(STARS_PARAMETER, on).items()]


def significance_legend(on: datetime.date) -> str:
    """«* p < 0,1, ** p < 0,05, *** p < 0,01» from the thresholds in force."""
    pairs = sorted(significance_thresholds(on), key=lambda pair: pair[0], reverse=True)
    return ", ".join(f"{mark} p < {str(limit).replace('.', ',')}" for limit, mark in pairs)


@dataclass(frozen=True)
class CorrelationRow:
    feature: str
    label: str
    n: int
    r: float | None
    p: float | None
    stars: str
    note: str = ""


def survey_correlations(survey: Survey) -> list[CorrelationRow]:
    """Seed 004 table 2: Pearson's r and two-sided p of each municipality's number of answered
    questionnaires (0-3) with its features of the survey's year. Municipalities without features
    that year are left out (``n`` says how many were used)."""
    counts = answered_per_municipality(survey)
    features = list(
        MunicipalFeatures.objects.filter(year=survey.year, municipality_id__in=counts.keys())
    )
    thresholds = significance_thresholds(datetime.date(survey.year, 1, 1))
    ys = [float(counts[f.municipality_id]) for f in features]
    rows = []
    for feature, label in FEATURES:
        xs = [float(getattr(f, feature)) for f in features]
        try:
            result = pearson(xs, ys)
        except StatisticsError as exc:
            rows.append(
                CorrelationRow(
                    feature=feature, label=label, n=len(xs), r=None, p=None, stars="", note=str(exc)
                )
            )
            continue
        rows.append(
            CorrelationRow(
                feature=feature,
                label=label,
                n=result.n,
                r=result.r,
                p=result.p,
                stars=significance_stars(result.p, thresholds),
            )
        )
    return rows


# --- Likert distributions ----------------------------------------------------------------------

LIKERT_SCALE: tuple[str, ...] = tuple(LikertValue.values)
# Blue for good, red for poor (ColorBrewer RdBu, colour-blind safe), greys for the answers off
# the scale; the table beside the chart gives the same figures.
LIKERT_COLOURS = ("#0571B0", "#92C5DE", "#BABABA", "#F4A582", "#CA0020", "#6E6E6E", "#3D3D3D")


@dataclass(frozen=True)
class LikertItem:
    question: Question
    this: Distribution
    last: Distribution | None


@dataclass
class LikertGroup:
    role: str
    role_label: str
    group: str
    items: list[LikertItem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.role_label}: {self.group}" if self.group else self.role_label


def _submitted_values(questions: list[Question]) -> dict[int, list[str]]:
    values: dict[int, list[str]] = defaultdict(list)
    answers = Answer.objects.filter(
        question__in=questions, invitation__status=InvitationStatus.SUBMITTED
    ).values_list("question_id", "value")
    for question_id, answer in answers:
        if isinstance(answer, str):
            values[question_id].append(answer)
    return values


def survey_likert(survey: Survey) -> list[LikertGroup]:
    """Per role and group the Likert items with their distribution this year and last year (the
    question with the same ``code`` in the same role's questionnaire of the year before)."""
    questions = list(
        Question.objects.filter(questionnaire__survey=survey, kind=QuestionKind.LIKERT)
        .select_related("questionnaire")
        .order_by("questionnaire__role", "position")
    )
    previous = previous_survey(survey)
    last_questions: dict[tuple[str, str], Question] = {}
    if previous:
        for q in Question.objects.filter(
            questionnaire__survey=previous, kind=QuestionKind.LIKERT
        ).select_related("questionnaire"):
            last_questions[(q.questionnaire.role, q.code)] = q
    values = _submitted_values([*questions, *last_questions.values()])
    labels = dict(SurveyRole.choices)
    role_order = {role: index for index, role in enumerate(SurveyRole.values)}
    groups: dict[tuple[str, str], LikertGroup] = {}
    for q in sorted(questions, key=lambda q: (role_order[q.questionnaire.role], q.position)):
        role = q.questionnaire.role
        key = (role, q.group)
        if key not in groups:
            groups[key] = LikertGroup(role=role, role_label=labels[role], group=q.group)
        last_q = last_questions.get((role, q.code))
        groups[key].items.append(
            LikertItem(
                question=q,
                this=likert_distribution(values.get(q.pk, []), scale=LIKERT_SCALE),
                last=likert_distribution(values.get(last_q.pk, []), scale=LIKERT_SCALE)
                if last_q
                else None,
            )
        )
    return list(groups.values())


def likert_chart_svg(group: LikertGroup, *, year: int, chart_id: str) -> str:
    """A 100 % stacked horizontal bar per item and year, this year above last year's."""
    from integrering.charts import Series, bar_chart

    categories: list[str] = []
    columns: list[Distribution] = []
    for item in group.items:
        # Wrapped, so that long statements leave room for the bars.
        text = item.question.text
        short = textwrap.fill(text if len(text) <= 80 else text[:79] + "…", 28)
        categories.append(f"{short}\n({year})")
        columns.append(item.this)
        if item.last is not None:
            categories.append(f"{short}\n({year - 1})")
            columns.append(item.last)
    series = [
        Series(name=label, values=[d.counts[code] for d in columns])
        for code, label in LikertValue.choices
    ]
    return bar_chart(
        title=group.title,
        categories=categories,
        series=series,
        stacked=True,
        horizontal=True,
        percent=True,
        colours=LIKERT_COLOURS,
        show_values=False,
        value_label="Andel av svarene",
        description=(
            "Fordelingen av svarene per påstand, i prosent av svarene"
            + (", i år og i fjor" if any(i.last for i in group.items) else "")
            + ". Tallene står i tabellen under figuren."
        ),
        chart_id=chart_id,
    )


# --- Open answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextQuestion:
    question: Question
    role_label: str
    answers: int


def survey_text_questions(survey: Survey) -> list[TextQuestion]:
    """The survey's free-text questions with their number of submitted answers."""
    labels = dict(SurveyRole.choices)
    questions = (
        Question.objects.filter(questionnaire__survey=survey, kind=QuestionKind.TEXT)
        .select_related("questionnaire")
        .annotate(
            answered=Count(
                "answers",
                filter=Q(answers__invitation__status=InvitationStatus.SUBMITTED),
            )
        )
    )
    role_order = {role: index for index, role in enumerate(SurveyRole.values)}
    return [
        TextQuestion(question=q, role_label=labels[q.questionnaire.role], answers=q.answered)  # type: ignore[attr-defined]
        for q in sorted(questions, key=lambda q: (role_order[q.questionnaire.role], q.position))
    ]


@dataclass(frozen=True)
class OpenAnswer:
    answer: Answer
    unit_name: str
    text: str
    tags: list[str]


@dataclass(frozen=True)
class TagGroup:
    name: str  # "" for the answers without a theme
    answers: list[OpenAnswer]


def open_answers(question: Question) -> list[OpenAnswer]:
    """A text question's submitted answers (not empty), with their unit and themes, by unit."""
    answers = (
        Answer.objects.filter(question=question, invitation__status=InvitationStatus.SUBMITTED)
        .select_related("invitation__municipality")
        .prefetch_related("tags")
        .order_by("invitation__municipality__number", "invitation__district_number")
    )
    found = []
    for answer in answers:
        text = answer.value if isinstance(answer.value, str) else ", ".join(answer.value or [])
        if not text.strip():
            continue
        found.append(
            OpenAnswer(
                answer=answer,
                unit_name=answer.invitation.unit_name,
                text=text,
                tags=sorted(t.name for t in answer.tags.all()),
            )
        )
    return found


def open_answer_groups(answers: list[OpenAnswer]) -> list[TagGroup]:
    """The answers by theme (an answer with two themes is under both), themes in alphabetical
    order, then the answers without a theme."""
    by_tag: dict[str, list[OpenAnswer]] = defaultdict(list)
    untagged = []
    for answer in answers:
        for tag in answer.tags:
            by_tag[tag].append(answer)
        if not answer.tags:
            untagged.append(answer)
    groups = [TagGroup(name=name, answers=by_tag[name]) for name in sorted(by_tag, key=str.lower)]
    if untagged:
        groups.append(TagGroup(name="", answers=untagged))
    return groups


def tag_names() -> list[str]:
    """Every theme in use, to suggest when the analyst tags an answer."""
    return list(AnswerTag.objects.values_list("name", flat=True).distinct().order_by("name"))


def answer_get(user: Any, answer_id: int) -> Answer:
    """One answer; 404 for anyone who is not an analyst, and for an unknown id."""
    if not is_analyst(user):
        raise NotFound(NOT_FOUND)
    answer = (
        Answer.objects.select_related("question__questionnaire__survey", "invitation")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None:
        raise NotFound(NOT_FOUND)
    return answer


def answer_tag_add(*, user: Any, answer: Answer, name: str) -> AnswerTag:
    """Give an open answer a theme (free text, at most 80 characters). Giving it a theme it has
    already is no error."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Skriv et tema."})
    if len(name) > TAG_MAX_LENGTH:
        raise ValidationError({"name": f"Temaet kan ha høyst {TAG_MAX_LENGTH} tegn."})
    if answer.question.kind != QuestionKind.TEXT:
        raise ValidationError("Bare fritekstsvar kan få tema.")
    tag, _ = AnswerTag.objects.get_or_create(answer=answer, name=name, defaults={"tagged_by": user})
    return tag


def answer_tag_remove(*, answer: Answer, name: str) -> bool:
    """Take a theme off an answer; False when it did not have it."""
    deleted, _ = AnswerTag.objects.filter(answer=answer, name=name).delete()
    return bool(deleted)


# --- Everything for the page, the report and the tables ---------------------------------------


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    rates: RatesTable
    correlations: list[CorrelationRow]
    likert: list[LikertGroup]
    text_questions: list[TextQuestion]
    features_count: int
    stars_legend: str


def survey_results(survey: Survey) -> SurveyResults:
    return SurveyResults(
        survey=survey,
        rates=survey_rates_table(survey),
        correlations=survey_correlations(survey),
        likert=survey_likert(survey),
        text_questions=survey_text_questions(survey),
        features_count=MunicipalFeatures.objects.filter(year=survey.year).count(),
        stars_legend=significance_legend(datetime.date(survey.year, 1, 1)),
    )
