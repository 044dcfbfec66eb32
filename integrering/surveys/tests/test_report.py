"""The report as PDF, built by the background worker: queued from the page or the API, its
progress step by step, and the PDF read back with pypdf: a title page without a page number, a
table of contents whose page numbers are right, «Side n av m» on every other page, each figure's
heading on the page of its chart, the figures as vector text (not pictures), and the open
answers by theme."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conftest import client_for
from integrering.accounts.roles import Role
from integrering.jobs import JobStatus
from integrering.surveys.models import ReportBuild, Survey, SurveyRole
from integrering.surveys.report import survey_report_pdf
from integrering.surveys.services.figures import figures_all, survey_figures
from integrering.surveys.services.report_build import report_build_run
from integrering.surveys.services.report_queue import ALREADY_BUILDING, report_build_start
from integrering.surveys.testing import make_invitation, make_submitted, make_survey
from integrering.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey() -> Survey:
    """2026 and 2025, each with a few answers of every kind in every role."""
    this, last = make_survey(year=2026), make_survey(year=2025)
    for survey, count in ((this, 5), (last, 3)):
        for questionnaire in survey.questionnaires.all():
            for i, number in enumerate(["0301", "4601", "5001", "1103", "3201"][:count]):
                invitation, _ = make_invitation(questionnaire, number)
                make_submitted(
                    invitation,
                    {
                        "samarbeid_imdi": ["svaert_god", "god", "vet_ikke", "darlig"][i % 4],
                        "bosetting_plan": ["Ja", "Nei"][i % 2],
                        "tiltak": ["Arbeidspraksis", "Språkpraksis"][: 1 + i % 2],
                        **({"bosetting_plan_hvorfor": f"Mangler boliger ({i})"} if i % 2 else {}),
                    },
                )
    return this


@pytest.fixture
def analyst() -> Client:
    return client_for(make_user(roles=[Role.ANALYST]))


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pdf_has_a_title_page_a_table_of_contents_and_page_numbers(survey: Survey) -> None:
    pdf, count = survey_report_pdf(survey)
    pages = _pages(pdf)
    assert len(pages) == count >= 5
    # The title page: the title, no page number.
    assert "Kommuneundersøkelsen 2026" in pages[0] and "Rapport med tabeller og figurer" in pages[0]
    assert "Side " not in pages[0]
    assert "Figurene sammenligner med 2025" in pages[0]
    # Every other page is numbered «Side n av m».
    for number, text in enumerate(pages[1:], start=2):
        assert f"Side {number} av {count}" in text, number
    # The table of contents: each chapter and figure with the page it starts on.
    toc = pages[1]
    assert "Innhold" in toc
    figures = figures_all(survey_figures(survey, [Survey.objects.get(year=2025)]))
    assert len(figures) == 3 * 3 + 3  # three roles of three figures, three across roles
    entries = {
        title: int(page)
        for title, page in re.findall(r"(Figur \d+) –[^\n]*?\.{3,}\s*(\d+)", toc.replace("\n", " "))
    }
    assert len(entries) >= 6
    for title, page in entries.items():
        heading_page = next(i + 1 for i, text in enumerate(pages) if i > 1 and f"{title} –" in text)
        assert page == heading_page, title
    for chapter in (
        "1 Svarprosent og utvalg",
        "2 Kommunedirektør",
        "5 Sammenligning mellom roller",
    ):
        assert chapter in toc


def test_each_figure_heading_is_on_the_page_of_its_chart_drawn_as_text(survey: Survey) -> None:
    pdf, _ = survey_report_pdf(survey)
    pages = _pages(pdf)
    figures = figures_all(survey_figures(survey, [Survey.objects.get(year=2025)]))
    flat = [" ".join(text.split()) for text in pages]
    for figure in figures:
        # The first page after the contents with the caption is the heading's (the table's
        # caption, which repeats it, comes after the chart).
        page = next(t for i, t in enumerate(flat) if i > 1 and figure.caption in t)
        # The chart is vectors with its text: its axis title and N are on the heading's page.
        assert "Prosent av" in page, figure.caption
        assert f"N={figure.columns[0].n}" in page, figure.caption
    text = "\n".join(pages)
    assert "Andel av svarene fra" in text and "Flere svar var mulig" in text
    assert "Åpne svar etter tema" in text and "Uten tema" in text


def test_a_build_is_queued_and_reports_its_progress_step_by_step(survey: Survey) -> None:
    user = make_user(roles=[Role.ANALYST])
    build = report_build_start(user=user, survey=survey, compare_years=[2025])
    assert build.status == JobStatus.QUEUED and build.task_id
    with pytest.raises(ValidationError, match=ALREADY_BUILDING):
        report_build_start(user=user, survey=survey)
    seen: list[tuple[int, int, str]] = []
    real = ReportBuild.objects.filter

    def watch() -> None:
        row = real(pk=build.pk).values_list("steps_done", "steps_total", "step").get()
        seen.append(row)

    from integrering.surveys import report

    original = report.figure_svg

    def drawing(figure, **kwargs):  # type: ignore[no-untyped-def]
        watch()
        return original(figure, **kwargs)

    report.figure_svg = drawing  # type: ignore[assignment]
    try:
        result = report_build_run(build.pk)
    finally:
        report.figure_svg = original  # type: ignore[assignment]
    build.refresh_from_db()
    assert build.status == JobStatus.DONE and result["pages"] == build.pages > 0
    assert bytes(build.pdf or b"").startswith(b"%PDF")
    total = len(figures_all(survey_figures(survey, [Survey.objects.get(year=2025)]))) + 2
    assert seen[0] == (0, total, "Figur 1") and seen[-1][0] == total - 3
    assert (build.steps_done, build.steps_total, build.step) == (total, total, "Ferdig")
    assert report_build_run(build.pk)["status"] == JobStatus.DONE  # run twice: built once
    with pytest.raises(ValidationError, match="ingen tidligere undersøkelse for 2023, 2024"):
        report_build_start(user=user, survey=survey, compare_years=[2025, 2024, 2023])


def test_the_page_shows_the_progress_and_then_the_download(survey: Survey, analyst: Client) -> None:
    start = analyst.post(
        reverse("surveys:survey-report", kwargs={"survey_id": survey.pk}), {"years": ["2025"]}
    )
    build = ReportBuild.objects.get()
    url = reverse(
        "surveys:survey-report-build", kwargs={"survey_id": survey.pk, "report_build_id": build.pk}
    )
    assert start["Location"] == url
    html = analyst.get(url).content.decode()
    assert "I kø" in html and 'hx-trigger="every 2s"' in html and "<progress" in html
    again = analyst.post(reverse("surveys:survey-report", kwargs={"survey_id": survey.pk}))
    assert again.status_code == 302
    assert ALREADY_BUILDING in analyst.get(again["Location"]).content.decode()
    pdf_url = reverse(
        "surveys:survey-report-pdf", kwargs={"survey_id": survey.pk, "report_build_id": build.pk}
    )
    assert analyst.get(pdf_url).status_code == 404  # not built yet
    report_build_run(build.pk)
    polled = analyst.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Ferdig" in polled and "hx-trigger" not in polled and pdf_url in polled
    response = analyst.get(pdf_url)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    results = analyst.get(reverse("surveys:survey-results", kwargs={"survey_id": survey.pk}))
    assert url in results.content.decode()  # the latest builds are listed


def test_the_api_queues_the_report_and_gives_its_progress_and_pdf(
    survey: Survey, analyst: Client
) -> None:
    queued = analyst.post(
        f"/api/v1/surveys/{survey.pk}/report", {"years": [2025]}, content_type="application/json"
    )
    assert queued.status_code == 202
    data = queued.json()
    assert (
        data["status"] == "queued" and data["compare_years"] == [2025] and data["pdf_url"] is None
    )
    build_id = data["report_build_id"]
    assert analyst.get(f"/api/v1/surveys/{survey.pk}/report/{build_id}/pdf").status_code == 404
    report_build_run(build_id)
    done = analyst.get(f"/api/v1/surveys/{survey.pk}/report/{build_id}").json()
    assert done["status"] == "done" and done["steps_done"] == done["steps_total"] > 0
    pdf = analyst.get(done["pdf_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    too_many = analyst.post(
        f"/api/v1/surveys/{survey.pk}/report",
        {"years": [2025, 2024, 2023]},
        content_type="application/json",
    )
    assert too_many.status_code == 422
    figures = analyst.get(f"/api/v1/surveys/{survey.pk}/results?years=2025").json()["figures"]
    first = figures[0]
    assert first["caption"] == "Figur 1 – Kommunedirektør (2026: N=5, 2025: N=3)"
    assert [c["n"] for c in first["columns"]] == [5, 3]
    assert first["rows"][0]["cells"][0]["shares"]["vet_ikke"] == 20.0
    assert any(f["by_roles"] for f in figures)


def test_the_results_page_compares_with_the_years_chosen(survey: Survey, analyst: Client) -> None:
    url = reverse("surveys:survey-results", kwargs={"survey_id": survey.pk})
    html = analyst.get(url).content.decode()
    assert "Figur 1 – Kommunedirektør (2026: N=5, 2025: N=3)" in html
    alone = analyst.get(url, {"sammenlign": "1"}).content.decode()
    assert "Figur 1 – Kommunedirektør (N=5)" in alone
    wrong = analyst.get(url, {"sammenlign": "1", "years": ["2019"]})
    assert wrong.status_code == 422 and "Velg blant årene i listen." in wrong.content.decode()
    assert SurveyRole.INTEGRATION_OFFICER in {s.key for s in survey_figures(survey)}
