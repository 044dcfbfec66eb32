"""Fixtures shared by every test: the owner, colleague and outsider of STYLE.md, and their world."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from integrering.accounts.models import User
from integrering.people.models import Household, Person
from integrering.testing import make_household, make_user

MUNICIPALITY_A = "0301"  # Oslo
MUNICIPALITY_B = "4601"  # Bergen


@dataclass
class World:
    """Municipality A with its people and users, and an outsider from municipality B."""

    owner: User
    colleague: User
    outsider: User
    household: Household
    person: Person
    outsider_household: Household
    outsider_person: Person


@pytest.fixture
def world(db: None) -> World:
    household = make_household(
        municipality_number=MUNICIPALITY_A, members=3, family_name="Eierstad"
    )
    outsider_household = make_household(
        municipality_number=MUNICIPALITY_B, members=2, family_name="Utenbys"
    )
    return World(
        owner=make_user(municipality_number=MUNICIPALITY_A, username="owner"),
        colleague=make_user(municipality_number=MUNICIPALITY_A, username="colleague"),
        outsider=make_user(municipality_number=MUNICIPALITY_B, username="outsider"),
        household=household,
        person=household.members.order_by("pk").first(),  # type: ignore[arg-type]
        outsider_household=outsider_household,
        outsider_person=outsider_household.members.order_by("pk").first(),  # type: ignore[arg-type]
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(world: World) -> Client:
    return client_for(world.owner)


@pytest.fixture
def outsider_client(world: World) -> Client:
    return client_for(world.outsider)
