"""``integrering finance cost-coverage``: the cost-coverage table of Norwegian training from a
file (seed 001), without the database::

    integrering finance cost-coverage --file kostnader.csv [--json]

The file (CSV, comma or semicolon, UTF-8; or .xlsx, first sheet) has the columns
``municipality_number,name,expenses,income,hours,fte``. With ``--json`` it prints
``{"rows": [{"municipality_number", "result", "hours_per_fte"}], "sum": {"expenses", "income",
"result", "hours", "fte", "hours_per_fte"}}``: money (expenses, income, result = income -
expenses) as strings with two decimals (``"-5841144.00"``); hours per FTE as a number with one
decimal, rounded half up (the sum row's is total hours / total FTE); the sum's hours and fte as
numbers, integers when whole, otherwise with the decimals of the input (fte may have several).
Without ``--json`` it prints the table as in seed 001, in Norwegian number format.

Bad input (a missing column, text in a number column, a negative number, a municipality twice):
exit status 2, every bad row on stderr, nothing on stdout.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from integrering.commands import problems_report
from integrering.tables import TableError, table_read
from integrering.ui.numbers import number_nb, round_half_up

from .cost_coverage import COLUMNS, CostLine, cost_rows_read, cost_sum, cost_table_json

HELP = "Kostnadsdekning i norskopplæringen per kommune med sumrad."
PROG = "integrering finance cost-coverage"


def add_arguments(parser: Any) -> None:
    parser.add_argument("--file", metavar="FIL.csv", help=f"kommunene: {','.join(COLUMNS)}")
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")


def cost_file_read(path_text: str) -> tuple[list[CostLine], list[str]]:
    if not path_text:
        return [], ["--file mangler: oppgi CSV-filen med kommunene."]
    try:
        content = Path(path_text).read_bytes()
    except OSError as exc:
        return [], [f"Kan ikke lese {path_text}: {exc.strerror or exc}."]
    try:
        table = table_read(filename=path_text, content=content, required=COLUMNS)
    except TableError as exc:
        return [], exc.problems
    return cost_rows_read(table)


def number_half_up(value: Decimal, decimals: int = 0) -> str:
    """A Norwegian number, rounded half up on the exact value (40,55 -> 40,6)."""
    return number_nb(round_half_up(value, decimals), decimals)


def cost_table_lines(lines: list[CostLine]) -> list[str]:
    """The table as in seed 001, with Norwegian numbers."""

    def hpf(value: Any) -> str:
        return "" if value is None else number_half_up(value, 1)

    header = (
        f"{'Kommune':<28} {'Utgifter':>14} {'Inntekter':>14} {'Resultat':>14} "
        f"{'Timer':>9} {'Årsverk':>8} {'Timer/årsverk':>13}"
    )
    out = [header]
    for line in lines:
        out.append(
            f"{(line.municipality_number + ' ' + line.name)[:28]:<28} "
            f"{number_half_up(line.expenses):>14} {number_half_up(line.income):>14} "
            f"{number_half_up(line.result):>14} {number_half_up(line.hours):>9} "
            f"{number_half_up(line.fte, 1):>8} {hpf(line.hours_per_fte):>13}"
        )
    total = cost_sum(lines)
    out.append(
        f"{'Sum':<28} {number_half_up(total.expenses):>14} {number_half_up(total.income):>14} "
        f"{number_half_up(total.result):>14} {number_half_up(total.hours):>9} "
        f"{number_half_up(total.fte, 1):>8} {hpf(total.hours_per_fte):>13}"
    )
    return out


def run(options: dict[str, Any], *, stdout: Any, stderr: Any) -> int:
    lines, problems = cost_file_read(options.get("file") or "")
    if problems:
        return problems_report(stderr, PROG, problems)
    if options.get("json"):
        stdout.write(json.dumps(cost_table_json(lines), ensure_ascii=False, indent=2) + "\n")
    else:
        for line in cost_table_lines(lines):
            stdout.write(line + "\n")
    return 0
