"""The special grant for unaccompanied minors (særskilt tilskudd ved bosetting av enslige
mindreårige flyktninger).

The municipality receives it for each unaccompanied minor it settles, on top of the integration
grant, every year up to and including the year the person turns 20: a higher yearly amount up to
and including the year the person turns 16 (IMDi Tilskudd: EMINB, 0-16 years) and a lower one
from the year they turn 17 (EMINU, 17-20 years). The age is the age reached in the budget year
(budget year minus year of birth), as the sources say «til og med det året ... fyller 16 år».
Rates: ``parameters/grants/unaccompanied_minor_grant.yaml``; only persons settled as minors
(``grants/unaccompanied_minor_age_limit``) give the grant.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .grant_codes import grant_code
from .money import money_str
from .parameters import RulesError, parameter, value
from .references import reference

RATES = "grants/unaccompanied_minor_grant"
AGE_LIMIT = "grants/unaccompanied_minor_age_limit"
BANDS = ("younger", "older")
KIND_PREFIX = "unaccompanied_minor_"


@dataclass(frozen=True)
class UnaccompaniedMinorGrantResult:
    budget_year: int
    age_in_year: int
    band: str  # "younger" (to the year the person turns 16) or "older" (17 to 20)
    amount: Decimal

    @property
    def kind(self) -> str:
        return f"{KIND_PREFIX}{self.band}"

    @property
    def code(self) -> str:
        return grant_code(self.kind, datetime.date(self.budget_year, 1, 1))

    def to_json(self) -> dict[str, Any]:
        on = datetime.date(self.budget_year, 1, 1)
        return {
            "budget_year": self.budget_year,
            "age_in_year": self.age_in_year,
            "band": self.band,
            "kind": self.kind,
            "code": self.code,
            "amount": money_str(self.amount),
            "references": [reference(name, on) for name in (RATES, AGE_LIMIT)],
        }


def unaccompanied_minor_grant_calculate(
    *, budget_year: int, birth_date: datetime.date, settled_on: datetime.date
) -> UnaccompaniedMinorGrantResult:
    """The special grant for one unaccompanied minor in a budget year.

    Given from the settlement year up to and including the year the person turns 20, for a
    person settled under 18; the amount by the age reached in the budget year (the bands of
    ``grants/unaccompanied_minor_grant``). Sources: IMDi's grant page and the state budget, see
    the parameter file.
    """
    if birth_date > settled_on:
        raise RulesError("Fødselsdatoen er etter bosettingsdatoen.")
    if settled_on.year > budget_year:
        raise RulesError(
            f"Personen ble bosatt {settled_on:%d.%m.%Y}, etter budsjettåret {budget_year}."
        )
    on = datetime.date(budget_year, 1, 1)
    # The age limit is one rule for every year; it is judged by the earliest rule we have when
    # the budget year lies before it.
    limit_on = max(settled_on, parameter(AGE_LIMIT).first_date)
    settled_under = value(AGE_LIMIT, limit_on)["settled_under"]
    age_at_settlement = (
        settled_on.year
        - birth_date.year
        - ((settled_on.month, settled_on.day) < (birth_date.month, birth_date.day))
    )
    if age_at_settlement >= settled_under:
        raise RulesError(
            f"Særskilt tilskudd gis for enslige mindreårige bosatt under {settled_under} år; "
            f"personen var {age_at_settlement} år ved bosetting."
        )
    rates = value(RATES, on)
    age_in_year = budget_year - birth_date.year
    for band in BANDS:
        rate = rates[band]
        if rate["age_from"] <= age_in_year <= rate["age_to"]:
            return UnaccompaniedMinorGrantResult(budget_year, age_in_year, band, rate["amount"])
    last = max(rates[band]["age_to"] for band in BANDS)
    raise RulesError(
        f"Personen fyller {age_in_year} år i {budget_year}; særskilt tilskudd gis til og med "
        f"året personen fyller {last} år."
    )
