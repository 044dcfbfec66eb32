"""The synthetic registry the benchmarks load into PostgreSQL: 100 000 persons in ten municipalities.

Shared by ``casework.py`` (the dashboard and search through the test client) and ``load.py``
(50 concurrent users against gunicorn). About 40 000 households, settled 2022-2026, each person
with the arrival deadlines of ``rules.deadlines`` (70 % of them met); Oslo's caseworker
``bench-oslo`` is the contact person of about 30 % of Oslo's households. Seeded, so every run
loads the same world. Call the functions after ``django.setup()`` (``recreate_database`` before).
"""

from __future__ import annotations

import datetime
import random
import sys


def recreate_database(url: str) -> None:
    """Drop and create the PostgreSQL database of ``url`` (connections to it are ended)."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# Share of the persons in each municipality: Oslo's caseworker sees about 30 000 of them.
SPREAD = {
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
NAMES = [
    "Kovalenko",
    "Haddad",
    "Tesfay",
    "Ahmadi",
    "Melnyk",
    "Khoury",
    "Kidane",
    "Rahimi",
    "Shevchuk",
    "Mansour",
]
GIVEN = ["Olena", "Mykola", "Amal", "Omar", "Semhar", "Yonas", "Zahra", "Farid", "Iryna", "Lina"]


def load(persons: int) -> None:
    """Load ``persons`` persons with their households and deadlines, then VACUUM ANALYZE.

    VACUUM as well as ANALYZE: a registry in use has been vacuumed by autovacuum, so its rows
    carry their hint bits and the visibility map is set. Without it the first reads after the
    bulk load rewrite every page, and the first run measures that instead of the product.
    """
    from django.db import transaction

    from integrering.accounts.roles import Role
    from integrering.casework.models import Deadline
    from integrering.casework.services.arrival import person_facts
    from integrering.people.identity import synthetic_identity_number
    from integrering.people.models import Household, Person, Relation
    from integrering.rules.deadlines import arrival_deadlines
    from integrering.testing import make_user, municipality

    rng = random.Random(2026)  # seeded synthetic data, not a secret # nosec B311
    caseworker = make_user(
        municipality_number="0301", username="bench-oslo", roles=[Role.REFUGEE_SERVICE_CASEWORKER]
    )
    municipalities = {number: municipality(number) for number in SPREAD}
    numbers, weights = list(SPREAD), list(SPREAD.values())
    used: set[str] = set()
    made = 0
    batch = 0
    while made < persons:
        with transaction.atomic():
            households: list[Household] = []
            for _ in range(2000):
                number = rng.choices(numbers, weights)[0]
                settled = datetime.date(2022, 1, 1) + datetime.timedelta(days=rng.randint(0, 1500))
                households.append(
                    Household(
                        municipality=municipalities[number],
                        reference=f"B-{batch:03d}-{len(households):05d}",
                        settled_on=settled,
                        caseworker=caseworker if number == "0301" and rng.random() < 0.3 else None,
                    )
                )
            Household.objects.bulk_create(households)
            people: list[Person] = []
            for household in households:
                size = rng.choice([1, 2, 2, 3, 4, 5])
                family = rng.choice(NAMES)
                for i in range(size):
                    if made + len(people) >= persons:
                        break
                    adult = i < 2
                    assert household.settled_on is not None
                    born = household.settled_on - datetime.timedelta(
                        days=rng.randint(20 * 365, 55 * 365)
                        if adult
                        else rng.randint(200, 17 * 365)
                    )
                    while (ident := synthetic_identity_number(born, rng)) in used:
                        pass
                    used.add(ident)
                    people.append(
                        Person(
                            household=household,
                            municipality_id=household.municipality_id,
                            given_name=rng.choice(GIVEN),
                            family_name=family,
                            birth_date=born,
                            identity_number=ident,
                            relation=Relation.MAIN
                            if i == 0
                            else (Relation.SPOUSE if adult else Relation.CHILD),
                        )
                    )
            Person.objects.bulk_create(people)
            deadlines = []
            for person in people:
                settled_on = person.household.settled_on
                assert settled_on is not None
                for duty in arrival_deadlines(
                    person_facts(person), settled_on=settled_on, arrived_on=None
                ):
                    deadlines.append(
                        Deadline(
                            person=person,
                            municipality_id=person.municipality_id,
                            kind=duty.kind,
                            service=duty.service,
                            start_on=duty.start,
                            due_on=duty.due,
                            met_on=duty.due if rng.random() < 0.7 else None,
                        )
                    )
            Deadline.objects.bulk_create(deadlines, batch_size=5000)
            made += len(people)
            batch += 1
            print(f"\r  {made:>7} / {persons} persons", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
