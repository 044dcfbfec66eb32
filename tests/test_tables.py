"""Reading small tables (``integrering.tables``): the line reader that the household import and
``table_read`` share, and how it names a file it cannot read."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from integrering.jobs import errors_kept
from integrering.tables import (
    RowError,
    TableError,
    TableUnreadable,
    errors_summary,
    table_lines,
    table_read,
)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_csv_lines_are_numbered_with_the_blank_ones_and_split_on_the_commoner_separator() -> None:
    content = "\ufeffa;b,c;d\n\n1;2,5;x\n".encode()
    assert list(table_lines(content=content)) == [
        (1, ["a", "b,c", "d"]),
        (2, []),
        (3, ["1", "2,5", "x"]),
    ]


def test_xlsx_lines_keep_the_cells_as_stored() -> None:
    content = xlsx([["navn", "dato", "antall"], ["Åse", datetime.date(2024, 2, 1), 3]])
    lines = list(table_lines(content=content))
    assert lines[1] == (2, ["Åse", datetime.datetime(2024, 2, 1), 3])


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 >>\nstream\n\x00\x01\x02\nendstream"


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("navn\n".encode("utf-16-le"), "binary"),  # UTF-16 without a byte order mark
        (PNG, "binary"),
        (PDF, "binary"),
        (bytes(range(256)) * 4, "binary"),
        (docx(), "binary"),  # a zip, but no workbook
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
        (b"PK\x03\x04broken", "xlsx"),
        ("navn\nÅse\n".encode() + b"\xe5\n", "encoding"),  # UTF-8 with one broken letter
    ],
)
def test_an_unreadable_file_is_named_with_its_reason(content: bytes, reason: str) -> None:
    with pytest.raises(TableUnreadable) as refused:
        list(table_lines(content=content))
    assert refused.value.reason == reason
    assert refused.value.line is None


def test_a_csv_row_the_reader_refuses_is_named_by_its_line() -> None:
    content = ("navn\nOla\n" + "x" * 200_000 + "\n").encode()  # over the csv field limit
    lines = table_lines(content=content)
    assert next(lines) == (1, ["navn"])  # read as used: the header comes first
    with pytest.raises(TableUnreadable) as refused:
        list(lines)
    assert (refused.value.reason, refused.value.line) == ("quotes", 3)


@pytest.mark.parametrize("filename", ["bilde.csv", "bilde.xlsx", "bilde.png"])
def test_a_picture_is_no_table_whatever_its_name_and_says_so_not_utf_8(filename: str) -> None:
    with pytest.raises(TableError) as refused:
        table_read(filename=filename, content=PNG, required=[])
    assert refused.value.problems[0].startswith("Filen ser ikke ut som CSV eller Excel.")
    assert "UTF-8" not in refused.value.problems[0]


def test_a_file_is_read_by_its_content_not_its_name() -> None:
    as_csv = table_read(filename="liste.xlsx", content="navn;antall\nÅse;3\n".encode(), required=[])
    as_xlsx = table_read(
        filename="liste.csv", content=xlsx([["navn", "antall"], ["Åse", 3]]), required=[]
    )
    assert as_csv.rows == as_xlsx.rows == [(2, {"navn": "Åse", "antall": "3"})]


@pytest.mark.parametrize(
    "content",
    [
        "navn;by\nÅse;Tromsø\n".encode("cp1252"),  # Excel's «CSV (semikolondelt)» in Norway
        "\ufeffnavn\tby\nÅse\tTromsø\n".encode("utf-16-le"),  # Excel's «Unicode-tekst»
    ],
)
def test_a_text_in_windows_encoding_or_utf_16_is_read_with_its_letters(content: bytes) -> None:
    table = table_read(filename="liste.csv", content=content, required=["navn"])
    assert table.rows == [(2, {"navn": "Åse", "by": "Tromsø"})]


@pytest.mark.parametrize(
    ("errors", "summary"),
    [
        ([RowError(2, "navn", "Mangler.")], "1 feil i 1 rad"),
        (
            [RowError(2, "navn", "Mangler."), RowError(2, "dato", "Feil."), RowError(5, "", "x")],
            "3 feil i 2 rader",
        ),
        ([RowError(None, "", "Filen er tom.")], "1 feil"),
    ],
)
def test_the_summary_counts_errors_and_rows_in_the_right_plural(
    errors: list[RowError], summary: str
) -> None:
    assert errors_summary(errors) == summary


def test_the_summary_of_a_capped_list_counts_every_error_and_row() -> None:
    errors = [RowError(n // 2 + 2, "navn", "Mangler.").as_json() for n in range(250)]
    kept = errors_kept(errors)
    assert len(kept) == 101
    assert errors_summary(kept) == "250 feil i 125 rader"
