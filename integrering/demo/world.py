"""A clearly fictitious demo world: users, an inter-municipal cooperation, and households.

All names are invented combinations; every identity number is a synthetic number (month + 80,
the range the Norwegian test ecosystem uses), which can never belong to a real person.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from integrering.accounts.models import User
from integrering.accounts.roles import Role, Service
from integrering.accounts.services import user_create
from integrering.audit.services import AccessContext
from integrering.casework.services.arrival import household_receive
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.organisations.models import Municipality, Organisation, RefugeeServiceCooperation
from integrering.people.identity import synthetic_duf_number, synthetic_identity_number
from integrering.people.models import Category, InformationCategory, Relation, Sex
from integrering.people.services import PersonInput

DEMO_PASSWORD = "demo"  # noqa: S105 - only accepted when the demo settings are in use # nosec B105

# (username, first name, last name, organisation: municipality number / governor name / None, roles)
DEMO_USERS: list[tuple[str, str, str, str | None, list[str]]] = [
    ("saksbehandler-oslo", "Kari", "Nordmann", "0301", [Role.REFUGEE_SERVICE_CASEWORKER]),
    ("saksbehandler-bergen", "Ola", "Vestbø", "4601", [Role.REFUGEE_SERVICE_CASEWORKER]),
    ("leder-oslo", "Lise", "Leder", "0301", [Role.MUNICIPAL_LEADER]),
    ("nav-oslo", "Nils", "Navesen", "0301", [Role.NAV_CASEWORKER]),
    ("helse-oslo", "Hanne", "Helsing", "0301", [Role.HEALTH_CASEWORKER]),
    ("skole-oslo", "Sverre", "Skolmo", "0301", [Role.SCHOOL_CASEWORKER]),
    ("saksbehandler-gol", "Guro", "Hallingstad", "3324", [Role.REFUGEE_SERVICE_CASEWORKER]),
    ("saksbehandler-hemsedal", "Halvor", "Skogheim", "3326", [Role.REFUGEE_SERVICE_CASEWORKER]),
    (
        "statsforvalter-vestland",
        "Siri",
        "Fjordheim",
        "Statsforvalteren i Vestland",
        [Role.COUNTY_GOVERNOR_OFFICER],
    ),
    (
        "statsforvalter-oslo",
        "Olav",
        "Lovdal",
        "Statsforvalteren i Oslo og Viken",
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

# A postcode and post town in each demo municipality, and fictitious street names: every
# household gets an address, so that its decision letters can be sent.
POST_TOWNS = {
    "0301": ("0150", "OSLO"),
    "4601": ("5003", "BERGEN"),
    "5001": ("7010", "TRONDHEIM"),
    "1103": ("4005", "STAVANGER"),
    "4204": ("4611", "KRISTIANSAND S"),
    "5501": ("9008", "TROMSØ"),
    "3324": ("3550", "GOL"),
    "3322": ("3540", "NESBYEN"),
    "3320": ("3539", "FLÅ"),
    "3326": ("3560", "HEMSEDAL"),
}
STREETS = ["Eksempelvegen", "Demogata", "Prøvevegen", "Fiktivgata", "Øvingsvegen"]

# Citizenship, mother tongue and the share of each origin among the demo households.
ORIGINS = {
    "uk": ("Ukraina", "ukrainsk"),
    "sy": ("Syria", "arabisk"),
    "er": ("Eritrea", "tigrinja"),
    "af": ("Afghanistan", "dari"),
}
RECEPTION_CENTRES = ["Råde mottak", "Hvalstad transittmottak", "Stord mottak", "Lunner mottak"]
CATEGORY_WEIGHTS = {
    Category.FROM_RECEPTION: 55,
    Category.TRANSFER_REFUGEE: 20,
    Category.FAMILY_REUNIFICATION: 12,
    Category.SELF_SETTLED: 10,
    Category.UNACCOMPANIED_MINOR: 3,
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
class WorldResult:
    """The households' part of the demo world, and the caseworkers the other parts build on."""

    households: int
    persons: int
    caseworkers: dict[str, User]
    municipalities: dict[str, Municipality]


def _random_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _household_members(rng: random.Random, settled: datetime.date) -> list[PersonInput]:
    origin = rng.choice(list(NAMES))
    women, men, family_names = NAMES[origin]
    citizenship, language = ORIGINS[origin]
    family = rng.choice(family_names)
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    arrival = settled - datetime.timedelta(days=rng.randint(30, 400))
    interpreter = rng.random() < 0.7
    kind = rng.choices(["single", "couple", "parent"], weights=[30, 45, 25])[0]
    adult_first, adult_last = datetime.date(1962, 1, 1), datetime.date(2005, 12, 31)
    if category == Category.UNACCOMPANIED_MINOR:
        kind = "single"
        adult_first = settled - datetime.timedelta(days=17 * 365)
        adult_last = settled - datetime.timedelta(days=15 * 365)
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
    child_last = arrival - datetime.timedelta(days=60)
    if child_first > child_last:  # the parents are too young to have children here
        children = 0
    members = [
        (name, birth, Relation.MAIN if i == 0 else Relation.SPOUSE)
        for i, (name, birth) in enumerate(adults)
    ]
    for _ in range(children):
        members.append(
            (rng.choice(women + men), _random_date(rng, child_first, child_last), Relation.CHILD)
        )
    return [
        PersonInput(
            given_name=name,
            family_name=family,
            birth_date=birth,
            identity_number=synthetic_identity_number(birth, rng),
            duf_number=synthetic_duf_number(max(arrival.year, birth.year), rng),
            sex=Sex.FEMALE if name in women else Sex.MALE,
            relation=relation,
            category=category,
            citizenship=citizenship,
            language=language,
            interpreter_needed=interpreter and relation != Relation.CHILD,
            interpreter_language=language if interpreter and relation != Relation.CHILD else "",
            arrival_date=arrival,
            reception_centre=rng.choice(RECEPTION_CENTRES)
            if category == Category.FROM_RECEPTION
            else "",
        )
        for name, birth, relation in members
    ]


def _organisation(key: str | None) -> Organisation:
    if key is None:
        return Organisation.objects.get(kind="directorate")
    if key.isdigit():
        return Organisation.objects.get(
            municipality__number=key, municipality__valid_to__isnull=True
        )
    return Organisation.objects.get(county_governor__name=key)


def demo_households_create(
    *,
    households: int,
    seed: int,
    today: datetime.date,
    progress: Callable[[int], None] | None = None,
) -> WorldResult:
    """Create the demo users, the Hallingdal cooperation and ``households`` households."""
    rng = random.Random(seed)  # demo data, not secrets # nosec B311
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
    caseworkers = {
        number: user
        for user in User.objects.filter(
            roles__role=Role.REFUGEE_SERVICE_CASEWORKER, username__in=[d[0] for d in DEMO_USERS]
        ).select_related("organisation__municipality")
        if user.organisation
        and user.organisation.municipality
        and (number := user.organisation.municipality.number)
    }
    numbers = list(HOUSEHOLD_SPREAD)
    weights = list(HOUSEHOLD_SPREAD.values())
    persons = 0
    for index in range(1, households + 1):
        number = (
            numbers[index - 1]
            if index <= len(numbers)
            else rng.choices(numbers, weights=weights)[0]
        )
        settled = _random_date(rng, datetime.date(2022, 3, 1), today - datetime.timedelta(days=7))
        postcode, post_town = POST_TOWNS[number]
        # From the index, not the random generator: the rest of the demo stays as it was.
        street = f"{STREETS[index % len(STREETS)]} {index}"
        members = [
            replace(m, address_line=street, postcode=postcode, post_town=post_town)
            for m in _household_members(rng, settled)
        ]
        household = household_receive(
            ctx=ctx,
            municipality=municipalities[number],
            reference=f"DEMO-{index:05d}",
            members=members,
            settled_on=settled,
            caseworker=caseworkers.get(number),
        )
        caseworker = caseworkers.get(number)
        if caseworker is not None and index % 4 == 0:
            # Some main persons have consented to NAV and adult education sharing their data.
            main = household.members.order_by("pk").first()
            assert main is not None
            consent_give(
                ctx=AccessContext.command("demo-data", user=caseworker),
                person=main,
                data=ConsentInput(
                    services=[Service.NAV, Service.ADULT_EDUCATION],
                    categories=[
                        InformationCategory.PERSONAL,
                        InformationCategory.MAPPING,
                        InformationCategory.PLAN,
                    ],
                    valid_from=settled,
                    signed_on=settled,
                ),
            )
        persons += len(members)
        if progress:
            progress(index)
    return WorldResult(
        households=households,
        persons=persons,
        caseworkers=caseworkers,
        municipalities=municipalities,
    )
