"""The API for households waiting for settlement (issue 21): list, register, read, change with
the version (409 when stale), withdraw, with exact Norwegian messages; planners only."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from integrering.accounts.models import User
from integrering.accounts.services import token_create
from integrering.audit.models import AuditAction, AuditEvent
from integrering.people.identity import duf_check_digits
from integrering.settlement.models import WaitingHousehold, WaitingStatus
from integrering.settlement.testing import make_centre, make_waiting_household
from integrering.testing import make_user

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
URL = "/api/v1/settlement/waiting-households"


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, 0, tzinfo=OSLO), tick=False):
        yield


def client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user).token}"})


@pytest.fixture
def api() -> Client:
    return client(make_user(username="planlegger-api"))


def duf(serial: int) -> str:
    first_ten = f"2025{serial:06d}"
    return first_ten + duf_check_digits(first_ten)


def person(serial: int, **values: Any) -> dict[str, Any]:
    data = {
        "given_name": f"Navn{serial}",
        "family_name": "Venter",
        "birth_date": "1988-05-01",
        "duf_number": duf(serial),
        "permit_type": "asylum",
    }
    data.update(values)
    return data


def post(api: Client, body: dict[str, Any]) -> Any:
    return api.post(URL, body, content_type="application/json")


def test_a_household_is_registered_read_and_listed(api: Client) -> None:
    centre = make_centre()
    response = post(
        api,
        {
            "reference": "API-1",
            "reception_centre": centre.pk,
            "ready_on": "2026-10-25",
            "adaptation_needs": ["wheelchair"],
            "tie_municipality": "0301",
            "tie_kind": "family",
            "members": [
                person(1),
                person(2, relation="child", birth_date="2012-02-02", unaccompanied_minor=False),
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == "API-1"
    assert body["status"] == "waiting"
    assert (body["ready_on"], body["days_waited"], body["year"]) == ("2026-10-25", 30, 2026)
    assert (body["persons"], body["school_children"], body["version"]) == (2, 1, 1)
    assert (body["tie_municipality"], body["tie_kind"]) == ("0301", "family")
    assert body["reception_centre_name"] == centre.name
    assert [m["duf_number"] for m in body["members"]] == [duf(1), duf(2)]
    assert body["members"][1]["age"] == 14

    read = api.get(f"{URL}/{body['id']}").json()
    assert read == body
    listed = api.get(URL, {"need": "wheelchair"}).json()
    assert (listed["count"], listed["page"], listed["pages"]) == (1, 1, 1)
    assert listed["results"][0]["reference"] == "API-1"
    assert "members" not in listed["results"][0]
    events = AuditEvent.objects.filter(username="planlegger-api")
    assert events.filter(action=AuditAction.CREATE).count() == 2
    assert events.filter(action=AuditAction.LIST).count() == 1


def test_refused_input_is_422_with_every_message_by_field(api: Client) -> None:
    make_waiting_household()
    response = post(
        api,
        {
            "reference": "",
            "tie_municipality": "12",
            "tie_kind": "venner",
            "members": [person(3, duf_number="123", permit_type="tourist", sex="x")],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "reference": ["Skriv husstandens referanse, for eksempel UDIs husstandsnummer."],
        "tie_municipality": ["Kommunenummeret må ha fire siffer, for eksempel 0301."],
        "tie_kind": ["Type tilknytning må være familie eller nettverk."],
        "members.0.sex": ["Kjønn må være kvinne eller mann."],
        "members.0.permit_type": [
            "Ukjent tillatelse; velg asyl (flyktningstatus), sterke menneskelige hensyn "
            "(humanitært grunnlag), kollektiv beskyttelse, overføringsflyktning "
            "(kvoteflyktning) eller familiegjenforening."
        ],
        "members.0.duf_number": ["DUF-nummeret må ha 12 siffer (fikk 3)."],
    }
    assert not WaitingHousehold.objects.filter(reference="").exists()


def test_a_change_needs_the_version_read_and_a_stale_one_is_409(api: Client) -> None:
    created = post(api, {"reference": "API-2", "members": [person(4)]}).json()
    member = created["members"][0]
    change = {
        "reference": "API-2",
        "large_dwelling": True,
        "members": [
            {**person(4), "id": member["id"], "given_name": "Endret"},
            person(5, relation="child"),
        ],
        "version": 1,
    }
    response = api.put(f"{URL}/{created['id']}", change, content_type="application/json")
    assert response.status_code == 200, response.content
    changed = response.json()
    assert (changed["version"], changed["large_dwelling"], changed["persons"]) == (2, True, 2)
    assert changed["members"][0]["given_name"] == "Endret"

    stale = api.put(f"{URL}/{created['id']}", change, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["detail"] == (
        "Noen andre har lagret endringer i husstanden etter at du åpnet den. Endringene dine er "
        "ikke lagret, men står fortsatt i skjemaet: last inn siden på nytt for å se den nye "
        "versjonen, og legg inn endringene dine der."
    )


def test_withdrawing_through_the_api_records_the_reason_and_refuses_a_second_time(
    api: Client,
) -> None:
    created = post(api, {"reference": "API-3", "members": [person(6)]}).json()
    url = f"{URL}/{created['id']}/withdraw"
    response = api.post(
        url,
        {"reason": "moved_out", "note": "Flyttet til venner", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["withdrawal_reason"]) == ("withdrawn", "moved_out")
    assert (body["withdrawn_on"], body["withdrawal_note"]) == ("2026-11-24", "Flyttet til venner")
    assert WaitingHousehold.objects.get(pk=created["id"]).status == WaitingStatus.WITHDRAWN

    again = api.post(url, {"reason": "moved_out", "version": 2}, content_type="application/json")
    assert again.status_code == 422
    assert again.json()["detail"] == "Husstanden ble trukket 24.11.2026 og kan ikke endres."
    assert api.get(URL).json()["count"] == 0
    assert api.get(URL, {"status": "withdrawn"}).json()["count"] == 1

    unknown = api.get(URL, {"status": "gone"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {
        "status": ["Status må være waiting, confirmed, withdrawn eller all."]
    }


def test_anyone_but_a_planner_gets_403_on_the_list_and_404_on_a_household() -> None:
    household = make_waiting_household()
    caseworker = client(make_user(municipality_number="0301"))
    listed = caseworker.get(URL)
    assert listed.status_code == 403
    assert listed.json() == {
        "detail": "Bosettingsplanlegging er for direktoratets bosettingsplanleggere."
    }
    assert post(caseworker, {"reference": "X", "members": [person(7)]}).status_code == 403
    assert caseworker.get(f"{URL}/{household.pk}").status_code == 404
    put = caseworker.put(
        f"{URL}/{household.pk}",
        {"reference": "X", "members": [person(8)], "version": 1},
        content_type="application/json",
    )
    assert put.status_code == 404
    withdraw = caseworker.post(
        f"{URL}/{household.pk}/withdraw",
        {"reason": "moved_out", "version": 1},
        content_type="application/json",
    )
    assert withdraw.status_code == 404
    assert WaitingHousehold.objects.get(pk=household.pk).status == WaitingStatus.WAITING
