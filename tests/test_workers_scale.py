"""Workers scale out (issue 25, item 10): two web servers and three ``db_worker`` processes against
one database run every queued job exactly once, and a worker killed with ``kill -9`` mid-job
leaves its job failed, with nothing written, within the stale time, and the job can be started
again.

Real processes against the test database (a transactional test, so that they see what it
commits): two gunicorn servers take household lists over the API (``/api/v1/household-imports/``,
a caseworker's token), and three workers (``integrering db_worker``) import them. A household
import is a real job whose effect can be counted: each list holds households with references of
their own, and each person an identity number of its own, so a job run twice would show as a
household or an audit record twice, and a job lost as one missing.

The workers run with the settings of ``tests/worker_settings.py``: a stale time of 3 s instead of
15 minutes. On PostgreSQL and on SQLite alike (SQLite's writers take turns: its one write lock is
waited for, and django-tasks-db claims a task in an exclusive transaction there).
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from integrering.accounts.services import token_create
from integrering.audit.models import AuditAction, AuditEvent
from integrering.jobs import STALE_MESSAGE, WorkerLost, stale_seconds, watch_seconds
from integrering.people.identity import synthetic_identity_number
from integrering.people.imports import COLUMNS
from integrering.people.models import Household, HouseholdImport, ImportStatus, Person
from integrering.testing import make_user
from tests import worker_settings
from tests.live_server import CLI, ROOT, free_port

# A transactional test: the processes see what it commits. The municipalities (loaded by a
# migration) are put back afterwards for the next test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

JOBS = 200
WORKERS = 3
SERVERS = 2
BIG_HOUSEHOLDS = 150  # the list whose worker is killed: a save phase of some seconds
HEADER = [c.name for c in COLUMNS]
API = "/api/v1/household-imports/"
ENDED = {ImportStatus.SUCCEEDED, ImportStatus.FAILED}


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def database_url() -> str:
    """The test database, as a ``DATABASE_URL`` for the processes."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


def environment(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "INTEGRERING_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "integrering.settings",
        **extra,
    }


def start(name: str, command: list[str], env: dict[str, str], tmp: Path) -> Process:
    log = tmp / f"{name}.log"
    with log.open("wb") as out:  # a file, not a pipe nobody reads
        popen = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Process(name, popen, log)


def wait_for(what: str, ready: Callable[[], bool], seconds: float, poll: float = 0.1) -> float:
    """Wait until ``ready()``; return how long it took, or fail with ``what``."""
    started = time.monotonic()
    while not ready():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"{what}: not within {seconds:.0f} s")
        time.sleep(poll)
    return time.monotonic() - started


def answers(process: Process, port: int) -> bool:
    if process.popen.poll() is not None:
        raise AssertionError(f"{process.name} stopped:\n{process.text()[-3000:]}")
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/v1/openapi.json")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


@contextmanager
def cluster(tmp: Path) -> Iterator[tuple[list[int], dict[str, Process]]]:
    """Two gunicorn servers and three workers on the test database; all stopped afterwards."""
    processes: list[Process] = []
    ports = [free_port() for _ in range(SERVERS)]
    gunicorn = str(Path(CLI[0]).parent / "gunicorn")
    try:
        for n, port in enumerate(ports, 1):
            processes.append(
                start(
                    f"web-{n}",
                    [
                        gunicorn,
                        "integrering.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "--threads",
                        "4",
                        "--log-level",
                        "warning",
                    ],
                    environment(),
                    tmp,
                )
            )
        workers = {}
        for n in range(1, WORKERS + 1):
            worker = start(
                f"worker-{n}",
                [
                    *CLI,
                    "db_worker",
                    "--interval",
                    "0.2",
                    "--no-startup-delay",
                    "--worker-id",
                    f"worker-{n}",
                    "-v1",
                ],
                environment(DJANGO_SETTINGS_MODULE="tests.worker_settings"),
                tmp,
            )
            workers[worker.name] = worker
            processes.append(worker)
        for process in processes:
            if process.name.startswith("web"):
                port = ports[int(process.name[-1]) - 1]
                wait_for(
                    f"{process.name} answers",
                    lambda p=process, n=port: answers(p, n),  # type: ignore[misc]
                    120,
                    0.3,
                )
            else:
                wait_for(
                    f"{process.name} starts",
                    lambda w=process: "Starting worker" in w.text(),  # type: ignore[misc]
                    120,
                    0.2,
                )
        yield ports, workers
    except BaseException:
        for process in processes:  # what the processes said, to see why
            print(f"--- {process.name}\n{process.text()[-3000:]}")
        raise
    finally:
        for process in processes:
            if process.popen.poll() is None:
                process.popen.terminate()
        for process in processes:
            try:
                process.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait(timeout=10)


# --- The lists ----------------------------------------------------------------------------------


def csv_list(households: list[tuple[str, list[datetime.date]]]) -> bytes:
    """A household list: each household's reference with its members' birth dates."""
    rng = random.Random(25)
    lines = [";".join(HEADER)]
    for reference, born in households:
        for i, birth in enumerate(born):
            values = {
                "husstand": reference,
                "kommune": "0301",
                "bosatt_dato": "01.09.2024",
                "fornavn": "Amal" if i == 0 else "Lina",
                "etternavn": "Skalasen",
                "fodselsdato": birth.strftime("%d.%m.%Y"),
                "fodselsnummer": synthetic_identity_number(birth, rng),
            }
            lines.append(";".join(values.get(name, "") for name in HEADER))
    return ("\r\n".join(lines) + "\r\n").encode()


def birth(n: int) -> datetime.date:
    """A birth date of its own for person ``n``: so its synthetic identity number is its own."""
    return datetime.date(1960, 1, 1) + datetime.timedelta(days=n)


def upload(port: int, token: str, content: bytes, filename: str) -> int:
    """POST a list to a server's API; the import's id (202)."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="municipality"\r\n\r\n0301\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"'
            "\r\nContent-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        API,
        body=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    assert response.status == 202, (port, response.status, text)
    return int(json.loads(text)["id"])


def statuses(ids: list[int]) -> dict[int, str]:
    return dict(HouseholdImport.objects.filter(pk__in=ids).values_list("pk", "status"))


def writing() -> bool:
    """Whether another connection is inside a write transaction: on PostgreSQL one that holds
    uncommitted inserts into the persons' table, on SQLite the holder of the write lock."""
    if connection.vendor == "sqlite":
        probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # database is locked
            return True
        finally:
            probe.close()
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'people_person' AND l.mode = 'RowExclusiveLock' "
            "AND l.pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


# --- The test -----------------------------------------------------------------------------------


def test_workers_run_every_job_once_and_a_killed_workers_job_fails_and_runs_again(
    tmp_path: Path,
) -> None:
    user = make_user(municipality_number="0301", username="skala")
    token = token_create(user=user, name="skala").token
    with cluster(tmp_path) as (ports, workers):
        run_200_jobs_exactly_once(ports, token, set(workers))
        kill_a_worker_mid_job(ports, token, workers)


def run_200_jobs_exactly_once(ports: list[int], token: str, worker_ids: set[str]) -> None:
    references = [f"SKALA-{i:03d}" for i in range(JOBS)]
    # Every second list has two persons: the count of persons tells a lost job from another.
    lists = [
        csv_list([(ref, [birth(2 * i), birth(2 * i + 1)][: 1 + i % 2])])
        for i, ref in enumerate(references)
    ]
    persons = sum(1 + i % 2 for i in range(JOBS))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:  # both servers, several requests at once
        ids = list(
            pool.map(
                lambda i: upload(ports[i % SERVERS], token, lists[i], f"liste-{i}.csv"),
                range(JOBS),
            )
        )
    assert len(set(ids)) == JOBS
    print(f"{JOBS} lists uploaded to {SERVERS} servers in {time.monotonic() - started:.1f} s")

    seconds = wait_for(
        f"{JOBS} imports end",
        lambda: all(s in ENDED for s in statuses(ids).values()),
        120,
        0.5,
    )
    print(f"{JOBS} jobs, {WORKERS} workers, {SERVERS} servers: all ended in {seconds:.1f} s")

    imports = list(HouseholdImport.objects.filter(pk__in=ids))
    assert {i.status for i in imports} == {ImportStatus.SUCCEEDED}, [
        (i.pk, i.status, i.errors) for i in imports if i.status != ImportStatus.SUCCEEDED
    ]
    assert sum(i.households_created for i in imports) == JOBS
    assert sum(i.persons_created for i in imports) == persons
    # Each job's effect exactly once: one household per reference, none twice, none missing.
    counted = dict(
        Household.objects.filter(reference__startswith="SKALA-")
        .values_list("reference")
        .annotate(n=Count("pk"))
    )
    assert counted == dict.fromkeys(references, 1)
    created = Person.objects.filter(household__reference__startswith="SKALA-")
    assert created.count() == persons
    person_ids = list(created.values_list("pk", flat=True))
    creations = dict(
        AuditEvent.objects.filter(person_id__in=person_ids, action=AuditAction.CREATE)
        .values_list("person_id")
        .annotate(n=Count("pk"))
    )
    assert creations == dict.fromkeys(person_ids, 1)
    # Each task claimed by one worker once, and all three workers took their share.
    tasks = list(DBTaskResult.objects.filter(id__in=[i.task_id for i in imports]))
    assert len(tasks) == JOBS
    assert {t.status for t in tasks} == {"SUCCESSFUL"}
    assert all(len(t.worker_ids) == 1 for t in tasks)
    shares = {w: sum(1 for t in tasks if t.worker_ids == [w]) for w in sorted(worker_ids)}
    print(f"jobs per worker: {shares}")
    assert all(shares.values()), shares


def kill_a_worker_mid_job(ports: list[int], token: str, workers: dict[str, Process]) -> None:
    references = [f"STOR-{i:03d}" for i in range(BIG_HOUSEHOLDS)]
    content = csv_list(
        [(ref, [birth(10_000 + 2 * i), birth(10_001 + 2 * i)]) for i, ref in enumerate(references)]
    )
    numbers = [line.split(";")[HEADER.index("fodselsnummer")] for line in content.decode().split()]
    numbers = numbers[1:]
    job_id = upload(ports[0], token, content, "stor.csv")
    job = HouseholdImport.objects.get(pk=job_id)
    task = DBTaskResult.objects.get(pk=job.task_id)

    # Mid-job: the rows are checked and the worker is saving them, in one transaction.
    def saving() -> bool:
        job.refresh_from_db()
        assert job.status not in ENDED, (job.status, job.errors)
        return job.status == ImportStatus.RUNNING and 0 < job.total_rows == job.processed_rows

    wait_for("the big import reaches its save phase", saving, 60, 0.05)
    wait_for("the worker writes the households", writing, 30, 0.02)
    task.refresh_from_db()
    (worker_id,) = task.worker_ids
    victim = workers[worker_id]
    victim.popen.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    assert victim.popen.wait(timeout=10) == -signal.SIGKILL

    # Failed by another worker's check, within the stale time and one check interval.
    with override_settings(JOB_STALE_MINUTES=worker_settings.JOB_STALE_MINUTES):
        bound = stale_seconds() + watch_seconds()
    slack = 5.0  # a busy machine: the check itself, the polling here
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING  # not failed before its time

    def failed() -> bool:
        job.refresh_from_db()
        return job.status == ImportStatus.FAILED

    wait_for("the killed worker's job is failed", failed, bound + slack, 0.1)
    waited = time.monotonic() - killed_at
    print(f"kill -9 of {worker_id}: its job failed {waited:.1f} s later (bound {bound:.1f} s)")
    assert waited <= bound + slack
    assert job.error == STALE_MESSAGE
    assert [e["message"] for e in job.errors] == [STALE_MESSAGE]
    assert (job.households_created, job.persons_created) == (0, 0)
    # Nothing written: no household, no person, no audit record of the list.
    assert not Household.objects.filter(reference__startswith="STOR-").exists()
    assert not Person.objects.filter(identity_number__in=numbers).exists()
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"

    # Started again (the same list uploaded again): the remaining workers import all of it, and
    # its heartbeat keeps it alive through a save phase longer than the stale time.
    again_id = upload(ports[1], token, content, "stor.csv")
    again = HouseholdImport.objects.get(pk=again_id)
    seen: set[str] = set()
    beats_while_saving: set[datetime.datetime | None] = set()

    def done() -> bool:
        again.refresh_from_db()
        seen.add(again.status)
        if again.status == ImportStatus.RUNNING and again.processed_rows == again.total_rows:
            beats_while_saving.add(again.heartbeat_at)
        return again.status in ENDED

    seconds = wait_for("the import started again ends", done, 120, 0.1)
    print(f"started again: {again.status} in {seconds:.1f} s")
    assert again.status == ImportStatus.SUCCEEDED, again.errors
    assert (again.households_created, again.persons_created) == (BIG_HOUSEHOLDS, len(numbers))
    assert Household.objects.filter(reference__startswith="STOR-").count() == BIG_HOUSEHOLDS
    assert Person.objects.filter(identity_number__in=numbers).count() == len(numbers)
    if connection.vendor == "postgresql":
        # While the body was inside its one transaction, which writes no progress, the worker's
        # heartbeat thread went on beating for it; so the check never took it for dead. (On
        # SQLite the save holds the one write lock, so the heartbeat waits until it commits,
        # and the check may fail the job for a moment before its end wins.)
        assert len(beats_while_saving) >= 2, beats_while_saving
        assert ImportStatus.FAILED not in seen
    runner = DBTaskResult.objects.get(pk=again.task_id)
    assert runner.status == "SUCCESSFUL" and runner.worker_ids != [worker_id]
