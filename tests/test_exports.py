"""Downloads for people (``integrering.exports``): workbooks and CSV files that keep numbers as
numbers, dates as dates, and never let a cell's text run as a formula."""

from __future__ import annotations

import csv
import datetime
import io
import subprocess
import sys
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from integrering.exports import (
    AMOUNT,
    DATE,
    DATE_TIME,
    INTEGER,
    Cell,
    Column,
    Heading,
    Sheet,
    csv_bytes,
    header_problem,
    import_template_csv_bytes,
    neutralised,
    xlsx_bytes,
)

FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
HEADING = Heading("Anmodninger 2026", "Hele landet", made=datetime.datetime(2026, 12, 3, 14, 5))


def sheet_of(content: bytes, title: str | None = None) -> Worksheet:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook[title] if title else workbook.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def csv_lines(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_text_that_looks_like_a_formula_is_written_as_text_in_a_workbook() -> None:
    content = xlsx_bytes([Sheet("Ark", ["Tekst"], [[text] for text in FORMULAS])], heading=HEADING)
    sheet = sheet_of(content)
    cells = [row[0] for row in sheet.iter_rows(min_row=3)]
    # The text itself, unchanged (but for a CR, which XML reads back as a line feed).
    assert [c.value for c in cells] == [text.replace("\r", "\n") for text in FORMULAS]
    assert [c.data_type for c in cells] == ["s"] * len(FORMULAS)
    assert all(c.quotePrefix for c in cells)  # as if typed with a leading apostrophe
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml  # no formula element anywhere


def test_a_negative_number_stays_a_number_and_plain_text_gets_no_quote_prefix() -> None:
    rows: list[list[Cell]] = [[-2, "-2", "Oslo", Decimal("-5841144.00")]]
    sheet = sheet_of(
        xlsx_bytes([Sheet("Ark", ["Tall", "Tekst", "Sted", "Resultat"], rows)], heading=HEADING)
    )
    number, text, place, result = sheet[3]
    assert (number.value, number.data_type, number.quotePrefix) == (-2, "n", False)
    assert (text.value, text.data_type, text.quotePrefix) == ("-2", "s", True)
    assert (place.value, place.quotePrefix) == ("Oslo", False)
    assert (result.value, result.data_type) == (-5841144, "n")


def test_a_title_row_says_what_the_file_is_for_whom_and_when_above_bold_headers_in_view() -> None:
    columns: list[Column | str] = [Column("Fødselsnummer", width=14), "Beløp (kr)", "Årsak"]
    sheet = sheet_of(
        xlsx_bytes([Sheet("Anmodninger 2026", columns, [["1", 2, "3"]])], heading=HEADING)
    )
    assert sheet.title == "Anmodninger 2026"
    assert sheet["A1"].value == "Anmodninger 2026 – Hele landet – laget 03.12.2026 kl. 14.05"
    assert sheet["A1"].font.b and sheet["B1"].value is None
    assert [c.value for c in sheet[2]] == ["Fødselsnummer", "Beløp (kr)", "Årsak"]
    assert all(c.font.b for c in sheet[2])
    assert not any(c.font.b for c in sheet[3])
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["A"].width == 14


def test_a_sheet_may_keep_the_first_columns_in_view_too() -> None:
    sheet = sheet_of(
        xlsx_bytes([Sheet("Ark", ["A", "B", "C"], [], freeze_columns=2)], heading=HEADING)
    )
    assert sheet.freeze_panes == "C3"
    assert sheet.max_row == 2


@pytest.mark.parametrize(
    "header", ["municipality_number", "Amount", "Fødsels dato (date)", "bosatt_dato", " "]
)
def test_a_header_of_code_or_english_is_refused_in_either_kind_of_file(header: str) -> None:
    assert header_problem(header) is not None
    with pytest.raises(ValueError):
        xlsx_bytes([Sheet("Ark", ["Kommune", header], [])], heading=HEADING)
    with pytest.raises(ValueError):
        csv_bytes(["Kommune", header], [], heading=HEADING)


@pytest.mark.parametrize("header", ["Kommunenummer", "Status", "Type", "Sum", "N", "Andel (%)"])
def test_norwegian_headers_pass(header: str) -> None:
    assert header_problem(header) is None


def test_an_import_template_keeps_the_imports_column_names_and_has_no_title_row() -> None:
    content = import_template_csv_bytes(
        ["husstand", "bosatt_dato"], [["H-1", datetime.date(2024, 3, 1)]]
    )
    assert csv_lines(content) == [["husstand", "bosatt_dato"], ["H-1", "01.03.2024"]]


def test_dates_are_real_dates_shown_day_month_year() -> None:
    rows = [[datetime.date(2024, 8, 15), datetime.datetime(2026, 4, 10, 12, 30)]]
    sheet = sheet_of(xlsx_bytes([Sheet("Ark", ["Bosatt", "Sendt inn"], rows)], heading=HEADING))
    day, moment = sheet[3]
    assert day.is_date and day.value == datetime.datetime(2024, 8, 15)
    assert day.number_format == DATE == "DD.MM.YYYY"
    assert moment.value == datetime.datetime(2026, 4, 10, 12, 30)
    assert moment.number_format == DATE_TIME


def test_numbers_are_numbers_with_the_column_number_format() -> None:
    columns: list[Column | str] = [
        Column("Kommune"),
        Column("Timer", number_format=INTEGER),
        "Antall",
    ]
    rows: list[list[Cell]] = [
        ["0301 Oslo", Decimal("32660"), 3],
        ["Sum", Decimal("573224.5"), None],
    ]
    sheet = sheet_of(xlsx_bytes([Sheet("Ark", columns, rows, sum_row=True)], heading=HEADING))
    assert [c.value for c in sheet[3]] == ["0301 Oslo", 32660, 3]
    assert sheet["B3"].number_format == INTEGER and sheet["C3"].number_format == "General"
    assert sheet["A3"].number_format == "General"  # text is left alone
    assert sheet["B4"].value == 573224.5
    assert [c.font.b for c in sheet[4]] == [True, True, True]  # the sum row, its empty cell too
    assert not sheet["A3"].font.b


def test_several_sheets_keep_their_order_and_long_text_wraps() -> None:
    content = xlsx_bytes(
        [
            Sheet("Linjer", [Column("beløp", number_format=AMOUNT)], [[Decimal("31900.00")]]),
            Sheet("Åpne svar", [Column("Svar", width=80, wrap=True)], [["Et langt svar"]]),
        ],
        heading=HEADING,
    )
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Linjer", "Åpne svar"]
    answers = sheet_of(content, "Åpne svar")
    assert answers["A3"].alignment.wrap_text and answers["A3"].alignment.vertical == "top"
    assert not answers["A2"].alignment.wrap_text
    assert sheet_of(content, "Linjer")["A3"].number_format == AMOUNT
    assert sheet_of(content, "Linjer")["A1"].value == HEADING.text  # every sheet has the title


def test_a_csv_for_excel_has_a_bom_semicolons_crlf_and_decimal_commas() -> None:
    rows: list[list[Cell]] = [
        ["0106 Fredrikstad", Decimal("-5841144.00"), Decimal("763.8"), None],
        ["Nordmann; d.y.", 12, datetime.date(2024, 2, 1), True],
    ]
    columns: list[Column | str] = ["Kommune", "Resultat", Column("Timer per årsverk"), "Merk"]
    content = csv_bytes(columns, rows, heading=HEADING)
    assert content.startswith(
        "\ufeffAnmodninger 2026 – Hele landet – laget 03.12.2026 kl. 14.05\r\n"
        "Kommune;Resultat;Timer per årsverk;Merk\r\n".encode()
    )
    assert csv_lines(content) == [
        [HEADING.text],
        ["Kommune", "Resultat", "Timer per årsverk", "Merk"],
        ["0106 Fredrikstad", "-5841144,00", "763,8", ""],  # a negative number is not touched
        ["Nordmann; d.y.", "12", "01.02.2024", "ja"],
    ]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_looks_like_a_formula_gets_an_apostrophe_in_a_csv(text: str) -> None:
    content = csv_bytes(["Tekst"], [[text]], heading=HEADING)
    assert csv_lines(content)[2] == ["'" + text]
    assert neutralised(text) == "'" + text


def test_ordinary_text_is_not_changed_in_a_csv() -> None:
    for text in ["Oslo", "0301", "e-post", "a=b", " =1"]:
        assert neutralised(text) == text
    assert csv_lines(csv_bytes(["Tekst"], [["0301"]], heading=HEADING))[2] == ["0301"]


def test_importing_the_module_does_not_import_openpyxl() -> None:
    code = "import sys, integrering.exports; print('openpyxl' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
