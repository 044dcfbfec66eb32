"""integrering import-households FILE --municipality 0301 --user USERNAME: import a household list now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrering.accounts.access import may_edit_case, municipalities_served_by
from integrering.accounts.models import User
from integrering.audit.services import AccessContext
from integrering.casework.services.household_import import household_import_execute
from integrering.people.imports import COLUMNS, header_errors, upload_errors
from integrering.people.models import HouseholdImport, ImportStatus

PHASES = {"check": "Kontrollerer", "save": "Lagrer"}


class Command(BaseCommand):
    help = (
        "Import a household list (CSV in UTF-8 with ';' or ',', or .xlsx) at once, all or nothing: "
        "every row is checked first, and with one error nothing is written and every error is "
        "printed (exit code 1). The rows may name only municipalities the user serves; the user "
        "is recorded in the audit log as having created the persons. The import is also listed "
        "on the web page for imports. Columns: "
        + ", ".join(f"{c.name}{' (required)' if c.required else ''}" for c in COLUMNS)
        + ". See integrering/people/imports.py for their content."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the .csv or .xlsx file")
        parser.add_argument(
            "--municipality",
            required=True,
            help="the municipality number (4 digits) used where the 'kommune' column is empty",
        )
        parser.add_argument(
            "--user",
            required=True,
            help="the username of the refugee-service caseworker the import is made for",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Finner ingen aktiv bruker med brukernavnet {options['user']!r}.")
        if not may_edit_case(user):
            raise CommandError(
                f"{user.username} er ikke saksbehandler i flyktningtjenesten, og kan ikke importere."
            )
        municipality = municipalities_served_by(user).filter(number=options["municipality"]).first()
        if municipality is None:
            raise CommandError(
                f"Kommune {options['municipality']} finnes ikke, eller {user.username} arbeider "
                "ikke der."
            )
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan ikke lese {path}: {exc.strerror}.") from None
        content_type = "text/csv" if path.suffix.lower() == ".csv" else ""
        problems = upload_errors(
            filename=path.name, content_type=content_type, size=len(content), max_bytes=None
        ) or header_errors(filename=path.name, content=content)
        if problems:
            raise CommandError(" ".join(problems))

        upload = HouseholdImport.objects.create(
            municipality=municipality, uploaded_by=user, filename=path.name[:200], content=content
        )
        ctx = AccessContext.command("import-households", user=user)
        upload = household_import_execute(upload=upload, ctx=ctx, progress=self._progress_bar())
        if upload.status != ImportStatus.SUCCEEDED:
            for error in upload.errors:
                self.stderr.write(error["text"])
            raise CommandError(
                f"Importen ble avvist: {upload.errors_summary}. Ingenting er lagret."
            )
        self.stdout.write(
            f"Importert fra {path.name}: {upload.total_rows} rader, "
            f"{upload.households_created} husstander og {upload.persons_created} personer."
        )

    def _progress_bar(self) -> Any:
        """A bar on stderr when it is a terminal, redrawn only when the percentage changes."""
        if not self.stderr.isatty():
            return None
        shown: dict[str, int] = {}

        def draw(phase: str, done: int, total: int) -> None:
            percent = 100 * done // total if total else 100
            if shown.get(phase) == percent:
                return
            shown[phase] = percent
            width = 30
            filled = width * percent // 100
            self.stderr.write(
                f"\r{PHASES[phase]:<12} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                ending="\n" if done >= total else "",
            )
            self.stderr.flush()

        return draw
