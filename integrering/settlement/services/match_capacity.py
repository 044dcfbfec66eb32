"""What a household takes of a municipality's settlement capacity, and what is left of it: shared
by the planner's actions (``matching.py``) and the worker (``matching_compute.py``); no numpy."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from integrering.people.models import Category, Person

from ..models import (
    MatchRun,
    MunicipalDecision,
    Placement,
    WaitingHousehold,
    WaitingStatus,
)

DIMENSIONS = ("large_dwelling", "unaccompanied_minors")


CAPACITY_LABELS = {
    "persons": "personer",
    "large_dwelling": "store boliger",
    "unaccompanied_minors": "plasser for enslige mindreårige",
}


def household_demand(household: WaitingHousehold) -> dict[str, int]:
    """What a household takes of a municipality's capacity, by dimension (persons included)."""
    persons = getattr(household, "member_count", None)  # annotated by the callers that list many
    return {
        "persons": household.members.count() if persons is None else persons,
        "large_dwelling": household.large_dwelling,
        "unaccompanied_minors": household.unaccompanied_minors,
    }


def households_waiting(year: int) -> list[WaitingHousehold]:
    return list(
        WaitingHousehold.objects.filter(year=year, status=WaitingStatus.WAITING)
        .annotate(member_count=Count("members"))
        .prefetch_related("members")
        .order_by("reference")
    )


def municipality_capacity(year: int) -> dict[int, dict[str, float]]:
    """Each deciding municipality's capacity left for the year, by dimension.

    Taken already: the persons of the register settled there in the year (their own settlement
    date, or else their household's) and the persons of households confirmed there for the year
    but not settled yet; unaccompanied minors likewise; large dwellings by the confirmed
    households (the register does not know dwellings).
    """
    capacity: dict[int, dict[str, float]] = {}
    decisions = MunicipalDecision.objects.filter(request__year=year, decided__gt=0).select_related(
        "request"
    )
    for decision in decisions:
        capacity[decision.request.municipality_id] = {
            "persons": float(decision.decided),
            "unaccompanied_minors": float(decision.unaccompanied_minors),
            "large_dwelling": float("inf")
            if decision.large_dwellings is None
            else float(decision.large_dwellings),
        }
    taken = (
        Person.objects.filter(municipality_id__in=list(capacity))
        .filter(
            Q(settled_on__year=year)
            | Q(settled_on__isnull=True, household__settled_on__year=year)
            | Q(
                settled_on__isnull=True,
                household__settled_on__isnull=True,
                household__waiting_household__year=year,
            )
        )
        .values("municipality_id")
        .annotate(
            persons=Count("id"),
            minors=Count("id", filter=Q(category=Category.UNACCOMPANIED_MINOR)),
        )
    )
    for row in taken:
        left = capacity[row["municipality_id"]]
        left["persons"] -= row["persons"]
        left["unaccompanied_minors"] -= row["minors"]
    confirmed = WaitingHousehold.objects.filter(
        year=year, status=WaitingStatus.CONFIRMED, confirmed_municipality_id__in=list(capacity)
    ).values_list("confirmed_municipality_id", "large_dwelling")
    for municipality_id, large in confirmed:
        capacity[municipality_id]["large_dwelling"] -= large
    return capacity


def run_loads(run: MatchRun, *, exclude: Placement | None = None) -> dict[int, dict[str, float]]:
    """What the run's placements take of each municipality, by dimension."""
    loads: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    placements = run.placements.filter(municipality__isnull=False).annotate(
        member_count=Count("household__members")
    )
    if exclude is not None:
        placements = placements.exclude(pk=exclude.pk)
    for municipality_id, persons, large, minors in placements.values_list(
        "municipality_id",
        "member_count",
        "household__large_dwelling",
        "household__unaccompanied_minors",
    ):
        load = loads[municipality_id]
        load["persons"] += persons
        load["large_dwelling"] += large
        load["unaccompanied_minors"] += minors
    return loads
