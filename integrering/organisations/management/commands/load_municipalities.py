"""integrering load-municipalities: load a dated municipality classification file."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from integrering.organisations.reference_data import (
    MUNICIPALITIES_2024,
    MUNICIPALITIES_2024_VALID_FROM,
    WRITTEN_STANDARDS_2024,
    ReferenceDataError,
    municipalities_load,
    written_standards_read,
)


class Command(BaseCommand):
    help = (
        "Load counties, county governors and municipalities from a CSV file with the columns "
        "municipality_number,name,county_number,county_name,county_governor. Without arguments it "
        "loads the bundled 2024 classification (which the migrations already load). A new "
        "municipality gets its written standard (bokmål, nynorsk, neutral) from the bundled "
        "list of language decisions, or --written-standards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", type=Path, default=MUNICIPALITIES_2024, help="CSV file"
        )
        parser.add_argument(
            "--valid-from",
            type=datetime.date.fromisoformat,
            default=MUNICIPALITIES_2024_VALID_FROM,
            help="date (YYYY-MM-DD) from which the classification is in force",
        )
        parser.add_argument(
            "--written-standards",
            type=Path,
            default=WRITTEN_STANDARDS_2024,
            help="CSV file with the columns municipality_number,name,written_standard (nb, nn, neutral)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        standards_path: Path = options["written_standards"]
        for file in (path, standards_path):
            if not file.is_file():
                raise CommandError(f"Finner ikke filen {file}.")
        try:
            standards = written_standards_read(standards_path)
            with transaction.atomic():
                result = municipalities_load(
                    path=path, valid_from=options["valid_from"], written_standards=standards
                )
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{result.municipalities_created} kommuner lagt til, {result.municipalities_unchanged} fantes fra før; "
            f"{result.counties_created} fylker og {result.county_governors_created} statsforvaltere lagt til."
        )
