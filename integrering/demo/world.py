"""A clearly fictitious demo world: users, an inter-municipal cooperation, and households.

All names are invented combinations; every identity number is a synthetic number (month + 80,
the range the Norwegian test ecosystem uses), which can never belong to a real person.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from integrering.accounts.models import User
from integrering.accounts.roles import Role
from integrering.accounts.services import user_create
from integrering.audit.services import AccessContext
from integrering.organisations.models import Municipality, Organisation, RefugeeServiceCooperation
from integrering.people.identity import synthetic_identity_number
from integrering.people.services import PersonInput, household_register

DEMO_PASSWORD = "demo"  # noqa: S105 - only accepted when the demo settings are in use

# (username, first name, last name, organisation: municipality number / governor name / None, roles)
DEMO_USERS: list[tuple[str, str, str, str | None, list[str]]] = [
    ("saksbehandler-oslo", "Kari", "Nordmann", "0301", [Role.REFUGEE_SERVICE_CASEWORKER]),
    ("saksbehandler-bergen", "Ola", "Vestbø", "4601", [Role.REFUGEE_SERVICE_CASEWORKER]),
    ("leder-oslo", "Lise", "Leder", "0301", [Role.MUNICIPAL_LEADER]),
    ("nav-oslo", "Nils", "Navesen", "0301", [Role.NAV_CASEWORKER]),
    ("saksbehandler-gol", "Guro", "Hallingstad", "3324", [Role.REFUGEE_SERVICE_CASEWORKER]),
    ("saksbehandler-hemsedal", "Halvor", "Skogheim", "3326", [Role.REFUGEE_SERVICE_CASEWORKER]),
    (
        "statsforvalter-vestland",
        "Siri",
        "Fjordheim",
        "Statsforvalteren i Vestland",
        [Role.COUNTY_GOVERNOR_OFFICER],
    ),
    ("planlegger", "Per", "Planlund", None, [Role.SETTLEMENT_PLANNER]),
    ("analytiker", "Anne", "Analysen", None, [Role.ANALYST]),
    ("admin", "Ada", "Administrator", None, [Role.ADMINISTRATOR]),
]

# Where the demo households live, and how many of every hundred go to each.
HOUSEHOLD_SPREAD = {
    "0301": 30,
    "4601": 20,
    "5001": 12,
    "1103": 10,
    "4204": 8,
    "5501": 6,
    "3324": 6,
    "3322": 3,
    "3320": 2,
    "3326": 3,
}

NAMES = {
    "uk": (
        ["Olena", "Iryna", "Oksana", "Daryna", "Kateryna", "Sofiia", "Yuliia", "Nataliia"],
        ["Mykola", "Andrii", "Taras", "Bohdan", "Dmytro", "Oleksii", "Serhii", "Maksym"],
        [
            "Kovalenko",
            "Bondarenko",
            "Tkachenko",
            "Shevchuk",
            "Melnyk",
            "Kravets",
            "Oliinyk",
            "Lysenko",
        ],
    ),
    "sy": (
        ["Amal", "Rania", "Lina", "Nour", "Huda", "Yasmin", "Reem", "Dima"],
        ["Yousef", "Omar", "Khaled", "Sami", "Tarek", "Bilal", "Karim", "Ziad"],
        ["Haddad", "Khoury", "Mansour", "Darwish", "Haidar", "Nasser", "Saleh", "Barakat"],
    ),
    "er": (
        ["Semhar", "Helen", "Selam", "Luwam", "Saba", "Winta"],
        ["Yonas", "Dawit", "Filmon", "Robel", "Samuel", "Aron"],
        ["Tesfay", "Ghebre", "Kidane", "Haile", "Berhane", "Woldu"],
    ),
    "af": (
        ["Zahra", "Mahnaz", "Parisa", "Farzana", "Shabnam", "Marzia"],
        ["Farid", "Hamid", "Navid", "Jawad", "Rahim", "Sohail"],
        ["Ahmadi", "Rahimi", "Karimi", "Hosseini", "Sultani", "Azizi"],
    ),
}


@dataclass(frozen=True)
class DemoResult:
    users: int
    households: int
    persons: int


def _random_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _household_members(rng: random.Random, today: datetime.date) -> list[PersonInput]:
    women, men, family_names = NAMES[rng.choice(list(NAMES))]
    family = rng.choice(family_names)
    kind = rng.choices(["single", "couple", "parent"], weights=[30, 45, 25])[0]
    adult_first, adult_last = datetime.date(1962, 1, 1), datetime.date(2005, 12, 31)
    adults = []
    if kind in {"single", "parent"}:
        adults.append((rng.choice(women + men), _random_date(rng, adult_first, adult_last)))
    else:
        adults += [
            (rng.choice(women), _random_date(rng, adult_first, adult_last)),
            (rng.choice(men), _random_date(rng, adult_first, adult_last)),
        ]
    children = (
        0 if kind == "single" else rng.choices([0, 1, 2, 3, 4], weights=[15, 30, 30, 15, 10])[0]
    )
    if kind == "parent":
        children = max(children, 1)
    youngest_parent = max(birth for _, birth in adults)
    child_first = max(
        youngest_parent + datetime.timedelta(days=18 * 365), datetime.date(2006, 1, 1)
    )
    child_last = today - datetime.timedelta(days=60)
    if child_first > child_last:  # the parents are too young to have children here
        children = 0
    members = list(adults)
    for _ in range(children):
        members.append((rng.choice(women + men), _random_date(rng, child_first, child_last)))
    return [
        PersonInput(
            given_name=name,
            family_name=family,
            birth_date=birth,
            identity_number=synthetic_identity_number(birth, rng),
        )
        for name, birth in members
    ]


def _organisation(key: str | None) -> Organisation:
    if key is None:
        return Organisation.objects.get(kind="directorate")
    if key.isdigit():
        return Organisation.objects.get(
            municipality__number=key, municipality__valid_to__isnull=True
        )
    return Organisation.objects.get(county_governor__name=key)


@transaction.atomic
def demo_world_create(
    *,
    households: int,
    seed: int,
    today: datetime.date,
    progress: Callable[[int], None] | None = None,
) -> DemoResult:
    """Create the demo users, the Hallingdal cooperation and ``households`` households."""
    rng = random.Random(seed)
    for username, first, last, org, roles in DEMO_USERS:
        user = user_create(
            username=username,
            organisation=_organisation(org),
            roles=list(roles),
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
        )
        if Role.ADMINISTRATOR in roles:
            User.objects.filter(pk=user.pk).update(is_superuser=True)
    municipalities = {
        m.number: m
        for m in Municipality.objects.filter(number__in=HOUSEHOLD_SPREAD, valid_to__isnull=True)
    }
    cooperation = RefugeeServiceCooperation.objects.create(
        name="Flyktningtjenesten i Hallingdal (fiktivt samarbeid)",
        host=municipalities["3324"],
        valid_from=datetime.date(2020, 1, 1),
    )
    cooperation.partners.set(
        [municipalities["3322"], municipalities["3320"], municipalities["3326"]]
    )

    ctx = AccessContext.command("demo-data")
    numbers = list(HOUSEHOLD_SPREAD)
    weights = list(HOUSEHOLD_SPREAD.values())
    persons = 0
    for index in range(1, households + 1):
        number = (
            numbers[index - 1]
            if index <= len(numbers)
            else rng.choices(numbers, weights=weights)[0]
        )
        members = _household_members(rng, today)
        settled = _random_date(rng, datetime.date(2022, 3, 1), today - datetime.timedelta(days=7))
        household_register(
            ctx=ctx,
            municipality=municipalities[number],
            reference=f"DEMO-{index:05d}",
            members=members,
            settled_on=settled,
        )
        persons += len(members)
        if progress:
            progress(index)
    return DemoResult(users=len(DEMO_USERS), households=households, persons=persons)
