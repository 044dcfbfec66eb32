"""Small factories for tests (and benchmarks). Build real rows through the real services."""

from __future__ import annotations

import datetime
import itertools
import random
from typing import Any

from django.test import Client

from integrering.accounts.models import User
from integrering.accounts.roles import Role
from integrering.accounts.services import user_create
from integrering.audit.services import AccessContext
from integrering.organisations.models import Municipality, Organisation
from integrering.people.identity import synthetic_identity_number
from integrering.people.models import Household, Relation
from integrering.people.services import PersonInput, household_register
from integrering.ui.confirm import CONFIRM_FIELD, Confirmation

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


def confirmation_of(response: Any) -> Confirmation:
    """The ``Confirmation`` a response of the test client asked for (``ui/confirm.py``); fails
    when the response is not the confirmation page."""
    context = response.context
    confirmation = context.get("confirmation") if context is not None else None
    assert response.status_code == 200 and isinstance(confirmation, Confirmation), (
        f"expected the confirmation page, got {response.status_code}"
    )
    return confirmation


def post_confirmed(
    client: Client, path: str, data: dict[str, Any] | None = None, **extra: Any
) -> Any:
    """POST an irreversible action as a person does it: the page that says what will happen
    first, then «Bekreft», which posts the same fields and the confirmation of that summary."""
    data = dict(data or {})
    confirmation = confirmation_of(client.post(path, data))
    return client.post(path, {**data, CONFIRM_FIELD: confirmation.token}, **extra)
