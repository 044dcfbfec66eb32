"""Login, the start page of each role, and the person pages, in a real browser with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login

ROLE_START_PAGES = {
    "saksbehandler-oslo": "Mine personer og husstander",
    "saksbehandler-bergen": "Mine personer og husstander",
    "leder-oslo": "Kommunens bosatte",
    "nav-oslo": "Mine personer og husstander",
    "statsforvalter-vestland": "Statsforvalteren i Vestland",
    "planlegger": "Bosetting – nasjonal oversikt",
    "analytiker": "Kommuner og fylker",
    "admin": "Administrasjon",
}


def test_the_login_page_is_accessible(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/")
    expect(page).to_have_url(re.compile(r"/logg-inn/"))
    expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
    assert_accessible(page)


def test_a_wrong_password_shows_a_clear_message(page: Page, live_url: str) -> None:
    login(page, live_url, "saksbehandler-oslo", "feil")
    expect(page.get_by_role("alert")).to_contain_text("korrekt brukernavn og passord")
    assert_accessible(page)


@pytest.mark.parametrize(("username", "heading"), ROLE_START_PAGES.items())
def test_each_role_has_an_accessible_start_page(
    page: Page, live_url: str, username: str, heading: str
) -> None:
    login(page, live_url, username)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert_accessible(page)


def test_a_caseworker_searches_and_opens_a_person_and_household(page: Page, live_url: str) -> None:
    login(page, live_url, "saksbehandler-oslo")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Personer").click()
    expect(page.get_by_role("heading", name="Personer")).to_be_visible()
    assert_accessible(page)
    rows = page.locator("#person-results tbody tr")
    expect(rows.first).to_be_visible()
    family_name = rows.first.locator("td").first.inner_text().split(",")[0]
    page.get_by_label("Søk på navn, fødselsnummer, DUF-nummer eller husstandsnummer").fill(
        family_name
    )
    page.get_by_role("button", name="Søk").click()
    expect(page.locator("#person-results tbody tr").first).to_contain_text(family_name)
    for cell in page.locator("#person-results tbody tr td:nth-child(5)").all_inner_texts():
        assert cell == "Oslo"
    page.locator("#person-results tbody tr").first.get_by_role("link").first.click()
    expect(page.get_by_text("Bosettingskommune")).to_be_visible()
    expect(page.get_by_text("0301 Oslo")).to_be_visible()
    assert_accessible(page)
    page.locator("dl.facts").get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("^Husstand"))).to_be_visible()
    assert_accessible(page)


def test_another_municipalitys_person_is_not_found_in_the_browser(
    page: Page, live_url: str
) -> None:
    login(page, live_url, "saksbehandler-bergen")
    page.goto(f"{live_url}/personer/")
    bergen_ids = {
        int(href.rstrip("/").split("/")[-1])
        for href in page.locator("#person-results a[href*='/personer/']").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
    }
    page.context.clear_cookies()
    login(page, live_url, "saksbehandler-oslo")
    response = page.goto(f"{live_url}/personer/{min(bergen_ids)}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Siden finnes ikke")).to_be_visible()
    assert_accessible(page)


def test_the_keyboard_alone_logs_in_and_the_skip_link_comes_first(
    page: Page, live_url: str
) -> None:
    page.goto(f"{live_url}/logg-inn/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hopp til hovedinnholdet")).to_be_focused()
    page.get_by_label("Brukernavn").focus()
    page.keyboard.type("saksbehandler-oslo")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passord")).to_be_focused()
    page.keyboard.type("demo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mine personer og husstander")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_the_rates_page_shows_rates_and_runs_the_benefit_calculator(
    page: Page, live_url: str
) -> None:
    login(page, live_url, "saksbehandler-bergen")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Satser").click()
    expect(page.get_by_role("heading", name="Satser og beregninger")).to_be_visible()
    page.get_by_label("Dato", exact=True).fill("2018-06-01")
    page.get_by_role("button", name="Vis satser").click()
    expect(page.get_by_role("heading", name="Satser som gjelder 01.06.2018")).to_be_visible()
    assert_accessible(page)
    form = page.locator("#calc-benefit")
    form.get_by_label("Beregningsdato").fill("2018-06-01")
    form.get_by_label("Fødselsdato").fill("1980-01-01")
    form.get_by_role("button", name="Beregn").click()
    expect(page.locator("#calc-benefit [role=status]")).to_contain_text("193 766,00")
    assert_accessible(page)
