"""The person list (issue 23): pages with a count, and a search that ignores accents and case."""

from __future__ import annotations

import datetime
import random

from conftest import World, client_for
from integrering.accounts.roles import Role
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.people.identity import synthetic_identity_number
from integrering.people.models import Person
from integrering.people.selectors import persons_page, persons_search
from integrering.people.services import PersonInput, household_register, person_update
from integrering.testing import make_household, make_user, municipality

DASH = "\u2013"


def ctx(user: object) -> AccessContext:
    return AccessContext(user=user, route="test", method="GET")


def _register(family_name: str, given_name: str = "Sara", number: str = "0301") -> Person:
    household = household_register(
        ctx=AccessContext.command("test"),
        municipality=municipality(number),
        reference=f"H-FOLD-{family_name}-{given_name}",
        members=[
            PersonInput(
                given_name=given_name,
                family_name=family_name,
                birth_date=datetime.date(1990, 5, 17),
            )
        ],
    )
    return household.members.get()


def test_azizi_finds_azizi_with_accents_and_the_accents_find_it_too(world: World) -> None:
    person = _register("Azízi")
    _register("Azizi", given_name="Omid")
    for query in ("azizi", "AZIZI", "Azízi", "azí"):
        found = persons_search(ctx=ctx(world.owner), query=query)
        assert person in found, query
        assert len(found) == 2, query
    assert persons_search(ctx=ctx(world.outsider), query="azizi") == []


def test_o_does_not_find_a_norwegian_o_with_a_stroke(world: World) -> None:
    oeya = _register("Øya")
    assert persons_search(ctx=ctx(world.owner), query="øya") == [oeya]
    assert persons_search(ctx=ctx(world.owner), query="ØYA") == [oeya]
    assert persons_search(ctx=ctx(world.owner), query="oya") == []


def test_the_middle_name_is_searched_with_the_given_name(world: World) -> None:
    person = _register("Hosseini", given_name="Ali")
    Person.objects.filter(pk=person.pk).update(middle_name="Rézā")
    assert persons_search(ctx=ctx(world.owner), query="reza hosseini") == [person]


def test_every_way_of_changing_a_name_keeps_the_search_in_step(world: World) -> None:
    person = _register("Berg")
    changed = person_update(
        ctx=ctx(world.owner),
        person=person,
        data=PersonInput(given_name="Émile", family_name="Çelik", birth_date=person.birth_date),
        version=person.version,
    )
    assert (changed.search_given, changed.search_family) == ("emile", "celik")
    Person.objects.filter(pk=person.pk).update(family_name="Núñez")
    assert persons_search(ctx=ctx(world.owner), query="nunez") == [changed]
    changed.refresh_from_db()
    changed.family_name = "Ødegård"
    changed.save(update_fields=["family_name"])
    assert Person.objects.get(pk=person.pk).search_family == "ødegård"


def test_the_list_pages_with_a_count_and_keeps_the_search_in_its_links(world: World) -> None:
    for _ in range(18):
        make_household(municipality_number="0301", members=3, family_name="Sidesen")
    client = client_for(world.owner)
    first = client.get("/personer/", {"q": "sidesen"}).content.decode()
    assert f"1{DASH}50 av 54" in first
    assert '<nav aria-label="Sider med personer"' in first
    assert 'href="?q=sidesen&amp;side=2">Neste side' in first
    second = client.get("/personer/", {"q": "sidesen", "side": "2"}).content.decode()
    assert f"51{DASH}54 av 54" in second
    # A page past the end (a link kept after persons left) shows the last one.
    past = persons_page(ctx=ctx(world.owner), query="sidesen", page=7)
    assert (past.number, past.count, len(past.items)) == (2, 54, 4)
    assert [p.pk for p in past.items] == [
        p.pk for p in persons_page(ctx=ctx(world.owner), query="sidesen", page=2).items
    ]
    everyone = client.get("/personer/").content.decode()
    assert f"1{DASH}50 av 57" in everyone  # and the three of the world's household
    # Only the persons shown are audited.
    listed = AuditEvent.objects.filter(username="owner", action=AuditAction.SEARCH).first()
    assert listed is not None and listed.detail == "søk: sidesen"


def test_the_outsider_finds_none_of_them(world: World) -> None:
    _register("Azízi")
    body = client_for(world.outsider).get("/personer/", {"q": "azizi"}).content.decode()
    assert "Ingen personer passer «azizi»." in body
    page = persons_page(ctx=ctx(world.outsider), query="")
    assert page.count == 2  # the outsider's own household only
    assert {p.family_name for p in page} == {"Utenbys"}


def test_a_service_without_consent_finds_by_name_only_on_every_page(world: World) -> None:
    nav = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    number = (world.person.identity_number or "")[:6]
    assert persons_page(ctx=ctx(nav), query=number).count == 0
    page = persons_page(ctx=ctx(nav), query="eierstad")
    assert page.count == 3 and not any(p.details_visible for p in page)  # type: ignore[attr-defined]


def test_the_household_list_finds_a_household_by_a_members_name_without_accents(
    world: World,
) -> None:
    person = _register("Azízi")
    client = client_for(world.owner)
    found = client.get("/husstander/", {"q": "azizi"})
    assert found.status_code == 200
    assert [h.pk for h in found.context["page"]] == [person.household_id]
    assert f"1{DASH}1 av 1" in found.content.decode()
    by_number = client.get("/husstander/", {"q": world.household.reference.lower()})
    assert [h.pk for h in by_number.context["page"]] == [world.household.pk]
    assert by_number.context["page"].items[0].member_count == 3
    assert client_for(world.outsider).get("/husstander/", {"q": "azizi"}).context["page"].count == 0


def test_the_household_list_pages_and_filters_by_settlement_and_contact_person(
    world: World,
) -> None:
    for _ in range(55):
        make_household(municipality_number="0301", members=1)
    mine = make_household(municipality_number="0301", members=1)
    mine.caseworker, mine.settled_on = world.owner, None
    mine.save()
    client = client_for(world.owner)
    first = client.get("/husstander/").content.decode()
    assert f"1{DASH}50 av 57" in first
    assert '<nav aria-label="Sider med husstander"' in first
    second = client.get("/husstander/", {"settled": "bosatt", "side": "2"}).content.decode()
    assert f"51{DASH}56 av 56" in second
    assert 'href="?settled=bosatt">Forrige side' in second
    waiting = client.get("/husstander/", {"settled": "ikke-bosatt"}).context["page"]
    assert [h.pk for h in waiting] == [mine.pk]
    assert [h.pk for h in client.get("/husstander/", {"mine": "on"}).context["page"]] == [mine.pk]
    listed = AuditEvent.objects.filter(username="owner", action=AuditAction.LIST).first()
    assert listed is not None and listed.detail == "husstander"


def test_a_service_without_consent_sees_no_household_in_the_list(world: World) -> None:
    nav = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    response = client_for(nav).get("/husstander/", {"q": "eierstad"})
    assert response.status_code == 200
    assert response.context["page"].count == 0
    assert world.household.reference not in response.content.decode()


def test_a_number_finds_the_numbers_that_start_with_it_in_name_order_and_no_name(
    world: World,
) -> None:
    # Persons born the same day: their identity numbers start alike (ddmmyy).
    rng = random.Random(25)
    persons = [_register(name) for name in ("Øberg", "Aasen", "Mikkelsen")]
    for person in persons:
        person.identity_number = synthetic_identity_number(person.birth_date, rng)
        person.save(update_fields=["identity_number"])
    numbers = {(p.identity_number or "")[:6] for p in persons}
    assert len(numbers) == 1
    start = numbers.pop()
    # A name that holds the digits is not a match: a term of digits only is a number.
    _register(f"Nr{start}", given_name="Tall")
    page = persons_page(ctx=ctx(world.owner), query=start)
    assert [p.family_name for p in page.items] == ["Aasen", "Mikkelsen", "Øberg"]
    assert page.count == 3
    assert persons_search(ctx=ctx(world.owner), query=f"{start} aas") == [persons[1]]
