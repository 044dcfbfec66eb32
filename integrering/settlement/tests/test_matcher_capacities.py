"""The matcher with what the decisions now say (issue 21 item 5): places for school-age children
as a capacity, adaptation needs as hard constraints (only municipalities that said they can meet
them), and the latest capacity-survey answer of a municipality as a visible warning."""

from __future__ import annotations

import dataclasses
import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from conftest import World, client_for
from integrering.audit.services import AccessContext
from integrering.people.models import Household
from integrering.settlement.matching import (
    MatchInputError,
    MatchProblem,
    assignment_problems,
    greedy_assign,
    match_solve,
    problem_read,
)
from integrering.settlement.matching.synthetic import (
    ADAPTATIONS,
    problem_synthetic,
    problem_write,
)
from integrering.settlement.models import (
    MatchRun,
    MunicipalDecision,
    WaitingHousehold,
    WaitingStatus,
)
from integrering.settlement.services.match_capacity import municipality_capacity
from integrering.settlement.services.match_notes import capacity_warnings, placement_notes
from integrering.settlement.services.matching import match_run_start, placement_change
from integrering.settlement.services.matching_compute import match_input_build, match_run_compute
from integrering.settlement.services.matching_confirm import match_run_confirm
from integrering.settlement.testing import (
    make_facts,
    make_request,
    make_waiting_household,
    municipality,
)
from integrering.surveys.models import CapacityLevel, CapacityService
from integrering.surveys.testing import make_capacity_response, make_capacity_round
from integrering.testing import make_household, make_user

YEAR = 2026
OSLO, BERGEN, TROMSO = "0301", "4601", "5501"


def _ctx() -> AccessContext:
    return AccessContext(user=make_user(username="planner"), route="test")


def _municipalities(**decisions: dict[str, Any]) -> None:
    """Oslo has the best results, Bergen next, Tromsø last; each decides 40 persons, with the
    further fields of its decision in ``decisions[name]``."""
    for name, number, score in (
        ("oslo", OSLO, "80"),
        ("bergen", BERGEN, "60"),
        ("tromso", TROMSO, "40"),
    ):
        make_facts(number, year=YEAR, results_score=score)
        request = make_request(number, year=YEAR, requested=40)
        MunicipalDecision.objects.create(
            request=request,
            decided=40,
            decided_on=datetime.date(YEAR, 2, 1),
            **decisions.get(name, {}),
        )


def _decision(number: str) -> MunicipalDecision:
    return MunicipalDecision.objects.get(request__year=YEAR, request__municipality__number=number)


def _with_needs(household: WaitingHousehold, *codes: str) -> WaitingHousehold:
    household.adaptation_needs = list(codes)
    household.save(update_fields=["adaptation_needs"])
    return household


def _run(ctx: AccessContext, **kwargs: object) -> MatchRun:
    run = match_run_start(ctx=ctx, year=YEAR, time_limit=10, **kwargs)  # type: ignore[arg-type]
    computed = match_run_compute(run_id=run.pk)
    assert computed is not None
    return computed


def _where(run: MatchRun) -> dict[int, str | None]:
    return {
        p.household_id: p.municipality.number if p.municipality else None
        for p in run.placements.select_related("municipality")
    }


# --- School-age children as a capacity ------------------------------------------------------------


@pytest.mark.django_db
def test_school_places_come_from_the_decision_less_the_school_children_settled_this_year(
    world: World,
) -> None:
    _municipalities(oslo={"school_children": 5}, bergen={"school_children": None})
    oslo, bergen = municipality(OSLO).pk, municipality(BERGEN).pk
    assert municipality_capacity(YEAR)[oslo]["school_children"] == 5
    assert municipality_capacity(YEAR)[bergen]["school_children"] == float("inf")
    # Three members: two adults and one child born in 2015 + a few days (11 in 2026).
    make_household(municipality_number=OSLO, members=3, settled_on=datetime.date(YEAR, 3, 1))
    make_household(municipality_number=OSLO, members=3, settled_on=datetime.date(YEAR - 1, 5, 1))
    left = municipality_capacity(YEAR)[oslo]
    assert left["school_children"] == 4
    assert left["persons"] == 40 - 3


@pytest.mark.django_db
def test_a_run_fills_no_more_school_places_than_decided_though_persons_would_fit(
    world: World,
) -> None:
    _municipalities(oslo={"school_children": 2})
    households = [make_waiting_household(year=YEAR, members=2, school_children=1) for _ in range(3)]
    data = match_input_build(year=YEAR, households=households)
    # Ignoring the school places, all three would go to Oslo (6 persons of 40).
    unlimited = dataclasses.replace(
        data.problem, capacity=np.full_like(data.problem.capacity, np.inf)
    )
    oslo = data.problem.municipality_numbers.index(OSLO)
    assert (greedy_assign(unlimited) == oslo).sum() == 3
    greedy = greedy_assign(data.problem)
    assert (greedy == oslo).sum() == 2 and not assignment_problems(data.problem, greedy)
    solved = match_solve(data.problem, time_limit=5)
    assert (solved.assignment == oslo).sum() == 2 and solved.placed == 3

    run = _run(_ctx())
    where = _where(run)
    assert sorted(where.values()) == [OSLO, OSLO, BERGEN]  # type: ignore[type-var]
    moved = run.placements.get(municipality__number=BERGEN)
    assert moved.explanation[0]["municipality"] == OSLO
    assert moved.explanation[0]["stopped_by"] == ["plasser for barn i skolealder"]


@pytest.mark.django_db
def test_a_move_to_a_municipality_without_school_places_left_is_refused(world: World) -> None:
    _municipalities(oslo={"school_children": 2})
    for _ in range(3):
        make_waiting_household(year=YEAR, members=2, school_children=1)
    ctx = _ctx()
    run = _run(ctx)
    bergen = run.placements.get(municipality__number=BERGEN)
    with pytest.raises(ValidationError) as refused:
        placement_change(
            ctx=ctx, placement=bergen, municipality=municipality(OSLO), locked=True, version=1
        )
    assert refused.value.message_dict["municipality"] == [
        "0301 Oslo har ikke plass (plasser for barn i skolealder: 0 ledig, husstanden trenger 1)."
    ]


@pytest.mark.django_db
def test_a_large_dwelling_move_and_a_run_keep_to_the_large_dwellings_decided(world: World) -> None:
    _municipalities(oslo={"large_dwellings": 1})
    large = [make_waiting_household(year=YEAR, members=2, large_dwelling=1) for _ in range(2)]
    ctx = _ctx()
    run = _run(ctx)
    assert sorted(_where(run)[h.pk] for h in large) == [OSLO, BERGEN]  # type: ignore[type-var]
    bergen = run.placements.get(municipality__number=BERGEN)
    with pytest.raises(ValidationError, match="store boliger: 0 ledig, husstanden trenger 1"):
        placement_change(
            ctx=ctx, placement=bergen, municipality=municipality(OSLO), locked=True, version=1
        )


@pytest.mark.django_db
def test_confirming_is_refused_when_a_decision_lowered_the_school_places_after_the_run(
    world: World,
) -> None:
    _municipalities(oslo={"school_children": 2})
    waiting = [make_waiting_household(year=YEAR, members=2, school_children=1) for _ in range(2)]
    ctx = _ctx()
    run = _run(ctx)
    assert set(_where(run).values()) == {OSLO}
    MunicipalDecision.objects.filter(pk=_decision(OSLO).pk).update(school_children=1)
    with pytest.raises(ValidationError) as refused:
        match_run_confirm(ctx=ctx, run=run)
    assert refused.value.messages == [
        "Ingen husstander er overført. Rett dette først:",
        "0301 Oslo har ikke plass til alle husstandene i forslaget (plasser for barn i "
        "skolealder: 1 ledig, forslaget plasserer 2). Flytt eller ta ut husstander der, og "
        "bekreft på nytt.",
    ]
    assert not Household.objects.filter(reference__in=[w.reference for w in waiting]).exists()


# --- Adaptation needs as hard constraints -------------------------------------------------------


@pytest.mark.django_db
def test_a_household_with_needs_goes_only_where_every_need_can_be_met(world: World) -> None:
    _municipalities(
        oslo={"adaptation_capabilities": ["near_hospital"]},
        bergen={"adaptation_capabilities": ["wheelchair"]},
        tromso={"adaptation_capabilities": ["wheelchair", "near_hospital", "other"]},
    )
    wheelchair = _with_needs(make_waiting_household(year=YEAR), "wheelchair")
    both = _with_needs(make_waiting_household(year=YEAR), "wheelchair", "near_hospital")
    other = _with_needs(make_waiting_household(year=YEAR), "other")
    free = make_waiting_household(year=YEAR)
    data = match_input_build(year=YEAR, households=[wheelchair, both, other, free])
    problem = data.problem
    allowed: dict[int, set[str]] = {}
    for h, j in zip(problem.pair_household, problem.pair_municipality, strict=True):
        allowed.setdefault(int(h), set()).add(problem.municipality_numbers[j])
    assert allowed == {0: {BERGEN, TROMSO}, 1: {TROMSO}, 2: {TROMSO}, 3: {OSLO, BERGEN, TROMSO}}
    # A problem built in code with a pair that breaks a need is refused, and so is a placement.
    broken: MatchProblem = dataclasses.replace(
        problem,
        pair_household=np.array([0]),
        pair_municipality=np.array([0]),
        pair_score=np.array([1.0]),
    )
    with pytest.raises(MatchInputError, match="1 par gir en husstand en kommune som ikke kan"):
        broken.check()
    assert assignment_problems(problem, np.array([0, -1, -1, -1])) == [
        f"{wheelchair.reference} er plassert i et par som ikke er tillatt.",
        f"{wheelchair.reference} er plassert i en kommune som ikke kan møte behovet (wheelchair).",
    ]

    run = _run(_ctx())
    where = _where(run)
    assert where[wheelchair.pk] == BERGEN and where[both.pk] == TROMSO
    assert where[other.pk] == TROMSO and where[free.pk] == OSLO
    placement = run.placements.get(household=both)
    assert placement.allowed == 1 and placement.rank == 1
    note = placement_notes([placement])[placement.pk]
    assert note.needs == (
        "Husstanden trenger: rullestol / tilrettelagt bolig, må bo nær sykehus; bare kommuner "
        "som har sagt at de kan møte behovet er vurdert."
    )


@pytest.mark.django_db
def test_a_household_no_municipality_can_take_stays_unplaced_with_the_reason(
    world: World,
) -> None:
    _municipalities(bergen={"adaptation_capabilities": ["wheelchair"]})
    other = _with_needs(make_waiting_household(year=YEAR), "other")
    tied = _with_needs(make_waiting_household(year=YEAR, required=OSLO), "wheelchair")
    run = _run(_ctx())
    assert _where(run) == {other.pk: None, tied.pk: None}
    placements = list(run.placements.select_related("household", "municipality"))
    notes = placement_notes(placements)
    by_household = {p.household_id: notes[p.pk] for p in placements}
    assert by_household[other.pk].reason == (
        "Ingen kommune som har vedtatt å bosette i 2026, har sagt at den kan møte behovet: "
        "annet. Husstanden venter videre."
    )
    assert by_household[tied.pk].reason == (
        "Husstanden kan bare bosettes i 0301 Oslo (familie), og kommunen har ikke sagt at den "
        "kan møte behovet: rullestol / tilrettelagt bolig."
    )
    assert all(p.allowed == 0 for p in placements)


@pytest.mark.django_db
def test_a_move_to_a_municipality_that_cannot_meet_the_need_is_refused_naming_it(
    world: World,
) -> None:
    _municipalities(bergen={"adaptation_capabilities": ["wheelchair"]})
    household = _with_needs(make_waiting_household(year=YEAR), "wheelchair")
    ctx = _ctx()
    run = _run(ctx)
    placement = run.placements.get()
    assert placement.municipality.number == BERGEN  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as refused:
        placement_change(
            ctx=ctx, placement=placement, municipality=municipality(OSLO), locked=True, version=1
        )
    assert refused.value.message_dict["municipality"] == [
        "0301 Oslo har ikke sagt at kommunen kan møte husstandens behov for tilpasning: "
        "rullestol / tilrettelagt bolig. Velg en kommune som kan det."
    ]
    placement.refresh_from_db()
    assert placement.municipality.number == BERGEN and not placement.locked  # type: ignore[union-attr]
    # Once Tromsø says it can, the move is made, ranked among the municipalities allowed.
    MunicipalDecision.objects.filter(pk=_decision(TROMSO).pk).update(
        adaptation_capabilities=["wheelchair"]
    )
    moved = placement_change(
        ctx=ctx, placement=placement, municipality=municipality(TROMSO), locked=True, version=1
    )
    assert moved.municipality.number == TROMSO and moved.rank == 2  # type: ignore[union-attr]
    assert household.pk == moved.household_id


@pytest.mark.django_db
def test_confirming_is_refused_when_the_municipality_no_longer_says_it_can_meet_the_need(
    world: World,
) -> None:
    _municipalities(bergen={"adaptation_capabilities": ["wheelchair"]})
    household = _with_needs(make_waiting_household(year=YEAR), "wheelchair")
    ctx = _ctx()
    run = _run(ctx)
    MunicipalDecision.objects.filter(pk=_decision(BERGEN).pk).update(adaptation_capabilities=[])
    with pytest.raises(ValidationError) as refused:
        match_run_confirm(ctx=ctx, run=run)
    assert refused.value.messages[1] == (
        f"{household.reference}: 4601 Bergen har ikke sagt at kommunen kan møte husstandens behov for "
        "tilpasning (rullestol / tilrettelagt bolig). Flytt husstanden til en kommune som kan "
        "det, og bekreft på nytt."
    )
    household.refresh_from_db()
    assert household.status == WaitingStatus.WAITING
    assert not Household.objects.filter(reference=household.reference).exists()


# --- The capacity survey's warning --------------------------------------------------------------


def _survey_answers() -> None:
    """Oslo's latest submitted answer: housing critical, school challenging; an older round
    said something else, and a newer draft is not counted."""
    older = make_capacity_round(year=YEAR, quarter=1)
    make_capacity_response(older, OSLO, {CapacityService.GP: CapacityLevel.CRITICAL})
    latest = make_capacity_round(year=YEAR, quarter=2)
    levels: dict[str, str] = {service: CapacityLevel.GOOD for service in CapacityService.values}
    levels[CapacityService.SCHOOL] = CapacityLevel.CHALLENGING
    levels[CapacityService.HOUSING] = CapacityLevel.CRITICAL
    levels[CapacityService.GP] = CapacityLevel.SATISFACTORY
    make_capacity_response(latest, OSLO, levels)
    draft = make_capacity_round(year=YEAR, quarter=3)
    make_capacity_response(
        draft, OSLO, {CapacityService.CHILD_WELFARE: CapacityLevel.CRITICAL}, submitted=False
    )
    # Bergen answered only good.
    make_capacity_response(latest, BERGEN)


OSLO_WARNINGS = ["boliger: kritisk (2. kvartal 2026)", "skole: utfordrende (2. kvartal 2026)"]


@pytest.mark.django_db
def test_the_latest_submitted_capacity_answer_warns_of_its_challenging_and_critical_services(
    world: World,
) -> None:
    _survey_answers()
    oslo, bergen = municipality(OSLO).pk, municipality(BERGEN).pk
    assert capacity_warnings([oslo, bergen]) == {oslo: OSLO_WARNINGS}


@pytest.mark.django_db
def test_a_capacity_warning_keeps_the_capitals_of_nav(world: World) -> None:
    latest = make_capacity_round(year=YEAR, quarter=2)
    make_capacity_response(latest, OSLO, {CapacityService.NAV_SOCIAL: CapacityLevel.CRITICAL})
    oslo = municipality(OSLO).pk
    assert capacity_warnings([oslo]) == {
        oslo: ["NAV og sosiale tjenester: kritisk (2. kvartal 2026)"]
    }


@pytest.mark.django_db
def test_the_placement_page_and_the_api_show_the_warning_without_changing_the_score(
    world: World,
) -> None:
    _municipalities()
    household = _with_needs(make_waiting_household(year=YEAR), "regular_treatment")
    MunicipalDecision.objects.filter(request__year=YEAR).update(
        adaptation_capabilities=["regular_treatment"]
    )
    run = _run(_ctx())
    placement = run.placements.get()
    score = placement.score
    _survey_answers()  # after the run: the warning is read when shown, and scores nothing
    assert placement.municipality.number == OSLO  # type: ignore[union-attr]

    planner = client_for(make_user(username="planner2"))
    page = planner.get(f"/bosetting/plasseringer/{placement.pk}/").content.decode()
    assert "Varsel fra kapasitetskartleggingen" in page
    assert "boliger: kritisk (2. kvartal 2026)" in page
    assert "skole: utfordrende (2. kvartal 2026)" in page
    assert "Husstanden trenger: jevnlig behandling; bare kommuner som har sagt" in page
    run_page = planner.get(f"/bosetting/utsoking/{run.pk}/").content.decode()
    assert "Varsel: boliger: kritisk (2. kvartal 2026); skole: utfordrende" in run_page

    body = planner.get(f"/api/v1/settlement/placements/{placement.pk}").json()
    assert body["warnings"] == OSLO_WARNINGS
    assert body["adaptation_needs"] == ["regular_treatment"]
    assert body["needs_note"].startswith("Husstanden trenger: jevnlig behandling;")
    assert body["reason"] == "" and body["score"] == score
    listed = planner.get(f"/api/v1/settlement/match-runs/{run.pk}").json()["placements"]
    assert listed[0]["warnings"] == OSLO_WARNINGS and listed[0]["household"] == household.reference


# --- The command line ---------------------------------------------------------------------------


def _match(*args: str | Path) -> tuple[int, str, str]:
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("settlement", "match", *map(str, args), stdout=stdout, stderr=stderr)
        code = 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    return code, stdout.getvalue(), stderr.getvalue()


def _files(folder: Path, households: str, municipalities: str, scores: str) -> list[str | Path]:
    paths = [folder / "H.csv", folder / "M.csv", folder / "S.csv"]
    for path, text in zip(paths, (households, municipalities, scores), strict=True):
        path.write_text(text)
    return [
        "--households", paths[0], "--municipalities", paths[1], "--scores", paths[2],
        "--out", folder / "P.csv", "--time-limit", "5", "--json",
    ]  # fmt: skip


SCORES = "household_id,municipality_number,score\n" + "".join(
    f"{h},{m},{s}\n"
    for h in ("A", "B", "C", "D")
    for m, s in (("0301", 3), ("4601", 2), ("5501", 1))
)


def test_the_command_reads_school_places_and_adaptation_columns(tmp_path: Path) -> None:
    args = _files(
        tmp_path,
        "household_id,persons,school_children,adaptation_needs\n"
        "A,2,1,\nB,2,1,\nC,2,1,rullestol\nD,1,0,wheelchair|other\n",
        "municipality_number,persons,school_children,adaptation_capabilities\n"
        "0301,10,1,\n4601,10,,wheelchair\n5501,10,,other wheelchair\n",
        SCORES,
    )
    code, _, stderr = _match(*args)
    assert code == 0, stderr
    placed = pd.read_csv(tmp_path / "P.csv", dtype=str).set_index("household_id")
    where = placed["municipality_number"].to_dict()
    # One school place in Oslo; C needs a wheelchair (Bergen or Tromsø), D also «other».
    assert sorted([where["A"], where["B"]]) == ["0301", "4601"]
    assert where["C"] == "4601" and where["D"] == "5501"


def test_the_command_still_reads_files_without_the_new_columns(tmp_path: Path) -> None:
    args = _files(
        tmp_path,
        "household_id,persons\nA,2\nB,2\nC,2\nD,2\n",
        "municipality_number,persons\n0301,4\n4601,4\n5501,10\n",
        SCORES,
    )
    code, _, stderr = _match(*args)
    assert code == 0, stderr
    where = pd.read_csv(tmp_path / "P.csv", dtype=str)["municipality_number"].value_counts()
    assert where.to_dict() == {"0301": 2, "4601": 2}


def test_the_command_refuses_an_unknown_need_naming_the_line(tmp_path: Path) -> None:
    args = _files(
        tmp_path,
        "household_id,persons,adaptation_needs\nA,2,wheelchair\nB,2,rullestoll\nC,1,\nD,1,\n",
        "municipality_number,persons,adaptation_capabilities\n0301,4,fly\n4601,4,\n5501,4,\n",
        SCORES,
    )
    code, stdout, stderr = _match(*args)
    assert code == 2 and stdout == ""
    assert (
        "H.csv linje 3: «adaptation_needs»: ukjent behov «rullestoll» (kjente koder: "
        "near_hospital, other, regular_treatment, wheelchair)." in stderr
    )
    assert "M.csv linje 2: «adaptation_capabilities»: ukjent behov «fly»" in stderr
    assert not (tmp_path / "P.csv").exists()


def test_synthetic_needs_round_trip_through_the_files_and_are_met(tmp_path: Path) -> None:
    problem = problem_synthetic(households=120, municipalities=15, needs=0.3, seed=3)
    assert problem.needs is not None and (problem.needs != 0).sum() > 20
    read = problem_read(
        *problem_write(problem, tmp_path), adaptation_codes={c: c for c in ADAPTATIONS}
    )
    assert read.adaptations == problem.adaptations
    assert np.array_equal(read.needs, problem.needs)  # type: ignore[arg-type]
    assert read.p == problem.p
    result = match_solve(read, time_limit=5)
    assert not assignment_problems(read, result.assignment)
    placed = np.flatnonzero(result.assignment >= 0)
    assert not read.needs_unmet(placed, result.assignment[placed]).any()
    greedy = greedy_assign(read)
    assert not assignment_problems(read, greedy)


def test_without_needs_the_synthetic_instance_is_unchanged() -> None:
    before = problem_synthetic(households=50, municipalities=10, seed=4)
    same = problem_synthetic(households=50, municipalities=10, needs=0.0, seed=4)
    assert np.array_equal(before.pair_score, same.pair_score) and before.needs is None


@pytest.mark.django_db
def test_a_municipality_with_no_survey_answer_has_no_warning(world: World) -> None:
    assert capacity_warnings([municipality(OSLO).pk]) == {}
