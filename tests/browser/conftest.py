"""End-to-end harness: the real product served by gunicorn (tests/live_server.py), driven by
Debian's Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests.live_server import live_server

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


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the server and its worker write the e-mails they send (survey links, reminders)."""
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory, mail_dir: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("server")
    with live_server(
        tmp, name="browser", extra_env={"INTEGRERING_EMAIL_DIR": str(mail_dir)}
    ) as server:
        yield server.url


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
