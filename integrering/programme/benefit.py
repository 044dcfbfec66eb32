"""One participant's introduction benefit for one month, from the rules engine.

The rules (seed 002 §3.2; integreringsloven §§ 20-21; introduksjonsloven §§ 8-10):

- the monthly amount is 1/12 of the yearly (2 G, or the under-25 share), the day rate 1/30 of
  the month, the hour rate 1/1850 of the year (``rules/benefit.py``);
- a month with benefit every day pays the monthly amount; a month with fewer days pays the day
  rate for each day with benefit, at most 30 days (never more than a whole month). Days of a
  stop or of a leave without benefit, and days outside the programme, give no benefit;
- the rates (G, the participant's age and share) are those in force on the first day with
  benefit in the month: a participant who turns 25 during a month gets the full rate from the
  next month, and the new G from 1 May applies from May;
- unapproved absence in the month is deducted at the hour rate, never more than the month pays;
- a deduction of at least the share of the month and of G that ``benefit/deduction_decision_share``
  names needs an individual decision (integreringsloven § 21).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from integrering.rules.benefit import BenefitInputs, age_on, benefit_rates
from integrering.rules.money import to_ore
from integrering.rules.parameters import RulesError, value

from .models import Absence, Extension, Participation, ProgrammePeriod
from .periods import Stay, month_bounds, month_days


@dataclass(frozen=True)
class MonthBenefit:
    """A participant's benefit for one month, every amount in whole øre."""

    period: datetime.date
    days: int
    monthly_rate: Decimal
    gross: Decimal
    absence_hours: Decimal
    deduction: Decimal
    amount: Decimal
    needs_decision: bool
    note: str


def unapproved_hours(absences: Iterable[Absence], month: datetime.date) -> Decimal:
    first, last = month_bounds(month)
    return sum((a.hours for a in absences if not a.approved and first <= a.on <= last), Decimal(0))


def benefit_month(
    participation: Participation,
    month: datetime.date,
    *,
    birth_date: datetime.date,
    periods: Iterable[ProgrammePeriod],
    extensions: Iterable[Extension],
    absences: Iterable[Absence],
    within: Stay = (None, None),
) -> MonthBenefit | None:
    """The benefit for one month, or None when the participant had no day in the programme.

    The periods, extensions and absences are passed in (already loaded), so a run over
    thousands of participants reads each table once. ``within``: the participant's stay in the
    paying municipality after a move (``periods.month_days``).
    """
    period = month.replace(day=1)
    days = month_days(participation, period, periods=periods, extensions=extensions, within=within)
    if days.in_programme == 0:
        return None
    hours = unapproved_hours(absences, period)
    if days.first_benefit_day is None:
        note = "; ".join(days.notes) or "ingen dager med stønad"
        return MonthBenefit(
            period, 0, Decimal(0), Decimal(0), hours, Decimal(0), Decimal(0), False, note
        )
    on = days.first_benefit_day
    if participation.permit_date is not None and participation.permit_date > on:
        raise RulesError(
            f"Stønaden for {period:%m.%Y} regnes fra {on:%d.%m.%Y}, før oppholdstillatelsen "
            f"({participation.permit_date:%d.%m.%Y})."
        )
    rates = benefit_rates(
        BenefitInputs.of(
            on=on,
            age=age_on(birth_date, on),
            act=participation.act,
            lives_with_parent=participation.lives_with_parent,
            absence_hours=hours,
        )
    )
    if days.with_benefit == days.days_in_month:
        gross = rates.monthly
    else:
        paid_days = min(days.with_benefit, int(value("benefit/days_per_month", on)))
        gross = min(rates.daily * paid_days, rates.monthly)
    deduction = min(rates.deduction, gross)
    notes = list(days.notes)
    if hours:
        notes.append(f"ugyldig fravær {hours} t")
    gross_ore = to_ore(gross)
    deduction_ore = to_ore(deduction)
    return MonthBenefit(
        period=period,
        days=days.with_benefit,
        monthly_rate=to_ore(rates.monthly),
        gross=gross_ore,
        absence_hours=hours,
        deduction=deduction_ore,
        amount=gross_ore - deduction_ore,
        needs_decision=rates.deduction_needs_decision,
        note="; ".join(notes),
    )
