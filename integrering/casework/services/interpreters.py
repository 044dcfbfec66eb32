"""Interpreters in meetings with the household (seed 002 §2.12).

The qualification categories of the national interpreter register (Nasjonalt tolkeregister) are
the dated parameter ``interpreters/qualification_categories`` (1-5 until December 2020, A-E
since). The ban on children as interpreters is ``interpreters/child_ban``: forvaltningsloven
§ 11 e, since 1 January 2022 tolkeloven § 4; a child is anyone under 18. Seed 002 §2.12 also
says that family and others who come along should not interpret: an interpreter is someone from
outside the household, named, never one of its members.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from integrering.people.models import Household, Person, Relation
from integrering.rules.parameters import RulesError, parameter, value

QUALIFICATIONS = "interpreters/qualification_categories"
CHILD_BAN = "interpreters/child_ban"


@dataclass(frozen=True)
class ChildBan:
    under_age: int
    law: str


def qualification_choices(on: datetime.date) -> list[tuple[str, str]]:
    """The register's categories in force on a date, (key, label), best first; none before."""
    try:
        categories = value(QUALIFICATIONS, on)
    except RulesError:
        return []
    return [(str(key), str(label)) for key, label in categories.items()]


def qualification_label(key: str, on: datetime.date) -> str:
    """The category's label on a date, or the key itself when the date has no such category."""
    return dict(qualification_choices(on)).get(key, key)


def child_ban(on: datetime.date) -> ChildBan:
    """The ban in force on a date; before the parameter's first date, its first value (the ban
    is older than our source, seed 002)."""
    rule = parameter(CHILD_BAN)
    found = rule.at(max(on, rule.first_date))
    return ChildBan(under_age=int(found["under_age"]), law=str(found["law"]))


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    """Whole years of age on a date."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def is_child(person: Person, on: datetime.date) -> bool:
    """Under the ban's age on the date, or recorded as a child of the household."""
    return (
        person.relation == Relation.CHILD or age_on(person.birth_date, on) < child_ban(on).under_age
    )


def _normalised(name: str) -> str:
    return " ".join(name.casefold().split())


def household_member_named(household: Household, name: str) -> Person | None:
    """The member of the household whose full name (with or without the middle name) is the
    given name, in any case and spacing; None when it names nobody in the household."""
    wanted = _normalised(name)
    if not wanted:
        return None
    for member in household.members.all():
        names = {
            _normalised(member.full_name),
            _normalised(f"{member.given_name} {member.family_name}"),
        }
        if wanted in names:
            return member
    return None


def interpreter_name_errors(*, household: Household, name: str, on: datetime.date) -> list[str]:
    """Why the named person may not interpret in a meeting with the household on a date.

    A child may never interpret (forvaltningsloven § 11 e, now tolkeloven § 4); nor may anyone
    of the household (seed 002 §2.12: family and others who come along are not interpreters).
    """
    member = household_member_named(household, name)
    if member is None:
        return []
    if is_child(member, on):
        ban = child_ban(on)
        return [
            f"{member.full_name} er et barn i husstanden og kan ikke være tolk "
            f"(forbudet mot å bruke barn som tolk, {ban.law}). Bestill en kvalifisert tolk."
        ]
    return [
        f"{member.full_name} er med i husstanden og kan ikke være tolk: familie og andre som "
        "følger med, skal ikke tolke i møter med kommunen. Bestill en kvalifisert tolk."
    ]
