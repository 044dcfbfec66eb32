"""Which municipality has a participant on which days, after moves within five years.

A move within five years of settlement (seed 002 §2.1) hands the case to the new municipality,
and the introduction programme goes on there (``handover.py``): the old municipality has the
participant up to the day before the moving date, the new one from the moving date. The benefit
run pays each municipality's own days (``services/benefit_compute.py``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from integrering.casework.models import TRANSFER_HANDED_OVER, CaseTransfer

from .models import Participation
from .periods import Stay

DAY = datetime.timedelta(days=1)


def moved_from(municipality_id: int) -> QuerySet[CaseTransfer, Any]:
    """The persons (as a subquery) who moved away from the municipality by a handed-over move."""
    return CaseTransfer.objects.filter(
        status__in=TRANSFER_HANDED_OVER, from_municipality_id=municipality_id
    ).values("persons")


def person_stays(person_ids: Iterable[int], municipality_id: int) -> dict[int, list[Stay]]:
    """For each person who moved, their stays in the municipality (first and last day, None for
    open), in date order; a person without a move is left out."""
    moves: dict[int, list[tuple[datetime.date, int, int]]] = defaultdict(list)
    rows = (
        CaseTransfer.objects.filter(status__in=TRANSFER_HANDED_OVER, persons__in=list(person_ids))
        .order_by("moved_on", "handed_over_at")
        .values_list("persons", "moved_on", "from_municipality_id", "to_municipality_id")
    )
    wanted = set(person_ids)
    for person_id, moved_on, from_id, to_id in rows:
        if person_id in wanted:
            moves[person_id].append((moved_on, from_id, to_id))
    stays: dict[int, list[Stay]] = {}
    for person_id, person_moves in moves.items():
        mine: list[Stay] = []
        begin: datetime.date | None = None
        owner = person_moves[0][1]
        for moved_on, _from_id, to_id in person_moves:
            if owner == municipality_id:
                mine.append((begin, moved_on - DAY))
            begin, owner = moved_on, to_id
        if owner == municipality_id:
            mine.append((begin, None))
        stays[person_id] = mine
    return stays


def participation_stays(
    participations: Iterable[Participation], municipality_id: int
) -> dict[int, list[Stay]]:
    """Each participation's stays in the municipality that pays: the whole programme when the
    person did not move and the programme is the municipality's, else the stays by the moves."""
    participations = list(participations)
    moved = person_stays({p.person_id for p in participations}, municipality_id)
    result: dict[int, list[Stay]] = {}
    for p in participations:
        if p.person_id in moved:
            result[p.pk] = moved[p.person_id]
        else:
            result[p.pk] = [(None, None)] if p.municipality_id == municipality_id else []
    return result


def in_stay(day: datetime.date, stay: Stay) -> bool:
    """Whether ``day`` is within the stay."""
    return (stay[0] is None or stay[0] <= day) and (stay[1] is None or day <= stay[1])
