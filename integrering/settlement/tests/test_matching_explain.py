"""Why a household went where it did: rank, the better options, and what stopped them."""

from __future__ import annotations

import numpy as np

from integrering.settlement.matching import (
    Explanation,
    MatchProblem,
    Option,
    explain_all,
    explain_household,
    match_solve,
)
from integrering.settlement.matching.synthetic import problem_synthetic

INF = np.inf


def hand_made() -> MatchProblem:
    """A (0100) has room for 3 persons; B (0200) for 10 persons but one large dwelling; C (0300)
    for plenty. X (2 persons, needs a large dwelling) likes A, then B, then C. Y (3 persons)
    is worth most in A; Z (2 persons, large dwelling) has a family tie to B; W (4 persons) may
    only go to A. The optimum puts Y in A, Z in B and X in C (25); W stays waiting."""
    #             X          Y           Z       W
    pairs = [
        (0, 0, 9.0),
        (0, 1, 8.0),
        (0, 2, 5.0),
        (1, 0, 10.0),
        (1, 1, 1.0),
        (1, 2, 1.0),
        (2, 1, 10.0),
        (3, 0, 3.0),
    ]
    return MatchProblem(
        household_ids=["X", "Y", "Z", "W"],
        municipality_numbers=["0100", "0200", "0300"],
        persons=np.array([2, 3, 2, 4]),
        dimensions=["large_dwelling"],
        demand=np.array([[1], [0], [1], [0]]),
        capacity_persons=np.array([3, 10, 10]),
        capacity=np.array([[INF], [1.0], [10.0]]),
        pair_household=np.array([h for h, _, _ in pairs]),
        pair_municipality=np.array([j for _, j, _ in pairs]),
        pair_score=np.array([s for _, _, s in pairs]),
    )


def test_the_hand_made_instance_is_solved_as_expected() -> None:
    problem = hand_made()
    result = match_solve(problem)
    assert result.assignment.tolist() == [2, 0, 1, -1]
    assert result.objective == 25.0


def test_a_placement_names_the_better_options_and_what_stopped_each() -> None:
    problem = hand_made()
    assignment = np.array([2, 0, 1, -1])
    explanation = explain_household(problem, assignment, 0)
    assert explanation == Explanation(
        score=5.0,
        rank=3,
        allowed=3,
        best_score=9.0,
        better=[
            Option("0100", 9.0, ["persons"]),  # Y fills A's 3 places
            Option("0200", 8.0, ["large_dwelling"]),  # Z has B's one large dwelling
        ],
        rank_last=3,
    )


def test_the_best_placement_has_no_better_option() -> None:
    problem = hand_made()
    explanation = explain_household(problem, np.array([2, 0, 1, -1]), 1)
    assert (explanation.score, explanation.rank, explanation.allowed, explanation.better) == (
        10.0,
        1,
        3,
        [],
    )
    tied = explain_household(problem, np.array([2, 0, 1, -1]), 2)
    assert (tied.rank, tied.allowed, tied.better) == (1, 1, [])


def test_an_unplaced_household_gets_its_best_options() -> None:
    problem = hand_made()
    explanation = explain_household(problem, np.array([2, 0, 1, -1]), 3)
    assert explanation == Explanation(
        score=None, rank=None, allowed=1, best_score=3.0, better=[Option("0100", 3.0, ["persons"])]
    )


def test_an_option_with_room_is_a_trade_off_with_nothing_stopping_it() -> None:
    problem = hand_made()
    # X sent to C although B has room once Z is not placed: nothing stopped B.
    explanation = explain_household(problem, np.array([2, 0, -1, -1]), 0)
    assert explanation.better[1] == Option("0200", 8.0, [])


def test_top_limits_the_options_and_ties_share_a_rank() -> None:
    problem = MatchProblem(
        household_ids=["H"],
        municipality_numbers=["0300", "0100", "0200", "0400"],
        persons=np.array([1]),
        dimensions=[],
        demand=np.zeros((1, 0), dtype=np.int64),
        capacity_persons=np.array([0, 0, 0, 5]),
        capacity=np.zeros((4, 0)),
        pair_household=np.array([0, 0, 0, 0]),
        pair_municipality=np.array([0, 1, 2, 3]),
        pair_score=np.array([7.0, 7.0, 7.0, 1.0]),
    )
    explanation = explain_household(problem, np.array([3]), 0, top=2)
    assert (explanation.rank, explanation.rank_last) == (4, 4)
    assert [o.municipality for o in explanation.better] == ["0100", "0200"]
    same_score = explain_household(problem, np.array([0]), 0)
    # Ties count as equal: the three sevens share 1st to 3rd place, whichever was placed.
    assert (same_score.rank, same_score.rank_last) == (1, 3)
    assert (explain_household(problem, np.array([1]), 0).rank, same_score.rank) == (1, 1)
    assert same_score.better == []  # equal scores are not better


def test_explain_all_agrees_with_one_at_a_time() -> None:
    problem = problem_synthetic(
        households=120, municipalities=15, tightness=0.8, density=0.6, seed=4
    )
    assignment = match_solve(problem, time_limit=1).assignment
    together = explain_all(problem, assignment)
    assert together == [explain_household(problem, assignment, h) for h in range(problem.n)]
    assert any(e.better and e.better[0].stopped_by for e in together)
    assert all(e.rank is not None for e, j in zip(together, assignment, strict=True) if j >= 0)


def test_the_explanation_names_the_needs_that_left_out_the_other_municipalities() -> None:
    """H needs a wheelchair: only 0200 said it can meet that, so it is H's one allowed pair and
    0100 (better, and with room) is not among the options; K has no needs."""
    problem = MatchProblem(
        household_ids=["H", "K"],
        municipality_numbers=["0100", "0200"],
        persons=np.array([1, 1]),
        dimensions=[],
        demand=np.zeros((2, 0), dtype=np.int64),
        capacity_persons=np.array([5, 5]),
        capacity=np.zeros((2, 0)),
        pair_household=np.array([0, 1, 1]),
        pair_municipality=np.array([1, 0, 1]),
        pair_score=np.array([1.0, 3.0, 1.0]),
        adaptations=["wheelchair"],
        needs=np.array([1, 0]),
        capabilities=np.array([0, 1]),
    )
    result = match_solve(problem, time_limit=1)
    assert result.assignment.tolist() == [1, 0]
    h, k = explain_all(problem, result.assignment)
    assert (h.needs, h.allowed, h.rank, h.better) == (["wheelchair"], 1, 1, [])
    assert k.needs == [] and k.allowed == 2


def test_a_problem_where_no_household_may_go_anywhere_is_explained() -> None:
    problem = MatchProblem(
        household_ids=["H"],
        municipality_numbers=["0100"],
        persons=np.array([1]),
        dimensions=[],
        demand=np.zeros((1, 0), dtype=np.int64),
        capacity_persons=np.array([5]),
        capacity=np.zeros((1, 0)),
        pair_household=np.zeros(0, dtype=np.int64),
        pair_municipality=np.zeros(0, dtype=np.int64),
        pair_score=np.zeros(0),
        adaptations=["other"],
        needs=np.array([1]),
        capabilities=np.array([0]),
    )
    result = match_solve(problem, time_limit=1)
    assert result.assignment.tolist() == [-1] and result.placed == 0
    (explanation,) = explain_all(problem, result.assignment)
    assert (explanation.score, explanation.rank, explanation.allowed) == (None, None, 0)
    assert explanation.needs == ["other"]
