"""The quarterly capacity survey end to end in the browser: the Oslo county governor opens a
round, Oslo's municipal leader answers a draft and submits it, and the governor sees the result
per service (a chart and its table), then sends a reminder that the worker delivers. axe-core
on every page."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login

# A quarter the demo does not use: the round is opened today and stays open two weeks.
TODAY = timezone.localdate()
YEAR, QUARTER = TODAY.year + 1, 1
LABEL = f"{QUARTER}. kvartal {YEAR}"
SERVICES = {
    "Boliger": "Utfordrende",
    "Barnehage": "Tilfredsstillende",
    "Skole": "God",
    "Opplæring i norsk og samfunnskunnskap": "God",
    "Oppfølgingsaktiviteter og arbeidsretting i introduksjonsprogrammet": "Tilfredsstillende",
    "Fastlege": "Kritisk",
    "Legevakt og akuttmedisinsk beredskap": "God",
    "Barnevern": "Tilfredsstillende",
    "NAV og sosiale tjenester": "Utfordrende",
}


def test_a_round_goes_from_opening_to_results(page: Page, live_url: str) -> None:
    # 1. The county governor opens the round.
    login(page, live_url, "statsforvalter-oslo")
    page.goto(f"{live_url}/kapasitet/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tjenestekapasitet i kommunene")
    assert_accessible(page)
    page.get_by_role("link", name="Åpne en ny kartlegging").click()
    assert_accessible(page)
    main = page.locator("#main")
    main.get_by_label("År").fill(str(YEAR))
    main.get_by_label("Kvartal").select_option(str(QUARTER))
    main.get_by_label("Svarfrist").fill((TODAY + datetime.timedelta(days=14)).isoformat())
    main.get_by_label("Melding til kommunene").fill("Svar innen fristen, takk.")
    page.get_by_role("button", name="Åpne kartleggingen").click()
    expect(page.get_by_text(re.compile(f"Kartleggingen for {LABEL} er åpnet"))).to_be_visible()
    round_url = page.url
    assert_accessible(page)

    # 2. Oslo's leader saves a draft, then submits.
    page.context.clear_cookies()
    login(page, live_url, "leder-oslo")
    page.goto(f"{live_url}/kapasitet/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(f"Svar på kartleggingen for {LABEL}")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Tjenestekapasitet {LABEL}")
    assert_accessible(page)
    page.get_by_role("group", name="Fastlege", exact=True).get_by_label("Kritisk").check()
    page.get_by_label("Kommentar til fastlege").fill("Fastlegelistene er fulle.")
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.get_by_text("Utkastet er lagret.")).to_be_visible()
    expect(
        page.get_by_role("group", name="Fastlege", exact=True).get_by_label("Kritisk")
    ).to_be_checked()
    for service, level in SERVICES.items():
        page.get_by_role("group", name=service, exact=True).get_by_label(level, exact=True).check()
    page.get_by_role("button", name="Send inn svaret").click()
    expect(page.get_by_text("Svaret for Oslo er sendt inn.")).to_be_visible()
    assert_accessible(page)

    # 3. The governor sees the result, with the chart and the table, and reminds the others.
    page.context.clear_cookies()
    login(page, live_url, "statsforvalter-oslo")
    page.goto(round_url)
    expect(
        page.get_by_text(
            re.compile(r"Utfordrende eller kritisk i 100\s%\sav kommunene \(1 av 1\)")
        ).first
    ).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Oslo.*Sendt inn"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send purring").click()
    expect(page.get_by_text(re.compile("Purringen er sendt"))).to_be_visible(timeout=30_000)
    assert_accessible(page)

    # 4. The governor closes the round before its deadline: a page says first who can no longer
    # answer (issue 23 item 2); «Avbryt» leaves it open.
    page.get_by_role("button", name="Avslutt kartleggingen").click()
    expect(page.get_by_role("heading", name=f"Avslutte kartleggingen for {LABEL}?")).to_be_visible()
    expect(page.locator("#confirm-summary")).to_contain_text(
        re.compile(r"1 av \d+ kommuner har sendt inn\.")
    )
    expect(page.locator("main")).to_contain_text("kan ikke lenger svare")
    assert_accessible(page)
    page.get_by_role("link", name="Avbryt").click()
    expect(page.get_by_role("button", name="Send purring")).to_be_visible()  # still open
    page.get_by_role("button", name="Avslutt kartleggingen").click()
    page.get_by_role("button", name="Bekreft og avslutt").click()
    expect(page.get_by_text(f"Kartleggingen for {LABEL} er avsluttet.")).to_be_visible()
    expect(page.get_by_role("button", name="Send purring")).to_have_count(0)
    assert_accessible(page)
