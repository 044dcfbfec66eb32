"""Small factories for tests (and benchmarks). Build real rows through the real services."""

from __future__ import annotations

import datetime
import itertools
import random

from integrering.accounts.models import User
from integrering.accounts.roles import Role
from integrering.accounts.services import user_create
from integrering.audit.services import AccessContext
from integrering.organisations.models import Municipality, Organisation
from integrering.people.identity import synthetic_identity_number
from integrering.people.models import Household, Relation
from integrering.people.services import PersonInput, household_register

_counter = itertools.count(1)
_rng = random.Random(4711)  # test factories, not secrets # nosec B311


def municipality(number: str) -> Municipality:
    return Municipality.objects.get(number=number, valid_to__isnull=True)


def make_user(
    *,
    municipality_number: str | None = None,
    governor_name: str | None = None,
    roles: list[str] | None = None,
    username: str | None = None,
    password: str | None = None,
) -> User:
    """A user of a municipality, a county governor's office, or (neither given) the directorate."""
    if municipality_number:
        organisation = Organisation.objects.get(municipality=municipality(municipality_number))
        roles = roles if roles is not None else [Role.REFUGEE_SERVICE_CASEWORKER]
    elif governor_name:
        organisation = Organisation.objects.get(county_governor__name=governor_name)
        roles = roles if roles is not None else [Role.COUNTY_GOVERNOR_OFFICER]
    else:
        organisation = Organisation.objects.get(kind="directorate")
        roles = roles if roles is not None else [Role.SETTLEMENT_PLANNER]
    return user_create(
        username=username or f"user-{next(_counter)}",
        organisation=organisation,
        roles=roles,
        password=password,
    )


# The members of a test household: the main person, a spouse, then children.
RELATIONS = (Relation.MAIN, Relation.SPOUSE, Relation.CHILD)


def make_household(
    *,
    municipality_number: str,
    members: int = 2,
    family_name: str | None = None,
    settled_on: datetime.date = datetime.date(2024, 3, 1),
    with_address: bool = True,
) -> Household:
    """A household of ``members`` persons with synthetic identity numbers, and (unless
    ``with_address`` is false) a postal address that letters can be sent to."""
    n = next(_counter)
    family = family_name or f"Testesen{n}"
    # Birth dates shift with the counter so that synthetic numbers of different households
    # do not collide.
    shift = datetime.timedelta(days=n % 360)
    births = [
        datetime.date(1985, 1, 17) + shift,
        datetime.date(1988, 2, 3) + shift,
        datetime.date(2015, 1, 2) + shift,
        datetime.date(2019, 1, 1) + shift,
    ]
    place = municipality(municipality_number)
    inputs = [
        PersonInput(
            given_name=f"Person{i + 1}",
            family_name=family,
            birth_date=births[i % len(births)],
            identity_number=synthetic_identity_number(births[i % len(births)], _rng),
            relation=RELATIONS[min(i, len(RELATIONS) - 1)],
            address_line=f"Testveien {n}" if with_address else "",
            postcode="0150" if with_address else "",
            post_town=place.name.upper() if with_address else "",
        )
        for i in range(members)
    ]
    return household_register(
        ctx=AccessContext.command("test"),
        municipality=place,
        reference=f"H-TEST-{n:05d}",
        members=inputs,
        settled_on=settled_on,
    )
