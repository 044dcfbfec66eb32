"""Importing a household list in the browser: upload, progress, the worker's outcome, the errors."""

from __future__ import annotations

import datetime
import random
import secrets
from pathlib import Path

from playwright.sync_api import Page, expect

from integrering.people.identity import synthetic_identity_number
from integrering.people.imports import COLUMNS
from tests.browser.conftest import assert_accessible, login

HEADER = [c.name for c in COLUMNS]
FINISHED_WITHIN_MS = 60_000  # the worker polls every half second; the machine may be busy


def write_csv(folder: Path, name: str, rows: list[dict[str, str]]) -> Path:
    lines = [";".join(HEADER)] + [";".join(r.get(c, "") for c in HEADER) for r in rows]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def upload(page: Page, live_url: str, path: Path) -> None:
    page.goto(f"{live_url}/husstander/import/")
    page.get_by_label("Fil med husstander").set_input_files(path)
    page.get_by_role("button", name="Last opp og importer").click()


def test_a_caseworker_imports_a_household_list_and_sees_it_finish(
    page: Page, live_url: str, tmp_path: Path
) -> None:
    suffix = secrets.token_hex(3).upper()
    family = f"Importtest{suffix.lower()}"
    rng = random.Random()
    adult = datetime.date(1960 + rng.randint(0, 25), rng.randint(1, 12), rng.randint(1, 28))
    child = datetime.date(2010 + rng.randint(0, 8), rng.randint(1, 12), rng.randint(1, 28))
    single = datetime.date(1960 + rng.randint(0, 25), rng.randint(1, 12), rng.randint(1, 28))
    path = write_csv(
        tmp_path,
        "husstander.csv",
        [
            {
                "husstand": f"B-{suffix}-1",
                "bosatt_dato": "01.09.2024",
                "fornavn": "Amal",
                "etternavn": family,
                "fodselsdato": f"{adult:%d.%m.%Y}",
                "kjonn": "kvinne",
                "fodselsnummer": synthetic_identity_number(adult, rng),
                "kategori": "overføringsflyktning",
            },
            {
                "husstand": f"B-{suffix}-1",
                "bosatt_dato": "01.09.2024",
                "fornavn": "Lina",
                "etternavn": family,
                "fodselsdato": f"{child:%d.%m.%Y}",
                "fodselsnummer": synthetic_identity_number(child, rng),
                "relasjon": "barn",
            },
            {
                "husstand": f"B-{suffix}-2",
                "fornavn": "Yonas",
                "etternavn": family,
                "fodselsdato": f"{single:%d.%m.%Y}",
                "fodselsnummer": synthetic_identity_number(single, rng),
            },
        ],
    )
    login(page, live_url, "saksbehandler-oslo")
    page.goto(f"{live_url}/husstander/import/")
    expect(page.get_by_role("heading", name="Importer husstander")).to_be_visible()
    expect(page.get_by_role("link", name="Last ned eksempelfil (CSV)")).to_be_visible()
    assert_accessible(page)

    upload(page, live_url, path)
    expect(page.get_by_role("heading", name="Import av husstander")).to_be_visible()
    expect(page.get_by_label("Fremdrift")).to_be_visible()
    assert_accessible(page)  # queued or running: the page polls itself

    expect(page.get_by_role("heading", name="Status: Fullført")).to_be_visible(
        timeout=FINISHED_WITHIN_MS
    )
    expect(page.get_by_role("status")).to_contain_text("2 husstander og 3 personer er registrert")
    assert_accessible(page)

    page.get_by_role("link", name="Gå til husstandene fra importen").click()
    expect(page.get_by_role("heading", name="Husstander fra importen")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(f"B-{suffix}-1")
    expect(page.get_by_role("link", name="Vis alle husstander")).to_be_visible()
    assert_accessible(page)


def test_a_file_with_bad_rows_is_refused_with_every_error_listed(
    page: Page, live_url: str, tmp_path: Path
) -> None:
    suffix = secrets.token_hex(3).upper()
    born = datetime.date(1977, 3, 4)
    number = synthetic_identity_number(born, random.Random())
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    path = write_csv(
        tmp_path,
        "feil.csv",
        [
            {"husstand": f"F-{suffix}-1", "fornavn": "God", "etternavn": "Rad",
             "fodselsdato": "01.01.1980"},
            {"husstand": f"F-{suffix}-2", "fornavn": "Feil", "etternavn": "Nummer",
             "fodselsdato": f"{born:%d.%m.%Y}", "fodselsnummer": wrong},
            {"husstand": f"F-{suffix}-3", "kommune": "9999", "fornavn": "Ukjent",
             "etternavn": "Kommune", "fodselsdato": "06.06.1990"},
        ],
    )  # fmt: skip
    login(page, live_url, "saksbehandler-oslo")
    upload(page, live_url, path)
    expect(page.get_by_role("heading", name="Status: Avvist")).to_be_visible(
        timeout=FINISHED_WITHIN_MS
    )
    expect(page.get_by_role("alert")).to_contain_text("Ingenting er lagret")
    expect(page.get_by_role("alert")).to_contain_text("Filen har 2 feil i 2 rader.")
    errors = page.get_by_role("list", name="Feil i filen").get_by_role("listitem")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("Rad 3, fødselsnummer: Kontrollsifrene stemmer ikke")
    expect(errors.nth(1)).to_contain_text("Rad 4, kommune: Kommunenummeret 9999 finnes ikke.")
    assert_accessible(page)


def test_a_wrong_file_type_is_refused_next_to_the_field(
    page: Page, live_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "husstander.txt"
    path.write_text("ikke en liste\n", encoding="utf-8")
    login(page, live_url, "saksbehandler-oslo")
    upload(page, live_url, path)
    field = page.get_by_label("Fil med husstander")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_file_error")).to_contain_text(
        "Filen må være en CSV-fil (.csv) eller en Excel-fil (.xlsx)."
    )
    assert_accessible(page)


def test_a_picture_named_csv_is_refused_as_no_table_not_as_not_utf_8(
    page: Page, live_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "husstander.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01")
    login(page, live_url, "saksbehandler-oslo")
    upload(page, live_url, path)
    expect(page.get_by_label("Fil med husstander")).to_have_attribute("aria-invalid", "true")
    error = page.locator("#id_file_error")
    expect(error).to_contain_text("Filen ser ikke ut som CSV eller Excel.")
    expect(error).not_to_contain_text("UTF-8")
    assert_accessible(page)
