"""integrering jobs-stale-fail: mark as failed every job whose worker died (``integrering.jobs``).

``integrering db_worker`` does this itself when it starts and every minute; this command is for
a worker run elsewhere, or a look by hand.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from integrering.jobs import jobs_stale_fail, stale_minutes


class Command(BaseCommand):
    help = (
        "Mark as failed every job (import, benefit run, matcher run or confirmation) that has "
        "given no sign of life for INTEGRERING_JOB_STALE_MINUTES: its worker died, and nothing "
        "of it was saved. Prints how many."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = jobs_stale_fail()
        self.stdout.write(
            f"{failed} jobb(er) uten livstegn på {stale_minutes()} minutter er merket som feilet."
        )
