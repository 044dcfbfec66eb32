"""Loading the dated municipality classification (SSB classification 131) into the database.

Used both by the data migration (with the historical models) and by the
``load-municipalities`` command (with the current ones), so it takes the app registry.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps

DATA_DIR = Path(__file__).resolve().parent / "data"
MUNICIPALITIES_2024 = DATA_DIR / "municipalities-2024.csv"
MUNICIPALITIES_2024_VALID_FROM = datetime.date(2024, 1, 1)
DIRECTORATE_NAME = "Integrerings- og mangfoldsdirektoratet (IMDi)"
COLUMNS = ("municipality_number", "name", "county_number", "county_name", "county_governor")


class ReferenceDataError(ValueError):
    """The file cannot be loaded; the message lists every bad row."""


@dataclass(frozen=True)
class LoadResult:
    municipalities_created: int
    municipalities_unchanged: int
    counties_created: int
    county_governors_created: int


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(f"{path.name}: mangler kolonnene {', '.join(missing)}.")
        rows = list(reader)
    errors = []
    for line, row in enumerate(rows, start=2):
        number, county = row["municipality_number"].strip(), row["county_number"].strip()
        if not (len(number) == 4 and number.isdigit()):
            errors.append(f"linje {line}: kommunenummer {number!r} må ha fire siffer")
        if not (len(county) == 2 and county.isdigit()):
            errors.append(f"linje {line}: fylkesnummer {county!r} må ha to siffer")
        if number[:2] != county:
            errors.append(f"linje {line}: kommunenummer {number} hører ikke til fylke {county}")
        if not row["name"].strip() or not row["county_governor"].strip():
            errors.append(f"linje {line}: navn og statsforvalter må fylles ut")
    if errors:
        raise ReferenceDataError("; ".join(errors))
    return rows


def municipalities_load(
    *, path: Path, valid_from: datetime.date, apps: Any = global_apps
) -> LoadResult:
    """Create the counties, county governors and municipalities of a dated classification file.

    Idempotent: rows that exist with the same number and validity start are left as they are.
    Every municipality gets an organisation; the directorate organisation is ensured too.
    Validates the whole file before it writes anything.
    """
    rows = _read_rows(path)
    CountyGovernor = apps.get_model("organisations", "CountyGovernor")
    County = apps.get_model("organisations", "County")
    Municipality = apps.get_model("organisations", "Municipality")
    Organisation = apps.get_model("organisations", "Organisation")

    governors_created = counties_created = created = unchanged = 0
    governors: dict[str, Any] = {}
    counties: dict[str, Any] = {}
    for row in rows:
        governor_name = row["county_governor"].strip()
        if governor_name not in governors:
            governor, was_created = CountyGovernor.objects.get_or_create(name=governor_name)
            governors[governor_name] = governor
            governors_created += was_created
            Organisation.objects.get_or_create(
                kind="county_governor", county_governor=governor, defaults={"name": governor_name}
            )
        county_number = row["county_number"].strip()
        if county_number not in counties:
            county, was_created = County.objects.get_or_create(
                number=county_number,
                valid_from=valid_from,
                defaults={
                    "name": row["county_name"].strip(),
                    "county_governor": governors[governor_name],
                },
            )
            counties[county_number] = county
            counties_created += was_created
        municipality, was_created = Municipality.objects.get_or_create(
            number=row["municipality_number"].strip(),
            valid_from=valid_from,
            defaults={"name": row["name"].strip(), "county": counties[county_number]},
        )
        if was_created:
            created += 1
        else:
            unchanged += 1
        Organisation.objects.get_or_create(
            kind="municipality",
            municipality=municipality,
            defaults={"name": f"{municipality.name} kommune"},
        )
    Organisation.objects.get_or_create(kind="directorate", defaults={"name": DIRECTORATE_NAME})
    return LoadResult(created, unchanged, counties_created, governors_created)
