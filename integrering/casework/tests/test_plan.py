"""The individual plan (seed 002 §2.4): final goal, goals, measures, evaluations, versions, access."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import World, client_for
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.forms import PlanForm
from integrering.casework.models import (
    Deadline,
    IndividualPlan,
    PlanEvaluation,
    PlanVersion,
)
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.casework.services.plan import (
    EvaluationInput,
    MeasureInput,
    PlanInput,
    final_goal_options,
    measure_status,
    plan_create,
    plan_evaluate,
    plan_update,
)
from integrering.people.models import InformationCategory
from integrering.rules.deadlines import add_months
from integrering.rules.parameters import value
from integrering.testing import make_user

TODAY = datetime.date(2025, 3, 10)
STARTS_ON = datetime.date(2025, 1, 6)
NOW = time_machine.travel(datetime.datetime(2025, 3, 10, 12, 0), tick=False)
PARAMETER = "programme/length_by_final_goal"


def goal_keys(on: datetime.date) -> list[str]:
    """The final goals in force on a date, straight from the parameter."""
    return list(value(PARAMETER, on))


def a_final_goal(on: datetime.date = STARTS_ON, which: int = 0) -> str:
    return goal_keys(on)[which]


def _url(name: str, world: World) -> str:
    return reverse(f"casework:{name}", kwargs={"person_id": world.person.pk})


def _ctx(world: World) -> AccessContext:
    return AccessContext(user=world.owner, route="test")


def form_data(
    *,
    goals: list[str],
    measures: list[dict[str, str]],
    final_goal: str | None = None,
    starts_on: str = STARTS_ON.isoformat(),
    text: str = "Fagbrev som helsefagarbeider",
    version: int = 0,
    initial_goals: int = 0,
    initial_measures: int = 0,
) -> dict[str, str]:
    """The POST of the plan form, with its two formsets."""
    data = {
        "starts_on": starts_on,
        "final_goal": final_goal if final_goal is not None else a_final_goal(),
        "final_goal_text": text,
        "version": str(version),
        "goals-TOTAL_FORMS": str(len(goals)),
        "goals-INITIAL_FORMS": str(initial_goals),
        "measures-TOTAL_FORMS": str(len(measures)),
        "measures-INITIAL_FORMS": str(initial_measures),
    }
    for i, goal in enumerate(goals):
        data[f"goals-{i}-text"] = goal
    for i, measure in enumerate(measures):
        for key, item in measure.items():
            data[f"measures-{i}-{key}"] = item
    return data


MEASURE = {
    "description": "Norskopplæring fire dager i uka",
    "goal": "1",
    "service": Service.ADULT_EDUCATION,
    "starts_on": "2025-01-13",
    "ends_on": "2025-12-19",
}


def _plan(world: World, **changes: Any) -> IndividualPlan:
    data: dict[str, Any] = {
        "final_goal": a_final_goal(),
        "final_goal_text": "Fast arbeid i helsesektoren",
        "starts_on": STARTS_ON,
        "goals": ["Norsk på B1-nivå", "Arbeidspraksis i helse"],
        "measures": [
            MeasureInput(
                description="Norskopplæring",
                service=Service.ADULT_EDUCATION,
                starts_on=datetime.date(2025, 1, 13),
                goal=0,
            )
        ],
        **changes,
    }
    return plan_create(ctx=_ctx(world), person=world.person, data=PlanInput(**data))


def _open_evaluation_deadlines(world: World) -> list[Deadline]:
    return list(
        Deadline.objects.filter(person=world.person, kind="plan_evaluation", met_on__isnull=True)
    )


def _nav_client(world: World, *categories: str) -> Client:
    """A NAV caseworker of the owner's municipality, with a consent for ``categories`` if any."""
    if categories:
        consent_give(
            ctx=_ctx(world),
            person=world.person,
            data=ConsentInput(
                services=[Service.NAV],
                categories=list(categories),
                valid_from=datetime.date(2025, 1, 1),
                signed_on=datetime.date(2025, 1, 1),
            ),
        )
    return client_for(make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER]))


# --- Making the plan ------------------------------------------------------------------------


@NOW
def test_creating_a_plan_opens_the_evaluation_deadline_six_months_after_it_starts(
    world: World, owner_client: Client
) -> None:
    response = owner_client.post(
        _url("plan-edit", world),
        form_data(goals=["Norsk på B1-nivå", "Arbeid i helsesektoren", ""], measures=[MEASURE]),
    )

    assert response.status_code == 302
    assert response["Location"] == _url("plan", world)
    plan = IndividualPlan.objects.get(person=world.person)
    assert plan.version == 1
    assert [g.text for g in plan.goals.all()] == ["Norsk på B1-nivå", "Arbeid i helsesektoren"]
    measure = plan.measures.get()
    assert measure.service == Service.ADULT_EDUCATION
    assert measure.goal is not None and measure.goal.text == "Norsk på B1-nivå"
    [deadline] = _open_evaluation_deadlines(world)
    assert deadline.start_on == STARTS_ON
    assert deadline.due_on == datetime.date(2025, 7, 6)
    assert deadline.service == Service.REFUGEE_SERVICE
    assert PlanVersion.objects.filter(plan=plan, version=1).exists()
    assert AuditEvent.objects.filter(
        person_id=world.person.pk, action=AuditAction.CREATE, detail__contains="individuell plan"
    ).exists()

    page = owner_client.get(_url("plan", world)).content.decode()
    assert "Senest 06.07.2025" in page
    assert "Norskopplæring fire dager i uka" in page
    assert "Voksenopplæringen" in page


@NOW
def test_the_plan_page_offers_the_form_to_make_a_plan_when_there_is_none(
    world: World, owner_client: Client
) -> None:
    response = owner_client.get(_url("plan", world))

    assert response.status_code == 200
    page = response.content.decode()
    assert "har ingen individuell plan ennå" in page
    assert f'action="{_url("plan-edit", world)}"' in page
    assert 'name="measures-0-service"' in page


@NOW
def test_a_measure_that_ends_before_it_starts_is_refused_next_to_the_field(
    world: World, owner_client: Client
) -> None:
    bad = {**MEASURE, "starts_on": "2025-03-01", "ends_on": "2025-02-01"}
    response = owner_client.post(
        _url("plan-edit", world), form_data(goals=["Norsk på B1-nivå"], measures=[MEASURE, bad])
    )

    assert response.status_code == 422
    page = response.content.decode()
    error_at = page.index('id="id_measures-1-ends_on_error"')
    assert "Sluttdatoen er før startdatoen (01.03.2025)" in page[error_at : error_at + 300]
    assert re.search(
        r'id="id_measures-1-ends_on"|aria-describedby="[^"]*id_measures-1-ends_on_error', page
    )
    field = re.search(r'<input[^>]*name="measures-1-ends_on"[^>]*>', page)
    assert field is not None and "id_measures-1-ends_on_error" in field.group(0)
    assert 'id="id_measures-0-ends_on_error"' not in page
    assert not IndividualPlan.objects.filter(person=world.person).exists()
    assert not _open_evaluation_deadlines(world)


@NOW
def test_a_measure_needs_a_description_a_start_and_a_responsible_service(
    world: World, owner_client: Client
) -> None:
    response = owner_client.post(
        _url("plan-edit", world),
        form_data(goals=["Norsk"], measures=[{"ends_on": "2025-06-01"}]),
    )

    assert response.status_code == 422
    page = response.content.decode()
    for field, message in [
        ("description", "Beskriv tiltaket."),
        ("service", "Velg hvilken tjeneste som er ansvarlig for tiltaket."),
        ("starts_on", "Oppgi når tiltaket starter."),
    ]:
        error_at = page.index(f'id="id_measures-0-{field}_error"')
        assert message in page[error_at : error_at + 200]


def test_the_service_of_a_measure_must_be_one_of_the_services(world: World) -> None:
    measure = MeasureInput(
        description="Språkpraksis", service="bakery", starts_on=datetime.date(2025, 2, 1)
    )

    with pytest.raises(ValidationError) as refused:
        _plan(world, measures=[measure])

    assert refused.value.message_dict == {
        "measures-0-service": ["Ukjent tjeneste. Velg en tjeneste i listen."]
    }


def test_a_measure_pointing_at_a_blank_goal_is_refused(world: World, owner_client: Client) -> None:
    response = owner_client.post(
        _url("plan-edit", world),
        form_data(goals=["Norsk", ""], measures=[{**MEASURE, "goal": "2"}]),
    )

    assert response.status_code == 422
    page = response.content.decode()
    error_at = page.index('id="id_measures-0-goal_error"')
    assert "Delmålet finnes ikke i planen" in page[error_at : error_at + 200]


# --- Final goals come from the parameter ----------------------------------------------------


@NOW
def test_the_final_goal_choices_come_from_the_parameter_in_force_when_the_plan_starts() -> None:
    for starts_on in (datetime.date(2020, 12, 31), datetime.date(2021, 1, 1), STARTS_ON):
        form = PlanForm({"starts_on": starts_on.isoformat()})
        choices = dict(form.fields["final_goal"].widget.choices)
        rules = value(PARAMETER, starts_on)
        assert list(choices) == list(rules)
        for key, rule in rules.items():
            assert f"{rule['max_months']} måneder" in choices[key]
            assert f"forlengelse inntil {rule['extension_max_months']} måneder" in choices[key]
    assert goal_keys(datetime.date(2020, 12, 31)) != goal_keys(datetime.date(2021, 1, 1))


@NOW
def test_the_plan_form_shows_the_parameters_description(world: World, owner_client: Client) -> None:
    page = owner_client.get(_url("plan-edit", world)).content.decode()

    assert "Varighet av introduksjonsprogrammet etter sluttmål" in page
    for option in final_goal_options(TODAY):
        assert f'value="{option.key}"' in page
        assert option.label in page


@NOW
def test_a_final_goal_not_in_force_when_the_plan_starts_is_refused(world: World) -> None:
    before_2021 = a_final_goal(datetime.date(2020, 12, 31))
    assert before_2021 not in goal_keys(STARTS_ON)

    with pytest.raises(ValidationError) as refused:
        _plan(world, final_goal=before_2021)

    assert "final_goal" in refused.value.message_dict
    assert not IndividualPlan.objects.exists()


# --- Evaluations ----------------------------------------------------------------------------


@NOW
def test_an_evaluation_meets_the_deadline_and_opens_the_next_from_its_date(
    world: World, owner_client: Client
) -> None:
    _plan(world)
    [first] = _open_evaluation_deadlines(world)

    response = owner_client.post(
        _url("plan-evaluate", world),
        {
            "evaluated_on": "2025-03-03",
            "summary": "Går bra med norsken.",
            "interpreter_used": "yes",
        },
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.met_on == datetime.date(2025, 3, 3)
    assert first.met_by == world.owner
    [following] = _open_evaluation_deadlines(world)
    assert following.start_on == datetime.date(2025, 3, 3)
    assert following.due_on == add_months(datetime.date(2025, 3, 3), 6)
    evaluation = PlanEvaluation.objects.get()
    assert evaluation.interpreter_used is True
    assert evaluation.created_by == world.owner
    page = owner_client.get(_url("plan", world)).content.decode()
    assert "Senest 03.09.2025" in page
    assert "Går bra med norsken." in page


@NOW
def test_an_evaluation_in_the_future_is_refused(world: World, owner_client: Client) -> None:
    _plan(world)

    response = owner_client.post(
        _url("plan-evaluate", world),
        {"evaluated_on": "2025-03-11", "summary": "Planlagt.", "interpreter_used": "no"},
    )

    assert response.status_code == 422
    page = response.content.decode()
    error_at = page.index('id="id_evaluated_on_error"')
    assert "Evalueringen kan ikke være fram i tid." in page[error_at : error_at + 200]
    assert "Planlagt." in page  # the input is kept
    assert not PlanEvaluation.objects.exists()
    assert len(_open_evaluation_deadlines(world)) == 1


@NOW
def test_an_evaluation_needs_a_summary_an_interpreter_answer_and_a_date_within_the_plan(
    world: World,
) -> None:
    plan = _plan(world)

    with pytest.raises(ValidationError) as refused:
        plan_evaluate(
            ctx=_ctx(world),
            plan=plan,
            data=EvaluationInput(
                evaluated_on=datetime.date(2025, 1, 5), summary="  ", interpreter_used=None
            ),
        )

    assert set(refused.value.message_dict) == {"evaluated_on", "summary", "interpreter_used"}
    assert (
        "før planen begynte å gjelde (06.01.2025)" in refused.value.message_dict["evaluated_on"][0]
    )


@NOW
def test_an_evaluation_older_than_the_last_one_leaves_the_open_deadline_alone(
    world: World,
) -> None:
    plan = _plan(world)
    for day in (datetime.date(2025, 3, 1), datetime.date(2025, 2, 1)):
        plan_evaluate(
            ctx=_ctx(world),
            plan=plan,
            data=EvaluationInput(evaluated_on=day, summary="Vurdert.", interpreter_used=False),
        )

    [open_one] = _open_evaluation_deadlines(world)
    assert open_one.start_on == datetime.date(2025, 3, 1)
    assert open_one.due_on == datetime.date(2025, 9, 1)
    assert plan.evaluations.count() == 2


def test_a_measure_shows_planned_ongoing_ended_or_done_from_its_dates_and_status() -> None:
    def status(starts: str, ends: str | None, done: bool = False) -> str:
        return measure_status(
            starts_on=datetime.date.fromisoformat(starts),
            ends_on=datetime.date.fromisoformat(ends) if ends else None,
            done=done,
            today=TODAY,
        )

    assert status("2025-03-11", "2025-06-30") == "Planlagt"
    assert status("2025-03-10", "2025-06-30") == "Pågår"
    assert status("2025-01-13", None) == "Pågår"
    assert status("2025-01-13", "2025-03-10") == "Pågår"
    assert status("2025-01-13", "2025-03-09") == "Avsluttet"
    assert status("2025-03-11", None, done=True) == "Gjennomført"


def test_the_plan_page_and_its_versions_show_a_measure_not_yet_started_as_planned(
    world: World, owner_client: Client
) -> None:
    with NOW:
        _plan(
            world,
            measures=[
                MeasureInput(
                    description="Arbeidspraksis på sykehjem",
                    service=Service.ADULT_EDUCATION,
                    starts_on=datetime.date(2025, 4, 1),
                    ends_on=datetime.date(2025, 9, 30),
                    goal=1,
                )
            ],
        )
        page = owner_client.get(_url("plan", world)).content.decode()
        versions = owner_client.get(_url("plan-versions", world)).content.decode()

    row = page[page.index("Arbeidspraksis på sykehjem") :].split("</tr>")[0]
    assert "Planlagt" in row
    assert "Pågår" not in row
    version_row = versions[versions.index("Arbeidspraksis på sykehjem") :].split("</tr>")[0]
    assert "Planlagt" in version_row

    with time_machine.travel(datetime.datetime(2025, 5, 5, 12, 0), tick=False):
        page = owner_client.get(_url("plan", world)).content.decode()
    assert "Pågår" in page[page.index("Arbeidspraksis på sykehjem") :].split("</tr>")[0]


def test_an_overdue_evaluation_is_marked_on_the_plan_page(
    world: World, owner_client: Client
) -> None:
    with NOW:
        _plan(world)

    with time_machine.travel(datetime.datetime(2025, 7, 7, 12, 0), tick=False):
        page = owner_client.get(_url("plan", world)).content.decode()

    assert "Evalueringen er forfalt" in page
    assert 'class="overdue"' in page
    assert "06.07.2025" in page


@NOW
def test_moving_the_start_of_an_unevaluated_plan_moves_its_evaluation_deadline(
    world: World,
) -> None:
    plan = _plan(world)

    plan_update(
        ctx=_ctx(world),
        plan=plan,
        data=PlanInput(
            final_goal=plan.final_goal, starts_on=datetime.date(2025, 2, 3), goals=["Norsk"]
        ),
        version=1,
    )

    [deadline] = _open_evaluation_deadlines(world)
    assert (deadline.start_on, deadline.due_on) == (
        datetime.date(2025, 2, 3),
        datetime.date(2025, 8, 3),
    )


@NOW
def test_an_evaluated_plan_cannot_start_after_its_first_evaluation(world: World) -> None:
    plan = _plan(world)
    plan_evaluate(
        ctx=_ctx(world),
        plan=plan,
        data=EvaluationInput(
            evaluated_on=datetime.date(2025, 2, 1), summary="Vurdert.", interpreter_used=False
        ),
    )

    with pytest.raises(ValidationError) as refused:
        plan_update(
            ctx=_ctx(world),
            plan=plan,
            data=PlanInput(final_goal=plan.final_goal, starts_on=datetime.date(2025, 3, 1)),
            version=1,
        )

    assert "starts_on" in refused.value.message_dict


# --- Versions and conflicts -----------------------------------------------------------------


@NOW
def test_every_save_keeps_a_version_that_stays_readable(world: World, owner_client: Client) -> None:
    _plan(world, goals=["Norsk på A2-nivå"])
    response = owner_client.post(
        _url("plan-edit", world),
        form_data(
            goals=["Norsk på B1-nivå", "Førerkort"],
            measures=[{**MEASURE, "service": Service.NAV, "goal": "2"}],
            final_goal=a_final_goal(which=1),
            version=1,
            initial_goals=1,
            initial_measures=1,
        ),
    )

    assert response.status_code == 302
    plan = IndividualPlan.objects.get()
    assert plan.version == 2
    assert [v.version for v in plan.versions.all()] == [2, 1]
    assert plan.versions.get(version=1).snapshot["goals"] == ["Norsk på A2-nivå"]
    assert plan.versions.get(version=2).snapshot["measures"][0]["goal"] == 2

    page = owner_client.get(_url("plan-versions", world)).content.decode()
    assert "Versjon 2" in page and "Versjon 1" in page
    assert "Norsk på A2-nivå" in page  # the old version's goal is still there to read
    assert "Førerkort" in page
    assert "NAV" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, detail="individuell plan endret (versjon 2)"
    ).exists()


@NOW
def test_a_save_from_an_old_version_is_a_conflict_and_the_first_save_is_kept(
    world: World, owner_client: Client
) -> None:
    _plan(world)
    colleague = client_for(world.colleague)
    first = form_data(goals=["Kollegaens delmål"], measures=[MEASURE], version=1, initial_goals=2)
    second = form_data(goals=["Mitt delmål"], measures=[MEASURE], version=1, initial_goals=2)

    assert colleague.post(_url("plan-edit", world), first).status_code == 302
    response = owner_client.post(_url("plan-edit", world), second)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Noen andre har lagret endringer i den individuelle planen" in page
    assert 'value="Mitt delmål"' in page  # the user's own input is still in the form
    plan = IndividualPlan.objects.get()
    assert plan.version == 2
    assert [g.text for g in plan.goals.all()] == ["Kollegaens delmål"]


@NOW
def test_a_second_plan_for_the_same_person_is_a_conflict(
    world: World, owner_client: Client
) -> None:
    _plan(world)

    response = owner_client.post(
        _url("plan-edit", world), form_data(goals=["Et annet delmål"], measures=[], version=0)
    )

    assert response.status_code == 409
    assert IndividualPlan.objects.count() == 1
    assert IndividualPlan.objects.get().goals.first().text == "Norsk på B1-nivå"  # type: ignore[union-attr]


# --- Access ---------------------------------------------------------------------------------


@NOW
def test_a_nav_user_with_plan_consent_reads_the_plan_but_cannot_change_it(world: World) -> None:
    _plan(world)
    nav = _nav_client(world, InformationCategory.PERSONAL, InformationCategory.PLAN)

    page = nav.get(_url("plan", world))
    assert page.status_code == 200
    assert "Norsk på B1-nivå" in page.content.decode()
    assert _url("plan-edit", world) not in page.content.decode()
    assert 'name="summary"' not in page.content.decode()
    assert nav.get(_url("plan-versions", world)).status_code == 200
    assert nav.get(_url("plan-edit", world)).status_code == 403
    assert nav.post(_url("plan-edit", world), form_data(goals=[], measures=[])).status_code == 403
    evaluation = {"evaluated_on": "2025-03-01", "summary": "x", "interpreter_used": "no"}
    assert nav.post(_url("plan-evaluate", world), evaluation).status_code == 403
    api = f"/api/v1/persons/{world.person.pk}/plan"
    assert nav.get(api).status_code == 200
    assert (
        nav.post(f"{api}/evaluations", evaluation, content_type="application/json").status_code
        == 403
    )
    assert not PlanEvaluation.objects.exists()


@NOW
def test_a_nav_user_without_plan_consent_gets_403_with_whom_to_contact(world: World) -> None:
    _plan(world)
    nav = _nav_client(world, InformationCategory.PERSONAL)

    for url in (_url("plan", world), _url("plan-versions", world)):
        assert nav.get(url).status_code == 403
    api = nav.get(f"/api/v1/persons/{world.person.pk}/plan")
    assert api.status_code == 403
    assert "individuell plan" in api.json()["detail"]
    assert "Kontakt Flyktningtjenesten i Oslo" in api.json()["detail"]


@NOW
def test_an_outsider_gets_404_on_every_plan_page_and_endpoint(
    world: World, outsider_client: Client
) -> None:
    _plan(world)
    for name in ("plan", "plan-edit", "plan-evaluate", "plan-versions"):
        assert outsider_client.get(_url(name, world)).status_code in {404}, name
        assert outsider_client.post(_url(name, world), {}).status_code == 404, name
    api = f"/api/v1/persons/{world.person.pk}/plan"
    assert outsider_client.get(api).status_code == 404
    body = json.dumps({"evaluated_on": "2025-03-01", "summary": "x", "interpreter_used": False})
    assert (
        outsider_client.post(
            f"{api}/evaluations", body, content_type="application/json"
        ).status_code
        == 404
    )
    assert outsider_client.post(f"{api}/evaluations").status_code == 404  # even with no body
    assert not PlanEvaluation.objects.exists()


# --- API ------------------------------------------------------------------------------------


@NOW
def test_the_api_gives_the_plan_with_its_next_evaluation(
    world: World, owner_client: Client
) -> None:
    _plan(world)

    body = owner_client.get(f"/api/v1/persons/{world.person.pk}/plan").json()

    assert body["person"] == world.person.pk
    assert body["final_goal"] == a_final_goal()
    assert body["starts_on"] == "2025-01-06"
    assert body["version"] == 1
    assert [g["text"] for g in body["goals"]] == ["Norsk på B1-nivå", "Arbeidspraksis i helse"]
    assert body["measures"] == [
        {
            "description": "Norskopplæring",
            "service": "adult_education",
            "starts_on": "2025-01-13",
            "ends_on": None,
            "done": False,
            "goal": 1,
        }
    ]
    assert body["evaluations"] == []
    assert body["next_evaluation_due"] == "2025-07-06"


@NOW
def test_the_api_says_plainly_when_there_is_no_plan(world: World, owner_client: Client) -> None:
    body = owner_client.get(f"/api/v1/persons/{world.person.pk}/plan").json()

    assert body["final_goal"] is None
    assert body["goals"] == [] and body["next_evaluation_due"] is None


@NOW
def test_the_api_records_an_evaluation_and_moves_the_deadline(
    world: World, owner_client: Client
) -> None:
    _plan(world)
    url = f"/api/v1/persons/{world.person.pk}/plan/evaluations"

    response = owner_client.post(
        url,
        {"evaluated_on": "2025-03-05", "summary": "Fulgt opp med NAV.", "interpreter_used": True},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json() == {
        "evaluated_on": "2025-03-05",
        "summary": "Fulgt opp med NAV.",
        "interpreter_used": True,
    }
    plan = owner_client.get(f"/api/v1/persons/{world.person.pk}/plan").json()
    assert plan["next_evaluation_due"] == "2025-09-05"
    assert len(plan["evaluations"]) == 1


@NOW
@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"evaluated_on": "2025-04-01", "summary": "x", "interpreter_used": False}, "fram i tid"),
        ({"evaluated_on": "2025-03-01", "summary": "", "interpreter_used": False}, "Skriv"),
        ({"evaluated_on": "i går", "summary": "x", "interpreter_used": False}, "evaluated_on"),
        ({"summary": "x"}, "evaluated_on"),
    ],
)
def test_the_api_refuses_a_bad_evaluation_with_422(
    world: World, owner_client: Client, body: dict[str, Any], says: str
) -> None:
    _plan(world)

    response = owner_client.post(
        f"/api/v1/persons/{world.person.pk}/plan/evaluations",
        body,
        content_type="application/json",
    )

    assert response.status_code == 422
    assert says in response.json()["detail"]
    assert not PlanEvaluation.objects.exists()


@NOW
def test_the_api_refuses_an_evaluation_without_a_plan(world: World, owner_client: Client) -> None:
    response = owner_client.post(
        f"/api/v1/persons/{world.person.pk}/plan/evaluations",
        {"evaluated_on": "2025-03-01", "summary": "x", "interpreter_used": False},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "ingen individuell plan" in response.json()["detail"]
