"""integrering demo-data: load the fictitious demo world (only with the demo settings)."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from integrering.accounts.models import User
from integrering.demo.build import demo_world_create
from integrering.demo.world import DEMO_USERS


class Command(BaseCommand):
    help = (
        "Create demo users (password 'demo'), an inter-municipal cooperation and fictitious households "
        "with synthetic identity numbers. Only runs with INTEGRERING_DEMO=1; does nothing if the demo "
        "users exist already."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--households", type=int, default=300, help="how many households (default 300)"
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed, for a repeatable world"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError(
                "Demodata kan bare lastes med demoinnstillingene (INTEGRERING_DEMO=1)."
            )
        if options["households"] < 1:
            raise CommandError("--households må være minst 1.")
        if User.objects.filter(username=DEMO_USERS[0][0]).exists():
            self.stdout.write("Demodata finnes allerede; ingenting endret.")
            return
        total = options["households"]
        show_progress = sys.stderr.isatty()

        def progress(done: int) -> None:
            if show_progress and (done % 10 == 0 or done == total):
                width = 30
                filled = width * done // total
                sys.stderr.write(
                    f"\rHusstander [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
                )
                if done == total:
                    sys.stderr.write("\n")

        result = demo_world_create(
            households=total, seed=options["seed"], today=timezone.localdate(), progress=progress
        )
        self.stdout.write(
            f"Demodata lastet: {result.users} brukere (passord «demo»), {result.households} husstander, "
            f"{result.persons} personer, {result.programmes} i introduksjonsprogram; "
            f"{result.historic_households} husstander bosatt 2014–2018 i Oslo (tilskudd for 2018); "
            f"{result.settlement_requests} kommuner anmodet, {result.settlement_decisions} vedtak og "
            f"{result.waiting_households} husstander som venter på bosetting; "
            f"{result.capacity_rounds} kapasitetskartlegginger med {result.capacity_responses} svar, "
            f"{result.survey_invitations} invitasjoner til kommuneundersøkelsen."
        )
