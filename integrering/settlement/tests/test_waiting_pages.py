"""The planner's pages for households waiting for settlement (issue 21): the list with days
waited, filters and paging; registering a household with its persons; changing it (versioned);
withdrawing it after a page that says what happens; and who reaches them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from conftest import client_for
from integrering.audit.models import AuditAction, AuditEvent
from integrering.people.identity import duf_check_digits
from integrering.settlement.models import WaitingHousehold, WaitingStatus
from integrering.settlement.testing import make_centre, make_waiting_household
from integrering.testing import make_user

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
LIST_URL = "/bosetting/venter/"
CREATE_URL = "/bosetting/venter/ny/"


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, 0, tzinfo=OSLO), tick=False):
        yield


@pytest.fixture
def planner() -> Client:
    return client_for(make_user(username="planlegger"))


def duf(serial: int) -> str:
    first_ten = f"2025{serial:06d}"
    return first_ten + duf_check_digits(first_ten)


def management(total: int, initial: int = 0) -> dict[str, Any]:
    return {
        "members-TOTAL_FORMS": str(total),
        "members-INITIAL_FORMS": str(initial),
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
    }


def member(index: int, serial: int, **values: Any) -> dict[str, Any]:
    data = {
        "given_name": f"Navn{serial}",
        "family_name": "Venter",
        "birth_date": "1988-05-01",
        "duf_number": duf(serial),
        "relation": "main",
        "permit_type": "asylum",
        "permit_date": "2026-06-01",
        "language": "arabisk",
    }
    data.update(values)
    return {f"members-{index}-{name}": value for name, value in data.items()}


def test_the_list_shows_days_waited_longest_first_and_filters(planner: Client) -> None:
    centre = make_centre()
    old = make_waiting_household(ready_on=datetime.date(2026, 8, 26))
    old.reception_centre = centre
    old.adaptation_needs = ["near_hospital"]
    old.save()
    new = make_waiting_household(ready_on=datetime.date(2026, 11, 14))
    withdrawn = make_waiting_household()
    WaitingHousehold.objects.filter(pk=withdrawn.pk).update(
        status=WaitingStatus.WITHDRAWN,
        withdrawn_on=datetime.date(2026, 11, 20),
        withdrawal_reason="moved_out",
    )
    page = planner.get(LIST_URL).content.decode()
    assert page.index(old.reference) < page.index(new.reference)
    assert "<td>90</td>" in page  # 26.08 to 24.11
    assert "<td>10</td>" in page
    assert withdrawn.reference not in page
    assert "Må bo nær sykehus" in page
    assert "2 husstander." in page

    by_need = planner.get(LIST_URL, {"need": "near_hospital"}).content.decode()
    assert old.reference in by_need and new.reference not in by_need
    by_centre = planner.get(LIST_URL, {"centre": centre.pk}).content.decode()
    assert old.reference in by_centre and new.reference not in by_centre
    gone = planner.get(LIST_URL, {"status": "withdrawn"}).content.decode()
    assert withdrawn.reference in gone and old.reference not in gone
    bad = planner.get(LIST_URL, {"status": "lost"})
    assert bad.status_code == 422
    assert "Velg en status fra listen." in bad.content.decode()

    shown = AuditEvent.objects.filter(username="planlegger", action=AuditAction.LIST).first()
    assert shown is not None
    assert shown.detail.startswith("venter på bosetting (liste): 2 husstander")


def test_the_list_pages_and_keeps_its_filters(planner: Client) -> None:
    for _ in range(51):
        make_waiting_household(members=1)
    first = planner.get(LIST_URL, {"year": 2026}).content.decode()
    assert "1\u201350 av 51" in first
    assert "?year=2026&amp;side=2" in first
    second = planner.get(LIST_URL, {"year": 2026, "side": 2}).content.decode()
    assert "51\u201351 av 51" in second
    assert "?year=2026" in second and 'rel="prev"' in second


def test_a_household_is_registered_with_its_persons_from_the_form(planner: Client) -> None:
    centre = make_centre()
    data = {
        "reference": "SKJEMA-1",
        "reception_centre": centre.pk,
        "ready_on": "2026-10-01",
        "year": "",
        "category": "",
        "adaptation_needs": ["regular_treatment"],
        "tie_municipality": "",
        "tie_kind": "",
        **management(2),
        **member(0, 1),
        **member(1, 2, relation="child", birth_date="2015-03-03", given_name="Barn"),
    }
    response = planner.post(CREATE_URL, data)
    assert response.status_code == 302, response.content.decode()
    household = WaitingHousehold.objects.get(reference="SKJEMA-1")
    assert response["Location"] == f"/bosetting/venter/{household.pk}/"
    assert household.adaptation_needs == ["regular_treatment"]
    assert household.school_children == 1
    assert household.members.count() == 2

    page = planner.get(response["Location"]).content.decode()
    assert "Husstand SKJEMA-1" in page
    assert "54 dager ventet" in page
    assert "Jevnlig behandling" in page
    assert "Asyl (flyktningstatus) (01.06.2026)" in page
    reads = AuditEvent.objects.filter(username="planlegger", action=AuditAction.READ)
    assert reads.count() == 2  # one per person


def test_the_form_shows_every_error_next_to_its_field_and_keeps_the_input(
    planner: Client,
) -> None:
    make_waiting_household()  # its first DUF number is VENT-'s
    taken = make_waiting_household().members.first()
    assert taken is not None
    data = {
        "reference": "SKJEMA-2",
        "adaptation_needs": ["other"],
        **management(2),
        **member(0, 3, duf_number=taken.duf_number),
        **member(1, 4, birth_date="", permit_type=""),
    }
    response = planner.post(CREATE_URL, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Fyll inn datoen." in page
    assert "Velg hvilken tillatelse personen har." in page
    assert not WaitingHousehold.objects.filter(reference="SKJEMA-2").exists()

    data.update(member(1, 4, relation="child"))
    response = planner.post(CREATE_URL, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Beskriv behovet i merknaden når du velger «Annet»." in page
    assert (
        f"DUF-nummeret står allerede på husstand {taken.household.reference}, som venter på "
        "bosetting." in page
    )
    assert 'value="SKJEMA-2"' in page


def test_a_change_is_saved_and_a_stale_one_is_refused_with_409(planner: Client) -> None:
    household = make_waiting_household(members=1)
    person = household.members.get()
    url = f"/bosetting/venter/{household.pk}/endre/"
    form = planner.get(url).content.decode()
    assert f'value="{person.duf_number}"' in form
    data = {
        "reference": household.reference,
        "ready_on": "2026-11-01",
        "year": "2026",
        "large_dwelling": "on",
        "version": "1",
        **management(1, 1),
        **member(0, 0, id=person.pk, duf_number=person.duf_number, birth_date="1990-01-01"),
    }
    response = planner.post(url, data)
    assert response.status_code == 302, response.content.decode()
    household.refresh_from_db()
    assert (household.version, household.large_dwelling) == (2, 1)
    assert household.ready_on == datetime.date(2026, 11, 1)

    stale = planner.post(url, data)
    assert stale.status_code == 409
    assert "Noen andre har lagret endringer i husstanden" in stale.content.decode()


def test_withdrawing_says_what_happens_then_records_the_reason(planner: Client) -> None:
    household = make_waiting_household()
    url = f"/bosetting/venter/{household.pk}/trekk/"
    page = planner.get(url).content.decode()
    assert "Dette skjer når du trekker husstanden" in page
    assert "tas ikke med når utsøkingen kjøres" in page
    assert "Den kan ikke plasseres i en kommune" in page
    assert "kan den registreres på nytt med de samme DUF-numrene" in page

    missing = planner.post(url, {"version": "1", "withdrawn_on": "2026-11-24"})
    assert missing.status_code == 422
    assert "Velg hvorfor husstanden trekkes." in missing.content.decode()

    response = planner.post(
        url,
        {"version": "1", "reason": "left_country", "withdrawn_on": "2026-11-23", "note": ""},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == WaitingStatus.WITHDRAWN
    assert household.withdrawal_reason == "left_country"
    detail = planner.get(response["Location"]).content.decode()
    assert "Trukket 23.11.2026 (reist fra norge)" in detail
    assert "Endre husstanden" not in detail

    again = planner.get(url)
    assert again.status_code == 302  # a withdrawn household cannot be withdrawn again


def test_only_planners_reach_the_pages(planner: Client) -> None:
    household = make_waiting_household()
    caseworker = client_for(make_user(municipality_number="0301"))
    assert caseworker.get(LIST_URL).status_code == 403
    assert caseworker.get(CREATE_URL).status_code == 403
    assert caseworker.get(f"/bosetting/venter/{household.pk}/").status_code == 404
    assert caseworker.get(f"/bosetting/venter/{household.pk}/endre/").status_code == 404
    assert caseworker.get(f"/bosetting/venter/{household.pk}/trekk/").status_code == 404
    assert planner.get("/bosetting/venter/import/eksempel.csv").status_code == 200
