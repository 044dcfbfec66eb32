"""Team meetings after the first one (issue 22 item 4): participants per service, the
interpreter booked per meeting (seed 002 §2.12), the ban on children as interpreters
(forvaltningsloven § 11 e, now tolkeloven § 4), the minutes; service, pages and API."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import World, client_for
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import Deadline, InterpreterMode, Meeting, MeetingKind
from integrering.casework.services.arrival import household_receive
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.casework.services.interpreters import qualification_choices
from integrering.casework.services.meetings import (
    MeetingHoldInput,
    MeetingInput,
    Participant,
    meeting_hold,
    meeting_schedule,
    meeting_update,
)
from integrering.concurrency import ConflictError
from integrering.people.models import Household, InformationCategory, Relation
from integrering.people.services import PersonInput
from integrering.testing import make_user, municipality

D = datetime.date
SETTLED = D(2025, 3, 10)  # the first team meeting is set up for 07.04.2025
FIRST_MEETING = D(2025, 4, 7)
NOW = time_machine.travel(datetime.datetime(2025, 5, 2, 12, 0), tick=False)


def _family() -> Household:
    """A settled family: two adults, a girl of 16 recorded as «other», a child, and a grown son
    still recorded as a child of the household."""
    return household_receive(
        ctx=AccessContext.command("test"),
        municipality=municipality("0301"),
        reference="H-MOTE-1",
        members=[
            PersonInput(
                "Amal",
                "Haddad",
                D(1990, 4, 1),
                relation=Relation.MAIN,
                interpreter_needed=True,
                interpreter_language="arabisk",
            ),
            PersonInput("Omar", "Haddad", D(1988, 2, 2), relation=Relation.SPOUSE),
            PersonInput("Sara", "Haddad", D(2008, 9, 1), relation=Relation.OTHER),
            PersonInput("Lina", "Haddad", D(2018, 6, 6), relation=Relation.CHILD),
            PersonInput("Yusuf", "Haddad", D(2000, 1, 1), relation=Relation.CHILD),
        ],
        settled_on=SETTLED,
    )


def _member(household: Household, given: str) -> int:
    return household.members.get(given_name=given).pk


def _ctx(world: World) -> AccessContext:
    return AccessContext(user=world.owner, route="test")


def _input(household: Household, **changes: Any) -> MeetingInput:
    if "persons" not in changes:
        changes["persons"] = (_member(household, "Amal"), _member(household, "Omar"))
    data: dict[str, Any] = {
        "scheduled_on": D(2025, 6, 2),
        "services": (Service.REFUGEE_SERVICE, Service.NAV, Service.ADULT_EDUCATION),
        "participants": (
            Participant(Service.NAV, "Nina Navesen"),
            Participant(Service.ADULT_EDUCATION, "Vilde Voksen"),
        ),
        "interpreter_needed": True,
        "interpreter_language": "arabisk",
        "interpreter_mode": InterpreterMode.SCREEN,
        "interpreter_qualification": "A",
        "interpreter_booked": True,
        "interpreter_name": "Hanne Tolk",
        "interpreter_company": "Tolketjenesten AS",
        **changes,
    }
    return MeetingInput(**data)


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def _scheduled(world: World, household: Household, **changes: Any) -> Meeting:
    return meeting_schedule(ctx=_ctx(world), household=household, data=_input(household, **changes))


# --- The service ----------------------------------------------------------------------------


@NOW
@pytest.mark.django_db
def test_a_further_team_meeting_is_scheduled_with_services_names_and_a_booked_interpreter(
    world: World,
) -> None:
    household = _family()
    meeting = _scheduled(world, household)
    assert meeting.kind == MeetingKind.TEAM
    assert meeting.scheduled_on == D(2025, 6, 2) and meeting.held_on is None
    assert {p.given_name for p in meeting.persons.all()} == {"Amal", "Omar"}
    assert meeting.services == [Service.REFUGEE_SERVICE, Service.NAV, Service.ADULT_EDUCATION]
    assert meeting.participants == [
        {"service": "nav", "name": "Nina Navesen"},
        {"service": "adult_education", "name": "Vilde Voksen"},
    ]
    assert (meeting.interpreter_language, meeting.interpreter_mode) == ("arabisk", "screen")
    assert meeting.interpreter_qualification == "A" and meeting.interpreter_booked
    assert (meeting.interpreter_name, meeting.interpreter_company) == (
        "Hanne Tolk",
        "Tolketjenesten AS",
    )
    assert meeting.version == 1 and meeting.created_by == world.owner
    audited = AuditEvent.objects.filter(action=AuditAction.CREATE, detail__startswith="møte ")
    assert set(audited.values_list("person_id", flat=True)) == {
        _member(household, "Amal"),
        _member(household, "Omar"),
    }


@NOW
@pytest.mark.django_db
def test_a_team_meeting_cannot_be_scheduled_before_the_first_one(world: World) -> None:
    household = _family()
    with pytest.raises(ValidationError) as exc:
        _scheduled(world, household, scheduled_on=D(2025, 4, 1))
    assert _errors(exc)["scheduled_on"] == [
        "Et nytt møte i tverrfaglig team kan ikke være før det første møtet (07.04.2025)."
    ]
    assert not Meeting.objects.filter(household=household, kind=MeetingKind.TEAM).exists()


@NOW
@pytest.mark.django_db
def test_a_household_without_its_first_team_meeting_cannot_schedule_another(
    world: World,
) -> None:
    with pytest.raises(ValidationError) as exc:
        meeting_schedule(
            ctx=_ctx(world),
            household=world.household,
            data=_input(world.household, persons=(world.person.pk,), interpreter_name=""),
        )
    assert "har ikke første møte i tverrfaglig team" in _errors(exc)["__all__"][0]


@NOW
@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["Lina Haddad", "  sara   HADDAD ", "Yusuf Haddad"],
    ids=["a child", "under 18 by age, any case and spacing", "recorded as a child"],
)
def test_a_child_of_the_household_is_never_recorded_as_interpreter(world: World, name: str) -> None:
    household = _family()
    with pytest.raises(ValidationError) as exc:
        _scheduled(world, household, interpreter_name=name)
    (message,) = _errors(exc)["interpreter_name"]
    assert "er et barn i husstanden og kan ikke være tolk" in message
    assert "tolkeloven § 4 (tidligere forvaltningsloven § 11 e)" in message


@time_machine.travel(datetime.datetime(2021, 11, 1, 12, 0), tick=False)
@pytest.mark.django_db
def test_before_2022_the_ban_is_cited_from_forvaltningsloven_11e(world: World) -> None:
    household = household_receive(
        ctx=AccessContext.command("test"),
        municipality=municipality("0301"),
        reference="H-MOTE-2021",
        members=[
            PersonInput("Amal", "Haddad", D(1990, 4, 1)),
            PersonInput("Lina", "Haddad", D(2012, 6, 6), relation=Relation.CHILD),
        ],
        settled_on=D(2021, 6, 1),
    )
    with pytest.raises(ValidationError) as exc:
        meeting_schedule(
            ctx=_ctx(world),
            household=household,
            data=_input(
                household,
                scheduled_on=D(2021, 11, 15),
                persons=(_member(household, "Amal"),),
                interpreter_qualification="3",  # the register's categories 1-5 until 12.2020
                interpreter_name="Lina Haddad",
            ),
        )
    errors = _errors(exc)
    assert errors["interpreter_name"][0].endswith(
        "(forbudet mot å bruke barn som tolk, forvaltningsloven § 11 e). "
        "Bestill en kvalifisert tolk."
    )
    assert errors["interpreter_qualification"][0].startswith(
        "Kategorien finnes ikke i Nasjonalt tolkeregister på 15.11.2021. Velg en av A, B, C, D, E"
    )


@NOW
@pytest.mark.django_db
def test_an_adult_of_the_household_is_not_the_interpreter_either(world: World) -> None:
    household = _family()
    with pytest.raises(ValidationError) as exc:
        _scheduled(world, household, interpreter_name="Omar Haddad")
    assert _errors(exc)["interpreter_name"] == [
        "Omar Haddad er med i husstanden og kan ikke være tolk: familie og andre som følger "
        "med, skal ikke tolke i møter med kommunen. Bestill en kvalifisert tolk."
    ]


def test_the_register_categories_change_from_numbers_to_letters_in_december_2020() -> None:
    assert [key for key, _ in qualification_choices(D(2020, 11, 30))] == ["1", "2", "3", "4", "5"]
    assert [key for key, _ in qualification_choices(D(2020, 12, 1))] == ["A", "B", "C", "D", "E"]
    assert qualification_choices(D(2006, 1, 1)) == []


@NOW
@pytest.mark.django_db
def test_a_booked_interpreter_needs_a_language_and_a_mode(world: World) -> None:
    household = _family()
    with pytest.raises(ValidationError) as exc:
        _scheduled(world, household, interpreter_language=" ", interpreter_mode="")
    errors = _errors(exc)
    assert errors["interpreter_language"] == ["Oppgi tolkespråket."]
    assert errors["interpreter_mode"] == [
        "Velg om tolken møter fram, tolker på telefon eller tolker på skjerm."
    ]


@NOW
@pytest.mark.django_db
def test_a_named_participant_comes_from_a_service_that_takes_part(world: World) -> None:
    household = _family()
    with pytest.raises(ValidationError) as exc:
        _scheduled(
            world,
            household,
            services=(Service.REFUGEE_SERVICE,),
            participants=(Participant(Service.HEALTH, "Helga Helse"),),
        )
    assert _errors(exc)["participants_health"] == [
        "Kryss av for Helsetjenesten blant tjenestene som deltar, eller fjern navnet."
    ]


@NOW
@pytest.mark.django_db
def test_the_meeting_is_with_persons_of_the_household(world: World) -> None:
    household = _family()
    with pytest.raises(ValidationError) as exc:
        _scheduled(world, household, persons=(world.person.pk,))
    assert _errors(exc)["persons"] == ["Velg deltakere fra husstanden."]
    with pytest.raises(ValidationError) as exc:
        _scheduled(world, household, persons=(), services=())
    errors = _errors(exc)
    assert errors["persons"] == ["Velg hvem i husstanden møtet er med."]
    assert errors["services"] == ["Velg minst én tjeneste som deltar i møtet i tverrfaglig team."]


@NOW
@pytest.mark.django_db
def test_holding_a_meeting_records_the_day_the_interpreter_and_the_minutes(world: World) -> None:
    household = _family()
    meeting = _scheduled(world, household, scheduled_on=D(2025, 4, 28))
    hold = MeetingHoldInput(
        held_on=D(2025, 4, 28),
        interpreter_used=True,
        notes="  ",
        interpreter_name="Lina Haddad",
    )
    with pytest.raises(ValidationError) as exc:
        meeting_hold(ctx=_ctx(world), meeting=meeting, data=hold, version=1)
    errors = _errors(exc)
    assert errors["notes"] == ["Skriv referat fra møtet."]
    assert "kan ikke være tolk" in errors["interpreter_name"][0]
    held = meeting_hold(
        ctx=_ctx(world),
        meeting=meeting,
        data=MeetingHoldInput(
            held_on=D(2025, 4, 28),
            interpreter_used=True,
            notes="NAV følger opp arbeidspraksis. Ny samtale i juni.",
            interpreter_name="Karim Tolk",
        ),
        version=1,
    )
    assert held.held_on == D(2025, 4, 28) and held.interpreter_used is True
    assert held.notes == "NAV følger opp arbeidspraksis. Ny samtale i juni."
    assert held.interpreter_name == "Karim Tolk" and held.interpreter_company == "Tolketjenesten AS"
    assert held.version == 2 and held.updated_by == world.owner
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.UPDATE, detail__contains="holdt 28.04.2025"
        ).count()
        == 2
    )


@NOW
@pytest.mark.django_db
def test_holding_the_first_team_meeting_meets_its_deadline(world: World) -> None:
    household = _family()
    first = Meeting.objects.get(household=household, kind=MeetingKind.TEAM_FIRST)
    meeting_hold(
        ctx=_ctx(world),
        meeting=first,
        data=MeetingHoldInput(held_on=FIRST_MEETING, interpreter_used=False, notes="Første møte."),
        version=first.version,
    )
    met = Deadline.objects.filter(person__household=household, kind="team_first_meeting")
    assert {d.met_on for d in met} == {FIRST_MEETING}


@NOW
@pytest.mark.django_db
def test_a_meeting_saved_by_someone_else_meanwhile_is_not_overwritten(world: World) -> None:
    household = _family()
    meeting = _scheduled(world, household)
    meeting_update(
        ctx=_ctx(world),
        meeting=meeting,
        data=_input(household, scheduled_on=D(2025, 6, 3)),
        version=1,
    )
    with pytest.raises(ConflictError):
        meeting_update(
            ctx=_ctx(world),
            meeting=meeting,
            data=_input(household, scheduled_on=D(2025, 6, 4)),
            version=1,
        )
    meeting.refresh_from_db()
    assert meeting.scheduled_on == D(2025, 6, 3) and meeting.version == 2


# --- The pages ------------------------------------------------------------------------------


def _schedule_form(household: Household, **changes: str | list[str]) -> dict[str, Any]:
    return {
        "scheduled_on": "2025-06-02",
        "persons": [str(_member(household, "Amal")), str(_member(household, "Omar"))],
        "services": ["refugee_service", "nav"],
        "participants_nav": "Nina Navesen, Per Persen",
        "interpreter_needed": "on",
        "interpreter_language": "arabisk",
        "interpreter_mode": "phone",
        "interpreter_qualification": "B",
        "interpreter_booked": "on",
        "interpreter_name": "Hanne Tolk",
        "interpreter_company": "",
        **changes,
    }


@NOW
@pytest.mark.django_db
def test_the_schedule_page_plans_a_team_meeting_and_the_household_page_lists_it(
    world: World,
) -> None:
    household = _family()
    client = client_for(world.owner)
    url = f"/husstander/{household.pk}/moter/ny/"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Nytt møte i tverrfaglig team" in body
    assert "er planlagt 07.04.2025" in body
    assert "Kategori A: statsautorisasjon og bachelorgrad i tolking" in body
    # The first meeting's persons (the adults) and services come ticked, the interpreter need
    # from the persons.
    assert sorted(page.context["form"].initial["persons"]) == sorted(
        str(_member(household, name)) for name in ("Amal", "Omar", "Yusuf")
    )
    assert page.context["form"].initial["interpreter_language"] == "arabisk"

    refused = client.post(url, _schedule_form(household, interpreter_name="Lina Haddad"))
    assert refused.status_code == 422
    assert "er et barn i husstanden og kan ikke være tolk" in refused.content.decode()
    assert 'id="id_interpreter_name_error"' in refused.content.decode()

    response = client.post(url, _schedule_form(household))
    assert response.status_code == 302
    meeting = Meeting.objects.get(household=household, kind=MeetingKind.TEAM)
    assert meeting.participants == [
        {"service": "nav", "name": "Nina Navesen"},
        {"service": "nav", "name": "Per Persen"},
    ]
    assert meeting.interpreter_mode == "phone" and meeting.interpreter_qualification == "B"
    listing = client.get(f"/husstander/{household.pk}/").content.decode()
    assert "Møte i tverrfaglig team" in listing and "02.06.2025" in listing
    assert "Planlegg nytt møte i tverrfaglig team" in listing


@NOW
@pytest.mark.django_db
def test_a_name_for_a_service_that_is_not_ticked_is_refused_on_the_page(world: World) -> None:
    household = _family()
    response = client_for(world.owner).post(
        f"/husstander/{household.pk}/moter/ny/",
        _schedule_form(household, participants_health="Helga Helse"),
    )
    assert response.status_code == 422
    assert "Kryss av for Helsetjenesten blant tjenestene som deltar" in response.content.decode()


@NOW
@pytest.mark.django_db
def test_the_hold_page_records_the_minutes_and_the_meeting_page_shows_them(world: World) -> None:
    household = _family()
    meeting = _scheduled(world, household, scheduled_on=D(2025, 4, 28))
    client = client_for(world.owner)
    url = f"/moter/{meeting.pk}/gjennomfort/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Registrer møtet som holdt" in page.content.decode()
    missing = client.post(url, {"held_on": "2025-04-28", "interpreter_used": "true", "version": 1})
    assert missing.status_code == 422
    assert "Skriv referat fra møtet." in missing.content.decode()
    response = client.post(
        url,
        {
            "held_on": "2025-04-28",
            "interpreter_used": "true",
            "interpreter_language": "arabisk",
            "interpreter_name": "Hanne Tolk",
            "notes": "Avtalt språkpraksis fra august.",
            "version": 1,
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/moter/{meeting.pk}/"
    shown = client.get(f"/moter/{meeting.pk}/").content.decode()
    assert "Avtalt språkpraksis fra august." in shown
    assert "NAV (Nina Navesen)" in shown
    assert "skjermtolking, Kategori A" in shown
    stale = client.post(
        url,
        {
            "held_on": "2025-04-28",
            "interpreter_used": "false",
            "interpreter_language": "arabisk",
            "notes": "Annet",
            "version": 1,
        },
    )
    assert stale.status_code == 409
    assert "Noen andre har lagret endringer i møtet" in stale.content.decode()


@NOW
@pytest.mark.django_db
def test_only_the_refugee_service_plans_and_holds_meetings(world: World) -> None:
    household = _family()
    meeting = _scheduled(world, household)
    leader = client_for(make_user(municipality_number="0301", roles=[Role.MUNICIPAL_LEADER]))
    assert leader.get(f"/moter/{meeting.pk}/").status_code == 200
    assert leader.get(f"/husstander/{household.pk}/moter/ny/").status_code == 403
    assert leader.get(f"/moter/{meeting.pk}/gjennomfort/").status_code == 403
    nav_user = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    consent_give(
        ctx=_ctx(world),
        person=household.members.get(given_name="Amal"),
        data=ConsentInput(
            services=[Service.NAV],
            categories=[InformationCategory.PERSONAL],
            valid_from=D(2025, 4, 1),
            signed_on=D(2025, 4, 1),
        ),
    )
    nav = client_for(nav_user)
    assert nav.get(f"/husstander/{household.pk}/").status_code == 200
    assert nav.get(f"/husstander/{household.pk}/moter/ny/").status_code == 404
    assert nav.get(f"/moter/{meeting.pk}/gjennomfort/").status_code == 404
    outsider = client_for(world.outsider)
    assert outsider.get(f"/husstander/{household.pk}/moter/ny/").status_code == 404
    assert outsider.post(f"/moter/{meeting.pk}/gjennomfort/", {}).status_code == 404


# --- The API --------------------------------------------------------------------------------


def _api(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(f"/api/v1/{url}", **kwargs)


def _schedule_body(household: Household, **changes: Any) -> dict[str, Any]:
    return {
        "scheduled_on": "2025-06-02",
        "persons": [_member(household, "Amal")],
        "services": ["refugee_service", "health"],
        "participants": [{"service": "health", "name": "Helga Helse"}],
        "interpreter": {
            "needed": True,
            "language": "arabisk",
            "mode": "in_person",
            "qualification": "C",
            "booked": True,
            "name": "Hanne Tolk",
        },
        **changes,
    }


@NOW
@pytest.mark.django_db
def test_the_api_schedules_changes_and_holds_a_team_meeting(world: World) -> None:
    household = _family()
    client = client_for(world.owner)
    created = _api(client, "post", f"households/{household.pk}/meetings", _schedule_body(household))
    assert created.status_code == 201, created.content
    meeting = created.json()
    assert meeting["kind"] == "team" and meeting["version"] == 1
    assert meeting["participants"] == [{"service": "health", "name": "Helga Helse"}]
    assert meeting["interpreter"]["mode"] == "in_person"
    assert meeting["interpreter"]["qualification_label"] == "Kategori C: statsautorisasjon"

    listed = _api(client, "get", f"households/{household.pk}/meetings").json()
    assert [m["kind"] for m in listed] == ["team_first", "team"]

    child = _api(
        client,
        "put",
        f"meetings/{meeting['id']}",
        {
            **_schedule_body(household),
            "interpreter": {"needed": True, "language": "arabisk", "name": "Lina Haddad"},
            "version": 1,
        },
    )
    assert child.status_code == 422
    assert "forvaltningsloven § 11 e" in child.json()["errors"]["interpreter_name"][0]

    moved = _api(
        client,
        "put",
        f"meetings/{meeting['id']}",
        {**_schedule_body(household, scheduled_on="2025-04-30"), "version": 1},
    )
    assert moved.status_code == 200 and moved.json()["version"] == 2

    held = _api(
        client,
        "post",
        f"meetings/{meeting['id']}/held",
        {
            "held_on": "2025-04-30",
            "interpreter_used": True,
            "minutes": "Helsetjenesten følger opp.",
            "version": 2,
        },
    )
    assert held.status_code == 200, held.content
    assert held.json()["minutes"] == "Helsetjenesten følger opp."
    assert held.json()["held_on"] == "2025-04-30"
    stale = _api(
        client,
        "post",
        f"meetings/{meeting['id']}/held",
        {"held_on": "2025-04-30", "interpreter_used": False, "minutes": "x", "version": 2},
    )
    assert stale.status_code == 409
    assert _api(client, "get", f"meetings/{meeting['id']}").json()["interpreter_used"] is True


@NOW
@pytest.mark.django_db
def test_the_api_refuses_the_leader_writes_and_the_outsider_everything(world: World) -> None:
    household = _family()
    meeting = _scheduled(world, household)
    leader = client_for(make_user(municipality_number="0301", roles=[Role.MUNICIPAL_LEADER]))
    assert _api(leader, "get", f"meetings/{meeting.pk}").status_code == 200
    refused = _api(leader, "post", f"households/{household.pk}/meetings", _schedule_body(household))
    assert refused.status_code == 403
    outsider = client_for(world.outsider)
    assert _api(outsider, "get", f"households/{household.pk}/meetings").status_code == 404
    assert _api(outsider, "get", f"meetings/{meeting.pk}").status_code == 404
    hold = {"held_on": "2025-04-30", "interpreter_used": False, "minutes": "x", "version": 1}
    assert _api(outsider, "post", f"meetings/{meeting.pk}/held", hold).status_code == 404
