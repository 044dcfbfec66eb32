"""Hardening, second round (issue 25): each attack of the outside test, replayed, and its answer.

1. formula injection in every export; 2. decompression bombs and huge sheets; 3. upload size
limits; 4. huge ids on every route; 5. links http/https only; 6. lockout by user name and
address; 7. every refused attempt audited with its person; 8. no-store on every response;
9. input hygiene (names, dates, Norwegian JSON errors); 12. ``check --deploy`` refuses the demo
switches.
"""

from __future__ import annotations

import ast
import csv
import datetime
import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from conftest import World, client_for
from integrering.accounts.roles import Role
from integrering.audit.services import AccessContext
from integrering.exports import PLAIN_NUMBER, formula_like
from integrering.programme.models import BenefitRunStatus
from integrering.programme.services.benefit_compute import benefit_run_compute
from integrering.programme.services.benefit_run import benefit_run_prepare
from integrering.programme.testing import make_participation
from integrering.settlement import testing as settlement_testing
from integrering.surveys import testing as surveys_testing
from integrering.surveys.models import CapacityService
from integrering.testing import make_user, municipality
from tests.routes import Route

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "integrering"

# --- 1. Formula injection ------------------------------------------------------------------------

# What the outside test wrote into names, comments and reasons (OWASP «CSV injection»).
FORMULAS = {
    "given_name": '=HYPERLINK("http://angriper.example/","Klikk")',
    "middle_name": "@SUM(1+1)*cmd|' /C calc'!A0",
    "family_name": "+cmd|' /C calc'!A0",
    "citizenship": "-2+3+cmd|' /C calc'!A0",
}
PLANTED = tuple(FORMULAS.values())
XLSX_TYPE = "spreadsheetml"


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def assert_csv_neutralised(content: bytes) -> set[str]:
    """Every text cell that a spreadsheet would evaluate is behind an apostrophe; a plain number
    (a negative amount) is left as the number it is. Returns the planted texts found."""
    found = set()
    for row in _csv_rows(content):
        for cell in row:
            assert not formula_like(cell) or PLAIN_NUMBER.fullmatch(cell), f"live formula: {cell!r}"
            found |= {text for text in PLANTED if text in cell}
    return found


def assert_xlsx_neutralised(content: bytes) -> set[str]:
    """No cell is a formula; every text that looks like one is a text cell with Excel's quote
    prefix; numbers are numbers. Returns the planted texts found."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/"):
            xml = archive.read(name)
            assert b"<f>" not in xml and b"<f " not in xml, f"a formula element in {name}"
    found = set()
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and formula_like(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.value
                if isinstance(cell.value, str):
                    found |= {text for text in PLANTED if text in cell.value}
    return found


def _open(response: object) -> tuple[bytes, str]:
    content = response.content  # type: ignore[attr-defined]
    status = response.status_code  # type: ignore[attr-defined]
    assert status == 200, (status, content[:300])
    return content, response["Content-Type"]  # type: ignore[index]


def _check_export(response: object) -> set[str]:
    content, content_type = _open(response)
    if XLSX_TYPE in content_type:
        return assert_xlsx_neutralised(content)
    return assert_csv_neutralised(content)


@pytest.fixture
def planted(world: World) -> Iterator[dict[str, object]]:
    """A household registered through the API with formula-like names and citizenship, in the
    introduction programme, with a computed benefit run for May 2024."""
    with time_machine.travel(datetime.datetime(2024, 7, 15, 12, 0, tzinfo=datetime.UTC)):
        # Settled in 2024 for the benefit run, and in 2018 for the grant claim (whose rates are
        # sourced up to 2018).
        for reference, settled_on in (("H-FORMEL", "2024-03-01"), ("H-FORMEL-2018", "2018-03-01")):
            payload = {
                "municipality": "0301",
                "reference": reference,
                "settled_on": settled_on,
                "members": [{**FORMULAS, "birth_date": "1990-01-01"}],
            }
            response = client_for(world.owner).post(
                "/api/v1/households/", json.dumps(payload), content_type="application/json"
            )
            assert response.status_code == 201, response.content
        person = world.owner.organisation.municipality.persons.get(  # type: ignore[union-attr]
            household__reference="H-FORMEL"
        )
        make_participation(person)
        ctx = AccessContext(user=world.owner, route="test")
        run = benefit_run_prepare(
            ctx=ctx, municipality=municipality("0301"), month=datetime.date(2024, 5, 1)
        )
        computed = benefit_run_compute(run_id=run.pk)
        assert computed is not None and computed.status == BenefitRunStatus.PREVIEW
        yield {"person": person, "run": computed}


def test_every_export_with_a_persons_name_neutralises_formulas_and_keeps_numbers(
    world: World, planted: dict[str, object]
) -> None:
    owner = client_for(world.owner)
    run = planted["run"].pk  # type: ignore[attr-defined]
    with time_machine.travel(datetime.datetime(2024, 7, 15, 12, 0, tzinfo=datetime.UTC)):
        exports = {
            "benefit run CSV": owner.get(f"/stonad/{run}/eksport.csv"),
            "benefit run Excel": owner.get(f"/stonad/{run}/eksport.xlsx"),
            "benefit run API CSV": owner.get(f"/api/v1/benefit-runs/{run}/export.csv"),
            "register CSV": owner.get(
                "/introduksjonsregister/", {"municipality": "0301", "format": "csv"}
            ),
            "register API CSV": owner.get(
                "/api/v1/introduction-register/", {"municipality": "0301", "format": "csv"}
            ),
            **{
                f"grant claim {grant} {fmt}": owner.get(
                    "/tilskudd/eksport/", {"year": "2018", "grant": grant, "format": fmt}
                )
                for grant in ("integration", "norwegian")
                for fmt in ("csv", "xlsx")
            },
        }
    found = {name: _check_export(response) for name, response in exports.items()}
    names = {FORMULAS["given_name"], FORMULAS["family_name"]}
    for name in ("benefit run CSV", "benefit run Excel", "benefit run API CSV"):
        assert names <= found[name], f"{name}: the planted name is missing ({found[name]})"
    assert FORMULAS["citizenship"] in found["register CSV"] & found["register API CSV"]
    assert names <= found["grant claim integration csv"] & found["grant claim integration xlsx"]

    # Numbers stay numbers: the amounts in the CSV parse, the workbook's are numbers.
    rows = _csv_rows(exports["benefit run CSV"].content)
    amount = rows[0].index("amount")
    assert Decimal(rows[1][amount]) > 0
    sheet = load_workbook(io.BytesIO(exports["benefit run Excel"].content)).worksheets[0]
    header = [c.value for c in sheet[2]]  # below the title row
    amount_at = header.index("Til utbetaling (kr)") + 1
    assert isinstance(sheet.cell(row=3, column=amount_at).value, int | float)


def test_a_negative_amount_in_a_machine_csv_is_a_number_not_neutralised() -> None:
    from integrering.exports import csv_file_bytes

    content = csv_file_bytes(["amount", "note"], [["-5841144.00", "-2+3"], ["+47", "=1"]])
    assert _csv_rows(content) == [["amount", "note"], ["-5841144.00", "'-2+3"], ["+47", "'=1"]]


def test_settlement_capacity_and_survey_tables_neutralise_text_written_by_users(
    world: World,
) -> None:
    planner = make_user(username="planner-formel")
    request = settlement_testing.make_request("0301", requested=40)
    response = client_for(planner).patch(
        f"/api/v1/settlement/requests/{request.pk}",
        json.dumps(
            {
                "requested": 30,
                "unaccompanied_minors": 0,
                "reason": FORMULAS["given_name"],
                "version": 1,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    found = _check_export(
        client_for(planner).get("/bosetting/2026/anmodninger/", {"format": "xlsx"})
    )
    assert FORMULAS["given_name"] in found

    with time_machine.travel(datetime.datetime(2026, 4, 10, 12, 0, tzinfo=datetime.UTC)):
        round = surveys_testing.make_capacity_round(year=2026, quarter=2)
        leader = make_user(
            municipality_number="0301", username="leder-formel", roles=[Role.MUNICIPAL_LEADER]
        )
        answers = [
            {"service": s, "level": "god", "comment": FORMULAS["family_name"]}
            for s in CapacityService.values
        ]
        response = client_for(leader).put(
            f"/api/v1/capacity/{round.pk}/answer",
            json.dumps({"version": 0, "submit": True, "answers": answers}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        governor = make_user(governor_name="Statsforvalteren i Oslo og Viken", username="sf-formel")
        found = _check_export(
            client_for(governor).get(f"/kapasitet/{round.pk}/", {"format": "xlsx"})
        )
    assert FORMULAS["family_name"] in found

    survey = surveys_testing.make_survey(year=2026)
    questionnaire = survey.questionnaires.get(role="integration_officer")
    invitation = surveys_testing.make_invitation(questionnaire)[0]
    surveys_testing.make_submitted(invitation, {"bosetting_plan_hvorfor": FORMULAS["middle_name"]})
    analyst = make_user(username="analytiker-formel", roles=[Role.ANALYST])
    found = _check_export(
        client_for(analyst).get(f"/kommuneundersokelse/{survey.pk}/tabeller.xlsx")
    )
    assert FORMULAS["middle_name"] in found


# Modules allowed to write a CSV or a workbook: the kit's writer, and the kit's reader.
WRITERS = {"integrering/exports.py", "integrering/tables.py"}
WRITING = {"writer", "DictWriter", "Workbook", "load_workbook"}


def test_no_module_but_the_kit_writes_a_csv_or_a_workbook() -> None:
    """Every download goes through ``integrering.exports``, so no new export can forget to
    neutralise its text."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if relative in WRITERS or "/tests/" in relative or "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in WRITING
                and isinstance(node.value, ast.Name)
                and node.value.id in {"csv", "openpyxl"}
            ):
                offenders.append(f"{relative}:{node.lineno} {node.value.id}.{node.attr}")
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("openpyxl")
            ):
                offenders.append(f"{relative}:{node.lineno} from {node.module} import …")
    assert not offenders, "write downloads with integrering.exports: " + ", ".join(offenders)


# --- 2. Decompression bombs and huge sheets ------------------------------------------------------

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_by_hand(sheet_rows: str, shared: bytes, dimension: str = "") -> bytes:
    """A minimal workbook written member by member, as an attacker would: one sheet whose cells
    point into ``shared`` (the shared strings), maximally compressed."""
    types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{types}.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            f'sheet1.xml" ContentType="{types}.worksheet+xml"/><Override PartName="/xl/'
            f'sharedStrings.xml" ContentType="{types}.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{SHEET_NS}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0"?><worksheet xmlns="{SHEET_NS}">{dimension}<sheetData>'
            f"{sheet_rows}</sheetData></worksheet>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
        archive.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def shared_strings_bomb() -> bytes:
    """About 350 kB whose shared strings unpack to 106 MB (the attack was 249 kB to 100 MB)."""
    shared = (
        f'<?xml version="1.0"?><sst xmlns="{SHEET_NS}"><si><t>husstand</t></si>'.encode()
        + (b"<si><t>" + b"x" * 90 + b"</t></si>") * 1_000_000
        + b"</sst>"
    )
    return xlsx_by_hand('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared)


def many_rows_sheet(rows: int, *, declared: int | None) -> bytes:
    """A sheet of ``rows`` rows that declares ``declared`` rows (or none); the attack was 821 kB
    of 1.2 million rows."""
    shared = f'<?xml version="1.0"?><sst xmlns="{SHEET_NS}"><si><t>x</t></si></sst>'.encode()
    body = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c></row>' for n in range(1, rows + 1))
    dimension = f'<dimension ref="A1:Q{declared}"/>' if declared else ""
    return xlsx_by_hand(body, shared, dimension=dimension)


@pytest.fixture
def bomb() -> bytes:
    content = shared_strings_bomb()
    assert len(content) < 400_000
    return content


def test_an_xlsx_whose_shared_strings_unpack_to_100_mb_is_refused_before_it_is_opened(
    bomb: bytes,
) -> None:
    from integrering.tables import TableTooLarge, table_lines

    started = time.monotonic()
    with pytest.raises(TableTooLarge) as refused:
        next(iter(table_lines(content=bomb)))
    assert time.monotonic() - started < 1  # openpyxl would take seconds and a gigabyte
    assert refused.value.message.startswith("Excel-filen pakkes ut til 101,1 MB; høyst 40 MB")


def test_the_upload_page_and_the_api_refuse_the_bomb_at_once_in_norwegian(
    world: World, bomb: bytes
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from integrering.people.models import HouseholdImport

    owner = client_for(world.owner)
    oslo = municipality("0301")
    started = time.monotonic()
    page = owner.post(
        "/husstander/import/",
        {
            "municipality": oslo.pk,
            "file": SimpleUploadedFile("liste.xlsx", bomb, content_type=XLSX_CONTENT_TYPE),
        },
    )
    api = owner.post(
        "/api/v1/household-imports/",
        {
            "municipality": "0301",
            "file": SimpleUploadedFile("liste.xlsx", bomb, content_type=XLSX_CONTENT_TYPE),
        },
    )
    assert time.monotonic() - started < 3
    assert page.status_code == 422 and "Excel-filen pakkes ut til" in page.content.decode()
    assert api.status_code == 422, api.content
    assert "Excel-filen pakkes ut til" in api.json()["errors"]["file"][0]
    assert len(api.content) < 1000
    assert not HouseholdImport.objects.exists()  # nothing queued


def test_the_cost_coverage_api_refuses_the_bomb_in_norwegian(db: None, bomb: bytes) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    analyst = make_user(username="analytiker-bombe", roles=[Role.ANALYST])
    response = client_for(analyst).post(
        "/api/v1/finance/cost-coverage",
        {
            "year": "2017",
            "title": "Bombe",
            "file": SimpleUploadedFile("tabell.xlsx", bomb, content_type=XLSX_CONTENT_TYPE),
        },
    )
    assert response.status_code == 422
    assert "Excel-filen pakkes ut til" in response.json()["detail"]
    assert len(response.content) < 1000


def test_a_sheet_that_declares_a_million_rows_is_refused_before_it_is_read(
    world: World,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = many_rows_sheet(50, declared=1_200_000)
    response = client_for(world.owner).post(
        "/api/v1/household-imports/",
        {
            "municipality": "0301",
            "file": SimpleUploadedFile("liste.xlsx", content, content_type=XLSX_CONTENT_TYPE),
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"]["file"] == [
        "Filen har 1\u00a0200\u00a0000 rader; høyst 50\u00a0000 kan leses om gangen. "
        "Del den i flere filer."
    ]


def test_a_csv_of_a_million_rows_is_refused_before_it_is_decoded(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = b"husstand;fornavn;etternavn;fodselsdato\n" + b"H;A;B;\n" * 600_000
    assert len(content) < 5 * 1024 * 1024
    response = client_for(world.owner).post(
        "/api/v1/household-imports/",
        {"municipality": "0301", "file": SimpleUploadedFile("liste.csv", content, "text/csv")},
    )
    assert response.status_code == 422
    assert "mer enn 50\u00a0000 rader" in response.json()["errors"]["file"][0]


def test_a_sheet_that_hides_its_rows_is_stopped_at_the_limit() -> None:
    from integrering.tables import TableTooLarge, table_lines

    content = many_rows_sheet(50, declared=None)
    lines = table_lines(content=content, max_rows=10)
    with pytest.raises(TableTooLarge, match="mer enn 10 rader"):
        list(lines)


def test_an_import_keeps_its_first_100_errors_and_says_how_many_there_were(world: World) -> None:
    from integrering.casework.services.household_import import household_import_execute
    from integrering.people.models import HouseholdImport

    rows = [f"H{n};Fornavn;Etternavn;31.02.1990" for n in range(1, 251)]  # no such date
    content = ("husstand;fornavn;etternavn;fodselsdato\n" + "\n".join(rows)).encode()
    upload = HouseholdImport.objects.create(
        municipality=municipality("0301"),
        uploaded_by=world.owner,
        filename="l.csv",
        content=content,
    )
    ctx = AccessContext(user=world.owner, route="test", method="TASK")
    upload = household_import_execute(upload=upload, ctx=ctx)
    assert len(upload.errors) == 101
    assert upload.errors[-1]["text"] == "Viser de første 100 feilene av 250."
    assert upload.error_count == 250
    page = client_for(world.owner).get(f"/husstander/import/{upload.pk}/").content.decode()
    assert "Filen har 250 feil i 250 rader." in page  # all of them, not the 100 kept
    assert "Viser de første 100 feilene av 250." in page
    api = client_for(world.owner).get(f"/api/v1/household-imports/{upload.pk}")
    assert len(api.json()["errors"]) == 101


def test_a_service_refusal_of_many_rows_shows_the_first_100_in_api_and_page() -> None:
    from django.core.exceptions import ValidationError

    from integrering.errors import messages_capped

    messages = [f"Rad {n}: feil" for n in range(2, 1_200_002)]
    capped = messages_capped(messages)
    assert len(capped) == 101
    assert capped[-1] == "Viser de første 100 feilene av 1\u00a0200\u00a0000."
    assert ValidationError({"file": capped}).message_dict["file"][-1] == capped[-1]


# --- 3. Every upload has a size limit ------------------------------------------------------------


def test_a_50_mb_upload_to_the_cost_coverage_api_is_refused_unread_with_a_small_body(
    db: None,
) -> None:
    """The attack: 50 MB parsed for 30 s, answered with 258 MB. Now: 413 from the length alone."""
    analyst = make_user(username="analytiker-stor", roles=[Role.ANALYST])
    body = b"municipality_number,name,expenses,income,hours,fte\n" + b"0301,Oslo,1,1,1,1\n" * (
        3 * 1024 * 1024
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(analyst).post(
        "/api/v1/finance/cost-coverage",
        {"year": "2017", "title": "Stor", "file": SimpleUploadedFile("t.csv", body, "text/csv")},
    )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("Forespørselen er for stor (54 MB).")
    assert len(response.content) < 300
    assert response["Cache-Control"] == "private, no-store"


def test_a_file_just_above_the_limit_is_refused_by_the_service_on_the_api_and_the_page(
    db: None,
) -> None:
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from integrering.finance.models import CostCoverageReport

    analyst = client_for(make_user(username="analytiker-grense", roles=[Role.ANALYST]))
    content = b"x" * (settings.IMPORT_MAX_BYTES + 1)
    api = analyst.post(
        "/api/v1/finance/cost-coverage",
        {
            "year": "2017",
            "title": "Grense",
            "file": SimpleUploadedFile("t.csv", content, "text/csv"),
        },
    )
    assert api.status_code == 422
    assert api.json()["errors"]["file"] == [
        "Filen er for stor (5 MB). Den største filen du kan laste opp er 5 MB."
    ]
    page = analyst.post(
        "/kostnadsdekning/",
        {
            "year": "2017",
            "title": "Grense",
            "file": SimpleUploadedFile("t.csv", content, "text/csv"),
        },
    )
    assert page.status_code == 422
    assert "Den største filen du kan laste opp er 5 MB." in page.content.decode()
    assert not CostCoverageReport.objects.exists()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/husstander/import/", "multipart/form-data; boundary=x"),
        ("/api/v1/household-imports/", "multipart/form-data; boundary=x"),
        ("/api/v1/households/", "application/json"),
        ("/logg-inn/", "application/x-www-form-urlencoded"),
    ],
)
def test_every_route_refuses_a_body_larger_than_an_upload_before_reading_it(
    world: World, path: str, content_type: str
) -> None:
    body = b"0" * (12 * 1024 * 1024)
    response = client_for(world.owner).generic("POST", path, body, content_type=content_type)
    assert response.status_code == 413
    text = response.content.decode()
    message = json.loads(text)["detail"] if path.startswith("/api/") else text
    assert "Forespørselen er for stor (12 MB)" in message
    assert len(response.content) < 500


# --- 8. Cache-Control: no-store on every page and API answer -------------------------------------


def _no_store(response: object) -> bool:
    header = response.get("Cache-Control", "")  # type: ignore[attr-defined]
    return "no-store" in {part.strip() for part in header.split(",")}


def test_every_route_answers_no_store_to_its_owner_and_to_anyone_else(world: World) -> None:
    """Every route of the resolver (pages and API), filled in with its owner's objects, as its
    owner and as an outsider (200, 403, 404, 405, a redirect: all of them no-store)."""
    from tests.test_isolation import OBJECT_KWARGS, ROUTES, route_owner

    missing = []
    outsider = client_for(world.outsider)
    objects: dict[str, object] = {}
    for route in ROUTES:
        for kwarg in route.kwargs:
            if kwarg not in objects:
                objects[kwarg] = OBJECT_KWARGS[kwarg](world) if kwarg in OBJECT_KWARGS else "x" * 40
        url = route.build(objects)
        for client in (client_for(route_owner(route)(world)), outsider, Client()):
            response = client.get(url)
            if not _no_store(response):
                missing.append(f"{url} {response.status_code}")
    assert not missing, "without no-store: " + ", ".join(missing)


# --- 4. Huge ids: 404 on every route -------------------------------------------------------------

BEYOND_BIGINT = 2**63  # 9223372036854775808: the attack
FAR_BEYOND = 10**40


def _id_routes() -> list[Route]:
    from tests.test_isolation import OBJECT_ROUTES

    return [r for r in OBJECT_ROUTES if r.kwargs]


@pytest.mark.parametrize("huge", [BEYOND_BIGINT, FAR_BEYOND])
def test_every_route_answers_404_to_an_id_no_database_can_hold(world: World, huge: int) -> None:
    """Every route with an object in its path, each of its ids in turn set beyond 2**63 - 1, as
    its owner (who would reach the real object), by GET and POST, pages and API: 404."""
    from tests.test_isolation import OBJECT_KWARGS, route_owner

    objects: dict[str, object] = {}
    wrong = []
    routes = _id_routes()
    for route in routes:
        for kwarg in route.kwargs:
            if kwarg not in objects:
                objects[kwarg] = OBJECT_KWARGS[kwarg](world)
        client = client_for(route_owner(route)(world))
        for kwarg in route.kwargs:
            url = route.build({**objects, kwarg: huge})
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if response.status_code != 404:
                    wrong.append(f"{method.upper()} {url}: {response.status_code}")
                elif route.namespace == "api":
                    assert response.json()["detail"] == "Finner ikke det du ba om."
    assert len(routes) > 100
    assert not wrong, "not 404: " + ", ".join(wrong)


def test_the_person_page_of_the_attack_answers_404_and_the_denied_read_is_audited(
    world: World,
) -> None:
    from integrering.audit.models import AuditEvent
    from integrering.audit.services import audit_record

    response = client_for(world.owner).get("/personer/9223372036854775808/")
    assert response.status_code == 404
    # The audit log never overflows, whoever calls it with what.
    event = audit_record(
        ctx=AccessContext(user=world.owner, route="test"),
        person_id=BEYOND_BIGINT,
        action="read",
        allowed=False,
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.person_id is None and str(BEYOND_BIGINT) in stored.detail


# --- 7. Every refused attempt is audited, linked to its persons ----------------------------------


def _denied_since(before: int) -> list[tuple[int | None, str]]:
    from integrering.audit.models import AuditEvent

    return list(
        AuditEvent.objects.filter(id__gt=before, allowed=False)
        .order_by("id")
        .values_list("person_id", "detail")
    )


def _last_event_id() -> int:
    from django.db.models import Max

    from integrering.audit.models import AuditEvent

    return AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0


@pytest.mark.parametrize(
    ("kwarg", "method", "pattern"),
    [
        ("household_id", "get", "/husstander/{}/"),
        ("participation_id", "get", "/introduksjonsprogram/{}/"),
        ("decision_id", "get", "/api/v1/decisions/{}"),
        ("appeal_id", "get", "/api/v1/appeals/{}"),
        ("consent_id", "post", "/samtykker/{}/trekk-tilbake/"),
    ],
)
def test_a_refused_read_names_the_persons_it_concerns(
    world: World, kwarg: str, method: str, pattern: str
) -> None:
    from tests.test_isolation import OBJECT_KWARGS

    pk = OBJECT_KWARGS[kwarg](world)
    before = _last_event_id()
    response = getattr(client_for(world.outsider), method)(pattern.format(pk))
    assert response.status_code == 404
    members = set(world.household.members.values_list("pk", flat=True))
    denied = _denied_since(before)
    assert denied, "the refusal wrote nothing"
    assert all(person in members for person, _ in denied), denied


def test_a_refused_benefit_run_and_import_write_a_record(
    world: World, planted: dict[str, Any]
) -> None:
    from tests.test_isolation import OBJECT_KWARGS

    run = planted["run"]
    participant = planted["person"].pk  # type: ignore[attr-defined]
    before = _last_event_id()
    outsider = client_for(world.outsider)
    assert outsider.get(f"/stonad/{run.pk}/").status_code == 404  # type: ignore[attr-defined]
    assert outsider.get(f"/api/v1/benefit-runs/{run.pk}").status_code == 404  # type: ignore[attr-defined]
    assert [p for p, _ in _denied_since(before)] == [participant, participant]

    before = _last_event_id()
    upload = OBJECT_KWARGS["import_id"](world)
    assert outsider.get(f"/api/v1/household-imports/{upload}").status_code == 404
    nav = make_user(municipality_number="0301", username="nav-import", roles=[Role.NAV_CASEWORKER])
    assert client_for(nav).get(f"/husstander/import/{upload}/").status_code == 403
    assert client_for(nav).get("/husstander/import/").status_code == 403
    details = [d for _, d in _denied_since(before)]
    assert details == [
        f"import av husstander {upload}",
        f"import av husstander {upload}",
        "import av husstander",
    ]


def test_a_403_on_a_consent_limited_page_is_logged_as_denied_not_as_a_read(world: World) -> None:
    """A NAV caseworker of the same municipality, without consent: every person route that
    answers 403 writes a denied record on that person, and no allowed one."""
    from integrering.audit.models import AuditEvent
    from tests.test_isolation import ROUTES

    nav = client_for(
        make_user(municipality_number="0301", username="nav-samtykke", roles=[Role.NAV_CASEWORKER])
    )
    forbidden = 0
    for route in ROUTES:
        if route.kwargs != ("person_id",):
            continue
        before = _last_event_id()
        response = nav.get(route.build({"person_id": world.person.pk}))
        if response.status_code != 403:
            continue
        forbidden += 1
        events = AuditEvent.objects.filter(id__gt=before, person_id=world.person.pk)
        assert not events.filter(allowed=True).exists(), f"{route.pattern}: logged as allowed"
        assert events.filter(allowed=False).exists(), f"{route.pattern}: no denied record"
    assert forbidden >= 3


# --- 5. Links are http or https only -------------------------------------------------------------

BAD_LINKS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://ftp.example.no/fil",
    "https://",
    "https://www.imdi.no/\u202e",
]


@pytest.fixture
def publisher(db: None) -> Client:
    return client_for(make_user(username="publisist", roles=[Role.ANALYST]))


@pytest.mark.parametrize("link", BAD_LINKS)
def test_the_news_api_and_form_refuse_a_link_that_is_not_http_or_https(
    publisher: Client, link: str
) -> None:
    from integrering.news.models import NewsItem

    body = {"kind": "news", "title": "Lenke", "body": "Tekst", "link": link, "publish": True}
    api = publisher.post("/api/v1/news/", json.dumps(body), content_type="application/json")
    assert api.status_code == 422, api.content
    assert api.json()["errors"]["link"][0] in {
        "Lenken må være en nettadresse som begynner med http:// eller https://.",
        "Teksten kan ikke inneholde kontrolltegn eller tegn som endrer skriveretningen.",
    }
    page = publisher.post("/nyheter/ny/", {**body, "publish": "on"})
    assert page.status_code == 422
    assert not NewsItem.objects.exists()


def test_a_news_link_over_https_is_kept_and_an_old_bad_one_is_never_shown(
    publisher: Client,
) -> None:
    from integrering.news.models import NewsItem

    body = {"kind": "news", "title": "Lenke", "body": "Tekst", "link": "https://www.imdi.no/"}
    response = publisher.post("/api/v1/news/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201 and response.json()["link"] == "https://www.imdi.no/"
    item = NewsItem.objects.get()
    NewsItem.objects.filter(pk=item.pk).update(link="javascript:alert(1)")  # stored before
    page = publisher.get(f"/nyheter/{item.pk}/").content.decode()
    assert "javascript:" not in page
    assert publisher.get(f"/api/v1/news/{item.pk}").json()["link"] == ""


# --- 9. Input hygiene ----------------------------------------------------------------------------

BAD_NAMES = {
    "right-to-left override": "Ola\u202eNordmann",
    "isolate": "\u2067Kari\u2069",
    "right-to-left mark": "\u200fAhmad",
    "escape": "Per\x1b[31m",
    "nul": "Ali\x00",
    "line break": "Anne\nLise",
    "tab": "\t=1+1",
}
NAME_MESSAGE = "Navnet kan ikke inneholde kontrolltegn eller tegn som endrer skriveretningen."


def _member(**changes: str) -> dict[str, str]:
    return {"given_name": "Amal", "family_name": "Hassan", "birth_date": "1990-01-01", **changes}


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_a_name_with_control_or_direction_characters_is_refused_by_the_api(
    world: World, name: str
) -> None:
    payload = {
        "municipality": "0301",
        "reference": "H-NAVN",
        "members": [_member(family_name=name)],
    }
    response = client_for(world.owner).post(
        "/api/v1/households/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    messages = response.json()["errors"]
    assert any("kontrolltegn" in m for field in messages.values() for m in field), messages


def test_the_registry_refuses_such_a_name_on_every_path(world: World) -> None:
    """The one check in the registry's service: the form, the API and the import all reach it."""
    from integrering.people.services import PersonInput, person_input_errors

    for name in BAD_NAMES.values():
        member = PersonInput(given_name=name, family_name="X", birth_date=datetime.date(1990, 1, 1))
        errors = person_input_errors(member, household_settled_on=None)
        assert errors["given_name"] == [NAME_MESSAGE]
    fine = ["Nguyễn", "محمد", "Åse-Marie", "O'Neil", "José\u200cLuis"]  # ZWNJ is part of Persian
    for name in fine:
        member = PersonInput(given_name=name, family_name="X", birth_date=datetime.date(1990, 1, 1))
        assert "given_name" not in person_input_errors(member, household_settled_on=None)


def test_the_household_form_and_the_import_refuse_such_a_name(world: World) -> None:
    from integrering.casework.services.household_import import household_import
    from integrering.people.models import Person

    outcome = household_import(
        ctx=AccessContext(user=world.owner, route="test"),
        municipality=municipality("0301"),
        filename="liste.csv",
        content="husstand;fornavn;etternavn;fodselsdato\nH-RLO;Ola\u202eNordmann;Nordmann;01.01.1990\n".encode(),
    )
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [(2, "fornavn", NAME_MESSAGE)]
    response = client_for(world.owner).post(
        "/husstander/ny/",
        {
            "reference": "H-SKJEMA",
            "municipality": world.household.municipality_id,
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-0-given_name": "\u202eAmal",
            "members-0-family_name": "Hassan",
            "members-0-birth_date": "1990-01-01",
            "members-0-relation": "main",
            "members-0-category": "from_reception",
        },
    )
    assert response.status_code == 422
    assert "kontrolltegn" in response.content.decode()
    assert not Person.objects.filter(family_name="Hassan").exists()


@pytest.mark.parametrize("day", ["1899-12-31", "0001-01-01", "0024-03-01"])
def test_a_date_before_1900_is_refused_by_the_api_the_form_and_the_import(
    world: World, day: str
) -> None:
    from integrering.casework.services.household_import import household_import

    payload = {"municipality": "0301", "reference": "H-DATO", "members": [_member(birth_date=day)]}
    api = client_for(world.owner).post(
        "/api/v1/households/", json.dumps(payload), content_type="application/json"
    )
    assert api.status_code == 422
    assert api.json()["errors"]["members.0.birth_date"] == ["Datoen kan ikke være før 01.01.1900."]
    # Any operation, whatever its schema: here a query parameter.
    query = client_for(world.owner).get("/api/v1/rules/parameters", {"on": day})
    assert query.status_code == 422
    assert query.json()["errors"]["on"] == ["Datoen kan ikke være før 01.01.1900."]
    page = client_for(world.owner).get("/satser/", {"on": day})
    assert "Datoen kan ikke være før 01.01.1900." in page.content.decode()
    year, month, date = day.split("-")
    outcome = household_import(
        ctx=AccessContext(user=world.owner, route="test"),
        municipality=municipality("0301"),
        filename="liste.csv",
        content=f"husstand;fornavn;etternavn;fodselsdato\nH;A;B;{date}.{month}.{year}\n".encode(),
    )
    assert [e.column for e in outcome.errors] == ["fodselsdato"]


def test_any_text_of_the_api_refuses_direction_overrides_and_control_characters(
    world: World,
) -> None:
    request = settlement_testing.make_request("0301", requested=40)
    planner = client_for(make_user(username="planner-tekst"))
    body = {"requested": 30, "unaccompanied_minors": 0, "reason": "Ny\u202eskole", "version": 1}
    response = planner.patch(
        f"/api/v1/settlement/requests/{request.pk}",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["reason"] == [
        "Teksten kan ikke inneholde kontrolltegn eller tegn som endrer skriveretningen."
    ]
    body["reason"] = "Ny skole.\nFlere linjer er greit."
    ok = planner.patch(
        f"/api/v1/settlement/requests/{request.pk}",
        json.dumps(body),
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content


def test_the_apis_own_errors_are_in_norwegian(world: World) -> None:
    owner = client_for(world.owner)
    bad = {"municipality": "0301", "reference": "H", "members": [{"given_name": 5}]}
    response = owner.post("/api/v1/households/", json.dumps(bad), content_type="application/json")
    assert response.status_code == 422
    by_place = {".".join(map(str, e["loc"][1:])): e["msg"] for e in response.json()["detail"]}
    assert by_place["payload.members.0.given_name"] == "Skriv en tekst."
    assert by_place["payload.members.0.family_name"] == "Feltet må fylles ut."
    assert by_place["payload.members.0.birth_date"] == "Feltet må fylles ut."
    broken = owner.post("/api/v1/households/", "{ikke json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["detail"] == "Innholdet kan ikke leses: send gyldig JSON."
    assert owner.get("/api/v1/persons/ikke-et-tall").json()["detail"][0]["msg"] == (
        "Skriv et heltall."
    )
    date = owner.get("/api/v1/rules/parameters", {"on": "31.02.2024"})
    assert date.json()["detail"][0]["msg"].startswith("Skriv datoen som ÅÅÅÅ-MM-DD")


# --- 6. Lockout by user name and address, a delay on the user name --------------------------------

PASSWORD = "et-langt-passord-2026"
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _login(address: str, password: str, username: str = "kari") -> object:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/logg-inn/", {"username": username, "password": password})
    return response


@pytest.fixture
def kari(db: None) -> object:
    return make_user(municipality_number="0301", username="kari", password=PASSWORD)


def test_five_wrong_passwords_lock_the_attackers_address_not_the_real_user(kari: object) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        statuses = [_login("10.6.6.6", "feil-passord").status_code for _ in range(5)]  # type: ignore[attr-defined]
        assert statuses == [200, 200, 200, 200, 429]  # the fifth locks the address
        # The attacker's address is locked, even with the right password.
        clock.shift(datetime.timedelta(minutes=5))
        locked = _login("10.6.6.6", PASSWORD)
        assert locked.status_code == 429  # type: ignore[attr-defined]
        assert "midlertidig sperret fra denne adressen" in locked.content.decode()  # type: ignore[attr-defined]
        assert locked["Retry-After"] == "3600"  # type: ignore[index]
        # The real user, from the office, with the right password: in.
        assert _login("10.1.1.1", PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_the_user_name_alone_gets_a_delay_that_grows_and_attempts_within_it_do_not_count(
    kari: object,
) -> None:
    from integrering.accounts.lockout import delay_seconds, login_delay_remaining

    assert [delay_seconds(n) for n in (4, 5, 6, 7, 8, 11, 50)] == [0, 1, 2, 4, 8, 60, 60]
    with time_machine.travel(T0, tick=False) as clock:
        for n in range(5):  # five addresses, one guess each: none of them is locked
            _login(f"10.9.0.{n}", "feil-passord")
        assert login_delay_remaining("kari") == 1
        # Within the delay nothing is tried, not even the right password, and nothing counts.
        waiting = _login("10.1.1.1", PASSWORD)
        assert waiting.status_code == 429  # type: ignore[attr-defined]
        assert "Vent 1 sekund og prøv igjen" in waiting.content.decode()  # type: ignore[attr-defined]
        assert waiting["Retry-After"] == "1"  # type: ignore[index]
        assert login_delay_remaining("kari") == 1
        clock.shift(datetime.timedelta(seconds=1))
        _login("10.9.0.9", "feil-passord")  # a sixth failure: two seconds now
        assert login_delay_remaining("kari") == 2
        clock.shift(datetime.timedelta(seconds=2))
        # After the wait, the right password from an address that is not locked gets in.
        assert _login("10.1.1.1", PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_an_administrator_sees_and_lifts_a_lock_and_nobody_else_may(kari: object) -> None:
    admin = make_user(username="ada", roles=[Role.ADMINISTRATOR])
    planner = make_user(username="planlegger")
    for _ in range(5):
        _login("10.6.6.6", "feil-passord")
    with time_machine.travel(datetime.timedelta(minutes=1)):
        assert client_for(planner).get("/innlogging/sperringer/").status_code == 403
        page = client_for(admin).get("/innlogging/sperringer/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "kari" in text and "10.6.6.6" in text and "Opphev" in text
        from axes.models import AccessAttempt

        lock = AccessAttempt.objects.get(username="kari", ip_address="10.6.6.6")
        assert (
            client_for(planner).post("/innlogging/sperringer/", {"lock": lock.pk}).status_code
            == 403
        )
        lifted = client_for(admin).post("/innlogging/sperringer/", {"lock": lock.pk}, follow=True)
        assert "Sperren er opphevet." in lifted.content.decode()
        assert not AccessAttempt.objects.exists()
        assert _login("10.6.6.6", PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings: object) -> None:
    from django.test import RequestFactory

    from integrering.accounts.lockout import client_address

    request = RequestFactory().post(
        "/logg-inn/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    assert client_address(request) == "10.0.0.2"
    settings.PROXY_COUNT = 1  # type: ignore[attr-defined]
    assert client_address(request) == "203.0.113.9"  # not what the client wrote itself


# --- 12. check --deploy refuses the demo switches ------------------------------------------------


@pytest.mark.parametrize(
    ("switch", "expected"),
    [
        ({"INTEGRERING_DEMO": "1"}, ["integrering.E001", "integrering.E002"]),
        ({"INTEGRERING_SYNTHETIC_IDS": "1"}, ["integrering.E002"]),
        ({"INTEGRERING_ALLOWED_HOSTS": "*"}, ["integrering.E003"]),
        ({"INTEGRERING_ALLOWED_HOSTS": "integrering.example.no,*"}, ["integrering.E003"]),
    ],
    ids=["demo", "synthetic ids", "wildcard host", "wildcard among hosts"],
)
def test_the_deploy_check_fails_on_a_demo_switch_in_production(
    switch: dict[str, str], expected: list[str]
) -> None:
    import secrets

    from tests.test_security import _check_deploy

    production = {
        "INTEGRERING_SECRET_KEY": secrets.token_urlsafe(64),
        "INTEGRERING_HTTPS": "1",
        "INTEGRERING_ALLOWED_HOSTS": "integrering.example.no",
    }
    result = _check_deploy(**{**production, **switch})
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    found = sorted(set(re.findall(r"integrering\.E\d{3}", output)))
    assert found == expected, output
