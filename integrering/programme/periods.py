"""Dates of a participation: its planned end, the limits of its final goal, and which days of a
month give benefit. Plain functions over model instances (with their periods and extensions
already loaded), so the lifecycle services and the benefit run share one reading of the rules.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from integrering.rules.benefit import INTEGRATION_ACT
from integrering.rules.deadlines import add_months
from integrering.rules.integration_packages import reinforced_programme
from integrering.rules.parameters import RulesError, parameter, value

from .models import Extension, ExtensionKind, Participation, PeriodKind, ProgrammePeriod

LENGTHS = "programme/length_by_final_goal"
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class GoalLimits:
    """What the Act allows for a final goal: the programme length and the extension."""

    goal: str
    description: str
    min_months: int
    max_months: int
    extension_max_months: int


def _rules_date(*, act: str, starts_on: datetime.date) -> datetime.date:
    """The date whose length rules govern a participant: the Act decides, not the start date.

    A participant under the Introduction Act keeps its rules after 2021 (integreringsforskriften
    § 72), so their lengths are read on the day before the Integration Act came into force.
    """
    first = parameter("acts/integration_act_in_force").first_date
    if act == INTEGRATION_ACT:
        return max(starts_on, first)
    return min(starts_on, first - DAY)


def final_goals(*, act: str, starts_on: datetime.date) -> dict[str, GoalLimits]:
    """The final goals the Act offers on a start date, with their limits.

    Under the Introduction Act a participant who started from 1 January 2019 has the right to the
    reinforced programme (completed upper secondary, seed 003) with its own limits, at the start
    or by a revised plan later (``rules.integration_packages.reinforced_programme``).
    """
    on = _rules_date(act=act, starts_on=starts_on)
    goals = {
        name: GoalLimits(
            name,
            str(rule["description"]),
            int(rule["min_months"]),
            int(rule["max_months"]),
            int(rule["extension_max_months"]),
        )
        for name, rule in value(LENGTHS, on).items()
    }
    reinforced = reinforced_programme(start=starts_on, act=act)
    if reinforced.eligible and reinforced.max_months is not None:
        goals["upper_secondary"] = GoalLimits(
            "upper_secondary",
            "Forsterket program: fullført videregående opplæring",
            0,
            reinforced.max_months,
            int(reinforced.extension_max_months or 0),
        )
    return goals


def goal_limits(*, act: str, final_goal: str, starts_on: datetime.date) -> GoalLimits:
    goals = final_goals(act=act, starts_on=starts_on)
    if final_goal not in goals:
        known = ", ".join(f"{g.goal} ({g.description})" for g in goals.values())
        raise RulesError(f"Ukjent sluttmål {final_goal!r} for denne loven; velg et av: {known}.")
    return goals[final_goal]


def extension_months(extensions: Iterable[Extension], *, package: bool | None = None) -> int:
    """Months of programme extension; ``package`` narrows to (or away from) integration packages."""
    return sum(
        e.months
        for e in extensions
        if e.kind == ExtensionKind.PROGRAMME
        and (package is None or bool(e.integration_package) == package)
    )


def planned_end(participation: Participation, extensions: Iterable[Extension]) -> datetime.date:
    """The last planned day: the planned length and every programme extension from the start."""
    months = participation.planned_months + extension_months(extensions)
    return add_months(participation.starts_on, months) - DAY


def last_day(participation: Participation, extensions: Iterable[Extension]) -> datetime.date:
    """The last day in the programme: the end if it has ended, else the planned end."""
    if participation.ended_on is not None:
        return participation.ended_on
    return planned_end(participation, extensions)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def overlaps(
    a_from: datetime.date,
    a_to: datetime.date | None,
    b_from: datetime.date,
    b_to: datetime.date | None,
) -> bool:
    """Whether two date ranges share a day; ``None`` as an end means still open."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


# A participant's stay in one municipality: first and last day, None for open (seed 002 §2.1).
Stay = tuple[datetime.date | None, datetime.date | None]


@dataclass(frozen=True)
class MonthDays:
    """How the days of one month fall for a participant."""

    in_programme: int
    with_benefit: int
    days_in_month: int
    first_benefit_day: datetime.date | None
    notes: tuple[str, ...]


def month_days(
    participation: Participation,
    month: datetime.date,
    *,
    periods: Iterable[ProgrammePeriod],
    extensions: Iterable[Extension],
    within: Stay = (None, None),
) -> MonthDays:
    """Days in the programme in a month, and of them the days with benefit.

    A stop and a leave without benefit give no benefit; a leave with benefit does (integreringsloven
    § 17). Seed 002 §3.2 gives the day rate; see ``programme/benefit.py`` for the amounts.
    ``within`` is the participant's stay in the paying municipality (first and last day, None for
    open): after a move within five years the old municipality pays the days before the moving
    date and the new one the rest (seed 002 §2.1, ``services/benefit_compute.py``).
    """
    first, last = month_bounds(month)
    planned_start, planned_end_ = participation.starts_on, last_day(participation, extensions)
    start = max(first, planned_start, within[0] or first)
    end = min(last, planned_end_, within[1] or last)
    if end < start:
        return MonthDays(0, 0, last.day, None, ())
    without: set[datetime.date] = set()
    notes: list[str] = []
    if within[0] is not None and first < within[0] <= last and within[0] > planned_start:
        notes.append(f"flyttet til kommunen {within[0]:%d.%m.%Y}")
    if within[1] is not None and first <= within[1] < last and within[1] < planned_end_:
        notes.append(f"flyttet fra kommunen {within[1] + datetime.timedelta(days=1):%d.%m.%Y}")
    for period in periods:
        if period.kind == PeriodKind.LEAVE and period.with_benefit:
            continue
        p_from = max(start, period.from_on)
        p_to = end if period.to_on is None else min(end, period.to_on)
        if p_to < p_from:
            continue
        days = (p_to - p_from).days + 1
        without.update(p_from + datetime.timedelta(days=i) for i in range(days))
        label = "stans" if period.kind == PeriodKind.STOP else "permisjon uten stønad"
        notes.append(f"{label} {p_from:%d.%m.}–{p_to:%d.%m.} ({days} d)")
    in_programme = (end - start).days + 1
    benefit_days = [
        start + datetime.timedelta(days=i)
        for i in range(in_programme)
        if start + datetime.timedelta(days=i) not in without
    ]
    return MonthDays(
        in_programme,
        len(benefit_days),
        last.day,
        benefit_days[0] if benefit_days else None,
        tuple(notes),
    )
