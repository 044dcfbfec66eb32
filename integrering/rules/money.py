"""Money: exact fractions inside, rounded half up to øre once, at the end of each reported amount."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

ORE = Decimal("0.01")


def to_ore(amount: Fraction | Decimal | int) -> Decimal:
    """Round an exact amount half up to whole øre."""
    exact = Fraction(amount)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        ORE, rounding=ROUND_HALF_UP
    )


def money_str(amount: Fraction | Decimal | int) -> str:
    """An amount as JSON wants it: a string with two decimals ("21693.33")."""
    return f"{to_ore(amount):.2f}"


def fraction_str(share: Fraction) -> str:
    return (
        str(share.numerator) if share.denominator == 1 else f"{share.numerator}/{share.denominator}"
    )
