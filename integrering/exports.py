"""Downloads for people: Excel workbooks and CSV files, written the same way everywhere.

A table is a ``Sheet``: a title, its ``Column``s (the header as the caller words it, a width, a
number format) and its rows. ``xlsx_bytes`` writes sheets as a workbook, ``csv_bytes`` a header
and rows as a CSV file that Norwegian Excel opens as it is. Either way:

- numbers stay numbers. A workbook stores number formats in Excel's own notation ("#,##0.0"),
  which Excel shows with the reader's digit groups and decimal sign (``1 250,5`` in Norway); a
  CSV writes a decimal comma and no digit groups, so that Excel still reads a number;
- dates are dates, shown dd.mm.yyyy;
- text that a spreadsheet would take for a formula (it starts with =, +, -, @, a tab or a carriage
  return: OWASP, «CSV injection») is kept as text: in a workbook as a text cell with Excel's quote
  prefix (what typing ``'=...`` gives), in a CSV behind an apostrophe. A number is never touched:
  -2 passed as a number stays the number -2;
- the header row is bold and stays in view;
- above it, the file's first row says what the file is, for whom, and when it was made
  (``Heading``: «Kostnadsdekning norskopplæring 2024 – Utvalgskommuner – laget 03.12.2026 kl.
  14.05»), so that a file found in a folder a year later still says what it is;
- the headers are Norwegian words, not code (``header_problem``: no snake_case, no English).

Every function that writes a file for people is named in ``FOR_PEOPLE``; ``tests/
test_exports_for_people.py`` makes each one and checks the rules above, and fails on a writer
that is not named there.

An import's example file (``import_template_csv_bytes``) is the exception: its header row is the
import's own column names and it has no title row, since the import reads it back.

Files read by machines (the payroll system, the grant claim, the national register) keep their
own exact formats, which their apps describe and format value by value; ``csv_file_bytes`` writes
them, and neutralises their text the same way, since people open those files in Excel too: a
text that a spreadsheet would evaluate gets the apostrophe, a plain number (``-5841144.00``, a
correction) is left as it is, since it is no formula and the machine must read it as a number.
No module but this one writes a CSV or a workbook (``tests/test_hardening_2.py`` checks it).

openpyxl is imported in ``xlsx_bytes``: a command that only calculates does not pay for it.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as XlsxCell

Cell = str | int | float | Decimal | datetime.date | None  # a datetime is a date too

# Number formats in Excel's notation (comma: digit groups, point: decimals); Excel shows them in
# the reader's locale.
INTEGER = "#,##0"
ONE_DECIMAL = "#,##0.0"
AMOUNT = "#,##0.00"
DATE = "DD.MM.YYYY"
DATE_TIME = "DD.MM.YYYY HH:MM"
MONTH = "MM.YYYY"  # a month, stored as its first day

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Every function that writes a file for people, by module: each is made and checked by
# ``tests/test_exports_for_people.py``, which also fails on a writer missing here.
FOR_PEOPLE: dict[str, tuple[str, ...]] = {
    "integrering.finance.services": ("cost_export_csv", "cost_export_xlsx"),
    "integrering.finance.establishment.register": ("establishment_register_xlsx",),
    "integrering.programme.services.benefit_run": ("benefit_run_xlsx",),
    "integrering.programme.services.package_report": ("package_report_csv", "package_report_xlsx"),
    "integrering.programme.services.grant_claims.export": ("grant_claim_xlsx",),
    "integrering.settlement.services.request_tables": ("requests_xlsx",),
    "integrering.surveys.report": ("survey_tables_xlsx",),
    "integrering.surveys.services.capacity": ("capacity_round_xlsx",),
}

# Header words that are English, not Norwegian: a header of code, not for people.
# (Words that are Norwegian too, «status», «type», «sum», «person», «total», are not here.)
ENGLISH_WORDS = frozenset(
    [
        "amount",
        "count",
        "date",
        "name",
        "number",
        "year",
        "month",
        "result",
        "hours",
        "fte",
        "income",
        "expenses",
        "municipality",
        "household",
        "persons",
        "code",
        "value",
        "share",
        "level",
        "group",
        "created",
        "updated",
        "from",
        "of",
    ]
)
SNAKE_CASE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")
# A number written as text in a machine's format: a spreadsheet reads it as that number.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
HEADER_ROW = 2  # of a file for people: below the title row (``Heading``)


@dataclass(frozen=True)
class Column:
    header: str
    width: float | None = None  # in characters; None: Excel's default
    number_format: str | None = None  # for the column's numbers and dates
    wrap: bool = False  # long text: wrapped and aligned to the top


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column | str]  # a plain header is a column with nothing else to it
    rows: Sequence[Sequence[Cell]]
    freeze_columns: int = 0  # columns that stay in view beside the title and header rows
    sum_row: bool = False  # the last row sums the others: bold


@dataclass(frozen=True)
class Heading:
    """A file's first row: what it is (``what``: «Stønad for mars 2026»), for whom (``whom``: a
    municipality, a county, «Hele landet»), and when it was made (``made``; None: now)."""

    what: str
    whom: str
    made: datetime.datetime | None = None

    @property
    def text(self) -> str:
        made = self.made
        if made is None:
            from django.utils import timezone

            made = timezone.localtime()
        return f"{self.what} – {self.whom} – laget {made:%d.%m.%Y} kl. {made:%H.%M}"


def header_problem(header: str) -> str | None:
    """Why a column header is not one for people, or None: it is empty, in snake_case, or has
    an English word of code («amount», «municipality_number»)."""
    text = header.strip()
    if not text:
        return "tom overskrift"
    if SNAKE_CASE.search(text):
        return f"«{header}» er et navn fra koden (snake_case)"
    words = re.findall(r"[A-Za-zÆØÅæøå]+", text)
    english = [w for w in words if w.lower() in ENGLISH_WORDS]
    if english:
        return f"«{header}» har engelske ord ({', '.join(english)})"
    return None


def _headers_checked(columns: Sequence[Column | str]) -> list[Column]:
    found = [_column(c) for c in columns]
    problems = [p for p in (header_problem(c.header) for c in found) if p]
    if problems:
        raise ValueError("Overskrifter som ikke er for folk: " + "; ".join(problems))
    return found


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would evaluate ``text`` typed into a cell."""
    return text.startswith(FORMULA_STARTS)


def neutralised(text: str) -> str:
    """``text`` for a CSV cell, behind an apostrophe when a spreadsheet would evaluate it."""
    return "'" + text if formula_like(text) else text


def neutralised_text(text: str) -> str:
    """``text`` for a CSV in a machine's format: behind an apostrophe when a spreadsheet would
    evaluate it, unless it is a plain number (``-5841144.00``), which is no formula."""
    return text if PLAIN_NUMBER.fullmatch(text) else neutralised(text)


def _column(column: Column | str) -> Column:
    return column if isinstance(column, Column) else Column(column)


def _xlsx_cell(cell: XlsxCell, value: Cell, column: Column) -> None:
    if isinstance(value, str):
        cell.value = value
        if formula_like(value):
            cell.data_type = "s"  # openpyxl took it for a formula
            cell.quotePrefix = True
        return
    cell.value = value
    if isinstance(value, bool):
        return
    if column.number_format and isinstance(value, int | float | Decimal | datetime.date):
        cell.number_format = column.number_format
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATE_TIME
    elif isinstance(value, datetime.date):
        cell.number_format = DATE


def xlsx_bytes(sheets: Sequence[Sheet], *, heading: Heading) -> bytes:
    """The sheets as an Excel workbook (.xlsx), in their order, each with ``heading`` in its
    first row (bold) above its header row. ``ValueError`` for a header that is not for people
    (``header_problem``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    title = heading.text
    for sheet in sheets:
        out = workbook.create_sheet(sheet.title)
        columns = _headers_checked(sheet.columns)
        _xlsx_cell(out.cell(row=1, column=1), title, Column(""))
        out.cell(row=1, column=1).font = bold
        for index, column in enumerate(columns, start=1):
            cell = out.cell(row=HEADER_ROW, column=index)
            _xlsx_cell(cell, column.header, column)
            cell.font = bold
            if column.width is not None:
                out.column_dimensions[get_column_letter(index)].width = column.width
        last = len(sheet.rows) + HEADER_ROW
        for row_number, row in enumerate(sheet.rows, start=HEADER_ROW + 1):
            in_bold = sheet.sum_row and row_number == last
            for index, value in enumerate(row, start=1):
                if value is None and not in_bold:
                    continue
                cell = out.cell(row=row_number, column=index)
                column = columns[index - 1] if index <= len(columns) else Column("")
                _xlsx_cell(cell, value, column)
                if in_bold:
                    cell.font = bold
                if column.wrap:
                    cell.alignment = wrapped
        out.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{HEADER_ROW + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralised(value)
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, datetime.datetime):
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    return str(value).replace(".", ",")  # exactly as given (a Decimal keeps its places)


def csv_bytes(
    columns: Sequence[Column | str], rows: Iterable[Sequence[Cell]], *, heading: Heading
) -> bytes:
    """A title row (``heading``), a header and rows as a CSV file for Excel in Norway: UTF-8
    with a byte order mark (else Excel reads æøå wrong), semicolons (its list separator), CRLF,
    a decimal comma, dates dd.mm.yyyy, «ja»/«nei», and formula-like text behind an apostrophe.
    ``ValueError`` for a header that is not for people (``header_problem``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(heading.text)])
    writer.writerow([neutralised(c.header) for c in _headers_checked(columns)])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def import_template_csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """An import's example file: its column names as the import reads them (``bosatt_dato``)
    in the first row, no title row (the import would read it as the header), and otherwise as
    ``csv_bytes`` writes a file for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(name) for name in header])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_file_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    """A CSV file in a machine's own format (the payroll system, the grant claim, the national
    register): the caller formats every value as that format wants (decimal point, ISO dates,
    codes); UTF-8, CRLF, with a byte order mark if asked. Text that a spreadsheet would evaluate
    is still neutralised (``neutralised_text``), since people open these files too."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralised_text(name) for name in header])
    writer.writerows([neutralised_text(value) for value in row] for row in rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
