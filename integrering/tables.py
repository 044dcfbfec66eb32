"""Small tables read from a file (CSV or .xlsx) the same way everywhere: the commands' input files
and the analysts' uploads. Every bad row is named, with its line number, before anything is used.

A file is bounded before it is parsed (issue 25): an .xlsx file is a zip, and a few hundred
kilobytes of it can unpack to gigabytes (a «decompression bomb»), so its members' unpacked sizes
(as the zip declares them: Python's zip reader never gives more than that) are added up and the
shared strings, which openpyxl reads whole when it opens the file, are bounded on their own; the
rows a sheet declares are counted before it is read, and no file gives more than ``max_rows``
lines whatever it declares. Each is a ``TableTooLarge`` with a Norwegian message.

What a file is, is read from its content, not its name (issue 23): a zip is an Excel workbook, a
text is a CSV file (UTF-8, UTF-16 with a byte order mark, or Windows' own encoding, cp1252, which
Excel's «CSV (semikolondelt)» writes in Norway), and anything else (a picture, a PDF, an old
.xls, random bytes) is «Filen ser ikke ut som CSV eller Excel», not a complaint about UTF-8.

An import reports every bad field of every bad row at once, each a ``RowError`` (its row as
numbered in the file, the header being 1, and its column), and writes nothing while there is one
(``ImportRejected``); ``errors_summary`` says how many in how many rows.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from integrering.ui.numbers import count_nb, megabytes, number_nb

XLSX_MAGIC = b"PK\x03\x04"  # a zip file, as every .xlsx is
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old Excel (or Word) file: OLE2
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's «Unicode-tekst» is UTF-16 with tabs
# Control characters that no table's text holds (a tab, line breaks and a form feed may).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A UTF-8 sequence of two or more bytes: a file that has them and still is no UTF-8 is a UTF-8
# file broken somewhere, not one in another encoding.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")

# What a file may hold. An upload is at most 5 MB (``settings.IMPORT_MAX_BYTES``); a sheet of
# 50 000 rows of a household list unpacks to about 15 MB and reads in a few seconds.
MAX_ROWS = 50_000  # lines of a file, the header and blank lines included
SMALL_TABLE_ROWS = 5_000  # a table read while the user waits (one row per municipality or so)
XLSX_MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # every member of the zip, unpacked
XLSX_MAX_SHARED_STRINGS_BYTES = 10 * 1024 * 1024  # read whole when the workbook opens
XLSX_MAX_MEMBERS = 500
SHARED_STRINGS = "xl/sharedStrings.xml"
# A sheet's declared size: <dimension ref="A1:Q1200000"/>, near the start of its XML.
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*[0-9]*:?[A-Z]*([0-9]+)\"")


class TableError(ValueError):
    """A table that cannot be used; ``problems`` names every bad row (Norwegian)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


NOT_A_TABLE = "Filen ser ikke ut som CSV eller Excel."
UNREADABLE = {
    "binary": f"{NOT_A_TABLE} Last opp en CSV-fil (.csv) eller en Excel-arbeidsbok (.xlsx).",
    "xls": "Gamle Excel-filer (.xls) kan ikke leses. Lagre filen som Excel-arbeidsbok (.xlsx) "
    "eller som CSV UTF-8.",
    "encoding": "Filen er lagret dels som UTF-8 og dels ikke, så tegnene kan ikke leses sikkert. "
    "I Excel: velg «Lagre som» og filtypen «CSV UTF-8 (kommadelt)».",
    "quotes": "Raden kan ikke leses som CSV; sjekk anførselstegnene.",
    "xlsx": "Filen kan ikke leses som en Excel-fil (.xlsx). Lagre den på nytt fra Excel, "
    "eller som CSV UTF-8.",
}


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file: the row as numbered in the file (the header is 1; None:
    the file as a whole), the column (empty: the row as a whole) and the message (Norwegian).
    An import's subclass sets ``labels``: its columns as a user reads them in a message."""

    row: int | None
    column: str
    message: str

    labels: ClassVar[Mapping[str, str]] = {}

    @property
    def text(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return f"Rad {self.row}: {self.message}"
        return f"Rad {self.row}, {self.labels.get(self.column, self.column)}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "text": self.text}


class ImportRejected(Exception):
    """The file cannot be imported, and nothing of it is written; ``errors`` lists every
    reason, every bad field of every bad row."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("; ".join(e.text for e in errors))
        self.errors = list(errors)


def errors_summary(errors: Sequence[Mapping[str, Any] | RowError]) -> str:
    """How many errors a file had in how many rows: «1 feil i 1 rad», «3 feil i 2 rader», or
    «1 feil» when none is on a row (the file as a whole). ``errors`` as an import stores them:
    ``RowError.as_json`` each, perhaps cut to the first hundred with a last entry that gives
    ``total`` and ``rows``, the counts of them all (``jobs.errors_kept``)."""
    items = [e.as_json() if isinstance(e, RowError) else e for e in errors]
    last = items[-1] if items else None
    if last is not None and isinstance(last.get("total"), int):
        total, rows = int(last["total"]), int(last.get("rows") or 0)
    else:
        total = len(items)
        rows = len({e.get("row") for e in items if e.get("row") is not None})
    found = count_nb(total, "feil", "feil")
    return f"{found} i {count_nb(rows, 'rad', 'rader')}" if rows else found


class TableUnreadable(TableError):
    """A file that cannot be read at all, for a ``reason`` (``UNREADABLE`` words each one); a CSV
    row that the csv module refuses has its ``line``."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__([UNREADABLE[reason]])
        self.reason = reason
        self.line = line


class TableTooLarge(TableError):
    """A file larger than a table may be, found before it is parsed: its ``message`` says what
    and what to do (Norwegian)."""

    def __init__(self, message: str) -> None:
        super().__init__([message])
        self.message = message


def rows_too_many(count: int | None, max_rows: int) -> TableTooLarge:
    """The refusal of a file with more lines than ``max_rows`` (``count`` when it is known)."""
    limit = number_nb(max_rows)
    found = number_nb(count) if count is not None else f"mer enn {limit}"
    return TableTooLarge(
        f"Filen har {found} rader; høyst {limit} kan leses om gangen. Del den i flere filer."
    )


def upload_size_error(size: int, max_bytes: int | None = None) -> str | None:
    """Why an upload of ``size`` bytes is refused, or None when it may be read: larger than
    ``max_bytes`` (``settings.IMPORT_MAX_BYTES`` unless given). The one message of every upload
    form, API and import service."""
    if max_bytes is None:
        from django.conf import settings

        max_bytes = int(settings.IMPORT_MAX_BYTES)
    if size <= max_bytes:
        return None
    return (
        f"Filen er for stor ({megabytes(size)}). Den største filen du kan laste opp er "
        f"{megabytes(max_bytes)}."
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def csv_text(content: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without a byte order mark), UTF-16 with one, or else
    cp1252 (Windows' encoding, which Excel's «CSV (semikolondelt)» writes; latin-1 with the
    euro sign and curly quotes). ``TableUnreadable`` «binary» when it is no text at all, and
    «encoding» for a UTF-8 file with a broken character, which cp1252 would read as the wrong
    letters without a word."""
    if content.startswith(UTF16_BOMS):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            raise TableUnreadable("binary") from None
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            if UTF8_SEQUENCE.search(content):
                raise TableUnreadable("encoding") from None
            try:
                text = content.decode("cp1252")
            except UnicodeDecodeError:  # five bytes cp1252 leaves undefined: no text
                raise TableUnreadable("binary") from None
    text = text.rstrip("\x1a")  # the end-of-file mark of old DOS programs
    if CONTROL.search(text):  # a NUL or other control: a picture, a PDF, UTF-16 without a BOM
        raise TableUnreadable("binary")
    return text


def _csv_lines(content: bytes, max_rows: int) -> Iterator[tuple[int, list[object]]]:
    # Every line ends with a line break: far more of them than rows allowed is too many rows,
    # counted before anything is decoded. (A quoted cell may hold a line break too, so only twice
    # the limit is refused here; the reader below counts the rows themselves.)
    breaks = max(content.count(b"\n"), content.count(b"\r"))
    if breaks > 2 * max_rows:
        raise rows_too_many(None, max_rows)
    text = csv_text(content)
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))  # a tie: a comma
    number = 0
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, cells in enumerate(reader, start=1):
            if number > max_rows:
                raise rows_too_many(None, max_rows)
            yield number, list(cells)
    except csv.Error:
        raise TableUnreadable("quotes", line=number + 1) from None


def xlsx_bounds_check(content: bytes, *, max_rows: int = MAX_ROWS) -> None:
    """Refuse an .xlsx file that unpacks to more than a table may be, before it is parsed: the
    unpacked size of its members together and of its shared strings, their number, and the rows
    its sheets declare. ``TableUnreadable`` when it is no zip file, ``TableTooLarge`` when too
    large."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TableUnreadable("xlsx") from None
    with archive:
        if len(members) > XLSX_MAX_MEMBERS:
            raise TableUnreadable("xlsx")
        if not any(member.filename == "xl/workbook.xml" for member in members):
            raise TableUnreadable("binary")  # a zip, but no workbook: a Word file, an archive
        unpacked = sum(member.file_size for member in members)
        if unpacked > XLSX_MAX_UNPACKED_BYTES:
            raise TableTooLarge(
                f"Excel-filen pakkes ut til {megabytes(unpacked)}; høyst "
                f"{megabytes(XLSX_MAX_UNPACKED_BYTES)} kan leses. Lagre den som CSV UTF-8, "
                "eller del den i flere filer."
            )
        for member in members:
            name = member.filename
            if name == SHARED_STRINGS and member.file_size > XLSX_MAX_SHARED_STRINGS_BYTES:
                raise TableTooLarge(
                    f"Excel-filen har {megabytes(member.file_size)} tekst; høyst "
                    f"{megabytes(XLSX_MAX_SHARED_STRINGS_BYTES)} kan leses. Lagre den som CSV "
                    "UTF-8, eller del den i flere filer."
                )
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                try:
                    with archive.open(member) as sheet:
                        head = sheet.read(4096)
                except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
                    raise TableUnreadable("xlsx") from None
                declared = DIMENSION.search(head)
                if declared is not None and int(declared.group(1)) > max_rows:
                    raise rows_too_many(int(declared.group(1)), max_rows)


def _xlsx_lines(content: bytes, max_rows: int) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    xlsx_bounds_check(content, max_rows=max_rows)
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
                if number > max_rows:
                    raise rows_too_many(None, max_rows)
                yield number, list(values)
        except TableError:
            raise
        except Exception:  # a broken sheet shows only as it is read
            raise TableUnreadable("xlsx") from None
    finally:
        workbook.close()


def file_kind(content: bytes) -> str:
    """What a file is, from its first bytes, whatever its name says: «xlsx» (a zip; whether it
    holds a workbook shows when it is read), «xls» (an old Excel file, which cannot be read), or
    «csv» (anything else: whether it is text shows when it is decoded)."""
    if content.startswith(XLSX_MAGIC):
        return "xlsx"
    if content.startswith(XLS_MAGIC):
        return "xls"
    return "csv"


def table_lines(*, content: bytes, max_rows: int = MAX_ROWS) -> Iterator[tuple[int, list[object]]]:
    """The lines of a CSV file (see ``csv_text``; comma, semicolon or tab, as the first line has
    more of) or of an .xlsx file's first sheet, told apart by their content (``file_kind``),
    numbered from 1, blank ones too: a CSV's cells as text, an .xlsx file's as stored (text,
    numbers, dates). Read as they are used, so that a caller may stop after the header.
    ``TableUnreadable`` when the file cannot be read (a file that is no table: «binary»);
    ``TableTooLarge`` when it has more than ``max_rows`` lines or an .xlsx file unpacks to more
    than a table may be (both found before the file is parsed, as far as it says)."""
    kind = file_kind(content)
    if kind == "xls":
        raise TableUnreadable("xls")
    return _xlsx_lines(content, max_rows) if kind == "xlsx" else _csv_lines(content, max_rows)


def table_read(
    *,
    filename: str,
    content: bytes,
    required: Sequence[str],
    max_rows: int = MAX_ROWS,
) -> Table:
    """The rows of a CSV (see ``table_lines``) or .xlsx file (first sheet) as dicts keyed by the
    header's column names (lower case); its kind is read from its content, not ``filename``. Line numbers count the header as line 1. Blank lines
    are skipped. A missing required column, or no rows, is a ``TableError``; so is a file of
    more than ``max_rows`` lines (``TableTooLarge``): a table read while the user waits passes
    ``SMALL_TABLE_ROWS``."""
    # Every line is read before any is used: an unreadable file is that, whatever its header.
    lines = [
        (n, [_cell_text(c) for c in cells])
        for n, cells in table_lines(content=content, max_rows=max_rows)
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


def column_key(name: object) -> str:
    """A header cell as a column name: «Fødselsdato» and «fodselsdato» are the same column."""
    text = str(name if name is not None else "").strip().lower()
    text = text.replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[\s\-]+", "_", text)


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
