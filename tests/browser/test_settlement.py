"""The settlement planner's year, end to end in the browser: next year's need, the requests
spread over the municipalities, an adjusted request and three municipal decisions, the matcher
run in the background, a placement explained and moved, a second run around it, and the
confirmation (in the background too) that hands the households to the municipalities'
casework."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import assert_accessible, login

YEAR = timezone.localdate().year + 1  # the demo has next year's facts and waiting households
DECISIONS = {"4601 Bergen": "30", "5001 Trondheim": "30", "1103 Stavanger": "30"}


def _field(page: Page, label: str) -> Locator:
    return page.locator("#main").get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def test_the_planner_goes_from_the_need_to_confirmed_placements(page: Page, live_url: str) -> None:
    login(page, live_url, "planlegger")
    page.get_by_role("link", name="Bosetting", exact=True).click()
    expect(page.locator("#main").get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    # 1. Next year's settlement need.
    page.goto(f"{live_url}/bosetting/{YEAR}/behov/")
    assert_accessible(page)
    _field(page, "Fra mottak").fill("2000")
    _field(page, "Utenfor mottak").fill("100")
    _field(page, "Overføringsflyktninger").fill("1500")
    _field(page, "Hvorav enslige mindreårige").fill("150")
    page.get_by_role("button", name="Registrer behovet").click()
    expect(page.get_by_text(f"Bosettingsbehovet for {YEAR} er registrert.")).to_be_visible()
    assert_accessible(page)

    # 2. Spread it over the municipalities by the criteria.
    page.goto(f"{live_url}/bosetting/{YEAR}/anmodninger/")
    expect(_field(page, "Bosettingsbehov (personer)")).to_have_value("3600")
    page.get_by_role("button", name="Fordel behovet").click()
    expect(page.get_by_text(re.compile(r"Behovet på 3600 personer er fordelt"))).to_be_visible()
    assert_accessible(page)

    # 3. Adjust one request with a reason, and record three municipalities' decisions.
    for name, decided in DECISIONS.items():
        page.goto(f"{live_url}/bosetting/{YEAR}/anmodninger/")
        page.locator("#main").get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", name=re.compile(f"Anmodning {YEAR}"))).to_be_visible()
        if name == "4601 Bergen":
            assert_accessible(page)
            _field(page, "Anmodet (personer)").fill("120")
            _field(page, "Begrunnelse").fill("Integreringsmottak i nabokommunen")
            page.get_by_role("button", name="Lagre anmodningen").click()
            expect(page.get_by_text("Anmodningen er endret.")).to_be_visible()
        _field(page, "Vedtatt antall (personer)").fill(decided)
        _field(page, "Vedtaksdato").fill(timezone.localdate().isoformat())
        page.get_by_role("button", name="Registrer vedtaket").click()
        expect(page.get_by_text("Vedtaket er registrert.")).to_be_visible()

    # 4. Run the matcher; the worker computes it while the page shows the progress.
    page.goto(f"{live_url}/bosetting/{YEAR}/utsoking/")
    assert_accessible(page)
    _field(page, "Tidsgrense (sekunder)").fill("10")
    page.get_by_role("button", name="Start utsøkingen").click()
    expect(page.get_by_text(re.compile("Forslaget er klart"))).to_be_visible(timeout=60_000)
    assert_accessible(page)
    expect(page.locator("dt:has-text('Avstand til grensen') + dd")).to_contain_text("%")

    # 5. A placement explained, then moved to Bergen (or locked where it is).
    page.locator("#main table").last.locator("tbody tr").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("Plassering av husstand"))).to_be_visible()
    assert_accessible(page)
    reference = page.locator("h1").inner_text().rsplit(" ", 1)[-1]
    # Ties counted as equal (issue 23 item 10): «2. plass» or «Delt 1.–156. plass».
    expect(page.locator("dt:has-text('Rangering') + dd")).to_contain_text(
        re.compile(r"\d+\. plass av \d+ tillatte kommuner")
    )
    page.locator("#main").get_by_label("Kommune", exact=True).select_option(label="4601 Bergen")
    page.get_by_label("Lås plasseringen").check()
    page.get_by_role("button", name="Lagre plasseringen").click()
    expect(page.get_by_text("Plasseringen er lagret.")).to_be_visible()
    row = page.locator("tr", has=page.get_by_role("link", name=reference, exact=True))
    expect(row).to_contain_text("4601 Bergen")
    expect(row).to_contain_text("Låst")

    # 6. Run again around the locked placement: it stays in Bergen.
    page.get_by_role("button", name="Kjør på nytt rundt låste plasseringer").click()
    expect(page.get_by_text(re.compile("Forslaget er klart"))).to_be_visible(timeout=60_000)
    row = page.locator("tr", has=page.get_by_role("link", name=reference, exact=True))
    expect(row).to_contain_text("4601 Bergen")
    expect(row).to_contain_text("Låst")

    # 7. Confirm: queued for the worker, which hands the households to the municipalities'
    # refugee services while the page shows the progress, then the result.
    # First a page that says what will be transferred, in figures (issue 23 item 2).
    page.get_by_role("button", name="Bekreft og overfør til kommunene").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Bekrefte utsøkingen for"))
    ).to_be_visible()
    expect(page.locator("#confirm-summary")).to_contain_text(
        re.compile(r"^\d[\d\s]* husstand(er)?, \d[\d\s]* personer? overføres til \d+ kommuner?\.$")
    )
    assert_accessible(page)
    page.get_by_role("button", name="Bekreft og overfør til kommunene").click()
    expect(page.get_by_text(re.compile("Bekreftelsen er startet"))).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Status: Bekreftet")).to_be_visible(timeout=60_000)
    expect(
        page.get_by_text(re.compile("er overført til bosettingskommunenes flyktningtjeneste"))
    ).to_be_visible()
    assert_accessible(page)

    # Bergen's refugee service now finds the household in its own register.
    page.context.clear_cookies()
    login(page, live_url, "saksbehandler-bergen")
    page.goto(f"{live_url}/personer/?q={reference}")
    expect(page.locator("#main")).to_contain_text(reference)
