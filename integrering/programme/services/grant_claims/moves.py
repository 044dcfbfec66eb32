"""The grants follow the person from the moving date (seed 002 §2.1).

A person who moved within five years of settlement (an accepted ``casework.CaseTransfer``)
belonged to one municipality up to the day before the move and to the next from the moving
date. A yearly grant for a budget year (the integration grant, the Norwegian training person
grant, the grant for unaccompanied minors) is split by the days of the year the person had (from the
settlement date, in the year of settlement) between the municipalities
(``rules.moves.amount_split``); each municipality claims its part. A grant counted on one day (the Norwegian training base grant
on 15 January) counts the person where they lived that day (``owner_on``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from integrering.casework.models import CaseTransfer, TransferStatus
from integrering.organisations.models import Municipality
from integrering.people.models import Person
from integrering.rules.moves import amount_split, days_in

DONE = (TransferStatus.ACCEPTED, TransferStatus.REGISTERED)


@dataclass(frozen=True)
class Move:
    moved_on: datetime.date
    from_id: int
    to_id: int
    from_name: str
    to_name: str


def moves_of(person_ids: list[int]) -> dict[int, list[Move]]:
    """Each person's moves handed over to the new municipality, in date order."""
    moves: dict[int, list[Move]] = defaultdict(list)
    rows = (
        CaseTransfer.objects.filter(status__in=DONE, persons__in=person_ids)
        .select_related("from_municipality", "to_municipality")
        .values_list(
            "persons",
            "moved_on",
            "from_municipality_id",
            "to_municipality_id",
            "from_municipality__name",
            "to_municipality__name",
        )
        .order_by("moved_on", "handed_over_at")
    )
    wanted = set(person_ids)
    for person_id, moved_on, from_id, to_id, from_name, to_name in rows:
        if person_id in wanted:
            moves[person_id].append(Move(moved_on, from_id, to_id, from_name, to_name))
    return moves


def moved_away_persons(municipality: Municipality, budget_year: int) -> list[Person]:
    """Persons who moved away from the municipality during or after the budget year: it claims
    their grants up to the day before the move."""
    return list(
        Person.objects.filter(
            transfers__from_municipality=municipality,
            transfers__status__in=DONE,
            transfers__moved_on__gt=datetime.date(budget_year, 1, 1),
        )
        .exclude(municipality=municipality)
        .select_related("household")
        .distinct()
        .order_by("household__reference", "pk")
    )


@dataclass(frozen=True)
class Share:
    amount: Decimal
    note: str


def share_of(
    amount: Decimal,
    *,
    municipality_id: int,
    moves: list[Move],
    budget_year: int,
    settled_on: datetime.date,
) -> Share:
    """The municipality's part of a yearly grant of a person who moved (``moves``), with a note
    that says how it was split; the whole amount and no note when the person did not move."""
    if not moves:
        return Share(amount, "")
    start = max(datetime.date(budget_year, 1, 1), settled_on)
    end = datetime.date(budget_year, 12, 31)
    parts = amount_split(amount, period=(start, end), moves=[m.moved_on for m in moves])
    owners = [moves[0].from_id, *(m.to_id for m in moves)]
    own = sum(
        (part for part, owner in zip(parts, owners, strict=True) if owner == municipality_id),
        Decimal(0),
    )
    in_year = [m for m in moves if start < m.moved_on <= end]
    if not in_year:
        return Share(own, "")
    total = days_in(start, end)
    words = [f"Flyttet fra {m.from_name} til {m.to_name} {m.moved_on:%d.%m.%Y}" for m in in_year]
    days = sum(
        days_in(max(start, begin), min(end, finish))
        for begin, finish, owner in _periods(moves, start, end)
        if owner == municipality_id
    )
    return Share(own, f"{'; '.join(words)}: {days} av {total} dager i kommunen.")


def _periods(
    moves: list[Move], start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, datetime.date, int]]:
    """(first day, last day, municipality) of each stay between ``start`` and ``end``."""
    periods = []
    begin = start
    for move in moves:
        periods.append((begin, move.moved_on - datetime.timedelta(days=1), move.from_id))
        begin = max(begin, move.moved_on)
    periods.append((begin, end, moves[-1].to_id))
    return periods


def owner_on(moves: list[Move], day: datetime.date, default: int) -> int:
    """The municipality the person lived in on ``day`` by their moves (the new one from the
    moving date); ``default`` when they did not move."""
    if not moves:
        return default
    owner = moves[0].from_id
    for move in moves:
        if move.moved_on <= day:
            owner = move.to_id
    return owner


def one_off_owner(moves: list[Move], default: int) -> int:
    """The municipality a one-off grant of year 1 (kindergarten, elderly) goes to: the one the
    person was settled in (a move comes after the settlement)."""
    return moves[0].from_id if moves else default
