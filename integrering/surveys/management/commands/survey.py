"""``integrering survey response-rates|correlate``: the municipal survey's statistics from files
(``surveys/cli/survey.py``).

- ``response-rates``: response rate per role and «at least one answer» (seed 004 table 1);
- ``correlate``: Pearson's r with a two-sided p for two columns (seed 004 table 2).

Each subcommand exits 2 when its input is bad, with every problem listed and nothing printed.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from integrering.surveys.cli import survey as cli_survey

SUBCOMMANDS: dict[str, Any] = {
    "response-rates": cli_survey.ResponseRatesCommand,
    "correlate": cli_survey.CorrelateCommand,
}


class Command(BaseCommand):
    help = "Kommuneundersøkelsen fra filer: svarprosent (response-rates) eller korrelasjon (correlate)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{response-rates,correlate}"
        )
        for name, command in SUBCOMMANDS.items():
            command.add_arguments(
                sub.add_parser(name, help=command.HELP, description=cli_survey.__doc__)
            )

    def handle(self, *args: Any, **options: Any) -> None:
        command = SUBCOMMANDS[options["subcommand"]]
        code = command.run(options, stdout=self.stdout, stderr=self.stderr)
        if code:
            sys.exit(code)
