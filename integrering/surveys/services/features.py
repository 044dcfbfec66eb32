"""Municipal features for the non-response analysis of the municipal survey (seed 004 table 2):
population, immigrants, SSB's centrality index and the refugees settled in the last 5 and 10
years, per municipality and year, imported by the analyst from CSV or Excel.

All or nothing: every bad row is listed and nothing is written. An import for a year replaces
that year's features (a corrected file is imported again as a whole).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from integrering.accounts.access import analyst_require
from integrering.organisations.models import Municipality
from integrering.tables import (
    SMALL_TABLE_ROWS,
    TableError,
    number_parse,
    table_read,
    upload_size_error,
)

from ..models import MunicipalFeatures

COLUMNS = (
    "municipality_number",
    "population",
    "immigrants",
    "centrality",
    "settled_last_5_years",
    "settled_last_10_years",
)
COUNT_COLUMNS = COLUMNS[1:]
LABELS = {
    "population": "population (innbyggere)",
    "immigrants": "immigrants (innvandrere)",
    "centrality": "centrality (sentralitetsindeks)",
    "settled_last_5_years": "settled_last_5_years (bosatte siste 5 år)",
    "settled_last_10_years": "settled_last_10_years (bosatte siste 10 år)",
}
CENTRALITY_MAX = 1000


@dataclass(frozen=True)
class FeaturesYear:
    year: int
    municipalities: int


def features_years() -> list[FeaturesYear]:
    """The years with imported features and how many municipalities each has, newest first."""
    rows = MunicipalFeatures.objects.values("year").annotate(count=Count("id")).order_by("-year")
    return [FeaturesYear(year=r["year"], municipalities=r["count"]) for r in rows]


def _municipalities_on(on: datetime.date) -> dict[str, Municipality]:
    """The municipalities valid on a date, by number."""
    found: dict[str, Municipality] = {}
    for municipality in Municipality.objects.filter(valid_from__lte=on).order_by("valid_from"):
        if municipality.valid_to is None or municipality.valid_to > on:
            found[municipality.number] = municipality
    return found


def features_import(*, user: Any, year: int, filename: str, content: bytes) -> int:
    """Import a year's features (columns ``municipality_number,population,immigrants,
    centrality,settled_last_5_years,settled_last_10_years``) and return how many municipalities
    were written. Each municipality must exist on 1 January of the year, once; the counts are
    whole numbers, not negative; immigrants no more than the population; centrality 0-1000
    (SSB's index). Raises one ``ValidationError`` listing every bad row; nothing is written then.
    An import replaces the year's earlier features."""
    analyst_require(user)
    if not 1900 < year < 2200:
        raise ValidationError({"year": "Skriv et årstall, for eksempel 2026."})
    if not filename.lower().endswith((".csv", ".xlsx")):
        raise ValidationError(
            {"file": "Filen må være en CSV-fil (.csv) eller en Excel-fil (.xlsx)."}
        )
    too_large = upload_size_error(len(content))
    if too_large:
        raise ValidationError({"file": too_large})
    try:
        table = table_read(
            filename=filename, content=content, required=COLUMNS, max_rows=SMALL_TABLE_ROWS
        )
    except TableError as exc:
        raise ValidationError({"file": exc.problems}) from None
    municipalities = _municipalities_on(datetime.date(year, 1, 1))
    problems: list[str] = []
    seen: dict[str, int] = {}
    features: list[MunicipalFeatures] = []
    for number, row in table.rows:
        row_problems: list[str] = []
        municipality_number = row["municipality_number"]
        if municipality_number.isdigit() and len(municipality_number) < 4:
            municipality_number = municipality_number.zfill(4)
        municipality = municipalities.get(municipality_number)
        if municipality is None:
            row_problems.append(
                f"linje {number}: kommune «{row['municipality_number']}» finnes ikke "
                f"1. januar {year}"
            )
        else:
            first = seen.setdefault(municipality_number, number)
            if first != number:
                row_problems.append(
                    f"linje {number}: kommune {municipality_number} står allerede på linje {first}"
                )
        values: dict[str, int] = {}
        for column in COUNT_COLUMNS:
            text = row[column]
            try:
                value = number_parse(text) if text else None
            except ValueError:
                value = None
            if value is None or value != value.to_integral_value() or value < 0:
                row_problems.append(
                    f"linje {number}: {LABELS[column]} må være et helt tall, 0 eller mer, "
                    f"ikke «{text}»"
                )
                continue
            values[column] = int(value)
        if values.get("centrality", 0) > CENTRALITY_MAX:
            row_problems.append(
                f"linje {number}: centrality (sentralitetsindeks) går fra 0 til "
                f"{CENTRALITY_MAX}, ikke «{row['centrality']}»"
            )
        if values.keys() >= {"immigrants", "population"} and (
            values["immigrants"] > values["population"]
        ):
            row_problems.append(
                f"linje {number}: immigrants ({values['immigrants']}) kan ikke være flere "
                f"enn population ({values['population']})"
            )
        problems += row_problems
        if not row_problems and municipality is not None:
            features.append(MunicipalFeatures(year=year, municipality=municipality, **values))
    if problems:
        raise ValidationError({"file": problems})
    with transaction.atomic():
        MunicipalFeatures.objects.filter(year=year).delete()
        MunicipalFeatures.objects.bulk_create(features)
    return len(features)
