"""The whole demo world, part by part: households (``world.py``), the introduction programme
(``programme.py``), settlement planning (``settlement.py``) and monitoring (``monitoring.py``).

Each part builds on what the parts before it created; none of them imports this module.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from .monitoring import demo_monitoring_create
from .programme import demo_historic_households_create, demo_programmes_create
from .settlement import demo_settlement_create
from .world import DEMO_USERS, demo_households_create


@dataclass(frozen=True)
class DemoResult:
    users: int
    households: int
    persons: int
    programmes: int = 0
    historic_households: int = 0
    waiting_households: int = 0
    settlement_requests: int = 0
    settlement_decisions: int = 0
    capacity_rounds: int = 0
    capacity_responses: int = 0
    survey_invitations: int = 0


@transaction.atomic
def demo_world_create(
    *,
    households: int,
    seed: int,
    today: datetime.date,
    progress: Callable[[int], None] | None = None,
) -> DemoResult:
    """Create the demo world: users, ``households`` households and every part built on them."""
    world = demo_households_create(households=households, seed=seed, today=today, progress=progress)
    programmes = demo_programmes_create(seed=seed, today=today, caseworkers=world.caseworkers)
    historic, historic_persons = demo_historic_households_create(
        seed=seed,
        municipality=world.municipalities["0301"],
        caseworker=world.caseworkers["0301"],
    )
    settlement = demo_settlement_create(seed=seed, today=today)
    monitoring = demo_monitoring_create(seed=seed, today=today)
    return DemoResult(
        users=len(DEMO_USERS),
        households=world.households,
        persons=world.persons + historic_persons,
        programmes=programmes,
        historic_households=historic,
        waiting_households=settlement.waiting_households,
        settlement_requests=settlement.requests,
        settlement_decisions=settlement.decisions,
        capacity_rounds=monitoring.capacity_rounds,
        capacity_responses=monitoring.capacity_responses,
        survey_invitations=monitoring.survey_invitations,
    )
