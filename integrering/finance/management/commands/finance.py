"""``integrering finance cost-coverage``: the cost-coverage table from a file
(``finance/cli.py``). Exits 2 when the input is bad, with every problem listed and nothing
printed."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from integrering.finance import cli

SUBCOMMANDS = {"cost-coverage": cli}


class Command(BaseCommand):
    help = "Økonomi fra filer: kostnadsdekning i norskopplæringen (cost-coverage)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{cost-coverage}")
        for name, module in SUBCOMMANDS.items():
            module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.__doc__))

    def handle(self, *args: Any, **options: Any) -> None:
        module = SUBCOMMANDS[options["subcommand"]]
        code = module.run(options, stdout=self.stdout, stderr=self.stderr)
        if code:
            sys.exit(code)
