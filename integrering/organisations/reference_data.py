"""Loading the dated municipality classification (SSB classification 131) into the database.

Used both by the data migrations (with the historical models) and by the
``load-municipalities`` command (with the current ones), so it takes the app registry.

Each municipality's written standard (``written-standards-2024.csv``: ``nb``, ``nn`` or
``neutral``) is the language decision (språkvedtak) the municipality has reported under the
Language Act (språklova § 11), as Språkrådet lists them in «Språkvedtak» (sprakradet.no,
kommuneoversikt; forskrift om språkvedtak i kommunar og fylkeskommunar, FOR-2019-12-20-2114). The
per-municipality values were taken from the public data set aprestmo/norge-data
(``data/kommuner-2025.json``, field ``k_language``) and checked against Språkrådet's summary per
county: 119 bokmål, 88 nynorsk and 150 neutral municipalities, every county's three counts equal,
except Rogaland, where Språkrådet's county row reads 9 nynorsk and 12 neutral while its own sum
row (88 nynorsk, 150 neutral) agrees with the data set (8 and 13). An administrator corrects a
municipality in the admin; reloading the classification never overwrites that.
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
WRITTEN_STANDARDS_2024 = DATA_DIR / "written-standards-2024.csv"
WRITTEN_STANDARDS = ("nb", "nn", "neutral")
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


def written_standards_read(path: Path) -> dict[str, str]:
    """The written standard of each municipality number in a ``municipality_number,name,
    written_standard`` file; every bad row is named."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [
            column
            for column in ("municipality_number", "written_standard")
            if column not in (reader.fieldnames or [])
        ]
        if missing:
            raise ReferenceDataError(f"{path.name}: mangler kolonnene {', '.join(missing)}.")
        rows = list(reader)
    standards: dict[str, str] = {}
    errors = []
    for line, row in enumerate(rows, start=2):
        number, standard = row["municipality_number"].strip(), row["written_standard"].strip()
        if not (len(number) == 4 and number.isdigit()):
            errors.append(f"linje {line}: kommunenummer {number!r} må ha fire siffer")
        if standard not in WRITTEN_STANDARDS:
            errors.append(f"linje {line}: målform {standard!r} må være nb, nn eller neutral")
        if number in standards:
            errors.append(f"linje {line}: kommunenummer {number} står to ganger")
        standards[number] = standard
    if errors:
        raise ReferenceDataError("; ".join(errors))
    return standards


def written_standards_apply(
    *, standards: dict[str, str], valid_from: datetime.date, apps: Any = global_apps
) -> int:
    """Set the written standard of every municipality of the classification from ``valid_from``
    that ``standards`` names; returns how many rows it set. For the data migration that adds the
    field: afterwards, the administrator's changes stand."""
    Municipality = apps.get_model("organisations", "Municipality")
    changed = 0
    for standard in WRITTEN_STANDARDS:
        numbers = [number for number, value in standards.items() if value == standard]
        changed += Municipality.objects.filter(number__in=numbers, valid_from=valid_from).update(
            written_standard=standard
        )
    return changed


def municipalities_load(
    *,
    path: Path,
    valid_from: datetime.date,
    apps: Any = global_apps,
    written_standards: dict[str, str] | None = None,
) -> LoadResult:
    """Create the counties, county governors and municipalities of a dated classification file.

    Idempotent: rows that exist with the same number and validity start are left as they are.
    Every municipality gets an organisation; the directorate organisation is ensured too.
    Validates the whole file before it writes anything. A new municipality takes its written
    standard from ``written_standards`` (by number; bokmål when not named); the migration that
    loaded 2024 ran before the field existed and passes none.
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
        number = row["municipality_number"].strip()
        defaults = {"name": row["name"].strip(), "county": counties[county_number]}
        if written_standards is not None:
            defaults["written_standard"] = written_standards.get(number, "nb")
        municipality, was_created = Municipality.objects.get_or_create(
            number=number, valid_from=valid_from, defaults=defaults
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
