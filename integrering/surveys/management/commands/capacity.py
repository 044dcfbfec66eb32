"""``integrering capacity summary``: the capacity survey's figures from a file
(``surveys/cli/capacity.py``). Exits 2 when the input is bad, with every bad line listed and
nothing written."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from integrering.surveys.cli import capacity as cli_capacity

SUBCOMMANDS = {"summary": cli_capacity}


class Command(BaseCommand):
    help = (
        "Kapasitetskartleggingen fra filer: andel utfordrende eller kritisk per tjeneste (summary)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{summary}")
        for name, module in SUBCOMMANDS.items():
            module.add_arguments(
                sub.add_parser(name, help=module.HELP, description=module.__doc__)  # type: ignore[attr-defined]
            )

    def handle(self, *args: Any, **options: Any) -> None:
        module = SUBCOMMANDS[options["subcommand"]]
        code = module.run(options, stdout=self.stdout, stderr=self.stderr)
        if code:
            sys.exit(code)
