"""integrering rules ...: the rules calculators on the command line (JSON with --json, a table without)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import CommandParser

from integrering.commands import OneLineCommand, fail
from integrering.rules.calculators import calculate
from integrering.rules.disability_grant import CATEGORIES as DISABILITY_CATEGORIES
from integrering.rules.disability_grant import GRANTS as DISABILITY_GRANTS
from integrering.rules.grants import (
    NORWEGIAN_RATES,
)
from integrering.rules.parameters import RulesError

PROG = "integrering rules"


def _table(data: Any, indent: str = "") -> list[str]:
    rows: list[str] = []
    if isinstance(data, dict):
        for key, item in data.items():
            if key == "references":
                continue
            if isinstance(item, dict | list):
                rows.append(f"{indent}{key}:")
                rows += _table(item, indent + "  ")
            else:
                rows.append(f"{indent}{key:<28} {'' if item is None else item}")
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                rows.append(
                    indent + "  ".join(f"{k}={'' if v is None else v}" for k, v in item.items())
                )
            else:
                rows.append(f"{indent}{item}")
    return rows


class Command(OneLineCommand):
    help = "Calculate benefits, grants, establishment support and integration packages from the dated parameters."
    # A pure calculation: no database, no routes to check, no secret (``__main__.NO_SECRET``).
    requires_system_checks: list[str] = []
    prog = PROG

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="calculator", required=True, parser_class=self.parser_class
        )

        def add(name: str, help_text: str) -> argparse.ArgumentParser:
            p = sub.add_parser(name, help=help_text, description=help_text)
            p.add_argument(
                "--json",
                action="store_true",
                help="print JSON (amounts as strings with two decimals)",
            )
            return p

        p = add("benefit", "introduction benefit on a date, with deduction for unapproved absence")
        p.add_argument("--on", required=True, help="date of the calculation (YYYY-MM-DD)")
        p.add_argument("--birth-date", required=True, help="the participant's birth date")
        p.add_argument(
            "--permit-date",
            help="residence permit date: decides the Act (before 2021-01-01: Introduction Act)",
        )
        p.add_argument(
            "--lives-with-parent", action="store_true", help="under 25 and living with a parent"
        )
        p.add_argument("--absence-hours", default="0", help="unapproved absence hours in the month")

        p = add("integration-grant", "integration grant for a household in a budget year")
        p.add_argument("--budget-year", required=True)
        p.add_argument("--settled-on", required=True, help="settlement date")
        p.add_argument(
            "--member",
            action="append",
            required=True,
            metavar="AGE[:ema]",
            help="one per person: age at settlement; ':ema' marks an unaccompanied minor",
        )

        p = add("norwegian-grant", "Norwegian training grant per person")
        p.add_argument("--budget-year", required=True)
        p.add_argument("--settled-on", required=True)
        p.add_argument("--rate", required=True, choices=NORWEGIAN_RATES)

        p = add(
            "unaccompanied-minor-grant",
            "special grant for one unaccompanied minor in a budget year (særskilt tilskudd)",
        )
        p.add_argument("--budget-year", required=True)
        p.add_argument("--birth-date", required=True, help="the minor's birth date")
        p.add_argument("--settled-on", required=True, help="settlement date")

        p = add(
            "disability-grant",
            "grant for a refugee with a disability or behavioural problems (ekstratilskudd)",
        )
        p.add_argument(
            "--grant",
            required=True,
            choices=[str(g) for g in DISABILITY_GRANTS],
            help="1: one-off (year 1 or 2); 2: yearly by documented need, up to the maximum",
        )
        p.add_argument("--budget-year", required=True)
        p.add_argument("--settled-on", required=True, help="the first settlement date")
        p.add_argument(
            "--category",
            required=True,
            choices=list(DISABILITY_CATEGORIES),
            help="how the person came to the municipality (family reunification and "
            "self-settled persons are not eligible)",
        )
        p.add_argument("--documented-need", help="grant 2: the documented expenses of the year")
        p.add_argument(
            "--birth-date", help="an unaccompanied minor's birth date (grant 2 after year 5)"
        )

        p = add("establishment", "maximum establishment support for a household")
        p.add_argument("--adults", required=True)
        p.add_argument("--children", required=True)
        p.add_argument("--shared-dwelling", action="store_true", help="the adults share a dwelling")
        p.add_argument(
            "--family-reunification",
            action="store_true",
            help="reunited with a family member settled here",
        )
        p.add_argument("--on", help="date whose rates apply (default: today)")

        p = add("integration-package", "covid integration packages I-III for one participant")
        p.add_argument("--programme-start")
        p.add_argument("--programme-end", help="absent: still in the programme")
        p.add_argument("--norwegian-end", help="end of Norwegian training")
        p.add_argument(
            "--right-and-duty",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="right and duty to Norwegian training under introduksjonsloven § 17 (1) "
            "(packages II and III); left out: not stated",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = {key: value for key, value in options.items() if value is not None}
            result = calculate(options["calculator"], data)
        except RulesError as exc:
            fail(PROG, str(exc))
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(_table(result)))
