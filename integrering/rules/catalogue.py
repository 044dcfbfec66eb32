"""The catalogue of parameters: every parameter with the value in force on a date, and its source.

Shared by the page «Satser og beregninger», the API and the YAML cases.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
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


def shown_value(value: Any, key: str = "", labels: Mapping[str, str] | None = None) -> str:
    """One value as a user reads it: «37,5», «2/3», «01.01.2021», «Ja», a code by its label."""
    labels = labels or {}
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if isinstance(value, Decimal):
        if key.endswith("year") and value == value.to_integral():
            return str(int(value))  # a year, «2000», has no digit groups
        return number_nb(value, max(0, -int(value.normalize().as_tuple().exponent)))
    if isinstance(value, Fraction):
        return fraction_str(value)
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    if value is None:
        return "–"
    if isinstance(value, list):
        return ", ".join(shown_value(item, key, labels) for item in value)
    return labels.get(str(value), str(value))


def display_lines(
    value: Any, prefix: str = "", labels: Mapping[str, str] | None = None
) -> list[str]:
    """A parameter value as lines a caseworker reads: «Enslig: 40 000», the keys by their
    Norwegian ``labels`` (``metadata.labels``); a list of plain values on one line."""
    labels = labels or {}
    if isinstance(value, dict):
        return [
            line
            for key, item in value.items()
            for line in display_lines(item, f"{prefix}{labels.get(str(key), key)} · ", labels)
        ]
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        return [
            line
            for i, item in enumerate(value, start=1)
            for line in display_lines(item, f"{prefix}{i} · ", labels)
        ]
    keys = [key for key, text in labels.items() if prefix.removesuffix(" · ").endswith(text)]
    text = shown_value(value, keys[0] if keys else "", labels)
    return [f"{prefix.removesuffix(' · ')}: {text}" if prefix else text]


def parameters_table(on: datetime.date, *, jsonable: bool = False) -> list[dict[str, Any]]:
    """Every parameter with the value in force on a date (or none known), and its source.

    ``jsonable`` (the API): the value as exact JSON, the date in ISO form, and the developer's
    ``reference`` and per-value ``source`` besides the user's ``law``. Otherwise (the page):
    the value as lines a user reads (or the parameter's ``summary``), the date as a date."""
    rows = []
    for p in parameters().values():
        in_force = p.in_force(on)
        value = in_force[1] if in_force else None
        if jsonable:
            shown: Any = plain_value(value)
        elif in_force and p.summary:
            shown = [p.summary]
        else:
            shown = display_lines(value, labels=dict(p.labels))
        rows.append(
            {
                "parameter": p.name,
                "description": p.description,
                "unit": p.unit,
                "in_force_from": (
                    (in_force[0].isoformat() if jsonable else in_force[0]) if in_force else None
                ),
                "value": shown,
                "law": p.law,
                "reference": p.reference,
                "source": p.source_on(on) if in_force else "",
            }
        )
    return rows
