"""Casework in a real browser: register a household, consent and access, deadlines, inbox."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, login


def oslo_person_links(page: Page, live_url: str) -> list[str]:
    """The person pages in the caseworker's list, in list order."""
    page.goto(f"{live_url}/personer/")
    hrefs = page.locator("#person-results a[href*='/personer/']").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    return [f"{live_url}{h}" for h in hrefs]


def test_a_caseworker_registers_and_settles_a_household(page: Page, live_url: str) -> None:
    login(page, live_url, "saksbehandler-oslo")
    page.goto(f"{live_url}/personer/")
    page.get_by_role("link", name="Registrer husstand").click()
    expect(page.get_by_role("heading", name="Registrer husstand")).to_be_visible()
    assert_accessible(page)

    reference = f"H-E2E-{secrets.token_hex(3)}"
    page.get_by_label("Husstandsnummer").fill(reference)
    page.get_by_label("Bosatt dato").first.fill("2026-09-01")
    first = page.locator("fieldset.member").nth(0)
    first.get_by_label("Fornavn").fill("Iryna")
    first.get_by_label(re.compile(r"^Etternavn")).fill("Melnyk")
    first.get_by_label("Fødselsdato").fill("1990-04-01")
    first.get_by_label("Fødselsnummer eller D-nummer").fill("12345678901")  # bad check digits
    page.get_by_role("button", name="Legg til person").click()
    second = page.locator("fieldset.member").nth(1)
    second.get_by_label("Fornavn").fill("Taras")
    second.get_by_label(re.compile(r"^Etternavn")).fill("Melnyk")
    second.get_by_label("Fødselsdato").fill("2019-05-05")
    second.get_by_label("Relasjon i husstanden").select_option("child")
    page.get_by_role("button", name="Registrer husstanden").click()

    expect(page.get_by_role("alert")).to_contain_text("Skjemaet er ikke lagret")
    expect(page.get_by_text("Kontrollsifrene stemmer ikke")).to_be_visible()
    assert_accessible(page)

    page.locator("fieldset.member").nth(0).get_by_label("Fødselsnummer eller D-nummer").fill("")
    page.get_by_role("button", name="Registrer husstanden").click()
    expect(page.get_by_role("heading", name=f"Husstand {reference}")).to_be_visible()
    notices = page.get_by_role("table").filter(has_text="Tjeneste")
    expect(notices).to_contain_text("Skolen")
    expect(notices).to_contain_text("Helsetjenesten")
    expect(page.get_by_text("Første møte i tverrfaglig team")).to_be_visible()
    assert_accessible(page)


def test_consent_opens_a_person_to_nav_and_withdrawal_closes_it(
    page: Page, browser: Browser, live_url: str
) -> None:
    login(page, live_url, "saksbehandler-oslo")
    nav_context = browser.new_context(locale="nb-NO")
    nav = nav_context.new_page()
    login(nav, live_url, "nav-oslo")
    # A person NAV has no consent for yet (the demo world gives some main persons one).
    person_url = ""
    for href in oslo_person_links(page, live_url)[:15]:
        nav.goto(href)
        if nav.get_by_text("Begrenset innsyn").count():
            person_url = href
            break
    assert person_url, "no person without consent among the first 15"
    page.goto(person_url)
    number = page.locator("dl.facts dd").nth(2).inner_text()
    assert re.fullmatch(r"\d{11}", number)
    expect(nav.get_by_text("Begrenset innsyn")).to_be_visible()
    expect(nav.get_by_text(number)).to_have_count(0)
    assert_accessible(nav)

    page.get_by_role("link", name="Samtykker").click()
    expect(page.get_by_role("heading", name=re.compile("^Samtykker for"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("checkbox", name="NAV", exact=True).check()
    page.get_by_label("Personopplysninger, familie og kontaktinformasjon").check()
    page.get_by_role("button", name="Registrer samtykket").click()
    expect(page.get_by_role("status").first).to_contain_text("Samtykket er registrert")
    expect(page.get_by_role("cell", name="I kraft")).to_be_visible()

    nav.goto(person_url)
    expect(nav.get_by_text(number)).to_be_visible()
    assert_accessible(nav)

    page.get_by_role("button", name="Trekk tilbake").first.click()
    expect(page.get_by_role("status").first).to_contain_text("trukket tilbake")
    nav.goto(person_url)
    expect(nav.get_by_text("Begrenset innsyn")).to_be_visible()
    expect(nav.get_by_text(number)).to_have_count(0)
    nav_context.close()


def test_the_deadline_dashboard_shows_overdue_first_and_records_a_met_deadline(
    page: Page, live_url: str
) -> None:
    login(page, live_url, "saksbehandler-oslo")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Frister").click()
    expect(page.get_by_role("heading", name="Frister")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text("Forfalt")
    assert_accessible(page)

    page.get_by_label("Tjeneste").select_option("school")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"service=school"))
    services = page.locator("table tbody tr td:nth-child(3)").all_inner_texts()
    assert services and set(services) == {"Skolen"}
    count_before = page.locator("table tbody tr").count()
    person = page.locator("table tbody tr").first.locator("td").first.inner_text()
    page.locator("table tbody tr").first.get_by_role(
        "button", name=re.compile("Registrer oppfylt")
    ).click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"for {person} er registrert som oppfylt"
    )
    assert page.locator("table tbody tr").count() == count_before - 1 or count_before >= 200
    assert_accessible(page)


def test_nav_sees_its_inbox_of_notices_and_acknowledges_one(page: Page, live_url: str) -> None:
    login(page, live_url, "nav-oslo")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Varsler").click()
    expect(page.get_by_role("heading", name="Varsler til NAV")).to_be_visible()
    assert_accessible(page)
    items = page.locator("li.notice")
    before = items.count()
    assert before > 0
    subject = items.first.get_by_role("heading").inner_text()
    items.first.get_by_role("button", name=re.compile("Marker som mottatt")).click()
    expect(page.get_by_role("status").first).to_contain_text("er mottatt")
    expect(page.get_by_role("heading", name=subject)).to_have_count(0)
