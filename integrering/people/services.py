"""Registering households and persons, and changing a person's registry data."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from integrering.accounts.models import User
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record, audit_record_many
from integrering.concurrency import version_bump
from integrering.organisations.models import Municipality
from integrering.ui.search import search_fold
from integrering.validators import date_problem, name_problem, text_problem

from .identity import duf_number_parse, identity_number_parse
from .models import Category, Household, Person, Relation, Sex


@dataclass(frozen=True)
class PersonInput:
    """One member of a household as entered in a form, an import row or an API call."""

    given_name: str
    family_name: str
    birth_date: datetime.date
    identity_number: str | None = None
    duf_number: str | None = None
    middle_name: str = ""
    sex: str = ""
    relation: str = Relation.MAIN
    category: str = Category.FROM_RECEPTION
    citizenship: str = ""
    language: str = ""
    interpreter_needed: bool = False
    interpreter_language: str = ""
    arrival_date: datetime.date | None = None
    settled_on: datetime.date | None = None
    reception_centre: str = ""
    disability: bool = False
    address_line: str = ""
    postcode: str = ""
    post_town: str = ""


PERSON_FIELDS = [f.name for f in fields(PersonInput)]

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


ADDRESS_FIELDS = ("address_line", "postcode", "post_town")
POSTCODE = re.compile(r"[0-9]{4}")


def postal_address_errors(*, address_line: str, postcode: str, post_town: str) -> Errors:
    """Problems with a postal address: a Norwegian postcode has four digits, and an address is
    whole (street or box, postcode and town) or left out, since a letter needs all three."""
    errors: Errors = {}
    values = {
        "address_line": address_line.strip(),
        "postcode": postcode.strip(),
        "post_town": post_town.strip(),
    }
    if values["postcode"] and not POSTCODE.fullmatch(values["postcode"]):
        _add(errors, "postcode", "Postnummeret må ha fire siffer, for eksempel 0150.")
    if any(values.values()):
        missing = {
            "address_line": "Oppgi gateadresse eller postboks.",
            "postcode": "Oppgi postnummeret.",
            "post_town": "Oppgi poststedet.",
        }
        for field, message in missing.items():
            if not values[field]:
                _add(errors, field, message)
    for field, limit in (("address_line", 150), ("post_town", 60)):
        if len(values[field]) > limit:
            _add(errors, field, f"Høyst {limit} tegn.")
        problem = text_problem(values[field], multiline=False)
        if problem:
            _add(errors, field, problem)
    return errors


def _where(person: Person) -> str:
    return f"{person.municipality.name} kommune (husstand {person.household.reference})"


def person_input_errors(
    member: PersonInput,
    *,
    household_settled_on: datetime.date | None,
    exclude_person_id: int | None = None,
) -> Errors:
    """Every problem with one person's data, by field; empty when the person can be saved.

    Identity numbers are checked with their check digits and against the birth date, and must
    not belong to another registered person: the message names where that person is.
    """
    errors: Errors = {}
    today = timezone.localdate()
    if not member.given_name.strip():
        _add(errors, "given_name", "Fornavn må fylles ut.")
    if not member.family_name.strip():
        _add(errors, "family_name", "Etternavn må fylles ut.")
    # One check of names for the forms, the API and the import (issue 25).
    for field in ("given_name", "middle_name", "family_name"):
        problem = name_problem(getattr(member, field))
        if problem:
            _add(errors, field, problem)
    for field in ("birth_date", "arrival_date", "settled_on"):
        problem = date_problem(getattr(member, field))
        if problem:
            _add(errors, field, problem)
    if member.birth_date > today:
        _add(errors, "birth_date", f"Fødselsdatoen {member.birth_date:%d.%m.%Y} er i fremtiden.")
    if member.sex and member.sex not in Sex.values:
        _add(errors, "sex", "Kjønn må være kvinne eller mann.")
    if member.relation not in Relation.values:
        _add(errors, "relation", "Ukjent relasjon i husstanden.")
    if member.category not in Category.values:
        _add(errors, "category", "Ukjent kategori.")
    for field, label in (("arrival_date", "Ankomstdatoen"), ("settled_on", "Bosettingsdatoen")):
        value = getattr(member, field)
        if value is not None and value < member.birth_date:
            _add(errors, field, f"{label} {value:%d.%m.%Y} er før personen ble født.")
        if value is not None and value > today + datetime.timedelta(days=366):
            _add(errors, field, f"{label} {value:%d.%m.%Y} er mer enn ett år fram i tid.")
    settled = member.settled_on or household_settled_on
    if settled is not None and settled < member.birth_date and member.settled_on is None:
        _add(
            errors,
            "birth_date",
            f"Husstanden er bosatt {settled:%d.%m.%Y}, før personen ble født.",
        )
    if member.arrival_date and settled and member.arrival_date > settled:
        _add(
            errors,
            "arrival_date",
            f"Ankomst til Norge ({member.arrival_date:%d.%m.%Y}) er etter bosettingen ({settled:%d.%m.%Y}).",
        )
    if member.interpreter_needed and not (member.interpreter_language or member.language).strip():
        _add(errors, "interpreter_language", "Oppgi tolkespråk når personen trenger tolk.")
    address = postal_address_errors(
        address_line=member.address_line, postcode=member.postcode, post_town=member.post_town
    )
    for field, messages in address.items():
        for message in messages:
            _add(errors, field, message)
    others = Person.objects.select_related("municipality", "household")
    if exclude_person_id is not None:
        others = others.exclude(pk=exclude_person_id)
    numbers = (
        ("identity_number", identity_number_parse, "Fødselsnummeret"),
        ("duf_number", duf_number_parse, "DUF-nummeret"),
    )
    for field, parse, label in numbers:
        number = getattr(member, field)
        if not number:
            continue
        try:
            parse(number, birth_date=member.birth_date)
        except ValidationError as exc:
            for message in exc.messages:
                _add(errors, field, message)
            continue
        existing = others.filter(**{field: number}).first()
        if existing is not None:
            _add(errors, field, f"{label} er allerede registrert i {_where(existing)}.")
    return errors


def household_errors(
    *, reference: str, members: list[PersonInput], settled_on: datetime.date | None
) -> Errors:
    """Every problem with a household before it is registered, keyed ``field`` or ``members.N.field``."""
    errors: Errors = {}
    if not reference.strip():
        _add(errors, "reference", "Husstandsnummer må fylles ut.")
    elif Household.objects.filter(reference=reference.strip()).exists():
        _add(errors, "reference", f"Husstandsnummeret {reference} er allerede i bruk.")
    if settled_on is not None and settled_on > timezone.localdate() + datetime.timedelta(days=366):
        _add(errors, "settled_on", "Bosettingsdatoen er mer enn ett år fram i tid.")
    too_early = date_problem(settled_on)
    if too_early:
        _add(errors, "settled_on", too_early)
    if not members:
        _add(errors, "members", "En husstand må ha minst én person.")
    # Exactly one main person (issue 23): the others' relation is to the main person.
    mains = [i for i, m in enumerate(members) if m.relation == Relation.MAIN]
    if members and not mains:
        _add(
            errors,
            "members.0.relation",
            "Husstanden må ha én hovedperson: velg «Hovedperson» som relasjon for én av personene.",
        )
    for index in mains[1:]:
        first = members[mains[0]]
        _add(
            errors,
            f"members.{index}.relation",
            f"Husstanden kan ha bare én hovedperson, og {first.given_name} {first.family_name} "
            "er det allerede. Velg en annen relasjon.",
        )
    for key in ("identity_number", "duf_number"):
        seen: dict[str, int] = {}
        for index, member in enumerate(members):
            number = getattr(member, key)
            if not number:
                continue
            if number in seen:
                _add(
                    errors,
                    f"members.{index}.{key}",
                    f"Det samme nummeret står også på person {seen[number] + 1} i husstanden.",
                )
            seen.setdefault(number, index)
    for index, member in enumerate(members):
        for field, messages in person_input_errors(member, household_settled_on=settled_on).items():
            for message in messages:
                _add(errors, f"members.{index}.{field}", message)
    return errors


FIELD_LABELS = {
    "reference": "husstandsnummer",
    "settled_on": "bosatt dato",
    "members": "personer",
    "given_name": "fornavn",
    "middle_name": "mellomnavn",
    "family_name": "etternavn",
    "birth_date": "fødselsdato",
    "sex": "kjønn",
    "identity_number": "fødselsnummer",
    "duf_number": "DUF-nummer",
    "relation": "relasjon",
    "category": "kategori",
    "citizenship": "statsborgerskap",
    "language": "morsmål",
    "interpreter_needed": "trenger tolk",
    "interpreter_language": "tolkespråk",
    "arrival_date": "ankomst Norge",
    "reception_centre": "siste mottak",
    "disability": "nedsatt funksjonsevne",
    "address_line": "adresse",
    "postcode": "postnummer",
    "post_town": "poststed",
    "municipality": "kommune",
}


def error_lines(errors: dict[str, list[str]]) -> list[str]:
    """Errors keyed by field as lines a caseworker can read: "Person 2, fødselsnummer: ..."."""
    lines: list[str] = []
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] == "members" and len(parts) == 3:
            where = f"Person {int(parts[1]) + 1}, {FIELD_LABELS.get(parts[2], parts[2])}"
        elif key == "__all__":
            where = ""
        else:
            where = FIELD_LABELS.get(key, key).capitalize()
        lines.extend(f"{where}: {m}" if where else m for m in messages)
    return lines


def _person_from_input(member: PersonInput) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(member, name) for name in PERSON_FIELDS}
    for name in (
        "given_name",
        "family_name",
        "middle_name",
        "citizenship",
        "language",
        *ADDRESS_FIELDS,
    ):
        values[name] = str(values[name]).strip()
    values["identity_number"] = member.identity_number or None
    values["duf_number"] = member.duf_number or None
    return values


@transaction.atomic
def household_register(
    *,
    ctx: AccessContext,
    municipality: Municipality,
    reference: str,
    members: list[PersonInput],
    settled_on: datetime.date | None = None,
    caseworker: User | None = None,
) -> Household:
    """Register a household and its members in a municipality, all or nothing.

    Identity numbers are checked (check digits, birth date in the number) and must not be
    registered already; every problem is reported at once, by field. Each created person is
    audited.
    """
    errors = household_errors(reference=reference, members=members, settled_on=settled_on)
    if errors:
        raise ValidationError(errors)
    household = Household.objects.create(
        municipality=municipality,
        reference=reference.strip(),
        settled_on=settled_on,
        caseworker=caseworker,
    )
    persons = Person.objects.bulk_create(
        [
            Person(household=household, municipality=municipality, **_person_from_input(m))
            for m in members
        ]
    )
    audit_record_many(ctx=ctx, person_ids=[p.pk for p in persons], action=AuditAction.CREATE)
    return household


@transaction.atomic
def person_update(*, ctx: AccessContext, person: Person, data: PersonInput, version: int) -> Person:
    """Change a person's registry data; refused when someone else saved in between.

    ``version`` is the version the user started from (optimistic locking): nothing of the other
    user's save is lost, and the caller keeps this user's input to show again.
    """
    errors = person_input_errors(
        data, household_settled_on=person.household.settled_on, exclude_person_id=person.pk
    )
    others = Person.objects.filter(household_id=person.household_id).exclude(pk=person.pk)
    former_main = others.filter(relation=Relation.MAIN).first()
    if person.relation == Relation.MAIN and data.relation != Relation.MAIN and others.exists():
        # The household keeps its main person: another member is made main, which moves it.
        errors.setdefault("relation", []).append(
            "Husstanden må ha én hovedperson. Gjør en annen person til hovedperson i stedet; "
            "da blir denne personen «annen»."
        )
    if errors:
        raise ValidationError(errors)
    values = _person_from_input(data)
    values["updated_at"] = timezone.now()
    version_bump(Person.objects.filter(pk=person.pk), expected=version, what="personen", **values)
    if data.relation == Relation.MAIN and former_main is not None:
        # One main person: the former one becomes «annen» until the caseworker says more.
        Person.objects.filter(pk=former_main.pk).update(
            relation=Relation.OTHER, version=F("version") + 1, updated_at=timezone.now()
        )
        audit_record(
            ctx=ctx,
            person_id=former_main.pk,
            action=AuditAction.UPDATE,
            allowed=True,
            detail=f"ikke lenger hovedperson: {person.full_name} er hovedperson",
        )
    person.refresh_from_db()
    audit_record(ctx=ctx, person_id=person.pk, action=AuditAction.UPDATE, allowed=True)
    return person


@transaction.atomic
def person_postal_address_update(
    *,
    ctx: AccessContext,
    person: Person,
    address_line: str,
    postcode: str,
    post_town: str,
    version: int,
) -> Person:
    """Set (or, all three empty, clear) the postal address the person's letters go to.

    The same checks as in the registry form (``postal_address_errors``); refused when someone
    else saved the person in between (``version``).
    """
    errors = postal_address_errors(
        address_line=address_line, postcode=postcode, post_town=post_town
    )
    if errors:
        raise ValidationError(errors)
    version_bump(
        Person.objects.filter(pk=person.pk),
        expected=version,
        what="personen",
        address_line=address_line.strip(),
        postcode=postcode.strip(),
        post_town=post_town.strip(),
        updated_at=timezone.now(),
    )
    person.refresh_from_db()
    audit_record(
        ctx=ctx, person_id=person.pk, action=AuditAction.UPDATE, allowed=True, detail="postadresse"
    )
    return person


@transaction.atomic
def household_move(
    *, ctx: AccessContext, household: Household, municipality: Municipality, detail: str = ""
) -> Household:
    """Register a household and its members in another municipality (a move, seed 002 §2.1).

    The old municipality's contact person no longer follows the household: the new refugee
    service names its own. The transfer of the case is ``casework.services.transfers``; this only
    changes the register, audited per member.
    """
    if household.municipality_id == municipality.pk:
        raise ValidationError("Husstanden er allerede registrert i denne kommunen.")
    now = timezone.now()
    Household.objects.filter(pk=household.pk).update(
        municipality=municipality, caseworker=None, version=F("version") + 1, updated_at=now
    )
    members = Person.objects.filter(household_id=household.pk)
    member_ids = list(members.values_list("pk", flat=True))
    members.update(municipality=municipality, version=F("version") + 1, updated_at=now)
    household.refresh_from_db()
    audit_record_many(
        ctx=ctx,
        person_ids=member_ids,
        action=AuditAction.UPDATE,
        detail=detail or f"flyttet til {municipality.name}",
    )
    return household


def is_number_term(term: str) -> bool:
    """A search term of digits only: the start of an identity or DUF number."""
    return term.isascii() and term.isdigit()


def person_name_q(term: str) -> Q:
    """A given, middle or family name that contains the term, in any case and with or without
    accents («azizi» finds «Azízi»: both folded by ``ui.search.search_fold``).

    A term of digits only is a number, and matches no name: asked as a name too, it made
    PostgreSQL read every person of Oslo in name order for the start of an identity number
    (0.6 s at a million persons, issue 25, item 11).
    """
    if is_number_term(term):
        return Q(pk__in=[])
    folded = search_fold(term)
    return Q(search_given__contains=folded) | Q(search_family__contains=folded)


def person_number_q(term: str) -> Q:
    """The term as the start of an identity or DUF number, or as a household's reference.

    Built so that PostgreSQL reads each part from an index (people/0003) instead of every person
    of the municipality: the numbers hold only digits, so other terms leave them out, and the
    household is looked up first by its reference (unique, case-insensitive index), so the match
    needs no join. This runs that one query.
    """
    households = list(Household.objects.filter(reference__iexact=term).values_list("pk", flat=True))
    match = Q(household_id__in=households) if households else Q(pk__in=[])
    if is_number_term(term):
        match |= Q(identity_number__startswith=term) | Q(duf_number__startswith=term)
    return match
