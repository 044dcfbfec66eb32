"""Casework deadlines as formulas: when each is due, and for whom (seed 002; DOMAIN.md "Deadlines").

Pure functions of the parameters ``deadlines/casework`` (lengths) and ``deadlines/arrival``
(target groups, which service answers for which deadline, which notices go out). No Django.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from .benefit import age_on
from .parameters import RulesError, value


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the last day of the month when that day does not exist."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_period(start: datetime.date, period: dict[str, Any]) -> datetime.date:
    """Add a parameter period such as ``{months: 3}`` or ``{weeks: 3}`` to a date."""
    result = start
    if "months" in period:
        result = add_months(result, int(period["months"]))
    if "weeks" in period:
        result += datetime.timedelta(weeks=int(period["weeks"]))
    if "days" in period:
        result += datetime.timedelta(days=int(period["days"]))
    return result


def deadline_due(kind: str, start: datetime.date) -> datetime.date:
    """The due date of a deadline of ``kind`` counted from ``start`` (the rule in force then)."""
    rules = value("deadlines/casework", start)
    if kind not in rules:
        raise RulesError(f"Ukjent frist: {kind}.")
    return add_period(start, rules[kind])


def deadline_counts_from(kind: str, on: datetime.date) -> str:
    """What a deadline is counted from: settlement, arrival, population_register, ..."""
    return str(value("deadlines/casework", on)[kind]["from"])


def deadline_due_by_event(
    kind: str, start: datetime.date, events: dict[str, datetime.date | None]
) -> datetime.date:
    """The due date of ``kind``, or an event's date when the rule says the deadline falls at
    that event if it comes first (``or_earlier``: a kindergarten place by the start of the
    parent's programme, at the latest three months after settlement, seed 002)."""
    due = deadline_due(kind, start)
    event = value("deadlines/casework", start)[kind].get("or_earlier")
    on = events.get(event) if event else None
    return min(due, max(on, start)) if on is not None else due


def deadline_start(
    kind: str,
    *,
    settled_on: datetime.date,
    arrived_on: datetime.date | None = None,
    registered_on: datetime.date | None = None,
) -> datetime.date:
    """The day a deadline begins to run: the date its rule counts from where it is known (arrival
    in Norway; registration in the population register), or else the settlement date."""
    origin = deadline_counts_from(kind, settled_on)
    known = {"arrival": arrived_on, "population_register": registered_on}.get(origin)
    return known or settled_on


@dataclass(frozen=True)
class PersonFacts:
    """What the arrival rules need to know about a person."""

    birth_date: datetime.date
    category: str
    disability: bool = False


def school_year_age(birth_date: datetime.date, on: datetime.date) -> int:
    """The age the child turns in the year of ``on`` (school starts the year a child turns 6)."""
    return on.year - birth_date.year


def in_group(group: str, facts: PersonFacts, on: datetime.date) -> bool:
    """Whether a person belongs to one of ``deadlines/arrival``'s target groups on a date."""
    rules = value("deadlines/arrival", on)["groups"]
    if group not in rules:
        raise RulesError(f"Ukjent målgruppe: {group}.")
    rule = rules[group]
    age = age_on(facts.birth_date, on)
    if "min_age" in rule and age < rule["min_age"]:
        return False
    if "max_age" in rule and age > rule["max_age"]:
        return False
    year_age = school_year_age(facts.birth_date, on)
    if rule.get("below_school_age"):
        school = rules["school"]
        if year_age >= school["min_school_year_age"]:
            return False
    if "min_school_year_age" in rule and year_age < rule["min_school_year_age"]:
        return False
    if "max_school_year_age" in rule and year_age > rule["max_school_year_age"]:
        return False
    if "categories" in rule and facts.category not in rule["categories"]:
        return False
    if facts.category in rule.get("excluded_categories", ()):
        return False
    return not ("disability" in rule and facts.disability != rule["disability"])


def _in_any(groups: list[str], facts: PersonFacts, on: datetime.date) -> bool:
    return any(in_group(group, facts, on) for group in groups)


@dataclass(frozen=True)
class Duty:
    kind: str
    service: str
    start: datetime.date
    due: datetime.date


def arrival_deadlines(
    facts: PersonFacts,
    *,
    settled_on: datetime.date,
    arrived_on: datetime.date | None,
    registered_on: datetime.date | None = None,
    events: dict[str, datetime.date | None] | None = None,
) -> list[Duty]:
    """The deadlines that settling a person starts, each with its service and due date.

    ``events`` are the dates known at settlement that may bring a deadline forward
    (``programme_start``: the earliest programme start of the household's adults).
    """
    rules = value("deadlines/arrival", settled_on)["deadlines"]
    duties = []
    for kind, rule in rules.items():
        if not _in_any(rule["groups"], facts, settled_on):
            continue
        start = deadline_start(
            kind, settled_on=settled_on, arrived_on=arrived_on, registered_on=registered_on
        )
        due = deadline_due_by_event(kind, start, events or {})
        duties.append(Duty(kind, str(rule["service"]), start, due))
    return duties


@dataclass(frozen=True)
class NoticeRule:
    service: str
    deadline_kind: str | None


def arrival_notice_rules(on: datetime.date) -> list[NoticeRule]:
    rules = value("deadlines/arrival", on)["notices"]
    return [NoticeRule(str(service), rule["deadline"]) for service, rule in rules.items()]


def notice_applies_to(service: str, facts: PersonFacts, on: datetime.date) -> bool:
    rule = value("deadlines/arrival", on)["notices"][service]
    return _in_any(rule["groups"], facts, on)


def matched_notice_services(on: datetime.date) -> list[str]:
    """The services told when a household is matched to the municipality (``matched_notices``)."""
    return [str(service) for service in value("deadlines/arrival", on).get("matched_notices", {})]


def matched_notice_applies_to(service: str, facts: PersonFacts, on: datetime.date) -> bool:
    rule = value("deadlines/arrival", on)["matched_notices"][service]
    return _in_any(rule["groups"], facts, on)


def first_team_meeting_date(settled_on: datetime.date) -> datetime.date:
    """When the first team meeting is set up: a while after settlement, never past the deadline."""
    planned = add_period(
        settled_on, value("deadlines/arrival", settled_on)["first_team_meeting_after"]
    )
    return min(planned, deadline_due("team_first_meeting", settled_on))
