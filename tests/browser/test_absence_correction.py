"""A caseworker corrects a participant's absence with the keyboard alone (issue 23 item 4): from
the participant's list of absence, through the form with its required reason, to the entry's
history; every page passes axe."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_keyboard import Keyboard, _keyboard_login


def _participant_with_absence(page: Page, live_url: str) -> None:
    """Open the page of the first participant (of the demo's) with absence that can be changed."""
    page.goto(f"{live_url}/introduksjonsprogram/")
    hrefs = page.locator("table tbody tr th a, table tbody tr td a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    for href in [h for h in hrefs if re.fullmatch(r"/introduksjonsprogram/\d+/", h or "")][:30]:
        page.goto(f"{live_url}{href}")
        if page.get_by_role("link", name=re.compile(r"^Endre fravær ")).count():
            return
    raise AssertionError("no participant of the demo has absence to correct")


def test_a_caseworker_corrects_an_absence_with_the_keyboard(page: Page, live_url: str) -> None:
    keys = Keyboard(page)
    _keyboard_login(keys, live_url, "saksbehandler-oslo")
    _participant_with_absence(page, live_url)
    assert_accessible(page)

    edit = page.get_by_role("link", name=re.compile(r"^Endre fravær ")).first
    day = (edit.text_content() or "").split()[-1]
    row = page.get_by_role("row").filter(has=edit)
    hours_before = row.get_by_role("cell").first.inner_text().strip()
    new_hours = "1" if hours_before not in {"1", "1.0", "1,0"} else "2"
    keys.tab_to(edit, limit=400)
    keys.press("Enter")
    expect(page.get_by_role("heading", name=f"Endre fravær {day}")).to_be_visible()
    assert_accessible(page)

    # The reason is required: saving without it keeps the form and says why.
    keys.tab_to(page.get_by_label(re.compile(r"^Timer")))
    keys.press("Control+A")
    keys.type(new_hours)
    keys.tab_to(page.get_by_role("button", name="Lagre endringen"))
    keys.press("Enter")
    expect(page.get_by_text("Skriv hvorfor fraværet endres.").first).to_be_visible()
    assert_accessible(page)

    keys.tab_to(page.get_by_label(re.compile(r"^Begrunnelse for endringen")))
    keys.type("Deltakeren kom tilbake etter lunsj")
    keys.tab_to(page.get_by_role("button", name="Lagre endringen"))
    keys.press("Enter")

    expect(page.get_by_text("Fraværet er endret.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Fravær {day}")).to_be_visible()
    history = page.get_by_role("table", name="Endringer av fraværet, eldste først")
    expect(history.get_by_role("cell", name="Deltakeren kom tilbake etter lunsj")).to_be_visible()
    expect(history.get_by_role("cell", name="Endret", exact=True)).to_be_visible()
    assert_accessible(page)

    # The delete confirmation is a page of its own (no JavaScript): reached, checked, left.
    keys.tab_to(page.get_by_role("link", name="Slett fraværet"))
    keys.press("Enter")
    expect(page.get_by_role("heading", name=f"Slett fravær {day}?")).to_be_visible()
    expect(page.get_by_role("button", name="Ja, slett fraværet")).to_be_visible()
    assert_accessible(page)
    keys.assert_focus_always_visible()
