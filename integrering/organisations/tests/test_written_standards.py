"""Each municipality's written standard (målform): loaded from the municipalities' language
decisions, kept when the classification is loaded again, and set by the administrator."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from integrering.accounts.roles import Role
from integrering.organisations.models import Municipality, WrittenStandard
from integrering.organisations.reference_data import (
    WRITTEN_STANDARDS_2024,
    ReferenceDataError,
    written_standards_read,
)
from integrering.testing import make_user

pytestmark = pytest.mark.django_db


def _standard(number: str) -> str:
    return Municipality.objects.get(number=number, valid_to__isnull=True).written_standard


def test_every_municipality_has_its_language_decision() -> None:
    counts = Counter(Municipality.objects.values_list("written_standard", flat=True))
    # Språkrådet, «Språkvedtak»: 119 bokmål, 88 nynorsk, 150 neutral of 357 municipalities.
    assert counts == {"nb": 119, "nn": 88, "neutral": 150}
    assert _standard("4621") == WrittenStandard.NYNORSK  # Voss
    assert _standard("3324") == WrittenStandard.NYNORSK  # Gol
    assert _standard("1508") == WrittenStandard.NEUTRAL  # Ålesund
    assert _standard("4601") == WrittenStandard.NEUTRAL  # Bergen
    assert _standard("0301") == WrittenStandard.NEUTRAL  # Oslo
    assert _standard("3201") == WrittenStandard.BOKMAL  # Bærum


def test_nynorsk_municipalities_lie_in_the_counties_of_the_language_decisions() -> None:
    nynorsk = Counter(
        Municipality.objects.filter(written_standard="nn").values_list("county__name", flat=True)
    )
    assert nynorsk == {
        "Vestland": 41,
        "Møre og Romsdal": 15,
        "Rogaland": 8,
        "Telemark": 8,
        "Innlandet": 7,
        "Agder": 6,
        "Buskerud": 3,
    }


def test_the_bundled_list_names_each_municipality_once_with_a_known_standard() -> None:
    standards = written_standards_read(WRITTEN_STANDARDS_2024)
    assert len(standards) == 357
    assert set(standards) == set(Municipality.objects.values_list("number", flat=True))


def test_a_list_with_an_unknown_standard_is_refused_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "standards.csv"
    path.write_text(
        "municipality_number,name,written_standard\n0301,Oslo,nynorsk\n46,Bergen,nb\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError) as excinfo:
        written_standards_read(path)
    assert "linje 2: målform 'nynorsk'" in str(excinfo.value)
    assert "linje 3: kommunenummer '46'" in str(excinfo.value)


def test_loading_the_classification_again_keeps_the_administrators_choice() -> None:
    Municipality.objects.filter(number="0301").update(written_standard="nn")
    call_command("load_municipalities")
    assert _standard("0301") == WrittenStandard.NYNORSK


def test_a_new_classification_takes_the_standard_of_each_new_municipality(
    tmp_path: Path,
) -> None:
    classification = tmp_path / "municipalities-2026.csv"
    classification.write_text(
        "municipality_number,name,county_number,county_name,county_governor\n"
        "4621,Voss,46,Vestland,Statsforvalteren i Vestland\n"
        "4601,Bergen,46,Vestland,Statsforvalteren i Vestland\n",
        encoding="utf-8",
    )
    call_command("load_municipalities", str(classification), "--valid-from", "2026-01-01")
    new = Municipality.objects.filter(valid_from=datetime.date(2026, 1, 1))
    assert dict(new.values_list("number", "written_standard")) == {
        "4621": "nn",
        "4601": "neutral",
    }


def test_the_command_names_a_missing_list_of_standards(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Finner ikke filen"):
        call_command("load_municipalities", "--written-standards", str(tmp_path / "none.csv"))


def test_the_administrator_sets_the_standard_in_the_admin() -> None:
    admin = make_user(roles=[Role.ADMINISTRATOR])
    admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    oslo = Municipality.objects.get(number="0301")

    changelist = client.get("/admin/organisations/municipality/", {"written_standard": "nn"})
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 88
    assert "Voss" in changelist.content.decode()

    form = client.get(f"/admin/organisations/municipality/{oslo.pk}/change/")
    assert form.status_code == 200 and 'name="written_standard"' in form.content.decode()
    response = client.post(
        f"/admin/organisations/municipality/{oslo.pk}/change/",
        {
            "number": oslo.number,
            "name": oslo.name,
            "county": oslo.county_id,
            "valid_from": "2024-01-01",
            "valid_to": "",
            "successor": "",
            "written_standard": "nn",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _standard("0301") == WrittenStandard.NYNORSK
    assert Municipality.objects.get(pk=oslo.pk).letter_standard == "nn"
