"""The matcher in the planner's hands (utsøking): run it over the households waiting for
settlement against the municipalities' decided capacity, explain each proposed placement, let
the planner lock or change placements and run again around them, then confirm, which registers
each placed household in its municipality's casework.

The optimisation itself is ``settlement/matching`` (HiGHS); the score is ``scoring.py``. A run is
computed by the background worker (``tasks.py``), never in a web request.

Capacity of a municipality in a year is its decision (``MunicipalDecision``): ``decided`` persons,
of which ``unaccompanied_minors``, ``large_dwellings`` and places for ``school_children`` (empty
= no limit), less what the persons and households already settled or confirmed for that year
in that municipality take (``match_capacity.py``). A household with a family tie
(``required_municipality``) may only go there; a household with adaptation needs only where the
decision says every need can be met (a hard constraint, in the matcher, in the planner's moves
and when the proposal is confirmed). The latest capacity survey's warnings of a municipality are
shown with its placements (``match_notes.py``) and change no score.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from integrering.accounts.access import planner_require
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError, version_bump
from integrering.jobs import job_enqueue
from integrering.organisations.models import Municipality

from .. import tasks
from ..models import (
    ConfirmState,
    MatchRun,
    MatchRunStatus,
    MunicipalDecision,
    Placement,
    WaitingHousehold,
    WaitingStatus,
)
from .match_capacity import (
    capacity_shortfalls,
    household_demand,
    municipality_capabilities,
    municipality_capacity,
    needs_text,
    needs_unmet,
    run_loads,
)
from .matching_confirm import (
    ALREADY_CONFIRMING,
    STAGE_QUEUED,
    placements_confirmable,
    run_editable_require,
)

TIME_LIMIT_RANGE = (1, 600)


# --- Starting and computing a run ----------------------------------------------------------------


def match_run_start(
    *, ctx: AccessContext, year: int, time_limit: int, previous: MatchRun | None = None
) -> MatchRun:
    """Queue a run of the matcher for the year's waiting households (computed by the worker).

    Placements locked in ``previous`` (by default the year's latest proposal) are kept as they
    are; the rest is placed around them.
    """
    planner_require(ctx.user)
    low, high = TIME_LIMIT_RANGE
    if not low <= time_limit <= high:
        raise ValidationError(
            {"time_limit": [f"Tidsgrensen må være mellom {low} og {high} sekunder."]}
        )
    if not WaitingHousehold.objects.filter(year=year, status=WaitingStatus.WAITING).exists():
        raise ValidationError(f"Ingen husstander venter på bosetting i {year}.")
    if not MunicipalDecision.objects.filter(request__year=year, decided__gt=0).exists():
        raise ValidationError(
            f"Ingen kommuner har vedtatt å bosette i {year} ennå; registrer vedtakene først."
        )
    if MatchRun.objects.filter(year=year, status=MatchRunStatus.CONFIRMING).exists():
        raise ValidationError(
            f"Et forslag for {year} bekreftes nå; vent til bekreftelsen er ferdig før du kjører "
            "utsøkingen på nytt."
        )
    if previous is None:
        previous = MatchRun.objects.filter(year=year, status=MatchRunStatus.PROPOSED).first()
    with transaction.atomic():
        run = MatchRun.objects.create(
            year=year,
            time_limit=time_limit,
            previous=previous,
            created_by=ctx.acting_user,
            stage="Står i kø",
        )
        job_enqueue(tasks.match_run_compute, run)
    return run


# --- The planner's changes ----------------------------------------------------------------------


@transaction.atomic
def placement_change(
    *,
    ctx: AccessContext,
    placement: Placement,
    municipality: Municipality | None,
    locked: bool,
    version: int,
    unplace: bool = False,
) -> Placement:
    """Lock a placement, or move the household to another municipality (which locks it).

    The new municipality must have decided to settle in the year, respect a family tie, have
    said it can meet every adaptation need of the household, and have room in every capacity
    dimension (persons, large dwellings, school-age children, unaccompanied minors) beside the
    run's other placements. ``unplace`` takes
    the household out of this proposal (it keeps waiting); ``municipality=None`` keeps it where
    it is.
    """
    planner_require(ctx.user)
    run = placement.run
    run_editable_require(run)
    household = WaitingHousehold.objects.annotate(member_count=Count("members")).get(
        pk=placement.household_id
    )
    if household.status == WaitingStatus.WITHDRAWN and not unplace:
        # A withdrawn household is never placed (issue 21); taking it out of the proposal is fine.
        raise ValidationError(
            f"Husstanden ble trukket {household.withdrawn_on:%d.%m.%Y} "
            f"({household.get_withdrawal_reason_display().lower()}) og kan ikke plasseres."
        )
    changes: dict[str, Any] = {"locked": locked}
    if municipality is not None and municipality.pk != placement.municipality_id:
        tie = household.required_municipality_id
        if tie is not None and tie != municipality.pk:
            raise ValidationError(
                {
                    "municipality": [
                        f"Husstanden har familietilknytning til {household.required_municipality} og kan bare bosettes der."
                    ]
                }
            )
        capacity = municipality_capacity(run.year)
        if municipality.pk not in capacity:
            raise ValidationError(
                {"municipality": [f"{municipality} har ikke vedtatt å bosette i {run.year}."]}
            )
        unmet = needs_unmet(
            household, municipality_capabilities(run.year).get(municipality.pk, frozenset())
        )
        if unmet:
            raise ValidationError(
                {
                    "municipality": [
                        f"{municipality} har ikke sagt at kommunen kan møte husstandens behov for "
                        f"tilpasning: {needs_text(unmet)}. Velg en kommune som kan det."
                    ]
                }
            )
        load = run_loads(run, exclude=placement).get(municipality.pk, {})
        short = capacity_shortfalls(capacity[municipality.pk], load, household_demand(household))
        if short:
            raise ValidationError(
                {"municipality": [f"{municipality} har ikke plass ({'; '.join(short)})."]}
            )
        # Scoring one pair needs the matcher's numpy problem: imported here, not by every page.
        from .matching_compute import match_input_build

        data = match_input_build(year=run.year, households=[household])
        column = next(j for j, m in enumerate(data.municipalities) if m.pk == municipality.pk)
        score = float(data.scores[0, column])
        # The rank among the municipalities the household may go to (tie and needs applied).
        allowed_scores = data.problem.pair_score
        changes.update(
            municipality=municipality,
            score=score,
            rank=1 + int((allowed_scores > score).sum()),
            changed_by_planner=True,
            locked=True,
            explanation=[],
            place_price=place_price(run, municipality.number, household_demand(household)),
        )
    elif unplace and placement.municipality_id is not None:
        changes.update(
            municipality=None,
            score=None,
            rank=None,
            changed_by_planner=True,
            locked=False,
            place_price=None,
        )
    version_bump(
        Placement.objects.filter(pk=placement.pk), expected=version, what="plasseringen", **changes
    )
    _totals_refresh(run)
    placement.refresh_from_db()
    return placement


def place_price(run: MatchRun, number: str, demand: dict[str, int]) -> float | None:
    """What a place for a household with ``demand`` costs in municipality ``number`` at the
    run's prices (``MatchRun.place_prices``): its persons times the price per person plus its
    demand times the price of each dimension; None when the run did not price places."""
    prices = run.place_prices.get(number) if run.place_prices else None
    if prices is None:
        return None
    return round(sum(amount * float(prices.get(key, 0.0)) for key, amount in demand.items()), 4)


def _totals_refresh(run: MatchRun) -> None:
    """After a planner's change the run's totals are those of its placements; the bound and the
    greedy figure stay those of the matcher's own proposal."""
    placed = run.placements.filter(municipality__isnull=False)
    persons = sum(load["persons"] for load in run_loads(run).values())
    objective = placed.aggregate(total=Sum("score"))["total"] or 0.0
    bound = run.lp_bound or 0
    MatchRun.objects.filter(pk=run.pk).update(
        placed=placed.count(),
        persons_placed=int(persons),
        objective=objective,
        gap_percent=None if bound <= 0 else max(0.0, 100 * (bound - objective) / bound),
    )


# --- Confirming ---------------------------------------------------------------------------------


def match_run_confirm_check(*, ctx: AccessContext, run: MatchRun) -> int:
    """Everything ``match_run_confirm_start`` checks before it queues, so that the page asks
    for the confirmation only of a proposal that can be confirmed (issue 23 item 2); raises as
    it would. Returns the number of placements to confirm."""
    planner_require(ctx.user)
    run_editable_require(run)
    if MatchRun.objects.filter(
        year=run.year, status__in=[MatchRunStatus.QUEUED, MatchRunStatus.RUNNING]
    ).exists():
        # A newer run will replace this proposal when it is done, so confirming this one now
        # would leave two proposals for the year, or one placing households already confirmed.
        raise ValidationError(
            f"En ny utsøking for {run.year} beregnes nå. Vent til den er ferdig, og bekreft "
            "forslaget den gir."
        )
    total = placements_confirmable(run).count()
    if not total:
        raise ValidationError("Utsøkingen har ingen plasseringer å bekrefte.")
    return total


def match_run_confirm_start(*, ctx: AccessContext, run: MatchRun) -> MatchRun:
    """Queue the confirmation of a proposal for the worker (``tasks.match_run_confirm``).

    What can be seen at once is checked here: the user is a planner, the run is a proposal (a
    run already being confirmed is refused), no newer run of the year is being computed, and it
    has placements to confirm. The run is
    marked «Bekreftes» in the same transaction as the task is queued, so no one can change or
    confirm it meanwhile; registering 15 000 households is work for the worker, never for a
    web request.
    """
    total = match_run_confirm_check(ctx=ctx, run=run)
    with transaction.atomic():
        claimed = MatchRun.objects.filter(pk=run.pk, status=MatchRunStatus.PROPOSED).update(
            status=MatchRunStatus.CONFIRMING,
            confirm_state=ConfirmState.QUEUED,
            confirm_stage=STAGE_QUEUED,
            confirm_total=total,
            confirm_done=0,
            confirm_problems=[],
            confirm_requested_at=timezone.now(),
            confirm_requested_by=ctx.acting_user,
            confirm_finished_at=None,
        )
        if not claimed:  # another request claimed it between the check and here
            run.refresh_from_db()
            run_editable_require(run)
            raise ConflictError(ALREADY_CONFIRMING)
        job_enqueue(tasks.match_run_confirm, run, fields=MatchRun.confirm_job_fields)
    run.refresh_from_db()
    return run
