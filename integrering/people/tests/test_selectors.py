from __future__ import annotations

import datetime
import random

import pytest
from django.core.exceptions import ValidationError

from conftest import World
from integrering.accounts.models import User
from integrering.accounts.roles import Role
from integrering.audit.models import AuditEvent
from integrering.audit.services import AccessContext
from integrering.errors import NotFound
from integrering.organisations.models import Municipality, RefugeeServiceCooperation
from integrering.people.identity import synthetic_identity_number
from integrering.people.models import Household, Person
from integrering.people.selectors import person_get, persons_search, persons_visible_to
from integrering.people.services import PersonInput, error_lines, household_register
from integrering.testing import make_household, make_user


def ctx(user: object) -> AccessContext:
    return AccessContext(user=user, route="test", method="GET")


def test_owner_and_colleague_see_their_municipalitys_people_and_the_outsider_does_not(
    world: World,
) -> None:
    for user in (world.owner, world.colleague):
        assert set(persons_visible_to(user)) == set(world.household.members.all())
    assert set(persons_visible_to(world.outsider)) == set(world.outsider_household.members.all())
    with pytest.raises(NotFound):
        person_get(ctx=ctx(world.outsider), person_id=world.person.pk)
    assert person_get(ctx=ctx(world.owner), person_id=world.person.pk) == world.person


@pytest.mark.parametrize(
    "role", [Role.NAV_CASEWORKER, Role.SCHOOL_CASEWORKER, Role.MUNICIPAL_LEADER]
)
def test_other_municipal_roles_see_only_their_own_municipality(world: World, role: str) -> None:
    user = make_user(municipality_number="0301", roles=[role])
    assert set(persons_visible_to(user)) == set(world.household.members.all())


def test_directorate_county_governor_and_administrator_see_no_individual_person(
    world: World,
) -> None:
    users = [
        make_user(roles=[Role.SETTLEMENT_PLANNER]),
        make_user(roles=[Role.ANALYST]),
        make_user(roles=[Role.ADMINISTRATOR]),
        make_user(governor_name="Statsforvalteren i Oslo og Viken"),
    ]
    for user in users:
        assert not persons_visible_to(user).exists()


def test_a_user_without_roles_or_inactive_sees_nobody(world: World) -> None:
    assert not persons_visible_to(make_user(municipality_number="0301", roles=[])).exists()
    world.owner.is_active = False
    world.owner.save()
    assert not persons_visible_to(world.owner).exists()


def test_the_host_of_a_cooperation_serves_its_partners_but_a_partner_sees_only_itself(
    db: None,
) -> None:
    gol, nesbyen, hemsedal = (Municipality.objects.get(number=n) for n in ("3324", "3322", "3326"))
    cooperation = RefugeeServiceCooperation.objects.create(
        name="Hallingdal", host=gol, valid_from=datetime.date(2020, 1, 1)
    )
    cooperation.partners.set([nesbyen, hemsedal])
    people = {n: make_household(municipality_number=n, members=1) for n in ("3324", "3322", "3326")}

    host_user = make_user(municipality_number="3324")
    seen_by_host = {p.municipality.number for p in persons_visible_to(host_user)}
    assert seen_by_host == {"3324", "3322", "3326"}

    partner_user = make_user(municipality_number="3326")
    assert {p.municipality.number for p in persons_visible_to(partner_user)} == {"3326"}
    with pytest.raises(NotFound):
        person_get(ctx=ctx(partner_user), person_id=people["3322"].members.get().pk)

    # The host's other services (NAV) do not get the partners' people through the cooperation.
    host_nav = make_user(municipality_number="3324", roles=[Role.NAV_CASEWORKER])
    assert {p.municipality.number for p in persons_visible_to(host_nav)} == {"3324"}

    # An ended cooperation no longer gives access, from the next request on (the user as a
    # request loads it: the cooperations are read once per request).
    RefugeeServiceCooperation.objects.filter(pk=cooperation.pk).update(
        valid_to=datetime.date(2021, 1, 1)
    )
    next_request = User.objects.get(pk=host_user.pk)
    assert {p.municipality.number for p in persons_visible_to(next_request)} == {"3324"}


def test_search_finds_by_name_number_and_household_within_reach_only(world: World) -> None:
    assert set(persons_search(ctx=ctx(world.owner), query="Eierstad")) == set(
        world.household.members.all()
    )
    assert persons_search(ctx=ctx(world.owner), query=(world.person.identity_number or "")[:6])
    assert len(persons_search(ctx=ctx(world.owner), query=world.household.reference)) == 3
    assert persons_search(ctx=ctx(world.outsider), query="Eierstad") == []


def _expected(persons: list[Person], query: str, *, details: bool) -> list[Person]:
    """The search's rule, in Python: every term in a name (any case), or, with the details
    visible, at the start of the number or as the household's reference; in name order."""

    def matches(person: Person, term: str) -> bool:
        names = (person.given_name.upper(), person.family_name.upper())
        by_number = term.isdigit() and (person.identity_number or "").startswith(term)
        by_household = person.household.reference.upper() == term.upper()
        return any(term.upper() in name for name in names) or (
            details and (by_number or by_household)
        )

    found = [p for p in persons if all(matches(p, term) for term in query.split())]
    return sorted(found, key=lambda p: (p.family_name, p.given_name, p.pk))[:5]


def test_search_gives_the_first_matches_in_name_order_whichever_way_the_database_reads_them(
    world: World,
) -> None:
    # Family names that contain the terms and given names that do, over the whole alphabet (on
    # PostgreSQL the search reads the two apart: people.selectors._first_matches).
    families = ["Andersen", "Olsen", "Berg", "Kovalenko", "Zolasen", "Haddad", "Olafsen"]
    givens = ["Ola", "Kari", "Olena", "Sen", "Nils", "Amal"]
    for i, family in enumerate(families):
        household = make_household(municipality_number="0301", members=3, family_name=family)
        for j, member in enumerate(household.members.order_by("pk")):
            Person.objects.filter(pk=member.pk).update(given_name=givens[(i + j) % len(givens)])
    persons = list(persons_visible_to(world.owner))
    service_user = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    number = (persons[5].identity_number or "")[:6]
    queries = ["sen", "ola", "OLA SEN", "ko", "olena kov", "en a", "Sen Ola", number]
    queries += [persons[7].household.reference, "zzz", "Berg Kari", "ola 1"]

    for query in queries:
        assert persons_search(ctx=ctx(world.owner), query=query, limit=5) == _expected(
            persons, query, details=True
        ), query
        assert persons_search(ctx=ctx(service_user), query=query, limit=5) == _expected(
            persons, query, details=False
        ), query


def test_registering_a_duplicate_names_where_the_person_already_is(world: World) -> None:
    existing = world.outsider_person
    with pytest.raises(ValidationError) as excinfo:
        household_register(
            ctx=ctx(world.owner),
            municipality=world.household.municipality,
            reference="H-NEW",
            members=[
                PersonInput("Ny", "Person", existing.birth_date, existing.identity_number),
                PersonInput("", "Tom", datetime.date(1990, 1, 1), "12345678901"),
            ],
        )
    messages = " ".join(error_lines(excinfo.value.message_dict))
    assert (
        "Person 1, fødselsnummer: Fødselsnummeret er allerede registrert i Bergen kommune"
        in messages
    )
    assert existing.household.reference in messages
    assert "Person 2, fornavn: Fornavn må fylles ut" in messages
    assert "Person 2, fødselsnummer: Kontrollsifrene" in messages
    assert not Household.objects.filter(reference="H-NEW").exists()


def test_registering_audits_each_created_person(db: None) -> None:
    number = synthetic_identity_number(datetime.date(1991, 4, 4), random.Random(9))
    household = household_register(
        ctx=AccessContext.command("test"),
        municipality=Municipality.objects.get(number="0301"),
        reference="H-AUD",
        members=[PersonInput("Ana", "Audit", datetime.date(1991, 4, 4), number)],
    )
    person = Person.objects.get(household=household)
    event = AuditEvent.objects.get(person_id=person.pk)
    assert (event.action, event.allowed, event.username) == ("create", True, "(system)")
