"""Cost coverage of Norwegian training (seed 001): import a table, read it, export it.

Only the directorate's analysts reach it (``Role.ANALYST``): anyone else gets 403 on the list
and 404 on a report, so that no one learns which ids exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from integrering.accounts.access import finance_require, is_analyst
from integrering.errors import NotFound
from integrering.exports import (
    INTEGER,
    ONE_DECIMAL,
    Column,
    Heading,
    Sheet,
    csv_bytes,
    xlsx_bytes,
)
from integrering.tables import SMALL_TABLE_ROWS, TableError, table_read, upload_size_error
from integrering.ui.numbers import count_nb, round_half_up

from .cost_coverage import COLUMNS, CostSum, cost_rows_read, cost_sum, hours_per_fte
from .models import CostCoverageReport, CostCoverageRow

NOT_FOUND = "Finner ikke det du ba om."
EXTENSIONS = (".csv", ".xlsx")
# The columns of seed 001's table, in its order.
HEADERS = (
    "Kommune",
    "Totale utgifter med lokaler",
    "Totale inntekter",
    "Resultat",
    "Antall timer",
    "Antall årsverk",
    "Antall timer per årsverk",
)


def reports_for(user: Any) -> QuerySet[CostCoverageReport]:
    finance_require(user)
    return CostCoverageReport.objects.order_by("-year", "-imported_at")


def cost_report_get(user: Any, report_id: int) -> CostCoverageReport:
    """One report; 404 for anyone who is not an analyst, and for an unknown id."""
    if not is_analyst(user):
        raise NotFound(NOT_FOUND)
    report = CostCoverageReport.objects.filter(pk=report_id).first()
    if report is None:
        raise NotFound(NOT_FOUND)
    return report


@dataclass(frozen=True)
class CostTableLine:
    row: CostCoverageRow
    hours_per_fte: Decimal | None


@dataclass(frozen=True)
class CostTable:
    report: CostCoverageReport
    rows: list[CostCoverageRow]
    total: CostSum

    @property
    def lines(self) -> list[CostTableLine]:
        return [CostTableLine(row, hours_per_fte(row.hours, row.fte)) for row in self.rows]


def cost_table(report: CostCoverageReport) -> CostTable:
    """A report's rows in their order, and the sum row (seed 001)."""
    rows = list(report.rows.order_by("position"))
    return CostTable(report=report, rows=rows, total=cost_sum(rows))


def cost_report_import(
    *, user: Any, year: int, title: str, filename: str, content: bytes
) -> CostCoverageReport:
    """Import a cost-coverage table (columns ``municipality_number,name,expenses,income,hours,
    fte``; CSV or .xlsx) as a new report. All or nothing: every bad row is listed in one
    ``ValidationError`` and nothing is written. FTE is kept with two decimals (rounded half up),
    as the register holds it; money and hours must have at most two decimals."""
    finance_require(user)
    field_problems: dict[str, str] = {}
    if not 2000 <= year <= 2100:
        field_problems["year"] = "Skriv et årstall mellom 2000 og 2100."
    if not title.strip():
        field_problems["title"] = "Skriv en tittel."
    if field_problems:
        raise ValidationError(field_problems)
    if not filename.lower().endswith(EXTENSIONS):
        raise ValidationError(
            {"file": "Filen må være en CSV-fil (.csv) eller en Excel-fil (.xlsx)."}
        )
    too_large = upload_size_error(len(content))
    if too_large:
        raise ValidationError({"file": too_large})
    try:
        table = table_read(
            filename=filename, content=content, required=COLUMNS, max_rows=SMALL_TABLE_ROWS
        )
    except TableError as exc:
        raise ValidationError({"file": exc.problems}) from None
    lines, problems = cost_rows_read(table)
    if problems:
        raise ValidationError({"file": problems})
    with transaction.atomic():
        report = CostCoverageReport.objects.create(
            year=year, title=title.strip()[:200], filename=filename[:200], imported_by=user
        )
        CostCoverageRow.objects.bulk_create(
            CostCoverageRow(
                report=report,
                position=position,
                municipality_number=line.municipality_number,
                name=line.name[:100],
                expenses=line.expenses,
                income=line.income,
                hours=line.hours,
                fte=round_half_up(line.fte, 2),
            )
            for position, line in enumerate(lines, start=1)
        )
    return report


def cost_export_rows(table: CostTable) -> list[list[Any]]:
    """The table's rows as in seed 001 (and the «Sum» row), with exact numbers."""
    rows: list[list[Any]] = []
    for row in table.rows:
        rows.append(
            [
                f"{row.municipality_number} {row.name}",
                row.expenses,
                row.income,
                row.result,
                row.hours,
                row.fte,
                hours_per_fte(row.hours, row.fte),
            ]
        )
    total = table.total
    rows.append(
        [
            "Sum",
            total.expenses,
            total.income,
            total.result,
            total.hours,
            total.fte,
            total.hours_per_fte,
        ]
    )
    return rows


def cost_export_csv(table: CostTable) -> bytes:
    """The table as CSV (UTF-8 with BOM so that Excel reads æøå; semicolons, decimal comma)."""
    return csv_bytes(HEADERS, cost_export_rows(table), heading=cost_export_heading(table))


def cost_export_xlsx(table: CostTable) -> bytes:
    """The table as an Excel workbook: one sheet, numbers as numbers, the sum row in bold."""
    columns = [
        Column(HEADERS[0], width=28),
        *[Column(header, number_format=INTEGER) for header in HEADERS[1:5]],
        *[Column(header, number_format=ONE_DECIMAL) for header in HEADERS[5:]],
    ]
    sheet = Sheet("Kostnadsdekning", columns, cost_export_rows(table), sum_row=True)
    return xlsx_bytes([sheet], heading=cost_export_heading(table))


def cost_export_heading(table: CostTable) -> Heading:
    """The export's title row: the report, its year and the municipalities in it."""
    report = table.report
    whom = count_nb(len(table.rows), "kommune", "kommuner")
    return Heading(f"Kostnadsdekning norskopplæring {report.year}: {report.title}", whom)


def cost_export_filename(report: CostCoverageReport, fmt: str) -> str:
    return f"kostnadsdekning-{report.year}-{report.pk}.{fmt}"
