"""Who reaches settlement planning, and the reads of its rows.

Settlement planning is the directorate's: only users with the settlement planner role reach it.
Anyone else gets 403 on its lists and 404 on its objects (a municipal user must not learn that
an id exists). Households waiting for settlement hold personal data: every read of one, and every
list of them, is audit-logged (``person_id`` is empty, since they are not yet persons of a
municipality's register; ``detail`` names the household).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast

from integrering.accounts.access import is_planner, planner_require, planner_require_or_404
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.errors import NotFound
from integrering.organisations.models import Municipality

from .models import (
    MatchRun,
    MatchRunStatus,
    Placement,
    ReceptionCentre,
    SettlementRequest,
    WaitingHousehold,
    WaitingHouseholdImport,
    WaitingPerson,
    WaitingStatus,
)
from .services.match_capacity import municipality_capacity, run_loads
from .services.match_notes import capacity_warnings

# The years settlement planning takes in a URL or a form; others are 404 or refused.
MIN_YEAR, MAX_YEAR = 2000, 2100
NOT_FOUND = "Finner ikke det du ba om."


def planning_year_require(user: Any, year: int) -> int:
    """For a page of one year: 404 for anyone but a planner, and for a year out of range."""
    planner_require_or_404(user)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise NotFound(NOT_FOUND)
    return year


def _get(user: Any, queryset: QuerySet[Any], pk: int) -> Any:
    planner_require_or_404(user)
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def reception_centre_get(user: Any, pk: int) -> ReceptionCentre:
    return _get(user, ReceptionCentre.objects.select_related("municipality"), pk)


def settlement_request_get(user: Any, pk: int) -> SettlementRequest:
    return _get(
        user, SettlementRequest.objects.select_related("municipality__county", "decision"), pk
    )


def match_run_get(user: Any, pk: int) -> MatchRun:
    return _get(user, MatchRun.objects.all(), pk)


def waiting_households_for(*, ctx: AccessContext, year: int) -> QuerySet[WaitingHousehold]:
    """The year's waiting households (a planner's list; the caller audits what it shows)."""
    planner_require(ctx.user)
    return WaitingHousehold.objects.filter(year=year).select_related(
        "required_municipality", "reception_centre", "confirmed_municipality"
    )


def _audited_get(
    ctx: AccessContext, queryset: QuerySet[Any], pk: int, *, what: str, detail: Any
) -> Any:
    """One row holding personal data, for a planner: the read is audited, and so is a denied
    attempt (404, as for an id that does not exist)."""
    found = queryset.filter(pk=pk).first() if is_planner(ctx.user) else None
    audit_record(
        ctx=ctx,
        person_id=None,
        action=AuditAction.READ,
        allowed=found is not None,
        detail=f"{what} {pk}" if found is None else detail(found),
    )
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def audit_waiting_persons(
    *,
    ctx: AccessContext,
    household: WaitingHousehold,
    person_ids: Iterable[int],
    action: str,
    what: str = "",
) -> None:
    """One audit event per waiting person read or written, as for a person of the register;
    ``person_id`` is empty (they are not persons of the register yet) and the detail names the
    person and the household."""
    suffix = f": {what}" if what else ""
    for pk in person_ids:
        audit_record(
            ctx=ctx,
            person_id=None,
            action=action,
            allowed=True,
            detail=f"venteperson {pk} i husstand {household.reference}{suffix}",
        )


def waiting_household_read(
    *, ctx: AccessContext, pk: int
) -> tuple[WaitingHousehold, list[WaitingPerson]]:
    """One waiting household with its members, each member's read audited; 404 (and a denied
    record) for anyone but a planner, as for an id that does not exist."""
    found = (
        WaitingHousehold.objects.select_related(
            "required_municipality", "reception_centre", "confirmed_municipality", "withdrawn_by"
        )
        .filter(pk=pk)
        .first()
        if is_planner(ctx.user)
        else None
    )
    if found is None:
        audit_record(
            ctx=ctx,
            person_id=None,
            action=AuditAction.READ,
            allowed=False,
            detail=f"husstand som venter på bosetting {pk}",
        )
        raise NotFound(NOT_FOUND)
    members = list(found.members.all())
    audit_waiting_persons(
        ctx=ctx, household=found, person_ids=[m.pk for m in members], action=AuditAction.READ
    )
    return found, members


# What the waiting list can be narrowed to besides the adaptation needs' own codes.
NEED_FILTERS = {
    "any": "Har behov for tilpasning",
    "large_dwelling": "Trenger stor bolig",
    "unaccompanied_minors": "Har enslige mindreårige",
    "school_children": "Har barn i skolealder",
    "tie": "Har tilknytning til en kommune",
}
STATUS_ALL = "all"


def _need_q(need: str) -> Q:
    if need == "any":
        return ~Q(needs_text="[]")
    if need == "large_dwelling":
        return Q(large_dwelling__gt=0)
    if need == "unaccompanied_minors":
        return Q(unaccompanied_minors__gt=0)
    if need == "school_children":
        return Q(school_children__gt=0)
    if need == "tie":
        return Q(required_municipality__isnull=False)
    # An adaptation need's code, as stored in the JSON list (the same text in SQLite and
    # PostgreSQL, where the JSON lookups differ).
    return Q(needs_text__contains=f'"{need}"')


def waiting_households_listed(
    *,
    ctx: AccessContext,
    year: int | None = None,
    status: str = WaitingStatus.WAITING,
    centre: ReceptionCentre | None = None,
    need: str = "",
    query: str = "",
) -> QuerySet[WaitingHousehold]:
    """The waiting households a planner lists, longest waiting first, each with its
    ``member_count``: of a year (or all), a status (``STATUS_ALL``: every one), a reception
    centre, a need (an adaptation need's code or a key of ``NEED_FILTERS``), and whose reference,
    a member's name or DUF number matches ``query``. The caller audits what it shows."""
    planner_require(ctx.user)
    households = WaitingHousehold.objects.select_related(
        "reception_centre", "required_municipality", "confirmed_municipality"
    ).annotate(member_count=Count("members"), needs_text=Cast("adaptation_needs", TextField()))
    if year is not None:
        households = households.filter(year=year)
    if status and status != STATUS_ALL:
        households = households.filter(status=status)
    if centre is not None:
        households = households.filter(reception_centre=centre)
    if need:
        households = households.filter(_need_q(need))
    query = query.strip()
    if query:
        digits = "".join(query.split())
        members = WaitingPerson.objects.filter(household=OuterRef("pk")).filter(
            Q(duf_number=digits) | Q(given_name__icontains=query) | Q(family_name__icontains=query)
        )
        households = households.filter(Q(reference__icontains=query) | Exists(members))
    return households.order_by("ready_on", "reference")


def waiting_import_get(user: Any, pk: int) -> WaitingHouseholdImport:
    """One import of waiting households (its errors name persons): 404 for anyone but a planner."""
    return _get(user, WaitingHouseholdImport.objects.select_related("uploaded_by"), pk)


def waiting_imports_recent(user: Any, *, limit: int = 20) -> QuerySet[WaitingHouseholdImport]:
    planner_require(user)
    return WaitingHouseholdImport.objects.select_related("uploaded_by")[:limit]


def placement_get(*, ctx: AccessContext, pk: int) -> Placement:
    """One placement with its household (audited as a read of the household)."""
    return _audited_get(
        ctx,
        Placement.objects.select_related(
            "run", "household", "household__required_municipality", "municipality"
        ),
        pk,
        what="plassering",
        detail=lambda p: f"plassering av husstand {p.household.reference}",
    )


def audit_waiting_list(*, ctx: AccessContext, references: list[str], what: str) -> None:
    """Record that a list of waiting households was shown (one event; they are not persons yet)."""
    if references:
        shown = ", ".join(references[:20]) + (" …" if len(references) > 20 else "")
        audit_record(
            ctx=ctx,
            person_id=None,
            action=AuditAction.LIST,
            allowed=True,
            detail=f"{what}: {len(references)} husstander ({shown})"[:300],
        )


def waiting_households_unconfirmed(*, ctx: AccessContext, year: int) -> QuerySet[WaitingHousehold]:
    """The year's households still waiting (no municipality confirmed), by reference, each with
    its ``member_count`` (a planner's list; the caller audits what it shows)."""
    return (
        waiting_households_for(ctx=ctx, year=year)
        .annotate(member_count=Count("members"))
        .filter(status=WaitingStatus.WAITING)
        .order_by("reference")
    )


def matching_figures(*, ctx: AccessContext, year: int) -> dict[str, int]:
    """The matching page's key figures: the households and persons still waiting, the households
    confirmed, and the capacity left (municipalities that decided to settle, and persons)."""
    households = waiting_households_for(ctx=ctx, year=year).annotate(member_count=Count("members"))
    waiting = households.filter(status=WaitingStatus.WAITING)
    capacity = municipality_capacity(year)
    return {
        "waiting_count": waiting.count(),
        "waiting_persons": sum(h.member_count for h in waiting),
        "confirmed_count": households.filter(status=WaitingStatus.CONFIRMED).count(),
        "capacity_municipalities": len(capacity),
        "capacity_persons": int(sum(max(c["persons"], 0) for c in capacity.values())),
    }


def match_runs_for(*, year: int) -> QuerySet[MatchRun]:
    """The year's runs of the matcher, newest first."""
    return MatchRun.objects.filter(year=year)


def match_run_placements(
    run: MatchRun,
    *,
    unplaced_only: bool = False,
    changed_only: bool = False,
    municipality: str = "",
) -> QuerySet[Placement]:
    """The run's placements by household reference, each with its household's ``member_count``;
    only the unplaced ones, or only those the planner locked or changed, if asked; and only those
    in the municipalities whose number is, or whose name contains, ``municipality``, if given."""
    placements = (
        run.placements.select_related(
            "household", "household__required_municipality", "municipality"
        )
        .annotate(member_count=Count("household__members"))
        .order_by("household__reference")
    )
    if unplaced_only:
        placements = placements.filter(municipality__isnull=True)
    elif changed_only:
        placements = placements.filter(Q(locked=True) | Q(changed_by_planner=True))
    if municipality:
        placements = placements.filter(
            Q(municipality__number=municipality) | Q(municipality__name__icontains=municipality)
        )
    return placements


def match_run_placement_counts(run: MatchRun) -> dict[str, int]:
    """How many of the run's households it leaves unplaced, and how many placements are locked."""
    return {
        "unplaced": run.placements.filter(municipality__isnull=True).count(),
        "locked": run.placements.filter(locked=True).count(),
    }


def match_run_municipality_rows(run: MatchRun) -> list[dict[str, Any]]:
    """Each municipality the run places households in, by number: the persons placed against the
    capacity left, the large dwellings, school-age children and unaccompanied minors placed,
    the warnings of its latest capacity survey (``match_notes.capacity_warnings``) and the
    price per person of a place this week (None when the run did not price places)."""
    capacity = municipality_capacity(run.year)
    loads = run_loads(run)
    names = {m.pk: m for m in Municipality.objects.filter(pk__in=set(capacity) | set(loads))}
    warnings = capacity_warnings(loads)
    rows = []
    for pk, load in loads.items():
        cap = capacity.get(pk, {})
        rows.append(
            {
                "municipality": names[pk],
                "persons": int(load.get("persons", 0)),
                "capacity": int(cap.get("persons", 0)),
                "large_dwelling": int(load.get("large_dwelling", 0)),
                "school_children": int(load.get("school_children", 0)),
                "unaccompanied_minors": int(load.get("unaccompanied_minors", 0)),
                "warnings": warnings.get(pk, []),
                # The price of a place this week (per person), when the run priced places.
                "price": (run.place_prices or {}).get(names[pk].number, {}).get("persons"),
            }
        )
    return sorted(rows, key=lambda r: r["municipality"].number)


def waiting_household_members(household: WaitingHousehold) -> QuerySet[WaitingPerson]:
    """A waiting household's members (the caller has audited the read of the household)."""
    return household.members.all()


def waiting_household_placements(
    household: WaitingHousehold, *, limit: int = 10
) -> QuerySet[Placement]:
    """The household's placements in the latest runs, newest run first."""
    return (
        Placement.objects.filter(household=household)
        .select_related("run", "municipality")
        .order_by("-run__created_at")[:limit]
    )


def waiting_household_proposed(household: WaitingHousehold) -> QuerySet[Placement]:
    """The household's placements in proposals not yet confirmed (what withdrawing it undoes)."""
    return Placement.objects.filter(
        household=household, run__status=MatchRunStatus.PROPOSED, municipality__isnull=False
    ).select_related("municipality")
