"""API for cost coverage of Norwegian training (seed 001): list the imported tables, read one
with its sum row, import one (CSV or .xlsx, all or nothing). The same services as the pages: the
directorate's analysts only (403 on the list, 404 on a report for anyone else).

Money is written as strings with two decimals (``"-5841144.00"``), hours per FTE as numbers with
one decimal; hours and FTE as strings with two decimals, as stored.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from integrering.schemas import ErrorOut, ObjectId

from ..cost_coverage import money_text
from ..models import CostCoverageReport
from ..services import cost_report_get, cost_report_import, cost_table, reports_for

router = Router(tags=["kostnadsdekning"])


class ReportOut(Schema):
    id: int
    year: int
    title: str
    filename: str
    imported_at: datetime.datetime

    @staticmethod
    def of(report: CostCoverageReport) -> ReportOut:
        return ReportOut(
            id=report.pk,
            year=report.year,
            title=report.title,
            filename=report.filename,
            imported_at=report.imported_at,
        )


class RowOut(Schema):
    municipality_number: str
    name: str
    expenses: str
    income: str
    result: str = Field(description="Inntekter − utgifter")
    hours: str
    fte: str
    hours_per_fte: float | None


class SumOut(Schema):
    expenses: str
    income: str
    result: str
    hours: str
    fte: str
    hours_per_fte: float | None = Field(description="Sum timer / sum årsverk")


class TableOut(ReportOut):
    rows: list[RowOut]
    sum: SumOut


def _table(report: CostCoverageReport) -> TableOut:
    table = cost_table(report)
    total = table.total
    return TableOut(
        **ReportOut.of(report).model_dump(),
        rows=[
            RowOut(
                municipality_number=line.row.municipality_number,
                name=line.row.name,
                expenses=money_text(line.row.expenses),
                income=money_text(line.row.income),
                result=money_text(line.row.result),
                hours=money_text(line.row.hours),
                fte=money_text(line.row.fte),
                hours_per_fte=None if line.hours_per_fte is None else float(line.hours_per_fte),
            )
            for line in table.lines
        ],
        sum=SumOut(
            expenses=money_text(total.expenses),
            income=money_text(total.income),
            result=money_text(total.result),
            hours=money_text(total.hours),
            fte=money_text(total.fte),
            hours_per_fte=None if total.hours_per_fte is None else float(total.hours_per_fte),
        ),
    )


@router.get(
    "cost-coverage",
    response={200: list[ReportOut], 401: ErrorOut, 403: ErrorOut},
    summary="Importerte tabeller over kostnadsdekning",
)
def cost_reports(request: HttpRequest) -> list[ReportOut]:
    return [ReportOut.of(r) for r in reports_for(request.user)]


@router.post(
    "cost-coverage",
    response={201: TableOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Importer en tabell (CSV eller .xlsx); alt eller ingenting",
)
def cost_report_create(
    request: HttpRequest, file: File[UploadedFile], year: Form[int], title: Form[str]
) -> Status:
    report = cost_report_import(
        user=request.user,
        year=year,
        title=title,
        filename=file.name or "",
        content=file.read(),
    )
    return Status(201, _table(report))


@router.get(
    "cost-coverage/{report_id}",
    response={200: TableOut, 401: ErrorOut, 404: ErrorOut},
    summary="Én tabell med sumrad",
)
def cost_report_detail(request: HttpRequest, report_id: ObjectId) -> TableOut:
    return _table(cost_report_get(request.user, report_id))
