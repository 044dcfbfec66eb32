"""Importing a household list: all or nothing, every bad row listed, run by the real worker (issue 5)."""

from __future__ import annotations

import datetime
import io
import json
import random
import signal
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook

from conftest import World, client_for
from integrering.accounts.roles import Role
from integrering.accounts.services import token_create
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import Notice
from integrering.casework.services.household_import import (
    household_import,
    household_import_execute,
    households_create,
)
from integrering.casework.views.household_import import EXAMPLE_HEADER, example_rows
from integrering.people.identity import synthetic_duf_number, synthetic_identity_number
from integrering.people.imports import (
    COLUMNS,
    ImportRejected,
    import_check,
    table_read,
)
from integrering.people.models import (
    Category,
    Household,
    HouseholdImport,
    ImportStatus,
    Person,
    Relation,
    Sex,
)
from integrering.people.services import PersonInput, household_register
from integrering.tables import errors_summary
from integrering.testing import make_user, municipality

D = datetime.date
HEADER = [c.name for c in COLUMNS]
UPLOAD_URL = "/husstander/import/"
# A transactional test empties the database afterwards; the municipalities (loaded by a
# migration) are put back for the next one.
WORKER_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fnr(born: datetime.date, seed: int = 1) -> str:
    return synthetic_identity_number(born, random.Random(seed))


def row(**values: str) -> list[str]:
    return [values.get(name, "") for name in HEADER]


def csv_bytes(rows: list[list[str]], *, delimiter: str = ";", bom: bool = True) -> bytes:
    lines = [delimiter.join(HEADER), *(delimiter.join(r) for r in rows)]
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def good_rows() -> list[list[str]]:
    return [
        row(
            husstand="IMP-1",
            kommune="0301",
            bosatt_dato="01.09.2024",
            fornavn="Amal",
            etternavn="Importsen",
            fodselsdato="12.04.1976",
            kjonn="kvinne",
            fodselsnummer=fnr(D(1976, 4, 12)),
            relasjon="hovedperson",
            kategori="overføringsflyktning",
            statsborgerskap="Syria",
            morsmal="arabisk",
            tolk="ja",
            ankomst_dato="15.08.2024",
        ),
        row(
            husstand="IMP-1",
            kommune="0301",
            bosatt_dato="01.09.2024",
            fornavn="Lina",
            etternavn="Importsen",
            fodselsdato="2016-06-21",
            kjonn="kvinne",
            fodselsnummer=fnr(D(2016, 6, 21)),
            relasjon="barn",
            kategori="Overføringsflyktning",
            ankomst_dato="2024-08-15",
        ),
        row(
            husstand="IMP-2",
            fornavn="Yonas",
            etternavn="Importsen",
            fodselsdato="27.02.1979",
            kjonn="mann",
            duf_nummer=synthetic_duf_number(2023, random.Random(3)),
            kategori="fra mottak",
            statsborgerskap="Eritrea",
            morsmal="tigrinja",
            mottak="Eksempel mottak",
        ),
    ]


def bad_rows() -> list[list[str]]:
    """One good household, then three bad rows: check digit, settled before born, municipality."""
    number = fnr(D(1977, 3, 4))
    wrong_check_digit = number[:-1] + str((int(number[-1]) + 1) % 10)
    return [
        row(husstand="OK-1", fornavn="God", etternavn="Rad", fodselsdato="01.01.1980"),
        row(
            husstand="BAD-1",
            fornavn="Feil",
            etternavn="Nummer",
            fodselsdato="04.03.1977",
            fodselsnummer=wrong_check_digit,
        ),
        row(
            husstand="BAD-2",
            bosatt_dato="01.03.2020",
            fornavn="Født",
            etternavn="Senere",
            fodselsdato="05.05.2021",
        ),
        row(
            husstand="BAD-3",
            kommune="9999",
            fornavn="Ukjent",
            etternavn="Kommune",
            fodselsdato="06.06.1990",
        ),
    ]


def upload_file(content: bytes, name: str = "liste.csv", content_type: str = "text/csv") -> object:
    return SimpleUploadedFile(name, content, content_type=content_type)


def run_worker() -> None:
    """The real worker, once through the queue. It installs signal handlers; put ours back."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {s: signal.getsignal(s) for s in signals}
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", verbosity=0, stdout=io.StringIO()
        )
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


def execute(world: World, content: bytes, filename: str = "liste.csv") -> HouseholdImport:
    upload = HouseholdImport.objects.create(
        municipality=municipality("0301"),
        uploaded_by=world.owner,
        filename=filename,
        content=content,
    )
    return household_import_execute(
        upload=upload, ctx=AccessContext(user=world.owner, route="test", method="TASK")
    )


def texts(upload: HouseholdImport) -> list[str]:
    return [e["text"] for e in upload.errors]


@pytest.fixture
def owner(world: World) -> Client:
    return client_for(world.owner)


# --- Through the real worker -----------------------------------------------------------------------


@WORKER_DB
def test_a_good_csv_is_queued_then_imported_by_the_worker(world: World, owner: Client) -> None:
    oslo = municipality("0301")
    response = owner.post(
        UPLOAD_URL, {"municipality": oslo.pk, "file": upload_file(csv_bytes(good_rows()))}
    )
    upload = HouseholdImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/husstander/import/{upload.pk}/"
    assert upload.status == ImportStatus.QUEUED
    assert DBTaskResult.objects.filter(pk=upload.task_id, status="READY").exists()
    assert not Household.objects.filter(reference__startswith="IMP-").exists()

    queued_page = owner.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in queued_page

    run_worker()

    upload.refresh_from_db()
    assert upload.status == ImportStatus.SUCCEEDED, upload.errors
    assert (upload.total_rows, upload.processed_rows, upload.progress_percent) == (3, 3, 100)
    assert (upload.households_created, upload.persons_created) == (2, 3)
    assert upload.finished_at is not None
    assert bytes(upload.content) == b""  # the persons' data are kept in the register only
    assert DBTaskResult.objects.get(pk=upload.task_id).status == "SUCCESSFUL"

    settled = Household.objects.get(reference="IMP-1")
    assert (settled.municipality.number, settled.settled_on) == ("0301", D(2024, 9, 1))
    assert settled.caseworker == world.owner
    assert Notice.objects.filter(household=settled).exists()  # settled: notices to the services
    amal = settled.members.get(given_name="Amal")
    assert (amal.sex, amal.relation, amal.category) == (
        Sex.FEMALE,
        Relation.MAIN,
        Category.TRANSFER_REFUGEE,
    )
    assert amal.interpreter_needed and amal.language == "arabisk"
    assert amal.arrival_date == D(2024, 8, 15)
    unsettled = Household.objects.get(reference="IMP-2")
    assert unsettled.settled_on is None and unsettled.municipality.number == "0301"
    assert unsettled.members.get().reception_centre == "Eksempel mottak"

    created = AuditEvent.objects.filter(action=AuditAction.CREATE, route="task:household-import")
    assert created.count() == 3
    assert set(created.values_list("user_id", "method")) == {(world.owner.pk, "TASK")}

    done_page = owner.get(response["Location"]).content.decode()
    assert "Fullført" in done_page
    assert "2 husstander og 3 personer er registrert" in done_page
    assert "hx-trigger" not in done_page  # polling stops


@WORKER_DB
def test_a_good_xlsx_with_excel_dates_and_number_cells_is_imported(
    world: World, owner: Client
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Husstand", "Kommune", "Bosatt dato", "Fornavn", "Etternavn", "Fødselsdato"])
    sheet.append(["X-1", 301, datetime.datetime(2024, 9, 1), "Sara", "Arksen", D(1981, 2, 3)])
    sheet.append(["X-1", 301, datetime.datetime(2024, 9, 1), "Adam", "Arksen", "03.04.2018"])
    sheet.append([])  # an empty row is skipped, and the rows after keep their numbers
    sheet.append([1002, "0301", None, "Omar", "Arksen", D(1975, 5, 6)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx = SimpleUploadedFile(
        "liste.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

    response = owner.post(UPLOAD_URL, {"municipality": municipality("0301").pk, "file": xlsx})
    assert response.status_code == 302
    run_worker()

    upload = HouseholdImport.objects.get()
    assert upload.status == ImportStatus.SUCCEEDED, upload.errors
    assert (upload.households_created, upload.persons_created) == (2, 3)
    sara = Person.objects.get(given_name="Sara")
    assert (sara.birth_date, sara.household.settled_on) == (D(1981, 2, 3), D(2024, 9, 1))
    assert sara.municipality.number == "0301"
    assert Person.objects.get(given_name="Adam").relation == Relation.OTHER
    assert Household.objects.filter(reference="1002").exists()


@WORKER_DB
def test_the_api_queues_an_import_with_202_and_reports_its_outcome(world: World) -> None:
    token = token_create(user=world.owner).token
    api = Client(headers={"Authorization": f"Bearer {token}"})
    response = api.post(
        "/api/v1/household-imports/",
        {"municipality": "0301", "file": upload_file(csv_bytes(good_rows()))},
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert body["url"] == f"/api/v1/household-imports/{body['id']}"

    before = api.get(body["url"]).json()
    assert (before["status"], before["progress_percent"], before["errors"]) == ("queued", 0, [])

    run_worker()

    after = api.get(body["url"]).json()
    assert after == {
        "id": body["id"],
        "status": "succeeded",
        "total_rows": 3,
        "processed_rows": 3,
        "progress_percent": 100,
        "errors": [],
        "households_created": 2,
        "persons_created": 3,
    }


# --- All or nothing, every error listed --------------------------------------------------------------


def test_a_file_with_three_bad_rows_writes_nothing_and_lists_all_three(world: World) -> None:
    households_before = Household.objects.count()

    upload = execute(world, csv_bytes(bad_rows()))

    assert upload.status == ImportStatus.FAILED
    assert Household.objects.count() == households_before
    assert not Household.objects.filter(reference="OK-1").exists()  # the good row waits too
    assert texts(upload) == [
        "Rad 3, fødselsnummer: Kontrollsifrene stemmer ikke; sjekk at fødselsnummeret er "
        "skrevet riktig.",
        "Rad 4, fødselsdato: Husstanden er bosatt 01.03.2020, før personen ble født.",
        "Rad 5, kommune: Kommunenummeret 9999 finnes ikke.",
    ]
    assert [(e["row"], e["column"]) for e in upload.errors] == [
        (3, "fodselsnummer"),
        (4, "fodselsdato"),
        (5, "kommune"),
    ]
    assert (upload.households_created, upload.persons_created, upload.progress_percent) == (
        0,
        0,
        100,
    )


def test_the_import_page_lists_every_error_of_a_failed_import(world: World, owner: Client) -> None:
    upload = execute(world, csv_bytes(bad_rows()))
    page = owner.get(f"/husstander/import/{upload.pk}/").content.decode()
    assert "Avvist" in page and "Ingenting er lagret" in page
    assert "Rad 3, fødselsnummer: Kontrollsifrene stemmer ikke" in page
    assert "Rad 4, fødselsdato: Husstanden er bosatt 01.03.2020" in page
    assert "Rad 5, kommune: Kommunenummeret 9999 finnes ikke." in page
    assert "hx-trigger" not in page


def test_every_field_is_checked_and_named(world: World) -> None:
    upload = execute(
        world,
        csv_bytes(
            [
                row(
                    husstand="F-1",
                    fornavn="Alle",
                    etternavn="Feil",
                    fodselsdato="31.02.1990",
                    kjonn="ukjent",
                    relasjon="tante",
                    kategori="turist",
                    tolk="kanskje",
                    ankomst_dato="i fjor",
                    duf_nummer="12345",
                ),
                row(husstand="F-2", fornavn="", etternavn="Navnløs", fodselsdato="01.01.1990"),
            ]
        ),
    )
    assert texts(upload) == [
        "Rad 2, fødselsdato: «31.02.1990» er ikke en dato; skriv den som DD.MM.ÅÅÅÅ, for "
        "eksempel 01.03.2024.",
        "Rad 2, kjønn: «ukjent» er ikke gyldig; skriv kvinne eller mann.",
        "Rad 2, DUF-nummer: DUF-nummeret må ha 12 siffer (fikk 5).",
        "Rad 2, relasjon: «tante» er ikke gyldig; skriv hovedperson, ektefelle, samboer, barn "
        "eller annen.",
        "Rad 2, kategori: «turist» er ikke gyldig; skriv overføringsflyktning, fra mottak, "
        "familiegjenforent, enslig mindreårig eller selvbosatt.",
        "Rad 2, tolk: «kanskje» er ikke gyldig; skriv ja eller nei.",
        "Rad 2, ankomstdato: «i fjor» er ikke en dato; skriv den som DD.MM.ÅÅÅÅ, for eksempel "
        "01.03.2024.",
        "Rad 3, fornavn: Fornavn må fylles ut.",
    ]


def test_duplicates_in_the_register_and_within_the_file_are_refused(world: World) -> None:
    registered = world.person
    born = D(1972, 7, 7)
    number = fnr(born, seed=9)
    upload = execute(
        world,
        csv_bytes(
            [
                row(
                    husstand="D-1",
                    fornavn="Kopi",
                    etternavn="Av",
                    fodselsdato=f"{registered.birth_date:%d.%m.%Y}",
                    fodselsnummer=registered.identity_number or "",
                ),
                row(
                    husstand="D-2",
                    fornavn="To",
                    etternavn="Ganger",
                    fodselsdato=f"{born:%d.%m.%Y}",
                    fodselsnummer=number,
                ),
                row(
                    husstand="D-3",
                    fornavn="To",
                    etternavn="Ganger",
                    fodselsdato=f"{born:%d.%m.%Y}",
                    fodselsnummer=number,
                ),
                row(
                    husstand=world.household.reference,
                    fornavn="Ny",
                    etternavn="Husstand",
                    fodselsdato="01.01.1990",
                ),
            ]
        ),
    )
    assert texts(upload) == [
        f"Rad 2, fødselsnummer: Fødselsnummeret er allerede registrert i Oslo kommune "
        f"(husstand {world.household.reference}).",
        "Rad 4, fødselsnummer: Samme fødselsnummer står også på rad 3.",
        f"Rad 5, husstand: Husstandsnummeret {world.household.reference} er allerede i bruk.",
    ]


def test_a_household_has_one_municipality_one_settlement_date_and_one_main_person(
    world: World,
) -> None:
    upload = execute(
        world,
        csv_bytes(
            [
                row(
                    husstand="M-1",
                    kommune="0301",
                    bosatt_dato="01.09.2024",
                    fornavn="A",
                    etternavn="B",
                    fodselsdato="01.01.1980",
                    relasjon="hovedperson",
                ),
                row(
                    husstand="M-1",
                    kommune="0301",
                    bosatt_dato="02.09.2024",
                    fornavn="C",
                    etternavn="B",
                    fodselsdato="01.01.1981",
                    relasjon="hovedperson",
                ),
                row(
                    husstand="M-1",
                    kommune="4601",
                    bosatt_dato="01.09.2024",
                    fornavn="D",
                    etternavn="B",
                    fodselsdato="01.01.2010",
                    relasjon="barn",
                ),
            ]
        ),
    )
    assert texts(upload) == [
        "Rad 3, bosatt dato: Husstanden M-1 har bosatt dato 01.09.2024 på rad 2; alle radene i "
        "en husstand må ha samme bosatt dato.",
        "Rad 3, relasjon: Husstanden kan ha bare én hovedperson, og A B er det allerede. Velg en "
        "annen relasjon.",
        "Rad 4, kommune: Husstanden M-1 har kommune 0301 på rad 2; alle radene i en husstand "
        "må ha samme kommune.",
    ]


def test_rows_may_not_name_a_municipality_the_user_does_not_serve(world: World) -> None:
    upload = execute(
        world,
        csv_bytes(
            [
                row(
                    husstand="B-1",
                    kommune="4601",
                    fornavn="A",
                    etternavn="B",
                    fodselsdato="1.1.1980",
                )
            ]
        ),
    )
    assert texts(upload) == [
        "Rad 2, kommune: Du arbeider ikke for 4601 Bergen, og kan ikke registrere husstander der."
    ]
    assert not Household.objects.filter(reference="B-1").exists()


def test_unknown_and_missing_columns_are_reported_on_the_header_row(world: World) -> None:
    content = b"husstand,fornavn,alder\nH,Ola,40\n"
    upload = execute(world, content)
    assert upload.status == ImportStatus.FAILED
    assert texts(upload)[0].startswith("Rad 1: Ukjent kolonne «alder».")
    assert texts(upload)[1:] == [
        "Rad 1: Kolonnen «etternavn» mangler i overskriftsraden.",
        "Rad 1: Kolonnen «fodselsdato» mangler i overskriftsraden.",
    ]


def test_csv_with_commas_without_bom_and_norwegian_headers_is_read() -> None:
    content = (
        "Husstand,Fornavn,Etternavn,Fødselsdato,Kjønn,Tolkespråk\n"
        '"H-1","Ola","Nordmann, d.y.",01.02.1990,Mann,\n'
        "\n"
        "H-1,Kari,Nordmann,1991-03-04,kvinne,\n"
    ).encode()
    table = table_read(filename="liste.CSV", content=content)
    assert table.columns == [
        "husstand",
        "fornavn",
        "etternavn",
        "fodselsdato",
        "kjonn",
        "tolkesprak",
    ]
    assert [number for number, _ in table.rows] == [2, 4]  # the empty line 3 keeps its number
    assert table.rows[0][1]["etternavn"] == "Nordmann, d.y."


def test_a_csv_saved_by_excel_in_windows_encoding_is_read_with_its_letters() -> None:
    content = "husstand;fornavn;etternavn;fodselsdato\nH;Åse;Ø;01.01.1990\n".encode("cp1252")
    table = table_read(filename="liste.csv", content=content)
    assert table.rows[0][1]["fornavn"] == "Åse" and table.rows[0][1]["etternavn"] == "Ø"


def test_a_utf8_csv_with_a_broken_letter_is_refused_with_how_to_save_it() -> None:
    content = "husstand;fornavn;etternavn;fodselsdato\nH;Åse;Ø;01.01.1990\n".encode() + b"\xe5\n"
    with pytest.raises(ImportRejected) as refused:
        table_read(filename="liste.csv", content=content)
    assert "CSV UTF-8" in refused.value.errors[0].text


def test_a_bad_date_or_a_missing_reference_hides_no_other_error_of_the_row(world: World) -> None:
    rows = [
        row(husstand="H-A", etternavn="Hassan", fodselsdato="31.02.1990", tolk="ja"),
        row(fornavn="Ali", fodselsdato="01.01.1990", kjonn="ukjent"),
    ]
    table = table_read(filename="liste.csv", content=csv_bytes(rows))
    plans, errors = import_check(user=world.owner, municipality=municipality("0301"), table=table)
    assert plans == []
    assert [(e.row, e.column) for e in errors] == [
        (2, "fornavn"),
        (2, "fodselsdato"),
        (2, "tolkesprak"),
        (3, "husstand"),
        (3, "etternavn"),
        (3, "kjonn"),
    ]
    assert errors_summary(errors) == "6 feil i 2 rader"


def test_nothing_is_written_when_someone_registers_a_household_during_the_import(
    world: World,
) -> None:
    table = table_read(filename="liste.csv", content=csv_bytes(good_rows()))
    plans, errors = import_check(user=world.owner, municipality=municipality("0301"), table=table)
    assert not errors
    household_register(
        ctx=AccessContext.command("test"),
        municipality=municipality("0301"),
        reference="IMP-2",
        members=[PersonInput(given_name="Først", family_name="Til", birth_date=D(1990, 1, 1))],
    )
    with pytest.raises(ImportRejected) as refused:
        households_create(ctx=AccessContext(user=world.owner, route="test"), plans=plans)
    assert [e.text for e in refused.value.errors] == [
        "Rad 4, husstand: Husstandsnummeret IMP-2 er allerede i bruk."
    ]
    assert not Household.objects.filter(reference="IMP-1").exists()  # rolled back


def test_the_example_file_would_import_cleanly(world: World, owner: Client) -> None:
    response = owner.get("/husstander/import/eksempel.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content
    assert content.startswith("\ufeff".encode())
    assert content.decode("utf-8-sig").splitlines()[0] == ";".join(EXAMPLE_HEADER)
    outcome = household_import(
        ctx=AccessContext(user=world.owner, route="test"),
        municipality=municipality("0301"),
        filename="husstander-eksempel.csv",
        content=content,
    )
    assert outcome.errors == []
    assert (outcome.households_created, outcome.persons_created) == (2, len(example_rows()))


# --- The upload form ------------------------------------------------------------------------------


def assert_refused_next_to_the_file_field(response: object, message: str) -> None:
    body = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert 'id="id_file_error"' in body
    assert message in body.split('id="id_file_error"')[1].split("</div>")[0]
    assert 'aria-invalid="true"' in body
    assert not HouseholdImport.objects.exists()
    assert not DBTaskResult.objects.exists()


@override_settings(IMPORT_MAX_BYTES=100)
def test_an_oversized_upload_is_refused_next_to_the_field(world: World, owner: Client) -> None:
    response = owner.post(
        UPLOAD_URL,
        {"municipality": municipality("0301").pk, "file": upload_file(csv_bytes(good_rows()))},
    )
    assert_refused_next_to_the_file_field(response, "Filen er for stor (1 kB)")
    assert "Den største filen du kan laste opp er 1 kB" in response.content.decode()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


@pytest.mark.parametrize(
    ("name", "content_type", "content", "message"),
    [
        ("liste.pdf", "application/pdf", b"%PDF-1.4", "Filen må være en CSV-fil (.csv) eller"),
        ("liste.xls", "application/vnd.ms-excel", b"\xd0\xcf", "Gamle Excel-filer (.xls)"),
        ("liste.csv", "image/png", b"\x89PNG", "Filen heter .csv, men er ikke en CSV-fil"),
        (
            "liste.xlsx",
            "application/octet-stream",
            b"PK\x03\x04",
            "kan ikke leses som en Excel-fil",
        ),
        # Not text, whatever its name: said so, not «not UTF-8» (issue 23).
        ("liste.csv", "text/csv", PNG, "Filen ser ikke ut som CSV eller Excel."),
        ("liste.xlsx", "application/octet-stream", PNG, "Filen ser ikke ut som CSV eller Excel."),
        ("liste.csv", "text/csv", bytes(range(256)), "Filen ser ikke ut som CSV eller Excel."),
        ("liste.csv", "text/csv", b"navn;alder\nOla;4\n", "Ukjent kolonne «navn»"),
    ],
)
def test_a_wrong_type_or_unreadable_upload_is_refused_next_to_the_field(
    world: World, owner: Client, name: str, content_type: str, content: bytes, message: str
) -> None:
    response = owner.post(
        UPLOAD_URL,
        {
            "municipality": municipality("0301").pk,
            "file": upload_file(content, name=name, content_type=content_type),
        },
    )
    assert_refused_next_to_the_file_field(response, message)


def test_an_empty_upload_is_refused(world: World, owner: Client) -> None:
    response = owner.post(
        UPLOAD_URL, {"municipality": municipality("0301").pk, "file": upload_file(b"")}
    )
    assert_refused_next_to_the_file_field(response, "Filen er tom.")


def test_a_municipality_the_user_does_not_serve_is_refused(world: World, owner: Client) -> None:
    response = owner.post(
        UPLOAD_URL,
        {"municipality": municipality("4601").pk, "file": upload_file(csv_bytes(good_rows()))},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Velg en kommune du arbeider for." in body.split('id="id_municipality_error"')[1]
    assert not HouseholdImport.objects.exists()
    assert "4601" not in body.split('id="id_municipality"')[1].split("</select>")[0]


def test_the_upload_page_describes_the_columns_and_links_the_example(owner: Client) -> None:
    body = owner.get(UPLOAD_URL).content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert "/husstander/import/eksempel.csv" in body
    for column in COLUMNS:
        assert f"<code>{column.name}</code>" in body
    assert "høyst 5 MB" in body


# --- Who may import, and who sees an import -----------------------------------------------------------


def test_only_the_refugee_service_may_import(world: World) -> None:
    nav = client_for(make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER]))
    upload = execute(world, csv_bytes(good_rows()))
    assert nav.get(UPLOAD_URL).status_code == 403
    response = nav.post(
        UPLOAD_URL,
        {"municipality": municipality("0301").pk, "file": upload_file(csv_bytes(good_rows()))},
    )
    assert response.status_code == 403
    assert nav.get(f"/husstander/import/{upload.pk}/").status_code == 403
    api = nav.post(
        "/api/v1/household-imports/", {"municipality": "0301", "file": upload_file(b"x")}
    )
    assert api.status_code == 403
    assert HouseholdImport.objects.count() == 1


def test_an_outsider_gets_404_for_an_import_of_another_municipality(
    world: World, outsider_client: Client
) -> None:
    upload = execute(world, csv_bytes(bad_rows()))
    assert outsider_client.get(f"/husstander/import/{upload.pk}/").status_code == 404
    assert outsider_client.get(f"/api/v1/household-imports/{upload.pk}").status_code == 404
    assert upload.filename not in outsider_client.get(UPLOAD_URL).content.decode()


def test_the_page_polls_while_the_import_runs_and_shows_its_progress(
    world: World, owner: Client
) -> None:
    upload = HouseholdImport.objects.create(
        municipality=municipality("0301"),
        uploaded_by=world.owner,
        filename="stor.csv",
        status=ImportStatus.RUNNING,
        total_rows=200,
        processed_rows=50,
    )
    page = owner.get(f"/husstander/import/{upload.pk}/").content.decode()
    assert '<label class="ds-label" for="import-progress">Fremdrift</label>' in page
    assert '<progress id="import-progress" max="100" value="25">' in page
    assert "50 av 200 er kontrollert" in page
    partial = owner.get(f"/husstander/import/{upload.pk}/", headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith("<section")
    assert 'hx-trigger="every 2s"' in partial.content.decode()


# --- The command --------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: object) -> Iterator[dict[str, str]]:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "god.csv").write_bytes(csv_bytes(good_rows()))
    (folder / "feil.csv").write_bytes(csv_bytes(bad_rows()))
    yield {name: str(folder / f"{name}.csv") for name in ("god", "feil")}


def test_the_command_imports_a_good_file_and_prints_the_counts(
    world: World, files: dict[str, str]
) -> None:
    out = io.StringIO()
    call_command(
        "import_households", files["god"], "--municipality", "0301", "--user", "owner", stdout=out
    )
    assert "3 rader, 2 husstander og 3 personer" in out.getvalue()
    assert Person.objects.filter(family_name="Importsen").count() == 3
    created = AuditEvent.objects.filter(
        action=AuditAction.CREATE, route="command:import-households"
    )
    assert set(created.values_list("user_id", "method")) == {(world.owner.pk, "CLI")}
    assert created.count() == 3


def test_the_command_exits_1_with_every_error_and_writes_nothing(
    world: World, files: dict[str, str]
) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "import_households",
            files["feil"],
            "--municipality",
            "0301",
            "--user",
            "owner",
            stderr=err,
        )
    assert failed.value.returncode == 1
    assert "3 feil i 3 rader. Ingenting er lagret." in str(failed.value)
    assert err.getvalue().splitlines() == [
        "Rad 3, fødselsnummer: Kontrollsifrene stemmer ikke; sjekk at fødselsnummeret er "
        "skrevet riktig.",
        "Rad 4, fødselsdato: Husstanden er bosatt 01.03.2020, før personen ble født.",
        "Rad 5, kommune: Kommunenummeret 9999 finnes ikke.",
    ]
    assert not Household.objects.filter(reference="OK-1").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "0301", "--user", "nobody"], "Finner ingen aktiv bruker"),
        (["--municipality", "4601", "--user", "owner"], "arbeider ikke der"),
    ],
)
def test_the_command_refuses_an_unknown_user_or_a_municipality_not_served(
    world: World, files: dict[str, str], args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as failed:
        call_command("import_households", files["god"], *args)
    assert failed.value.returncode == 1
    assert not HouseholdImport.objects.exists()


def test_the_command_help_names_the_columns() -> None:
    from integrering.casework.management.commands.import_households import Command

    assert "husstand (required)" in Command.help and "fodselsnummer" in Command.help


def test_an_import_error_as_json_is_what_the_api_returns(world: World) -> None:
    upload = execute(world, csv_bytes(bad_rows()))
    api = client_for(world.owner).get(f"/api/v1/household-imports/{upload.pk}").json()
    assert api["status"] == "failed"
    assert api["errors"][0] == {
        "row": 3,
        "column": "fodselsnummer",
        "message": "Kontrollsifrene stemmer ikke; sjekk at fødselsnummeret er skrevet riktig.",
        "text": "Rad 3, fødselsnummer: Kontrollsifrene stemmer ikke; sjekk at fødselsnummeret "
        "er skrevet riktig.",
    }
    assert json.dumps(api)  # plain JSON


@override_settings(IMPORT_MAX_BYTES=100)
@pytest.mark.parametrize(
    ("municipality_number", "file", "field", "message"),
    [
        ("0301", ("liste.csv", "x" * 200), "file", "Filen er for stor"),
        ("0301", ("liste.pdf", "%PDF"), "file", "Filen må være en CSV-fil"),
        ("4601", ("liste.csv", "husstand;fornavn;etternavn;fodselsdato\n"), "municipality", "4601"),
    ],
)
def test_the_api_refuses_a_bad_upload_with_422_by_field(
    world: World, municipality_number: str, file: tuple[str, str], field: str, message: str
) -> None:
    name, text = file
    response = client_for(world.owner).post(
        "/api/v1/household-imports/",
        {"municipality": municipality_number, "file": upload_file(text.encode(), name=name)},
    )
    assert response.status_code == 422
    assert message in response.json()["errors"][field][0]
    assert not HouseholdImport.objects.exists()


@pytest.mark.django_db
def test_the_finished_import_links_to_exactly_its_households_and_an_outsider_sees_none(
    world: World, owner: Client
) -> None:
    upload = execute(world, csv_bytes(good_rows()))
    assert upload.status == ImportStatus.SUCCEEDED, upload.errors
    # Registered after the import by hand: not the import's.
    later = household_register(
        ctx=AccessContext(user=world.owner, route="test", method="POST"),
        municipality=municipality("0301"),
        reference="HAND-1",
        members=[
            PersonInput(given_name="Hand", family_name="Registrert", birth_date=D(1980, 1, 1))
        ],
    )
    status = owner.get(f"/husstander/import/{upload.pk}/").content.decode()
    link = f"/husstander/?import={upload.pk}"
    assert f'href="{link}">Gå til husstandene fra importen</a>' in status

    response = owner.get(link)
    shown = [h.reference for h in response.context["page"]]
    assert shown == ["IMP-1", "IMP-2"]
    assert later.reference not in shown and world.household.reference not in shown
    page = response.content.decode()
    assert f"Husstander fra importen {timezone.localtime(upload.created_at):%d.%m.%Y}" in page
    assert 'href="/husstander/">Vis alle husstander</a>' in page
    assert client_for(world.outsider).get(link).context["page"].count == 0
    # An unknown or malformed import shows none, never all.
    assert owner.get("/husstander/", {"import": upload.pk + 1}).context["page"].count == 0
    assert owner.get("/husstander/", {"import": "x"}).context["page"].count == 0
