"""A caseworker schedules a further team meeting with an interpreter, is stopped from recording
a child of the household as the interpreter, and records the meeting as held with minutes."""

from __future__ import annotations

import datetime
import re
import secrets

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login


def _register_family(page: Page, live_url: str, settled: datetime.date) -> str:
    """A household of a mother and her daughter, settled on the given day: its first team
    meeting is set up on settlement. Returns the household's reference."""
    reference = f"H-MOTE-{secrets.token_hex(3)}"
    page.goto(f"{live_url}/personer/")
    page.get_by_role("link", name="Registrer husstand").click()
    page.get_by_label("Husstandsnummer").fill(reference)
    page.get_by_label("Bosatt dato").first.fill(settled.isoformat())
    mother = page.locator("fieldset.member").nth(0)
    mother.get_by_label("Fornavn").fill("Farah")
    mother.get_by_label(re.compile(r"^Etternavn")).fill("Ahmadi")
    mother.get_by_label("Fødselsdato").fill("1985-04-01")
    # A household with its postal address, as letters need (other journeys pick the first adult).
    mother.get_by_label("Postadresse").fill("Storgata 1")
    mother.get_by_label("Postnummer").fill("0155")
    mother.get_by_label("Poststed").fill("OSLO")
    page.get_by_role("button", name="Legg til person").click()
    daughter = page.locator("fieldset.member").nth(1)
    daughter.get_by_label("Fornavn").fill("Zara")
    daughter.get_by_label(re.compile(r"^Etternavn")).fill("Ahmadi")
    daughter.get_by_label("Fødselsdato").fill("2014-05-05")
    daughter.get_by_label("Relasjon i husstanden").select_option("child")
    page.get_by_role("button", name="Registrer husstanden").click()
    expect(page.get_by_role("heading", name=f"Husstand {reference}")).to_be_visible()
    return reference


def test_a_caseworker_schedules_a_team_meeting_and_records_it_with_minutes(
    page: Page, live_url: str
) -> None:
    login(page, live_url, "saksbehandler-oslo")
    today = timezone.localdate()
    _register_family(page, live_url, today - datetime.timedelta(days=90))
    expect(page.get_by_text("Første møte i tverrfaglig team")).to_be_visible()

    page.get_by_role("link", name="Planlegg nytt møte i tverrfaglig team").click()
    expect(page.get_by_role("heading", name="Nytt møte i tverrfaglig team")).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile(r"^Planlagt dato")).fill(today.isoformat())
    persons = page.get_by_role("group", name=re.compile("^Deltakere fra husstanden"))
    expect(persons.get_by_role("checkbox", name=re.compile("^Farah Ahmadi"))).to_be_checked()
    services = page.get_by_role("group", name=re.compile("^Tjenester som deltar"))
    expect(services.get_by_role("checkbox", name="NAV")).to_be_checked()
    page.get_by_label("Navn fra NAV").fill("Nina Navesen")
    page.get_by_label("Det trengs tolk i møtet").check()
    page.get_by_label("Tolkespråk").fill("dari")
    page.get_by_label("Tolkemåte").select_option(label="Skjermtolking")
    page.get_by_label("Kategori i Nasjonalt tolkeregister").select_option("A")
    page.get_by_label("Tolken er bestilt").check()
    page.get_by_label("Tolkens navn").fill("Zara Ahmadi")  # the daughter: refused
    page.get_by_role("button", name="Planlegg møtet").click()

    expect(page.get_by_role("alert")).to_contain_text("Skjemaet er ikke lagret")
    name = page.get_by_label("Tolkens navn")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_interpreter_name_error")).to_contain_text(
        "Zara Ahmadi er et barn i husstanden og kan ikke være tolk"
    )
    expect(page.locator("#id_interpreter_name_error")).to_contain_text("forvaltningsloven § 11 e")
    expect(page.get_by_label("Navn fra NAV")).to_have_value("Nina Navesen")  # nothing lost
    assert_accessible(page)

    name.fill("Hanne Tolk")
    page.get_by_role("button", name="Planlegg møtet").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Møtet i tverrfaglig team er planlagt {today:%d.%m.%Y}"
    )
    row = page.locator("table tbody tr", has_text="Møte i tverrfaglig team").filter(
        has_not_text="Første"
    )
    expect(row).to_contain_text("Bestilt (dari)")
    assert_accessible(page)

    row.get_by_role("link").click()
    expect(page.get_by_text("NAV (Nina Navesen)")).to_be_visible()
    expect(page.get_by_text(re.compile("skjermtolking, Kategori A"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Registrer møtet som holdt, med referat").click()
    expect(page.get_by_role("heading", name="Registrer møtet som holdt")).to_be_visible()
    page.get_by_label("Ble tolk brukt?").select_option(label="Ja")
    page.get_by_label(re.compile("^Referat")).fill("NAV følger opp arbeidspraksis fra august.")
    page.get_by_role("button", name="Lagre referatet").click()
    expect(page.get_by_role("status")).to_contain_text("registrert som holdt")
    minutes = page.get_by_role("definition").filter(has_text="NAV følger opp arbeidspraksis")
    expect(minutes).to_have_text("NAV følger opp arbeidspraksis fra august.")
    expect(page.get_by_role("link", name="Endre referatet")).to_be_visible()
    assert_accessible(page)
