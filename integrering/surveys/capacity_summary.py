"""The capacity survey's statistics (seed 000): per service, the share of answering
municipalities that report «utfordrende» or «kritisk», and the change from the previous round.

Pure functions over plain rows (municipality, county, service, level): no database, so the
command line (``cli/capacity.py``), the pages and the API compute the same figures.

- ``percent_one_decimal(part, whole)`` (from ``statistics.py``, shared with the municipal
  survey): the share in per cent, rounded half up on the exact fraction (4/9 -> 44.4, 1/8 ->
  12.5), as ``Decimal``;
- ``service_shares(rows)``: one ``ServiceShare`` per service, in the seed's order;
- ``shares_by_group(rows, key)``: the same per county (or any other grouping);
- ``change_points(current, previous)``: the change in percentage points, one decimal.

A municipality counts once per service: ``answered`` is the number of municipalities that
answered the service, ``challenging_or_critical`` those of them that answered utfordrende or
kritisk (seed 000: «Utfordrende/kritisk i 44 % av kommunene»).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from integrering.ui.numbers import percent_one_decimal, round_half_up

from .models import CHALLENGING_OR_CRITICAL, CapacityLevel, CapacityService

SERVICES: tuple[str, ...] = tuple(CapacityService.values)
LEVELS: tuple[str, ...] = tuple(CapacityLevel.values)


@dataclass(frozen=True)
class AnswerRow:
    """One municipality's level for one service (a submitted answer, or a line of a file)."""

    municipality: str
    service: str
    level: str
    county: str = ""


@dataclass(frozen=True)
class ServiceShare:
    """One service's figures: how many municipalities answered, how many at each level."""

    service: str
    answered: int
    challenging_or_critical: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(CapacityService(self.service).label)

    @property
    def fraction(self) -> Fraction | None:
        """The exact share of challenging or critical; None when nobody answered."""
        if not self.answered:
            return None
        return Fraction(self.challenging_or_critical, self.answered)

    @property
    def percent(self) -> Decimal | None:
        """The share in per cent with one decimal (44.4); None when nobody answered."""
        if not self.answered:
            return None
        return percent_one_decimal(self.challenging_or_critical, self.answered)

    def level_percent(self, level: str) -> Decimal | None:
        if not self.answered:
            return None
        return percent_one_decimal(self.counts.get(level, 0), self.answered)


def service_shares(
    rows: Iterable[AnswerRow], *, services: Sequence[str] = SERVICES, only_answered: bool = False
) -> list[ServiceShare]:
    """One ``ServiceShare`` per service in ``services`` (the seed's order by default).

    A municipality that appears twice for one service is counted once, with its last row (files
    are checked for that before; ``cli/capacity.py`` refuses them). With ``only_answered`` the
    services nobody answered are left out.
    """
    levels: dict[str, dict[str, str]] = {service: {} for service in services}
    for row in rows:
        if row.service in levels:
            levels[row.service][row.municipality] = row.level
    shares = []
    for service in services:
        by_municipality = levels[service]
        counts = {level: 0 for level in LEVELS}
        for level in by_municipality.values():
            counts[level] = counts.get(level, 0) + 1
        if only_answered and not by_municipality:
            continue
        shares.append(
            ServiceShare(
                service=service,
                answered=len(by_municipality),
                challenging_or_critical=sum(
                    1 for level in by_municipality.values() if level in CHALLENGING_OR_CRITICAL
                ),
                counts=counts,
            )
        )
    return shares


def shares_by_group(
    rows: Iterable[AnswerRow], key: Callable[[AnswerRow], str]
) -> dict[str, list[ServiceShare]]:
    """``service_shares`` for each group of rows (by county: ``key=lambda r: r.county``), in the
    order of the keys, sorted."""
    groups: dict[str, list[AnswerRow]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return {name: service_shares(groups[name]) for name in sorted(groups)}


def change_points(current: ServiceShare | None, previous: ServiceShare | None) -> Decimal | None:
    """The change of the challenging-or-critical share in percentage points, one decimal, from
    the exact fractions; None when either round has no answer for the service."""
    if current is None or previous is None:
        return None
    now, before = current.fraction, previous.fraction
    if now is None or before is None:
        return None
    return round_half_up(100 * (now - before), 1)
