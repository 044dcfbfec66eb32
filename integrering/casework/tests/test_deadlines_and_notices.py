"""The deadline dashboard (overdue first, filters, met by whom) and the services' notice inboxes."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine

from conftest import World, client_for
from integrering.accounts.roles import Role, Service
from integrering.audit.services import AccessContext
from integrering.casework.deadline_labels import deadline_label
from integrering.casework.models import Deadline, Notice
from integrering.casework.selectors import deadlines_due, notices_inbox
from integrering.casework.services.arrival import household_settle
from integrering.organisations.models import RefugeeServiceCooperation
from integrering.testing import make_household, make_user, municipality

D = datetime.date
TODAY = datetime.datetime(2024, 6, 15, 12, 0)
pytestmark = pytest.mark.usefixtures("db")


def settle(world: World) -> None:
    household_settle(ctx=AccessContext.command("test"), household=world.household)


@time_machine.travel(TODAY, tick=False)
def test_the_dashboard_lists_open_deadlines_overdue_first_and_marks_them(world: World) -> None:
    settle(world)  # settled 2024-03-01: three-month deadlines fall due 2024-06-01, overdue now
    response = client_for(world.owner).get("/frister/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="overdue">Forfalt' in body
    found = deadlines_due(ctx=AccessContext(user=world.owner, route="t"))
    dues = [d.due_on for d in found]
    assert dues == sorted(dues)
    assert found[0].due_on < D(2024, 6, 15)


@time_machine.travel(TODAY, tick=False)
def test_the_dashboard_filters_by_service_and_by_caseworker(world: World) -> None:
    settle(world)
    other = make_household(municipality_number="0301", members=2)
    household_settle(ctx=AccessContext.command("test"), household=other)
    world.household.caseworker = world.owner
    world.household.save()
    ctx = AccessContext(user=world.owner, route="t")
    school = deadlines_due(ctx=ctx, service=Service.SCHOOL)
    assert school and {d.service for d in school} == {Service.SCHOOL}
    mine = deadlines_due(ctx=ctx, caseworker_id=world.owner.pk)
    assert mine and {d.person.household_id for d in mine} == {world.household.pk}
    response = client_for(world.owner).get("/frister/", {"service": "school"})
    assert "Skolestart" in response.content.decode()
    assert "Tilbud om helseundersøkelse" not in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_dashboard_row_shows_its_person_contact_person_status_and_form(world: World) -> None:
    settle(world)
    world.owner.first_name, world.owner.last_name = "Olga", "Eier"
    world.owner.save()
    world.household.caseworker = world.owner
    world.household.save()
    met = Deadline.objects.filter(person=world.person, kind="health_examination").get()
    client_for(world.colleague).post(f"/frister/{met.pk}/oppfylt/", {"met_on": "2024-05-20"})
    still_open = Deadline.objects.filter(person=world.person, met_on__isnull=True).first()
    assert still_open is not None

    body = client_for(world.owner).get("/frister/", {"include_met": "on"}).content.decode()
    assert f'href="/personer/{world.person.pk}/">{world.person.full_name}</a>' in body
    assert "<td>Olga Eier</td>" in body
    assert "Oppfylt 20.05.2024 av colleague" in body
    assert f'action="/frister/{still_open.pk}/oppfylt/"' in body
    assert f'id="met-{still_open.pk}" name="met_on" value="2024-06-15" max="2024-06-15"' in body
    assert f'action="/frister/{met.pk}/oppfylt/"' not in body  # a met deadline has no form
    label = deadline_label(still_open.kind).lower()
    assert f'<span class="ds-sr-only"> for {label}, {world.person.full_name}</span>' in body

    # The health service answers for its deadlines without seeing the whole case: the persons'
    # names, but no link to their pages.
    health = make_user(municipality_number="0301", roles=[Role.HEALTH_CASEWORKER])
    body = client_for(health).get("/frister/").content.decode()
    assert "Tilbud om helseundersøkelse" in body
    assert any(member.full_name in body for member in world.household.members.all())
    table = body[body.index("<table") : body.index("</table>")]
    assert 'href="/personer/' not in table


@time_machine.travel(TODAY, tick=False)
def test_meeting_a_deadline_records_when_and_by_whom_and_it_leaves_the_dashboard(
    world: World,
) -> None:
    settle(world)
    deadline = Deadline.objects.filter(person=world.person, kind="health_examination").get()
    response = client_for(world.colleague).post(
        f"/frister/{deadline.pk}/oppfylt/", {"met_on": "2024-05-20", "note": "Time hos fastlege"}
    )
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.met_on == D(2024, 5, 20)
    assert deadline.met_by == world.colleague
    assert deadline.met_at is not None
    open_ids = {d.pk for d in deadlines_due(ctx=AccessContext(user=world.owner, route="t"))}
    assert deadline.pk not in open_ids


@time_machine.travel(TODAY, tick=False)
def test_a_deadline_cannot_be_met_in_the_future_or_twice(world: World) -> None:
    settle(world)
    deadline = Deadline.objects.filter(person=world.person, kind="health_examination").get()
    client = client_for(world.owner)
    response = client.post(
        f"/api/v1/deadlines/{deadline.pk}/met",
        json.dumps({"met_on": "2024-07-01"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "fram i tid" in response.json()["detail"]
    ok = client.post(
        f"/api/v1/deadlines/{deadline.pk}/met",
        json.dumps({"met_on": "2024-06-01"}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["met_by"] == "owner"
    again = client.post(
        f"/api/v1/deadlines/{deadline.pk}/met",
        json.dumps({"met_on": "2024-06-01"}),
        content_type="application/json",
    )
    assert again.status_code == 422


@time_machine.travel(TODAY, tick=False)
def test_a_service_sees_only_its_own_deadlines_and_cannot_meet_another_services(
    world: World,
) -> None:
    settle(world)
    school = make_user(municipality_number="0301", roles=[Role.SCHOOL_CASEWORKER])
    found = deadlines_due(ctx=AccessContext(user=school, route="t"))
    assert found and {d.service for d in found} == {Service.SCHOOL}
    health_deadline = Deadline.objects.filter(service=Service.HEALTH).get(person=world.person)
    response = client_for(school).post(
        f"/frister/{health_deadline.pk}/oppfylt/", {"met_on": "2024-06-01"}
    )
    assert response.status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_an_outsider_cannot_meet_another_municipalitys_deadline_through_the_api(
    world: World,
) -> None:
    settle(world)
    deadline = Deadline.objects.filter(person=world.person, kind="health_examination").get()
    response = client_for(world.outsider).post(
        f"/api/v1/deadlines/{deadline.pk}/met",
        json.dumps({"met_on": "2024-06-01"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    deadline.refresh_from_db()
    assert deadline.met_on is None


def test_the_school_inbox_has_the_notice_about_the_school_child_and_nothing_for_others(
    world: World,
) -> None:
    settle(world)
    school = make_user(municipality_number="0301", roles=[Role.SCHOOL_CASEWORKER])
    bergen_school = make_user(municipality_number="4601", roles=[Role.SCHOOL_CASEWORKER])
    inbox = notices_inbox(ctx=AccessContext(user=school, route="t"))
    assert [n.service for n in inbox] == [Service.SCHOOL]
    assert notices_inbox(ctx=AccessContext(user=bergen_school, route="t")) == []
    assert (
        notices_inbox(ctx=AccessContext(user=world.owner, route="t")) == []
    )  # sent by, not to, the refugee service
    body = client_for(school).get("/varsler/").content.decode()
    assert world.household.reference in body


def test_acknowledging_a_notice_records_who_and_only_once(world: World) -> None:
    settle(world)
    nav = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER], username="navn")
    notice = Notice.objects.get(household=world.household, service=Service.NAV)
    client = client_for(nav)
    assert client.post(f"/varsler/{notice.pk}/mottatt/").status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_by == nav and notice.acknowledged_at is not None
    again = client.post(f"/api/v1/notices/{notice.pk}/acknowledge")
    assert again.status_code == 422
    assert client.get("/api/v1/notices/").json() == []
    assert len(client.get("/api/v1/notices/", {"all": "true"}).json()) == 1


def test_a_service_cannot_acknowledge_another_services_notice(world: World) -> None:
    settle(world)
    nav = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    school_notice = Notice.objects.get(household=world.household, service=Service.SCHOOL)
    assert client_for(nav).post(f"/varsler/{school_notice.pk}/mottatt/").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_host_of_a_cooperation_works_the_partners_cases_and_a_partner_only_its_own() -> None:
    gol, hemsedal, flaa = (municipality(n) for n in ("3324", "3326", "3322"))
    cooperation = RefugeeServiceCooperation.objects.create(
        name="Hallingdal", host=gol, valid_from=D(2020, 1, 1)
    )
    cooperation.partners.set([hemsedal, flaa])
    for number in ("3324", "3326", "3322"):
        household_settle(
            ctx=AccessContext.command("test"),
            household=make_household(municipality_number=number, members=1),
        )
    host = make_user(municipality_number="3324")
    partner = make_user(municipality_number="3326")
    host_deadlines = deadlines_due(ctx=AccessContext(user=host, route="t"))
    partner_deadlines = deadlines_due(ctx=AccessContext(user=partner, route="t"))
    assert {d.person.municipality.number for d in host_deadlines} == {"3324", "3326", "3322"}
    assert {d.person.municipality.number for d in partner_deadlines} == {"3326"}
    flaa_person = Deadline.objects.filter(person__municipality=flaa).first().person  # type: ignore[union-attr]
    assert client_for(host).get(f"/personer/{flaa_person.pk}/samtykker/").status_code == 200
    assert client_for(partner).get(f"/personer/{flaa_person.pk}/samtykker/").status_code == 404
