"""The municipal survey in the browser: the analyst makes a survey with a few questions and
invitations, makes a link for one unit, and the unit answers by the link without logging in:
a draft kept over a reload, then submitted, and a second submission refused."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import assert_accessible, login

TODAY = timezone.localdate()
YEAR = 2090  # a year no demo survey uses


def _field(page: Page, label: str) -> Locator:
    return page.locator("#main").get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def _add_question(page: Page, kind: str, text: str, **extra: str) -> None:
    _field(page, "Type").select_option(label=kind)
    _field(page, "Spørsmål").fill(text)
    if "choices" in extra:
        _field(page, "Svaralternativer").fill(extra["choices"])
    if extra.get("required"):
        _field(page, "Må besvares").check()
    if "show_if" in extra:
        _field(page, "Vis bare hvis spørsmål").select_option(label=extra["show_if"])
        _field(page, "er besvart med").fill(extra["show_if_value"])
    page.get_by_role("button", name="Legg til spørsmålet").click()
    expect(page.get_by_text(re.compile(r"Spørsmål \d+ er lagt til"))).to_be_visible()


def test_a_unit_answers_by_link_and_cannot_submit_twice(
    page: Page, browser: Browser, live_url: str
) -> None:
    login(page, live_url, "analytiker")
    page.goto(f"{live_url}/kommuneundersokelse/")
    expect(page.get_by_role("heading", name="Kommuneundersøkelsen", level=1)).to_be_visible()
    assert_accessible(page)

    # 1. A new survey with empty questionnaires, open from today.
    _field(page, "År").fill(str(YEAR))
    _field(page, "Tittel").fill(f"Kommuneundersøkelsen {YEAR}")
    _field(page, "Åpner").fill(TODAY.isoformat())
    _field(page, "Svarfrist").fill((TODAY + datetime.timedelta(days=30)).isoformat())
    _field(page, "Kopier spørsmålene fra").select_option(label="Ikke kopier (tomme skjemaer)")
    page.get_by_role("button", name="Lag undersøkelsen").click()
    expect(page.get_by_text("er laget med tre spørreskjemaer")).to_be_visible()
    survey_url = page.url
    assert_accessible(page)

    # 2. Three questions for the chief executive, one shown only after «Nei».
    page.locator("#main").get_by_role("link", name="Kommunedirektør", exact=True).click()
    expect(
        page.get_by_role("heading", name=re.compile("Spørreskjema: Kommunedirektør"))
    ).to_be_visible()
    assert_accessible(page)
    _add_question(
        page, "Ett valg", "Har kommunen en plan for bosetting?", choices="Ja\nNei", required="1"
    )
    _add_question(
        page,
        "Skala",  # the quality scale, «svært god – svært dårlig», is the default
        "Hvordan vurderer du IMDis veiledning om bosetting?",
    )
    _add_question(
        page,
        "Fritekst",
        "Hvorfor har kommunen ikke en plan?",
        show_if="1. Har kommunen en plan for bosetting?",
        show_if_value="Nei",
    )
    expect(page.get_by_text("Hvis spørsmål 1 er besvart med «Nei»")).to_be_visible()
    assert_accessible(page)

    # 3. Invitations, and a link for Bergen's chief executive shown once.
    page.goto(survey_url)
    page.get_by_role("button", name="Lag invitasjoner").click()
    expect(page.get_by_text(re.compile(r"\d+ invitasjoner er laget"))).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Invitasjoner")).click()
    _field(page, "Rolle").select_option(label="Kommunedirektør")
    _field(page, "Kommune eller bydel").fill("Bergen")
    page.get_by_role("button", name="Vis").click()
    assert_accessible(page)
    page.locator("#main table").get_by_role("link", name=re.compile(r"^Bergen")).first.click()
    page.get_by_role("button", name="Lag ny lenke").click()
    link = page.get_by_test_id("new-link").input_value()
    assert "/svar/" in link
    assert_accessible(page)
    url = live_url + urlsplit(link).path

    # 4. The unit, without a login: a draft, kept over a reload.
    unit = browser.new_context(locale="nb-NO")
    respond = unit.new_page()
    respond.goto(url)
    expect(respond.get_by_text("Bergen")).to_be_visible()
    expect(respond.get_by_role("button", name="Logg ut")).to_have_count(0)
    assert_accessible(respond)
    plan = respond.get_by_role("group", name=re.compile("Har kommunen en plan"))
    why = respond.get_by_label(re.compile("Hvorfor har kommunen ikke en plan"))
    expect(why).to_be_hidden()  # skip logic in the page
    plan.get_by_label("Nei").check()
    expect(why).to_be_visible()
    why.fill("Vi venter på ny kommuneplan.")
    respond.get_by_role("group", name=re.compile("IMDis veiledning")).get_by_label(
        "God", exact=True
    ).check()
    respond.get_by_role("button", name="Lagre utkast").click()
    expect(respond.get_by_text("Utkastet er lagret")).to_be_visible()
    respond.reload()
    expect(plan.get_by_label("Nei")).to_be_checked()
    expect(why).to_have_value("Vi venter på ny kommuneplan.")

    # A second tab with the same link, open before the answer is sent.
    second = unit.new_page()
    second.goto(url)

    # 5. Submit: the receipt; the link takes no more answers.
    respond.get_by_role("button", name="Send inn").click()
    expect(respond.get_by_text("Takk! Svaret er sendt inn.")).to_be_visible()
    expect(respond.get_by_role("button", name="Send inn")).to_have_count(0)
    assert_accessible(respond)
    second.get_by_role("group", name=re.compile("Har kommunen en plan")).get_by_label("Ja").check()
    second.get_by_role("button", name="Send inn").click()
    expect(second.get_by_role("alert")).to_contain_text("Svaret er sendt inn")
    respond.goto(url)
    expect(respond.get_by_text(re.compile("Svaret er sendt inn"))).to_be_visible()
    expect(respond.get_by_text("Vi venter på ny kommuneplan.")).to_be_visible()
    unit.close()

    # 6. The analyst sees the answer counted.
    page.goto(survey_url)
    row = page.locator("#main table tr", has=page.get_by_role("link", name="Kommunedirektør"))
    expect(row.locator("td").last).to_have_text("1")
