"""A caseworker fills in the mapping form after arrival, saves a draft, completes it, reads the history."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login


def _an_oslo_person(page: Page, live_url: str) -> int:
    """The id of a person in Oslo, found through the caseworker's person list."""
    page.goto(f"{live_url}/personer/")
    rows = page.locator("#person-results tbody tr")
    expect(rows.first).to_be_visible()
    for row in rows.all():
        if row.locator("td").nth(4).inner_text() == "Oslo":
            href = row.get_by_role("link").first.get_attribute("href") or ""
            return int(href.rstrip("/").split("/")[-1])
    raise AssertionError("the demo data has no person in Oslo")


def test_a_caseworker_fills_in_saves_and_completes_the_mapping(page: Page, live_url: str) -> None:
    login(page, live_url, "saksbehandler-oslo")
    person_id = _an_oslo_person(page, live_url)

    page.goto(f"{live_url}/personer/{person_id}/kartlegging/")
    expect(page.get_by_role("heading", name="Kartlegging etter ankomst")).to_be_visible()
    expect(page.get_by_role("heading", name="2. Bakgrunn")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Adresse", exact=True).fill("Storgata 1, 0155 Oslo")
    page.get_by_label("Overføringsflyktning", exact=True).check()
    page.get_by_label("Flukten", exact=True).fill("Via Libanon, tre år i leir.")
    page.get_by_label("Eget morsmål", exact=True).fill("Arabisk")
    page.get_by_label("Engelsk, muntlig", exact=True).select_option(label="Kan litt")
    page.get_by_label("Skole/arrangør, rad 1", exact=True).fill("Oslo voksenopplæring")
    page.get_by_label("Linje/fag/studium/kurs, rad 1", exact=True).fill("Norsk A2")
    page.get_by_role("button", name="Lagre utkast").click()

    expect(page.get_by_role("status")).to_contain_text("Utkastet er lagret")
    expect(page.locator("#mapping-status")).to_contain_text("Utkast")
    expect(page.get_by_label("Skole/arrangør, rad 1", exact=True)).to_have_value(
        "Oslo voksenopplæring"
    )
    expect(page.get_by_label("Flukten", exact=True)).to_have_value("Via Libanon, tre år i leir.")

    # Completing needs what the individual plan builds on; the summary names what is missing.
    page.get_by_label("Antall år på skole", exact=True).fill("")
    page.get_by_label("Hva ønsker du å jobbe med?", exact=True).fill("")
    page.get_by_role("button", name="Fullfør kartleggingen").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Kartleggingen kan ikke fullføres")
    expect(alert.get_by_role("link", name=re.compile("^Antall år på skole"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Antall år på skole", exact=True).fill("12")
    page.get_by_label("Hva ønsker du å jobbe med?", exact=True).fill("Helsefagarbeider")
    page.get_by_role("button", name="Fullfør kartleggingen").click()
    expect(page.get_by_role("status")).to_contain_text("Kartleggingen er fullført")
    expect(page.locator("#mapping-status")).to_contain_text("Fullført")

    page.get_by_role("link", name="Se historikken for kartleggingen").click()
    expect(page.get_by_role("heading", name="Historikk for kartleggingen")).to_be_visible()
    latest = page.locator("tbody tr").first
    expect(latest).to_contain_text("Fullført")
    expect(latest).to_contain_text("Hva ønsker du å jobbe med?")
    expect(page.locator("tbody")).to_contain_text("Opprettet som utkast")
    expect(page.locator("tbody")).to_contain_text("Utdanning og kurs i Norge")
    assert_accessible(page)
