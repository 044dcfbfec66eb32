"""Moving within five years (seed 002 §2.1) in a real browser: Oslo proposes that a household's
case goes with it to Bergen (a move after the five years is refused), Bergen finds the notice and
accepts (declining without a reason is refused), both see the move in its audit log, and Oslo
keeps reading only what it wrote, its introduction programme too."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login
from tests.browser.test_meetings import _register_family
from tests.browser.test_programme_decisions import _log_out


def test_a_household_moves_to_bergen_and_the_case_goes_with_it(page: Page, live_url: str) -> None:
    today = timezone.localdate()
    settled = today - datetime.timedelta(days=90)
    login(page, live_url, "saksbehandler-oslo")
    reference = _register_family(page, live_url, settled)
    page.get_by_role("link", name=re.compile("Farah Ahmadi")).first.click()
    person_url = page.url
    page.get_by_role("link", name="Flytting til en annen kommune").click()
    expect(page.get_by_role("heading", name="Flytting til en annen kommune")).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile("^Kommunen husstanden flytter til")).select_option(
        label="4601 Bergen"
    )
    page.get_by_label(re.compile("^Flyttedato")).fill(
        settled.replace(year=settled.year + 6).isoformat()
    )
    page.get_by_label(re.compile("^Samtykke gitt")).fill(today.isoformat())
    page.get_by_label("Skriftlig, signert").check()
    page.get_by_role("button", name="Foreslå flyttingen").click()
    expect(page.get_by_role("alert")).to_contain_text("Skjemaet er ikke lagret")
    expect(page.get_by_text(re.compile("^Saken overføres bare ved flytting"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile("^Flyttedato")).fill(today.isoformat())
    page.get_by_role("button", name="Foreslå flyttingen").click()
    expect(page.get_by_role("heading", name="Flytting fra Oslo til Bergen")).to_be_visible()
    expect(page.get_by_text("Foreslått av fraflyttingskommunen")).to_be_visible()
    transfer_url = page.url
    assert_accessible(page)
    _log_out(page)

    login(page, live_url, "saksbehandler-bergen")
    page.goto(f"{live_url}/varsler/")
    expect(
        page.get_by_role("heading", name=re.compile(f"husstand {reference} venter"))
    ).to_be_visible()
    page.goto(f"{live_url}/flyttinger/")
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name="Ta imot saken")).to_be_visible()
    # Declining needs a reason: refused without one, on the same page.
    page.get_by_role("button", name="Avslå flyttingen").click()
    expect(page.get_by_role("alert")).to_contain_text("Skjemaet er ikke lagret")
    expect(page.get_by_text("Skriv hvorfor dere avslår flyttingen.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ta imot saken").click()
    expect(page.get_by_text(re.compile("Saken er overført til Bergen"))).to_be_visible()
    log = page.get_by_role("table", name="Tilgangslogg for flyttingen")
    expect(log).to_contain_text("flytting godtatt")
    expect(log).to_contain_text("kommune 4601")
    assert_accessible(page)
    response = page.goto(person_url)
    assert response is not None and response.status == 200
    _log_out(page)

    login(page, live_url, "saksbehandler-oslo")
    page.goto(transfer_url)
    expect(page.get_by_role("heading", name=re.compile("kun lesetilgang"))).to_be_visible()
    expect(
        page.get_by_role("heading", name="Introduksjonsprogrammet før flyttingen")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Tilgangslogg for flyttingen")).to_contain_text(
        "kommune 0301"
    )
    assert_accessible(page)
    response = page.goto(person_url)
    assert response is not None and response.status == 404
