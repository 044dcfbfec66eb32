"""The busiest pages run a fixed number of queries, however many rows they show (issue 9, part 6).

Each page is measured twice, once with few rows and once with many (persons in a search,
deadlines on the dashboard, members of a household, deadlines and consents of a person), and
must run the same number of queries both times: no query per row (N+1). The exact budget is
asserted too, with ``django_assert_num_queries``, so a new query on these pages is a decision
someone makes on purpose, not an accident. ``benchmarks/load.py`` measures the same pages under
load with 100 000 persons.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import MUNICIPALITY_A, client_for
from integrering.accounts.models import User
from integrering.accounts.roles import Role, Service
from integrering.audit.services import AccessContext
from integrering.casework.models import Deadline
from integrering.casework.services.arrival import household_settle
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.casework.services.deadlines import deadline_meet, deadline_open
from integrering.people.identity import synthetic_identity_number
from integrering.people.models import Household, InformationCategory, Person, Relation
from integrering.people.services import PersonInput, household_register
from integrering.testing import make_household, make_user, municipality

if TYPE_CHECKING:  # a type that exists only in django-stubs
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

D = datetime.date
SETTLED = D(2024, 3, 1)
FAMILY = "Tellesen"


Build = Callable[[int, "User", "User"], "Page"]


@dataclass
class Page:
    client: Client
    url: str
    params: dict[str, str]
    shows_rows: bool = True  # False: the rows are read (and decide access) but not listed


def queries_of(page: Page) -> tuple[int, int]:
    """How many queries one request of the page runs, and how many rows it shows."""
    with CaptureQueriesContext(connection) as captured:
        response = page.client.get(page.url, page.params)
    assert response.status_code == 200, (page.url, response.status_code)
    return len(captured), rows_of(response)


def households(n: int, *, members: int = 1, settle_as: User | None = None) -> list[Household]:
    """``n`` households of Oslo named ``FAMILY``; settled (deadlines, notices, meeting) if asked."""
    made = [
        make_household(
            municipality_number=MUNICIPALITY_A,
            members=members,
            family_name=FAMILY,
            settled_on=SETTLED,
        )
        for _ in range(n)
    ]
    if settle_as is not None:
        ctx = AccessContext(user=settle_as, route="test")
        for household in made:
            Household.objects.filter(pk=household.pk).update(caseworker=settle_as)
            household_settle(ctx=ctx, household=household)
    return made


@pytest.fixture
def caseworker(db: None) -> User:
    return make_user(municipality_number=MUNICIPALITY_A, username="caseworker")


@pytest.fixture
def service_user(db: None) -> User:
    """A health-service caseworker: sees what consent allows, and the health deadlines."""
    return make_user(
        municipality_number=MUNICIPALITY_A, username="health", roles=[Role.HEALTH_CASEWORKER]
    )


def give_consent(person: Person, by: User) -> None:
    consent_give(
        ctx=AccessContext(user=by, route="test"),
        person=person,
        data=ConsentInput(
            services=[Service.HEALTH, Service.SCHOOL],
            categories=[InformationCategory.PERSONAL, InformationCategory.PLAN],
            valid_from=SETTLED,
            signed_on=SETTLED,
        ),
    )


def meet_all(person: Person, by: User) -> None:
    ctx = AccessContext(user=by, route="test")
    for deadline in Deadline.objects.filter(person=person, met_on__isnull=True):
        deadline_meet(ctx=ctx, deadline=deadline, met_on=max(deadline.start_on, SETTLED))


def evaluated_plan(person: Person, times: int) -> None:
    """``times`` plan evaluations met, each by another colleague (each row names who met it)."""
    for _ in range(times):
        deadline = deadline_open(
            person=person, kind="plan_evaluation", service=Service.REFUGEE_SERVICE, start=SETTLED
        )
        colleague = make_user(municipality_number=MUNICIPALITY_A)
        deadline_meet(
            ctx=AccessContext(user=colleague, route="test"), deadline=deadline, met_on=SETTLED
        )


def household_of(size: int) -> Household:
    """A household of ``size`` members with birth dates of their own (so numbers never clash)."""
    first = Person.objects.count()
    births = [D(1960, 1, 1) + datetime.timedelta(days=13 * (first + i)) for i in range(size)]
    return household_register(
        ctx=AccessContext.command("test"),
        municipality=municipality(MUNICIPALITY_A),
        reference=f"H-QC-{Household.objects.count():04d}",
        members=[
            PersonInput(
                given_name=f"Medlem{i}",
                family_name=FAMILY,
                birth_date=birth,
                identity_number=synthetic_identity_number(birth, random.Random(i)),
                relation=Relation.MAIN if i == 0 else Relation.OTHER,
            )
            for i, birth in enumerate(births)
        ],
        settled_on=SETTLED,
    )


# --- the pages, each built with n rows ------------------------------------------------------------


def person_search(n: int, caseworker: User, service_user: User) -> Page:
    households(n)
    return Page(client_for(caseworker), "/personer/", {"q": FAMILY})


def person_search_by_service(n: int, caseworker: User, service_user: User) -> Page:
    for household in households(n):
        give_consent(household.members.get(), caseworker)
    return Page(client_for(service_user), "/personer/", {"q": FAMILY})


def deadline_dashboard(n: int, caseworker: User, service_user: User) -> Page:
    """Open and met deadlines (met ones name who met them, the households their caseworker)."""
    for i, household in enumerate(households(n, settle_as=caseworker)):
        if i % 2:
            meet_all(household.members.get(), caseworker)
    return Page(client_for(caseworker), "/frister/", {"include_met": "on"})


def deadline_dashboard_of_service(n: int, caseworker: User, service_user: User) -> Page:
    households(n, settle_as=caseworker)
    return Page(client_for(service_user), "/frister/", {})


def person_page(n: int, caseworker: User, service_user: User) -> Page:
    """A person with ``n`` consents and ``n`` met deadlines more, each met by another user."""
    (household,) = households(1, settle_as=caseworker)
    person = household.members.get()
    evaluated_plan(person, n)
    for _ in range(n):
        give_consent(person, caseworker)
    return Page(client_for(caseworker), f"/personer/{person.pk}/", {})


def person_page_of_service(n: int, caseworker: User, service_user: User) -> Page:
    (household,) = households(1, settle_as=caseworker)
    person = household.members.get()
    for _ in range(n):
        give_consent(person, caseworker)
    return Page(client_for(service_user), f"/personer/{person.pk}/", {}, shows_rows=False)


def household_page(n: int, caseworker: User, service_user: User) -> Page:
    """A settled household of ``n`` members (its notices and meetings name each of them)."""
    household = household_of(n)
    Household.objects.filter(pk=household.pk).update(caseworker=caseworker)
    household_settle(ctx=AccessContext(user=caseworker, route="test"), household=household)
    return Page(client_for(caseworker), f"/husstander/{household.pk}/", {})


def api_person_list(n: int, caseworker: User, service_user: User) -> Page:
    households(n)
    return Page(client_for(caseworker), "/api/v1/persons/", {"q": FAMILY})


# The queries each page runs, whatever the number of rows: the session, the user with the user's
# organisation and roles, the reach (the cooperations of a refugee service, once a request),
# then the page's own reads and the audit record(s) it writes.
COUNT_WITH_PAGE = int(connection.vendor == "postgresql")
PAGES: dict[str, tuple[Build, int]] = {
    # the count of the matches (bounded, «1–50 av 272»), the persons with their household and
    # municipality in one query; the household looked up by reference; one audit insert. On
    # PostgreSQL the count comes with the page (a window over the first matches).
    "person search": (person_search, 7 - COUNT_WITH_PAGE),
    "person search, service user": (person_search_by_service, 6 - COUNT_WITH_PAGE),
    # the caseworkers for the filter, the count (bounded), one page of deadlines with person,
    # household, caseworker and who met it, one audit insert
    "deadline dashboard": (deadline_dashboard, 7),
    "deadline dashboard, service user": (deadline_dashboard_of_service, 6),
    # the person, the audit record, mapping, plan, contracts, deadlines with who met them,
    # consents with their services
    "person page": (person_page, 11),
    # the person, the consents in force for the user's service, the audit record
    "person page, service user": (person_page_of_service, 5),
    # the household, its members, one audit insert, notices and meetings each with their persons
    "household page": (household_page, 10),
    "API person list": (api_person_list, 6),
}


def rows_of(response: Response) -> int:
    """How many rows the page shows: table rows and list items, or the items of an API list."""
    if response["Content-Type"].startswith("application/json"):
        return len(response.json())
    body = response.content.decode()
    return body.count("<tr") + body.count("<li>")


@pytest.mark.parametrize("name", PAGES)
def test_the_page_runs_as_many_queries_for_30_rows_as_for_3(
    name: str, caseworker: User, service_user: User
) -> None:
    build, _ = PAGES[name]
    few_page = build(3, caseworker, service_user)
    few, few_rows = queries_of(few_page)
    many_page = build(30, caseworker, service_user)
    many, many_rows = queries_of(many_page)
    if many_page.shows_rows:
        assert many_rows > few_rows, "the second page must show more rows"
    assert few == many, f"{name}: {few} queries with {few_rows} rows, {many} with {many_rows}"


@pytest.mark.parametrize("name", PAGES)
def test_the_page_keeps_its_query_budget(
    name: str,
    caseworker: User,
    service_user: User,
    django_assert_num_queries: Callable[..., AbstractContextManager[object]],
) -> None:
    build, budget = PAGES[name]
    page = build(5, caseworker, service_user)
    with django_assert_num_queries(budget):
        response = page.client.get(page.url, page.params)
    assert response.status_code == 200
