"""Deadline dashboard and person search for a caseworker, with 100 000 persons in PostgreSQL.

Loads 100 000 persons (about 40 000 households, each with its arrival deadlines) into a fresh
PostgreSQL database, then requests the dashboard and the search through the Django test client
(the whole stack: middleware, selectors, audit writes, templates) and prints p50/p95.
Goal (issue 5): p95 under 200 ms.

    make bench-casework            # or:
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/integrering_bench .venv/bin/python benchmarks/casework.py
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/integrering_bench"
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrering.settings")
os.environ.setdefault("INTEGRERING_TESTING", "1")


def recreate_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60, help="requests per measured page")
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database")
    args = parser.parse_args()

    if not args.keep:
        recreate_database(BENCH_URL)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from integrering.people.models import Person

    if not args.keep or not Person.objects.exists():
        started = time.perf_counter()
        load(args.persons)
        print(f"loaded {Person.objects.count()} persons in {time.perf_counter() - started:.1f} s")
    measure(args.requests)


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
    from django.db import transaction

    from integrering.accounts.roles import Role
    from integrering.casework.models import Deadline
    from integrering.casework.services.arrival import person_facts
    from integrering.people.identity import synthetic_identity_number
    from integrering.people.models import Household, Person, Relation
    from integrering.rules.deadlines import arrival_deadlines
    from integrering.testing import make_user, municipality

    rng = random.Random(2026)
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
            households = []
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
            people = []
            for household in households:
                size = rng.choice([1, 2, 2, 3, 4, 5])
                family = rng.choice(NAMES)
                for i in range(size):
                    if made + len(people) >= persons:
                        break
                    adult = i < 2
                    born = household.settled_on - datetime.timedelta(  # type: ignore[operator]
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
                settled = person.household.settled_on
                assert settled is not None
                for duty in arrival_deadlines(
                    person_facts(person), settled_on=settled, arrived_on=None
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
        cursor.execute("ANALYZE")


def measure(requests: int) -> None:
    from django.test import Client

    from integrering.accounts.models import User
    from integrering.casework.models import Deadline
    from integrering.people.models import Person

    user = User.objects.get(username="bench-oslo")
    client = Client()
    client.force_login(user)
    oslo = Person.objects.filter(municipality__number="0301")
    sample = list(oslo.order_by("?")[:requests])
    print(
        f"data: {Person.objects.count()} persons, {oslo.count()} in Oslo (the caseworker's), "
        f"{Deadline.objects.count()} deadlines ({Deadline.objects.filter(met_on__isnull=True).count()} open)"
    )
    pages = {
        "deadline dashboard  /frister/": lambda i: ("/frister/", {}),
        "dashboard, school   /frister/?service=school": lambda i: (
            "/frister/",
            {"service": "school"},
        ),
        "dashboard, mine     /frister/?caseworker=": lambda i: (
            "/frister/",
            {"caseworker": str(user.pk)},
        ),
        "search by name      /personer/?q=": lambda i: (
            "/personer/",
            {"q": sample[i].family_name[:4]},
        ),
        "search by number    /personer/?q=": lambda i: (
            "/personer/",
            {"q": (sample[i].identity_number or "")[:6]},
        ),
        "API deadlines       /api/v1/deadlines/": lambda i: ("/api/v1/deadlines/", {}),
        "API search          /api/v1/persons/?q=": lambda i: (
            "/api/v1/persons/",
            {"q": sample[i].given_name},
        ),
    }
    worst = 0.0
    for label, build in pages.items():
        url, params = build(0)
        client.get(url, params)  # warm up
        times = []
        for i in range(requests):
            url, params = build(i)
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p50 = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        worst = max(worst, p95)
        print(f"{label:<48} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({requests} requests)")
    print(
        f"worst p95: {worst:.1f} ms (goal: under 200 ms) -> {'OK' if worst < 200 else 'TOO SLOW'}"
    )


if __name__ == "__main__":
    main()
