"""A placement as the planner reads it (issue 23 item 10): its rank with ties counted as equal,
the lock list of only the municipalities the household may go to, and the capacities in words."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from conftest import World, client_for
from integrering.audit.services import AccessContext
from integrering.settlement.matching import MatchProblem, assignment_problems
from integrering.settlement.models import MatchRun, MunicipalDecision, Placement
from integrering.settlement.services.match_notes import rank_text
from integrering.settlement.services.matching import match_run_start
from integrering.settlement.services.matching_compute import match_run_compute
from integrering.settlement.testing import make_facts, make_request, make_waiting_household
from integrering.testing import make_user

YEAR = 2026
OSLO, BERGEN, TROMSO = "0301", "4601", "5501"


def _decide(scores: dict[str, str], capabilities: dict[str, list[str]] | None = None) -> None:
    for number, score in scores.items():
        make_facts(number, year=YEAR, results_score=score)
        MunicipalDecision.objects.create(
            request=make_request(number, year=YEAR, requested=40),
            decided=40,
            decided_on=datetime.date(YEAR, 2, 1),
            adaptation_capabilities=(capabilities or {}).get(number, []),
        )


def _run() -> MatchRun:
    ctx = AccessContext(user=make_user(username="planner"), route="test")
    run = match_run_start(ctx=ctx, year=YEAR, time_limit=10)
    computed = match_run_compute(run_id=run.pk)
    assert computed is not None
    return computed


def _page(placement: Placement) -> str:
    planner = client_for(make_user(username="planner-page"))
    response = planner.get(f"/bosetting/plasseringer/{placement.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_rank_reads_as_a_place_and_a_tie_as_shared() -> None:
    assert rank_text(2, 2) == "2. plass"
    assert rank_text(1, 156) == "delt 1.–156. plass"


@pytest.mark.django_db
def test_municipalities_with_the_same_score_share_the_rank(world: World) -> None:
    _decide({OSLO: "50", BERGEN: "50", TROMSO: "50"})
    make_waiting_household(year=YEAR)
    placement = _run().placements.get()
    assert placement.rank == 1  # ties count as equal, whichever of them it went to
    assert "Delt 1.–3. plass av 3 tillatte kommuner" in _page(placement)


@pytest.mark.django_db
def test_a_unique_score_has_its_own_place(world: World) -> None:
    _decide({OSLO: "80", BERGEN: "60", TROMSO: "40"})
    make_waiting_household(year=YEAR)
    placement = _run().placements.get()
    assert placement.municipality.number == OSLO  # type: ignore[union-attr]
    page = _page(placement)
    assert "1. plass av 3 tillatte kommuner" in page and "Delt" not in page


@pytest.mark.django_db
def test_the_lock_list_offers_only_the_municipalities_the_household_may_go_to(
    world: World,
) -> None:
    _decide(
        {OSLO: "80", BERGEN: "60", TROMSO: "40"},
        capabilities={BERGEN: ["wheelchair"], TROMSO: ["wheelchair"]},
    )
    household = make_waiting_household(year=YEAR)
    household.adaptation_needs = ["wheelchair"]
    household.save(update_fields=["adaptation_needs"])
    placement = _run().placements.get()
    planner = client_for(make_user(username="planner-lock"))
    url = f"/bosetting/plasseringer/{placement.pk}/"
    form = planner.get(url).context["form"]
    offered = [m.number for m in form.fields["municipality"].queryset]
    assert offered == [BERGEN, TROMSO]  # Oslo cannot meet the need
    refused = planner.post(
        url,
        {
            "municipality": form.fields["municipality"].queryset.model.objects.get(number=OSLO).pk,
            "locked": "on",
            "version": placement.version,
        },
    )
    assert refused.status_code == 422
    assert "Velg en av kommunene husstanden kan bosettes i" in refused.content.decode()
    placement.refresh_from_db()
    assert placement.municipality.number == BERGEN  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_family_tie_leaves_only_its_municipality_in_the_lock_list(world: World) -> None:
    _decide({OSLO: "80", BERGEN: "60", TROMSO: "40"})
    household = make_waiting_household(year=YEAR)
    household.required_municipality = MunicipalDecision.objects.get(
        request__municipality__number=TROMSO
    ).request.municipality
    household.save(update_fields=["required_municipality"])
    placement = _run().placements.get()
    planner = client_for(make_user(username="planner-tie"))
    form = planner.get(f"/bosetting/plasseringer/{placement.pk}/").context["form"]
    assert [m.number for m in form.fields["municipality"].queryset] == [TROMSO]


@pytest.mark.django_db
def test_the_capacities_that_stopped_an_option_are_named_in_words(world: World) -> None:
    _decide({OSLO: "80", BERGEN: "60", TROMSO: "40"})
    make_waiting_household(year=YEAR)
    placement = _run().placements.get()
    # An option stopped by every capacity, as keys (as runs explained before the labels held).
    Placement.objects.filter(pk=placement.pk).update(
        explanation=[
            {
                "municipality": BERGEN,
                "name": "Bergen",
                "score": 9.0,
                "stopped_by": [
                    "persons",
                    "large_dwelling",
                    "school_children",
                    "unaccompanied_minors",
                ],
            }
        ]
    )
    page = _page(placement)
    assert (
        "Ikke plass: personer, store boliger, plasser for barn i skolealder, plasser for "
        "enslige mindreårige" in page
    )
    for key in ("large_dwelling", "school_children", "unaccompanied_minors"):
        assert key not in page
    planner = client_for(make_user(username="planner-words"))
    run_page = planner.get(f"/bosetting/utsoking/{placement.run_id}/").content.decode()
    assert "full – personer, store boliger, plasser for barn i skolealder" in run_page
    api = planner.get(f"/api/v1/settlement/match-runs/{placement.run_id}")
    assert api.status_code == 200, api.content
    (better,) = api.json()["placements"][0]["better"]
    assert better["stopped_by"] == [
        "personer",
        "store boliger",
        "plasser for barn i skolealder",
        "plasser for enslige mindreårige",
    ]


def test_the_feasibility_check_names_an_exceeded_capacity_in_words() -> None:
    problem = MatchProblem(
        household_ids=["H"],
        municipality_numbers=["0100"],
        persons=np.array([1]),
        dimensions=["large_dwelling"],
        demand=np.array([[1]]),
        capacity_persons=np.array([5]),
        capacity=np.array([[0.0]]),
        pair_household=np.array([0]),
        pair_municipality=np.array([0]),
        pair_score=np.array([1.0]),
    )
    assert assignment_problems(problem, np.array([0])) == [
        "Kommune 0100 er over kapasiteten i store boliger."
    ]
