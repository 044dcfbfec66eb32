"""The municipality answers the directorate's settlement request in the browser (issue 21 item 4):
the leader finds the request on the start page, changes the decision per group, and sees the
settled-against-decided progress; the planner sees the answers and the reminders."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import assert_accessible, login

YEAR = timezone.localdate().year  # the demo spreads this year's need and records most answers


def _field(page: Page, label: str) -> Locator:
    return page.locator("#main").get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def test_the_leader_answers_the_request_and_the_planner_sees_it(page: Page, live_url: str) -> None:
    login(page, live_url, "leder-oslo")
    page.get_by_role("link", name=re.compile(f"^Anmodning {YEAR}: ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Anmodning om bosetting {YEAR}: Oslo"
    )
    assert_accessible(page)

    _field(page, "Vedtatt antall (personer)").fill("")
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_text("Fyll inn antallet (0 hvis ingen).")).to_be_visible()
    assert_accessible(page)

    _field(page, "Vedtatt antall (personer)").fill("321")
    _field(page, "Plasser for barn i skolealder").fill("40")
    page.get_by_label("Må bo nær sykehus").check()
    _field(page, "Merknad").fill("Vedtatt i bystyret")
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_text("Vedtaket er endret.")).to_be_visible()
    expect(page.get_by_text("Kommunen svarte i Integrering")).to_be_visible()
    expect(page.get_by_role("heading", name="Bosatt mot vedtatt")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Logg ut").click()
    login(page, live_url, "planlegger")
    page.goto(f"{live_url}/bosetting/{YEAR}/anmodninger/")
    expect(page.get_by_role("heading", name="Svar og purringer")).to_be_visible()
    assert_accessible(page)
    page.locator("#main").get_by_role("link", name="0301 Oslo", exact=True).click()
    expect(page.get_by_role("definition").filter(has_text="Vedtatt i bystyret")).to_be_visible()
    assert_accessible(page)
