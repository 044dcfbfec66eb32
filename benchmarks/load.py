"""Load test: 200 caseworkers at once against gunicorn on PostgreSQL with 1 000 000 persons.

Loads the registry of ``benchmarks/loader.py`` (``--persons``, 1 000 000 by default, in ten
municipalities, with their households and deadlines) into its own PostgreSQL database with COPY,
and keeps it: the next run with the same ``--persons`` reuses it (``--fresh`` loads it again).
Creates the users, starts the product with gunicorn in production settings (DEBUG off, manifest
static files), and lets each virtual user log in through the login form (not measured) and then
loop, for a bounded time, over

1. the person search (``/personer/?q=``: the start of a family name, a given name, a given name
   and a family-name start, or the start of an identity number; the names are those of persons
   of the user's municipality, drawn at random, so a common name is searched as often as it is
   common),
2. the page of a person found by that search (``/personer/<id>/``, which writes its audit record),
3. the deadline dashboard (``/frister/``; now and then filtered by service or by "my households"),
4. with ``--api``, the API person list (``/api/v1/persons/?q=``, with the browser session).

Think time. Between two requests a virtual user waits a random time, uniform between half and
one and a half times ``--think`` (default 10 s, mean 10 s). A caseworker who reads a search
result, opens a person and reads the page spends 10-30 s per page, so 10 s is the busy end of
real work: 200 such users ask about 20 requests a second. ``--think 3`` is a stress test, three
times busier than any office (200 users then ask about 67 requests a second, more than two cores
serve: see the README's figures); ``--think 0`` measures the server's capacity.

Caseloads. Each refugee-service user is the contact person of ``--caseload`` households (40) of
their municipality, scattered over it; the other households have none, as in a registry of a
million persons most cases are long closed. The dashboard's filter «my households» shows theirs.

Users. ``--users`` caseworkers spread over the ten municipalities like the persons are (Oslo
has the most); one in five works in the health service, the school or NAV (who see what consent
allows, worked out in SQL), the others in the refugee service (the whole case), each with a
caseload. Each logs in as its own user name:
django-axes locks per user name, and the users' password is new every run (the lockout counters
of earlier runs are reset first).

gunicorn. ``--workers 4 --threads 1`` by default: two processes per core, each with one request
at a time, so that one waits on PostgreSQL while another works. Threads in one process take turns
for Python's lock: on 2 cores with 100 users, 2 workers x 4 threads gave p95 488 ms where 4 x 1
gave 323 ms, for the same CPU per request (34-35 ms).

Errors: a response that is not 2xx, or an exception (timeout, refused or broken connection).
Goal (issue 25, item 11): p95 under 200 ms for every page and 0 errors; the exit status is 1
otherwise. Then the slowest query of the slowest page, with its PostgreSQL plan
(``load_report.py``).

    make bench-load [PERSONS=1000000] [USERS=200] [LOAD_ARGS="--seconds 60"]    # or:
    LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/integrering_load .venv/bin/python benchmarks/load.py [--persons 1000000] [--users 200] [--fresh] [--seconds 60] [--think 10] [--caseload 40]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import socket
import subprocess  # starts our own gunicorn and collectstatic, fixed arguments # nosec B404
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/integrering_load"
LOAD_URL = os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL)
os.environ["DATABASE_URL"] = LOAD_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrering.settings")
os.environ.setdefault("INTEGRERING_TESTING", "1")  # this process only; the server runs without

from benchmarks.load_report import Results, Sample, report, slowest_query_plan
from benchmarks.loader import (
    SPREAD,
    database_loaded,
    database_mark_set,
    load,
    recreate_database,
)

HOST = "127.0.0.1"
USER_PREFIX = "load-"
# A contact person in the refugee service follows some tens of households.
CASELOAD = 40
# The busy end of real work: a caseworker reads a page for 10-30 s (see the docstring).
THINK_SECONDS = 10.0
TIMEOUT_SECONDS = 30.0
SAMPLED_PERSONS = 400  # per municipality: the names the users search for


@dataclass(frozen=True)
class VirtualUser:
    username: str
    user_id: int
    service_user: bool
    municipality: str


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=200, help="concurrent virtual users")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load runs")
    parser.add_argument(
        "--think",
        type=float,
        default=THINK_SECONDS,
        help="mean think time between a user's requests, seconds (uniform 0.5x-1.5x)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument(
        "--caseload",
        type=int,
        default=CASELOAD,
        help="households each refugee-service user is the contact person of",
    )
    parser.add_argument("--api", action="store_true", help="also the API person list")
    parser.add_argument(
        "--keep", action="store_true", help="reuse the loaded database, whatever its size"
    )
    parser.add_argument("--fresh", action="store_true", help="load the database again")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    reuse = not args.fresh and (args.keep or database_loaded(LOAD_URL, args.persons))
    if not reuse:
        recreate_database(LOAD_URL)
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)  # on a reused database: what is new since its load
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    from integrering.people.models import Person

    if reuse:
        print(f"reusing the loaded database {LOAD_URL.rpartition('/')[2]} (--fresh loads it again)")
    else:
        started = time.perf_counter()
        load(args.persons)
        database_mark_set(args.persons)
        print(f"loaded {Person.objects.count()} persons in {time.perf_counter() - started:.1f} s")
    password = secrets.token_urlsafe(24)
    users = make_users(args.users, password, args.caseload)
    names = sampled_names()
    describe_data()
    from django.db import connections

    connections.close_all()

    port = free_port()
    server = start_server(port, args.workers, args.threads)
    try:
        results = drive(port, users, password, args, server.pid, names)
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = report(results, users=args.users, seconds=args.seconds, think=args.think)
    slowest_query_plan(results)
    print(
        f"host: a pure-Python reference loop takes {host_reference_ms():.0f} ms here (best of 3): "
        "a rough gauge of the cores; contention for memory and cache from other tenants of a "
        "virtual machine is not in it"
    )
    sys.exit(0 if ok else 1)


def host_reference_ms() -> float:
    """How fast this host runs plain Python, on its own: the same load gives other latencies on
    a host whose cores are slower (virtual machines differ by several times). Only a rough gauge:
    the loop stays in the cache, so it does not see the memory and cache contention that slowed
    the same code by up to two times between runs on one virtual machine."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def make_users(count: int, password: str, caseload: int) -> list[VirtualUser]:
    """``count`` caseworkers over the municipalities (by their share of persons); one in five
    works in the health service, the school or NAV, the others in the refugee service."""
    from axes.utils import reset
    from django.contrib.auth.hashers import make_password

    from integrering.accounts.models import User
    from integrering.accounts.roles import Role
    from integrering.testing import make_user

    SERVICE_ROLES = [Role.HEALTH_CASEWORKER, Role.SCHOOL_CASEWORKER, Role.NAV_CASEWORKER]
    numbers = list(SPREAD)
    weights = [SPREAD[n] for n in numbers]
    # Deterministic spread: the largest remainders, so 50 users give Oslo 15, Bergen 10, ...
    total = sum(weights)
    quotas = {n: count * w / total for n, w in zip(numbers, weights, strict=True)}
    seats = {n: int(q) for n, q in quotas.items()}
    for n in sorted(numbers, key=lambda n: quotas[n] - seats[n], reverse=True)[
        : count - sum(seats.values())
    ]:
        seats[n] += 1
    users: list[VirtualUser] = []
    i = 0
    for number in numbers:
        for _ in range(seats[number]):
            service_user = i % 5 == 4
            username = f"{USER_PREFIX}{i:03d}-{number}"
            role = SERVICE_ROLES[i // 5 % 3] if service_user else Role.REFUGEE_SERVICE_CASEWORKER
            user = User.objects.filter(username=username).first() or make_user(
                municipality_number=number, roles=[role], username=username
            )
            users.append(VirtualUser(username, user.pk, service_user, number))
            i += 1
    # One hash for all (PBKDF2 is slow on purpose: 200 of them would take minutes here).
    User.objects.filter(pk__in=[u.user_id for u in users]).update(password=make_password(password))
    assign_households(users, caseload)
    reset()  # django-axes: forget failed logins of earlier runs
    return users


def assign_households(users: list[VirtualUser], caseload: int) -> None:
    """Make each refugee-service user the contact person of ``caseload`` households of their
    municipality, scattered over it; the other households have none (a registry of a million
    persons holds mostly cases whose follow-up has ended). Earlier runs' assignments are undone
    first, so that every run with the same users has the same caseloads."""
    from django.db import connection

    from integrering.accounts.models import User

    by_municipality: dict[int, list[int]] = {}
    for user in User.objects.filter(
        pk__in=[u.user_id for u in users if not u.service_user]
    ).select_related("organisation"):
        assert user.organisation is not None
        by_municipality.setdefault(user.organisation.municipality_id or 0, []).append(user.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_household SET caseworker_id = NULL WHERE caseworker_id IS NOT NULL"
        )
        for municipality_id, ids in by_municipality.items():
            for user_id in sorted(ids):
                cursor.execute(
                    "UPDATE people_household SET caseworker_id = %s WHERE id IN ("
                    "SELECT id FROM people_household WHERE municipality_id = %s "
                    "AND caseworker_id IS NULL ORDER BY id %% 7919, id LIMIT %s)",
                    [user_id, municipality_id, caseload],
                )
        cursor.execute("ANALYZE people_household")


Names = dict[str, list[tuple[str, str, str]]]


def sampled_names() -> Names:
    """Persons of each municipality, drawn at random: (given name, family name, number)."""
    from integrering.people.models import Person

    names: Names = {}
    for number in SPREAD:
        persons = Person.objects.filter(municipality__number=number).order_by("?")
        names[number] = [
            (given, family, ident or "")
            for given, family, ident in persons.values_list(
                "given_name", "family_name", "identity_number"
            )[:SAMPLED_PERSONS]
        ]
    return names


def describe_data() -> None:
    from integrering.audit.models import AuditEvent
    from integrering.casework.models import Deadline
    from integrering.people.models import Household, Person

    print(
        f"data: {Person.objects.count()} persons in {Household.objects.count()} households, "
        f"{Deadline.objects.count()} deadlines "
        f"({Deadline.objects.filter(met_on__isnull=True).count()} open), "
        f"{AuditEvent.objects.count()} audit records before the run"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_environment() -> dict[str, str]:
    """Production settings: no debug, demo or test mode; a fresh secret key."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"INTEGRERING_TESTING", "INTEGRERING_DEBUG", "INTEGRERING_DEMO"}
    }
    env["DATABASE_URL"] = LOAD_URL
    env["INTEGRERING_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["INTEGRERING_LOG_LEVEL"] = "WARNING"
    return env


def static_files_stale() -> bool:
    """Whether ``collectstatic`` must run: no manifest yet, or a static file newer than it."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(
        f.stat().st_mtime > built
        for f in (ROOT / "integrering").glob("*/static/**/*")
        if f.is_file()
    )


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = server_environment()
    python = sys.executable
    if static_files_stale():
        subprocess.run(  # noqa: S603 - our own console command, fixed arguments # nosec B603
            [python, "-m", "integrering", "collectstatic", "--no-input", "--verbosity", "0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
    log = ROOT / "var" / "load-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    command = [
        str(Path(python).parent / "gunicorn"),
        "integrering.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--timeout",
        "60",
        "--error-logfile",
        str(log),
    ]
    # our own fixed command
    server = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603 # nosec B603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/logg-inn/")
            if connection.getresponse().status == 200:
                connection.close()
                print(
                    f"server: gunicorn on {HOST}:{port}, {workers} workers x {threads} threads "
                    f"(gthread), production settings, log {log.relative_to(ROOT)}"
                )
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port} within 60 s (see {log})")


class Browser:
    """One virtual user's cookies and requests (a new connection per request, as after idling)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT_SECONDS)
        headers = {"Connection": "close", "Accept": "text/html,application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{self.port}"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, text
        finally:
            connection.close()

    def login(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/logg-inn/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or match is None:
            raise RuntimeError(f"login page answered {status}")
        status, _ = self.request(
            "POST",
            "/logg-inn/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": match.group(1),
                "next": "/personer/",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} answered {status}")


def search_term(rng: random.Random, persons: list[tuple[str, str, str]]) -> str:
    """What a caseworker types to find a person of their municipality: mostly names, sometimes
    the start of the number."""
    given, family, number = rng.choice(persons)
    roll = rng.random()
    if roll < 0.45:
        return family[: rng.randint(4, 8)]
    if roll < 0.70:
        return given
    if roll < 0.90:
        return f"{given} {family[:3]}"
    return number[:6] or given


PERSON_LINK = re.compile(r'href="/personer/(\d+)/"')


def virtual_user(
    user: VirtualUser,
    port: int,
    password: str,
    args: argparse.Namespace,
    index: int,
    start: threading.Barrier,
    logins: threading.Semaphore,
    stop_at: list[float],
    results: Results,
    names: Names,
) -> None:
    rng = random.Random(args.seed * 1000 + index)  # seeded synthetic data, not a secret # nosec B311
    browser = Browser(port)
    try:
        # A few at a time: each login hashes the password (PBKDF2, on purpose slow), and 200 at
        # once would only queue behind each other. Logins are not measured.
        with logins:
            browser.login(user.username, password)
    except (OSError, RuntimeError, http.client.HTTPException) as exc:
        results.add(Sample("login", 0.0, f"{type(exc).__name__}: {exc}"))
        start.wait()
        return
    start.wait()
    # Spread the first requests over one think time, as users do not all click at once.
    time.sleep(rng.uniform(0, args.think))
    found: list[str] = []
    persons = names[user.municipality]

    def measured(page: str, path: str, check: Callable[[str], None] | None = None) -> None:
        started = time.perf_counter()
        error = ""
        try:
            status, text = browser.request("GET", path)
            if not 200 <= status < 300:
                error = f"HTTP {status}"
            elif check is not None:
                check(text)
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        ms = (time.perf_counter() - started) * 1000
        results.add(Sample(page, ms, error, user.username, path))

    def remember(text: str) -> None:
        nonlocal found
        found = PERSON_LINK.findall(text) or found

    def dashboard_path() -> str:
        roll = rng.random()
        if roll < 0.15 and not user.service_user:
            return f"/frister/?caseworker={user.user_id}"
        if roll < 0.30:
            return f"/frister/?service={rng.choice(['school', 'nav', 'health', 'adult_education'])}"
        return "/frister/"

    steps: list[Callable[[], None]] = [
        lambda: measured(
            "person search",
            "/personer/?" + urllib.parse.urlencode({"q": search_term(rng, persons)}),
            remember,
        ),
        lambda: measured("person page", f"/personer/{rng.choice(found)}/") if found else None,
        lambda: measured("deadline dashboard", dashboard_path()),
    ]
    if args.api:
        steps.append(
            lambda: measured(
                "API person list",
                "/api/v1/persons/?" + urllib.parse.urlencode({"q": search_term(rng, persons)}),
            )
        )
    while True:
        for step in steps:
            if time.monotonic() >= stop_at[0]:
                return
            step()
            time.sleep(rng.uniform(0.5 * args.think, 1.5 * args.think))


def drive(
    port: int,
    users: list[VirtualUser],
    password: str,
    args: argparse.Namespace,
    master: int,
    names: Names,
) -> Results:
    results = Results()
    start = threading.Barrier(len(users) + 1)
    logins = threading.Semaphore(2)
    stop_at = [float("inf")]
    threads = [
        threading.Thread(
            target=virtual_user,
            args=(user, port, password, args, i, start, logins, stop_at, results, names),
            daemon=True,
        )
        for i, user in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    start.wait()  # every user has logged in (logins are not measured)
    cpu_before = server_cpu(master)
    began = time.monotonic()
    stop_at[0] = began + args.seconds
    for thread in threads:
        thread.join(timeout=args.seconds + TIMEOUT_SECONDS + 5 * args.think + 10)
    results.samples.append(Sample("_elapsed", (time.monotonic() - began) * 1000))
    cpu_after = server_cpu(master)
    results.cpu = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
    return results


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used (Linux /proc; 0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_processes(master: int) -> dict[str, list[int]]:
    """The gunicorn master and workers, and the PostgreSQL backends serving the load database."""
    found: dict[str, list[int]] = {"gunicorn": [master], "postgres": []}
    database = LOAD_URL.rpartition("/")[2]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            found["gunicorn"].append(int(entry.name))
        elif command.startswith("postgres:") and f" {database} " in command:
            found["postgres"].append(int(entry.name))
    return found


def server_cpu(master: int) -> dict[str, float]:
    """CPU seconds of the server's processes, and of this one (the virtual users), which shares
    the cores with them."""
    used = {
        name: sum(cpu_seconds(pid) for pid in pids)
        for name, pids in server_processes(master).items()
    }
    used["load generator"] = cpu_seconds(os.getpid())
    return used


if __name__ == "__main__":
    main()
