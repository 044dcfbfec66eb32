"""Signing with the keyboard alone: from a person's page to the consent form (Vedlegg 3), its
A4 PDF, and a signature recorded as signed on paper, with the refusal of an empty form on the
way. No clicks and no fill: Tab, Shift+Tab, Space and Enter, as in ``test_keyboard.py``."""

from __future__ import annotations

import io
import re

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible
from tests.browser.test_casework import oslo_person_links
from tests.browser.test_keyboard import Keyboard, _keyboard_login


def _person_with_a_consent(page: Page, live_url: str) -> tuple[str, str]:
    """(person page, consent list page) of the first person in the list with a consent form to
    sign (the demo's main persons of every fourth household have consented)."""
    for link in oslo_person_links(page, live_url)[:60]:
        consents = f"{link.rstrip('/')}/samtykker/"
        html = page.request.get(consents).text()
        if "/signaturer/" in html:
            return link, consents
    raise AssertionError("no person in the list has a consent to sign")


def test_a_consent_form_is_printed_and_its_signature_recorded_with_the_keyboard(
    page: Page, live_url: str
) -> None:
    keys = Keyboard(page)
    _keyboard_login(keys, live_url, "saksbehandler-oslo")
    person_url, _ = _person_with_a_consent(page, live_url)
    page.goto(person_url)
    heading = page.get_by_role("heading", level=1).inner_text()

    keys.tab_to(page.locator("#main").get_by_role("link", name="Samtykker", exact=True))
    keys.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Samtykker for"))).to_be_visible()
    pdf_link = page.get_by_role("link", name=re.compile("^Samtykkeerklæring \\(PDF\\)")).first
    href = pdf_link.get_attribute("href")
    assert href is not None and re.search(r"/samtykker/\d+/pdf/$", href)
    pdf = page.request.get(f"{live_url}{href}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.body()))
    assert all(round(float(p.mediabox.height)) == 842 for p in reader.pages)  # A4
    text = " ".join("".join(p.extract_text() for p in reader.pages).split())
    assert "Samtykkeerklæring" in text and "Vedlegg 3" in text
    assert "Tjenester som kan gi og få opplysninger" in text and "Underskrift bruker" in text

    keys.tab_to(page.get_by_role("link", name=re.compile("^Signaturer")).first)
    keys.press("Enter")
    expect(
        page.get_by_role("heading", name=re.compile("^Signaturer på samtykkeerklæringen"))
    ).to_be_visible()
    expect(page.get_by_text(re.compile("^Mangler signatur fra"))).to_be_visible()
    assert_accessible(page)

    # Sent without choosing who signed or how: refused, and the choices are marked.
    submit = page.get_by_role("button", name="Registrer signaturen")
    keys.tab_to(submit)
    keys.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Skjemaet er ikke lagret")
    who = page.get_by_role("group", name=re.compile("^Hvem signerte"))
    expect(who.get_by_role("radio").first).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    participant = who.get_by_role("radio", name="Deltakeren selv")
    keys.tab_to(participant)
    keys.press("Space")
    expect(participant).to_be_checked()
    how = page.get_by_role("group", name=re.compile("^Hvordan ble dokumentet signert"))
    paper = how.get_by_role("radio", name="På papir")
    keys.tab_to(paper)
    keys.press("Space")
    expect(paper).to_be_checked()
    keys.tab_to(page.get_by_role("button", name="Registrer signaturen"))
    keys.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("er registrert")
    expect(page.get_by_text("Dokumentet er signert av alle som skal signere")).to_be_visible()
    row = page.locator("table tbody tr", has_text="På papir").first
    expect(row).to_contain_text("Deltakeren selv")
    given = heading.split()[0]
    expect(row).to_contain_text(given)
    assert_accessible(page)
    keys.assert_focus_always_visible()
