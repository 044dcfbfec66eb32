"""Oslo's 15 city districts (bydeler), which answer some municipal-survey questionnaires in
addition to the municipalities (seed 004 «Utvalg»). Numbers are SSB's district codes."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

OSLO = "0301"
_FILE = Path(__file__).parent / "data" / "oslo-city-districts.csv"


@dataclass(frozen=True)
class CityDistrict:
    number: str
    name: str


@cache
def oslo_city_districts() -> tuple[CityDistrict, ...]:
    with _FILE.open(encoding="utf-8") as f:
        return tuple(CityDistrict(row["district_number"], row["name"]) for row in csv.DictReader(f))
