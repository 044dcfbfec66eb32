"""Computing a matcher run in the worker (the body of ``tasks.match_run_compute``): the problem
built from the database, solved with HiGHS (``settlement/matching``), each placement explained.

The run is the week's batch of the online policy (issue 26, ``matching/online.py``): when the
year's need (``SettlementNeed.stated_total``) is not yet met by the persons settled or confirmed
for the year and the households waiting now, the rest is expected later in the year, and the
*dynamic* policy prices each municipality's places by what those later households need (a
sample of the households seen this year, waiting or confirmed, stands for them) and places the
waiting households against their score less that price. Each placement then shows the price of
its place and of its better options. Without a need, or with none of it left, the run is the
week's optimum alone (*myopic*), as before.

Started by ``matching.py`` (``match_run_start``), whose docstring describes the capacities."""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from integrering.jobs import job_done, job_fail, job_progress, job_start
from integrering.organisations.models import Municipality
from integrering.people.models import Person

from ..matching import MatchProblem, assignment_objective, explain_all, match_solve
from ..matching.online import Prices, problem_subset, week_place
from ..models import (
    MatchRun,
    MatchRunStatus,
    MunicipalityFacts,
    Placement,
    SettlementNeed,
    WaitingHousehold,
    WaitingStatus,
)
from ..scoring import HouseholdFacts, pair_scores
from .match_capacity import (
    CAPACITY_LABELS,
    DIMENSIONS,
    household_demand,
    households_waiting,
    municipality_capabilities,
    municipality_capacity,
    persons_taken,
)

EXPLAIN_TOP = 3
# At most this many households confirmed this year stand, with the waiting ones, for those
# expected later (the most recently confirmed); the pricing LP samples from them.
HISTORY_MAX = 2_000
PRICE_DECIMALS = 4
POLICY_DYNAMIC, POLICY_MYOPIC = "dynamic", "myopic"


@dataclass
class MatchInput:
    """The matcher's problem built from the database, with the rows each index stands for."""

    problem: MatchProblem
    households: list[WaitingHousehold]
    municipalities: list[Municipality]
    scores: np.ndarray  # (n, m): every pair's score, allowed or not

    def municipality_index(self) -> dict[int, int]:
        return {m.pk: j for j, m in enumerate(self.municipalities)}


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
    adaptations, needs, capabilities = _adaptations(year, households, ids)
    if needs.any():
        # A hard constraint: only where the municipality can meet every need (issue 21 item 5).
        allowed &= (needs[:, None] & ~capabilities[None, :]) == 0
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
        adaptations=adaptations,
        needs=needs,
        capabilities=capabilities,
    )
    return MatchInput(problem, households, municipalities, scores)


def _adaptations(
    year: int, households: list[WaitingHousehold], municipality_ids: list[int]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The households' adaptation needs and the municipalities' capabilities (their decisions'),
    as bit sets over the codes that occur."""
    capable = municipality_capabilities(year)
    codes: list[str] = []
    for h in households:
        codes.extend(c for c in h.adaptation_needs or () if c not in codes)
    bit = {code: 1 << i for i, code in enumerate(codes)}
    needs = np.array(
        [sum(bit[c] for c in set(h.adaptation_needs or ())) for h in households], dtype=np.int64
    )
    capabilities = np.array(
        [sum(bit.get(c, 0) for c in capable.get(pk, ())) for pk in municipality_ids],
        dtype=np.int64,
    )
    return codes, needs, capabilities


def _progress_writer(run: MatchRun) -> Any:
    last = [0.0]

    def write(stage: str, percent: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and percent < 100:
            return
        last[0] = now
        job_progress(run, min(percent, 99), 100, stage=stage[:200])

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
    run: MatchRun, data: MatchInput, assignment: np.ndarray, prices: Prices | None
) -> list[Placement]:
    """A placement per household of the problem, each with its explanation (all explained at
    once by ``explain_all``) and, when the run priced places, the price of its place and of
    each better option."""
    names = {m.number: m.name for m in data.municipalities}
    column = {m.number: j for j, m in enumerate(data.municipalities)}
    problem = data.problem

    def price(i: int, j: int) -> float | None:
        if prices is None or j < 0:
            return None
        cost = prices.burden(problem, np.array([i]), np.array([j]))[0]
        return round(float(cost), PRICE_DECIMALS)

    placements = []
    for i, explanation in enumerate(explain_all(problem, assignment, top=EXPLAIN_TOP)):
        j = int(assignment[i])
        options = []
        for option in explanation.better:
            item: dict[str, Any] = {
                "municipality": option.municipality,
                "name": names[option.municipality],
                "score": round(float(option.score), 4),
                "stopped_by": [CAPACITY_LABELS.get(s, s) for s in option.stopped_by],
            }
            if prices is not None:
                item["price"] = price(i, column[option.municipality])
            options.append(item)
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
                explanation=options,
                place_price=price(i, j),
            )
        )
    return placements


def _confirmed_this_year(year: int) -> list[WaitingHousehold]:
    """The households confirmed for the year, the most recent first (at most ``HISTORY_MAX``):
    with the waiting ones, the households seen this year."""
    return list(
        WaitingHousehold.objects.filter(year=year, status=WaitingStatus.CONFIRMED)
        .annotate(member_count=Count("members"))
        .prefetch_related("members")
        .order_by("-confirmed_at", "-pk")[:HISTORY_MAX]
    )


def expected_later(year: int, *, waiting_persons: int) -> int | None:
    """Persons expected later in the year, after the households waiting now: the year's need
    (``SettlementNeed.stated_total``) less the persons settled or confirmed for the year
    (``persons_taken``) and the ``waiting_persons``; None without a need for the year."""
    need = SettlementNeed.objects.filter(year=year).first()
    if need is None:
        return None
    return max(0, need.stated_total - persons_taken(year) - waiting_persons)


def _prices_json(data: MatchInput, prices: Prices) -> dict[str, dict[str, float]]:
    """Per municipality number: the price per person and per unit of each dimension priced."""
    out: dict[str, dict[str, float]] = {}
    for j, municipality in enumerate(data.municipalities):
        entry = {"persons": round(float(prices.persons[j]), PRICE_DECIMALS)}
        for k, dimension in enumerate(data.problem.dimensions):
            if prices.dims[j, k] > 0:
                entry[dimension] = round(float(prices.dims[j, k]), PRICE_DECIMALS)
        out[municipality.number] = entry
    return out


@dataclass
class _Week:
    """The week's placement of the waiting households by the policy."""

    data: MatchInput  # the waiting households only
    assignment: np.ndarray
    prices: Prices | None  # None: the run did not price places (myopic)
    expected: int | None


def _week_placed(
    run: MatchRun,
    data: MatchInput,
    consumed: dict[int, dict[str, float]],
    persons_locked: int,
    assignment: np.ndarray,
) -> _Week:
    """Place the waiting households (``data``) by the dynamic policy when persons are expected
    later in the year; otherwise keep the week's optimum (``assignment``)."""
    households = data.households
    persons_waiting = int(data.problem.persons.sum()) + persons_locked
    expected = expected_later(run.year, waiting_persons=persons_waiting)
    if not expected or not data.problem.p:
        return _Week(data, assignment, None, expected)
    seen = households + _confirmed_this_year(run.year)
    if len(seen) > len(households):
        data = match_input_build(year=run.year, households=seen, consumed=consumed)
    batch = np.arange(len(households))
    sub, _ = problem_subset(data.problem, batch)
    week_data = MatchInput(sub, households, data.municipalities, data.scores[: len(households)])
    today = timezone.localdate()
    week = week_place(
        data.problem,
        batch=batch,
        history=np.arange(len(seen)),
        future_persons=float(expected),
        rng=np.random.default_rng([run.year, *today.isocalendar()[:2]]),
        policy=POLICY_DYNAMIC,
    )
    return _Week(week_data, week.assignment, week.prices, expected)


def match_run_compute(*, run_id: int) -> MatchRun | None:
    """Compute a queued run (in the worker): solve, explain, store the placements."""
    run = MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.QUEUED).first()
    if run is None or not job_start(run, stage="Leser husstander og kapasitet", progress=1):
        return None
    try:
        return _compute(run)
    # The run must not stay «Beregnes» when something breaks, or the worker is stopped mid-task
    # (SystemExit).
    except BaseException as exc:
        job_fail(
            run,
            f"Utsøkingen stoppet på grunn av en feil i systemet ({type(exc).__name__}). Ingenting er lagret.",
        )
        raise


def _compute(run: MatchRun) -> MatchRun:
    started = time.monotonic()
    locked = _locked_from(run.previous)
    locked_ids = {p.household_id for p in locked}
    households = [h for h in households_waiting(run.year) if h.pk not in locked_ids]
    consumed: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for placement in locked:
        for key, amount in household_demand(placement.household).items():
            consumed[placement.municipality_id][key] += amount  # type: ignore[index]
    data = match_input_build(year=run.year, households=households, consumed=consumed)
    result = match_solve(data.problem, time_limit=run.time_limit, progress=_progress_writer(run))
    locked_persons = sum(household_demand(p.household)["persons"] for p in locked)
    job_progress(run, 92, 100, stage="Setter pris på plassene for resten av året")
    week = _week_placed(run, data, consumed, locked_persons, result.assignment)
    job_progress(run, 95, 100, stage="Forklarer plasseringene")
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
            place_price=p.place_price,
        )
        for p in locked
    ]
    placements += _explained_placements(run, week.data, week.assignment, week.prices)
    placed = week.assignment >= 0
    locked_score = sum(p.score or 0 for p in locked)
    objective = assignment_objective(week.data.problem, week.assignment) + locked_score
    bound = result.lp_bound + locked_score
    with transaction.atomic():
        Placement.objects.bulk_create(placements)
        MatchRun.objects.filter(year=run.year, status=MatchRunStatus.PROPOSED).exclude(
            pk=run.pk
        ).update(status=MatchRunStatus.SUPERSEDED)
        job_done(
            run,
            stage="Ferdig",
            progress=100,
            households=len(households) + len(locked),
            placed=int(placed.sum()) + len(locked),
            persons_placed=int(week.data.problem.persons[placed].sum()) + locked_persons,
            objective=objective,
            lp_bound=bound,
            gap_percent=0.0 if bound <= 0 else max(0.0, 100 * (bound - objective) / bound),
            greedy_objective=result.greedy_objective + locked_score,
            seconds=time.monotonic() - started,
            solver_status=result.status,
            policy=POLICY_MYOPIC if week.prices is None else POLICY_DYNAMIC,
            expected_flow=week.expected,
            myopic_objective=result.objective + locked_score,
            place_prices={} if week.prices is None else _prices_json(week.data, week.prices),
        )
    run.refresh_from_db()
    return run
