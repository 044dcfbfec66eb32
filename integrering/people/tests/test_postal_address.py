"""The person's postal address, where the decision letters go: a whole address with a four-digit
postcode, edited in the person form, at registration and through the API."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import World, client_for
from integrering.accounts.roles import Role
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.people.forms import PersonEditForm
from integrering.people.models import Person
from integrering.people.services import PersonInput, person_update
from integrering.testing import make_household, make_user

D = datetime.date


def _form_data(person: Person, **changes: Any) -> dict[str, Any]:
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "birth_date": person.birth_date.isoformat(),
        "identity_number": person.identity_number,
        "relation": "main",
        "category": "from_reception",
        "version": person.version,
        "address_line": "Storgata 1",
        "postcode": "0155",
        "post_town": "OSLO",
        **changes,
    }


def _edit_url(person: Person) -> str:
    return f"/personer/{person.pk}/endre/"


def _address_url(person: Person) -> str:
    return f"/api/v1/persons/{person.pk}/postal-address"


def test_the_postal_address_gives_the_letters_two_lines(world: World) -> None:
    person = world.person
    assert person.postal_address == (person.address_line, "0150 OSLO")
    assert person.address_line.startswith("Testveien ")
    person.post_town = ""
    assert person.postal_address is None


@pytest.mark.parametrize("postcode", ["150", "01500", "0l50", "01 5", "٠١٥٠"])
def test_the_form_refuses_a_postcode_that_is_not_four_digits(world: World, postcode: str) -> None:
    form = PersonEditForm(_form_data(world.person, postcode=postcode))
    assert not form.is_valid()
    assert "fire siffer" in " ".join(str(e) for e in form.errors["postcode"])


def test_the_form_takes_a_four_digit_postcode_and_passes_the_address_on(world: World) -> None:
    form = PersonEditForm(_form_data(world.person, postcode=" 0155 "))
    assert form.is_valid(), form.errors
    data = form.to_input()
    assert (data.address_line, data.postcode, data.post_town) == ("Storgata 1", "0155", "OSLO")


def test_the_edit_page_saves_the_address_and_the_case_page_shows_it(world: World) -> None:
    client = client_for(world.owner)
    person = world.person

    response = client.post(_edit_url(person), _form_data(person, address_line="Storgata 1 H0203"))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.postal_address == ("Storgata 1 H0203", "0155 OSLO")
    page = client.get(f"/personer/{person.pk}/").content.decode()
    assert "Storgata 1 H0203, 0155 OSLO" in page


def test_the_edit_page_shows_a_bad_postcode_at_the_field(world: World) -> None:
    response = client_for(world.owner).post(
        _edit_url(world.person), _form_data(world.person, postcode="015")
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_postcode_error"' in body and "Postnummeret må ha fire siffer" in body


def test_a_partial_address_is_refused_by_field(world: World) -> None:
    person = world.person
    with pytest.raises(ValidationError) as excinfo:
        person_update(
            ctx=AccessContext(user=world.owner, route="t"),
            person=person,
            data=PersonInput(
                person.given_name,
                person.family_name,
                person.birth_date,
                person.identity_number,
                address_line="Storgata 1",
            ),
            version=person.version,
        )
    assert set(excinfo.value.message_dict) == {"postcode", "post_town"}


def test_an_address_can_be_left_out_entirely(world: World) -> None:
    person = world.person
    updated = person_update(
        ctx=AccessContext(user=world.owner, route="t"),
        person=person,
        data=PersonInput(person.given_name, person.family_name, person.birth_date),
        version=person.version,
    )
    assert updated.postal_address is None and updated.postcode == ""


def test_the_database_refuses_a_postcode_that_is_not_four_digits(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=world.person.pk).update(postcode="A155")


def test_registering_a_household_through_the_api_checks_the_postcode(world: World) -> None:
    client = client_for(world.owner)
    member = {"given_name": "Sara", "family_name": "Berhe", "birth_date": "1995-05-05"}
    payload = {"municipality": "0301", "reference": "H-ADR-1", "members": [member]}

    bad = {**payload, "members": [{**member, "address_line": "Storgata 1", "postcode": "155"}]}
    response = client.post("/api/v1/households/", json.dumps(bad), content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"members.0.postcode", "members.0.post_town"}
    assert "fire siffer" in " ".join(errors["members.0.postcode"])

    good = {
        **payload,
        "members": [
            {**member, "address_line": "Storgata 1", "postcode": "0155", "post_town": "OSLO"}
        ],
    }
    response = client.post("/api/v1/households/", json.dumps(good), content_type="application/json")
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["members"][0])
    assert person.postal_address == ("Storgata 1", "0155 OSLO")


def test_the_api_shows_and_changes_the_postal_address(world: World) -> None:
    client = client_for(world.owner)
    person = world.person
    shown = client.get(f"/api/v1/persons/{person.pk}").json()
    assert (shown["postcode"], shown["post_town"], shown["version"]) == (
        "0150",
        "OSLO",
        person.version,
    )

    response = client.put(
        _address_url(person),
        json.dumps(
            {
                "address_line": "Postboks 12 Sentrum",
                "postcode": "0101",
                "post_town": "OSLO",
                "version": person.version,
            }
        ),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["version"] == person.version + 1
    person.refresh_from_db()
    assert person.postal_address == ("Postboks 12 Sentrum", "0101 OSLO")
    assert AuditEvent.objects.filter(
        person_id=person.pk, action=AuditAction.UPDATE, detail="postadresse"
    ).exists()


def test_the_api_refuses_a_bad_postcode_and_a_stale_version(world: World) -> None:
    client = client_for(world.owner)
    person = world.person
    body = {"address_line": "Storgata 1", "post_town": "OSLO", "version": person.version}

    bad = client.put(
        _address_url(person),
        json.dumps({**body, "postcode": "A-155"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "fire siffer" in " ".join(bad.json()["errors"]["postcode"])

    stale = client.put(
        _address_url(person),
        json.dumps({**body, "postcode": "0155", "version": person.version - 1}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert Person.objects.get(pk=person.pk).postcode == "0150"


def test_only_the_refugee_service_of_the_municipality_changes_the_address(world: World) -> None:
    body = json.dumps(
        {"address_line": "Storgata 1", "postcode": "0155", "post_town": "OSLO", "version": 1}
    )
    outsider = client_for(world.outsider).put(
        _address_url(world.person), body, content_type="application/json"
    )
    assert outsider.status_code == 404
    nav = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    refused = client_for(nav).put(_address_url(world.person), body, content_type="application/json")
    assert refused.status_code in {403, 404}
    assert Person.objects.get(pk=world.person.pk).postcode == "0150"


def test_a_household_can_be_made_without_an_address(db: None) -> None:
    household = make_household(municipality_number="0301", with_address=False)
    assert all(p.postal_address is None for p in household.members.all())


def test_the_api_refuses_control_characters_in_the_address(world: World) -> None:
    response = client_for(world.owner).put(
        _address_url(world.person),
        json.dumps(
            {
                "address_line": "Storgata 1\u202e",
                "postcode": "0155",
                "post_town": "OS\x00LO",
                "version": world.person.version,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"address_line", "post_town"}
