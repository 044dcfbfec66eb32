"""``integrering settlement spread|match|remind-requests``: the planner's two calculations from
files, and the reminders on unanswered requests for a scheduler.

- ``spread``: spread a year's settlement need over municipalities (``settlement/cli/spread.py``).
- ``match``: place refugee households in municipalities, optimally (``settlement/cli/match.py``).
- ``simulate-year``: a year of weekly placements by the online policy (``settlement/cli/simulate.py``).
- ``remind-requests``: remind the municipalities past their answer date (``settlement/cli/remind.py``).

Each subcommand exits 2 when its input is bad, with every problem listed and nothing written.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from integrering.settlement.cli import match as cli_match
from integrering.settlement.cli import remind as cli_remind
from integrering.settlement.cli import simulate as cli_simulate
from integrering.settlement.cli import spread as cli_spread

SUBCOMMANDS = {
    "spread": cli_spread,
    "match": cli_match,
    "simulate-year": cli_simulate,
    "remind-requests": cli_remind,
}


class Command(BaseCommand):
    help = (
        "Bosettingsplanlegging: fordel anmodninger (spread), søk ut kommuner (match) eller "
        "simuler et års ukentlige utsøkinger (simulate-year) fra filer, eller purr på kommuner "
        "som ikke har svart (remind-requests)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{spread,match,simulate-year,remind-requests}"
        )
        for name, module in SUBCOMMANDS.items():
            module.add_arguments(
                sub.add_parser(name, help=module.HELP, description=module.__doc__)  # type: ignore[attr-defined]
            )

    def handle(self, *args: Any, **options: Any) -> None:
        module = SUBCOMMANDS[options["subcommand"]]
        code = module.run(options, stdout=self.stdout, stderr=self.stderr)
        if code:
            sys.exit(code)
