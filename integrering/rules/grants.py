"""State grants to the municipality: integration grant and Norwegian training grant (seed 002 §3.1)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .money import money_str
from .parameters import RulesError, value
from .references import reference

INTEGRATION_GRANT_YEARS = 5
NORWEGIAN_GRANT_YEARS = 3


@dataclass(frozen=True)
class Member:
    """A household member as the grant sees them: age at settlement, settled as unaccompanied minor."""

    age: int
    unaccompanied_minor: bool = False


@dataclass(frozen=True)
class GrantLine:
    member: int  # 1-based position in the household
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class GrantResult:
    budget_year: int
    year_after_settlement: int
    lines: list[GrantLine]
    parameters_used: tuple[str, ...] = field(default=())

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def to_json(self) -> dict[str, Any]:
        on = datetime.date(self.budget_year, 1, 1)
        return {
            "budget_year": self.budget_year,
            "year_after_settlement": self.year_after_settlement,
            "total": money_str(self.total),
            "lines": [
                {"member": line.member, "kind": line.kind, "amount": money_str(line.amount)}
                for line in self.lines
            ],
            "references": [reference(name, on) for name in self.parameters_used],
        }


def year_after_settlement(*, budget_year: int, settled_on: datetime.date, last_year: int) -> int:
    """Budget year - settlement year + 1; the grant runs from year 1 to ``last_year``."""
    year = budget_year - settled_on.year + 1
    if not 1 <= year <= last_year:
        raise RulesError(
            f"Budsjettåret {budget_year} er år {year} etter bosetting ({settled_on:%d.%m.%Y}); "
            f"tilskuddet gis for år 1 til {last_year}."
        )
    return year


def integration_grant_calculate(
    *, budget_year: int, settled_on: datetime.date, members: list[Member]
) -> GrantResult:
    """Integration grant for a household in a budget year, one line per person and one-off grant.

    Year 1: single adult (a household of one adult alone), adult, child under 18, unaccompanied
    minor; one-off kindergarten grant (kindergarten age) and elderly grant (over 60). Years 2-5:
    one rate per person. Ages are at settlement. Seed 002 §3.1.
    """
    if not members:
        raise RulesError("Husstanden må ha minst én person (--member).")
    if any(m.age < 0 for m in members):
        raise RulesError("Alder kan ikke være negativ.")
    year = year_after_settlement(
        budget_year=budget_year, settled_on=settled_on, last_year=INTEGRATION_GRANT_YEARS
    )
    on = datetime.date(budget_year, 1, 1)
    rates = value("grants/integration_grant", on)
    used = ["grants/integration_grant"]
    lines: list[GrantLine] = []
    if year > 1:
        rate = rates[f"year_{year}"]
        lines = [GrantLine(i, f"year_{year}", rate) for i, _ in enumerate(members, start=1)]
        return GrantResult(budget_year, year, lines, tuple(used))

    ema_limits = value("grants/unaccompanied_minor_age_limit", on)
    kindergarten = value("grants/kindergarten_one_off", on)
    elderly = value("grants/elderly_one_off", on)
    used += [
        "grants/unaccompanied_minor_age_limit",
        "grants/kindergarten_one_off",
        "grants/elderly_one_off",
    ]
    adult_alone = (
        len(members) == 1
        and members[0].age >= ema_limits["settled_under"]
        and not members[0].unaccompanied_minor
    )
    year_1 = rates["year_1"]
    for i, member in enumerate(members, start=1):
        if member.unaccompanied_minor:
            if member.age >= ema_limits["settled_under"]:
                raise RulesError(
                    f"Person {i}: enslig mindreårig må være under {ema_limits['settled_under']} år ved bosetting."
                )
            kind = "unaccompanied_minor"
        elif adult_alone:
            kind = "single_adult"
        elif member.age >= ema_limits["settled_under"]:
            kind = "adult"
        else:
            kind = "child"
        lines.append(GrantLine(i, kind, year_1[kind]))
        if kindergarten["age_from"] <= member.age <= kindergarten["age_to"]:
            lines.append(GrantLine(i, "kindergarten_one_off", kindergarten["amount"]))
        if member.age > elderly["age_over"]:
            lines.append(GrantLine(i, "elderly_one_off", elderly["amount"]))
    return GrantResult(budget_year, year, lines, tuple(used))


@dataclass(frozen=True)
class NorwegianGrantResult:
    budget_year: int
    year_after_settlement: int
    rate: str
    amount: Decimal

    def to_json(self) -> dict[str, Any]:
        on = datetime.date(self.budget_year, 1, 1)
        return {
            "budget_year": self.budget_year,
            "year_after_settlement": self.year_after_settlement,
            "rate": self.rate,
            "amount": money_str(self.amount),
            "references": [reference("grants/norwegian_training_grant", on)],
        }


NORWEGIAN_RATES = ("low", "high")


def norwegian_grant_calculate(
    *, budget_year: int, settled_on: datetime.date, rate: str
) -> NorwegianGrantResult:
    """Norwegian training grant per person (persontilskudd): low rate (Western Europe and
    English-speaking countries) or high rate, by year after settlement 1-3. Seed 002 §3.1."""
    if rate not in NORWEGIAN_RATES:
        raise RulesError(f"Ukjent sats {rate!r}; bruk low eller high.")
    year = year_after_settlement(
        budget_year=budget_year, settled_on=settled_on, last_year=NORWEGIAN_GRANT_YEARS
    )
    rates = value("grants/norwegian_training_grant", datetime.date(budget_year, 1, 1))
    return NorwegianGrantResult(budget_year, year, rate, rates[rate][f"year_{year}"])
