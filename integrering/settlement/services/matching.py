"""The matcher in the planner's hands (utsøking): run it over the households waiting for
settlement against the municipalities' decided capacity, explain each proposed placement, let
the planner lock or change placements and run again around them, then confirm, which registers
each placed household in its municipality's casework.

The optimisation itself is ``settlement/matching`` (HiGHS); the score is ``scoring.py``. A run is
computed by the background worker (``tasks.py``), never in a web request.

Capacity of a municipality in a year is its decision (``MunicipalDecision``): ``decided`` persons,
of which ``unaccompanied_minors``, and ``large_dwellings`` (empty = no limit), less what the
households already confirmed for that year to that municipality take. A household with a family
tie (``required_municipality``) may only go there.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError, version_bump
from integrering.organisations.models import Municipality
from integrering.people.models import Category, Person
from integrering.people.services import (
    PersonInput,
    error_lines,
    household_errors,
    household_register,
)

from ..matching import MatchProblem, explain_all, match_solve
from ..models import (
    ConfirmState,
    MatchRun,
    MatchRunStatus,
    MunicipalDecision,
    MunicipalityFacts,
    Placement,
    WaitingHousehold,
    WaitingStatus,
)
from ..scoring import HouseholdFacts, pair_scores
from ..selectors import planner_require

DIMENSIONS = ("large_dwelling", "unaccompanied_minors")
CAPACITY_LABELS = {
    "persons": "personer",
    "large_dwelling": "store boliger",
    "unaccompanied_minors": "plasser for enslige mindreårige",
}
TIME_LIMIT_RANGE = (1, 600)
EXPLAIN_TOP = 3


@dataclass
class MatchInput:
    """The matcher's problem built from the database, with the rows each index stands for."""

    problem: MatchProblem
    households: list[WaitingHousehold]
    municipalities: list[Municipality]
    scores: np.ndarray  # (n, m): every pair's score, allowed or not

    def municipality_index(self) -> dict[int, int]:
        return {m.pk: j for j, m in enumerate(self.municipalities)}


def household_demand(household: WaitingHousehold) -> dict[str, int]:
    """What a household takes of a municipality's capacity, by dimension (persons included)."""
    persons = getattr(household, "member_count", None)  # annotated by the callers that list many
    return {
        "persons": household.members.count() if persons is None else persons,
        "large_dwelling": household.large_dwelling,
        "unaccompanied_minors": household.unaccompanied_minors,
    }


def _waiting(year: int) -> list[WaitingHousehold]:
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


def _network(year: int, municipality_ids: list[int]) -> dict[str, np.ndarray]:
    """Persons settled before the year, per mother tongue and municipality (for the score)."""
    index = {pk: j for j, pk in enumerate(municipality_ids)}
    network: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(municipality_ids)))
    rows = (
        Person.objects.filter(municipality_id__in=municipality_ids)
        .filter(
            Q(settled_on__lt=datetime.date(year, 1, 1))
            | Q(household__settled_on__lt=datetime.date(year, 1, 1))
        )
        .exclude(language="")
        .values_list("language", "municipality_id")
        .annotate(n=Count("id"))
    )
    for language, municipality_id, n in rows:
        network[language.strip().lower()][index[municipality_id]] += n
    return dict(network)


def match_input_build(
    *,
    year: int,
    households: list[WaitingHousehold],
    consumed: dict[int, dict[str, float]] | None = None,
    on: datetime.date | None = None,
) -> MatchInput:
    """Build the problem for ``households`` against the year's remaining capacity, less what
    ``consumed`` (locked placements) takes."""
    on = on or datetime.date(year, 1, 1)
    capacity = municipality_capacity(year)
    for municipality_id, used in (consumed or {}).items():
        if municipality_id in capacity:
            for key, amount in used.items():
                capacity[municipality_id][key] -= amount
    municipalities = list(
        Municipality.objects.filter(pk__in=capacity).select_related("county").order_by("number")
    )
    ids = [m.pk for m in municipalities]
    shares = dict(
        MunicipalityFacts.objects.filter(year=year, municipality_id__in=ids).values_list(
            "municipality_id", "results_score"
        )
    )
    results_share = np.array([float(shares.get(pk, 0)) / 100 for pk in ids])
    facts = [
        HouseholdFacts(
            birth_dates=tuple(p.birth_date for p in h.members.all()),
            language=next((p.language for p in h.members.all() if p.relation == "main"), "")
            .strip()
            .lower(),
        )
        for h in households
    ]
    scores = (
        pair_scores(facts, results_share, _network(year, ids), on=on)
        if households and municipalities
        else np.zeros((len(households), len(municipalities)))
    )
    index = {pk: j for j, pk in enumerate(ids)}
    allowed = np.ones(scores.shape, dtype=bool)
    for i, h in enumerate(households):
        if h.required_municipality_id is not None:
            allowed[i] = False
            if h.required_municipality_id in index:
                allowed[i, index[h.required_municipality_id]] = True
    pair_h, pair_m = np.nonzero(allowed)
    problem = MatchProblem(
        household_ids=[h.reference for h in households],
        municipality_numbers=[m.number for m in municipalities],
        persons=np.array([household_demand(h)["persons"] for h in households], dtype=np.int64),
        dimensions=list(DIMENSIONS),
        demand=np.array(
            [[getattr(h, d) for d in DIMENSIONS] for h in households], dtype=np.int64
        ).reshape(len(households), len(DIMENSIONS)),
        capacity_persons=np.array([max(capacity[pk]["persons"], 0) for pk in ids], dtype=np.int64),
        capacity=np.array(
            [[max(capacity[pk][d], 0) for d in DIMENSIONS] for pk in ids], dtype=float
        ).reshape(len(ids), len(DIMENSIONS)),
        pair_household=pair_h.astype(np.int64),
        pair_municipality=pair_m.astype(np.int64),
        pair_score=scores[pair_h, pair_m].astype(float),
    )
    return MatchInput(problem, households, municipalities, scores)


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
        from ..tasks import match_run_compute  # the task module imports this one

        result = match_run_compute.enqueue(run.pk)
        run.task_id = str(result.id)
        run.save(update_fields=["task_id"])
    return run


def _progress_writer(run_id: int) -> Any:
    last = [0.0]

    def write(stage: str, percent: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and percent < 100:
            return
        last[0] = now
        MatchRun.objects.filter(pk=run_id).update(stage=stage[:200], progress=min(percent, 99))

    return write


def _locked_from(previous: MatchRun | None) -> list[Placement]:
    if previous is None:
        return []
    return list(
        previous.placements.filter(
            locked=True, municipality__isnull=False, household__status=WaitingStatus.WAITING
        ).select_related("household", "municipality")
    )


def _explained_placements(
    run: MatchRun, data: MatchInput, assignment: np.ndarray
) -> list[Placement]:
    """A placement per household of the problem, each with its explanation (all explained at
    once by ``explain_all``)."""
    names = {m.number: m.name for m in data.municipalities}
    placements = []
    for i, explanation in enumerate(explain_all(data.problem, assignment, top=EXPLAIN_TOP)):
        j = int(assignment[i])
        placements.append(
            Placement(
                run=run,
                household=data.households[i],
                municipality=data.municipalities[j] if j >= 0 else None,
                score=None if explanation.score is None else float(explanation.score),
                rank=explanation.rank,
                allowed=explanation.allowed,
                best_score=None
                if explanation.best_score is None
                else float(explanation.best_score),
                explanation=[
                    {
                        "municipality": option.municipality,
                        "name": names[option.municipality],
                        "score": round(float(option.score), 4),
                        "stopped_by": [CAPACITY_LABELS.get(s, s) for s in option.stopped_by],
                    }
                    for option in explanation.better
                ],
            )
        )
    return placements


def match_run_compute(*, run_id: int) -> MatchRun | None:
    """Compute a queued run (in the worker): solve, explain, store the placements."""
    run = MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.QUEUED).first()
    if run is None:
        return None
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRunStatus.RUNNING, stage="Leser husstander og kapasitet", progress=1
    )
    try:
        return _compute(run)
    # The run must not stay «Beregnes» when something breaks, or the worker is stopped mid-task
    # (SystemExit).
    except BaseException as exc:
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRunStatus.FAILED,
            error=f"Utsøkingen stoppet på grunn av en feil i systemet ({type(exc).__name__}). Ingenting er lagret.",
            finished_at=timezone.now(),
        )
        raise


def _compute(run: MatchRun) -> MatchRun:
    started = time.monotonic()
    locked = _locked_from(run.previous)
    locked_ids = {p.household_id for p in locked}
    households = [h for h in _waiting(run.year) if h.pk not in locked_ids]
    consumed: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for placement in locked:
        for key, amount in household_demand(placement.household).items():
            consumed[placement.municipality_id][key] += amount  # type: ignore[index]
    data = match_input_build(year=run.year, households=households, consumed=consumed)
    result = match_solve(data.problem, time_limit=run.time_limit, progress=_progress_writer(run.pk))
    MatchRun.objects.filter(pk=run.pk).update(stage="Forklarer plasseringene", progress=95)
    placements = [
        Placement(
            run=run,
            household_id=p.household_id,
            municipality_id=p.municipality_id,
            score=p.score,
            rank=p.rank,
            allowed=p.allowed,
            best_score=p.best_score,
            locked=True,
            changed_by_planner=p.changed_by_planner,
            explanation=p.explanation,
        )
        for p in locked
    ]
    placements += _explained_placements(run, data, result.assignment)
    locked_score = sum(p.score or 0 for p in locked)
    locked_persons = sum(household_demand(p.household)["persons"] for p in locked)
    objective = result.objective + locked_score
    bound = result.lp_bound + locked_score
    with transaction.atomic():
        Placement.objects.bulk_create(placements)
        MatchRun.objects.filter(year=run.year, status=MatchRunStatus.PROPOSED).exclude(
            pk=run.pk
        ).update(status=MatchRunStatus.SUPERSEDED)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRunStatus.PROPOSED,
            stage="Ferdig",
            progress=100,
            households=len(households) + len(locked),
            placed=result.placed + len(locked),
            persons_placed=result.persons_placed + locked_persons,
            objective=objective,
            lp_bound=bound,
            gap_percent=0.0 if bound <= 0 else 100 * (bound - objective) / bound,
            greedy_objective=result.greedy_objective + locked_score,
            seconds=time.monotonic() - started,
            solver_status=result.status,
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


# --- The planner's changes ----------------------------------------------------------------------


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


def _editable(run: MatchRun) -> None:
    if run.status == MatchRunStatus.CONFIRMING:
        raise ConflictError(ALREADY_CONFIRMING)
    if run.status != MatchRunStatus.PROPOSED:
        raise ValidationError(
            f"Utsøkingen er «{run.get_status_display()}» og kan ikke endres; kjør en ny utsøking."
        )


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

    The new municipality must have decided to settle in the year, respect a family tie, and
    have room in every capacity dimension beside the run's other placements. ``unplace`` takes
    the household out of this proposal (it keeps waiting); ``municipality=None`` keeps it where
    it is.
    """
    planner_require(ctx.user)
    run = placement.run
    _editable(run)
    household = WaitingHousehold.objects.annotate(member_count=Count("members")).get(
        pk=placement.household_id
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
        load = run_loads(run, exclude=placement).get(municipality.pk, {})
        demand = household_demand(household)
        short = [
            f"{CAPACITY_LABELS[key]}: {max(int(capacity[municipality.pk][key] - load.get(key, 0)), 0)} ledig, husstanden trenger {amount}"
            for key, amount in demand.items()
            if amount and capacity[municipality.pk][key] - load.get(key, 0) < amount
        ]
        if short:
            raise ValidationError(
                {"municipality": [f"{municipality} har ikke plass ({'; '.join(short)})."]}
            )
        data = match_input_build(year=run.year, households=[household])
        column = next(j for j, m in enumerate(data.municipalities) if m.pk == municipality.pk)
        row = data.scores[0]
        allowed_scores = sorted(
            (
                row[j]
                for j in range(len(data.municipalities))
                if tie is None or data.municipalities[j].pk == tie
            ),
            reverse=True,
        )
        changes.update(
            municipality=municipality,
            score=float(row[column]),
            rank=1 + sum(1 for s in allowed_scores if s > row[column]),
            changed_by_planner=True,
            locked=True,
            explanation=[],
        )
    elif unplace and placement.municipality_id is not None:
        changes.update(
            municipality=None, score=None, rank=None, changed_by_planner=True, locked=False
        )
    version_bump(
        Placement.objects.filter(pk=placement.pk), expected=version, what="plasseringen", **changes
    )
    _totals_refresh(run)
    placement.refresh_from_db()
    return placement


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

NOTHING_TRANSFERRED = "Ingen husstander er overført. Rett dette først:"
ALREADY_CONFIRMING = (
    "Forslaget bekreftes allerede i bakgrunnen; vent til bekreftelsen er ferdig. Fremdriften "
    "vises på siden for utsøkingen."
)
CONFIRM_SYSTEM_ERROR = (
    "Bekreftelsen stoppet på grunn av en feil i systemet. Ingen husstander er overført. Prøv "
    "igjen senere, eller kontakt brukerstøtte."
)
STAGE_QUEUED = "Står i kø"
STAGE_CHECKING = "Kontrollerer husstandene"
STAGE_REGISTERING = "Registrerer husstandene hos kommunene"


def _confirmable(run: MatchRun) -> Any:
    """The run's placements that confirming registers: placed, and the household still waiting."""
    return run.placements.filter(
        municipality__isnull=False, household__status=WaitingStatus.WAITING
    ).select_related("household__reception_centre", "municipality")


def _members(household: WaitingHousehold) -> list[PersonInput]:
    category = (
        Category.UNACCOMPANIED_MINOR
        if household.unaccompanied_minors
        else household.category or Category.FROM_RECEPTION
    )
    centre = household.reception_centre.name if household.reception_centre else ""
    return [
        PersonInput(
            given_name=p.given_name,
            family_name=p.family_name,
            birth_date=p.birth_date,
            duf_number=p.duf_number,
            sex=p.sex,
            relation=p.relation,
            category=category,
            citizenship=p.citizenship,
            language=p.language,
            reception_centre=centre,
        )
        for p in household.members.all()
    ]


def _problem(reference: str, exc: ValidationError) -> str:
    detail = (
        "; ".join(error_lines(exc.message_dict))
        if hasattr(exc, "error_dict")
        else "; ".join(exc.messages)
    )
    return f"{reference}: {detail}"


def match_run_confirm_start(*, ctx: AccessContext, run: MatchRun) -> MatchRun:
    """Queue the confirmation of a proposal for the worker (``tasks.match_run_confirm``).

    What can be seen at once is checked here: the user is a planner, the run is a proposal (a
    run already being confirmed is refused), no newer run of the year is being computed, and it
    has placements to confirm. The run is
    marked «Bekreftes» in the same transaction as the task is queued, so no one can change or
    confirm it meanwhile; registering 15 000 households is work for the worker, never for a
    web request.
    """
    planner_require(ctx.user)
    _editable(run)
    if MatchRun.objects.filter(
        year=run.year, status__in=[MatchRunStatus.QUEUED, MatchRunStatus.RUNNING]
    ).exists():
        # A newer run will replace this proposal when it is done, so confirming this one now
        # would leave two proposals for the year, or one placing households already confirmed.
        raise ValidationError(
            f"En ny utsøking for {run.year} beregnes nå. Vent til den er ferdig, og bekreft "
            "forslaget den gir."
        )
    total = _confirmable(run).count()
    if not total:
        raise ValidationError("Utsøkingen har ingen plasseringer å bekrefte.")
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
            _editable(run)
            raise ConflictError(ALREADY_CONFIRMING)
        from ..tasks import match_run_confirm as confirm_task  # the task module imports this one

        result = confirm_task.enqueue(run.pk)
        MatchRun.objects.filter(pk=run.pk).update(confirm_task_id=str(result.id))
    run.refresh_from_db()
    return run


def _confirm_check(run: MatchRun) -> list[str]:
    """Check every household as ``household_register`` will, writing nothing, with the progress
    on the run (seen by the page while the worker checks; the registration that follows runs
    in one transaction, whose progress no one else can see)."""
    placements = list(_confirmable(run).prefetch_related("household__members"))
    total = len(placements)
    MatchRun.objects.filter(pk=run.pk).update(confirm_total=total, confirm_done=0)
    problems: list[str] = []
    last = time.monotonic()
    for done, placement in enumerate(placements, start=1):
        household = placement.household
        errors = household_errors(
            reference=household.reference, members=_members(household), settled_on=None
        )
        if errors:
            problems.append(_problem(household.reference, ValidationError(errors)))
        now = time.monotonic()
        if now - last >= 0.5 or done == total:
            last = now
            MatchRun.objects.filter(pk=run.pk).update(confirm_done=done)
    return problems


def match_run_confirm_execute(*, run_id: int) -> MatchRun | None:
    """Run a queued confirmation to its end (the body of the background task).

    Runs once: a run whose confirmation is no longer queued is left alone. First every household
    is checked, with progress; then all are registered in one transaction
    (``match_run_confirm``). If any household cannot be registered nothing is, the run is a
    proposal again, and every problem is kept on it for the planner to fix and confirm again.
    """
    claimed = MatchRun.objects.filter(
        pk=run_id, status=MatchRunStatus.CONFIRMING, confirm_state=ConfirmState.QUEUED
    ).update(confirm_state=ConfirmState.RUNNING, confirm_stage=STAGE_CHECKING)
    run = MatchRun.objects.select_related("confirm_requested_by").filter(pk=run_id).first()
    if not claimed or run is None:
        return run
    ctx = AccessContext(
        user=run.confirm_requested_by, route="task:match-run-confirm", method="TASK"
    )
    finished = MatchRun.objects.filter(pk=run.pk)
    try:
        problems = _confirm_check(run)
        if problems:
            raise ValidationError([NOTHING_TRANSFERRED, *problems])
        finished.update(confirm_stage=STAGE_REGISTERING)
        count = match_run_confirm(ctx=ctx, run=run)
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        finished.update(
            status=MatchRunStatus.PROPOSED,
            confirm_state=ConfirmState.FAILED,
            confirm_stage="",
            confirm_problems=[m for m in messages if m != NOTHING_TRANSFERRED],
            confirm_finished_at=timezone.now(),
        )
    except BaseException:  # an error, or SystemExit: the worker was stopped mid-task
        finished.update(
            status=MatchRunStatus.PROPOSED,
            confirm_state=ConfirmState.FAILED,
            confirm_stage="",
            confirm_problems=[CONFIRM_SYSTEM_ERROR],
            confirm_finished_at=timezone.now(),
        )
        raise
    else:
        finished.update(
            confirm_state=ConfirmState.DONE,
            confirm_stage="",
            confirm_total=count,
            confirm_done=count,
            confirm_finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


@transaction.atomic
def match_run_confirm(*, ctx: AccessContext, run: MatchRun) -> int:
    """Confirm a proposal: each placed household is registered in its municipality's casework
    (``household_register``: DUF numbers checked, audited) and stops waiting. All or nothing:
    if one household cannot be registered, nothing is, and every problem is listed.

    Called by the worker for a run being confirmed (``match_run_confirm_execute``); pages and
    the API queue it with ``match_run_confirm_start``.
    """
    planner_require(ctx.user)
    if run.status != MatchRunStatus.CONFIRMING:
        _editable(run)
    placements = list(_confirmable(run))
    if not placements:
        raise ValidationError("Utsøkingen har ingen plasseringer å bekrefte.")
    problems: list[str] = []
    now = timezone.now()
    for placement in placements:
        household = placement.household
        assert placement.municipality is not None  # filtered above
        try:
            with transaction.atomic():
                registered = household_register(
                    ctx=ctx,
                    municipality=placement.municipality,
                    reference=household.reference,
                    members=_members(household),
                )
        except ValidationError as exc:
            problems.append(_problem(household.reference, exc))
            continue
        WaitingHousehold.objects.filter(pk=household.pk).update(
            status=WaitingStatus.CONFIRMED,
            household=registered,
            confirmed_municipality=placement.municipality,
            confirmed_at=now,
            confirmed_by=ctx.acting_user,
        )
    if problems:
        raise ValidationError([NOTHING_TRANSFERRED, *problems])
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRunStatus.CONFIRMED, confirmed_at=now, confirmed_by=ctx.acting_user
    )
    return len(placements)
