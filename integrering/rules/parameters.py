"""Dated parameters: every amount, rate and window as data, OpenFisca style.

One YAML file per parameter under ``parameters/<domain>/<name>.yaml``::

    description: Grunnbeløpet i folketrygden (G)
    unit: NOK
    metadata:
      reference: "Forskrift om grunnbeløp ...; seed 002 §3.2"
    values:
      2023-05-01: 118620
      2024-05-01: 124028

A value holds from its date until the next one. A value of ``null`` ends the parameter: from
that date no value is known (a grant whose later rates we have no source for yet). Numbers are
read as exact ``Decimal``; strings like ``"2/3"`` as exact ``Fraction``; mappings recursively.
Lookups are cached: the files are read once per process.

``metadata.reference`` is the parameter's source for developers (it may name a seed or a file).
What a user reads on the page «Satser og beregninger» is kept apart (issue 23): ``description``
is the parameter's Norwegian label, ``metadata.law`` its source as a user cites it (the law or
regulation and its section: «Integreringsloven § 20»), ``metadata.labels`` (optional) the
Norwegian words for the keys and codes of a structured value, and ``metadata.summary`` (optional)
a sentence shown instead of a value too large or technical to list (letter texts, rule sets).
``metadata.sources`` (optional) gives the
source of one value, keyed by the value's date, when the values come from different documents::

    metadata:
      reference: "Prop. 1 S for each budget year; IMDi's grant pages"
      sources:
        2023-01-01: "KS 06.10.2022: forslaget til satser for 2023, https://www.ks.no/..."
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PARAMETERS_DIR = Path(__file__).resolve().parent / "parameters"


class RulesError(ValueError):
    """A question the rules cannot answer; the message says why, in words a caseworker understands."""


def _convert(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str) and "/" in value:
        numerator, _, denominator = value.partition("/")
        if numerator.strip().isdigit() and denominator.strip().isdigit():
            return Fraction(int(numerator), int(denominator))
    if isinstance(value, dict):
        return {key: _convert(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_convert(item) for item in value]
    return value


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    reference: str
    dates: tuple[datetime.date, ...]
    values: tuple[Any, ...]
    # The source of each value (aligned with ``dates``), "" where the file names none.
    sources: tuple[str, ...] = ()
    # What a user reads (``metadata.law``, ``labels``, ``summary``): see the module docstring.
    law: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    summary: str = ""

    def at(self, on: datetime.date) -> Any:
        """The value in force on a date."""
        index = bisect.bisect_right(self.dates, on) - 1
        if index < 0:
            raise RulesError(
                f"{self.description}: ingen verdi før {self.dates[0]:%d.%m.%Y} (spurte om {on:%d.%m.%Y})."
            )
        value = self.values[index]
        if value is None:
            raise RulesError(
                f"{self.description}: ingen kjent verdi for {on:%d.%m.%Y} "
                f"(verdiene vi har kilde for, gjelder til {self.dates[index]:%d.%m.%Y})."
            )
        return value

    def in_force(self, on: datetime.date) -> tuple[datetime.date, Any] | None:
        """(date it took effect, value) on a date, or None when no value is known then."""
        index = bisect.bisect_right(self.dates, on) - 1
        if index < 0 or self.values[index] is None:
            return None
        return self.dates[index], self.values[index]

    def source_on(self, on: datetime.date) -> str:
        """The source of the value in force on a date (``metadata.sources``), or ""."""
        index = bisect.bisect_right(self.dates, on) - 1
        if index < 0 or index >= len(self.sources):
            return ""
        return self.sources[index]

    @property
    def first_date(self) -> datetime.date:
        return self.dates[0]


def _load(path: Path, root: Path) -> Parameter:
    name = path.relative_to(root).with_suffix("").as_posix()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = [key for key in ("description", "metadata", "values") if key not in (data or {})]
    if problems:
        raise RulesError(f"{name}: mangler {', '.join(problems)}")
    reference = (data["metadata"] or {}).get("reference", "")
    if not reference:
        raise RulesError(f"{name}: mangler kilde (metadata.reference)")
    items = sorted(data["values"].items())
    for date, _ in items:
        if not isinstance(date, datetime.date):
            raise RulesError(f"{name}: {date!r} er ikke en dato (ÅÅÅÅ-MM-DD)")
    sources = (data["metadata"] or {}).get("sources") or {}
    unknown = [date for date in sources if date not in data["values"]]
    if unknown:
        raise RulesError(f"{name}: metadata.sources har datoer uten verdi: {unknown!r}")
    return Parameter(
        name=name,
        description=data["description"],
        unit=str(data.get("unit", "")),
        reference=reference,
        dates=tuple(date for date, _ in items),
        values=tuple(_convert(value) for _, value in items),
        sources=tuple(str(sources.get(date) or "") for date, _ in items),
        law=str((data["metadata"] or {}).get("law") or ""),
        labels=tuple(
            (str(key), str(text))
            for key, text in ((data["metadata"] or {}).get("labels") or {}).items()
        ),
        summary=str((data["metadata"] or {}).get("summary") or ""),
    )


@cache
def parameters(root: Path = PARAMETERS_DIR) -> dict[str, Parameter]:
    """Every parameter, by name (``benefit/g``), read once."""
    return {p.name: p for p in (_load(path, root) for path in sorted(root.rglob("*.yaml")))}


def parameter(name: str) -> Parameter:
    try:
        return parameters()[name]
    except KeyError:
        raise RulesError(f"Ukjent parameter: {name}") from None


def value(name: str, on: datetime.date) -> Any:
    """Shorthand: the value of a parameter in force on a date."""
    return parameter(name).at(on)
