"""Settlement: notices to each service, deadlines per person, the first team meeting (seed 002 §2)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from conftest import World, client_for
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import Deadline, Meeting, MeetingKind, Notice
from integrering.casework.services.arrival import household_receive, household_settle
from integrering.people.models import Category, Household, Relation
from integrering.people.services import PersonInput
from integrering.testing import make_user, municipality

D = datetime.date
CTX = AccessContext.command("test")


SETTLED = D(2025, 3, 10)


def family(settled: datetime.date = SETTLED) -> Household:
    members = [
        PersonInput(
            "Amal",
            "Haddad",
            D(1990, 4, 1),
            relation=Relation.MAIN,
            citizenship="Syria",
            reception_centre="Råde mottak",
            interpreter_needed=True,
            language="arabisk",
        ),
        PersonInput("Omar", "Haddad", D(1988, 2, 2), relation=Relation.SPOUSE),
        PersonInput("Lina", "Haddad", D(2018, 6, 6), relation=Relation.CHILD),  # school
        PersonInput("Nour", "Haddad", D(2022, 1, 1), relation=Relation.CHILD),  # kindergarten
    ]
    return household_receive(
        ctx=CTX,
        municipality=municipality("0301"),
        reference="H-ARR-1",
        members=members,
        settled_on=settled,
    )


@pytest.mark.django_db
def test_settling_a_family_notifies_each_service_about_the_right_persons() -> None:
    household = family()
    notices = {n.service: n for n in Notice.objects.filter(household=household)}
    assert set(notices) == {
        Service.NAV,
        Service.ADULT_EDUCATION,
        Service.KINDERGARTEN,
        Service.SCHOOL,
        Service.HEALTH,
        Service.HOUSING,
    }
    names = {s: {p.given_name for p in n.persons.all()} for s, n in notices.items()}
    assert names[Service.SCHOOL] == {"Lina"}
    assert names[Service.KINDERGARTEN] == {"Nour"}
    assert names[Service.NAV] == {"Amal", "Omar"}
    assert names[Service.HEALTH] == {"Amal", "Omar", "Lina", "Nour"}
    assert notices[Service.SCHOOL].due_on == D(2025, 6, 10)
    # Seed 002 §2.9: health gets name, birth date, nationality and previous reception centre.
    health = notices[Service.HEALTH].body
    assert "Amal Haddad, født 01.04.1990, statsborgerskap Syria, fra Råde mottak" in health


@pytest.mark.django_db
def test_settling_creates_the_deadlines_of_each_person_with_their_services() -> None:
    household = family()
    deadlines = {
        (d.person.given_name, d.kind): d
        for d in Deadline.objects.filter(person__household=household)
    }
    assert deadlines[("Lina", "school_start")].due_on == D(2025, 6, 10)
    assert deadlines[("Lina", "school_start")].service == Service.SCHOOL
    assert deadlines[("Nour", "kindergarten_place")].service == Service.KINDERGARTEN
    assert deadlines[("Amal", "programme_decision")].due_on == D(2025, 6, 10)
    assert ("Lina", "programme_decision") not in deadlines
    assert ("Nour", "school_start") not in deadlines


@pytest.mark.django_db
def test_the_first_team_meeting_is_scheduled_within_the_deadline_for_the_adults() -> None:
    household = family()
    meeting = Meeting.objects.get(household=household, kind=MeetingKind.TEAM_FIRST)
    assert D(2025, 3, 10) < meeting.scheduled_on <= D(2025, 6, 10)
    assert {p.given_name for p in meeting.persons.all()} == {"Amal", "Omar"}


@pytest.mark.django_db
def test_an_unaccompanied_minor_is_notified_to_child_welfare() -> None:
    household = household_receive(
        ctx=CTX,
        municipality=municipality("0301"),
        reference="H-EMA",
        members=[
            PersonInput("Yonas", "Tesfay", D(2009, 5, 5), category=Category.UNACCOMPANIED_MINOR)
        ],
        settled_on=D(2025, 3, 10),
    )
    assert household.notices.filter(service=Service.CHILD_WELFARE).exists()


@pytest.mark.django_db
def test_a_household_is_not_settled_twice(world: World) -> None:
    household_settle(ctx=CTX, household=world.household)
    with pytest.raises(ValidationError, match="allerede registrert"):
        household_settle(ctx=CTX, household=world.household)


@pytest.mark.django_db
def test_settling_before_a_member_was_born_is_refused_and_writes_nothing(world: World) -> None:
    with pytest.raises(ValidationError, match="før"):
        household_settle(ctx=CTX, household=world.household, settled_on=D(2000, 1, 1))
    assert not Notice.objects.filter(household=world.household).exists()
    assert not Deadline.objects.filter(person__household=world.household).exists()


@pytest.mark.django_db
def test_settlement_is_audited_for_every_member(world: World) -> None:
    household_settle(ctx=CTX, household=world.household)
    audited = set(
        AuditEvent.objects.filter(detail__startswith="bosatt").values_list("person_id", flat=True)
    )
    assert audited == set(world.household.members.values_list("pk", flat=True))


@time_machine.travel(datetime.datetime(2025, 5, 1, 12, 0), tick=False)
@pytest.mark.django_db
def test_holding_the_first_team_meeting_meets_its_deadline_and_records_the_interpreter(
    world: World,
) -> None:
    household = family()
    meeting = Meeting.objects.get(household=household, kind=MeetingKind.TEAM_FIRST)
    client = client_for(make_user(municipality_number="0301", username="flykt"))
    response = client.post(
        f"/moter/{meeting.pk}/",
        {
            "scheduled_on": "2025-04-07",
            "held_on": "2025-04-08",
            "interpreter_used": "true",
            "interpreter_language": "",
            "notes": "",
            "version": meeting.version,
        },
    )
    assert response.status_code == 422
    assert "Oppgi tolkespråket" in response.content.decode()
    response = client.post(
        f"/moter/{meeting.pk}/",
        {
            "scheduled_on": "2025-04-07",
            "held_on": "2025-04-08",
            "interpreter_used": "true",
            "interpreter_language": "arabisk",
            "notes": "Første møte",
            "version": meeting.version,
            "services": [Service.NAV, Service.REFUGEE_SERVICE],
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.interpreter_used is True and meeting.interpreter_language == "arabisk"
    met = Deadline.objects.filter(person__household=household, kind="team_first_meeting")
    assert {d.met_on for d in met} == {D(2025, 4, 8)}
    assert all(d.met_by is not None and d.met_by.username == "flykt" for d in met)


@time_machine.travel(datetime.datetime(2025, 3, 20, 12, 0), tick=False)
@pytest.mark.django_db
def test_the_first_team_meeting_cannot_be_moved_past_the_deadline(world: World) -> None:
    household = family()
    meeting = Meeting.objects.get(household=household, kind=MeetingKind.TEAM_FIRST)
    client = client_for(
        make_user(municipality_number="0301", roles=[Role.REFUGEE_SERVICE_CASEWORKER])
    )
    response = client.post(
        f"/moter/{meeting.pk}/", {"scheduled_on": "2025-07-01", "version": meeting.version}
    )
    assert response.status_code == 422
    assert "innen fristen 10.06.2025" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.scheduled_on == D(2025, 4, 7)


# --- Norwegian training counts from the population register (seed 004) ------------------------


@pytest.mark.django_db
def test_norwegian_training_is_due_three_months_after_the_population_registration(
    world: World,
) -> None:
    """Seed 004: «Oppstart ... skal skje innen 3 måneder etter at personen er folkeregistrert i
    kommunen». Until the date is known the deadline counts from the settlement."""
    household = family()
    amal = household.members.get(given_name="Amal")
    training = Deadline.objects.get(person=amal, kind="norwegian_training_start")
    assert (training.start_on, training.due_on) == (SETTLED, D(2025, 6, 10))
    client = client_for(world.owner)
    page = client.get(f"/personer/{amal.pk}/").content.decode()
    assert "Folkeregistrert i kommunen" in page and "Lagre folkeregistrering" in page

    with time_machine.travel(datetime.datetime(2025, 4, 1, 12, tzinfo=datetime.UTC)):
        response = client.post(
            f"/personer/{amal.pk}/folkeregistrert/",
            {"population_registered_on": "2025-03-24", "version": amal.version},
        )
        assert response.status_code == 302
        training.refresh_from_db()
        assert (training.start_on, training.due_on) == (D(2025, 3, 24), D(2025, 6, 24))
        # The other deadlines still count from the settlement.
        decision = Deadline.objects.get(person=amal, kind="programme_decision")
        assert decision.due_on == D(2025, 6, 10)
        amal.refresh_from_db()
        assert amal.population_registered_on == D(2025, 3, 24)
        assert AuditEvent.objects.filter(
            person_id=amal.pk, detail="folkeregistrert 24.03.2025"
        ).exists()

        # The API, with the version read: a stale version is a conflict, a future date refused.
        api = f"/api/v1/persons/{amal.pk}/population-registration"
        stale = client.put(
            api,
            {"registered_on": "2025-03-25", "version": amal.version - 1},
            content_type="application/json",
        )
        assert stale.status_code == 409
        future = client.put(
            api,
            {"registered_on": "2025-04-02", "version": amal.version},
            content_type="application/json",
        )
        assert future.status_code == 422
        assert "fram i tid" in future.content.decode()
        ok = client.put(
            api,
            {"registered_on": "2025-03-25", "version": amal.version},
            content_type="application/json",
        )
        assert ok.status_code == 200
        body = ok.json()
        assert body["registered_on"] == "2025-03-25" and body["version"] == amal.version + 1
        due = {d["kind"]: d["due_on"] for d in body["deadlines"]}
        assert due["norwegian_training_start"] == "2025-06-25"

    # A NAV caseworker of the same municipality may not record it.
    nav = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    refused = client_for(nav).put(
        f"/api/v1/persons/{amal.pk}/population-registration",
        {"registered_on": "2025-03-25", "version": amal.version + 1},
        content_type="application/json",
    )
    assert refused.status_code in {403, 404}


@pytest.mark.django_db
def test_the_population_registration_is_set_at_settlement_when_it_is_known() -> None:
    members = [PersonInput("Sara", "Berhe", D(1995, 5, 5), relation=Relation.MAIN)]
    household = household_receive(
        ctx=CTX, municipality=municipality("0301"), reference="H-ARR-REG", members=members
    )
    sara = household.members.get()
    sara.population_registered_on = D(2025, 3, 1)
    sara.save(update_fields=["population_registered_on"])
    household_settle(ctx=CTX, household=household, settled_on=SETTLED)
    training = Deadline.objects.get(person=sara, kind="norwegian_training_start")
    assert (training.start_on, training.due_on) == (D(2025, 3, 1), D(2025, 6, 1))
