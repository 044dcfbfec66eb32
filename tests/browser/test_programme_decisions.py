"""Individual decisions and appeals in a real browser: a caseworker drafts, edits, decides and sends
a decision and downloads the letter; an appeal goes to the county governor and back."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible, login

CONCLUSION = "Søknaden om forlengelse av introduksjonsprogrammet avslås."
FACTS = "Du søkte om å forlenge introduksjonsprogrammet med seks måneder."
REASONING = "Det er ikke grunn til å forvente at du når sluttmålet med mer tid."


def _field(page: Page, label: str) -> Locator:
    """The input of a form field by its label (required fields end in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


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


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def _draft(page: Page, live_url: str, person_id: int, *, check: bool) -> None:
    """Draft a refusal for the person through the form; with ``check``, first a refused save."""
    page.goto(f"{live_url}/personer/{person_id}/vedtak/ny/")
    expect(page.get_by_role("heading", name="Nytt vedtak")).to_be_visible()
    if check:
        assert_accessible(page)
    _field(page, "Type vedtak").select_option(label="Vedtak om avslag")
    _field(page, "Introduksjonsprogram").select_option(label="Ikke knyttet til et program")
    _field(page, "Vedtak").fill(CONCLUSION)
    _field(page, "Faktiske forhold").fill(FACTS)
    if check:
        page.get_by_role("button", name="Lagre utkastet").click()
        expect(page.get_by_role("alert")).to_contain_text("Vedtaket er ikke lagret")
        expect(_field(page, "Begrunnelse")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#id_reasoning_error")).to_contain_text("Skriv begrunnelsen")
        expect(_field(page, "Vedtak")).to_have_value(CONCLUSION)
        assert_accessible(page)
    _field(page, "Begrunnelse").fill("Foreløpig begrunnelse.")
    page.get_by_role("button", name="Lagre utkastet").click()
    expect(page).to_have_url(re.compile(r"/vedtak/\d+/$"))
    expect(page.get_by_role("heading", name="Vedtak om avslag")).to_be_visible()


def _edit_decide_send(page: Page, *, check: bool) -> None:
    """From a draft's page: edit the reasoning, decide it today, send it today."""
    page.get_by_role("link", name="Endre utkastet").click()
    expect(page.get_by_role("heading", name="Endre utkast til vedtak")).to_be_visible()
    if check:
        assert_accessible(page)
    _field(page, "Begrunnelse").fill(REASONING)
    page.get_by_role("button", name="Lagre utkastet").click()
    expect(page.get_by_role("status").first).to_contain_text("Endringene i utkastet er lagret")
    expect(page.get_by_text(REASONING)).to_be_visible()

    page.get_by_role("button", name="Vedta", exact=True).click()
    # Deciding cannot be undone: a page says what becomes final, and asks (issue 23 item 2).
    today = timezone.localdate()
    expect(page.get_by_role("heading", name=re.compile(r"^Fatte vedtak V-"))).to_be_visible()
    expect(page.locator("#confirm-summary")).to_contain_text(
        f"vedtas {today:%d.%m.%Y}, og teksten ligger fast."
    )
    if check:
        assert_accessible(page)
        page.get_by_role("link", name="Avbryt").click()
        expect(page.get_by_text("Utkast", exact=True).first).to_be_visible()  # nothing done
        page.get_by_role("button", name="Vedta", exact=True).click()
    page.get_by_role("button", name="Bekreft og vedta").click()
    expect(page.get_by_role("status").first).to_contain_text("Vedtaket er vedtatt")
    if check:
        assert_accessible(page)
    page.get_by_role("link", name="Send vedtaket").click()
    expect(page.get_by_role("heading", name="Send vedtaket")).to_be_visible()
    if check:
        assert_accessible(page)
    page.get_by_role("button", name="Send vedtaket").click()
    deadline = today + datetime.timedelta(weeks=3)
    expect(page.locator("#confirm-summary")).to_contain_text(
        f"og klagefristen blir {deadline:%d.%m.%Y}."
    )
    if check:
        assert_accessible(page)
    page.get_by_role("button", name="Bekreft og send").click()
    expect(page.get_by_role("status").first).to_contain_text("Vedtaket er sendt")


def test_a_caseworker_decides_and_sends_a_decision_and_downloads_the_letter(
    page: Page, live_url: str
) -> None:
    login(page, live_url, "saksbehandler-oslo")
    person_id, name = _an_oslo_adult(page, live_url)
    _draft(page, live_url, person_id, check=True)
    expect(page.get_by_text("Utkast", exact=True).first).to_be_visible()
    assert_accessible(page)

    _edit_decide_send(page, check=True)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Sendt")
    deadline = (timezone.localdate() + datetime.timedelta(weeks=3)).strftime("%d.%m.%Y")
    expect(facts).to_contain_text(deadline)
    assert_accessible(page)
    legal_basis = page.locator("#texts-heading ~ p").nth(1).inner_text()
    assert legal_basis.startswith(("Integreringsloven", "Introduksjonsloven"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned vedtaksbrevet slik det ble sendt (PDF)").click()
    download = download_info.value
    assert re.fullmatch(r"vedtak-V-\d{4}-\d{6}\.pdf", download.suggested_filename)
    text = _pdf_text(Path(download.path()))
    for expected in [
        name.split(",")[0],
        "Du har rett til å klage",
        "3 uker",
        "Statsforvalteren i Oslo og Viken",
        CONCLUSION,
        FACTS,
        REASONING,
        re.sub(r"\s+", " ", legal_basis),
        "Kari Nordmann",
        f"siste frist {deadline}",
    ]:
        assert expected in text, f"{expected!r} is missing from the letter"
    assert "UTKAST" not in text

    # The list of decisions shows it as sent.
    page.goto(f"{live_url}/vedtak/?status=sent")
    expect(page.get_by_role("heading", name="Enkeltvedtak")).to_be_visible()
    expect(page.locator("table tbody")).to_contain_text(download.suggested_filename[7:-4])
    assert_accessible(page)


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_load_state()


def test_an_appeal_goes_to_the_county_governor_and_back(page: Page, live_url: str) -> None:
    login(page, live_url, "saksbehandler-oslo")
    person_id, name = _an_oslo_adult(page, live_url)
    _draft(page, live_url, person_id, check=False)
    _edit_decide_send(page, check=False)
    reference = re.search(r"V-\d{4}-\d{6}", page.locator("main").inner_text())
    assert reference is not None

    page.get_by_role("link", name="Registrer klage").click()
    expect(page.get_by_role("heading", name="Registrer klage")).to_be_visible()
    assert_accessible(page)
    _field(page, "Klagerens anførsler").fill("Jeg trenger mer tid for å bli ferdig med kurset.")
    page.get_by_role("button", name="Registrer klagen").click()
    expect(page.get_by_role("status").first).to_contain_text("Den kom innen fristen")
    expect(page.locator("#appeal-status")).to_contain_text("Mottatt av kommunen")
    assert_accessible(page)
    appeal_url = page.url

    _field(page, "Kommunens vurdering (innstilling til Statsforvalteren)").fill(
        "Kommunen mener vilkårene for forlengelse ikke er oppfylt."
    )
    page.get_by_role("button", name="Send til Statsforvalteren").click()
    expect(page.locator("#appeal-status")).to_contain_text("Sendt til Statsforvalteren")
    expect(page.locator("dl.facts")).to_contain_text("Statsforvalteren i Oslo og Viken")
    assert_accessible(page)

    page.goto(f"{live_url}/klager/")
    expect(page.get_by_role("heading", name="Klager på enkeltvedtak")).to_be_visible()
    expect(page.locator("table tbody tr", has_text=reference.group())).to_contain_text(
        "Sendt til Statsforvalteren"
    )
    assert_accessible(page)
    _log_out(page)

    login(page, live_url, "statsforvalter-oslo")
    page.goto(f"{live_url}/statsforvalteren/klager/")
    expect(page.get_by_role("heading", name="Klagesaker")).to_be_visible()
    row = page.locator("table tbody tr", has_text=reference.group())
    expect(row).to_contain_text("Sendt til Statsforvalteren")
    expect(row).to_contain_text("Oslo")
    assert_accessible(page)
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Klage på vedtak om avslag")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "Kommunen mener vilkårene for forlengelse ikke er oppfylt."
    )
    expect(page.locator("main")).to_contain_text(CONCLUSION)
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned vedtaksbrevet (PDF)").click()
    assert CONCLUSION in _pdf_text(Path(download_info.value.path()))

    page.get_by_role("radio", name=re.compile(r"Stadfestet")).check()
    _field(page, "Statsforvalterens begrunnelse").fill(
        "Statsforvalteren er enig i kommunens vurdering."
    )
    page.get_by_role("button", name="Registrer utfallet").click()
    expect(page.get_by_role("status").first).to_contain_text("Utfallet er registrert: stadfestet")
    expect(page.locator("#appeal-outcome")).to_contain_text("Stadfestet")
    assert_accessible(page)
    _log_out(page)

    login(page, live_url, "saksbehandler-oslo")
    page.goto(appeal_url)
    expect(page.locator("#appeal-status")).to_contain_text("Stadfestet")
    expect(page.locator("#appeal-outcome")).to_contain_text(
        timezone.localdate().strftime("%d.%m.%Y")
    )
    expect(page.locator("main")).to_contain_text("Statsforvalteren er enig i kommunens vurdering.")
    assert name.split(",")[0] in page.locator("main").inner_text()
    assert_accessible(page)
