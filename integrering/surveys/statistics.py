"""The municipal survey's statistics as pure functions (no Django): response rates per role and
"at least one answer" (seed 004 table 1), Pearson's r with its two-sided p and significance stars
(seed 004 table 2), and Likert distributions.

The statistics are scipy's (``scipy.stats.pearsonr``), never hand-written formulas. Percentages
are rounded half up on the exact fraction, so 38.25 % is 38.3 % and never 38.2 % from a binary
float.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integrering.ui.numbers import percent_one_decimal

# --- Percentages -------------------------------------------------------------------------------


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
    # scipy takes about half a second to import: only a correlation pays it.
    from scipy import stats

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
