"""Importing households waiting for settlement from a file (issue 21): all or nothing, every bad
field of every bad row listed, a DUF number already waiting or settled refused, and the real
worker running it from the page and the API."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook

from conftest import client_for
from integrering.accounts.models import User
from integrering.accounts.services import token_create
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.tests.test_household_import import WORKER_DB, run_worker
from integrering.people.identity import duf_check_digits
from integrering.people.models import ImportStatus
from integrering.people.services import PersonInput, household_register
from integrering.settlement.models import (
    WaitingHousehold,
    WaitingHouseholdImport,
    WaitingPerson,
)
from integrering.settlement.services import waiting_import
from integrering.settlement.services.waiting import (
    WaitingHouseholdInput,
    WaitingPersonInput,
    waiting_household_create,
)
from integrering.settlement.services.waiting_import import (
    COLUMNS,
    REQUIRED_COLUMNS,
    waiting_import_execute,
)
from integrering.settlement.testing import make_centre
from integrering.testing import make_user, municipality

HEADER = [c.name for c in COLUMNS]
UPLOAD_URL = "/bosetting/venter/import/"


def duf(serial: int, year: int = 2025) -> str:
    first_ten = f"{year:04d}{serial:06d}"
    return first_ten + duf_check_digits(first_ten)


def row(**values: str) -> list[str]:
    return [values.get(name, "") for name in HEADER]


def csv_bytes(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    lines = [";".join(header or HEADER), *(";".join(r) for r in rows)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def person_row(reference: str, serial: int, **values: str) -> list[str]:
    cells = {
        "husstand": reference,
        "fornavn": f"Navn{serial}",
        "etternavn": "Importsen",
        "fodselsdato": "12.04.1986",
        "duf_nummer": duf(serial),
        "tillatelse": "asyl",
    }
    cells.update(values)
    return row(**cells)


def good_rows(centre: str) -> list[list[str]]:
    return [
        person_row(
            "IMP-1",
            1,
            mottak=centre,
            klar_dato="01.09.2026",
            bosettingsar="2026",
            stor_bolig="ja",
            tilpasning="rullestol, naer_sykehus",
            tilknytning_kommune="4601",
            tilknytning="familie",
            kjonn="kvinne",
            relasjon="hovedperson",
            tillatelse_dato="15.08.2026",
            statsborgerskap="Syria",
            morsmal="arabisk",
            tolk="ja",
        ),
        person_row(
            "IMP-1",
            2,
            fodselsdato="2016-06-21",
            relasjon="barn",
            tillatelse="Asyl (flyktningstatus)",
        ),
        person_row(
            "IMP-2",
            3,
            fodselsdato="27.02.2010",
            tillatelse="overføringsflyktning",
            enslig_mindrearig="ja",
            klar_dato="01.10.2026",
        ),
    ]


def execute(user: User, content: bytes, filename: str = "venter.csv") -> WaitingHouseholdImport:
    upload = WaitingHouseholdImport.objects.create(
        uploaded_by=user, filename=filename, content=content
    )
    return waiting_import_execute(
        upload=upload, ctx=AccessContext(user=user, route="test", method="TASK")
    )


def texts(upload: WaitingHouseholdImport) -> list[str]:
    return [e["text"] for e in upload.errors]


@pytest.fixture
def planner(db: None) -> User:
    return make_user(username="planlegger")


# --- Checked and registered -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_good_file_registers_every_household_with_its_facts(planner: User) -> None:
    centre = make_centre()
    upload = execute(planner, csv_bytes(good_rows(centre.name.upper())))
    assert upload.status == ImportStatus.SUCCEEDED, upload.errors
    assert (upload.total_rows, upload.processed_rows) == (3, 3)
    assert (upload.households_created, upload.persons_created) == (2, 3)
    assert bytes(upload.content) == b""  # the persons' data are kept in the waiting list only

    first = WaitingHousehold.objects.get(reference="IMP-1")
    assert first.reception_centre == centre
    assert (first.ready_on, first.year) == (datetime.date(2026, 9, 1), 2026)
    assert first.large_dwelling == 1
    assert first.adaptation_needs == ["wheelchair", "near_hospital"]
    assert (first.required_municipality, first.tie_kind) == (municipality("4601"), "family")
    assert first.school_children == 1
    amal = first.members.get(duf_number=duf(1))
    assert (amal.relation, amal.sex, amal.permit_type) == ("main", "female", "asylum")
    assert amal.permit_date == datetime.date(2026, 8, 15)
    assert amal.interpreter_needed and amal.language == "arabisk"
    assert first.members.get(duf_number=duf(2)).relation == "child"

    minor = WaitingHousehold.objects.get(reference="IMP-2")
    assert minor.category == "unaccompanied_minor"
    assert minor.unaccompanied_minors == 1
    only = minor.members.get()
    assert (only.relation, only.permit_type) == ("main", "resettlement")  # first row: main

    created = AuditEvent.objects.filter(username="planlegger", action=AuditAction.CREATE)
    assert created.count() == 3


@pytest.mark.django_db
def test_one_bad_row_writes_nothing_and_every_bad_field_of_every_bad_row_is_listed(
    planner: User,
) -> None:
    bad_check = duf(5)[:-1] + str((int(duf(5)[-1]) + 1) % 10)
    rows = [
        person_row("OK-1", 4),  # row 2: good, but not written
        person_row("BAD-1", 5, duf_nummer=bad_check),  # row 3
        person_row(  # row 4: five bad fields in one row
            "BAD-2",
            6,
            fornavn="",
            fodselsdato="31.02.1990",
            kjonn="ukjent",
            tillatelse="turist",
            tolk="kanskje",
        ),
        person_row("BAD-3", 7, tilpasning="jetpakke", tilknytning_kommune="9999"),  # row 5
    ]
    upload = execute(planner, csv_bytes(rows))
    assert upload.status == ImportStatus.FAILED
    assert upload.error == "Filen har feil. Ingenting er lagret."
    assert texts(upload) == [
        "Rad 3, DUF-nummer: Kontrollsifrene i DUF-nummeret stemmer ikke; sjekk at det er "
        "skrevet riktig.",
        "Rad 4, fornavn: Fornavn må fylles ut.",
        "Rad 4, fødselsdato: «31.02.1990» er ikke en dato; skriv den som DD.MM.ÅÅÅÅ, for "
        "eksempel 01.03.2024.",
        "Rad 4, kjønn: «ukjent» er ikke gyldig; skriv kvinne eller mann.",
        "Rad 4, tillatelse: «turist» er ikke gyldig; skriv asyl, humanitær, kollektiv "
        "beskyttelse, overføringsflyktning eller familiegjenforening.",
        "Rad 4, tolk: «kanskje» er ikke gyldig; skriv ja eller nei.",
        "Rad 5, tilpasning: Ukjent behov «jetpakke»; skriv rullestol, naer_sykehus, "
        "jevnlig_behandling, annet (flere skilt med komma).",
        "Rad 5, tilknytning kommune: Kommunenummeret 9999 finnes ikke.",
        "Rad 5, tilknytning: Velg om tilknytningen til kommunen er familie eller nettverk.",
    ]
    assert upload.errors[0] == {
        "row": 3,
        "column": "duf_nummer",
        "message": "Kontrollsifrene i DUF-nummeret stemmer ikke; sjekk at det er skrevet riktig.",
        "text": texts(upload)[0],
    }
    assert not WaitingHousehold.objects.exists()
    assert not WaitingPerson.objects.exists()
    assert upload.errors_summary == "9 feil i 3 rader"


@pytest.mark.django_db
def test_a_row_without_a_household_reference_still_has_its_other_fields_checked(
    planner: User,
) -> None:
    rows = [person_row("", 8, etternavn="", tillatelse="turist", klar_dato="i morgen")]
    upload = execute(planner, csv_bytes(rows))
    assert [(e["row"], e["column"]) for e in upload.errors] == [
        (2, "husstand"),
        (2, "klar_dato"),
        (2, "etternavn"),
        (2, "tillatelse"),
    ]
    assert upload.errors_summary == "4 feil i 1 rad"


@pytest.mark.django_db
def test_a_duf_number_already_waiting_or_settled_or_twice_in_the_file_is_refused(
    planner: User,
) -> None:
    waiting_household_create(
        ctx=AccessContext(user=planner, route="test"),
        data=WaitingHouseholdInput(
            reference="FINS-1",
            members=[
                WaitingPersonInput(
                    given_name="Allerede",
                    family_name="Venter",
                    birth_date=datetime.date(1986, 4, 12),
                    duf_number=duf(10),
                    permit_type="asylum",
                )
            ],
        ),
    )
    household_register(
        ctx=AccessContext.command("test"),
        municipality=municipality("0301"),
        reference="H-BOSATT",
        members=[
            PersonInput(
                given_name="Bosatt",
                family_name="Person",
                birth_date=datetime.date(1986, 4, 12),
                duf_number=duf(11),
            )
        ],
    )
    rows = [
        person_row("NY-1", 10),  # row 2: waiting already
        person_row("NY-2", 11),  # row 3: settled already
        person_row("NY-3", 12),  # row 4
        person_row("NY-4", 12),  # row 5: the same number as row 4
    ]
    upload = execute(planner, csv_bytes(rows))
    assert texts(upload) == [
        "Rad 2, DUF-nummer: DUF-nummeret står allerede på husstand FINS-1, som venter på "
        "bosetting.",
        "Rad 3, DUF-nummer: DUF-nummeret er allerede registrert i Oslo kommune (husstand "
        "H-BOSATT): personen er bosatt.",
        "Rad 5, DUF-nummer: Samme DUF-nummer står også på rad 4.",
    ]
    assert list(WaitingHousehold.objects.values_list("reference", flat=True)) == ["FINS-1"]


@pytest.mark.django_db
def test_a_household_column_may_stand_on_its_first_row_only_but_must_agree_elsewhere(
    planner: User,
) -> None:
    centre = make_centre()
    rows = [
        person_row("H-1", 20, mottak=centre.name, klar_dato="01.09.2026"),
        person_row("H-1", 21, relasjon="barn", fodselsdato="01.01.2015"),
        person_row("H-1", 22, relasjon="barn", fodselsdato="01.01.2016", klar_dato="02.09.2026"),
        person_row("H-2", 23, mottak="Finnes ikke mottak", relasjon="ektefelle"),
    ]
    upload = execute(planner, csv_bytes(rows))
    assert texts(upload) == [
        "Rad 4, klar for bosetting: Husstanden H-1 har «01.09.2026» på rad 2; står verdien på "
        "flere rader i en husstand, må den være lik.",
        "Rad 5: Én av personene i husstanden må være hovedperson.",
        "Rad 5, mottak: Finner ikke mottaket «Finnes ikke mottak». Skriv navnet slik det står "
        "under «Mottak».",
    ]


@pytest.mark.django_db
def test_a_file_with_an_unknown_or_missing_column_is_refused_at_its_header(planner: User) -> None:
    header = [c for c in HEADER if c != "tillatelse"] + ["skonummer"]
    upload = execute(planner, csv_bytes([["x"] * len(header)], header=header))
    assert upload.status == ImportStatus.FAILED
    known = ", ".join(HEADER)
    assert texts(upload) == [
        f"Rad 1: Ukjent kolonne «skonummer». Kolonnene som kan brukes er: {known}.",
        "Rad 1: Kolonnen «tillatelse» mangler i overskriftsraden.",
    ]
    assert "tillatelse" in REQUIRED_COLUMNS


@pytest.mark.django_db
def test_an_xlsx_with_date_cells_number_cells_and_norwegian_headers_is_imported(
    planner: User,
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Husstand", "Fornavn", "Etternavn", "Fødselsdato", "DUF-nummer", "Tillatelse"])
    sheet.append([1001, "Sara", "Arksen", datetime.datetime(1981, 2, 3), int(duf(30)), "asyl"])
    sheet.append([])  # skipped
    sheet.append([1001, "Adam", "Arksen", "03.04.2018", duf(31), "asyl"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = execute(planner, buffer.getvalue(), filename="venter.xlsx")
    assert upload.status == ImportStatus.SUCCEEDED, upload.errors
    household = WaitingHousehold.objects.get(reference="1001")
    sara = household.members.get(given_name="Sara")
    assert (sara.birth_date, sara.duf_number, sara.relation) == (
        datetime.date(1981, 2, 3),
        duf(30),
        "main",
    )
    assert household.members.get(given_name="Adam").relation == "other"


class WorkerStopped(SystemExit):
    """What the worker raises in a running task when it is told to stop a second time."""


@pytest.mark.django_db
@pytest.mark.parametrize("fault", [RuntimeError, WorkerStopped], ids=["crash", "worker-stopped"])
def test_an_import_that_crashes_in_the_middle_leaves_nothing_and_is_failed(
    planner: User, monkeypatch: pytest.MonkeyPatch, fault: type[BaseException]
) -> None:
    real = waiting_import.waiting_household_create
    calls = 0

    def second_fails(**kwargs: object) -> WaitingHousehold:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise fault("the disk is full")
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(waiting_import, "waiting_household_create", second_fails)
    rows = [person_row("MID-1", 50), person_row("MID-2", 51), person_row("MID-3", 52)]
    with pytest.raises(fault):
        execute(planner, csv_bytes(rows))
    failed = WaitingHouseholdImport.objects.get()
    assert failed.status == ImportStatus.FAILED
    assert texts(failed) == [waiting_import.SYSTEM_ERROR]
    assert bytes(failed.content) == b""
    # The first household was written before the crash: it is gone with the rest, and so is
    # the record of having created its person.
    assert not WaitingHousehold.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


# --- Pages and API, through the real worker ---------------------------------------------------


@WORKER_DB
def test_the_page_queues_the_file_and_the_worker_imports_it(db: None) -> None:
    planner = make_user(username="planlegger-w")
    centre = make_centre()
    client = client_for(planner)
    page = client.get(UPLOAD_URL).content.decode()
    for column in HEADER:
        assert f"<code>{column}</code>" in page
    response = client.post(
        UPLOAD_URL,
        {
            "file": SimpleUploadedFile(
                "venter.csv", csv_bytes(good_rows(centre.name)), content_type="text/csv"
            )
        },
    )
    upload = WaitingHouseholdImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bosetting/venter/import/{upload.pk}/"
    assert upload.status == ImportStatus.QUEUED
    assert DBTaskResult.objects.filter(pk=upload.task_id, status="READY").exists()
    queued = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in queued
    assert not WaitingHousehold.objects.exists()

    run_worker()

    upload.refresh_from_db()
    assert upload.status == ImportStatus.SUCCEEDED, upload.errors
    assert (upload.households_created, upload.persons_created) == (2, 3)
    done = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done
    assert "2 husstander og 3 personer venter nå på bosetting" in done
    assert WaitingHousehold.objects.count() == 2


@WORKER_DB
def test_the_api_queues_an_import_with_202_and_lists_every_error_after_the_worker(
    db: None,
) -> None:
    planner = make_user(username="planlegger-api")
    token = token_create(user=planner).token
    api = Client(headers={"Authorization": f"Bearer {token}"})
    rows = [person_row("API-1", 40), person_row("API-2", 41, fodselsdato="i fjor", tillatelse="")]
    response = api.post(
        "/api/v1/settlement/waiting-household-imports",
        {"file": SimpleUploadedFile("venter.csv", csv_bytes(rows), content_type="text/csv")},
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert body["url"] == f"/api/v1/settlement/waiting-household-imports/{body['id']}"

    run_worker()

    after = api.get(body["url"]).json()
    assert after["status"] == "failed"
    assert (after["total_rows"], after["households_created"]) == (2, 0)
    assert [e["text"] for e in after["errors"]] == [
        "Rad 3, fødselsdato: «i fjor» er ikke en dato; skriv den som DD.MM.ÅÅÅÅ, for eksempel "
        "01.03.2024.",
        "Rad 3, tillatelse: Velg hvilken tillatelse personen har.",
    ]
    assert not WaitingHousehold.objects.exists()


@pytest.mark.django_db
def test_the_upload_refuses_a_bad_header_at_once_and_others_than_planners(planner: User) -> None:
    client = client_for(planner)
    header = [c for c in HEADER if c != "duf_nummer"]
    response = client.post(
        UPLOAD_URL,
        {
            "file": SimpleUploadedFile(
                "venter.csv", csv_bytes([], header=header), content_type="text/csv"
            )
        },
    )
    assert response.status_code == 422
    assert "Rad 1: Kolonnen «duf_nummer» mangler i overskriftsraden." in response.content.decode()
    assert not WaitingHouseholdImport.objects.exists()

    caseworker = client_for(make_user(municipality_number="0301"))
    assert caseworker.get(UPLOAD_URL).status_code == 403
    api = Client(
        headers={
            "Authorization": f"Bearer {token_create(user=make_user(municipality_number='0301')).token}"
        }
    )
    refused = api.post("/api/v1/settlement/waiting-household-imports", {})
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Bosettingsplanlegging er for direktoratets bosettingsplanleggere."
    }
    missing = Client(headers={"Authorization": f"Bearer {token_create(user=planner).token}"})
    no_file = missing.post("/api/v1/settlement/waiting-household-imports", {})
    assert no_file.status_code == 422
    assert no_file.json()["errors"] == {
        "file": ["Send filen som multipart/form-data i feltet «file»."]
    }
