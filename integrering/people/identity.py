"""Norwegian identity numbers: fødselsnummer, D-nummer and synthetic test numbers.

The check digits are python-stdnum's. The birth date is read here because stdnum refuses the
synthetic numbers of the Norwegian test ecosystem (Skatteetaten's Tenor), which add 80 to the
month; those are allowed only when settings.SYNTHETIC_IDENTITY_NUMBERS is on (demo and tests).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum.no import fodselsnummer

SYNTHETIC_MONTH_OFFSET = 80
D_NUMBER_DAY_OFFSET = 40
H_NUMBER_MONTH_OFFSET = 40


@dataclass(frozen=True)
class IdentityNumber:
    number: str
    kind: str  # "fødselsnummer" or "D-nummer"
    birth_date: datetime.date
    synthetic: bool


def _century(year2: int, individual: int) -> int | None:
    # The individual number tells the century (Skatteetaten's rules, as in python-stdnum).
    if individual <= 499:
        return 1900
    if individual >= 900 and year2 >= 40:
        return 1900
    if individual >= 500 and year2 <= 39:
        return 2000
    if 500 <= individual <= 749 and year2 >= 54:
        return 1800
    return None


def identity_number_parse(value: str, *, birth_date: datetime.date | None = None) -> IdentityNumber:
    """Validate a fødselsnummer or D-nummer (check digits, birth date) and return what it says.

    With ``birth_date`` given, the date in the number must be that date.
    """
    number = "".join(value.split())
    if not number.isdigit():
        raise ValidationError("Fødselsnummeret kan bare inneholde siffer.")
    if len(number) != 11:
        raise ValidationError(f"Fødselsnummeret må ha 11 siffer (fikk {len(number)}).")
    if number[9] != fodselsnummer.calc_check_digit1(number) or number[
        10
    ] != fodselsnummer.calc_check_digit2(number):
        raise ValidationError(
            "Kontrollsifrene stemmer ikke; sjekk at fødselsnummeret er skrevet riktig."
        )
    day, month, year2, individual = (
        int(number[0:2]),
        int(number[2:4]),
        int(number[4:6]),
        int(number[6:9]),
    )
    kind = "fødselsnummer"
    if day > D_NUMBER_DAY_OFFSET:
        day -= D_NUMBER_DAY_OFFSET
        kind = "D-nummer"
    synthetic = month > SYNTHETIC_MONTH_OFFSET
    if synthetic:
        if not settings.SYNTHETIC_IDENTITY_NUMBERS:
            raise ValidationError("Syntetiske testnumre kan ikke brukes her.")
        month -= SYNTHETIC_MONTH_OFFSET
    elif month > H_NUMBER_MONTH_OFFSET:
        month -= H_NUMBER_MONTH_OFFSET
    century = _century(year2, individual)
    try:
        if century is None:
            raise ValueError
        born = datetime.date(century + year2, month, day)
    except ValueError:
        raise ValidationError("Fødselsnummeret inneholder ikke en gyldig fødselsdato.") from None
    if born > timezone.localdate():
        raise ValidationError("Fødselsdatoen i fødselsnummeret er i fremtiden.")
    if birth_date is not None and born != birth_date:
        raise ValidationError(
            f"Fødselsdatoen i nummeret ({born:%d.%m.%Y}) stemmer ikke med fødselsdatoen ({birth_date:%d.%m.%Y})."
        )
    return IdentityNumber(number=number, kind=kind, birth_date=born, synthetic=synthetic)


def synthetic_identity_number(birth_date: datetime.date, rng: random.Random) -> str:
    """A valid synthetic fødselsnummer (month + 80) for a birth date: never a real person's number."""
    if 1900 <= birth_date.year <= 1999:
        low, high = 0, 499
    elif 2000 <= birth_date.year <= 2039:
        low, high = 500, 999
    else:
        raise ValueError(f"no individual numbers for the year {birth_date.year}")
    stem = f"{birth_date:%d}{birth_date.month + SYNTHETIC_MONTH_OFFSET:02d}{birth_date:%y}"
    while True:
        base = f"{stem}{rng.randint(low, high):03d}"
        k1 = fodselsnummer.calc_check_digit1(base)
        if k1 == "10":
            continue
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if k2 == "10":
            continue
        return base + k1 + k2


# The DUF number (UDI's immigration case number): 12 digits, the year the case was opened,
# six serial digits, and two check digits. The check is modulus 11 over the serial digits then
# the year, weights 4 6 3 2 7 5 4 6 3 2, written as two digits (UDI's published scheme, as
# described at lovas.info, "Identitetsnummer i Norge"). python-stdnum has no DUF module.
DUF_WEIGHTS = (4, 6, 3, 2, 7, 5, 4, 6, 3, 2)
DUF_FIRST_YEAR = 1960


def duf_check_digits(first_ten: str) -> str:
    digits = [int(d) for d in first_ten[4:10] + first_ten[0:4]]
    return f"{sum(w * d for w, d in zip(DUF_WEIGHTS, digits, strict=True)) % 11:02d}"


def duf_number_parse(value: str, *, birth_date: datetime.date | None = None) -> str:
    """Validate a DUF number (length, year, check digits) and return it without spaces."""
    number = "".join(value.split())
    if not number.isdigit():
        raise ValidationError("DUF-nummeret kan bare inneholde siffer.")
    if len(number) != 12:
        raise ValidationError(f"DUF-nummeret må ha 12 siffer (fikk {len(number)}).")
    year = int(number[:4])
    if not DUF_FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError(f"DUF-nummeret begynner med et årstall som ikke er gyldig ({year}).")
    if birth_date is not None and year < birth_date.year:
        raise ValidationError(
            f"DUF-nummeret er fra {year}, før personen ble født ({birth_date:%d.%m.%Y})."
        )
    if number[10:] != duf_check_digits(number[:10]):
        raise ValidationError(
            "Kontrollsifrene i DUF-nummeret stemmer ikke; sjekk at det er skrevet riktig."
        )
    return number


def synthetic_duf_number(year: int, rng: random.Random) -> str:
    """A DUF number with valid check digits (for demo data and tests)."""
    first_ten = f"{year:04d}{rng.randint(0, 999999):06d}"
    return first_ten + duf_check_digits(first_ten)
