"""Who reaches settlement planning, and the reads of its rows.

Settlement planning is the directorate's: only users with the settlement planner role reach it.
Anyone else gets 403 on its lists and 404 on its objects (a municipal user must not learn that
an id exists). Households waiting for settlement hold personal data: every read of one, and every
list of them, is audit-logged (``person_id`` is empty, since they are not yet persons of a
municipality's register; ``detail`` names the household).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from integrering.accounts.access import is_planner, planner_require, planner_require_or_404
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.errors import NotFound
from integrering.organisations.models import Municipality

from .models import (
    MatchRun,
    Placement,
    ReceptionCentre,
    SettlementRequest,
    WaitingHousehold,
    WaitingPerson,
    WaitingStatus,
)
from .services.match_capacity import municipality_capacity, run_loads

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


def waiting_household_get(*, ctx: AccessContext, pk: int) -> WaitingHousehold:
    """One waiting household and its members, audited (denied attempts too)."""
    return _audited_get(
        ctx,
        WaitingHousehold.objects.select_related(
            "required_municipality", "reception_centre", "confirmed_municipality"
        ),
        pk,
        what="husstand som venter på bosetting",
        detail=lambda h: f"husstand som venter på bosetting {h.reference}",
    )


def placement_get(*, ctx: AccessContext, pk: int) -> Placement:
    """One placement with its household (audited as a read of the household)."""
    return _audited_get(
        ctx,
        Placement.objects.select_related("run", "household", "municipality"),
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
        run.placements.select_related("household", "municipality")
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
    capacity left, and the large dwellings and unaccompanied minors placed."""
    capacity = municipality_capacity(run.year)
    loads = run_loads(run)
    names = {m.pk: m for m in Municipality.objects.filter(pk__in=set(capacity) | set(loads))}
    rows = []
    for pk, load in loads.items():
        cap = capacity.get(pk, {})
        rows.append(
            {
                "municipality": names[pk],
                "persons": int(load.get("persons", 0)),
                "capacity": int(cap.get("persons", 0)),
                "large_dwelling": int(load.get("large_dwelling", 0)),
                "unaccompanied_minors": int(load.get("unaccompanied_minors", 0)),
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
