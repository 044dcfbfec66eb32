"""The municipal survey's results from a survey made with the factories: table 1 with last
year's rates, table 2 against scipy, Likert distributions compared with last year, open answers
with themes, the PDF report (read back with pypdf) and the Excel tables (read back with
openpyxl), the API, and that no one but an analyst reaches any of it."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from scipy import stats

from conftest import client_for
from integrering.accounts.roles import Role
from integrering.organisations.models import Municipality
from integrering.surveys.models import AnswerTag, ReportBuild, Survey, SurveyRole
from integrering.surveys.services.figures import comparison_surveys, survey_figures
from integrering.surveys.services.report_build import report_build_run
from integrering.surveys.services.results import (
    answered_per_municipality,
    survey_correlations,
    survey_rates_table,
)
from integrering.surveys.testing import make_features, make_invitation, make_submitted, make_survey
from integrering.testing import make_user

pytestmark = pytest.mark.django_db
ROLES = [SurveyRole.INTEGRATION_OFFICER, SurveyRole.CHIEF_EXECUTIVE, SurveyRole.HEAD_OF_EDUCATION]


@dataclass
class Fixture:
    survey: Survey
    last: Survey
    numbers: list[str]
    answered: dict[str, int]
    centrality: dict[str, int]


@pytest.fixture
def results() -> Fixture:
    """Eight municipalities; municipality i answers i % 4 of the roles (integration officer
    first), its centrality grows with i but not in step; last year two were invited."""
    survey = make_survey(year=2026)
    last = make_survey(year=2025)
    numbers = list(
        Municipality.objects.filter(valid_to__isnull=True)
        .exclude(number="0301")
        .order_by("number")
        .values_list("number", flat=True)[:8]
    )
    answered: dict[str, int] = {}
    centrality: dict[str, int] = {}
    questionnaires = {q.role: q for q in survey.questionnaires.all()}
    for i, number in enumerate(numbers):
        answered[number] = i % 4
        centrality[number] = 100 * i + (37 * i) % 150
        make_features(
            number,
            year=2026,
            population=5_000 + 1_000 * i,
            immigrants=300 + 50 * (i % 3),
            centrality=centrality[number],
            settled_last_5_years=10 * i,
            settled_last_10_years=20 * i + (i % 2),
        )
        for k, role in enumerate(ROLES):
            invitation, _ = make_invitation(questionnaires[role], number)
            if k < answered[number]:
                make_submitted(
                    invitation,
                    {
                        "samarbeid_imdi": "svaert_god" if i % 2 else "god",
                        "bosetting_plan": "Nei",
                        "bosetting_plan_hvorfor": f"Mangler boliger i kommune {number}",
                    },
                )
    last_io = last.questionnaires.get(role=SurveyRole.INTEGRATION_OFFICER)
    first, _ = make_invitation(last_io, numbers[0])
    make_invitation(last_io, numbers[1])
    make_submitted(first, {"samarbeid_imdi": "darlig"})
    return Fixture(survey, last, numbers, answered, centrality)


@pytest.fixture
def analyst() -> Client:
    return client_for(make_user(roles=[Role.ANALYST]))


def test_table_1_has_this_year_and_last_year(results: Fixture) -> None:
    table = survey_rates_table(results.survey)
    rows = {row.label: row for row in table.rows}
    io_row = rows["Integreringsansvarlig"]
    assert (io_row.this.invited, io_row.this.answered) == (8, 6)  # type: ignore[union-attr]
    assert str(io_row.this.percent) == "75.0"  # type: ignore[union-attr]
    assert (io_row.last.invited, io_row.last.answered) == (2, 1)  # type: ignore[union-attr]
    assert rows["Kommunedirektør"].this.answered == 4  # type: ignore[union-attr]
    assert rows["Skole-/oppvekstsjef"].this.answered == 2  # type: ignore[union-attr]
    assert rows["Minst en besvarelse"].this.answered == 6  # type: ignore[union-attr]
    assert table.last_year == 2025


def test_table_2_matches_scipy_on_the_answered_counts(results: Fixture) -> None:
    counts = answered_per_municipality(results.survey)
    by_number = {Municipality.objects.get(pk=pk).number: count for pk, count in counts.items()}
    assert by_number == results.answered
    rows = {row.feature: row for row in survey_correlations(results.survey)}
    xs = [results.centrality[n] for n in results.numbers]
    ys = [results.answered[n] for n in results.numbers]
    expected = stats.pearsonr(xs, ys)
    assert rows["centrality"].n == 8
    assert rows["centrality"].r == pytest.approx(float(expected.statistic), abs=1e-12)
    assert rows["centrality"].p == pytest.approx(float(expected.pvalue), rel=1e-9)
    share = [(300 + 50 * (i % 3)) / (5_000 + 1_000 * i) for i in range(8)]
    assert rows["immigrant_share"].r == pytest.approx(
        float(stats.pearsonr(share, ys).statistic), abs=1e-12
    )
    p = rows["centrality"].p
    assert p is not None
    assert rows["centrality"].stars == (
        "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""
    )


def test_likert_items_are_compared_with_last_year_by_code(results: Fixture) -> None:
    sections = survey_figures(results.survey, comparison_surveys(results.survey))
    by_role = {s.key: s.figures for s in sections}
    figure = next(f for f in by_role[SurveyRole.INTEGRATION_OFFICER] if f.kind == "likert")
    assert [c.year for c in figure.columns] == [2026, 2025]
    row = figure.rows[0]
    assert row.key == "samarbeid_imdi"
    this, last = row.cells
    assert this is not None and this.count("svaert_god") + this.count("god") == 6
    assert last is not None and last.count("darlig") == 1 and last.n == 1
    chief = next(f for f in by_role[SurveyRole.CHIEF_EXECUTIVE] if f.kind == "likert")
    chief_last = chief.rows[0].cells[1]
    assert chief_last is not None and chief_last.n == 0


def test_the_results_page_shows_the_tables_the_chart_and_the_links(
    results: Fixture, analyst: Client
) -> None:
    response = analyst.get(
        reverse("surveys:survey-results", kwargs={"survey_id": results.survey.pk})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tabell 1" in html and "Minst en besvarelse" in html and "75,0&nbsp;%" in html
    assert "Tabell 2" in html and "Sentralitet" in html
    assert "*** p &lt; 0,01" in html  # the legend from surveys/significance_stars
    assert "<svg" in html and 'role="img"' in html
    text_question = results.survey.questionnaires.get(
        role=SurveyRole.INTEGRATION_OFFICER
    ).questions.get(code="bosetting_plan_hvorfor")
    assert reverse("surveys:open-answers", kwargs={"question_id": text_question.pk}) in html
    assert reverse("surveys:survey-report", kwargs={"survey_id": results.survey.pk}) in html
    assert reverse("surveys:survey-tables-xlsx", kwargs={"survey_id": results.survey.pk}) in html
    # A figure per question: its caption with N, its chart and its table.
    assert "Figur 1 – Kommunedirektør (2026: N=4, 2025: N=0)" in html
    assert "Andel av 6 integreringsansvarlige i 2026, 0 i 2025 som svarte." in html


def test_the_analyst_tags_open_answers_and_they_are_grouped_by_theme(
    results: Fixture, analyst: Client
) -> None:
    question = results.survey.questionnaires.get(role=SurveyRole.INTEGRATION_OFFICER).questions.get(
        code="bosetting_plan_hvorfor"
    )
    url = reverse("surveys:open-answers", kwargs={"question_id": question.pk})
    answers = list(question.answers.order_by("pk"))
    assert len(answers) == 6
    for answer in answers[:2]:
        response = analyst.post(
            reverse("surveys:answer-tag", kwargs={"answer_id": answer.pk}),
            {"name": "  Mangel på   boliger ", "action": "add"},
        )
        assert response.status_code == 302
    analyst.post(
        reverse("surveys:answer-tag", kwargs={"answer_id": answers[0].pk}),
        {"name": "Økonomi", "action": "add"},
    )
    assert AnswerTag.objects.filter(name="Mangel på boliger").count() == 2
    html = analyst.get(url).content.decode()
    assert "Tema: Mangel på boliger (2)" in html
    assert "Tema: Økonomi (1)" in html
    assert "Uten tema (4)" in html
    assert '<option value="Mangel på boliger">' in html
    assert answers[0].invitation.unit_name in html
    analyst.post(
        reverse("surveys:answer-tag", kwargs={"answer_id": answers[0].pk}),
        {"name": "Økonomi", "action": "remove"},
    )
    assert not AnswerTag.objects.filter(name="Økonomi").exists()
    # a theme must have a name
    analyst.post(reverse("surveys:answer-tag", kwargs={"answer_id": answers[0].pk}), {"name": " "})
    assert AnswerTag.objects.count() == 2


def test_the_pdf_report_has_the_tables_and_the_open_answers(
    results: Fixture, analyst: Client
) -> None:
    question = results.survey.questionnaires.get(role=SurveyRole.INTEGRATION_OFFICER).questions.get(
        code="bosetting_plan_hvorfor"
    )
    analyst.post(
        reverse("surveys:answer-tag", kwargs={"answer_id": question.answers.first().pk}),  # type: ignore[union-attr]
        {"name": "Boligmangel", "action": "add"},
    )
    start = analyst.post(
        reverse("surveys:survey-report", kwargs={"survey_id": results.survey.pk}),
        {"years": ["2025"]},
    )
    build = ReportBuild.objects.get()
    assert start.status_code == 302 and start["Location"].endswith(f"/rapport/{build.pk}/")
    assert build.status == "queued" and build.compare_years == [2025]
    report_build_run(build.pk)
    response = analyst.get(
        reverse(
            "surveys:survey-report-pdf",
            kwargs={"survey_id": results.survey.pk, "report_build_id": build.pk},
        )
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Tabell 1",
        "Integreringsansvarlig",
        "Minst en besvarelse",
        "Tabell 2",
        "Sentralitet",
        "Tema: Boligmangel",
        "Mangler boliger i kommune",
    ):
        assert expected in text, expected


def test_the_excel_tables_have_one_sheet_per_table(results: Fixture, analyst: Client) -> None:
    response = analyst.get(
        reverse("surveys:survey-tables-xlsx", kwargs={"survey_id": results.survey.pk})
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Tabell 1", "Tabell 2", "Figurer", "Åpne svar"]
    table_1 = list(workbook["Tabell 1"].iter_rows(min_row=2, values_only=True))
    assert table_1[0][1:4] == ("Invitert 2026", "Besvart 2026", "Prosent 2026")
    assert ("Integreringsansvarlig", 8, 6, 75.0, 2, 1, 50.0) in table_1
    table_2 = {row[0]: row for row in workbook["Tabell 2"].iter_rows(min_row=3, values_only=True)}
    centrality = next(r for r in survey_correlations(results.survey) if r.feature == "centrality")
    assert table_2["Sentralitet"][1] == pytest.approx(centrality.r)
    figures = list(workbook["Figurer"].iter_rows(min_row=3, values_only=True))
    # (figure, title, code, item, year, year or role, answer, count, share, N)
    assert any(
        row[2] == "samarbeid_imdi"
        and row[4] == 2025
        and row[6] == "Dårlig"
        and row[7] == 1
        and row[8] == 100.0
        and row[9] == 1
        for row in figures
    )
    assert len(list(workbook["Åpne svar"].iter_rows(min_row=3))) == 6 + 4 + 2


def test_the_api_gives_the_results_and_tags(results: Fixture, analyst: Client) -> None:
    data = analyst.get(f"/api/v1/surveys/{results.survey.pk}/results").json()
    assert data["last_year"] == 2025
    assert data["response_rates"][-1]["label"] == "Minst en besvarelse"
    assert data["response_rates"][-1]["this_year"]["percent"] == 75.0
    assert {c["feature"] for c in data["correlations"]} >= {"centrality", "population"}
    question_id = next(
        q["question_id"] for q in data["text_questions"] if q["role"] == "integration_officer"
    )
    answers = analyst.get(f"/api/v1/surveys/questions/{question_id}/open-answers").json()
    assert len(answers) == 6
    answer_id = answers[0]["answer_id"]
    tagged = analyst.post(
        f"/api/v1/surveys/answers/{answer_id}/tags",
        {"name": "Bolig"},
        content_type="application/json",
    )
    assert tagged.json()["tags"] == ["Bolig"]
    removed = analyst.delete(f"/api/v1/surveys/answers/{answer_id}/tags?name=Bolig")
    assert removed.json()["tags"] == []


def test_a_survey_without_features_says_so(analyst: Client) -> None:
    survey = make_survey(year=2030)
    html = analyst.get(
        reverse("surveys:survey-results", kwargs={"survey_id": survey.pk})
    ).content.decode()
    assert "Det er ikke importert kjennetegn for 2030" in html
    assert "minst 3 rader" in html


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_user(municipality_number="0301", roles=[Role.MUNICIPAL_LEADER]),
        lambda: make_user(),  # a settlement planner of the directorate
    ],
)
def test_no_one_but_an_analyst_reaches_an_object(results: Fixture, make: object) -> None:
    client = client_for(make())  # type: ignore[operator]
    survey_id = results.survey.pk
    question = results.survey.questionnaires.first().questions.get(code="bosetting_plan_hvorfor")  # type: ignore[union-attr]
    answer = question.answers.first()
    assert answer is not None
    build = ReportBuild.objects.create(survey=results.survey)
    assert (
        client.post(reverse("surveys:survey-report", kwargs={"survey_id": survey_id})).status_code
        == 404
    )
    for name, kwargs in (
        ("surveys:survey-results", {"survey_id": survey_id}),
        ("surveys:survey-report-build", {"survey_id": survey_id, "report_build_id": build.pk}),
        ("surveys:survey-report-pdf", {"survey_id": survey_id, "report_build_id": build.pk}),
        ("surveys:survey-tables-xlsx", {"survey_id": survey_id}),
        ("surveys:open-answers", {"question_id": question.pk}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    tag_url = reverse("surveys:answer-tag", kwargs={"answer_id": answer.pk})
    assert client.post(tag_url, {"name": "x", "action": "add"}).status_code == 404
    assert not AnswerTag.objects.exists()
    assert client.get(f"/api/v1/surveys/{survey_id}/results").status_code == 404
    assert client.get(f"/api/v1/surveys/{survey_id}/report/{build.pk}").status_code == 404
    assert (
        client.post(
            f"/api/v1/surveys/{survey_id}/report", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert ReportBuild.objects.count() == 1
    assert client.get(f"/api/v1/surveys/questions/{question.pk}/open-answers").status_code == 404
    assert client.get(reverse("surveys:features")).status_code == 403
