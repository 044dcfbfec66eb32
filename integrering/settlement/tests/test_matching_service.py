"""The matcher in the planner's hands: capacity from decisions, a run through the real worker,
explanations, lock and change, running again around locks, and confirming into casework."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from conftest import World, client_for
from integrering.accounts.roles import Service
from integrering.audit.models import AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import Deadline, Notice, NoticeOccasion
from integrering.casework.services.arrival import household_settle
from integrering.casework.tests.test_household_import import WORKER_DB, run_worker
from integrering.people.identity import duf_check_digits
from integrering.people.models import Household, Person
from integrering.settlement.models import (
    MatchRun,
    MatchRunStatus,
    Placement,
    WaitingHousehold,
    WaitingPerson,
    WaitingStatus,
)
from integrering.settlement.services.match_capacity import municipality_capacity
from integrering.settlement.services.matching import match_run_start, placement_change
from integrering.settlement.services.matching_compute import match_input_build, match_run_compute
from integrering.settlement.services.matching_confirm import match_run_confirm
from integrering.settlement.services.waiting import waiting_household_withdraw
from integrering.settlement.testing import (
    make_facts,
    make_request,
    make_waiting_household,
    municipality,
)
from integrering.testing import make_household, make_user

YEAR = 2026


def _planner_ctx() -> AccessContext:
    return AccessContext(user=make_user(username="planner"), route="test")


def _three_municipalities(*, oslo: int = 4, bergen: int = 40, tromso: int = 40) -> None:
    """Oslo has the best results but little room; Bergen next; Tromsø last."""
    for number, score, decided in (
        ("0301", "80", oslo),
        ("4601", "60", bergen),
        ("5501", "40", tromso),
    ):
        make_facts(number, year=YEAR, results_score=score)
        make_request(number, year=YEAR, requested=decided, decided=decided)


def _run(ctx: AccessContext, **kwargs: object) -> MatchRun:
    run = match_run_start(ctx=ctx, year=YEAR, time_limit=10, **kwargs)  # type: ignore[arg-type]
    computed = match_run_compute(run_id=run.pk)
    assert computed is not None
    return computed


@pytest.mark.django_db
def test_capacity_is_the_decision_less_what_the_register_settled_there_this_year(
    world: World,
) -> None:
    _three_municipalities(oslo=10)
    oslo = municipality("0301").pk
    before = municipality_capacity(YEAR)[oslo]["persons"]
    make_household(municipality_number="0301", members=3, settled_on=datetime.date(YEAR, 3, 1))
    make_household(
        municipality_number="0301", members=2, settled_on=datetime.date(YEAR - 1, 12, 31)
    )
    assert municipality_capacity(YEAR)[oslo]["persons"] == before - 3


@pytest.mark.django_db
def test_a_family_tie_allows_only_its_municipality(world: World) -> None:
    _three_municipalities()
    tied = make_waiting_household(year=YEAR, members=2, required="5501")
    free = make_waiting_household(year=YEAR, members=2)
    data = match_input_build(year=YEAR, households=[tied, free])
    numbers = data.problem.municipality_numbers
    tied_pairs = [
        numbers[m]
        for h, m in zip(data.problem.pair_household, data.problem.pair_municipality, strict=True)
        if h == 0
    ]
    free_pairs = {
        numbers[m]
        for h, m in zip(data.problem.pair_household, data.problem.pair_municipality, strict=True)
        if h == 1
    }
    assert tied_pairs == ["5501"]
    assert free_pairs == {"0301", "4601", "5501"}


@pytest.mark.django_db
def test_a_run_fills_the_best_municipality_and_explains_who_was_stopped_by_its_capacity(
    world: World,
) -> None:
    _three_municipalities(oslo=4)
    households = [make_waiting_household(year=YEAR, members=2) for _ in range(3)]
    run = _run(_planner_ctx())
    assert run.status == MatchRunStatus.PROPOSED
    placements = {p.household_id: p for p in run.placements.select_related("municipality")}
    in_oslo = [p for p in placements.values() if p.municipality and p.municipality.number == "0301"]
    assert len(in_oslo) == 2  # 4 places, households of 2
    others = [p for p in placements.values() if p not in in_oslo]
    assert [p.municipality.number for p in others] == ["4601"]  # type: ignore[union-attr]
    stopped = others[0]
    assert stopped.rank == 2 and stopped.allowed == 3
    assert stopped.explanation[0]["municipality"] == "0301"
    assert stopped.explanation[0]["stopped_by"] == ["personer"]
    assert run.placed == 3 and run.persons_placed == 6
    assert run.lp_bound is not None and run.objective is not None
    assert run.lp_bound >= run.objective - 1e-6
    assert {h.pk for h in households} == set(placements)


@pytest.mark.django_db
def test_a_change_to_a_full_municipality_is_refused_with_the_capacity_named(world: World) -> None:
    _three_municipalities(oslo=4)
    for _ in range(3):
        make_waiting_household(year=YEAR, members=2)
    ctx = _planner_ctx()
    run = _run(ctx)
    bergen = run.placements.get(municipality__number="4601")
    with pytest.raises(Exception, match="personer: 0 ledig, husstanden trenger 2"):
        placement_change(
            ctx=ctx,
            placement=bergen,
            municipality=municipality("0301"),
            locked=True,
            version=bergen.version,
        )


@pytest.mark.django_db
def test_a_changed_placement_is_locked_and_kept_when_the_matcher_runs_again(world: World) -> None:
    _three_municipalities(oslo=4)
    for _ in range(3):
        make_waiting_household(year=YEAR, members=2)
    ctx = _planner_ctx()
    first = _run(ctx)
    moved = first.placements.filter(municipality__number="0301").first()
    assert moved is not None
    placement_change(
        ctx=ctx,
        placement=moved,
        municipality=municipality("5501"),
        locked=True,
        version=moved.version,
    )
    moved.refresh_from_db()
    assert moved.locked and moved.changed_by_planner and moved.rank == 3
    second = _run(ctx, previous=first)
    first.refresh_from_db()
    assert first.status == MatchRunStatus.SUPERSEDED
    kept = second.placements.get(household_id=moved.household_id)
    assert kept.municipality.number == "5501" and kept.locked  # type: ignore[union-attr]
    # The place it left in Oslo goes to the household that Bergen had.
    assert second.placements.filter(municipality__number="0301").count() == 2


@pytest.mark.django_db
def test_confirming_registers_each_household_in_its_municipalitys_casework(world: World) -> None:
    _three_municipalities(oslo=4)
    waiting = [make_waiting_household(year=YEAR, members=2) for _ in range(3)]
    ctx = _planner_ctx()
    run = _run(ctx)
    assert match_run_confirm(ctx=ctx, run=run) == 3
    run.refresh_from_db()
    assert run.status == MatchRunStatus.CONFIRMED
    for household in waiting:
        household.refresh_from_db()
        placement = run.placements.get(household=household)
        assert household.status == WaitingStatus.CONFIRMED
        assert household.household is not None
        assert household.household.municipality_id == placement.municipality_id
        assert household.household.members.count() == 2
    registered = Household.objects.get(reference=waiting[0].reference)
    duf = set(registered.members.values_list("duf_number", flat=True))
    assert duf == set(waiting[0].members.values_list("duf_number", flat=True))
    # Oslo's refugee service now sees the households placed in Oslo; the capacity is taken.
    in_oslo = Household.objects.filter(
        reference__in=run.placements.filter(municipality__number="0301").values(
            "household__reference"
        )
    )
    assert in_oslo.count() == 2
    page = client_for(world.owner).get(f"/husstander/{in_oslo[0].pk}/")
    assert page.status_code == 200 and in_oslo[0].reference in page.content.decode()
    assert municipality_capacity(YEAR)[municipality("0301").pk]["persons"] == 0
    with pytest.raises(Exception, match="Bekreftet"):
        match_run_confirm(ctx=ctx, run=run)


@pytest.mark.django_db
def test_confirming_is_all_or_nothing_and_names_the_household_that_failed(world: World) -> None:
    _three_municipalities(oslo=4)
    waiting = [make_waiting_household(year=YEAR, members=2) for _ in range(3)]
    taken = waiting[1].members.first()
    assert taken is not None
    Person.objects.filter(pk=world.person.pk).update(duf_number=taken.duf_number)
    ctx = _planner_ctx()
    run = _run(ctx)
    with pytest.raises(Exception, match=waiting[1].reference):
        match_run_confirm(ctx=ctx, run=run)
    assert not Household.objects.filter(reference__in=[w.reference for w in waiting]).exists()
    assert not WaitingHousehold.objects.filter(status=WaitingStatus.CONFIRMED).exists()


@pytest.mark.django_db
def test_a_household_withdrawn_after_the_run_stops_the_confirm_until_it_is_taken_out(
    world: World,
) -> None:
    _three_municipalities(oslo=4)
    waiting = [make_waiting_household(year=YEAR, members=2) for _ in range(3)]
    ctx = _planner_ctx()
    run = _run(ctx)
    left = waiting[1]
    left.refresh_from_db()
    waiting_household_withdraw(ctx=ctx, household=left, reason="left_country", version=left.version)
    with pytest.raises(Exception) as refused:
        match_run_confirm(ctx=ctx, run=run)
    text = str(refused.value)
    assert "Ingen husstander er overført" in text
    assert f"{left.reference}: trukket" in text and "reist fra norge" in text.lower()
    assert not Household.objects.filter(reference__in=[w.reference for w in waiting]).exists()

    # Taken out of the proposal, the rest is confirmed.
    placement = run.placements.get(household=left)
    placement_change(
        ctx=ctx,
        placement=placement,
        municipality=None,
        locked=False,
        version=placement.version,
        unplace=True,
    )
    run.refresh_from_db()
    assert match_run_confirm(ctx=ctx, run=run) == 2
    assert not Household.objects.filter(reference=left.reference).exists()


@WORKER_DB
def test_the_planner_starts_a_run_that_the_worker_computes(world: World) -> None:
    _three_municipalities()
    for _ in range(4):
        make_waiting_household(year=YEAR, members=3)
    planner = client_for(make_user(username="planner"))
    response = planner.post(f"/bosetting/{YEAR}/utsoking/", {"time_limit": "5"})
    run = MatchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bosetting/utsoking/{run.pk}/"
    assert run.status == MatchRunStatus.QUEUED
    run_worker()
    run.refresh_from_db()
    assert run.status == MatchRunStatus.PROPOSED and run.placed == 4
    page = planner.get(f"/bosetting/utsoking/{run.pk}/").content.decode()
    assert "Avstand til grensen" in page and "Bekreft og overfør til kommunene" in page


@pytest.mark.django_db
def test_a_bad_time_limit_and_a_year_without_decisions_are_refused(world: World) -> None:
    make_waiting_household(year=YEAR)
    planner = client_for(make_user(username="planner"))
    assert planner.post(f"/bosetting/{YEAR}/utsoking/", {"time_limit": "0"}).status_code == 422
    response = planner.post(f"/bosetting/{YEAR}/utsoking/", {"time_limit": "10"})
    assert response.status_code == 422
    assert "Ingen kommuner har vedtatt å bosette i 2026" in response.content.decode()
    assert not MatchRun.objects.exists()


@pytest.mark.django_db
def test_municipal_users_reach_no_run_placement_or_waiting_household(world: World) -> None:
    _three_municipalities()
    household = make_waiting_household(year=YEAR)
    run = _run(_planner_ctx())
    placement = run.placements.get()
    outsider: Client = client_for(world.owner)
    for url in (
        f"/bosetting/{YEAR}/utsoking/",
        f"/bosetting/utsoking/{run.pk}/",
        f"/bosetting/plasseringer/{placement.pk}/",
        f"/bosetting/venter/{household.pk}/",
        f"/api/v1/settlement/match-runs/{run.pk}",
        f"/api/v1/settlement/placements/{placement.pk}",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/bosetting/utsoking/{run.pk}/bekreft/").status_code == 404
    assert not Household.objects.filter(reference=household.reference).exists()


@pytest.mark.django_db
def test_reading_a_placement_is_audit_logged(world: World) -> None:
    _three_municipalities()
    household = make_waiting_household(year=YEAR)
    run = _run(_planner_ctx())
    placement = run.placements.get()
    planner = client_for(make_user(username="planner2"))
    assert planner.get(f"/bosetting/plasseringer/{placement.pk}/").status_code == 200
    event = AuditEvent.objects.filter(username="planner2").latest("at")
    assert household.reference in event.detail and event.allowed


@pytest.mark.django_db
def test_the_api_reads_a_run_and_refuses_a_stale_placement_change(world: World) -> None:
    _three_municipalities(oslo=4)
    for _ in range(3):
        make_waiting_household(year=YEAR, members=2)
    run = _run(_planner_ctx())
    api = client_for(make_user(username="planner3"))
    body = api.get(f"/api/v1/settlement/match-runs/{run.pk}").json()
    assert body["placed"] == 3 and len(body["placements"]) == 3
    stopped = next(p for p in body["placements"] if p["municipality"] == "4601")
    assert stopped["better"][0]["stopped_by"] == ["personer"]
    url = f"/api/v1/settlement/placements/{stopped['id']}"
    ok = api.patch(
        url,
        json.dumps({"locked": True, "version": stopped["version"]}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["locked"] is True
    stale = api.patch(
        url,
        json.dumps({"locked": False, "version": stopped["version"]}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert Placement.objects.get(pk=stopped["id"]).locked is True


@pytest.mark.django_db
def test_a_confirmed_household_is_matched_then_settled_through_the_one_arrival_path(
    world: World,
) -> None:
    """Seed 002 §2.7 and §2.10: kindergarten and housing hear of the household when it is
    matched (utsøkt), before the settlement date; the date the municipality sets then starts
    the other notices and the deadlines."""
    _three_municipalities(oslo=10, bergen=0, tromso=0)
    waiting = make_waiting_household(year=YEAR, members=2, large_dwelling=1)
    WaitingPerson.objects.create(
        household=waiting,
        given_name="Liten",
        family_name="Barn",
        birth_date=datetime.date(2023, 1, 1),
        duf_number=_duf_for_test(),
        relation="child",
    )
    ctx = _planner_ctx()
    run = _run(ctx)
    assert match_run_confirm(ctx=ctx, run=run) == 1
    household = Household.objects.get(reference=waiting.reference)
    assert household.settled_on is None
    matched = {n.service: n for n in Notice.objects.filter(household=household)}
    assert set(matched) == {Service.REFUGEE_SERVICE, Service.KINDERGARTEN, Service.HOUSING}
    assert all(n.occasion == NoticeOccasion.MATCHED for n in matched.values())
    assert [p.given_name for p in matched[Service.KINDERGARTEN].persons.all()] == ["Liten"]
    assert matched[Service.HOUSING].persons.count() == 3
    assert "trenger stor bolig" in matched[Service.HOUSING].body
    assert "bosettingsdato er ikke satt" in matched[Service.HOUSING].subject
    assert not Deadline.objects.filter(person__household=household).exists()

    # The municipality sets the settlement date: the ordinary notices and the deadlines follow.
    owner_ctx = AccessContext(user=world.owner, route="test", method="TEST")
    settled = household_settle(
        ctx=owner_ctx, household=household, settled_on=datetime.date(2026, 11, 2)
    )
    services = {n.service for n in settled}
    assert {Service.NAV, Service.KINDERGARTEN, Service.HEALTH} <= services
    kindergarten = next(n for n in settled if n.service == Service.KINDERGARTEN)
    assert kindergarten.occasion == NoticeOccasion.SETTLED
    assert kindergarten.due_on == datetime.date(2027, 2, 2)
    assert Deadline.objects.filter(person__household=household, kind="kindergarten_place").exists()
    with pytest.raises(Exception, match="allerede registrert"):
        household_settle(ctx=owner_ctx, household=household, settled_on=datetime.date(2026, 11, 2))


def _duf_for_test() -> str:
    first_ten = "2023999001"
    return first_ten + duf_check_digits(first_ten)
