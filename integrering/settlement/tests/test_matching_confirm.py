"""Confirming a proposal in the background: the request checks and queues it, the worker
registers every placed household all or nothing, and the run's page and the API show the
progress and the result (every problem when nothing could be transferred)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from conftest import World, client_for
from integrering.accounts.models import User
from integrering.api import api
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.tests.test_household_import import WORKER_DB, run_worker
from integrering.concurrency import ConflictError
from integrering.people.models import Household, Person
from integrering.settlement.api.matching import MatchRunOut
from integrering.settlement.models import (
    ConfirmState,
    MatchRun,
    MatchRunStatus,
    WaitingHousehold,
    WaitingStatus,
)
from integrering.settlement.services.matching import (
    match_run_confirm_start,
    match_run_start,
    placement_change,
)
from integrering.settlement.services.matching_compute import match_run_compute
from integrering.settlement.services.matching_confirm import match_run_confirm_execute
from integrering.settlement.testing import make_waiting_household, municipality
from integrering.settlement.tests.test_matching_service import YEAR, _three_municipalities
from integrering.testing import make_user, post_confirmed

CONFIRM_PATH = "/api/v1/settlement/match-runs/{match_run_id}/confirm"


def _planner() -> tuple[User, AccessContext]:
    user = make_user(username="planner")
    return user, AccessContext(user=user, route="test")


def _proposal(ctx: AccessContext, households: int = 3) -> tuple[MatchRun, list[WaitingHousehold]]:
    """Three households of two in a proposal: two in Oslo (4 places), one in Bergen."""
    _three_municipalities(oslo=4)
    waiting = [make_waiting_household(year=YEAR, members=2) for _ in range(households)]
    run = match_run_start(ctx=ctx, year=YEAR, time_limit=10)
    computed = match_run_compute(run_id=run.pk)
    assert computed is not None and computed.placed == households
    return computed, waiting


def _url(run: MatchRun) -> str:
    return f"/bosetting/utsoking/{run.pk}/"


@WORKER_DB
def test_confirming_on_the_page_queues_it_and_the_worker_registers_the_households(
    world: World,
) -> None:
    planner, ctx = _planner()
    run, waiting = _proposal(ctx)
    references = [w.reference for w in waiting]
    client = client_for(planner)

    asked = client.post(f"{_url(run)}bekreft/").content.decode()
    assert "3 husstander, 6 personer overføres til 2 kommuner." in asked
    run.refresh_from_db()
    assert run.status == MatchRunStatus.PROPOSED  # asked, nothing queued
    assert not DBTaskResult.objects.filter(task_path__endswith=".match_run_confirm").exists()
    response = post_confirmed(client, f"{_url(run)}bekreft/", follow=True)
    page = response.content.decode()
    assert "Bekreftelsen er startet: 3 husstander kontrolleres og overføres" in page
    assert "Status: Bekreftes" in page and "Bekreftelsen står i kø" in page
    assert 'hx-trigger="every' in page  # the page polls the confirmation
    run.refresh_from_db()
    assert run.status == MatchRunStatus.CONFIRMING and run.confirm_state == ConfirmState.QUEUED
    assert run.confirm_total == 3 and run.confirm_requested_by == planner and run.confirm_task_id
    # The request registered nothing: that is the worker's work.
    assert not Household.objects.filter(reference__in=references).exists()

    run_worker()

    run.refresh_from_db()
    assert run.status == MatchRunStatus.CONFIRMED and run.confirm_state == ConfirmState.DONE
    assert run.confirm_done == 3 and run.confirmed_by == planner and run.confirm_problems == []
    for household in waiting:
        household.refresh_from_db()
        placement = run.placements.get(household=household)
        assert household.status == WaitingStatus.CONFIRMED
        assert household.household is not None
        assert household.household.municipality_id == placement.municipality_id
    # The worker's registrations are audited in the planner's name.
    created = AuditEvent.objects.filter(
        action=AuditAction.CREATE, username="planner", route="task:match-run-confirm"
    )
    assert created.count() == 6
    # The poll reloads the page when the confirmation is done; the page shows the result.
    poll = client.get(_url(run), HTTP_HX_REQUEST="true")
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    page = client.get(_url(run)).content.decode()
    assert "3 husstander er overført til bosettingskommunenes flyktningtjeneste" in page
    assert "Status: Bekreftet" in page and "Bekreft og overfør til kommunene" not in page
    assert 'hx-trigger="every' not in page


@pytest.mark.django_db
def test_a_household_that_cannot_be_registered_leaves_nothing_registered_and_is_listed(
    world: World,
) -> None:
    planner, ctx = _planner()
    run, waiting = _proposal(ctx)
    taken = waiting[1].members.first()
    assert taken is not None
    Person.objects.filter(pk=world.person.pk).update(duf_number=taken.duf_number)
    match_run_confirm_start(ctx=ctx, run=run)

    match_run_confirm_execute(run_id=run.pk)  # the task's body, as the worker runs it

    run.refresh_from_db()
    assert run.status == MatchRunStatus.PROPOSED and run.confirm_state == ConfirmState.FAILED
    assert len(run.confirm_problems) == 1
    assert run.confirm_problems[0].startswith(f"{waiting[1].reference}: ")
    assert "DUF-nummer" in run.confirm_problems[0]
    assert run.confirm_finished_at is not None
    assert not Household.objects.filter(reference__in=[w.reference for w in waiting]).exists()
    assert not WaitingHousehold.objects.filter(status=WaitingStatus.CONFIRMED).exists()
    client = client_for(planner)
    page = client.get(_url(run)).content.decode()
    assert "Ingen husstander er overført: 1 problem" in page
    assert f"<li>{waiting[1].reference}: " in page
    assert "Bekreft og overfør til kommunene" in page  # it can be confirmed again
    api_body = client.get(f"/api/v1/settlement/match-runs/{run.pk}").json()
    assert api_body["confirm"]["state"] == "failed"
    assert api_body["confirm"]["problems"] == run.confirm_problems
    assert api_body["confirm"]["transferred"] == 0

    # Once the register is fixed, the same proposal is confirmed in full.
    Person.objects.filter(pk=world.person.pk).update(duf_number="")
    response = post_confirmed(client, f"{_url(run)}bekreft/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.confirm_state == ConfirmState.QUEUED and run.confirm_problems == []
    match_run_confirm_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == MatchRunStatus.CONFIRMED and run.confirm_done == 3
    assert Household.objects.filter(reference__in=[w.reference for w in waiting]).count() == 3


@pytest.mark.django_db
def test_a_second_confirm_while_the_first_is_queued_is_refused(world: World) -> None:
    planner, ctx = _planner()
    run, _ = _proposal(ctx)
    match_run_confirm_start(ctx=ctx, run=run)
    client = client_for(planner)

    page = client.post(f"{_url(run)}bekreft/", follow=True).content.decode()
    assert "Forslaget bekreftes allerede i bakgrunnen" in page
    api_response = client.post(f"/api/v1/settlement/match-runs/{run.pk}/confirm")
    assert api_response.status_code == 409
    assert "bekreftes allerede" in api_response.content.decode()
    with pytest.raises(ConflictError):
        match_run_confirm_start(ctx=ctx, run=run)
    tasks = DBTaskResult.objects.filter(task_path__endswith=".match_run_confirm")
    assert tasks.count() == 1
    # Nor can the proposal be changed, or the matcher run again for the year, meanwhile.
    placement = run.placements.first()
    assert placement is not None
    with pytest.raises(ConflictError):
        placement_change(ctx=ctx, placement=placement, locked=True, version=1, municipality=None)
    with pytest.raises(ValidationError, match="bekreftes nå"):
        match_run_start(ctx=ctx, year=YEAR, time_limit=10)
    # A task run twice does the work once.
    match_run_confirm_execute(run_id=run.pk)
    assert match_run_confirm_execute(run_id=run.pk) is not None
    run.refresh_from_db()
    assert run.status == MatchRunStatus.CONFIRMED and run.confirm_done == 3


@pytest.mark.django_db
def test_a_run_without_placements_or_not_a_proposal_is_refused_at_once(world: World) -> None:
    planner, ctx = _planner()
    run, waiting = _proposal(ctx, households=1)
    run.placements.update(municipality=None)
    client = client_for(planner)
    page = client.post(f"{_url(run)}bekreft/", follow=True).content.decode()
    assert "Utsøkingen har ingen plasseringer å bekrefte." in page
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRunStatus.SUPERSEDED)
    response = client.post(f"/api/v1/settlement/match-runs/{run.pk}/confirm")
    assert response.status_code == 422 and "Erstattet" in response.content.decode()
    assert not DBTaskResult.objects.filter(task_path__endswith=".match_run_confirm").exists()
    assert MatchRun.objects.get(pk=run.pk).confirm_state == ConfirmState.NONE
    assert WaitingHousehold.objects.get(pk=waiting[0].pk).status == WaitingStatus.WAITING


@pytest.mark.django_db
def test_a_proposal_is_not_confirmed_while_a_newer_run_of_the_year_is_computed(
    world: World,
) -> None:
    """The newer run replaces the proposal when done: confirming it now would leave two
    proposals for the year, or one that places households already confirmed."""
    planner, ctx = _planner()
    run, waiting = _proposal(ctx)
    newer = match_run_start(ctx=ctx, year=YEAR, time_limit=10)  # queued, not computed
    page = client_for(planner).post(f"{_url(run)}bekreft/", follow=True).content.decode()
    assert f"En ny utsøking for {YEAR} beregnes nå" in page
    run.refresh_from_db()
    assert run.status == MatchRunStatus.PROPOSED and run.confirm_state == ConfirmState.NONE
    assert not DBTaskResult.objects.filter(task_path__endswith=".match_run_confirm").exists()

    # Once the newer run is done, its proposal is the one to confirm.
    computed = match_run_compute(run_id=newer.pk)
    assert computed is not None and computed.status == MatchRunStatus.PROPOSED
    assert match_run_confirm_start(ctx=ctx, run=computed).status == MatchRunStatus.CONFIRMING
    assert {w.status for w in WaitingHousehold.objects.filter(pk__in=[w.pk for w in waiting])} == {
        WaitingStatus.WAITING
    }


@pytest.mark.django_db
def test_the_page_shows_the_confirm_progress_while_the_worker_checks_and_registers(
    world: World,
) -> None:
    planner, ctx = _planner()
    run, _ = _proposal(ctx)
    match_run_confirm_start(ctx=ctx, run=run)
    client = client_for(planner)
    # The worker has checked one household of three (what _confirm_check writes).
    MatchRun.objects.filter(pk=run.pk).update(confirm_state=ConfirmState.RUNNING, confirm_done=1)
    poll = client.get(_url(run), HTTP_HX_REQUEST="true")
    fragment = poll.content.decode()
    assert poll.status_code == 200 and fragment.lstrip().startswith("<section")
    assert "Status: Bekreftes" in fragment
    assert "Kontrollerer husstandene: 1 av 3 kontrollert" in fragment
    assert (
        '<label class="ds-label" for="run-progress">Fremdrift for bekreftelsen</label>' in fragment
    )
    assert '<progress id="run-progress" max="3" value="1">' in fragment
    assert 'role="status"' in fragment and 'hx-trigger="every' in fragment
    # All checked: the registration runs, in one transaction.
    MatchRun.objects.filter(pk=run.pk).update(confirm_done=3)
    fragment = client.get(_url(run), HTTP_HX_REQUEST="true").content.decode()
    assert "Alle 3 husstander er kontrollert. Registrerer dem hos kommunene" in fragment
    # The full page keeps the proposal in view, without the buttons that would change it.
    page = client.get(_url(run)).content.decode()
    assert "Plasseringer" in page and "Bekreft og overfør til kommunene" not in page
    assert "Kjør på nytt rundt låste plasseringer" not in page


@pytest.mark.django_db
def test_the_api_answers_202_with_the_run_and_get_shows_the_result(world: World) -> None:
    planner, ctx = _planner()
    run, _ = _proposal(ctx)
    operation = api.get_openapi_schema()["paths"][CONFIRM_PATH]["post"]
    statuses = {str(status) for status in operation["responses"]}
    assert {"202", "404", "409", "422"} <= statuses and "200" not in statuses
    declared = operation["responses"][202]["content"]["application/json"]["schema"]["$ref"]
    assert declared.endswith("/MatchRunOut")
    client = client_for(planner)

    response = client.post(f"/api/v1/settlement/match-runs/{run.pk}/confirm")

    assert response.status_code == 202
    body = MatchRunOut.model_validate(response.json())
    assert body.id == run.pk and body.status == "confirming"
    assert body.confirm.state == "queued" and body.confirm.total == 3
    assert body.confirm.transferred == 0 and body.confirm.requested_at is not None
    match_run_confirm_execute(run_id=run.pk)
    read = client.get(f"/api/v1/settlement/match-runs/{run.pk}").json()
    assert read["status"] == "confirmed"
    assert read["confirm"]["state"] == "done" and read["confirm"]["transferred"] == 3
    assert read["confirm"]["problems"] == [] and read["confirm"]["finished_at"]
    assert Household.objects.filter(municipality=municipality("0301")).count() >= 2
