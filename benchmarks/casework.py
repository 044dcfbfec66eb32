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
import os
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

from benchmarks.loader import load, recreate_database


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
