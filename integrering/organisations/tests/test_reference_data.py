from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from integrering.organisations.models import County, CountyGovernor, Municipality, Organisation
from integrering.organisations.services import municipality_resolve

SHARED_CSV = (
    Path(__file__).resolve().parents[3].parent / "shared" / "data" / "municipalities-2024.csv"
)


@pytest.mark.django_db
def test_the_migration_loads_all_357_municipalities_15_counties_and_10_county_governors() -> None:
    assert Municipality.objects.count() == 357
    assert County.objects.count() == 15
    assert CountyGovernor.objects.count() == 10
    assert Organisation.objects.filter(kind="municipality").count() == 357
    assert Organisation.objects.filter(kind="county_governor").count() == 10
    assert Organisation.objects.filter(kind="directorate").count() == 1


@pytest.mark.django_db
def test_the_bundled_file_is_the_shared_reference_file() -> None:
    from integrering.organisations.reference_data import MUNICIPALITIES_2024

    if SHARED_CSV.exists():  # CI has shared/ beside the clone
        assert MUNICIPALITIES_2024.read_bytes() == SHARED_CSV.read_bytes()
    assert MUNICIPALITIES_2024.read_text(encoding="utf-8").count("\n") == 358


@pytest.mark.django_db
def test_municipalities_carry_their_county_and_county_governor_with_a_validity_period() -> None:
    bergen = Municipality.objects.get(number="4601")
    assert bergen.name == "Bergen"
    assert bergen.county.name == "Vestland"
    assert bergen.county.county_governor.name == "Statsforvalteren i Vestland"
    assert bergen.valid_from == datetime.date(2024, 1, 1)
    assert bergen.valid_to is None
    assert Municipality.objects.valid_on(datetime.date(2023, 12, 31)).count() == 0
    assert Municipality.objects.valid_on(datetime.date(2026, 6, 1)).count() == 357


@pytest.mark.django_db
def test_an_old_municipality_number_resolves_to_its_successor() -> None:
    bergen = Municipality.objects.get(number="4601")
    hordaland = County.objects.create(
        number="12",
        name="Hordaland",
        county_governor=bergen.county.county_governor,
        valid_from=datetime.date(1838, 1, 1),
        valid_to=datetime.date(2020, 1, 1),
    )
    Municipality.objects.create(
        number="1201",
        name="Bergen",
        county=hordaland,
        valid_from=datetime.date(1838, 1, 1),
        valid_to=datetime.date(2020, 1, 1),
        successor=bergen,
    )
    assert municipality_resolve(
        number="1201", on=datetime.date(2018, 6, 1)
    ).valid_to == datetime.date(2020, 1, 1)
    assert municipality_resolve(number="1201", on=datetime.date(2025, 6, 1)) == bergen
    with pytest.raises(ValidationError, match="9999"):
        municipality_resolve(number="9999", on=datetime.date(2025, 6, 1))


@pytest.mark.django_db
def test_loading_the_file_again_changes_nothing() -> None:
    call_command("load_municipalities")
    assert Municipality.objects.count() == 357


@pytest.mark.django_db
def test_a_file_with_bad_rows_lists_every_bad_row_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "municipality_number,name,county_number,county_name,county_governor\n"
        "9901,Nykommune,99,Nyfylke,Statsforvalteren i Ny\n"
        "123,Kort,99,Nyfylke,Statsforvalteren i Ny\n"
        "9903,Feil fylke,98,Nyfylke,Statsforvalteren i Ny\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("load_municipalities", str(bad), "--valid-from", "2027-01-01")
    assert "linje 3" in str(excinfo.value)
    assert "linje 4" in str(excinfo.value)
    assert not Municipality.objects.filter(number="9901").exists()
