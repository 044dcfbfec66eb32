"""What a household takes of a municipality's settlement capacity, and what is left of it; which
municipalities can meet a household's adaptation needs. Shared by the planner's actions
(``matching.py``), the worker (``matching_compute.py``) and the confirmation
(``matching_confirm.py``); no numpy.

Capacity dimensions besides persons (``DIMENSIONS``): large dwellings, places for school-age
children and places for unaccompanied minors, each from the municipality's decision
(``MunicipalDecision``; an empty ``large_dwellings`` or ``school_children`` means no limit).
Adaptation needs are hard constraints, not capacities: a household with needs may only go to a
municipality whose decision lists every one of them in ``adaptation_capabilities`` (issue 21
item 5; «other» too: only municipalities that listed «other»).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from integrering.people.models import Category, Person
from integrering.rules.deadlines import PersonFacts, in_group
from integrering.rules.parameters import parameter
from integrering.ui.words import lower_first

from ..models import (
    MatchRun,
    MunicipalDecision,
    Placement,
    WaitingHousehold,
    WaitingStatus,
)

DIMENSIONS = ("large_dwelling", "school_children", "unaccompanied_minors")


CAPACITY_LABELS = {
    "persons": "personer",
    "large_dwelling": "store boliger",
    "school_children": "plasser for barn i skolealder",
    "unaccompanied_minors": "plasser for enslige mindreårige",
}

ADAPTATION_PARAMETER = "settlement/adaptation_needs"


def options_in_words(options: list[dict[str, object]]) -> list[dict[str, object]]:
    """A placement's better options (``Placement.explanation``) with the capacities that stopped
    each in words (issue 23 item 10): runs explained before the labels stored the keys
    («large_dwelling»); words already there, or a name not known, are kept as they are."""
    return [
        {**option, "stopped_by": [CAPACITY_LABELS.get(str(k), str(k)) for k in stopped]}
        if isinstance(stopped := option.get("stopped_by"), list)
        else option
        for option in options
    ]


# The decision's field of each dimension whose empty value means no limit.
UNLIMITED_WHEN_EMPTY = {"large_dwelling": "large_dwellings", "school_children": "school_children"}


def household_demand(household: WaitingHousehold) -> dict[str, int]:
    """What a household takes of a municipality's capacity, by dimension (persons included)."""
    persons = getattr(household, "member_count", None)  # annotated by the callers that list many
    return {
        "persons": household.members.count() if persons is None else persons,
        "large_dwelling": household.large_dwelling,
        "school_children": household.school_children,
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
    but not settled yet; unaccompanied minors and school-age children (by year of birth, as
    ``services/waiting.py`` counts them) likewise; large dwellings by the confirmed households
    (the register does not know dwellings).
    """
    capacity: dict[int, dict[str, float]] = {}
    decisions = MunicipalDecision.objects.filter(request__year=year, decided__gt=0).select_related(
        "request"
    )
    for decision in decisions:
        left = {
            "persons": float(decision.decided),
            "unaccompanied_minors": float(decision.unaccompanied_minors),
        }
        for dimension, name in UNLIMITED_WHEN_EMPTY.items():
            limit = getattr(decision, name)
            left[dimension] = float("inf") if limit is None else float(limit)
        capacity[decision.request.municipality_id] = left
    settled = Person.objects.filter(municipality_id__in=list(capacity)).filter(
        _settled_in_year(year)
    )
    taken = settled.values("municipality_id").annotate(
        persons=Count("id"),
        minors=Count("id", filter=Q(category=Category.UNACCOMPANIED_MINOR)),
    )
    for row in taken:
        left = capacity[row["municipality_id"]]
        left["persons"] -= row["persons"]
        left["unaccompanied_minors"] -= row["minors"]
    born = settled.values_list("municipality_id", "birth_date__year").annotate(n=Count("id"))
    on = datetime.date(year, 1, 1)
    for municipality_id, born_in, count in born:
        # School age goes by year of birth only (seed 002 §2.8, ``deadlines/arrival``).
        if in_group(
            "school", PersonFacts(birth_date=datetime.date(born_in, 1, 1), category=""), on
        ):
            capacity[municipality_id]["school_children"] -= count
    confirmed = WaitingHousehold.objects.filter(
        year=year, status=WaitingStatus.CONFIRMED, confirmed_municipality_id__in=list(capacity)
    ).values_list("confirmed_municipality_id", "large_dwelling")
    for municipality_id, large in confirmed:
        capacity[municipality_id]["large_dwelling"] -= large
    return capacity


def _settled_in_year(year: int) -> Q:
    """Persons of the register settled in the year (their own settlement date, or else their
    household's), or confirmed for it and registered but not settled yet."""
    return (
        Q(settled_on__year=year)
        | Q(settled_on__isnull=True, household__settled_on__year=year)
        | Q(
            settled_on__isnull=True,
            household__settled_on__isnull=True,
            household__waiting_household__year=year,
        )
    )


def persons_taken(year: int) -> int:
    """How much of the year's settlement need is met already: the persons settled in the year
    anywhere, or confirmed for it (as ``municipality_capacity`` counts them, in every
    municipality)."""
    return Person.objects.filter(_settled_in_year(year)).count()


def run_loads(
    run: MatchRun, *, exclude: Placement | None = None, waiting_only: bool = False
) -> dict[int, dict[str, float]]:
    """What the run's placements take of each municipality, by dimension (only those of
    households still waiting, if ``waiting_only``: what confirming the run registers)."""
    loads: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    placements = run.placements.filter(municipality__isnull=False).annotate(
        member_count=Count("household__members")
    )
    if exclude is not None:
        placements = placements.exclude(pk=exclude.pk)
    if waiting_only:
        placements = placements.filter(household__status=WaitingStatus.WAITING)
    for municipality_id, persons, *demand in placements.values_list(
        "municipality_id", "member_count", *(f"household__{d}" for d in DIMENSIONS)
    ):
        load = loads[municipality_id]
        load["persons"] += persons
        for dimension, amount in zip(DIMENSIONS, demand, strict=True):
            load[dimension] += amount
    return loads


def capacity_shortfalls(
    capacity: dict[str, float], load: dict[str, float], demand: dict[str, int]
) -> list[str]:
    """Where ``demand`` does not fit in what ``capacity`` has left beside ``load``: one
    Norwegian phrase per capacity («personer: 0 ledig, husstanden trenger 2»)."""
    short = []
    for key, amount in demand.items():
        free = capacity.get(key, 0.0) - load.get(key, 0.0)
        if amount and free < amount:
            short.append(
                f"{CAPACITY_LABELS[key]}: {max(int(free), 0)} ledig, husstanden trenger {amount}"
            )
    return short


# --- Adaptation needs (hard constraints) --------------------------------------------------------


def municipality_capabilities(year: int) -> dict[int, frozenset[str]]:
    """The adaptation needs each deciding municipality has said it can meet in the year (its
    decision's ``adaptation_capabilities``; one decision per municipality and year)."""
    decisions = MunicipalDecision.objects.filter(request__year=year, decided__gt=0).values_list(
        "request__municipality_id", "adaptation_capabilities"
    )
    return {pk: frozenset(codes or ()) for pk, codes in decisions}


def needs_unmet(household: WaitingHousehold, capabilities: frozenset[str]) -> list[str]:
    """The household's adaptation needs a municipality with ``capabilities`` has not said it can
    meet (empty: it may go there), in the household's order."""
    return [code for code in household.adaptation_needs or () if code not in capabilities]


def municipalities_allowed(year: int, household: WaitingHousehold) -> list[int]:
    """The municipalities ``household`` may be placed in for ``year`` (issue 23 item 10): those
    that decided to settle in the year (``municipality_capacity``), only its family tie when it
    has one, and only those that said they can meet every adaptation need of it; the same
    checks ``placement_change`` makes, room aside."""
    capable = municipality_capabilities(year)
    allowed = [
        pk
        for pk in municipality_capacity(year)
        if not needs_unmet(household, capable.get(pk, frozenset()))
    ]
    tie = household.required_municipality_id
    return [pk for pk in allowed if tie is None or pk == tie]


def needs_text(codes: list[str]) -> str:
    """The needs as the planner reads them: «rullestol / tilrettelagt bolig, må bo nær sykehus»
    (the labels of ``settlement/adaptation_needs`` in force today; a code it no longer names is
    shown as it is)."""
    needs = parameter(ADAPTATION_PARAMETER)
    known = needs.at(max(timezone.localdate(), needs.first_date))
    labels = [str(known.get(code, {}).get("label", code)) for code in codes]
    return ", ".join(lower_first(label) for label in labels)
