"""integrering benefit-run --municipality 0301 --month 2024-05 [--approve] [--json]: compute a
month's introduction benefit now (the command is itself the background job when scheduled)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser

from integrering.audit.services import AccessContext
from integrering.commands import OneLineCommand, fail
from integrering.organisations.models import Municipality
from integrering.programme.api.benefit import BenefitLineOut, BenefitRunOut
from integrering.programme.models import BenefitRunStatus
from integrering.programme.services.benefit_compute import Progress, benefit_run_compute
from integrering.programme.services.benefit_run import (
    benefit_lines_shown,
    benefit_run_approve,
    benefit_run_lines,
    benefit_run_prepare,
    benefit_run_totals,
    month_parse,
)

NAME = "benefit-run"
PROG = f"integrering {NAME}"


class Command(OneLineCommand):
    help = (
        "Compute the introduction benefit of a municipality for a month, with correction lines "
        "for earlier approved months, as a preview (replacing an earlier preview); --approve "
        "approves it at once. An approved month is refused (exit 2)."
    )

    prog = PROG

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="municipality number, e.g. 0301")
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument("--approve", action="store_true", help="approve the run when computed")
        parser.add_argument(
            "--json", action="store_true", help="print the run and its lines as JSON"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ctx = AccessContext.command(NAME)
        municipality = Municipality.objects.filter(
            number=options["municipality"].strip(), valid_to__isnull=True
        ).first()
        if municipality is None:
            fail(PROG, f"kommune {options['municipality']!r} finnes ikke.")
        try:
            month = month_parse(options["month"])
            run = benefit_run_prepare(ctx=ctx, municipality=municipality, month=month)
        except ValidationError as exc:
            fail(PROG, " ".join(exc.messages))
        computed = benefit_run_compute(run_id=run.pk, progress=self._progress_bar())
        if computed is None or computed.status != BenefitRunStatus.PREVIEW:
            # Not bad input: the computation failed (status 1).
            fail(
                PROG, computed.error if computed else "kjøringen ble erstattet underveis.", status=1
            )
        run = computed
        if options["approve"]:
            try:
                run = benefit_run_approve(ctx=ctx, run=run)
            except ValidationError as exc:
                fail(PROG, " ".join(exc.messages))
        if options["json"]:
            lines = list(benefit_run_lines(run))
            benefit_lines_shown(ctx, lines, run)
            data = BenefitRunOut.of(run).model_dump(mode="json")
            data["lines"] = [BenefitLineOut.of(line).model_dump(mode="json") for line in lines]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        totals = benefit_run_totals(run)
        self.stdout.write(
            f"Introduksjonsstønad {run.month:%m.%Y} for {municipality.name}: "
            f"{run.get_status_display().lower()} (kjøring {run.pk}), {run.participants} deltakere, "
            f"{totals.lines} linjer ({totals.correction_lines} korreksjoner), "
            f"til utbetaling kr {run.total:.2f}"
            + (f"; {totals.needs_decision} trekk krever vedtak" if totals.needs_decision else "")
            + "."
        )

    def _progress_bar(self) -> Progress | None:
        """A bar on stderr when it is a terminal."""
        if not self.stderr.isatty():
            return None

        def draw(done: int, total: int) -> None:
            width = 30
            filled = width * done // total if total else width
            self.stderr.write(
                f"\rBeregner     [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                ending="\n" if done >= total else "",
            )
            self.stderr.flush()

        return draw
