"""The municipal survey's report as PDF (WeasyPrint) and its tables as Excel.

The PDF reads like seed 004: a title page, a table of contents with page numbers, tables 1 and
2, a chapter per role with every figure («Figur 3 – Integreringsansvarlig (N=141)», the chart,
the response base and the table), the questions asked of several roles side by side, and the
open answers by theme. Every page after the title page is numbered («Side 3 av 24»); a heading
is kept with the chart under it. The charts are SVG, so they print as vectors at any resolution.

Building it takes seconds (a chart per figure, then the layout), so it is done by the background
worker (``services/report_build.py``); ``progress(done, total, step)`` hears of each step.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any

from django.utils import timezone

from integrering.exports import Cell, Column, Heading, Sheet, xlsx_bytes
from integrering.pdf import pdf_with_pages

from .models import QuestionKind, Survey
from .services.figure_charts import figure_svg, figure_table
from .services.figures import figures_all
from .services.results import SurveyResults, open_answer_groups, open_answers, survey_results

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ReportProgress = Callable[[int, int, str], None]


def _svg_data_url(svg: str) -> str:
    # The page's scaling style is for browsers; in print the image's own CSS sizes it.
    svg = svg.replace(' style="max-width: 100%; height: auto"', "", 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _nothing(done: int, total: int, step: str) -> None:
    return None


def report_steps(results: SurveyResults) -> int:
    """How many steps a build takes: a chart per figure, the open answers, and the layout."""
    return len(figures_all(results.sections)) + 2


def report_context(results: SurveyResults, progress: ReportProgress = _nothing) -> dict[str, Any]:
    """What the PDF template shows: the tables, each figure with its chart (as a data URL, the
    only kind of resource the PDF renderer may load) and table, the open answers by theme."""
    survey = results.survey
    total = report_steps(results)
    done = 0
    sections = []
    for section in results.sections:
        figures = []
        for figure in section.figures:
            progress(done, total, f"Figur {figure.number}")
            figures.append(
                {
                    "figure": figure,
                    "src": _svg_data_url(figure_svg(figure, chart_id=f"pdf-{figure.slug}")),
                    "table": figure_table(figure),
                }
            )
            done += 1
        sections.append({"section": section, "figures": figures, "id": f"del-{section.key}"})
    progress(done, total, "Åpne svar")
    open_sections = [
        {
            "question": tq.question,
            "role_label": tq.role_label,
            "themes": tq.themes,
            "answers": tq.answers,
            "groups": open_answer_groups(open_answers(tq.question)),
        }
        for tq in results.text_questions
        if tq.question.kind == QuestionKind.TEXT
    ]
    done += 1
    progress(done, total, "Sider")
    return {
        "survey": survey,
        "results": results,
        "sections": sections,
        "open_sections": open_sections,
        "compared": results.compared,
        "made_on": timezone.localdate(),
    }


def survey_report_pdf(
    survey: Survey,
    compare_years: Sequence[int] | None = None,
    progress: ReportProgress = _nothing,
) -> tuple[bytes, int]:
    """The report as a PDF (A4, Norwegian) and its number of pages."""
    results = survey_results(survey, compare_years)
    return pdf_with_pages("surveys/report_pdf.html", report_context(results, progress))


def survey_tables_xlsx(survey: Survey, compare_years: Sequence[int] | None = None) -> bytes:
    """The tables as an Excel workbook: «Tabell 1» (response rates), «Tabell 2»
    (correlations), «Figurer» (every figure's counts and shares, one row per answer) and «Åpne
    svar»."""
    results = survey_results(survey, compare_years)
    last_year = results.rates.last_year
    header: list[Column | str] = [
        Column("Gruppe", width=26),
        f"Invitert {survey.year}",
        f"Besvart {survey.year}",
        f"Prosent {survey.year}",
    ]
    if last_year:
        header += [f"Invitert {last_year}", f"Besvart {last_year}", f"Prosent {last_year}"]
    rate_rows: list[list[Cell]] = []
    for rate_row in results.rates.rows:
        cells: list[Cell] = [rate_row.label]
        for rate in (rate_row.this, rate_row.last) if last_year else (rate_row.this,):
            if rate is None:
                cells += [None, None, None]
            else:
                cells += [rate.invited, rate.answered, float(rate.percent)]
        rate_rows.append(cells)
    rates = Sheet("Tabell 1", header, rate_rows)

    correlations = Sheet(
        "Tabell 2",
        [
            Column("Kjennetegn", width=28),
            Column("r", number_format="0.00"),
            Column("p", number_format="0.000"),
            "Signifikans",
            "n",
            "Merknad",
        ],
        [[c.label, c.r, c.p, c.stars, c.n, c.note] for c in results.correlations],
    )

    figure_rows: list[list[Cell]] = []
    for figure in figures_all(results.sections):
        for row in figure.rows:
            for column, cell in zip(figure.columns, row.cells, strict=True):
                if cell is None:
                    continue
                answers = (
                    [(a.value, a.label) for a in (*figure.scale.steps, *figure.scale.apart)]
                    if figure.scale is not None
                    else [(row.key, row.key)]
                )
                for value, label in answers:
                    figure_rows.append(
                        [
                            figure.number,
                            figure.title,
                            row.key if figure.scale is not None else "",
                            row.label,
                            column.year,
                            column.label,
                            label,
                            cell.count(value),
                            float(cell.share(value)),
                            cell.n,
                        ]
                    )
    figures_sheet = Sheet(
        "Figurer",
        [
            "Figur",
            Column("Tittel", width=40, wrap=True),
            "Kode",
            Column("Påstand eller svar", width=50, wrap=True),
            "År",
            "År eller rolle",
            "Svar",
            "Antall",
            Column("Andel (%)", number_format="0.0"),
            "N",
        ],
        figure_rows,
    )

    answer_rows: list[list[Cell]] = [
        [
            tq.role_label,
            tq.question.text,
            tag_group.name or "(uten tema)",
            answer.unit_name,
            answer.text,
        ]
        for tq in results.text_questions
        for tag_group in open_answer_groups(open_answers(tq.question))
        for answer in tag_group.answers
    ]
    answers_sheet = Sheet(
        "Åpne svar",
        ["Rolle", "Spørsmål", "Tema", "Enhet", Column("Svar", width=80, wrap=True)],
        answer_rows,
    )
    heading = Heading(f"Tabeller fra {survey.title} {survey.year}", "Alle kommuner som er invitert")
    return xlsx_bytes([rates, correlations, figures_sheet, answers_sheet], heading=heading)
