"""The municipal survey's figures (seed 004), one per question or Likert group, as data: each
with its N, its response base («av 142 integreringsansvarlige») and its table.

- **Per role**, in the questionnaire's order: the Likert items of one group and scale together
  (figures 1-4, 11, 13, 15, 16, 22-24), each single-choice question (yes/no: figures 5-8) and
  each multiple-choice question (figures 9, 14, 18, 19, 21, 28) alone. Each may show up to three
  survey years side by side: this year's and up to two earlier ones (seed 004 compares 2021 with
  2020 and 2019), matched by the question's ``code`` in the same role's questionnaire.
- **Across roles**: a question asked of several roles in the same year, one bar per role (seed
  004 figure 3: «Integreringsansvarlig (IA) (N=141) og kommunedirektør (KD) (N=99)»).

Shares are of those who answered the question (or, for a figure, N is those who answered at least
one of its items); a multiple-choice share is of respondents, not of answers, so they add up to
more than 100 %. Likert shares are of all answers to the item, «vet ikke» and «kjenner ikke til»
included, and those two are shown apart from the scale. Shares have one decimal, rounded half up
on the exact fraction.

Sorted as the seed sorts: Likert items by the headline share («svært god eller god») of this
year, highest first; multiple choices by share, highest first, with «Vet ikke» last; single
choices in the questionnaire's order (figure 26: Ja, Nei, Vet ikke).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from integrering.ui.numbers import number_nb, percent_one_decimal

from ..models import Answer, InvitationStatus, Question, QuestionKind, Survey, SurveyRole
from ..scales import Scale, scale_of

# Seed 004 compares 2021 with 2020 and 2019: three years side by side at most.
COMPARED_MAX = 2
# (singular, plural) of each role in a response base: «av 142 integreringsansvarlige».
ROLE_NOUNS: dict[str, tuple[str, str]] = {
    SurveyRole.CHIEF_EXECUTIVE: ("kommunedirektør", "kommunedirektører"),
    SurveyRole.INTEGRATION_OFFICER: ("integreringsansvarlig", "integreringsansvarlige"),
    SurveyRole.HEAD_OF_EDUCATION: ("skole-/oppvekstsjef", "skole-/oppvekstsjefer"),
}
# Seed 004 figure 3 marks the roles IA and KD.
ROLE_SHORT: dict[str, str] = {
    SurveyRole.CHIEF_EXECUTIVE: "KD",
    SurveyRole.INTEGRATION_OFFICER: "IA",
    SurveyRole.HEAD_OF_EDUCATION: "SO",
}
DONT_KNOW_CHOICES = frozenset({"vet ikke"})
UNGROUPED = "Vurderinger"


def role_count(role: str, n: int) -> str:
    """«1 integreringsansvarlig», «142 integreringsansvarlige»."""
    singular, plural = ROLE_NOUNS[role]
    return f"{number_nb(n)} {singular if n == 1 else plural}"


@dataclass(frozen=True)
class Column:
    """A year's or a role's answers to a figure, and how many answered (N)."""

    key: str
    label: str
    short: str
    role: str
    year: int
    n: int


@dataclass(frozen=True)
class Cell:
    """One item's (or choice's) answers in one column: counts and the number who answered."""

    n: int
    counts: dict[str, int]

    def count(self, key: str) -> int:
        return self.counts.get(key, 0)

    def share(self, key: str) -> Decimal:
        return percent_one_decimal(self.counts.get(key, 0), self.n)

    def share_of(self, keys: Sequence[str]) -> Decimal:
        return percent_one_decimal(sum(self.counts.get(k, 0) for k in keys), self.n)


@dataclass(frozen=True)
class Row:
    key: str  # the item's question code, or the choice
    label: str
    cells: tuple[Cell | None, ...]  # one per column; None where it was not asked


@dataclass(frozen=True)
class Figure:
    number: int
    slug: str
    kind: str  # QuestionKind: likert, single or multiple
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    scale: Scale | None
    by_roles: bool

    @property
    def caption(self) -> str:
        """«Figur 3 – Integreringsansvarlig (IA) (N=141) og kommunedirektør (KD) (N=99)»."""
        return f"Figur {self.number} – {self.subject}"

    @property
    def subject(self) -> str:
        if self.by_roles:
            parts = [
                f"{c.label if i == 0 else c.label[0].lower() + c.label[1:]} ({c.short}) "
                f"(N={number_nb(c.n)})"
                for i, c in enumerate(self.columns)
            ]
            return ", ".join(parts[:-1]) + " og " + parts[-1]
        first = self.columns[0]
        label = dict(SurveyRole.choices)[first.role]
        if len(self.columns) == 1:
            return f"{label} (N={number_nb(first.n)})"
        years = ", ".join(f"{c.year}: N={number_nb(c.n)}" for c in self.columns)
        return f"{label} ({years})"

    @property
    def base(self) -> str:
        """The response base: «Andel av 142 integreringsansvarlige som svarte.»"""
        if self.by_roles:
            counts = [role_count(c.role, c.n) for c in self.columns]
            who = ", ".join(counts[:-1]) + " og " + counts[-1]
        else:
            first = self.columns[0]
            who = role_count(first.role, first.n)
            if len(self.columns) > 1:
                who += f" i {first.year}" + "".join(
                    f", {number_nb(c.n)} i {c.year}" for c in self.columns[1:]
                )
        what = "Andel av svarene fra" if self.kind == QuestionKind.LIKERT else "Andel av"
        text = f"{what} {who} som svarte."
        if self.kind == QuestionKind.MULTIPLE:
            text += " Flere svar var mulig, så andelene summerer til mer enn 100 %."
        return text

    @property
    def multi(self) -> bool:
        return len(self.columns) > 1


@dataclass(frozen=True)
class FigureSection:
    key: str
    title: str
    figures: list[Figure]


# --- Which years ------------------------------------------------------------------------------


def comparison_surveys(survey: Survey, years: Sequence[int] | None = None) -> list[Survey]:
    """The earlier surveys a figure is compared with, latest first: by default the two latest
    before ``survey``; or the ``years`` chosen (at most two, each an earlier survey's)."""
    earlier = list(Survey.objects.filter(year__lt=survey.year).order_by("-year"))
    if years is None:
        return earlier[:COMPARED_MAX]
    wanted = set(years)
    unknown = sorted(wanted - {s.year for s in earlier})
    if unknown:
        raise ValidationError(
            {
                "years": [
                    f"Det finnes ingen tidligere undersøkelse for {', '.join(map(str, unknown))}."
                ]
            }
        )
    if len(wanted) > COMPARED_MAX:
        raise ValidationError(
            {
                "years": [
                    f"Velg høyst {COMPARED_MAX} år å sammenligne med, så figuren viser høyst "
                    f"{COMPARED_MAX + 1} år."
                ]
            }
        )
    return [s for s in earlier if s.year in wanted]


# --- Gathering the answers ------------------------------------------------------------------


@dataclass
class _Answers:
    """Submitted answers per question id, as (invitation id, value)."""

    by_question: dict[int, list[tuple[int, Any]]]

    def likert(self, question: Question, scale: Scale) -> Cell:
        allowed = set(scale.values)
        counts = dict.fromkeys(scale.values, 0)
        for _, value in self.by_question.get(question.pk, []):
            if isinstance(value, str) and value in allowed:
                counts[value] += 1
        return Cell(n=sum(counts.values()), counts=counts)

    def likert_respondents(self, questions: Sequence[Question], scale: Scale) -> int:
        allowed = set(scale.values)
        return len(
            {
                invitation
                for q in questions
                for invitation, value in self.by_question.get(q.pk, [])
                if isinstance(value, str) and value in allowed
            }
        )

    def choices(self, question: Question) -> tuple[int, dict[str, int]]:
        """How many answered the question, and how many chose each choice."""
        counts: dict[str, int] = defaultdict(int)
        answered = set()
        for invitation, value in self.by_question.get(question.pk, []):
            chosen = value if isinstance(value, list) else [value]
            chosen = [c for c in chosen if isinstance(c, str) and c]
            if not chosen:
                continue
            answered.add(invitation)
            for choice in dict.fromkeys(chosen):
                counts[choice] += 1
        return len(answered), dict(counts)


def _answers(questions: Sequence[Question]) -> _Answers:
    by_question: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    rows = Answer.objects.filter(
        question__in=[q.pk for q in questions], invitation__status=InvitationStatus.SUBMITTED
    ).values_list("question_id", "invitation_id", "value")
    for question_id, invitation_id, value in rows:
        by_question[question_id].append((invitation_id, value))
    return _Answers(by_question)


# --- Building the figures ----------------------------------------------------------------------


def _likert_figure(
    answers: _Answers,
    columns: list[tuple[str, str, str, int, list[Question | None]]],
    items: list[Question],
    scale: Scale,
) -> tuple[list[Column], list[Row]]:
    """Columns (key, label, short, year, the items' questions in that column) to a figure."""
    made_columns = []
    cells_per_item: list[list[Cell | None]] = [[] for _ in items]
    for key, label, short, year, questions in columns:
        present = [q for q in questions if q is not None]
        role = present[0].questionnaire.role if present else ""
        made_columns.append(
            Column(key, label, short, role, year, answers.likert_respondents(present, scale))
        )
        for index, question in enumerate(questions):
            cells_per_item[index].append(answers.likert(question, scale) if question else None)
    lead = [s.value for s in scale.steps[: scale.lead]]
    rows = [
        Row(key=item.code, label=item.text, cells=tuple(cells))
        for item, cells in zip(items, cells_per_item, strict=True)
    ]
    order = {row.key: i for i, row in enumerate(rows)}
    rows.sort(
        key=lambda r: (
            -(r.cells[0].share_of(lead) if r.cells[0] is not None else Decimal(-1)),
            order[r.key],
        )
    )
    return made_columns, rows


def _choice_figure(
    answers: _Answers,
    columns: list[tuple[str, str, str, int, Question]],
    kind: str,
) -> tuple[list[Column], list[Row]]:
    choices: list[str] = []
    tallies = []
    made_columns = []
    for key, label, short, year, question in columns:
        n, counts = answers.choices(question)
        made_columns.append(Column(key, label, short, question.questionnaire.role, year, n))
        tallies.append((n, counts))
        for choice in [*question.choices, *sorted(counts)]:
            if choice not in choices:
                choices.append(choice)
    rows = [
        Row(
            key=choice,
            label=choice,
            cells=tuple(Cell(n=n, counts={choice: counts.get(choice, 0)}) for n, counts in tallies),
        )
        for choice in choices
    ]
    if kind == QuestionKind.MULTIPLE:
        order = {row.key: i for i, row in enumerate(rows)}
        rows.sort(
            key=lambda r: (
                r.key.strip().lower() in DONT_KNOW_CHOICES,
                -(r.cells[0].share(r.key) if r.cells[0] is not None else Decimal(0)),
                order[r.key],
            )
        )
    return made_columns, rows


def survey_figures(survey: Survey, compared: Sequence[Survey] = ()) -> list[FigureSection]:
    """Every figure of the survey: a section per role (compared with ``compared``, the earlier
    surveys), then the questions asked of several roles side by side."""
    surveys = [survey, *compared[:COMPARED_MAX]]
    questions = list(
        Question.objects.filter(questionnaire__survey__in=surveys)
        .exclude(kind=QuestionKind.TEXT)
        .select_related("questionnaire__survey")
        .order_by("position")
    )
    answers = _answers(questions)
    by_key: dict[tuple[int, str, str], Question] = {
        (q.questionnaire.survey.year, q.questionnaire.role, q.code): q for q in questions
    }
    labels = dict(SurveyRole.choices)
    sections: list[FigureSection] = []
    number = 0

    def _next(slug: str) -> tuple[int, str]:
        nonlocal number
        number += 1
        return number, f"figur-{number}-{slug}"

    for role in SurveyRole.values:
        own = [
            q
            for q in questions
            if q.questionnaire.survey_id == survey.pk and q.questionnaire.role == role
        ]
        figures: list[Figure] = []
        done: set[tuple[str, str]] = set()
        for question in own:
            if question.kind == QuestionKind.LIKERT:
                group_key = (question.group, question.scale)
                if group_key in done:
                    continue
                done.add(group_key)
                scale = scale_of(question.scale)
                items = [
                    q
                    for q in own
                    if q.kind == QuestionKind.LIKERT and (q.group, q.scale) == group_key
                ]
                columns = []
                for other in surveys:
                    matched: list[Question | None] = []
                    for item in items:
                        found = by_key.get((other.year, role, item.code))
                        same = (
                            found is not None
                            and found.kind == QuestionKind.LIKERT
                            and found.scale == item.scale
                        )
                        matched.append(found if same else None)
                    if other is survey or any(matched):
                        columns.append(
                            (str(other.year), str(other.year), str(other.year), other.year, matched)
                        )
                made, rows = _likert_figure(answers, columns, items, scale)
                num, slug = _next(f"{role}-{question.code}")
                figures.append(
                    Figure(
                        num,
                        slug,
                        QuestionKind.LIKERT,
                        question.group or UNGROUPED,
                        tuple(made),
                        tuple(rows),
                        scale,
                        False,
                    )
                )
            else:
                columns_c = []
                for other in surveys:
                    found = by_key.get((other.year, role, question.code))
                    if found is not None and found.kind == question.kind:
                        columns_c.append(
                            (str(other.year), str(other.year), str(other.year), other.year, found)
                        )
                made, rows = _choice_figure(answers, columns_c, question.kind)
                num, slug = _next(f"{role}-{question.code}")
                figures.append(
                    Figure(
                        num,
                        slug,
                        question.kind,
                        question.text,
                        tuple(made),
                        tuple(rows),
                        None,
                        False,
                    )
                )
        if figures:
            sections.append(FigureSection(role, labels[role], figures))

    shared = _role_figures(survey, questions, answers, _next)
    if shared:
        sections.append(FigureSection("roller", "Sammenligning mellom roller", shared))
    return sections


def _role_figures(
    survey: Survey, questions: list[Question], answers: _Answers, next_number: Any
) -> list[Figure]:
    """The questions asked of several roles this year: one bar per role."""
    this_year = [q for q in questions if q.questionnaire.survey_id == survey.pk]
    by_code: dict[str, dict[str, Question]] = defaultdict(dict)
    for q in this_year:
        by_code[q.code][q.questionnaire.role] = q
    labels = dict(SurveyRole.choices)
    figures: list[Figure] = []
    done: set[Any] = set()
    for q in sorted(
        this_year, key=lambda q: (SurveyRole.values.index(q.questionnaire.role), q.position)
    ):
        asked = by_code[q.code]
        roles = [
            r
            for r in SurveyRole.values
            if r in asked
            and asked[r].kind == q.kind
            and (q.kind != QuestionKind.LIKERT or asked[r].scale == q.scale)
        ]
        if len(roles) < 2:
            continue
        if q.kind == QuestionKind.LIKERT:
            key: Any = ("likert", q.group, q.scale, tuple(roles))
            if key in done:
                continue
            done.add(key)
            items = [
                x
                for x in this_year
                if x.questionnaire.role == q.questionnaire.role
                and x.kind == QuestionKind.LIKERT
                and (x.group, x.scale) == (q.group, q.scale)
                and all(
                    r in by_code[x.code]
                    and by_code[x.code][r].kind == QuestionKind.LIKERT
                    and by_code[x.code][r].scale == x.scale
                    for r in roles
                )
            ]
            columns: list[tuple[str, str, str, int, list[Question | None]]] = [
                (r, labels[r], ROLE_SHORT[r], survey.year, [by_code[x.code][r] for x in items])
                for r in roles
            ]
            made, rows = _likert_figure(answers, columns, items, scale_of(q.scale))
            num, slug = next_number(f"roller-{q.code}")
            figures.append(
                Figure(
                    num,
                    slug,
                    QuestionKind.LIKERT,
                    q.group or UNGROUPED,
                    tuple(made),
                    tuple(rows),
                    scale_of(q.scale),
                    True,
                )
            )
        else:
            key = ("choice", q.code)
            if key in done:
                continue
            done.add(key)
            columns_c = [(r, labels[r], ROLE_SHORT[r], survey.year, asked[r]) for r in roles]
            made, rows = _choice_figure(answers, columns_c, q.kind)
            num, slug = next_number(f"roller-{q.code}")
            figures.append(Figure(num, slug, q.kind, q.text, tuple(made), tuple(rows), None, True))
    return figures


def figures_all(sections: Sequence[FigureSection]) -> list[Figure]:
    return [figure for section in sections for figure in section.figures]
