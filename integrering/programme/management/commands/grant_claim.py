"""integrering grant-claim --municipality 0301 --budget-year 2018 [--grant ...] [--json]."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext
from integrering.commands import OneLineCommand, fail
from integrering.programme.services.grant_claims import (
    GRANTS,
    MAX_YEAR,
    MIN_YEAR,
    PACKAGES,
    ClaimSection,
    grant_claim_for,
    municipality_by_number,
)
from integrering.rules.money import money_str

NAME = "grant-claim"
PROG = f"integrering {NAME}"


def _money(amount: Any) -> str:
    return f"{money_str(amount):>14}"


class Command(OneLineCommand):
    help = (
        "Print a municipality's grant claim for a budget year: the integration grant, the "
        "Norwegian training grant, the special grant for unaccompanied minors and the covid "
        "integration-package report, with sums and the person and the directorate's grant code "
        "behind every line (amounts as strings with two decimals in --json). The persons "
        "printed are written to the audit log. Bad input: one line on stderr, exit status 2."
    )

    prog = PROG

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="municipality number, 4 digits")
        parser.add_argument("--budget-year", required=True, help="the budget year, e.g. 2018")
        parser.add_argument("--grant", choices=list(GRANTS), help="only one grant (default: all)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        number = str(options["municipality"]).strip()
        if not (len(number) == 4 and number.isdigit()):
            fail(PROG, f"Kommunenummeret har fire siffer, ikke {number!r}.")
        try:
            year = int(options["budget_year"])
        except ValueError:
            fail(PROG, f"Budsjettåret må være et årstall, ikke {options['budget_year']!r}.")
        if not MIN_YEAR <= year <= MAX_YEAR:
            fail(PROG, f"Budsjettåret {year} er utenfor {MIN_YEAR}-{MAX_YEAR}.")
        municipality = municipality_by_number(number)
        if municipality is None:
            fail(PROG, f"Finner ingen kommune med nummer {number}.")
        claim = grant_claim_for(
            ctx=AccessContext.command(NAME),
            municipality=municipality,
            budget_year=year,
            grants=[options["grant"]] if options["grant"] else tuple(GRANTS),
            action=AuditAction.EXPORT,
        )
        if options["json"]:
            self.stdout.write(json.dumps(claim.to_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"Tilskuddskrav for {municipality.name} ({municipality.number}), budsjettåret {year}"
        )
        for section in claim.sections:
            self._section(section)
        self.stdout.write("")
        self.stdout.write(f"{'Sum i alt':<50}{_money(claim.total)}")

    def _section(self, section: ClaimSection) -> None:
        self.stdout.write("")
        self.stdout.write(section.title)
        if section.message:
            self.stdout.write(f"  Ikke beregnet: {section.message}")
            return
        for total in section.sums:
            self.stdout.write(
                f"  {total.label:<42}{total.count:>6}{_money(total.amount)}"
                + (f"  {total.code}" if total.code else "")
            )
        self.stdout.write(f"  {'Sum':<42}{len(section.lines):>6}{_money(section.total)}")
        for problem in section.problems:
            self.stdout.write(f"  Kontroller: {problem}")
        if section.lines:
            self.stdout.write("  Linjer:")
        for line in section.lines:
            identity = line.identity_number or line.duf_number or "-"
            if section.grant == PACKAGES:
                started = f"{line.starts_on:%d.%m.%Y}" if line.starts_on else "-"
                self.stdout.write(
                    f"    {line.name}; {line.birth_date:%d.%m.%Y}; {identity}; "
                    f"programstart {started}; {line.label}; {line.months} mnd; "
                    f"{money_str(line.amount)}"
                )
            elif line.person_id is None:
                self.stdout.write(f"    {line.label}; {line.code or '-'}; {money_str(line.amount)}")
            else:
                self.stdout.write(
                    f"    {line.name}; {line.birth_date:%d.%m.%Y}; {identity}; "
                    f"{line.household_reference}; bosatt {line.settled_on:%d.%m.%Y}; "
                    f"år {line.year_after_settlement}; {line.label}; {line.code or '-'}; "
                    f"{money_str(line.amount)}" + (f"; {line.note}" if line.note else "")
                )
