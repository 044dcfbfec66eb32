"""Small tables read from a file (CSV or .xlsx) the same way everywhere: the commands' input files
and the analysts' uploads. Every bad row is named, with its line number, before anything is used.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

XLSX_MAGIC = b"PK\x03\x04"  # a zip file, as every .xlsx is


class TableError(ValueError):
    """A table that cannot be used; ``problems`` names every bad row (Norwegian)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_lines(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(["Filen er ikke lagret som UTF-8 (CSV UTF-8)."]) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:
        raise TableError(["Filen kan ikke leses som CSV; sjekk anførselstegnene."]) from None


def _xlsx_lines(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    unreadable = TableError(["Filen kan ikke leses som en Excel-fil (.xlsx)."])
    if not content.startswith(XLSX_MAGIC):
        raise unreadable
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        lines = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for broken files
        raise unreadable from None
    return lines


def table_read(*, filename: str, content: bytes, required: Sequence[str]) -> Table:
    """The rows of a CSV (comma or semicolon, UTF-8) or .xlsx file (first sheet) as dicts keyed by
    the header's column names (lower case). Line numbers count the header as line 1. Blank lines
    are skipped. A missing required column, or no rows, is a ``TableError``."""
    lines = _xlsx_lines(content) if filename.lower().endswith(".xlsx") else _csv_lines(content)
    table: Table | None = None
    for number, cells in enumerate(lines, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if table is None:
            columns = [c.lower() for c in cells]
            missing = [name for name in required if name not in columns]
            if missing:
                raise TableError(
                    [
                        f"linje {number}: kolonnen «{name}» mangler i overskriftsraden "
                        f"(påkrevde kolonner: {', '.join(required)})"
                        for name in missing
                    ]
                )
            table = Table(columns=columns)
            continue
        values = {
            name: (cells[i] if i < len(cells) else "")
            for i, name in enumerate(table.columns)
            if name
        }
        table.rows.append((number, values))
    if table is None:
        raise TableError(["Filen er tom."])
    if not table.rows:
        raise TableError(["Filen har ingen rader under overskriftsraden."])
    return table


def number_parse(text: str) -> Decimal:
    """A number as written in a file: ``1234.5``, ``1234,5``, ``1 234,5``, ``-5841144``.
    ``ValueError`` when it is not one."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value
