"""The matcher's score of a household in a municipality (utsøking, seed 004 ch. 5).

The score is the expected number of household members in work or education after two years:
each adult counts the municipality's results share (``MunicipalityFacts.results_score``, the
share in per cent of former participants in work or education), each child counts
``child_weight`` (school or kindergarten), and each adult gains ``network_bonus`` times the share
of ``network_saturation`` persons of the same mother tongue already settled there (an existing
network, capped at 1). The coefficients are the dated parameter ``settlement/matching_score``;
the planner can see them on the rates page. An external prediction model (GeoMatch-style) can
replace this through ``integrering settlement match --scores``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from integrering.rules.benefit import age_on
from integrering.rules.parameters import value

PARAMETER = "settlement/matching_score"


@dataclass(frozen=True)
class HouseholdFacts:
    birth_dates: tuple[datetime.date, ...]
    language: str  # the main person's mother tongue, "" if unknown


@dataclass(frozen=True)
class ScoreModel:
    adult_age: int
    adult_max_age: int
    child_weight: float
    network_bonus: float
    network_saturation: float

    @classmethod
    def on(cls, day: datetime.date) -> ScoreModel:
        p = value(PARAMETER, day)
        return cls(
            adult_age=int(p["adult_age"]),
            adult_max_age=int(p["adult_max_age"]),
            child_weight=float(p["child_weight"]),
            network_bonus=float(p["network_bonus"]),
            network_saturation=float(p["network_saturation"]),
        )


def household_counts(
    households: Sequence[HouseholdFacts], *, on: datetime.date, model: ScoreModel
) -> tuple[np.ndarray, np.ndarray]:
    """Adults and children of each household on a date, as two arrays."""
    adults = np.zeros(len(households))
    children = np.zeros(len(households))
    for i, household in enumerate(households):
        for born in household.birth_dates:
            age = age_on(born, on)
            if age < model.adult_age:
                children[i] += 1
            elif age <= model.adult_max_age:
                adults[i] += 1
    return adults, children


def pair_scores(
    households: Sequence[HouseholdFacts],
    results_share: np.ndarray,
    network: dict[str, np.ndarray],
    *,
    on: datetime.date,
) -> np.ndarray:
    """The (households x municipalities) score matrix.

    ``results_share`` holds each municipality's share (0-1) in work or education; ``network``
    maps a mother tongue to the number of persons with it settled in each municipality.
    """
    model = ScoreModel.on(on)
    adults, children = household_counts(households, on=on, model=model)
    scores = np.outer(adults, results_share) + (children * model.child_weight)[:, None]
    zero = np.zeros(len(results_share))
    for i, household in enumerate(households):
        community = network.get(household.language, zero)
        if adults[i] and community.any():
            share = np.minimum(community / model.network_saturation, 1.0)
            scores[i] += adults[i] * model.network_bonus * share
    return scores
