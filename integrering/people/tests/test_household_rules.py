"""Household rules (issue 23 item 5): exactly one main person, on every path that registers a
household or changes a member; a service that may not see every member is told how many it
does not see instead of being shown a wrong total."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import World, client_for
from integrering.accounts.roles import Role, Service
from integrering.audit.services import AccessContext
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.people.models import InformationCategory, Person, Relation
from integrering.people.services import PersonInput, household_register, person_update
from integrering.testing import make_user, municipality

D = datetime.date
CTX = AccessContext.command("test")


def _member(name: str, relation: str) -> PersonInput:
    return PersonInput(
        given_name=name, family_name="Husstad", birth_date=D(1990, 1, 1), relation=relation
    )


def test_a_household_without_a_main_person_is_refused(db: None) -> None:
    with pytest.raises(ValidationError) as exc:
        household_register(
            ctx=CTX,
            municipality=municipality("0301"),
            reference="H-RULE-1",
            members=[_member("Ali", Relation.SPOUSE), _member("Sara", Relation.CHILD)],
        )
    assert exc.value.message_dict["members.0.relation"] == [
        "Husstanden må ha én hovedperson: velg «Hovedperson» som relasjon for én av personene."
    ]


def test_a_second_main_person_is_refused_by_name(db: None) -> None:
    with pytest.raises(ValidationError) as exc:
        household_register(
            ctx=CTX,
            municipality=municipality("0301"),
            reference="H-RULE-2",
            members=[_member("Ali", Relation.MAIN), _member("Sara", Relation.MAIN)],
        )
    assert exc.value.message_dict["members.1.relation"] == [
        "Husstanden kan ha bare én hovedperson, og Ali Husstad er det allerede. Velg en annen "
        "relasjon."
    ]


def test_making_another_member_main_moves_the_main_person(world: World) -> None:
    main, spouse = world.household.members.order_by("pk")[:2]
    assert (main.relation, spouse.relation) == (Relation.MAIN, Relation.SPOUSE)
    data = _input(spouse, relation=Relation.MAIN)
    person_update(ctx=CTX, person=spouse, data=data, version=spouse.version)
    main.refresh_from_db()
    spouse.refresh_from_db()
    assert (main.relation, spouse.relation) == (Relation.OTHER, Relation.MAIN)
    assert world.household.members.filter(relation=Relation.MAIN).count() == 1


def test_the_main_person_cannot_leave_the_household_without_one(world: World) -> None:
    main = world.household.members.get(relation=Relation.MAIN)
    with pytest.raises(ValidationError) as exc:
        person_update(
            ctx=CTX, person=main, data=_input(main, relation=Relation.OTHER), version=main.version
        )
    assert "Gjør en annen person til hovedperson i stedet" in exc.value.message_dict["relation"][0]


def test_a_service_sees_how_many_members_it_does_not_see(world: World) -> None:
    nav = make_user(municipality_number="0301", username="nav-regel", roles=[Role.NAV_CASEWORKER])
    consent_give(
        ctx=AccessContext(user=world.owner, route="test"),
        person=world.person,
        data=ConsentInput(
            services=[Service.NAV],
            categories=[InformationCategory.PERSONAL],
            valid_from=D(2024, 1, 1),
            signed_on=D(2024, 1, 1),
        ),
    )
    page = client_for(nav).get(f"/husstander/{world.household.pk}/").content.decode()
    assert "1 vist" in page  # the one with consent
    assert "2 personer til er ikke vist" in page


def _input(person: Person, **changes: object) -> PersonInput:
    values = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "birth_date": person.birth_date,
        "identity_number": person.identity_number,
        "relation": person.relation,
        "address_line": person.address_line,
        "postcode": person.postcode,
        "post_town": person.post_town,
        **changes,
    }
    return PersonInput(**values)  # type: ignore[arg-type]
