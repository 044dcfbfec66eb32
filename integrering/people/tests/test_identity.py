from __future__ import annotations

import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from integrering.people.identity import identity_number_parse, synthetic_identity_number

# A published example fødselsnummer from Skatteetaten's documentation of the check digits.
REAL_FORMAT_EXAMPLE = "15108695088"


def test_it_accepts_a_valid_fodselsnummer_and_reads_the_birth_date() -> None:
    parsed = identity_number_parse(REAL_FORMAT_EXAMPLE)
    assert parsed.kind == "fødselsnummer"
    assert parsed.birth_date == datetime.date(1986, 10, 15)
    assert not parsed.synthetic


def test_it_rejects_fnr_with_bad_check_digit() -> None:
    with pytest.raises(ValidationError, match="Kontrollsifrene"):
        identity_number_parse("15108695089")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1510869508", "11 siffer"),
        ("151086950881", "11 siffer"),
        ("1510869508a", "bare inneholde siffer"),
    ],
)
def test_it_explains_a_number_of_the_wrong_shape(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        identity_number_parse(value)


def test_the_birth_date_in_the_number_must_match() -> None:
    with pytest.raises(ValidationError, match="stemmer ikke med fødselsdatoen"):
        identity_number_parse(REAL_FORMAT_EXAMPLE, birth_date=datetime.date(1986, 10, 16))


def test_a_d_number_adds_40_to_the_day() -> None:
    from stdnum.no import fodselsnummer

    for individual in range(100, 500):  # find an individual number that gives valid check digits
        base = f"450390{individual:03d}"  # day 05 + 40, March 1990
        k1 = fodselsnummer.calc_check_digit1(base)
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if "10" not in {k1, k2}:
            break
    parsed = identity_number_parse(base + k1 + k2)
    assert parsed.kind == "D-nummer"
    assert parsed.birth_date == datetime.date(1990, 3, 5)


@pytest.mark.parametrize("seed", range(20))
def test_synthetic_numbers_are_valid_have_month_plus_80_and_encode_the_birth_date(
    seed: int,
) -> None:
    rng = random.Random(seed)
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randint(0, 27000))
    number = synthetic_identity_number(birth, rng)
    assert int(number[2:4]) > 80
    with override_settings(SYNTHETIC_IDENTITY_NUMBERS=True):
        assert identity_number_parse(number, birth_date=birth).synthetic


def test_synthetic_numbers_are_refused_when_the_setting_is_off() -> None:
    number = synthetic_identity_number(datetime.date(1980, 7, 1), random.Random(3))
    with (
        override_settings(SYNTHETIC_IDENTITY_NUMBERS=False),
        pytest.raises(ValidationError, match="Syntetiske"),
    ):
        identity_number_parse(number)


def test_a_birth_date_in_the_future_is_refused() -> None:
    next_year = timezone.localdate().replace(month=1, day=1) + datetime.timedelta(days=400)
    number = synthetic_identity_number(next_year, random.Random(5))
    with pytest.raises(ValidationError, match="fremtiden"):
        identity_number_parse(number)
