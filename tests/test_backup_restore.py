"""Data safety (issue 9 part 5): the README's backup and restore procedure, tried once.

Runs the README's block as it stands (between its ``backup-restore`` markers) on the machine's
PostgreSQL server: a database with people, their audit log and a household import is backed
up, restored into a new empty database, and the restored one holds the same rows and passes
``migrate --check``. It runs on every run of the suite, whichever database the suite itself uses,
since production is PostgreSQL.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.live_server import recreate_database

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("INTEGRERING_BACKUP_TEST_SERVER", "postgres://postgres@127.0.0.1:5432")
# Named after this process: CI runs the SQLite and the PostgreSQL suite side by side on one server.
SOURCE, TARGET = (f"integrering_backup_{part}_{os.getpid()}" for part in ("source", "restored"))
TABLES = ("people_person", "people_household", "audit_auditevent", "casework_deadline")

LOAD = """
from integrering.testing import make_household
for n in range(3):
    make_household(municipality_number="0301", members=n + 1, family_name=f"Sikkerhet{n}")
"""


def _readme_block() -> str:
    readme = (ROOT / "README.md").read_text()
    found = re.search(
        r"<!-- backup-restore:.*?-->\s*```sh\n(?P<script>.*?)```\s*<!-- /backup-restore -->",
        readme,
        re.S,
    )
    assert found, "README.md has no backup-restore block"
    return found.group("script")


def _counts(name: str) -> dict[str, int]:
    with psycopg.connect(f"{SERVER}/{name}") as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in TABLES
        }


@pytest.fixture
def databases() -> object:
    for name in (SOURCE, TARGET):
        recreate_database(f"{SERVER}/{name}")
    yield
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        for name in (SOURCE, TARGET):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_readme_backup_and_restore_procedure_restores_every_row(
    databases: object, tmp_path: Path
) -> None:
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "DATABASE_URL": f"{SERVER}/{SOURCE}",
        "INTEGRERING_TESTING": "1",
    }
    cli = [sys.executable, "-m", "integrering"]
    for command in (["migrate", "-v0"], ["shell", "-c", LOAD]):
        subprocess.run([*cli, *command], cwd=ROOT, env=env, check=True, timeout=300)
    before = _counts(SOURCE)
    assert before["people_person"] == 6 and before["audit_auditevent"] > 0

    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _readme_block()],
        cwd=ROOT,
        env={
            **env,
            "BACKUP_FILE": str(tmp_path / "integrering.dump"),
            "RESTORE_URL": f"{SERVER}/{TARGET}",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "integrering.dump").stat().st_size > 0
    assert _counts(TARGET) == before
