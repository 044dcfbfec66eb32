"""The real product served by gunicorn, for the tests that drive it from outside (browser, fuzzing).

The server gets its own database, loaded by the real commands (migrate, demo-data): a SQLite
file, or, when DATABASE_URL points at PostgreSQL, a fresh database beside the test database,
named after the test database with a suffix (``test_browser``, ``test_fuzz``) so that several
live servers can run side by side.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "integrering"]


@dataclass(frozen=True)
class LiveServer:
    url: str
    env: dict[str, str] = field(repr=False)  # to run commands against the server's database
    log: Path  # gunicorn's stderr: the tracebacks of server errors

    def command(self, *args: str) -> str:
        """Run an ``integrering`` command on the server's database and return its output."""
        done = subprocess.run(
            [*CLI, *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def recreate_database(url: str) -> None:
    """Drop and create the PostgreSQL database of ``url`` (connections to it are ended)."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_database(tmp: Path, name: str) -> str:
    """A fresh database for a live server: ``tmp/NAME.sqlite3``, or ``<test db>_NAME`` on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / f'{name}.sqlite3'}"
    base, _, database = url.rpartition("/")
    server_url = f"{base}/{database.split('?')[0]}_{name}"
    recreate_database(server_url)
    return server_url


@contextmanager
def live_server(
    tmp: Path, *, name: str, households: int = 30, extra_env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """Migrate a fresh database, load the demo world, start the worker and gunicorn; stop both after."""
    env = {
        **os.environ,
        "DATABASE_URL": server_database(tmp, name),
        "INTEGRERING_DEMO": "1",
        "INTEGRERING_TESTING": "1",
        **(extra_env or {}),
    }
    for command in (["migrate", "-v0"], ["demo-data", "--households", str(households)]):
        subprocess.run(
            [*CLI, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
        )
    # The background worker, as `make demo` runs it: imports are tasks it picks up.
    worker = subprocess.Popen(
        [*CLI, "db_worker", "--interval", "0.5", "--no-startup-delay", "-v0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port = free_port()
    # A file, not a pipe: a pipe nobody reads blocks gunicorn once its buffer is full.
    log = tmp / f"{name}-gunicorn.log"
    log_file = log.open("wb")
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "integrering.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    url = f"http://127.0.0.1:{port}"
    # Ready when it answers HTTP, not merely when the port is open: the workers may still be
    # importing Django on a busy machine.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            worker.terminate()
            log_file.close()
            raise RuntimeError(f"gunicorn died: {log.read_text()}")
        try:
            urllib.request.urlopen(f"{url}/api/v1/openapi.json", timeout=10).close()  # noqa: S310
            break
        except OSError:
            time.sleep(0.3)
    try:
        yield LiveServer(url=url, env=env, log=log)
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log_file.close()
