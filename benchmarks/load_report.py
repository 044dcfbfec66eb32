"""The figures of ``benchmarks/load.py``: p50/p95/p99 and errors per page, and the PostgreSQL plan
of the slowest query of the slowest page.

The plan. After the load, the requests of the page with the highest p95 that took longest are
made again, one at a time, in this process (the test client, logged in as the same user, on the
same database), with every SQL query timed; the slowest of them is run again under ``EXPLAIN
(ANALYZE, BUFFERS)`` and its plan printed. One at a time, so the query's own time, not the
queueing of the load: what an index or a better query would change.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

GOAL_P95_MS = 200.0
PAGES = ["person search", "person page", "deadline dashboard", "API person list"]
REPLAYED = 8  # the slowest requests of the slowest page made again to find its slowest query


@dataclass
class Sample:
    page: str
    ms: float
    error: str = ""  # "" for a 2xx response
    username: str = ""
    path: str = ""


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    lock: Lock = field(default_factory=Lock)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds the server used in the run

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def percentile(ordered: list[float], p: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def page_p95(samples: list[Sample], page: str) -> float:
    times = sorted(s.ms for s in samples if s.page == page and not s.error)
    return percentile(times, 95) if times else float("nan")


def report(results: Results, *, users: int, seconds: float, think: float) -> bool:
    """Print the table of figures; whether the goal is met (p95 < 200 ms everywhere, 0 errors)."""
    elapsed_ms = next(s.ms for s in results.samples if s.page == "_elapsed")
    samples = [s for s in results.samples if s.page != "_elapsed"]
    logins = [s for s in samples if s.page == "login"]
    measured = [s for s in samples if s.page != "login"]
    print(
        f"load: {users} users for {seconds:.0f} s, think time {think:g} s mean "
        f"(uniform {0.5 * think:g}-{1.5 * think:g} s) between a user's requests; "
        f"login not measured"
    )
    print(f"{'page':<20} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    ok = True
    rows = [p for p in PAGES if any(s.page == p for s in measured)]
    for page in [*rows, "overall"]:
        chosen = measured if page == "overall" else [s for s in measured if s.page == page]
        if not chosen:
            continue
        times = sorted(s.ms for s in chosen if not s.error)
        errors = sum(1 for s in chosen if s.error)
        p50 = statistics.median(times) if times else float("nan")
        p95 = percentile(times, 95) if times else float("nan")
        p99 = percentile(times, 99) if times else float("nan")
        ok = ok and errors == 0 and p95 < GOAL_P95_MS
        print(f"{page:<20} {len(chosen):>8} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {errors:>7}")
    elapsed = elapsed_ms / 1000
    failed = [s for s in samples if s.error]
    print(
        f"throughput: {len(measured) / elapsed:.1f} requests/s over {elapsed:.1f} s; "
        f"errors: {len(failed)} ({len(logins)} failed logins)"
    )
    for message in sorted({f"{s.page}: {s.error}" for s in failed})[:10]:
        print(f"  error {message}")
    if measured and results.cpu:
        per_request = {k: 1000 * v / len(measured) for k, v in results.cpu.items()}
        cores = os.cpu_count() or 1
        print(
            f"server CPU per request: gunicorn {per_request['gunicorn']:.1f} ms, "
            f"PostgreSQL {per_request['postgres']:.1f} ms; load average "
            f"{os.getloadavg()[0]:.1f} on {cores} cores (others' work included)"
        )
        generator = per_request.get("load generator", 0.0)
        all_told = per_request["gunicorn"] + per_request["postgres"] + generator
        print(
            f"load generator CPU per request: {generator:.1f} ms (on the same cores); "
            f"all told {all_told:.1f} ms a request: these cores serve at most "
            f"{1000 * cores / all_told:.0f} requests/s flat out, and this load asks for "
            f"about {users / think if think else float('inf'):.0f}"
        )
    ok = ok and not logins
    print(
        f"goal: p95 under {GOAL_P95_MS:.0f} ms on every page and 0 errors -> "
        f"{'OK' if ok else 'NOT MET'}"
    )
    return ok


@dataclass
class Query:
    ms: float
    sql: str
    params: Any
    path: str


@contextmanager
def queries_timed(found: list[Query], path: Callable[[], str]) -> Iterator[None]:
    """Time every query this thread's connection runs while inside."""
    from django.db import connection

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if not many:
                found.append(Query((time.perf_counter() - started) * 1000, sql, params, path()))

    with connection.execute_wrapper(timed):
        yield


def slowest_query_plan(results: Results) -> None:
    """Print the slowest query of the slowest page (by p95), with its plan (EXPLAIN ANALYZE)."""
    from django.db import connection
    from django.test import Client

    from integrering.accounts.models import User

    samples = [s for s in results.samples if s.page in PAGES and not s.error and s.path]
    if not samples:
        return
    page = max({s.page for s in samples}, key=lambda p: page_p95(samples, p))
    slowest = sorted((s for s in samples if s.page == page), key=lambda s: s.ms, reverse=True)
    replay: list[Sample] = []
    for sample in slowest:
        if all(sample.path != r.path for r in replay):
            replay.append(sample)
        if len(replay) == REPLAYED:
            break
    found: list[Query] = []
    current = [""]
    for n, sample in enumerate(replay):
        client = Client()
        client.force_login(User.objects.get(username=sample.username))
        if n == 0:
            client.get(sample.path)  # this process's first request loads templates and code
        current[0] = sample.path
        with queries_timed(found, lambda: current[0]):
            started = time.perf_counter()
            status = client.get(sample.path).status_code
        print(
            f"again, alone: {page} {sample.path} -> {status} in "
            f"{(time.perf_counter() - started) * 1000:.1f} ms (under load: {sample.ms:.1f} ms)"
        )
    if not found:
        return
    query = max(found, key=lambda q: q.ms)
    # PostgreSQL's operations only (the benchmark runs on PostgreSQL).
    sql = connection.ops.compose_sql(query.sql, query.params)  # type: ignore[attr-defined]
    print(
        f"slowest query of the slowest page ({page}, p95 {page_p95(samples, page):.1f} ms): "
        f"{query.ms:.1f} ms in {query.path}\n{sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query.sql, query.params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"EXPLAIN (ANALYZE, BUFFERS):\n{plan}")
