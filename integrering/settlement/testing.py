"""Factories for settlement tests: facts, requests, decisions, waiting households and runs."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from integrering.people.identity import duf_check_digits
from integrering.testing import municipality

from .models import (
    MatchRun,
    MatchRunStatus,
    MunicipalDecision,
    MunicipalityFacts,
    Placement,
    ReceptionCentre,
    ReceptionKind,
    SettlementRequest,
    WaitingHousehold,
    WaitingHouseholdImport,
    WaitingPerson,
)

_counter = itertools.count(1)


def make_facts(
    number: str,
    *,
    year: int = 2026,
    population: int = 20_000,
    results_score: str = "50",
    immigrant_share: str = "0.10",
    exception: bool = False,
) -> MunicipalityFacts:
    return MunicipalityFacts.objects.create(
        year=year,
        municipality=municipality(number),
        population=population,
        results_score=Decimal(results_score),
        immigrant_share=Decimal(immigrant_share),
        exception=exception,
    )


def make_request(
    number: str, *, year: int = 2026, requested: int = 50, decided: int | None = None
) -> SettlementRequest:
    request = SettlementRequest.objects.create(
        year=year, municipality=municipality(number), computed=requested, requested=requested
    )
    if decided is not None:
        MunicipalDecision.objects.create(
            request=request, decided=decided, decided_on=datetime.date(year, 2, 1)
        )
    return request


def make_centre(number: str = "0301", *, kind: str = ReceptionKind.ORDINARY) -> ReceptionCentre:
    return ReceptionCentre.objects.create(
        name=f"Testmottak {next(_counter)}",
        kind=kind,
        municipality=municipality(number),
        places=100,
    )


def make_waiting_household(
    *,
    year: int = 2026,
    members: int = 2,
    required: str | None = None,
    large_dwelling: int = 0,
    school_children: int = 0,
    unaccompanied_minors: int = 0,
    ready_on: datetime.date | None = None,
) -> WaitingHousehold:
    """A household waiting for settlement (written directly, as the demo does; the services'
    checks are tested apart): its counts as given, not counted from the members."""
    n = next(_counter)
    household = WaitingHousehold.objects.create(
        reference=f"VENT-{n:05d}",
        year=year,
        category="from_reception",
        large_dwelling=large_dwelling,
        school_children=school_children,
        unaccompanied_minors=unaccompanied_minors,
        required_municipality=municipality(required) if required else None,
        tie_kind="family" if required else "",
        **({"ready_on": ready_on} if ready_on else {}),
    )
    for i in range(members):
        WaitingPerson.objects.create(
            household=household,
            given_name=f"Venter{i}",
            family_name=f"Familie{n}",
            birth_date=datetime.date(1990 - i, 1, 1) if i < 2 else datetime.date(2015, 1, 1),
            duf_number=_duf(2023, n * 10 + i),
            relation="main" if i == 0 else ("spouse" if i == 1 else "child"),
            permit_type="asylum",
        )
    return household


def _duf(year: int, serial: int) -> str:
    first_ten = f"{year:04d}{serial % 1_000_000:06d}"
    return first_ten + duf_check_digits(first_ten)


def make_match_run(*, year: int = 2026, household: WaitingHousehold | None = None) -> MatchRun:
    """A finished proposal with one placement (of ``household``, or a new one) in Oslo."""
    run = MatchRun.objects.create(
        year=year, status=MatchRunStatus.PROPOSED, households=1, placed=1, persons_placed=2
    )
    household = household or make_waiting_household(year=year)
    Placement.objects.create(
        run=run, household=household, municipality=municipality("0301"), score=1.0, rank=1
    )
    return run


def make_waiting_import(
    user: Any, *, content: bytes = b"", filename: str = "venter.csv"
) -> WaitingHouseholdImport:
    """An uploaded list of waiting households, queued (the worker has not taken it)."""
    return WaitingHouseholdImport.objects.create(
        uploaded_by=user, filename=filename, content=content
    )
