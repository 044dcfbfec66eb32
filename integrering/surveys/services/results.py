"""The municipal survey's results from the database (seed 004): response rates per role and "at
least one answer" with last year's beside them (table 1), the correlation of each municipality's
number of answered questionnaires with its features (table 2), the figures of every question
(``figures.py``), and the open answers with the analyst's themes.

Only submitted invitations count as answers; a draft is not an answer. The statistics are in
``surveys/statistics.py`` (scipy); this module only gathers the figures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
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
    MunicipalFeatures,
    Question,
    QuestionKind,
    Survey,
    SurveyRole,
)
from ..selectors import NOT_FOUND
from ..statistics import (
    AtLeastOne,
    ResponseRates,
    RoleRate,
    StatisticsError,
    pearson,
    response_rates,
    significance_stars,
)
from .figures import FigureSection, comparison_surveys, survey_figures

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


# --- Open answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextQuestion:
    question: Question
    role_label: str
    answers: int
    themes: list[tuple[str, int]] = field(default_factory=list)  # (theme, answers), "" untagged


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
    themes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tagged = AnswerTag.objects.filter(
        answer__question__in=questions, answer__invitation__status=InvitationStatus.SUBMITTED
    ).values_list("answer__question_id", "name")
    for question_id, name in tagged:
        themes[question_id][name] += 1
    untagged = dict(
        Answer.objects.filter(
            question__in=questions,
            invitation__status=InvitationStatus.SUBMITTED,
            tags__isnull=True,
        )
        .exclude(value="")
        .values("question_id")
        .annotate(n=Count("pk"))
        .values_list("question_id", "n")
    )
    found = []
    for q in sorted(questions, key=lambda q: (role_order[q.questionnaire.role], q.position)):
        counts = sorted(themes[q.pk].items(), key=lambda pair: (-pair[1], pair[0].lower()))
        if untagged.get(q.pk):
            counts.append(("", untagged[q.pk]))
        found.append(
            TextQuestion(
                question=q,
                role_label=labels[q.questionnaire.role],
                answers=q.answered,  # type: ignore[attr-defined]
                themes=counts,
            )
        )
    return found


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
    sections: list[FigureSection]
    compared: list[int]  # the earlier years the figures are compared with, latest first
    text_questions: list[TextQuestion]
    features_count: int
    stars_legend: str


def survey_results(survey: Survey, compare_years: Sequence[int] | None = None) -> SurveyResults:
    """Everything the results page, the report and the API show. ``compare_years``: the earlier
    years the figures are compared with (by default the two latest; ``ValidationError`` for
    more than two, or a year without a survey)."""
    compared = comparison_surveys(survey, compare_years)
    return SurveyResults(
        survey=survey,
        rates=survey_rates_table(survey),
        correlations=survey_correlations(survey),
        sections=survey_figures(survey, compared),
        compared=[s.year for s in compared],
        text_questions=survey_text_questions(survey),
        features_count=MunicipalFeatures.objects.filter(year=survey.year).count(),
        stars_legend=significance_legend(datetime.date(survey.year, 1, 1)),
    )
