"""End-to-end harness: the real product served by gunicorn, driven by Debian's Chromium.

The server gets its own database, loaded by the real commands (migrate, demo-data): a SQLite
file, or, when DATABASE_URL points at PostgreSQL, a fresh database beside the test database.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("INTEGRERING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_database(tmp: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'browser.sqlite3'}"
    import psycopg

    base, _, name = url.rpartition("/")
    browser_db = f"{name.split('?')[0]}_browser"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{browser_db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{browser_db}"')
    return f"{base}/{browser_db}"


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the server and its worker write the e-mails they send (survey links, reminders)."""
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory, mail_dir: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("server")
    env = {
        **os.environ,
        "DATABASE_URL": _server_database(tmp),
        "INTEGRERING_DEMO": "1",
        "INTEGRERING_TESTING": "1",
        "INTEGRERING_EMAIL_DIR": str(mail_dir),
    }
    cli = [sys.executable, "-m", "integrering"]
    for command in (["migrate", "-v0"], ["demo-data", "--households", "30"]):
        subprocess.run(
            [*cli, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
        )
    # The background worker, as `make demo` runs it: imports are tasks it picks up.
    worker = subprocess.Popen(
        [*cli, "db_worker", "--interval", "0.5", "--no-startup-delay", "-v0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port = _free_port()
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
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError as exc:
            if server.poll() is not None:
                worker.terminate()
                stderr = server.stderr.read().decode() if server.stderr else ""
                raise RuntimeError(f"gunicorn died: {stderr}") from exc
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    worker.terminate()
    server.wait(timeout=10)
    worker.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    yield page
    context.close()


_axe = Axe()
AXE_PAGES: list[tuple[str, int]] = []  # (url, serious or critical violations)


def assert_accessible(page: Page) -> None:
    """axe-core on the current page: no serious or critical violation of WCAG 2.1 A/AA."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    AXE_PAGES.append((page.url, len(blocking)))
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in blocking
    )
    assert not blocking, f"axe on {page.url}:\n{report}"


def login(page: Page, live_url: str, username: str, password: str = "demo") -> None:
    page.goto(f"{live_url}/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if AXE_PAGES:
        pages = {url.split("?")[0] for url, _ in AXE_PAGES}
        violations = sum(count for _, count in AXE_PAGES)
        terminalreporter.write_line(
            f"axe-core: {len(AXE_PAGES)} page visits ({len(pages)} distinct pages), "
            f"{violations} serious or critical violations"
        )
