"""Who reaches settlement planning, and the reads of its rows.

Settlement planning is the directorate's: only users with the settlement planner role reach it.
Anyone else gets 403 on its lists and 404 on its objects (a municipal user must not learn that
an id exists). Households waiting for settlement hold personal data: every read of one, and every
list of them, is audit-logged (``person_id`` is empty, since they are not yet persons of a
municipality's register; ``detail`` names the household).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from integrering.accounts.roles import Role
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record

from .models import (
    MatchRun,
    Placement,
    ReceptionCentre,
    SettlementRequest,
    WaitingHousehold,
)

# The years settlement planning takes in a URL or a form; others are 404 or refused.
MIN_YEAR, MAX_YEAR = 2000, 2100
NOT_PLANNER = "Bosettingsplanlegging er for direktoratets bosettingsplanleggere."
NOT_FOUND = "Finner ikke det du ba om."


def is_planner(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.SETTLEMENT_PLANNER))


def planner_require(user: Any) -> None:
    """For list pages: 403 with a clear message for anyone who is not a settlement planner."""
    if not is_planner(user):
        raise PermissionDenied(NOT_PLANNER)


def planner_require_or_404(user: Any) -> None:
    """For pages of one object (or one year): 404 for anyone who is not a settlement planner."""
    if not is_planner(user):
        raise Http404(NOT_FOUND)


def planning_year_require(user: Any, year: int) -> int:
    """For a page of one year: 404 for anyone but a planner, and for a year out of range."""
    planner_require_or_404(user)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404(NOT_FOUND)
    return year


def _get(user: Any, queryset: QuerySet[Any], pk: int) -> Any:
    planner_require_or_404(user)
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404(NOT_FOUND)
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


def waiting_household_get(*, ctx: AccessContext, pk: int) -> WaitingHousehold:
    """One waiting household and its members, audited (denied attempts too)."""
    if not is_planner(ctx.user) or not WaitingHousehold.objects.filter(pk=pk).exists():
        audit_record(
            ctx=ctx,
            person_id=None,
            action=AuditAction.READ,
            allowed=False,
            detail=f"husstand som venter på bosetting {pk}",
        )
        raise Http404(NOT_FOUND)
    household = WaitingHousehold.objects.select_related(
        "required_municipality", "reception_centre", "confirmed_municipality"
    ).get(pk=pk)
    audit_record(
        ctx=ctx,
        person_id=None,
        action=AuditAction.READ,
        allowed=True,
        detail=f"husstand som venter på bosetting {household.reference}",
    )
    return household


def placement_get(*, ctx: AccessContext, pk: int) -> Placement:
    """One placement with its household (audited as a read of the household)."""
    if not is_planner(ctx.user) or not Placement.objects.filter(pk=pk).exists():
        audit_record(
            ctx=ctx,
            person_id=None,
            action=AuditAction.READ,
            allowed=False,
            detail=f"plassering {pk}",
        )
        raise Http404(NOT_FOUND)
    placement = Placement.objects.select_related("run", "household", "municipality").get(pk=pk)
    audit_record(
        ctx=ctx,
        person_id=None,
        action=AuditAction.READ,
        allowed=True,
        detail=f"plassering av husstand {placement.household.reference}",
    )
    return placement


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
