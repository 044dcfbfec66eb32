"""The console script and its configuration errors, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "INTEGRERING_TESTING": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "integrering", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "url",
    [
        "not-a-url",
        "postgres://",
        "mysql://root@127.0.0.1/test",
        "oracle://x@y/z",
        "postgres://u@h:notaport/db",
    ],
)
def test_a_malformed_database_url_gets_one_clear_line_and_no_traceback(url: str) -> None:
    result = run("check", DATABASE_URL=url)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "DATABASE_URL" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unreachable_database_is_explained(tmp_path: Path) -> None:
    result = run("migrate", "--check", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "database cannot be reached" in result.stderr


def test_production_settings_without_a_secret_key_are_refused() -> None:
    result = run(
        "check",
        INTEGRERING_TESTING="0",
        INTEGRERING_DEBUG="0",
        INTEGRERING_DEMO="0",
        INTEGRERING_SECRET_KEY="",
    )
    assert result.returncode == 2
    assert "INTEGRERING_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_rules_calculation_runs_with_production_settings_and_no_secret_key() -> None:
    """A pure calculation touches no database and no session: it needs no secret (issue 19)."""
    result = run(
        *("rules", "benefit", "--on", "2025-06-01", "--birth-date", "1990-03-01", "--json"),
        INTEGRERING_TESTING="0",
        INTEGRERING_DEBUG="0",
        INTEGRERING_DEMO="0",
        INTEGRERING_SECRET_KEY="",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["monthly"] == "21693.33"


def test_production_settings_without_a_secret_key_refuse_the_database_commands() -> None:
    result = run(
        "migrate",
        "--check",
        INTEGRERING_TESTING="0",
        INTEGRERING_DEBUG="0",
        INTEGRERING_DEMO="0",
        INTEGRERING_SECRET_KEY="",
    )
    assert result.returncode == 2
    assert "INTEGRERING_SECRET_KEY is not set" in result.stderr


def test_command_names_take_dashes(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    result = run("audit-log", "--person", "1", "--json", DATABASE_URL=f"sqlite:///{db}")
    # A fresh database has no tables yet: the error is still one clear line.
    assert "Traceback" not in result.stderr
    assert run("migrate", "-v0", DATABASE_URL=f"sqlite:///{db}").returncode == 0
    result = run("audit-log", "--person", "1", "--json", DATABASE_URL=f"sqlite:///{db}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
