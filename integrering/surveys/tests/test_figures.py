"""Three of seed 004's figures reproduced from answers shaped like the seed's, shares and N to one
decimal: figure 1 (the integration officers' rating of IMDi's services, a Likert scale with
«vet ikke» and «kjenner ikke til», advice on interpreters compared with 2020 and 2019), figure 5
(the chief executives' yes/no on the municipal plan, compared with 2020) and figure 21 (the
integration officers' multiple choice on starting Norwegian training, shares of respondents).
Also: every scale of the seed, the comparison across roles, and the years to compare with."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from integrering.organisations.models import Municipality
from integrering.surveys.models import (
    Answer,
    Invitation,
    InvitationStatus,
    Question,
    QuestionKind,
    Questionnaire,
    Survey,
    SurveyRole,
)
from integrering.surveys.scales import SCALES
from integrering.surveys.services.figure_charts import figure_svg, figure_table
from integrering.surveys.services.figures import (
    Figure,
    comparison_surveys,
    figures_all,
    role_count,
    survey_figures,
)
from integrering.surveys.tokens import token_new

pytestmark = pytest.mark.django_db
IA = SurveyRole.INTEGRATION_OFFICER
KD = SurveyRole.CHIEF_EXECUTIVE

NEWSLETTER = "Hvordan vurderer du IMDis nyhetsbrev?"
NORA = "Hvordan vurderer du NORA, IMDis nettportal om negativ sosial kontroll?"
INTERPRETER = "Hvordan vurderer du IMDis råd om bestilling og bruk av tolk?"
# Seed 004 figure 21 (N=131), in the seed's order (largest first, «Vet ikke» last).
START_CHOICES = [
    ("Muntlig oppstartsmodul (for alle spor/nivå) med løpende inntak", 69),
    ("Tilrettelagt opplæring for deltakere i omsorgspermisjon", 31),
    ("Tilpassing av tidspunkt på dagen for oppstart av undervisningen", 30),
    ("Særskilt tilrettelagt opplæring for deltakere med ulike helseutfordringer", 26),
    ("Annet", 24),
    ("Barnepass", 21),
    ("Digital norskopplæring (med lærer)", 14),
    ("Kveldsundervisning", 10),
    ("Vet ikke", 8),
]


def _survey(year: int) -> Survey:
    survey = Survey.objects.create(
        year=year,
        title=f"Kommuneundersøkelsen {year}",
        opens_on=datetime.date(year, 12, 13),
        closes_on=datetime.date(year + 1, 1, 17),
    )
    for role in SurveyRole:
        Questionnaire.objects.create(survey=survey, role=role, title=role.label)
    return survey


def _question(survey: Survey, role: str, code: str, kind: str, text: str, **extra: Any) -> Question:
    questionnaire = survey.questionnaires.get(role=role)
    return Question.objects.create(
        questionnaire=questionnaire,
        position=questionnaire.questions.count() + 1,
        code=code,
        kind=kind,
        text=text,
        **extra,
    )


MUNICIPALITIES: list[Municipality] = []


def _respondents(survey: Survey, role: str, count: int) -> list[Invitation]:
    """``count`` submitted invitations of one role (distinct municipalities)."""
    if not MUNICIPALITIES:
        MUNICIPALITIES.extend(Municipality.objects.filter(valid_to__isnull=True).order_by("number"))
    questionnaire = survey.questionnaires.get(role=role)
    taken = questionnaire.invitations.count()
    return Invitation.objects.bulk_create(
        Invitation(
            questionnaire=questionnaire,
            municipality=municipality,
            token_hash=token_new()[1],
            status=InvitationStatus.SUBMITTED,
        )
        for municipality in MUNICIPALITIES[taken : taken + count]
    )


def _answer(question: Question, invitations: Sequence[Invitation], values: Sequence[Any]) -> None:
    Answer.objects.bulk_create(
        Answer(invitation=invitation, question=question, value=value)
        for invitation, value in zip(invitations, values, strict=True)
    )


def _spread(counts: dict[str, int]) -> list[str]:
    return [value for value, n in counts.items() for _ in range(n)]


def _figure(sections: list[Any], title: str) -> Figure:
    return next(f for f in figures_all(sections) if f.title == title)


@pytest.fixture
def seed() -> Survey:
    """2021 with figures 1, 5 and 21 as the seed's; 2020 and 2019 with the interpreter advice
    (37 % and 21 % good or very good, seed 004 p. 13) and 2020 with figure 5 (64 % yes)."""
    this, last, before = _survey(2021), _survey(2020), _survey(2019)
    # Figure 1 (N=141).
    officers = _respondents(this, IA, 141)
    items = {
        "imdi_nyhetsbrev": (
            NEWSLETTER,
            {
                "svaert_god": 42,
                "god": 86,
                "verken_eller": 9,
                "darlig": 2,
                "vet_ikke": 1,
                "kjenner_ikke_til": 1,
            },
        ),
        "imdi_nora": (
            NORA,
            {
                "svaert_god": 14,
                "god": 50,
                "verken_eller": 15,
                "darlig": 4,
                "vet_ikke": 31,
                "kjenner_ikke_til": 27,
            },
        ),
        "imdi_tolk_rad": (
            INTERPRETER,
            {
                "svaert_god": 27,
                "god": 70,
                "verken_eller": 20,
                "darlig": 4,
                "svaert_darlig": 1,
                "vet_ikke": 12,
                "kjenner_ikke_til": 7,
            },
        ),
    }
    for code, (text, counts) in items.items():
        question = _question(this, IA, code, QuestionKind.LIKERT, text, group="IMDis tjenester")
        _answer(question, officers, _spread(counts))
    for survey, n, good in (
        (last, 200, {"god": 74, "verken_eller": 126}),
        (before, 190, {"svaert_god": 10, "god": 30, "darlig": 150}),
    ):
        question = _question(
            survey, IA, "imdi_tolk_rad", QuestionKind.LIKERT, INTERPRETER, group="IMDis tjenester"
        )
        _answer(question, _respondents(survey, IA, n), _spread(good))
    # Figure 21 (N=131): «Vet ikke» alone; the other choices spread over the 123 others.
    start = _question(
        this,
        IA,
        "norsk_oppstart",
        QuestionKind.MULTIPLE,
        "Hvordan tilrettelegger kommunen for at personer i målgruppen starter opplæring innen tre måneder?",
        choices=[c for c, _ in START_CHOICES],
    )
    chosen: list[list[str]] = [[] for _ in range(123)]
    pointer = itertools.cycle(range(123))
    for choice, n in START_CHOICES[:-1]:
        for _ in range(n):
            chosen[next(pointer)].append(choice)
    chosen += [["Vet ikke"]] * 8
    officers_21 = officers[:131]
    _answer(start, officers_21, chosen)
    # Figure 5 (N=99), and 2020 (N=140).
    plan = "Omtaler kommuneplanens samfunnsdel innvandrerbefolkningen?"
    for survey, counts in (
        (this, {"Ja": 60, "Nei": 34, "Vet ikke": 5}),
        (last, {"Ja": 90, "Nei": 45, "Vet ikke": 5}),
    ):
        question = _question(
            survey, KD, "planstrategi", QuestionKind.SINGLE, plan, choices=["Ja", "Nei", "Vet ikke"]
        )
        _answer(question, _respondents(survey, KD, sum(counts.values())), _spread(counts))
    return this


def test_figure_1_the_integration_officers_rating_of_imdis_services(seed: Survey) -> None:
    sections = survey_figures(seed, comparison_surveys(seed))
    figure = _figure(sections, "IMDis tjenester")
    assert figure.number == 2  # the chief executive's figure comes first, as the roles do
    assert [c.year for c in figure.columns] == [2021, 2020, 2019]
    assert [c.n for c in figure.columns] == [141, 200, 190]
    assert figure.caption == (
        "Figur 2 – Integreringsansvarlig (2021: N=141, 2020: N=200, 2019: N=190)"
    )
    assert figure.base.startswith("Andel av svarene fra 141 integreringsansvarlige i 2021, 200 i")
    # Sorted by «svært god eller god», highest first (91 %, 69 %, 45 %).
    assert [r.label for r in figure.rows] == [NEWSLETTER, INTERPRETER, NORA]
    newsletter, interpreter, nora = (r.cells for r in figure.rows)
    assert newsletter[0] is not None and newsletter[0].n == 141
    assert (newsletter[0].share("svaert_god"), newsletter[0].share("god")) == (
        Decimal("29.8"),
        Decimal("61.0"),
    )
    assert newsletter[1] is None and newsletter[2] is None  # not asked in 2020 and 2019
    assert nora[0] is not None
    assert nora[0].share_of(["svaert_god", "god"]) == Decimal("45.4")  # seed: 45 %
    assert nora[0].share("kjenner_ikke_til") == Decimal("19.1")  # seed: 19 %
    assert nora[0].share("vet_ikke") == Decimal("22.0")  # seed: 22 %
    # Advice on interpreters: 69 % in 2021, 37 % in 2020, 21 % in 2019 (seed 004 p. 13).
    assert [c.share_of(["svaert_god", "god"]) for c in interpreter if c] == [
        Decimal("68.8"),
        Decimal("37.0"),
        Decimal("21.1"),
    ]
    table = figure_table(figure)
    assert table.head[:3] == ["Påstand", "År", "Svært god"]
    assert table.head[-3:] == ["Vet ikke", "Kjenner ikke til", "N"]
    assert table.rows[0] == (
        NEWSLETTER,
        [
            "2021",
            "29,8\u00a0%",
            "61,0\u00a0%",
            "6,4\u00a0%",
            "1,4\u00a0%",
            "0,0\u00a0%",
            "0,7\u00a0%",
            "0,7\u00a0%",
            "141",
        ],
    )
    svg = figure_svg(figure)
    assert "N=141" in svg and "N=200" in svg and "N=190" in svg
    assert "Kjenner ikke til" in svg and "Vet ikke" in svg


def test_figure_5_the_chief_executives_yes_or_no_compared_with_2020(seed: Survey) -> None:
    figure = _figure(
        survey_figures(seed, comparison_surveys(seed)),
        "Omtaler kommuneplanens samfunnsdel innvandrerbefolkningen?",
    )
    assert figure.kind == QuestionKind.SINGLE
    assert [(c.year, c.n) for c in figure.columns] == [(2021, 99), (2020, 140)]
    assert figure.caption == "Figur 1 – Kommunedirektør (2021: N=99, 2020: N=140)"
    # In the questionnaire's order (Ja, Nei, Vet ikke); seed: 61 %, 34 %, 5 %; 64 % in 2020.
    assert [r.key for r in figure.rows] == ["Ja", "Nei", "Vet ikke"]
    assert [[c.share(r.key) for c in r.cells if c] for r in figure.rows] == [
        [Decimal("60.6"), Decimal("64.3")],
        [Decimal("34.3"), Decimal("32.1")],
        [Decimal("5.1"), Decimal("3.6")],
    ]
    table = figure_table(figure)
    assert table.head == ["Svar", "Andel 2021", "Andel 2020", "Antall 2021", "Antall 2020"]
    assert table.rows[-1] == ("Antall som svarte (N)", ["", "", "99", "140"])


def test_figure_21_multiple_choice_is_shares_of_respondents_not_of_answers(seed: Survey) -> None:
    figure = _figure(
        survey_figures(seed, []),
        "Hvordan tilrettelegger kommunen for at personer i målgruppen starter opplæring innen tre måneder?",
    )
    assert figure.kind == QuestionKind.MULTIPLE
    assert [c.n for c in figure.columns] == [131]
    assert figure.caption == "Figur 3 – Integreringsansvarlig (N=131)"
    assert "Andel av 131 integreringsansvarlige som svarte" in figure.base
    assert "mer enn 100 %" in figure.base
    # The seed's order and shares: 53, 24, 23, 20, 18, 16, 11, 8 and 6 % («Vet ikke» last).
    assert [r.key for r in figure.rows] == [c for c, _ in START_CHOICES]
    shares = [r.cells[0].share(r.key) for r in figure.rows if r.cells[0]]
    assert shares == [
        Decimal(s) for s in ("52.7", "23.7", "22.9", "19.8", "18.3", "16.0", "10.7", "7.6", "6.1")
    ]
    assert sum(shares) > 100


def test_every_scale_of_the_seed_is_a_figure_with_its_own_answers() -> None:
    survey = _survey(2021)
    people = _respondents(survey, IA, 4)
    for scale in SCALES.values():
        question = _question(
            survey,
            IA,
            f"q-{scale.code}",
            QuestionKind.LIKERT,
            f"Påstand på {scale.label}",
            group=scale.label,
            scale=scale.code,
        )
        _answer(
            question,
            people,
            [
                scale.steps[0].value,
                scale.steps[-1].value,
                scale.apart[0].value,
                scale.steps[1].value,
            ],
        )
    figures = {f.scale.code: f for f in figures_all(survey_figures(survey)) if f.scale}
    assert set(figures) == set(SCALES)
    for code, figure in figures.items():
        scale = SCALES[code]
        cell = figure.rows[0].cells[0]
        assert cell is not None and cell.n == 4
        assert cell.share(scale.steps[0].value) == Decimal("25.0")
        assert cell.share("vet_ikke") == Decimal("25.0")
        table = figure_table(figure)
        assert [a.label for a in (*scale.steps, *scale.apart)] == table.head[1:-1]
        svg = figure_svg(figure)
        for step in (*scale.steps, *scale.apart):
            assert f">{step.label}</text>" in svg  # every answer in the legend
    assert SCALES["usefulness"].steps[-1].label == "Svært lite nyttig"
    assert SCALES["challenge"].lead_label == "Svært utfordrende eller litt utfordrende"


def test_a_question_asked_of_several_roles_is_shown_side_by_side() -> None:
    survey = _survey(2021)
    officers, executives = _respondents(survey, IA, 4), _respondents(survey, KD, 2)
    for role, people, values in (
        (IA, officers, ["god", "god", "svaert_god", "vet_ikke"]),
        (KD, executives, ["darlig", "kjenner_ikke_til"]),
    ):
        question = _question(
            survey,
            role,
            "imdi_nyhetsbrev",
            QuestionKind.LIKERT,
            NEWSLETTER,
            group="IMDis tjenester",
        )
        _answer(question, people, values)
    sections = survey_figures(survey)
    assert [s.key for s in sections] == [KD, IA, "roller"]
    figure = sections[-1].figures[0]
    assert figure.by_roles
    assert figure.caption == (
        "Figur 3 – Kommunedirektør (KD) (N=2) og integreringsansvarlig (IA) (N=4)"
    )
    assert (
        figure.base
        == "Andel av svarene fra 2 kommunedirektører og 4 integreringsansvarlige som svarte."
    )
    kd, ia = figure.rows[0].cells
    assert kd is not None and ia is not None
    assert (kd.share("darlig"), ia.share("god")) == (Decimal("50.0"), Decimal("50.0"))
    assert figure_table(figure).head[1] == "Rolle"
    assert role_count(IA, 1) == "1 integreringsansvarlig"


def test_at_most_two_earlier_years_are_compared() -> None:
    surveys = [_survey(year) for year in (2018, 2019, 2020, 2021)]
    latest = surveys[-1]
    assert [s.year for s in comparison_surveys(latest)] == [2020, 2019]
    assert [s.year for s in comparison_surveys(latest, [2018])] == [2018]
    assert comparison_surveys(latest, []) == []
    with pytest.raises(ValidationError, match="høyst 2 år"):
        comparison_surveys(latest, [2018, 2019, 2020])
    with pytest.raises(ValidationError, match="ingen tidligere undersøkelse for 2017"):
        comparison_surveys(latest, [2017])
