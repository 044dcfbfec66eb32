"""The municipal survey's report as PDF (WeasyPrint, like the casework letters) and its tables as
Excel (one sheet per table): table 1 (response rates, seed 004), table 2 (correlations
with significance stars), the Likert distributions (charts as SVG in the PDF, the figures in the
Excel), and the open answers by theme.
"""

from __future__ import annotations

import base64
from typing import Any

from django.utils import timezone

from integrering.exports import Cell, Column, Sheet, xlsx_bytes
from integrering.pdf import pdf_from_template

from .models import LikertValue, QuestionKind, Survey
from .services.results import (
    SurveyResults,
    likert_chart_svg,
    open_answer_groups,
    open_answers,
    survey_results,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _svg_data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def report_context(results: SurveyResults) -> dict[str, Any]:
    """What the PDF template shows: the tables, a chart per Likert group (as a data URL, the
    only kind of resource the PDF renderer may load), the open answers by theme."""
    survey = results.survey
    charts = [
        {
            "group": group,
            "src": _svg_data_url(
                likert_chart_svg(group, year=survey.year, chart_id=f"likert-{index}")
            ),
        }
        for index, group in enumerate(results.likert, start=1)
    ]
    open_sections = [
        {
            "question": tq.question,
            "role_label": tq.role_label,
            "groups": open_answer_groups(open_answers(tq.question)),
        }
        for tq in results.text_questions
        if tq.question.kind == QuestionKind.TEXT
    ]
    return {
        "survey": survey,
        "results": results,
        "charts": charts,
        "likert_labels": LikertValue.choices,
        "open_sections": open_sections,
        "made_on": timezone.localdate(),
    }


def survey_report_pdf(survey: Survey) -> bytes:
    """The report as a PDF (A4, Norwegian)."""
    return pdf_from_template("surveys/report_pdf.html", report_context(survey_results(survey)))


def survey_tables_xlsx(survey: Survey) -> bytes:
    """The tables as an Excel workbook: «Tabell 1» (response rates), «Tabell 2»
    (correlations), «Likert» (counts and shares per item and year), «Åpne svar»."""
    results = survey_results(survey)
    last_year = results.rates.last_year
    header: list[Column | str] = [
        Column("", width=26),
        f"Invitert {survey.year}",
        f"Besvart {survey.year}",
        f"Prosent {survey.year}",
    ]
    if last_year:
        header += [f"Invitert {last_year}", f"Besvart {last_year}", f"Prosent {last_year}"]
    rate_rows: list[list[Cell]] = []
    for row in results.rates.rows:
        cells: list[Cell] = [row.label]
        for rate in (row.this, row.last) if last_year else (row.this,):
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

    labels = [label for _, label in LikertValue.choices]
    likert_rows: list[list[Cell]] = []
    for group in results.likert:
        for item in group.items:
            pairs = [(survey.year, item.this)]
            if item.last is not None:
                pairs.append((survey.year - 1, item.last))
            for year, distribution in pairs:
                likert_rows.append(
                    [
                        group.role_label,
                        group.group,
                        item.question.code,
                        item.question.text,
                        year,
                        distribution.total,
                        *[distribution.counts[code] for code in LikertValue.values],
                    ]
                )
    likert = Sheet(
        "Likert",
        ["Rolle", "Gruppe", "Kode", "Spørsmål", "År", "Antall svar", *labels],
        likert_rows,
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
    answers = Sheet(
        "Åpne svar",
        ["Rolle", "Spørsmål", "Tema", "Enhet", Column("Svar", width=80, wrap=True)],
        answer_rows,
    )
    return xlsx_bytes([rates, correlations, likert, answers])
