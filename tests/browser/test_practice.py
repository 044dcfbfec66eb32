"""A caseworker writes a practice contract for an adult and prints it as a PDF to sign."""

from __future__ import annotations

import datetime
import io
import re

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible, login


def _an_oslo_adult(page: Page, live_url: str) -> tuple[int, str]:
    """(id, "Family, Given") of the first person of 18 or more on the caseworker's list."""
    page.goto(f"{live_url}/personer/")
    adult_born_before = timezone.localdate().replace(year=timezone.localdate().year - 18)
    rows = page.locator("#person-results tbody tr")
    expect(rows.first).to_be_visible()
    for row in rows.all():
        cells = row.locator("td").all_inner_texts()
        born = datetime.datetime.strptime(cells[1], "%d.%m.%Y").date()
        if born <= adult_born_before and cells[4] == "Oslo":
            href = row.get_by_role("link").first.get_attribute("href") or ""
            return int(href.rstrip("/").split("/")[-1]), cells[0]
    raise AssertionError("the demo data has no adult in Oslo")


def _field(page: Page, label: str) -> Locator:
    """The input of a form field by its label (required fields end in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def test_a_caseworker_writes_a_practice_contract_and_prints_it(page: Page, live_url: str) -> None:
    login(page, live_url, "saksbehandler-oslo")
    person_id, name = _an_oslo_adult(page, live_url)

    page.goto(f"{live_url}/personer/{person_id}/praksisavtaler/ny/")
    expect(page.get_by_role("heading", name="Ny praksisavtale")).to_be_visible()
    assert_accessible(page)

    fields = {
        "Bedriftens navn": "Nettleserbakeriet AS",
        "Adresse": "Markveien 5, 0554 Oslo",
        "Veileder på arbeidsplassen": "Ola Hansen",
        "Første dag": "2025-03-03",
        "Siste dag": "2025-02-28",  # before the first day: refused
        "Timer per uke": "22,5",
        "Arbeidstid for deltakeren": "mandag–torsdag 08.30–14.30",
        "Målsetting": "Lære norsk i arbeid.",
        "Arbeidsoppgaver": "Pakke varer.",
        "Kontaktperson i introduksjonsprogrammet": "Kari Nordmann",
        "Arbeidsgivers ansvar": "Opplæring.",
        "Kontaktpersonens ansvar": "Oppfølging hver uke.",
        "Introduksjonsprogrammets ansvar": "Forsikring.",
    }
    for label, value in fields.items():
        _field(page, label).fill(value)
    page.get_by_role("button", name="Lagre praksisavtalen").click()

    expect(page.get_by_role("alert")).to_contain_text("Praksisavtalen er ikke lagret")
    expect(_field(page, "Siste dag")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_ends_on_error")).to_contain_text("er før første dag")
    expect(_field(page, "Bedriftens navn")).to_have_value("Nettleserbakeriet AS")
    assert_accessible(page)

    _field(page, "Siste dag").fill("2025-06-27")
    page.get_by_role("button", name="Lagre praksisavtalen").click()

    expect(page).to_have_url(re.compile(rf"/personer/{person_id}/praksisavtaler/$"))
    expect(page.get_by_role("heading", name="Praksisavtaler")).to_be_visible()
    row = page.locator("table tbody tr", has_text="Nettleserbakeriet AS")
    expect(row).to_contain_text("03.03.2025–27.06.2025")
    expect(row).to_contain_text("22,5")
    assert_accessible(page)

    pdf_link = row.get_by_role("link", name=re.compile("^PDF"))
    href = pdf_link.get_attribute("href")
    assert href is not None and re.search(rf"/personer/{person_id}/praksisavtaler/\d+/pdf/$", href)
    response = page.request.get(f"{live_url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith('inline; filename="praksisavtale-')
    assert response.body().startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    family_name = name.split(",")[0]
    assert family_name in text
    assert "Nettleserbakeriet AS" in text
    assert "03.03.2025–27.06.2025" in text
