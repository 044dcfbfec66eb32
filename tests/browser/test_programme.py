"""A caseworker follows a participant in the introduction programme: the list, the participant's
page, an absence refused outside the programme and then recorded, and the history."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login


def test_a_caseworker_records_absence_for_a_participant(page: Page, live_url: str) -> None:
    login(page, live_url, "saksbehandler-oslo")
    page.goto(f"{live_url}/introduksjonsprogram/")
    expect(page.get_by_role("heading", name="Introduksjonsprogram", exact=True)).to_be_visible()
    assert_accessible(page)

    page.locator("table tbody tr").first.get_by_role("link").click()
    expect(
        page.get_by_role("heading", name=re.compile("^Introduksjonsprogram for "))
    ).to_be_visible()
    assert_accessible(page)
    start_text = page.locator("dt:has-text('Start') + dd").inner_text()
    starts_on = datetime.datetime.strptime(start_text, "%d.%m.%Y").date()

    page.get_by_role("link", name="Registrer fravær").click()
    expect(page.get_by_role("heading", name="Fravær")).to_be_visible()
    assert_accessible(page)
    before = starts_on - datetime.timedelta(days=1)
    page.get_by_label(re.compile(r"^Dato\s*\*?$")).fill(before.isoformat())
    page.get_by_label(re.compile(r"^Timer\s*\*?$")).fill("2,5")
    page.get_by_role("button", name="Registrer fravær").click()
    expect(page.get_by_text(f"Deltakeren var ikke i programmet {before:%d.%m.%Y}")).to_be_visible()
    assert_accessible(page)

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label(re.compile(r"^Dato\s*\*?$")).fill(yesterday.isoformat())
    page.get_by_role("button", name="Registrer fravær").click()
    expect(page.get_by_text(f"Fraværet {yesterday:%d.%m.%Y} er registrert.")).to_be_visible()
    expect(
        page.get_by_role("rowheader", name=f"Fravær {yesterday:%d.%m.%Y}: 2,5 t, ikke godkjent")
    ).to_be_visible()


def test_the_start_form_is_accessible_and_explains_the_rules(page: Page, live_url: str) -> None:
    login(page, live_url, "saksbehandler-oslo")
    page.goto(f"{live_url}/personer/")
    page.locator("#person-results tbody tr").first.get_by_role("link").first.click()
    page.locator("#main").get_by_role("link", name="Introduksjonsprogram").click()
    assert_accessible(page)
    page.get_by_role("link", name="Start introduksjonsprogram").click()
    expect(page.get_by_role("heading", name="Start introduksjonsprogram")).to_be_visible()
    page.get_by_role("button", name="Start programmet").click()
    expect(page.get_by_text("Oppgi når programmet starter.")).to_be_visible()
    assert_accessible(page)
