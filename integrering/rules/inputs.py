"""Parsing the inputs of the rules calculators (command line and API), with clear messages."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from .grants import Member
from .parameters import RulesError


def parse_date(value: str | datetime.date, what: str = "dato") -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise RulesError(f"{what}: {value!r} er ikke en gyldig dato (ÅÅÅÅ-MM-DD).") from None


def parse_hours(value: str) -> Decimal:
    try:
        hours = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        raise RulesError(f"Fraværstimer: {value!r} er ikke et tall.") from None
    if not hours.is_finite() or hours < 0:
        raise RulesError(f"Fraværstimer: {value!r} må være null eller mer.")
    return hours


def parse_count(value: str | int, what: str) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise RulesError(f"{what}: {value!r} er ikke et heltall.") from None
    if count < 0:
        raise RulesError(f"{what}: {value!r} kan ikke være negativt.")
    return count


def parse_member(value: str) -> Member:
    """``AGE`` or ``AGE:ema`` (unaccompanied minor)."""
    age_text, _, flag = value.strip().partition(":")
    if flag not in {"", "ema"}:
        raise RulesError(f"--member {value!r}: ukjent merke {flag!r}; bruk ALDER eller ALDER:ema.")
    age = parse_count(age_text, f"--member {value!r}")
    if age > 130:
        raise RulesError(f"--member {value!r}: alderen er ikke mulig.")
    return Member(age=age, unaccompanied_minor=flag == "ema")


def parse_budget_year(value: str | int) -> int:
    year = parse_count(value, "--budget-year")
    if not 1900 <= year <= 2200:
        raise RulesError(f"--budget-year: {value!r} er ikke et budsjettår.")
    return year


def parse_amount(value: str | int | Decimal, what: str) -> Decimal:
    """An amount in kroner as a caseworker types it: ``1 250 000,50``, ``1250000.50`` or a number."""
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise RulesError(f"{what}: {value!r} er ikke et beløp.") from None
    if not amount.is_finite() or amount < 0:
        raise RulesError(f"{what}: {value!r} må være null kroner eller mer.")
    return amount
