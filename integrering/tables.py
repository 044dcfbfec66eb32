"""Small tables read from a file (CSV or .xlsx) the same way everywhere: the commands' input files
and the analysts' uploads. Every bad row is named, with its line number, before anything is used.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
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


UNREADABLE = {
    "encoding": "Filen er ikke lagret som UTF-8 (CSV UTF-8).",
    "binary": "Filen kan ikke leses som CSV.",  # a NUL: a binary file, or UTF-16
    "quotes": "Filen kan ikke leses som CSV; sjekk anførselstegnene.",
    "xlsx": "Filen kan ikke leses som en Excel-fil (.xlsx).",
}


class TableUnreadable(TableError):
    """A file that cannot be read at all, for a ``reason`` (``UNREADABLE`` words each one); a CSV
    row that the csv module refuses has its ``line``."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__([UNREADABLE[reason]])
        self.reason = reason
        self.line = line


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_lines(content: bytes) -> Iterator[tuple[int, list[object]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableUnreadable("encoding") from None
    if "\x00" in text:
        raise TableUnreadable("binary")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    number = 0
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, cells in enumerate(reader, start=1):
            yield number, list(cells)
    except csv.Error:
        raise TableUnreadable("quotes", line=number + 1) from None


def _xlsx_lines(content: bytes) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    if not content.startswith(XLSX_MAGIC):
        raise TableUnreadable("xlsx")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for broken files
        raise TableUnreadable("xlsx") from None
    try:
        if not workbook.worksheets:
            raise TableUnreadable("xlsx")
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        try:
            for number, values in enumerate(rows, start=1):
                yield number, list(values)
        except Exception:  # a broken sheet shows only as it is read
            raise TableUnreadable("xlsx") from None
    finally:
        workbook.close()


def table_lines(*, content: bytes, xlsx: bool) -> Iterator[tuple[int, list[object]]]:
    """The lines of a CSV file (UTF-8 with or without a byte order mark; comma or semicolon, as
    the first line has more of) or of an .xlsx file's first sheet, numbered from 1, blank ones
    too: a CSV's cells as text, an .xlsx file's as stored (text, numbers, dates). Read as they are
    used, so that a caller may stop after the header. ``TableUnreadable`` when the file cannot be
    read."""
    return _xlsx_lines(content) if xlsx else _csv_lines(content)


def table_read(*, filename: str, content: bytes, required: Sequence[str]) -> Table:
    """The rows of a CSV (comma or semicolon, UTF-8) or .xlsx file (first sheet) as dicts keyed by
    the header's column names (lower case). Line numbers count the header as line 1. Blank lines
    are skipped. A missing required column, or no rows, is a ``TableError``."""
    xlsx = filename.lower().endswith(".xlsx")
    # Every line is read before any is used: an unreadable file is that, whatever its header.
    lines = [
        (n, [_cell_text(c) for c in cells]) for n, cells in table_lines(content=content, xlsx=xlsx)
    ]
    table: Table | None = None
    for number, cells in lines:
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
