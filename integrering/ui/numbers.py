"""Numbers as Norwegian readers write them («1 250», «12,5», «−3», «40 %», «6,2 MB»), and exact rounding
half up for the figures they read (38,25 % is 38,3 %, never 38,2 % from a binary float)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

NBSP = "\u00a0"
MINUS = "\u2212"  # the minus sign; a hyphen is not one


def number_nb(value: float | int | Decimal, decimals: int = 0) -> str:
    """A number as written in Norwegian: digit groups split by a (non-breaking) space, a
    decimal comma and a true minus sign: ``1 250``, ``12,5``, ``−3``."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",").replace("-", MINUS)


def kroner_nb(amount: float | int | Decimal) -> str:
    """An amount of money as a letter or a message writes it: ``kr 12 500,00``."""
    return f"kr {number_nb(amount, 2)}"


def percent_nb(value: float | int | Decimal, decimals: int = 0) -> str:
    """``40 %``: Norwegian puts a space before the per cent sign."""
    return f"{number_nb(value, decimals)}{NBSP}%"


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


def megabytes(size: int) -> str:
    """A file size as a caseworker reads it: "5 MB", "6,2 MB", "12 kB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",") + " MB"


def count_nb(count: int, singular: str, plural: str) -> str:
    """A count with its noun in the right number, as Norwegian writes it: «1 husstand»,
    «120 husstander», «0 personer», «1 250 personer». Norwegian plurals are irregular
    («barn», «vedtak»), so both forms are given."""
    return f"{number_nb(count)} {singular if count == 1 else plural}"
