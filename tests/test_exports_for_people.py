"""Every download for people (issue 23 item 7), made from data and read back as Excel reads it:
a title row that says what the file is, for whom and when it was made; Norwegian headers (no
snake_case, no English); dates dd.mm.åååå; in a CSV a byte order mark, semicolons and decimal
commas; in a workbook numbers and dates stored as such, with their formats.

The files are enumerated from ``exports.FOR_PEOPLE``, and the source is walked for every
function that calls ``csv_bytes`` or ``xlsx_bytes``: a new download for people that is not named
there (and so not made here) fails. Files for machines (the payroll file, the grant claim's CSV,
the national register, the matcher's CSV contracts) are written by ``csv_file_bytes`` and keep
their exact columns; the imports' example files by ``import_template_csv_bytes``.
"""

from __future__ import annotations

import ast
import csv
import datetime
import importlib
import io
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import time_machine
from openpyxl import load_workbook

from conftest import World
from integrering.audit.services import AccessContext
from integrering.exports import DATE, DATE_TIME, FOR_PEOPLE, MONTH, header_problem
from integrering.finance.establishment.register import Register, RegisterRow
from integrering.finance.models import CostCoverageReport, CostCoverageRow, EstablishmentApplication
from integrering.finance.services import CostTable, cost_export_csv, cost_export_xlsx, cost_sum
from integrering.programme.models import ExtensionKind
from integrering.programme.services.benefit_compute import benefit_run_compute
from integrering.programme.services.benefit_run import benefit_run_prepare, benefit_run_xlsx
from integrering.programme.services.grant_claims import grant_claim_compute
from integrering.programme.services.grant_claims.export import grant_claim_xlsx
from integrering.programme.services.package_report import (
    PackageReport,
    ReportCount,
    ReportLine,
    package_report_csv,
    package_report_xlsx,
)
from integrering.programme.testing import make_participation
from integrering.settlement.services.request_tables import request_rows, requests_xlsx
from integrering.settlement.testing import make_facts, make_request
from integrering.surveys.models import CapacityService, SurveyRole
from integrering.surveys.report import survey_tables_xlsx
from integrering.surveys.services.capacity import capacity_round_xlsx
from integrering.surveys.testing import (
    make_capacity_response,
    make_capacity_round,
    make_features,
    make_invitation,
    make_submitted,
    make_survey,
)
from integrering.testing import make_household, municipality

ROOT = Path(__file__).resolve().parent.parent / "integrering"
TITLE = re.compile(r".+ – .+ – laget \d{2}\.\d{2}\.\d{4} kl\. \d{2}\.\d{2}")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
NB_DATE = re.compile(r"\d{2}\.\d{2}\.\d{4}")
DOT_DECIMAL = re.compile(r"-?\d+\.\d+")
COMMA_DECIMAL = re.compile(r"-?\d+,\d+")
NUMBER_AS_TEXT = re.compile(r"-?\d[\d \u00a0]*[.,]\d+")  # a decimal written into a text cell
DATES = (DATE, DATE_TIME, MONTH)  # how a workbook shows a date: dd.mm.åååå (a month: mm.åååå)
D = datetime.date


def writers_in_source() -> dict[str, set[str]]:
    """Every function of ours that calls ``csv_bytes`` or ``xlsx_bytes``, by module."""
    found: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or path.name == "exports.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in {"csv_bytes", "xlsx_bytes"}
                ):
                    found.setdefault(module, set()).add(function.name)
    return found


# --- The files, from data ------------------------------------------------------------------------


def cost_table() -> CostTable:
    report = CostCoverageReport(year=2024, title="Utvalgskommuner")
    rows = [
        CostCoverageRow(
            report=report,
            position=1,
            municipality_number="0301",
            name="Oslo",
            expenses=Decimal("1250000.50"),
            income=Decimal("980000.25"),
            hours=Decimal("5210"),
            fte=Decimal("3.75"),
        )
    ]
    return CostTable(report=report, rows=rows, total=cost_sum(rows))


def establishment_register(world: World) -> bytes:
    application = EstablishmentApplication(
        household=world.household,
        municipality=municipality("0301"),
        applied_on=D(2024, 3, 1),
        decided_on=D(2024, 3, 15),
        status="approved",
    )
    row = RegisterRow(
        application=application,
        granted=Decimal("25000.50"),
        paid_in_year=Decimal("12500.25"),
        paid_to_shops_in_year=Decimal("12500.25"),
    )
    from integrering.finance.establishment.register import establishment_register_xlsx

    return establishment_register_xlsx(Register(year=2024, rows=[row]))


def benefit_run(world: World) -> bytes:
    with time_machine.travel(datetime.datetime(2024, 7, 15, 12, 0, tzinfo=datetime.UTC)):
        make_participation(world.person)
        ctx = AccessContext(user=world.owner, route="test", method="TEST")
        run = benefit_run_prepare(ctx=ctx, municipality=municipality("0301"), month=D(2024, 5, 1))
        computed = benefit_run_compute(run_id=run.pk)
        assert computed is not None
        return benefit_run_xlsx(ctx=ctx, run=computed)


def package_report() -> PackageReport:
    return PackageReport(
        municipality=municipality("0301"),
        package="1",
        period="01.01.2024–30.06.2024",
        sent_on=D(2024, 7, 1),
        deadline=D(2024, 8, 15),
        payout=None,
        late_packages=[],
        counts=[
            ReportCount(
                "1",
                ExtensionKind.PROGRAMME,
                "Utvidet",
                "Voksne",
                3,
                2,
                1,
                Decimal("12500.50"),
                False,
            )
        ],
        lines=[
            ReportLine(
                person_id=1,
                name="Amal Hassan",
                birth_date=D(1988, 4, 2),
                participation_id=None,
                package="1",
                measure=ExtensionKind.PROGRAMME,
                months=3,
                from_on=D(2024, 2, 1),
                registered_on=D(2024, 2, 5),
                decision_status="Vedtatt",
                given=True,
                late=False,
            )
        ],
    )


def grant_claim() -> bytes:
    make_household(municipality_number="0301", members=1, settled_on=D(2018, 3, 1))
    claim = grant_claim_compute(municipality=municipality("0301"), budget_year=2018)
    return grant_claim_xlsx(claim, "norwegian")


def requests() -> bytes:
    make_facts("0301", immigrant_share="0.125")
    make_request("0301", requested=50, decided=40)
    return requests_xlsx(2026, request_rows(year=2026, county="", not_answered=False))


def survey_tables() -> bytes:
    survey = make_survey(year=2026)
    make_features("3301", year=2026, population=5_000, immigrants=300, centrality=400)
    questionnaire = survey.questionnaires.get(role=SurveyRole.INTEGRATION_OFFICER)
    invitation, _ = make_invitation(questionnaire, "3301")
    make_submitted(invitation, {"samarbeid_imdi": "god", "bosetting_plan": "Nei"})
    return survey_tables_xlsx(survey)


def capacity_round() -> bytes:
    day = datetime.datetime(2026, 4, 10, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(day, tick=False):
        round_ = make_capacity_round(year=2026, quarter=2)
        make_capacity_response(round_, "0301", {s: "god" for s in CapacityService.values})
        return capacity_round_xlsx(round_)


def files_made(world: World) -> dict[str, bytes]:
    """Every file of ``FOR_PEOPLE`` by its function's name, made from data."""
    makers: dict[str, Callable[[], bytes]] = {
        "cost_export_csv": lambda: cost_export_csv(cost_table()),
        "cost_export_xlsx": lambda: cost_export_xlsx(cost_table()),
        "establishment_register_xlsx": lambda: establishment_register(world),
        "benefit_run_xlsx": lambda: benefit_run(world),
        "package_report_csv": lambda: package_report_csv(package_report()),
        "package_report_xlsx": lambda: package_report_xlsx(package_report()),
        "grant_claim_xlsx": grant_claim,
        "requests_xlsx": requests,
        "survey_tables_xlsx": survey_tables,
        "capacity_round_xlsx": capacity_round,
    }
    named = {name for names in FOR_PEOPLE.values() for name in names}
    assert set(makers) == named, "a file for people that this test does not make"
    for module, names in FOR_PEOPLE.items():
        for name in names:  # the registry names real functions
            assert callable(getattr(importlib.import_module(module), name))
    return {name: make() for name, make in makers.items()}


# --- The rules -----------------------------------------------------------------------------------


def csv_problems(content: bytes) -> list[str]:
    problems: list[str] = []
    if not content.startswith("\ufeff".encode()):
        problems.append("no byte order mark")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    title, header, rows = lines[0], lines[1], lines[2:]
    if len(title) != 1 or not TITLE.fullmatch(title[0]):
        problems.append(f"title row {title}")
    problems += [p for p in map(header_problem, header) if p]
    if len(header) < 2:
        problems.append("not split on semicolons")
    cells = [cell for row in rows for cell in row]
    problems += [f"ISO date {c!r}" for c in cells if ISO_DATE.search(c)]
    problems += [f"decimal point {c!r}" for c in cells if DOT_DECIMAL.fullmatch(c)]
    if not any(COMMA_DECIMAL.fullmatch(c) for c in cells):
        problems.append("no decimal comma in a file of decimals")
    return problems


def xlsx_problems(content: bytes) -> list[str]:
    problems: list[str] = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        rows = list(sheet.iter_rows())
        title = [c.value for c in rows[0] if c.value is not None]
        if len(title) != 1 or not TITLE.fullmatch(str(title[0])):
            problems.append(f"{sheet.title}: title row {title}")
        header = [c.value for c in rows[1]]
        problems += [f"{sheet.title}: {p}" for p in map(header_problem, map(str, header)) if p]
        if sheet.freeze_panes is None or not sheet.freeze_panes.endswith("3"):
            problems.append(f"{sheet.title}: the title and header rows do not stay in view")
        for cell in (c for row in rows[2:] for c in row):
            value = cell.value
            if isinstance(value, str):
                if NUMBER_AS_TEXT.fullmatch(value) or ISO_DATE.search(value):
                    problems.append(f"{sheet.title}!{cell.coordinate}: {value!r} as text")
                if NB_DATE.fullmatch(value):
                    problems.append(f"{sheet.title}!{cell.coordinate}: a date as text")
            elif isinstance(value, datetime.datetime) and cell.number_format not in DATES:
                problems.append(f"{sheet.title}!{cell.coordinate}: {cell.number_format}")
    return problems


def test_every_download_for_people_has_a_title_norwegian_headers_and_excels_formats(
    world: World,
) -> None:
    named = {(module, name) for module, names in FOR_PEOPLE.items() for name in names}
    written = {(module, name) for module, names in writers_in_source().items() for name in names}
    assert written == named, f"exports.FOR_PEOPLE is not every file for people: {written ^ named}"

    problems: dict[str, list[str]] = {}
    for name, content in files_made(world).items():
        found = csv_problems(content) if name.endswith("_csv") else xlsx_problems(content)
        if found:
            problems[name] = found
    assert problems == {}
