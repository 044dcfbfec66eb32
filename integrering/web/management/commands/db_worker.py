"""integrering db_worker: the background worker (django-tasks-db's), which first fails the jobs
whose worker died and, while it runs, looks for them again every minute (``integrering.jobs``).

It takes the place of django-tasks-db's own command (this app comes first in INSTALLED_APPS),
with the same options, so ``make demo``, a service manager and the tests all start it the same
way.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from integrering.jobs import jobs_stale_fail, jobs_watch, stale_minutes


class Command(db_worker.Command):
    help = (
        "Run the background worker. It first marks as failed every job (import, benefit run, "
        "matcher run or confirmation) that has given no sign of life for "
        "INTEGRERING_JOB_STALE_MINUTES (its worker died), and checks again every minute."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reload"] and not options["batch"] and not os.environ.get(DJANGO_AUTORELOAD_ENV):
            # The reloader's watching process: the worker (and its check) runs in its child.
            super().handle(*args, **options)
            return
        failed = jobs_stale_fail()
        if failed and options["verbosity"]:
            self.stdout.write(
                f"{failed} jobb(er) uten livstegn på {stale_minutes()} minutter er merket som feilet."
            )
        stop = threading.Event()
        if not options["batch"]:
            threading.Thread(
                target=jobs_watch, args=(stop,), name="jobs-stale-check", daemon=True
            ).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
