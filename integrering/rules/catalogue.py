"""The catalogue of parameters: every parameter with the value in force on a date, and its source.

Shared by the page «Satser og beregninger», the API and the YAML cases.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from integrering.ui.numbers import number_nb

from .money import fraction_str
from .parameters import parameters


def plain_value(value: Any) -> Any:
    """A parameter value as JSON: exact numbers as strings."""
    if isinstance(value, Fraction):
        return fraction_str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_value(item) for item in value]
    return value


def display_lines(value: Any, prefix: str = "") -> list[str]:
    """A parameter value as lines a caseworker reads: «year_1 · adult: 187 000»."""
    if isinstance(value, dict):
        return [
            line for key, item in value.items() for line in display_lines(item, f"{prefix}{key} · ")
        ]
    if isinstance(value, list):
        return [
            line
            for i, item in enumerate(value, start=1)
            for line in display_lines(item, f"{prefix}{i} · ")
        ]
    if isinstance(value, Decimal):
        text = number_nb(value) if value == value.to_integral() else f"{value}"
    elif isinstance(value, Fraction):
        text = fraction_str(value)
    elif isinstance(value, datetime.date):
        text = f"{value:%d.%m.%Y}"
    elif value is None:
        text = "–"
    else:
        text = str(value)
    return [f"{prefix.removesuffix(' · ')}: {text}" if prefix else text]


def parameters_table(on: datetime.date, *, jsonable: bool = False) -> list[dict[str, Any]]:
    """Every parameter with the value in force on a date (or none known), and its source."""
    rows = []
    for p in parameters().values():
        in_force = p.in_force(on)
        value = in_force[1] if in_force else None
        rows.append(
            {
                "parameter": p.name,
                "description": p.description,
                "unit": p.unit,
                "in_force_from": in_force[0].isoformat() if in_force else None,
                "value": plain_value(value) if jsonable else display_lines(value),
                "reference": p.reference,
                "source": p.source_on(on) if in_force else "",
            }
        )
    return rows
