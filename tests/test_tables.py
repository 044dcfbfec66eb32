"""Reading small tables (``integrering.tables``): the line reader that the household import and
``table_read`` share, and how it names a file it cannot read."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import Workbook

from integrering.tables import TableError, TableUnreadable, table_lines, table_read


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
    assert list(table_lines(content=content, xlsx=False)) == [
        (1, ["a", "b,c", "d"]),
        (2, []),
        (3, ["1", "2,5", "x"]),
    ]


def test_xlsx_lines_keep_the_cells_as_stored() -> None:
    content = xlsx([["navn", "dato", "antall"], ["Åse", datetime.date(2024, 2, 1), 3]])
    lines = list(table_lines(content=content, xlsx=True))
    assert lines[1] == (2, ["Åse", datetime.datetime(2024, 2, 1), 3])


@pytest.mark.parametrize(
    ("content", "is_xlsx", "reason"),
    [
        ("navn\nÅse\n".encode("cp1252"), False, "encoding"),
        ("navn\n".encode("utf-16-le"), False, "binary"),  # UTF-16 without a byte order mark
        (b"not a zip", True, "xlsx"),
        (b"PK\x03\x04broken", True, "xlsx"),
    ],
)
def test_an_unreadable_file_is_named_with_its_reason(
    content: bytes, is_xlsx: bool, reason: str
) -> None:
    with pytest.raises(TableUnreadable) as refused:
        list(table_lines(content=content, xlsx=is_xlsx))
    assert refused.value.reason == reason
    assert refused.value.line is None


def test_a_csv_row_the_reader_refuses_is_named_by_its_line() -> None:
    content = ("navn\nOla\n" + "x" * 200_000 + "\n").encode()  # over the csv field limit
    lines = table_lines(content=content, xlsx=False)
    assert next(lines) == (1, ["navn"])  # read as used: the header comes first
    with pytest.raises(TableUnreadable) as refused:
        list(lines)
    assert (refused.value.reason, refused.value.line) == ("quotes", 3)


def test_table_read_gives_its_own_words_for_an_unreadable_file() -> None:
    with pytest.raises(TableError) as refused:
        table_read(filename="liste.csv", content="navn\nÅse\n".encode("cp1252"), required=[])
    assert refused.value.problems == ["Filen er ikke lagret som UTF-8 (CSV UTF-8)."]
