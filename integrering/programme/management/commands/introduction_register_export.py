"""integrering introduction-register-export --municipality 0301 [--from --to] --format json|csv [--out FILE]."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from integrering.audit.services import AccessContext
from integrering.commands import OneLineCommand, fail
from integrering.programme.services.grant_claims import municipality_by_number
from integrering.programme.services.register_export import (
    FORMATS,
    register_csv,
    register_export,
    register_json,
)

NAME = "introduction-register-export"
PROG = f"integrering {NAME}"


def _date(text: str | None, what: str) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        fail(PROG, f"{what} {text!r} er ikke en dato (ÅÅÅÅ-MM-DD).")


class Command(OneLineCommand):
    help = (
        "Export a municipality's introduction programme to the national introduction register "
        "format (JSON or CSV, documented in docs/introduction-register.md): participants, "
        "programme periods, hours and results, optionally for a period. Every person exported is "
        "written to the audit log. Bad input: one line on stderr, exit status 2."
    )

    prog = PROG

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="municipality number, 4 digits")
        parser.add_argument("--from", dest="from_on", help="first day of the period (YYYY-MM-DD)")
        parser.add_argument("--to", dest="to_on", help="last day of the period (YYYY-MM-DD)")
        parser.add_argument("--format", required=True, choices=FORMATS, help="json or csv")
        parser.add_argument("--out", type=Path, help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        number = str(options["municipality"]).strip()
        if not (len(number) == 4 and number.isdigit()):
            fail(PROG, f"Kommunenummeret har fire siffer, ikke {number!r}.")
        from_on = _date(options["from_on"], "--from")
        to_on = _date(options["to_on"], "--to")
        if from_on and to_on and to_on < from_on:
            fail(PROG, "--to kan ikke være før --from.")
        municipality = municipality_by_number(number)
        if municipality is None:
            fail(PROG, f"Finner ingen kommune med nummer {number}.")
        export = register_export(
            ctx=AccessContext.command(NAME), municipality=municipality, from_on=from_on, to_on=to_on
        )
        body = (
            register_csv(export.data) if options["format"] == "csv" else register_json(export.data)
        )
        out: Path | None = options["out"]
        if out is None:
            self.stdout.write(body.decode("utf-8"), ending="" if body.endswith(b"\n") else "\n")
            return
        try:
            out.write_bytes(body)
        except OSError as exc:
            fail(PROG, f"Kan ikke skrive {out}: {exc.strerror}.")
        self.stderr.write(
            f"Skrev {export.participant_count} deltakere ({export.participation_count} "
            f"deltakelser) til {out}."
        )
