"""Why the matcher put a household where it did: the placed pair's score and its rank among the
household's allowed municipalities, the better options with the capacity that stopped each of
them, and the adaptation needs that limited where it could go."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from .greedy import assignment_loads, pair_lookup
from .problem import MatchProblem

PERSONS = "persons"


@dataclass
class Option:
    """A municipality the household might have gone to instead.

    ``stopped_by``: the capacities (``"persons"`` or a dimension name) where this municipality,
    given every other household's placement, has less room left than this household needs. An
    empty list means nothing stopped it: the household would have fit there, and the matcher
    placed it elsewhere as a trade-off for the total (its place there was worth more to
    another household, or its own place to it).
    """

    municipality: str
    score: float
    stopped_by: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    score: float | None  # the placed pair's score; None if not placed
    # 1 = the household's best allowed municipality; ties count as equal, so ``rank`` is the
    # first place the placed score shares and ``rank_last`` the last (equal without a tie):
    # 156 municipalities sharing the top score are «delt 1.–156. plass» (issue 23 item 10).
    rank: int | None
    allowed: int  # how many municipalities the household may go to
    best_score: float | None  # the best allowed pair's score; None if none is allowed
    better: list[Option]  # better options than the placement (or the best, if not placed)
    # The household's adaptation needs: only municipalities that can meet them all were allowed
    # (``allowed`` counts those), so none of the others is among the options.
    needs: list[str] = field(default_factory=list)
    rank_last: int | None = None


def _loads(problem: MatchProblem, assignment: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Room left in each municipality, cached for the last assignment explained (the lead
    explains every household of a run with the same assignment)."""
    key = hashlib.blake2b(np.ascontiguousarray(assignment).tobytes(), digest_size=16).digest()
    cached = problem._cache.get("explain_loads")
    if cached is None or cached[0] != key:
        persons, dims = assignment_loads(problem, assignment)
        cached = (key, problem.capacity_persons - persons, problem.capacity - dims)
        problem._cache["explain_loads"] = cached
    return cached[1], cached[2]


def _explain(
    problem: MatchProblem, assignment: np.ndarray, households: np.ndarray, top: int
) -> list[Explanation]:
    order, start = problem.pairs_sorted()
    if "order_position" not in problem._cache:
        position = np.empty(problem.p, dtype=np.int64)
        position[order] = np.arange(problem.p)
        problem._cache["order_position"] = position
    position = problem._cache["order_position"]
    room_persons, room_dims = _loads(problem, assignment)

    first, last = start[households], start[households + 1]
    allowed = last - first
    where = assignment[households]
    placed = where >= 0
    pair = np.full(len(households), -1, dtype=np.int64)
    pair[placed] = pair_lookup(problem, households[placed], where[placed])
    known = pair >= 0
    # Indexed only where placed: a problem may have no pairs at all (every household unplaceable).
    rank = np.full(len(households), -1, dtype=np.int64)
    rank[known] = position[pair[known]] - first[known]
    # Ties count as equal: the placed pair's place is the first (and last) of the run of equal
    # scores it sits in, within its household's sorted pairs.
    rank_first = rank.copy()
    rank_last = rank.copy()
    if problem.p:
        sorted_score = problem.pair_score[order]
        new_run = np.ones(problem.p, dtype=bool)
        new_run[1:] = sorted_score[1:] != sorted_score[:-1]
        new_run[start[:-1][start[:-1] < problem.p]] = True  # each household starts a run
        run_start = np.maximum.accumulate(np.where(new_run, np.arange(problem.p), 0))
        end_run = np.ones(problem.p, dtype=bool)
        end_run[:-1] = new_run[1:]
        run_end = np.minimum.accumulate(
            np.where(end_run, np.arange(problem.p), problem.p - 1)[::-1]
        )[::-1]
        at = position[pair[known]]
        rank_first[known] = run_start[at] - first[known]
        rank_last[known] = run_end[at] - first[known]
    # Options: the best pairs before the placed one (or the best, if not placed).
    count = np.minimum(np.where(known, rank, allowed), top)
    offsets = np.repeat(first - np.r_[0, np.cumsum(count)[:-1]], count) + np.arange(count.sum())
    options = order[offsets]
    owner = np.repeat(np.arange(len(households)), count)
    option_h = households[owner]
    option_j = problem.pair_municipality[options]
    option_score = problem.pair_score[options]
    placed_score = np.full(len(households), -np.inf)
    placed_score[known] = problem.pair_score[pair[known]]
    keep = option_score > placed_score[owner]
    stopped = np.zeros((len(options), 1 + problem.d), dtype=bool)
    stopped[:, 0] = room_persons[option_j] < problem.persons[option_h]
    for k in range(problem.d):
        need = problem.demand[option_h, k]
        stopped[:, 1 + k] = (need > 0) & (room_dims[option_j, k] < need)
    names = [PERSONS, *problem.dimensions]

    better: list[list[Option]] = [[] for _ in households]
    for i in np.flatnonzero(keep):
        better[owner[i]].append(
            Option(
                municipality=problem.municipality_numbers[option_j[i]],
                score=float(option_score[i]),
                stopped_by=[names[c] for c in np.flatnonzero(stopped[i])],
            )
        )
    best = problem.pair_score[order[np.minimum(first, max(problem.p - 1, 0))]] if problem.p else []
    needs = np.zeros(len(households), dtype=np.int64)
    if problem.needs is not None:
        needs = problem.needs[households]
    return [
        Explanation(
            score=float(placed_score[i]) if known[i] else None,
            rank=int(rank_first[i]) + 1 if known[i] else None,
            allowed=int(allowed[i]),
            best_score=float(best[i]) if allowed[i] else None,
            better=better[i],
            needs=problem.needs_named(int(needs[i])) if needs[i] else [],
            rank_last=int(rank_last[i]) + 1 if known[i] else None,
        )
        for i in range(len(households))
    ]


def explain_household(
    problem: MatchProblem, assignment: np.ndarray, h: int, *, top: int = 3
) -> Explanation:
    """Explain household ``h``'s placement in ``assignment``: its score and rank among its
    allowed municipalities (1 = best; ties count as equal, see ``Explanation``), and up to ``top``
    municipalities with a higher score (the best ones if it is not placed), best first, each
    with the capacities that stopped it (see ``Option``). Fast when called for every household
    of the same assignment: the loads are computed once and cached."""
    return _explain(problem, assignment, np.array([h], dtype=np.int64), top)[0]


def explain_all(
    problem: MatchProblem, assignment: np.ndarray, *, top: int = 3
) -> list[Explanation]:
    """``explain_household`` for every household at once (vectorised), in household order."""
    return _explain(problem, assignment, np.arange(problem.n, dtype=np.int64), top)
