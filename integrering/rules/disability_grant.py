"""The grant for settling refugees with disabilities or behavioural problems (ekstratilskudd).

Seed 002 §3.1: grant 1 is a one-off sum (engangstilskudd); grant 2 is paid yearly for up to five
years after settlement, by the documented extraordinary expenses, «inntil» a maximum. The
application is due 13 months after the first settlement date, whether it is for year 1 or year 2.
The scheme is not for persons settled through family reunification or self-settlement. The
ministry's rules for the scheme (2017) add that grant 1 is given in the first or second settlement
year and that an unaccompanied minor may have grant 2 up to and including the year they turn 20.
Rates and rules are the parameter ``grants/disability_grant``; the deadline is
``deadlines/casework`` (``disability_grant_application``). No Django.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .deadlines import add_period, deadline_due
from .grant_codes import grant_code
from .money import money_str
from .parameters import RulesError, parameter, value
from .references import reference

PARAMETER = "grants/disability_grant"
DEADLINE_KIND = "disability_grant_application"
DEADLINE_PARAMETER = "deadlines/casework"

GRANTS = (1, 2)
# The claim line kinds; their codes in the directorate's grant portal (FHT1, FHT2) are the
# parameter ``grants/grant_codes``.
GRANT_KINDS = {1: "disability_grant_1", 2: "disability_grant_2"}
GRANT_LABELS = {1: "Tilskudd 1 (engangstilskudd)", 2: "Tilskudd 2 (årlig, etter dokumentert behov)"}

# How a person came to the municipality: the values of ``people.Category`` (the rules know no
# models; a casework test checks that the two lists agree), with the words the messages use.
CATEGORIES = {
    "transfer_refugee": "Overføringsflyktning",
    "from_reception": "Fra mottak",
    "family_reunification": "Familiegjenforent",
    "unaccompanied_minor": "Enslig mindreårig",
    "self_settled": "Selvbosatt",
}
SETTLED_AS = {
    "family_reunification": "bosatt via familieinnvandring (familiegjenforent)",
    "self_settled": "selvbosatt",
}
UNACCOMPANIED_MINOR = "unaccompanied_minor"


@dataclass(frozen=True)
class DisabilityGrantRules:
    """The parameter as read on a date: rates (None when no source is known) and who and when."""

    on: datetime.date
    grant_1_one_off: Decimal | None
    grant_2_yearly_max: Decimal | None
    grant_1_last_year: int
    grant_2_years: int
    unaccompanied_minor_until_age: int
    excluded_categories: tuple[str, ...]

    def rate(self, grant: int) -> Decimal:
        """Grant 1's sum or grant 2's maximum; a clear error when no rate with a source is known."""
        rate = self.grant_1_one_off if grant == 1 else self.grant_2_yearly_max
        if rate is None:
            p = parameter(PARAMETER)
            periods = []
            for i, (start, item) in enumerate(zip(p.dates, p.values, strict=True)):
                if item and item["grant_1_one_off"] is not None:
                    end = (
                        p.dates[i + 1] - datetime.timedelta(days=1)
                        if i + 1 < len(p.dates)
                        else None
                    )
                    periods.append(f"{start:%d.%m.%Y}–{f'{end:%d.%m.%Y}' if end else ''}")
            raise RulesError(
                f"{p.description}: ingen kjent sats for budsjettåret {self.on.year} (satsene "
                f"vi har kilde for, gjelder {', '.join(periods)}; se IMDis rundskriv for året)."
            )
        return Decimal(rate)


def disability_grant_rules(budget_year: int) -> DisabilityGrantRules:
    """The rules in force in a budget year (the parameter's value on 1 January)."""
    on = datetime.date(budget_year, 1, 1)
    data = value(PARAMETER, on)
    return DisabilityGrantRules(
        on=on,
        grant_1_one_off=data["grant_1_one_off"],
        grant_2_yearly_max=data["grant_2_yearly_max"],
        grant_1_last_year=int(data["grant_1_last_year"]),
        grant_2_years=int(data["grant_2_years"]),
        unaccompanied_minor_until_age=int(data["grant_2_unaccompanied_minor_until_age"]),
        excluded_categories=tuple(str(c) for c in data["excluded_categories"]),
    )


def disability_grant_category_check(*, category: str, budget_year: int) -> None:
    """Refuse a person settled through family reunification or self-settlement (seed 002 §3.1:
    «Ordningen gjelder ikke for personer bosatt via familieinnvandring og selvbosetting»)."""
    if not category:
        raise RulesError("Oppgi hvordan personen kom til kommunen (--category).")
    if category not in CATEGORIES:
        raise RulesError(f"Ukjent kategori {category!r}; bruk en av {', '.join(CATEGORIES)}.")
    if category in disability_grant_rules(budget_year).excluded_categories:
        settled_as = SETTLED_AS.get(category, CATEGORIES[category].lower())
        raise RulesError(
            f"Tilskuddet gis ikke når personen er {settled_as}: ordningen gjelder ikke personer "
            "bosatt via familieinnvandring og selvbosetting (retningslinjene for "
            "flyktningarbeidet, pkt. 3.1)."
        )


def disability_grant_year(
    *,
    grant: int,
    budget_year: int,
    settled_on: datetime.date,
    category: str,
    birth_date: datetime.date | None = None,
) -> int:
    """The year after settlement the budget year is, when the grant can be given in it.

    Grant 1 in settlement year 1 or 2; grant 2 in years 1 to 5, and for an unaccompanied minor
    also later, up to and including the year they turn 20 (the ministry's rules, 2017, pkt. 3.1).
    Year 1 is the settlement year, as for the integration grant.
    """
    if grant not in GRANTS:
        raise RulesError(f"Ukjent tilskudd {grant!r}; bruk 1 (engangstilskudd) eller 2 (årlig).")
    rules = disability_grant_rules(budget_year)
    disability_grant_category_check(category=category, budget_year=budget_year)
    year = budget_year - settled_on.year + 1
    if year < 1:
        raise RulesError(
            f"Budsjettåret {budget_year} er før bosettingsåret ({settled_on:%d.%m.%Y})."
        )
    if grant == 1:
        if year > rules.grant_1_last_year:
            raise RulesError(
                f"Tilskudd 1 er et engangstilskudd for første eller andre bosettingsår; "
                f"budsjettåret {budget_year} er år {year} etter bosetting ({settled_on:%d.%m.%Y})."
            )
        return year
    if year <= rules.grant_2_years:
        return year
    if category == UNACCOMPANIED_MINOR:
        if birth_date is None:
            raise RulesError(
                f"Budsjettåret {budget_year} er år {year} etter bosetting: oppgi fødselsdatoen, "
                f"fordi en enslig mindreårig kan få tilskudd 2 til og med året hen fyller "
                f"{rules.unaccompanied_minor_until_age}."
            )
        if budget_year <= birth_date.year + rules.unaccompanied_minor_until_age:
            return year
        raise RulesError(
            f"Tilskudd 2 gis i inntil {rules.grant_2_years} år etter bosetting, for enslige "
            f"mindreårige til og med året de fyller {rules.unaccompanied_minor_until_age} "
            f"({birth_date.year + rules.unaccompanied_minor_until_age}); budsjettåret "
            f"{budget_year} er år {year}."
        )
    raise RulesError(
        f"Tilskudd 2 gis i inntil {rules.grant_2_years} år etter bosetting; budsjettåret "
        f"{budget_year} er år {year} etter bosetting ({settled_on:%d.%m.%Y})."
    )


def disability_grant_application_deadline(
    *, settled_on: datetime.date, year_after_settlement: int, budget_year: int
) -> datetime.date | None:
    """The application deadline: 13 months after the first settlement date for an application
    for year 1 or 2 («uansett om det søkes for år 1 eller år 2 etter bosetting», seed 002 §3.1).
    Later years of grant 2 have no deadline in the seed: None.

    The rule is the one in force on the settlement date (as the case's deadline); a settlement
    before the first dated rule (2018) takes the rule of the budget year, the oldest we have
    (IMDi's grant page for 2017 gives the same «Innen 13 måneder etter bosetting»).
    """
    if year_after_settlement > disability_grant_rules(budget_year).grant_1_last_year:
        return None
    if settled_on >= parameter(DEADLINE_PARAMETER).first_date:
        return deadline_due(DEADLINE_KIND, settled_on)
    rule = value(DEADLINE_PARAMETER, datetime.date(budget_year, 1, 1))[DEADLINE_KIND]
    return add_period(settled_on, rule)


@dataclass(frozen=True)
class DisabilityGrantResult:
    grant: int
    budget_year: int
    year_after_settlement: int
    category: str
    documented_need: Decimal | None
    rate: Decimal
    amount: Decimal
    application_deadline: datetime.date | None
    parameters_used: tuple[str, ...] = field(default=(PARAMETER,))

    @property
    def kind(self) -> str:
        return GRANT_KINDS[self.grant]

    @property
    def code(self) -> str:
        """The grant portal's code (FHT1, FHT2), "" for years before the portal had codes."""
        return grant_code(self.kind, datetime.date(self.budget_year, 1, 1))

    @property
    def capped(self) -> bool:
        """Grant 2: the documented need is more than the maximum, which is what is paid."""
        return (
            self.documented_need is not None
            and self.grant == 2
            and self.documented_need > self.rate
        )

    def to_json(self) -> dict[str, Any]:
        on = datetime.date(self.budget_year, 1, 1)
        refs = [reference(PARAMETER, on)]
        if self.application_deadline is not None:
            refs.append(reference(DEADLINE_PARAMETER, on))
        return {
            "grant": self.grant,
            "kind": self.kind,
            "code": self.code,
            "budget_year": self.budget_year,
            "year_after_settlement": self.year_after_settlement,
            "category": self.category,
            "documented_need": (
                money_str(self.documented_need) if self.documented_need is not None else None
            ),
            "rate": money_str(self.rate),
            "amount": money_str(self.amount),
            "capped": self.capped,
            "application_deadline": (
                self.application_deadline.isoformat() if self.application_deadline else None
            ),
            "references": refs,
        }


def disability_grant_calculate(
    *,
    grant: int,
    budget_year: int,
    settled_on: datetime.date,
    category: str,
    documented_need: Decimal | None = None,
    birth_date: datetime.date | None = None,
) -> DisabilityGrantResult:
    """The grant for one person in a budget year.

    Grant 1: the one-off sum of the year. Grant 2: the documented need, at most the year's
    maximum («inntil», seed 002 §3.1); the need is required. Refused for persons settled through
    family reunification or self-settlement, and outside the years the grant is given in
    (``disability_grant_year``). ``settled_on`` is the first settlement date.
    """
    year = disability_grant_year(
        grant=grant,
        budget_year=budget_year,
        settled_on=settled_on,
        category=category,
        birth_date=birth_date,
    )
    if documented_need is not None and (not documented_need.is_finite() or documented_need < 0):
        raise RulesError("Dokumentert behov må være et beløp på null kroner eller mer.")
    rules = disability_grant_rules(budget_year)
    rate = rules.rate(grant)
    if grant == 1:
        amount = rate
    else:
        if documented_need is None or documented_need == 0:
            raise RulesError(
                "Tilskudd 2 gis etter dokumentert behov: oppgi de ekstraordinære utgiftene "
                "kommunen har dokumentert for året (--documented-need)."
            )
        amount = min(documented_need, rate)
    deadline = disability_grant_application_deadline(
        settled_on=settled_on, year_after_settlement=year, budget_year=budget_year
    )
    return DisabilityGrantResult(
        grant=grant,
        budget_year=budget_year,
        year_after_settlement=year,
        category=category,
        documented_need=documented_need,
        rate=rate,
        amount=amount,
        application_deadline=deadline,
    )
