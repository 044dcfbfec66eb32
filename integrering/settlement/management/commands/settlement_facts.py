"""``integrering settlement-facts --year YYYY --file FILE.csv``: load the municipalities' figures
for a year (what the request criteria weigh, seed 001), all or nothing.

The file has the columns of ``integrering settlement spread``
(``municipality_number,population,results_score,immigrant_share,exception``) and optionally
``exception_reason`` (why a municipality above the immigrant-share limit is considered specially,
e.g. «Integreringsmottak») and ``accepts_minors`` (ja/nei, 1/0 or true/false, empty for nei: has
the municipality said yes to settling unaccompanied minors; the minors of the need are spread over
these only). A new import replaces the year's figures. Every bad row is listed,
unknown municipality numbers too (the current municipalities); with any problem nothing is
saved and the exit status is 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from integrering.audit.services import AccessContext
from integrering.commands import problems_report
from integrering.settlement.services.requests import municipality_facts_replace
from integrering.settlement.spreading import COLUMNS, spread_file_read
from integrering.tables import TableError, csv_text

PROG = "integrering settlement-facts"


class Command(BaseCommand):
    help = (
        "Last inn kommunedata for bosettingsanmodningene for et år (alt eller ingenting; erstatter "
        "årets data). Kolonner: "
        + ",".join(COLUMNS)
        + " og eventuelt exception_reason og accepts_minors (ja/nei)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, metavar="ÅÅÅÅ", help="året dataene gjelder")
        parser.add_argument("--file", required=True, metavar="FIL.csv", help="CSV-filen")

    def _fail(self, problems: list[str]) -> NoReturn:
        sys.exit(problems_report(self.stderr, PROG, problems, nothing="lagret"))

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        year_text = str(options["year"]).strip()
        year = int(year_text) if year_text.isdigit() else 0
        if not year:
            problems.append(f"--year må være et årstall, for eksempel 2026, ikke «{year_text}».")
        path = Path(options["file"])
        try:
            text = csv_text(path.read_bytes())  # UTF-8, UTF-16 or cp1252; no text: said so
        except OSError as exc:
            self._fail([*problems, f"Kan ikke lese {path}: {exc.strerror or exc}."])
        except TableError as exc:
            self._fail([*problems, f"{path}: {exc.problems[0]}"])
        read = spread_file_read(text)
        problems += read.problems
        if problems:
            self._fail(problems)
        try:
            count = municipality_facts_replace(
                ctx=AccessContext.command("settlement-facts"),
                year=year,
                rows=read.rows,
                exception_reasons=read.exception_reasons,
                line_numbers=read.line_numbers,
            )
        except ValidationError as exc:
            self._fail(exc.messages)
        self.stdout.write(f"Kommunedata for {year} er lastet inn: {count} kommuner.")
