"""Moving to another municipality within the first years after settlement (seed 002 §2.1).

Within the window (``settlement/move_window_years``, five years, as the integration grant) the
case is transferred to the new municipality and the grants follow the person from the moving
date: the old municipality keeps the days before it, the new one the moving date and after.
Pure functions; they know nothing of Django.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from .parameters import value

WINDOW = "settlement/move_window_years"


def move_window_end(settled_on: datetime.date) -> datetime.date:
    """The last day a move is transferred with the case: the day before the window's end
    (settled 01.03.2024 with five years: the last day is 28.02.2029)."""
    years = int(value(WINDOW, settled_on))
    try:
        end = settled_on.replace(year=settled_on.year + years)
    except ValueError:  # settled on 29 February, the window ends on 1 March
        end = datetime.date(settled_on.year + years, 3, 1)
    return end - datetime.timedelta(days=1)


def move_within_window(*, settled_on: datetime.date, moved_on: datetime.date) -> bool:
    """Whether a move on ``moved_on`` is within the window after settlement (seed 002 §2.1)."""
    return settled_on <= moved_on <= move_window_end(settled_on)


def days_in(start: datetime.date, end: datetime.date) -> int:
    """The days from ``start`` to ``end``, both counted; 0 when ``end`` is before ``start``."""
    return max(0, (end - start).days + 1)


def amount_split(
    amount: Decimal, *, period: tuple[datetime.date, datetime.date], moves: list[datetime.date]
) -> list[Decimal]:
    """An amount for a period split at the moving dates, by days: one part per municipality in
    order (before the first move, from the first move to the day before the second, ...).

    A municipality has the days up to the day before the move; the next has the moving date and
    after (seed 002 §2.1). Each part is rounded half up to whole kroner from the running total, so
    that the parts add up to the amount exactly. A move outside the period gives an empty part.
    """
    start, end = period
    total = days_in(start, end)
    if total == 0:
        return [Decimal(0) for _ in range(len(moves) + 1)]
    parts: list[Decimal] = []
    given = Decimal(0)
    for moved_on in sorted(moves):
        before = days_in(start, min(end, moved_on - datetime.timedelta(days=1)))
        running = (amount * before / total).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if before == total:
            running = amount
        parts.append(running - given)
        given = running
    parts.append(amount - given)
    return parts
