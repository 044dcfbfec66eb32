"""Registering households and persons."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.organisations.models import Municipality

from .identity import identity_number_parse
from .models import Household, Person


@dataclass(frozen=True)
class PersonInput:
    given_name: str
    family_name: str
    birth_date: datetime.date
    identity_number: str | None = None


def _validate_member(member: PersonInput, position: int) -> list[str]:
    errors = []
    label = f"Person {position}"
    if not member.given_name.strip() or not member.family_name.strip():
        errors.append(f"{label}: fornavn og etternavn må fylles ut.")
    if member.birth_date > datetime.date.today():
        errors.append(f"{label}: fødselsdatoen {member.birth_date:%d.%m.%Y} er i fremtiden.")
    if member.identity_number:
        try:
            identity_number_parse(member.identity_number, birth_date=member.birth_date)
        except ValidationError as exc:
            errors.extend(f"{label}: {message}" for message in exc.messages)
        else:
            existing = (
                Person.objects.filter(identity_number=member.identity_number)
                .select_related("municipality", "household")
                .first()
            )
            if existing is not None:
                errors.append(
                    f"{label}: fødselsnummeret er allerede registrert i {existing.municipality.name} kommune "
                    f"(husstand {existing.household.reference})."
                )
    return errors


@transaction.atomic
def household_register(
    *,
    ctx: AccessContext,
    municipality: Municipality,
    reference: str,
    members: list[PersonInput],
    settled_on: datetime.date | None = None,
) -> Household:
    """Register a household and its members in a municipality, all or nothing.

    Identity numbers are checked (check digits, birth date in the number) and must not be
    registered already; every problem is reported at once. Each created person is audited.
    """
    errors: list[str] = []
    if not members:
        errors.append("En husstand må ha minst én person.")
    if Household.objects.filter(reference=reference).exists():
        errors.append(f"Husstandsnummeret {reference} er allerede i bruk.")
    numbers = [m.identity_number for m in members if m.identity_number]
    if len(numbers) != len(set(numbers)):
        errors.append("Det samme fødselsnummeret står på flere personer i husstanden.")
    for position, member in enumerate(members, start=1):
        errors.extend(_validate_member(member, position))
    if errors:
        raise ValidationError(errors)
    household = Household.objects.create(
        municipality=municipality, reference=reference, settled_on=settled_on
    )
    persons = Person.objects.bulk_create(
        [
            Person(
                household=household,
                municipality=municipality,
                given_name=m.given_name.strip(),
                family_name=m.family_name.strip(),
                birth_date=m.birth_date,
                identity_number=m.identity_number or None,
            )
            for m in members
        ]
    )
    audit_record_many(ctx=ctx, person_ids=[p.pk for p in persons], action=AuditAction.CREATE)
    return household
