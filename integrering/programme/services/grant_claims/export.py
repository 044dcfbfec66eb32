"""One grant of a claim as a download: CSV (UTF-8, comma, dot as decimal sign, ISO dates) and an
Excel workbook (through ``integrering.exports``), a row per line, with the directorate's grant
code (``Tilskuddskode``) where the grant has one, then the sums and the total. The packages have
their own columns (package, measure, programme start, window). The JSON of a claim is
``GrantClaim.to_json``. Both neutralise text that a spreadsheet would take for a formula
(``integrering.exports``); amounts stay as written.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from integrering.exports import AMOUNT, Cell, Column, Heading, Sheet, csv_file_bytes, xlsx_bytes
from integrering.rules.money import money_str

from .common import (
    INTEGRATION,
    NORWEGIAN_GRANT,
    PACKAGES,
    UNACCOMPANIED,
    ClaimSection,
    ClaimSum,
    GrantClaim,
)

EXPORT_NAMES = {
    INTEGRATION: "integreringstilskudd",
    NORWEGIAN_GRANT: "norsktilskudd",
    UNACCOMPANIED: "saerskilt-tilskudd-enslige-mindrearige",
    PACKAGES: "integreringspakker",
}

# The workbook's title row: what the file is.
TITLES = {
    INTEGRATION: "Krav om integreringstilskudd",
    NORWEGIAN_GRANT: "Krav om tilskudd til opplæring i norsk",
    UNACCOMPANIED: "Krav om særskilt tilskudd ved bosetting av enslige mindreårige",
    PACKAGES: "Krav om tilskudd til integreringspakker",
}

CODE_HEADER = "Tilskuddskode"
CLAIM_COLUMNS = [
    ("rad", "row"),
    ("kommunenummer", "municipality"),
    ("budsjettår", "budget_year"),
    ("type", "kind"),
    (CODE_HEADER, "code"),
    ("beskrivelse", "label"),
    ("beløp", "amount"),
    ("navn", "name"),
    ("fødselsdato", "birth_date"),
    ("fødselsnummer", "identity_number"),
    ("DUF-nummer", "duf_number"),
    ("husstand", "household_reference"),
    ("bosatt", "settled_on"),
    ("år etter bosetting", "year_after_settlement"),
    ("merknad", "note"),
]
PACKAGE_COLUMNS = [
    ("rad", "row"),
    ("kommunenummer", "municipality"),
    ("budsjettår", "budget_year"),
    ("pakke", "package"),
    ("tiltak", "measure"),
    ("beskrivelse", "label"),
    ("beløp", "amount"),
    ("navn", "name"),
    ("fødselsdato", "birth_date"),
    ("fødselsnummer", "identity_number"),
    ("DUF-nummer", "duf_number"),
    ("programstart", "starts_on"),
    ("måneder", "months"),
    ("vindu", "decided"),
]


def _rows(claim: GrantClaim, section: ClaimSection) -> tuple[list[str], list[list[Any]]]:
    columns = PACKAGE_COLUMNS if section.grant == PACKAGES else CLAIM_COLUMNS
    rows = []
    for line in section.lines:
        row: list[Any] = []
        for _, attr in columns:
            if attr == "row":
                row.append("linje")
            elif attr == "municipality":
                row.append(claim.municipality.number)
            elif attr == "budget_year":
                row.append(claim.budget_year)
            else:
                row.append(getattr(line, attr))
        rows.append(row)
    return [header for header, _ in columns], rows


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return money_str(cell)
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell)


def grant_claim_filename(claim: GrantClaim, grant: str, fmt: str) -> str:
    return f"{EXPORT_NAMES[grant]}-{claim.municipality.number}-{claim.budget_year}.{fmt}"


def grant_claim_csv(claim: GrantClaim, grant: str) -> bytes:
    """One grant as CSV (UTF-8, comma, dot as decimal sign, ISO dates): a row per line (column
    «rad» = «linje»), then a row per sum («sum») and the total («total»)."""
    section = claim.section(grant)
    if section is None:
        raise ValueError(f"Kravet har ikke {grant}")
    header, rows = _rows(claim, section)
    lines = [[_text(cell) for cell in row] for row in rows]
    amount_at = header.index("beløp")
    label_at = header.index("beskrivelse")
    code_at = header.index(CODE_HEADER) if CODE_HEADER in header else None
    for total in [*section.sums, ClaimSum("total", "Sum", len(section.lines), section.total)]:
        row = [""] * len(header)
        row[0] = "total" if total.kind == "total" else "sum"
        row[1], row[2] = claim.municipality.number, str(claim.budget_year)
        row[label_at] = total.label if total.kind == "total" else f"Sum {total.label}"
        row[amount_at] = money_str(total.amount)
        if code_at is not None:
            row[code_at] = total.code
        lines.append(row)
    return csv_file_bytes(header, lines)


def grant_claim_xlsx(claim: GrantClaim, grant: str) -> bytes:
    """One grant as an Excel workbook: the lines, and a sheet with the sums."""
    section = claim.section(grant)
    if section is None:
        raise ValueError(f"Kravet har ikke {grant}")
    header, rows = _rows(claim, section)
    lines = Sheet(
        "Linjer",
        [Column(name, number_format=AMOUNT if name == "beløp" else None) for name in header],
        rows,
    )
    # The code comes last, so that the columns of the sums keep their places.
    sum_rows: list[list[Cell]] = [[t.label, t.count, t.amount, t.code] for t in section.sums]
    sum_rows.append(["Sum", len(section.lines), section.total, ""])
    sums = Sheet(
        "Summer",
        ["beskrivelse", "antall", Column("beløp", number_format=AMOUNT), CODE_HEADER],
        sum_rows,
        sum_row=True,
    )
    heading = Heading(
        f"{TITLES[grant]} for {claim.budget_year}",
        f"{claim.municipality.name} kommune ({claim.municipality.number})",
    )
    return xlsx_bytes([lines, sums], heading=heading)
