"""Placing households one at a time: the simple greedy the matcher is compared with, and the
repair step that fills what the optimisation left open. Also the loads and the feasibility check
every result passes before it is returned."""

from __future__ import annotations

import numpy as np

from .problem import MatchProblem, dimension_word


def assignment_loads(
    problem: MatchProblem, assignment: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """What the placed households take of each municipality: persons (m,) and each dimension
    (m, d)."""
    placed = assignment >= 0
    where = assignment[placed]
    persons = np.bincount(where, weights=problem.persons[placed], minlength=problem.m)
    dims = np.zeros((problem.m, problem.d))
    for k in range(problem.d):
        dims[:, k] = np.bincount(where, weights=problem.demand[placed, k], minlength=problem.m)
    return persons, dims


def assignment_problems(problem: MatchProblem, assignment: np.ndarray) -> list[str]:
    """Everything wrong with an assignment (empty = feasible): a placement in a pair that is not
    allowed, in a municipality that cannot meet the household's adaptation needs, or a
    municipality over its capacity in some dimension. A household is in at most one
    municipality by construction (one entry per household)."""
    found: list[str] = []
    if assignment.shape != (problem.n,):
        return [f"Plasseringen har formen {assignment.shape}, ventet ({problem.n},)."]
    placed = np.flatnonzero(assignment >= 0)
    if len(placed) and assignment.max() >= problem.m:
        return ["En husstand er plassert i en kommune som ikke finnes."]
    allowed = pair_lookup(problem, placed, assignment[placed]) >= 0
    for h in placed[~allowed][:10]:
        found.append(f"{problem.household_ids[h]} er plassert i et par som ikke er tillatt.")
    unmet = problem.needs_unmet(placed, assignment[placed])
    for h, bits in zip(placed[unmet != 0][:10], unmet[unmet != 0][:10], strict=False):
        found.append(
            f"{problem.household_ids[h]} er plassert i en kommune som ikke kan møte behovet "
            f"({', '.join(problem.needs_named(int(bits)))})."
        )
    persons, dims = assignment_loads(problem, assignment)
    for j in np.flatnonzero(persons > problem.capacity_persons)[:10]:
        found.append(f"Kommune {problem.municipality_numbers[j]} er over kapasiteten i personer.")
    for j, k in np.argwhere(dims > problem.capacity)[:10]:
        found.append(
            f"Kommune {problem.municipality_numbers[j]} er over kapasiteten i "
            f"{dimension_word(problem.dimensions[k])}."
        )
    return found


def pair_lookup(
    problem: MatchProblem, households: np.ndarray, municipalities: np.ndarray
) -> np.ndarray:
    """The pair index of each (household, municipality), -1 where the pair is not allowed."""
    if "pair_keys" not in problem._cache:
        key = (
            problem.pair_household.astype(np.int64) * max(problem.m, 1) + problem.pair_municipality
        )
        order = np.argsort(key, kind="stable")
        problem._cache["pair_keys"] = (key[order], order)
    keys, order = problem._cache["pair_keys"]
    wanted = households.astype(np.int64) * max(problem.m, 1) + municipalities
    at = np.searchsorted(keys, wanted)
    at_clipped = np.minimum(at, max(len(keys) - 1, 0))
    found = (
        (at < len(keys)) & (keys[at_clipped] == wanted)
        if len(keys)
        else np.zeros(len(wanted), bool)
    )
    return np.where(found, order[at_clipped], -1) if len(keys) else np.full(len(wanted), -1)


def assignment_objective(problem: MatchProblem, assignment: np.ndarray) -> float:
    """The total score of the placements (each placed pair must be allowed)."""
    placed = np.flatnonzero(assignment >= 0)
    pairs = pair_lookup(problem, placed, assignment[placed])
    if (pairs < 0).any():
        raise ValueError("assignment uses a pair that is not allowed")
    return float(problem.pair_score[pairs].sum())


def fill(
    problem: MatchProblem,
    assignment: np.ndarray,
    households: np.ndarray,
    *,
    preference: np.ndarray | None = None,
) -> np.ndarray:
    """Place each of ``households`` not yet placed, in that order, in its most preferred allowed
    municipality that still has room in every dimension; a household with no room anywhere
    stays unplaced. ``preference`` ranks a household's pairs (by pair index, higher first;
    default the score). Returns a new assignment."""
    assignment = assignment.copy()
    order, start = problem.pairs_sorted()
    if "municipality_sorted" not in problem._cache:
        problem._cache["municipality_sorted"] = problem.pair_municipality[order]
    by_score = problem._cache["municipality_sorted"]
    load_persons, load_dims = assignment_loads(problem, assignment)
    room_persons = problem.capacity_persons - load_persons
    room_dims = problem.capacity - load_dims
    persons, demand = problem.persons, problem.demand
    for h in households:
        if assignment[h] >= 0 or start[h] == start[h + 1]:
            continue
        if preference is None:
            candidates = by_score[start[h] : start[h + 1]]
        else:
            pairs = order[start[h] : start[h + 1]]
            candidates = problem.pair_municipality[
                pairs[np.argsort(-preference[pairs], kind="stable")]
            ]
        need = persons[h]
        fits = room_persons[candidates] >= need
        for k in np.flatnonzero(demand[h]):
            fits &= room_dims[candidates, k] >= demand[h, k]
        first = int(fits.argmax())
        if not fits[first]:
            continue
        j = int(candidates[first])
        assignment[h] = j
        room_persons[j] -= need
        room_dims[j] -= demand[h]
    return assignment


def greedy_assign(problem: MatchProblem) -> np.ndarray:
    """The simple greedy, the way placements are made by hand: take the households in their
    order (the file's order, e.g. longest waiting first) and give each the allowed municipality
    with the highest score that still has room for it in every dimension (ties: lower
    municipality number; allowed: listed, within a family tie, and able to meet every
    adaptation need, see ``MatchProblem``); a household with no room anywhere, or no
    municipality that can meet its needs, is not placed. Returns the
    assignment (n,) of municipality indices, -1 = not placed."""
    return fill(problem, np.full(problem.n, -1, dtype=np.int64), np.arange(problem.n))
