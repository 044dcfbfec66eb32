"""The municipalities' answers to the requests (vedtak, seed 001): recorded by the municipality's
leader in Integrering, or by the planner from the municipality's letter (issue 21 item 4).

A decision answers the request per group: how many persons the municipality will settle this
year, of which unaccompanied minors, of which under 15; the large dwellings and the places for
school-age children it has (empty: no limit); the adaptation needs it can meet (codes of the
parameter ``settlement/adaptation_needs``); the decision date and a comment. The matcher uses
the decision as the municipality's capacity. ``source`` says who recorded it.

- ``decision_record`` creates or corrects the decision with optimistic locking (the decision's
  version, 0 for a new one): a second answer in a stale form is refused (``ConflictError``).
- A decision may exceed the request: that is allowed (a municipality may settle more), and shown.
- ``answer_request_get`` is the leader's way to their own municipality's request; another
  municipality's is never reached (404, ``accounts.access.settlement_answer_require``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrering.accounts.access import (
    leader_municipality,
    planner_or_system_require,
    settlement_answer_require,
)
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError, conflict_message, version_bump
from integrering.errors import NotFound

from ..models import DecisionSource, MunicipalDecision, SettlementRequest
from ..selectors import MAX_YEAR, MIN_YEAR
from .progress import MunicipalProgress, municipality_progress
from .requests import DECISION, NOTE_MAX
from .waiting import adaptation_needs_in_force

# The code of the adaptation need «Annet»: a municipality that can meet other needs says which.
OTHER_NEED = "other"


def decision_of(request: SettlementRequest) -> MunicipalDecision | None:
    try:
        return request.decision
    except MunicipalDecision.DoesNotExist:
        return None


def _count_errors(
    errors: dict[str, list[str]],
    *,
    decided: int | None,
    unaccompanied_minors: int | None,
    minors_under_15: int | None,
    large_dwellings: int | None,
    school_children: int | None,
) -> None:
    if decided is None:
        errors["decided"] = [
            "Oppgi hvor mange personer kommunen har vedtatt å bosette (0 hvis ingen)."
        ]
    elif decided < 0:
        errors["decided"] = ["Antallet kan ikke være negativt."]
    if unaccompanied_minors is None:
        errors["unaccompanied_minors"] = [
            "Oppgi hvor mange av dem som er enslige mindreårige (0 hvis ingen)."
        ]
    elif unaccompanied_minors < 0:
        errors["unaccompanied_minors"] = ["Antallet kan ikke være negativt."]
    elif decided is not None and decided >= 0 and unaccompanied_minors > decided:
        errors["unaccompanied_minors"] = [
            f"Enslige mindreårige er en del av vedtaket og kan ikke være flere enn {decided}."
        ]
    if minors_under_15 is None:
        errors["minors_under_15"] = [
            "Oppgi hvor mange av de enslige mindreårige som er under 15 år."
        ]
    elif minors_under_15 < 0:
        errors["minors_under_15"] = ["Antallet kan ikke være negativt."]
    elif (
        unaccompanied_minors is not None
        and unaccompanied_minors >= 0
        and minors_under_15 > unaccompanied_minors
    ):
        errors["minors_under_15"] = [
            "Barn under 15 år er en del av de enslige mindreårige og kan ikke være flere enn "
            f"{unaccompanied_minors}."
        ]
    if large_dwellings is not None and large_dwellings < 0:
        errors["large_dwellings"] = ["Antallet kan ikke være negativt (tomt betyr ingen grense)."]
    if school_children is not None and school_children < 0:
        errors["school_children"] = ["Antallet kan ikke være negativt (tomt betyr ingen grense)."]


def _capabilities(codes: Sequence[str], note: str, errors: dict[str, list[str]]) -> list[str]:
    """The adaptation needs the municipality can meet, in the parameter's order, each once."""
    known = adaptation_needs_in_force()
    unknown = [code for code in codes if code not in known]
    if unknown:
        errors["adaptation_capabilities"] = [
            f"Ukjent behov for tilpasning: {', '.join(unknown)}. Velg blant: "
            + ", ".join(item["label"] for item in known.values())
            + "."
        ]
    elif OTHER_NEED in codes and not note:
        errors["note"] = ["Skriv i merknaden hvilke andre behov for tilpasning kommunen kan møte."]
    return [code for code in known if code in set(codes)]


def decision_record(
    *,
    ctx: AccessContext,
    request: SettlementRequest,
    decided: int | None,
    unaccompanied_minors: int | None,
    large_dwellings: int | None,
    decided_on: datetime.date | None,
    note: str,
    version: int,
    minors_under_15: int | None = 0,
    school_children: int | None = None,
    adaptation_capabilities: Sequence[str] = (),
    source: str = DecisionSource.PLANNER,
) -> MunicipalDecision:
    """Record (or correct) a municipality's decision on its request.

    ``source`` municipality: the municipality's leader answers (only for their own municipality,
    404 otherwise); planner: the directorate records the answer it received (a planner, or the
    system). ``version`` is the decision's version, 0 when none is recorded yet. The decided
    number may exceed the request; unaccompanied minors are part of it and those under 15 part
    of them. ``large_dwellings`` and ``school_children`` None mean no limit. The decision date
    cannot be in the future. Choosing the adaptation need «Annet» needs a comment saying which.
    """
    if source == DecisionSource.MUNICIPALITY:
        settlement_answer_require(ctx.user, request.municipality_id)
    elif source == DecisionSource.PLANNER:
        planner_or_system_require(ctx.user)
    else:
        raise ValueError(f"unknown decision source {source!r}")
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    _count_errors(
        errors,
        decided=decided,
        unaccompanied_minors=unaccompanied_minors,
        minors_under_15=minors_under_15,
        large_dwellings=large_dwellings,
        school_children=school_children,
    )
    capabilities = _capabilities(list(adaptation_capabilities), note, errors)
    today = timezone.localdate()
    if decided_on is None:
        errors["decided_on"] = ["Oppgi vedtaksdatoen."]
    elif decided_on > today:
        errors["decided_on"] = [f"Vedtaksdatoen kan ikke være etter i dag ({today:%d.%m.%Y})."]
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Merknaden kan være høyst {NOTE_MAX} tegn."]
    if errors:
        raise ValidationError(errors)
    assert decided is not None and unaccompanied_minors is not None and decided_on is not None
    values: dict[str, Any] = {
        "decided": decided,
        "unaccompanied_minors": unaccompanied_minors,
        "minors_under_15": minors_under_15,
        "large_dwellings": large_dwellings,
        "school_children": school_children,
        "adaptation_capabilities": capabilities,
        "source": source,
        "decided_on": decided_on,
        "note": note,
        "recorded_at": timezone.now(),
        "recorded_by": ctx.acting_user,
    }
    existing = MunicipalDecision.objects.filter(request=request)
    if version == 0:
        if existing.exists():
            raise ConflictError(conflict_message(DECISION))
        try:
            with transaction.atomic():
                decision = MunicipalDecision.objects.create(request=request, **values)
        except IntegrityError:
            raise ConflictError(conflict_message(DECISION)) from None
        return decision
    version_bump(existing, expected=version, what=DECISION, **values)
    return MunicipalDecision.objects.get(request=request)


# --- The municipality's side ------------------------------------------------------------------


def answer_request_get(user: Any, year: int) -> SettlementRequest:
    """The year's request to the municipality the user leads: 404 for anyone but a municipal
    leader, and for a year without a request to their municipality."""
    municipality = leader_municipality(user)
    if municipality is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise NotFound()
    settlement_answer_require(user, municipality.pk)
    found = (
        SettlementRequest.objects.select_related("municipality__county", "decision")
        .filter(year=year, municipality=municipality)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class LeaderRequest:
    """A request as the municipality's leader sees it on the start page."""

    request: SettlementRequest
    decision: MunicipalDecision | None
    progress: MunicipalProgress | None  # once answered
    overdue: bool  # not answered, and the answer date has passed

    @property
    def answered(self) -> bool:
        return self.decision is not None


def answer_request_overdue(
    request: SettlementRequest, decision: MunicipalDecision | None, today: datetime.date
) -> bool:
    """Asked for persons, not answered, and the answer date has passed."""
    return (
        decision is None
        and request.requested > 0
        and request.answer_due is not None
        and request.answer_due < today
    )


def leader_requests(user: Any, *, today: datetime.date | None = None) -> list[LeaderRequest]:
    """The requests of this year and later to the municipality the user leads (none for anyone
    else), each with its decision and, once answered, the settled-against-decided progress."""
    municipality = leader_municipality(user)
    if municipality is None or not getattr(user, "is_active", False):
        return []
    today = today or timezone.localdate()
    found = []
    for request in (
        SettlementRequest.objects.select_related("decision")
        .filter(municipality=municipality, year__gte=today.year)
        .order_by("year")
    ):
        decision = decision_of(request)
        if decision is None and request.requested == 0:
            continue  # not asked this year: nothing to answer
        found.append(
            LeaderRequest(
                request=request,
                decision=decision,
                progress=(
                    municipality_progress(year=request.year, municipality_id=municipality.pk)
                    if decision is not None
                    else None
                ),
                overdue=answer_request_overdue(request, decision, today),
            )
        )
    return found
