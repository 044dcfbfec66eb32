"""The municipal survey's statistics as pure functions (no Django): response rates per role and
"at least one answer" (seed 004 table 1), Pearson's r with its two-sided p and significance stars
(seed 004 table 2), and Likert distributions.

The statistics are scipy's (``scipy.stats.pearsonr``), never hand-written formulas. Percentages
are rounded half up on the exact fraction, so 38.25 % is 38.3 % and never 38.2 % from a binary
float. The module also reads the small tables the commands and imports take (CSV or .xlsx), so
that every file is read, and every bad row named, the same way.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from scipy import stats

# --- Percentages -------------------------------------------------------------------------------


def percent_one_decimal(part: int, whole: int) -> Decimal:
    """``part`` of ``whole`` in per cent with one decimal, rounded half up on the exact fraction
    (integer arithmetic, no float); 0 when ``whole`` is 0."""
    if whole <= 0:
        return Decimal("0.0")
    tenths, remainder = divmod(1000 * part, whole)
    if 2 * remainder >= whole:
        tenths += 1
    return (Decimal(tenths) / 10).quantize(Decimal("0.1"))


def round_half_up(value: Decimal | Fraction, decimals: int) -> Decimal:
    """``value`` rounded half up (away from zero) to ``decimals`` places, computed exactly: a
    ``Fraction`` (a share of counts) is rounded as it is, never through a binary float."""
    if isinstance(value, Decimal):
        return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    steps = value * 10**decimals
    whole = int(abs(steps) + Fraction(1, 2))  # floor of |x| + 1/2: half up, exact
    return Decimal(-whole if steps < 0 else whole).scaleb(-decimals)


# --- Response rates (seed 004 table 1) ---------------------------------------------------------


@dataclass(frozen=True)
class RoleRate:
    role: str
    invited: int
    answered: int

    @property
    def percent(self) -> Decimal:
        return percent_one_decimal(self.answered, self.invited)


@dataclass(frozen=True)
class AtLeastOne:
    invited_units: int
    answered_units: int

    @property
    def percent(self) -> Decimal:
        return percent_one_decimal(self.answered_units, self.invited_units)

    # The same names as a role's rate, so that table 1 reads its rows alike.
    @property
    def invited(self) -> int:
        return self.invited_units

    @property
    def answered(self) -> int:
        return self.answered_units


@dataclass(frozen=True)
class ResponseRates:
    roles: list[RoleRate]
    at_least_one: AtLeastOne

    def role(self, role: str) -> RoleRate | None:
        return next((r for r in self.roles if r.role == role), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "roles": [
                {
                    "role": r.role,
                    "invited": r.invited,
                    "answered": r.answered,
                    "percent": float(r.percent),
                }
                for r in self.roles
            ],
            "at_least_one": {
                "invited_units": self.at_least_one.invited_units,
                "answered_units": self.at_least_one.answered_units,
                "percent": float(self.at_least_one.percent),
            },
        }


def response_rates(
    invitations: Iterable[tuple[str, str, bool]], *, role_order: Sequence[str]
) -> ResponseRates:
    """Rates from ``(unit_id, role, answered)`` triples: per role the invited and answering
    units, and the units with at least one answer among all invited units (seed 004 table 1).
    Roles come in ``role_order``, only those present."""
    invited: dict[str, set[str]] = {}
    answered: dict[str, set[str]] = {}
    units: set[str] = set()
    answering_units: set[str] = set()
    for unit_id, role, did_answer in invitations:
        units.add(unit_id)
        invited.setdefault(role, set()).add(unit_id)
        if did_answer:
            answered.setdefault(role, set()).add(unit_id)
            answering_units.add(unit_id)
    roles = [
        RoleRate(role=role, invited=len(invited[role]), answered=len(answered.get(role, ())))
        for role in role_order
        if role in invited
    ]
    return ResponseRates(
        roles=roles,
        at_least_one=AtLeastOne(invited_units=len(units), answered_units=len(answering_units)),
    )


# --- Correlation (seed 004 table 2) ------------------------------------------------------------


class StatisticsError(ValueError):
    """The data cannot give the statistic; the message says why, in Norwegian."""


@dataclass(frozen=True)
class Correlation:
    n: int
    r: float
    p: float

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "r": self.r, "p": self.p}


def pearson(xs: Sequence[float], ys: Sequence[float]) -> Correlation:
    """Pearson's r and its two-sided p (``scipy.stats.pearsonr``) for paired values.

    Fewer than 3 pairs, or a variable with one value only, gives no correlation: ``StatisticsError``.
    """
    if len(xs) != len(ys):
        raise StatisticsError("x og y må ha like mange verdier.")
    if len(xs) < 3:
        raise StatisticsError(
            f"Det trengs minst 3 rader med begge verdier for å beregne en korrelasjon, "
            f"fant {len(xs)}."
        )
    for name, values in (("x", xs), ("y", ys)):
        if len(set(values)) == 1:
            raise StatisticsError(
                f"Alle verdiene av {name} er like ({values[0]:g}); korrelasjonen er ikke definert."
            )
    result = stats.pearsonr(xs, ys, alternative="two-sided")
    return Correlation(n=len(xs), r=float(result.statistic), p=float(result.pvalue))


def significance_stars(p: float, thresholds: Sequence[tuple[Decimal, str]]) -> str:
    """The stars for a p-value: the mark of the smallest threshold that ``p`` is below
    (strictly). ``thresholds`` pairs a limit with its mark, e.g. ``(0.01, "***")``."""
    if math.isnan(p):
        return ""
    marks = ""
    for limit, mark in sorted(thresholds, key=lambda t: t[0], reverse=True):
        if Decimal(repr(p)) < Decimal(limit):
            marks = mark
    return marks


# --- Likert distributions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """Counts per scale value, in the scale's order, and the answers counted."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def percent(self, value: str) -> Decimal:
        return percent_one_decimal(self.counts.get(value, 0), self.total)


def likert_distribution(values: Iterable[str], *, scale: Sequence[str]) -> Distribution:
    """How many answers took each value of the scale; values outside the scale are not counted."""
    counts = dict.fromkeys(scale, 0)
    for value in values:
        if value in counts:
            counts[value] += 1
    return Distribution(counts=counts)


# --- Reading small tables (CSV or .xlsx) -------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"


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
