"""The cost-coverage table of Norwegian training (seed 001) as pure computation, no Django.

Per municipality: expenses including premises, income, the result (income - expenses), hours
taught, full-time equivalents (FTE) and hours per FTE; and the sum row, whose hours per FTE is
total hours / total FTE (seed 001: «Sum utvalgskommuner ... 573 224 751 763,8»), not the mean of
the rows'.

Money is exact (``Decimal``) with two decimals; hours per FTE is rounded half up to one decimal.
A file has the columns ``municipality_number,name,expenses,income,hours,fte`` (CSV or .xlsx);
``cost_rows_read`` checks every row and names every bad one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integrering.tables import Table, number_parse
from integrering.ui.numbers import round_half_up

COLUMNS = ("municipality_number", "name", "expenses", "income", "hours", "fte")
NUMBER_COLUMNS = ("expenses", "income", "hours", "fte")
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class CostSum:
    """Money, hours and FTE, of one municipality or of the sum row, with what follows from them."""

    expenses: Decimal
    income: Decimal
    hours: Decimal
    fte: Decimal

    @property
    def result(self) -> Decimal:
        return self.income - self.expenses

    @property
    def hours_per_fte(self) -> Decimal | None:
        return hours_per_fte(self.hours, self.fte)


@dataclass(frozen=True, kw_only=True)
class CostLine(CostSum):
    """One municipality's line (``line``: its line in the file, the header being 1)."""

    line: int
    municipality_number: str
    name: str


def hours_per_fte(hours: Decimal, fte: Decimal) -> Decimal | None:
    """Hours taught per FTE, one decimal (half up); None without FTE."""
    if not fte:
        return None
    return round_half_up(hours / fte, 1)


def cost_sum(lines: Sequence[Any]) -> CostSum:
    """The sum row: sums of the money, hours and FTE (anything with those attributes)."""
    return CostSum(
        expenses=sum((line.expenses for line in lines), Decimal(0)),
        income=sum((line.income for line in lines), Decimal(0)),
        hours=sum((line.hours for line in lines), Decimal(0)),
        fte=sum((line.fte for line in lines), Decimal(0)),
    )


def money_text(value: Decimal) -> str:
    """Money as the command writes it: two decimals, a point, no digit groups: ``-5841144.00``."""
    return f"{value.quantize(CENTS):f}"


def plain_number(value: Decimal) -> int | float:
    """A JSON number: an integer when whole, otherwise a float (at most the input's decimals)."""
    return int(value) if value == value.to_integral_value() else float(value)


def cost_table_json(lines: Sequence[CostLine]) -> dict[str, Any]:
    """``{"rows": [{"municipality_number", "result", "hours_per_fte"}], "sum": {"expenses",
    "income", "result", "hours", "fte", "hours_per_fte"}}``: money as strings with two decimals,
    hours per FTE as a number with one decimal (null without FTE), hours and FTE as numbers
    (integers when whole)."""
    total = cost_sum(lines)

    def hpf(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return {
        "rows": [
            {
                "municipality_number": line.municipality_number,
                "result": money_text(line.result),
                "hours_per_fte": hpf(line.hours_per_fte),
            }
            for line in lines
        ],
        "sum": {
            "expenses": money_text(total.expenses),
            "income": money_text(total.income),
            "result": money_text(total.result),
            "hours": plain_number(total.hours),
            "fte": plain_number(total.fte),
            "hours_per_fte": hpf(total.hours_per_fte),
        },
    }


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


LABELS = {
    "expenses": "expenses (utgifter)",
    "income": "income (inntekter)",
    "hours": "hours (timer)",
    "fte": "fte (årsverk)",
}


def cost_rows_read(table: Table) -> tuple[list[CostLine], list[str]]:
    """Every row of a cost-coverage table checked: the municipality number (1-4 digits, kept with
    leading zeros: 0213 Ski), a name, numbers that are not negative, money and hours with at most
    two decimals, FTE above 0 when hours were taught, each municipality once. Returns the lines
    and the problems (every bad row named; no lines are usable when there is one)."""
    lines: list[CostLine] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, row in table.rows:
        row_problems: list[str] = []
        municipality_number = row.get("municipality_number", "")
        if not re.fullmatch(r"[0-9]{1,4}", municipality_number):
            row_problems.append(
                f"linje {number}: municipality_number må være et kommunenummer med fire sifre, "
                f"ikke «{municipality_number}»"
            )
        else:
            municipality_number = municipality_number.zfill(4)
            first = seen.setdefault(municipality_number, number)
            if first != number:
                row_problems.append(
                    f"linje {number}: kommune {municipality_number} står allerede på linje {first}"
                )
        name = row.get("name", "")
        if not name:
            row_problems.append(f"linje {number}: name (kommunenavnet) mangler")
        values: dict[str, Decimal] = {}
        for column in NUMBER_COLUMNS:
            text = row.get(column, "")
            if not text:
                row_problems.append(f"linje {number}: {LABELS[column]} mangler")
                continue
            try:
                value = number_parse(text)
            except ValueError:
                row_problems.append(
                    f"linje {number}: {LABELS[column]} må være et tall, ikke «{text}»"
                )
                continue
            if value < 0:
                row_problems.append(
                    f"linje {number}: {LABELS[column]} kan ikke være negativ («{text}»)"
                )
            elif column != "fte" and _decimals(value) > 2:
                row_problems.append(
                    f"linje {number}: {LABELS[column]} kan ha høyst to desimaler («{text}»)"
                )
            values[column] = value
        if "fte" in values and "hours" in values and values["hours"] > 0 and values["fte"] == 0:
            row_problems.append(
                f"linje {number}: fte (årsverk) må være større enn 0 når det er undervist timer"
            )
        problems += row_problems
        if not row_problems:
            lines.append(
                CostLine(
                    line=number,
                    municipality_number=municipality_number,
                    name=name,
                    expenses=values["expenses"],
                    income=values["income"],
                    hours=values["hours"],
                    fte=values["fte"],
                )
            )
    return lines, problems
