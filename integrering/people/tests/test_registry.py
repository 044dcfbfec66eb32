"""The registry: registering a household in the browser form and the API, editing a person, DUF numbers."""

from __future__ import annotations

import datetime
import json
import random

import pytest
from django.core.exceptions import ValidationError

from conftest import World, client_for
from integrering.accounts.roles import Role
from integrering.audit.services import AccessContext
from integrering.people.identity import (
    duf_number_parse,
    synthetic_duf_number,
    synthetic_identity_number,
)
from integrering.people.models import Household, Person
from integrering.people.services import PersonInput, person_update
from integrering.testing import make_user

D = datetime.date
pytestmark = pytest.mark.usefixtures("db")


def member(prefix: str, **fields: str) -> dict[str, str]:
    base = {
        "given_name": "Olena",
        "family_name": "Kovalenko",
        "birth_date": "1990-04-01",
        "relation": "main",
        "category": "from_reception",
    }
    return {f"{prefix}-{k}": v for k, v in {**base, **fields}.items()}


def household_post(
    *members: dict[str, str], reference: str = "H-REG-1", settled: str = "2025-03-10"
) -> dict[str, str]:
    data = {
        "municipality": "",
        "reference": reference,
        "settled_on": settled,
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "20",
    }
    for m in members:
        data.update(m)
    return data


def test_the_duf_number_is_checked_with_its_check_digits() -> None:
    number = synthetic_duf_number(2022, random.Random(1))
    assert duf_number_parse(number) == number
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="Kontrollsifrene"):
        duf_number_parse(wrong)
    with pytest.raises(ValidationError, match="12 siffer"):
        duf_number_parse("20221234")
    with pytest.raises(ValidationError, match="før personen ble født"):
        duf_number_parse(number, birth_date=D(2023, 1, 1))


def test_a_caseworker_registers_and_settles_a_household_in_the_form(world: World) -> None:
    number = synthetic_identity_number(D(1990, 4, 1), random.Random(5))
    data = household_post(
        member(
            "members-0",
            identity_number=number,
            duf_number=synthetic_duf_number(2023, random.Random(2)),
        ),
        member("members-1", given_name="Sofiia", birth_date="2019-02-02", relation="child"),
    )
    data["municipality"] = str(world.household.municipality_id)
    response = client_for(world.owner).post("/husstander/ny/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get(reference="H-REG-1")
    assert household.members.count() == 2
    assert household.caseworker == world.owner
    assert household.notices.filter(service="school").exists()


def test_bad_rows_in_the_form_are_shown_next_to_their_fields_and_nothing_is_written(
    world: World,
) -> None:
    data = household_post(
        member("members-0", identity_number="12345678901"),
        member("members-1", given_name="", birth_date="2026-01-01"),
        settled="2025-03-10",
    )
    data["municipality"] = str(world.household.municipality_id)
    data["members-1-birth_date"] = "2025-12-01"
    data["members-1-settled_on"] = "2025-11-01"
    response = client_for(world.owner).post("/husstander/ny/", data)
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_members-0-identity_number_error"' in body
    assert "Kontrollsifrene stemmer ikke" in body
    assert 'id="id_members-1-given_name_error"' in body
    assert "før personen ble født" in body
    assert not Household.objects.filter(reference="H-REG-1").exists()


def test_a_duplicate_identity_number_names_where_the_person_already_is(world: World) -> None:
    data = household_post(
        member(
            "members-0",
            identity_number=world.outsider_person.identity_number or "",
            birth_date=world.outsider_person.birth_date.isoformat(),
        )
    )
    data["municipality"] = str(world.household.municipality_id)
    body = client_for(world.owner).post("/husstander/ny/", data).content.decode()
    assert "allerede registrert i Bergen kommune" in body


def test_a_municipality_the_user_does_not_serve_is_refused(world: World) -> None:
    data = household_post(member("members-0"))
    data["municipality"] = str(world.outsider_household.municipality_id)
    response = client_for(world.owner).post("/husstander/ny/", data)
    assert response.status_code == 422
    assert 'id="id_municipality_error"' in response.content.decode()


def test_only_the_refugee_service_registers_households(world: World) -> None:
    nav = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    assert client_for(nav).get("/husstander/ny/").status_code == 403


def test_the_api_registers_a_household_and_lists_every_bad_field(world: World) -> None:
    client = client_for(world.owner)
    payload = {
        "municipality": "0301",
        "reference": "H-API-1",
        "settled_on": "2025-03-10",
        "members": [
            {
                "given_name": "Yonas",
                "family_name": "Tesfay",
                "birth_date": "2008-05-05",
                "category": "unaccompanied_minor",
            }
        ],
    }
    response = client.post(
        "/api/v1/households/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["notices"] >= 1
    bad = {
        **payload,
        "reference": "H-API-2",
        "members": [
            {
                "given_name": "",
                "family_name": "X",
                "birth_date": "2008-05-05",
                "identity_number": "1",
            }
        ],
    }
    response = client.post("/api/v1/households/", json.dumps(bad), content_type="application/json")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"members.0.given_name", "members.0.identity_number"}
    unknown = {**payload, "reference": "H-API-3", "municipality": "9999"}
    response = client.post(
        "/api/v1/households/", json.dumps(unknown), content_type="application/json"
    )
    assert response.status_code == 422 and "9999" in response.json()["detail"]


def test_a_second_save_of_the_same_person_is_refused_and_the_first_is_kept(world: World) -> None:
    person = world.person
    client_a, client_b = client_for(world.owner), client_for(world.colleague)
    form = client_a.get(f"/personer/{person.pk}/endre/")
    assert form.status_code == 200
    base = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "birth_date": person.birth_date.isoformat(),
        "identity_number": person.identity_number,
        "relation": "main",
        "category": "from_reception",
        "version": person.version,
    }
    first = client_a.post(f"/personer/{person.pk}/endre/", {**base, "language": "arabisk"})
    assert first.status_code == 302
    second = client_b.post(f"/personer/{person.pk}/endre/", {**base, "language": "tigrinja"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "Noen andre har lagret endringer" in body
    assert 'value="tigrinja"' in body  # the second user's input is still in the form
    person.refresh_from_db()
    assert person.language == "arabisk"


def test_editing_checks_the_data_like_registration(world: World) -> None:
    person = world.person
    with pytest.raises(ValidationError) as excinfo:
        person_update(
            ctx=AccessContext(user=world.owner, route="t"),
            person=person,
            data=PersonInput(
                person.given_name, person.family_name, person.birth_date, arrival_date=D(1900, 1, 1)
            ),
            version=person.version,
        )
    assert "arrival_date" in excinfo.value.message_dict
    assert Person.objects.get(pk=person.pk).version == person.version
