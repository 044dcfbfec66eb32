"""Households waiting for settlement enter the system (issue 21): registered by the planner (on
the page or through the API), changed, withdrawn, or imported from a file (``waiting_import.py``,
which checks and creates through the functions here).

The rules:

- every person has a DUF number with valid check digits (``people.identity.duf_number_parse``)
  that is not already waiting, placed or settled: no other person still waiting or confirmed has
  it (a withdrawn household may come back), and no person of a municipality's register
  (``people.Person``) has it;
- the counts the matcher uses are counted from the members: school-age children (from the year a
  child turns 6 to the year it turns 15: parameter ``deadlines/arrival``, group ``school``) and
  unaccompanied minors (a member marked so must be under 18 on the day the household is ready:
  ``grants/unaccompanied_minor_age_limit``); a household with one is in the group
  «enslig mindreårig»;
- the adaptation needs are codes of the dated parameter ``settlement/adaptation_needs``; «Annet»
  needs a description;
- a tie to a municipality (the only one the household may be settled in) is family or network;
- days waited count from ``ready_on`` (by default the day the household is registered), and the
  settlement year cannot come before that day's year;
- only a household still waiting is changed or withdrawn; a change names the version it started
  from (optimistic locking, ``integrering.concurrency``); a withdrawn household is never placed
  (the matcher reads only households still waiting: ``match_capacity.households_waiting``).

Every write is audited with one event per person, as for persons of the register; a waiting
person is not a person of the register yet, so ``person_id`` is empty and the detail names the
person and the household.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrering.accounts.access import planner_or_system_require
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError, conflict_message, version_bump
from integrering.organisations.models import Municipality
from integrering.people.identity import duf_number_parse
from integrering.people.models import Category, Person, Relation, Sex
from integrering.rules.benefit import age_on
from integrering.rules.parameters import parameter
from integrering.validators import date_problem, name_problem

from ..models import (
    PermitType,
    ReceptionCentre,
    TieKind,
    WaitingHousehold,
    WaitingPerson,
    WaitingStatus,
    WithdrawalReason,
)
from ..selectors import MAX_YEAR, MIN_YEAR, audit_waiting_persons

Errors = dict[str, list[str]]

REFERENCE_MAX = 30
NAME_MAX = 100
NOTE_MAX = 500
MEMBERS_MAX = 30
ADAPTATION_PARAMETER = "settlement/adaptation_needs"
OTHER_NEED = "other"
# The groups a household waiting in Norway or abroad can be in (a self-settled person does not
# wait for the directorate's settlement).
CATEGORIES = (
    Category.FROM_RECEPTION,
    Category.TRANSFER_REFUGEE,
    Category.FAMILY_REUNIFICATION,
    Category.UNACCOMPANIED_MINOR,
)
CATEGORY_CHOICES = [(str(c.value), str(c.label)) for c in CATEGORIES]

CONCURRENT_DUPLICATE = (
    "Noen registrerte den samme husstanden eller en av personene mens du lagret. Ingenting er "
    "lagret; last inn siden og prøv igjen."
)


@dataclass(frozen=True)
class WaitingPersonInput:
    """One member of a waiting household as entered in a form, an API call or an import row.

    ``id`` names an existing member when a household is changed (None: a new member).
    ``birth_date`` is None when it could not be read (the check then says it is missing).
    """

    given_name: str
    family_name: str
    birth_date: datetime.date | None
    duf_number: str
    permit_type: str = ""
    permit_date: datetime.date | None = None
    sex: str = ""
    relation: str = Relation.MAIN
    citizenship: str = ""
    language: str = ""
    interpreter_needed: bool = False
    interpreter_language: str = ""
    unaccompanied_minor: bool = False
    id: int | None = None


@dataclass(frozen=True)
class WaitingHouseholdInput:
    """A waiting household as entered: ``ready_on`` None is today, ``year`` None the year it is
    ready (this year at the earliest), ``category`` "" is found from the members."""

    reference: str
    members: Sequence[WaitingPersonInput]
    reception_centre_id: int | None = None
    ready_on: datetime.date | None = None
    year: int | None = None
    category: str = ""
    large_dwelling: bool = False
    adaptation_needs: Sequence[str] = field(default_factory=tuple)
    adaptation_note: str = ""
    tie_municipality: str = ""  # the municipality's 4-digit number
    tie_kind: str = ""


@dataclass(frozen=True)
class _Checked:
    """A household that passed every check, with what was looked up and counted."""

    data: WaitingHouseholdInput
    reference: str
    reception_centre: ReceptionCentre | None
    ready_on: datetime.date
    year: int
    category: str
    adaptation_needs: list[str]
    tie_municipality: Municipality | None
    school_children: int
    unaccompanied_minors: int


# --- Parameters ------------------------------------------------------------------------------


def adaptation_needs_in_force(on: datetime.date | None = None) -> dict[str, dict[str, str]]:
    """The adaptation needs that can be recorded on a date (today): code -> label and import word."""
    needs = parameter(ADAPTATION_PARAMETER)
    on = max(on or timezone.localdate(), needs.first_date)
    return {code: {k: str(v) for k, v in item.items()} for code, item in needs.at(on).items()}


def adaptation_need_label(code: str) -> str:
    """The label of a need code, or the code itself when the parameter no longer names it."""
    return adaptation_needs_in_force().get(code, {}).get("label", code)


def adaptation_choices() -> list[tuple[str, str]]:
    return [(code, item["label"]) for code, item in adaptation_needs_in_force().items()]


def _school_year_ages(on: datetime.date) -> tuple[int, int]:
    """The ages (by year of birth) of school children in the year of ``on``: seed 002 §2.8,
    from the year a child turns 6, through ten years of school (parameter deadlines/arrival)."""
    arrival = parameter("deadlines/arrival")
    school = arrival.at(max(on, arrival.first_date))["groups"]["school"]
    return int(school["min_school_year_age"]), int(school["max_school_year_age"])


def unaccompanied_minor_age_limit(on: datetime.date) -> int:
    """An unaccompanied minor is under this age when settled (seed 002 §3.1)."""
    limit = parameter("grants/unaccompanied_minor_age_limit")
    return int(limit.at(max(on, limit.first_date))["settled_under"])


def school_children_count(birth_dates: Iterable[datetime.date], year: int) -> int:
    """The members of school age in the settlement year."""
    low, high = _school_year_ages(datetime.date(year, 1, 1))
    return sum(1 for born in birth_dates if low <= year - born.year <= high)


# --- Checking --------------------------------------------------------------------------------


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _date(on: datetime.date) -> str:
    return f"{on:%d.%m.%Y}"


def waiting_status_message(household: WaitingHousehold) -> str | None:
    """Why a household can no longer be changed or withdrawn, or None while it waits."""
    if household.status == WaitingStatus.WAITING:
        return None
    if household.status == WaitingStatus.CONFIRMED:
        place = household.confirmed_municipality
        return (
            f"Husstanden er allerede plassert i {place.name if place else 'en kommune'} "
            "og overført til kommunen; den kan ikke endres eller trekkes her."
        )
    if household.status == WaitingStatus.WITHDRAWN and household.withdrawn_on is not None:
        return f"Husstanden ble trukket {_date(household.withdrawn_on)} og kan ikke endres."
    return "Husstanden venter ikke lenger på bosetting og kan ikke endres."


def _municipality(number: str, errors: Errors) -> Municipality | None:
    if not (number.isdigit() and len(number) == 4):
        _add(errors, "tie_municipality", "Kommunenummeret må ha fire siffer, for eksempel 0301.")
        return None
    current = Municipality.objects.filter(number=number, valid_to__isnull=True).first()
    if current is not None:
        return current
    old = Municipality.objects.filter(number=number).order_by("-valid_from").first()
    if old is None:
        _add(errors, "tie_municipality", f"Kommunenummeret {number} finnes ikke.")
        return None
    successor = old.successor
    while successor is not None and successor.valid_to is not None:
        successor = successor.successor
    hint = f"; bruk {successor.number} {successor.name}" if successor is not None else ""
    _add(errors, "tie_municipality", f"Kommunenummeret {number} er ikke lenger i bruk{hint}.")
    return None


def _duf_taken(number: str, household: WaitingHousehold | None) -> str | None:
    """Why a DUF number cannot be used: already waiting, placed or settled; None when free."""
    others = WaitingPerson.objects.filter(duf_number=number, withdrawn=False).select_related(
        "household__confirmed_municipality"
    )
    if household is not None:
        others = others.exclude(household=household)
    waiting = others.first()
    if waiting is not None:
        other = waiting.household
        if other.status == WaitingStatus.CONFIRMED:
            place = other.confirmed_municipality
            return (
                f"DUF-nummeret står på husstand {other.reference}, som allerede er plassert i "
                f"{place.name if place else 'en kommune'}."
            )
        return f"DUF-nummeret står allerede på husstand {other.reference}, som venter på bosetting."
    person = (
        Person.objects.filter(duf_number=number).select_related("municipality", "household").first()
    )
    if person is not None:
        return (
            f"DUF-nummeret er allerede registrert i {person.municipality.name} kommune "
            f"(husstand {person.household.reference}): personen er bosatt."
        )
    return None


def _member_errors(
    member: WaitingPersonInput,
    index: int,
    *,
    ready_on: datetime.date,
    household: WaitingHousehold | None,
    member_ids: set[int],
    today: datetime.date,
    errors: Errors,
) -> None:
    def add(name: str, message: str) -> None:
        _add(errors, f"members.{index}.{name}", message)

    if member.id is not None and member.id not in member_ids:
        add("id", f"Personen med id {member.id} hører ikke til husstanden.")
    for name, label in (("given_name", "Fornavn"), ("family_name", "Etternavn")):
        text = getattr(member, name).strip()
        if not text:
            add(name, f"{label} må fylles ut.")
        elif len(text) > NAME_MAX:
            add(name, f"{label} kan ha høyst {NAME_MAX} tegn.")
        elif (problem := name_problem(text)) is not None:
            add(name, f"{label}: {problem}")
    for name, label in (
        ("citizenship", "Statsborgerskap"),
        ("language", "Morsmål"),
        ("interpreter_language", "Tolkespråk"),
    ):
        if len(getattr(member, name).strip()) > NAME_MAX:
            add(name, f"{label} kan ha høyst {NAME_MAX} tegn.")
    born = member.birth_date
    if born is None:
        add("birth_date", "Fødselsdatoen må fylles ut.")
    elif born > today:
        add("birth_date", f"Fødselsdatoen {_date(born)} er i fremtiden.")
    elif (problem := date_problem(born)) is not None:
        add("birth_date", problem)
    if member.sex and member.sex not in Sex.values:
        add("sex", "Kjønn må være kvinne eller mann.")
    if member.relation not in Relation.values:
        add("relation", "Velg relasjon: hovedperson, ektefelle, samboer, barn eller annen.")
    if member.interpreter_needed and not (member.interpreter_language or member.language).strip():
        add("interpreter_language", "Oppgi tolkespråk når personen trenger tolk.")
    if not member.permit_type:
        add("permit_type", "Velg hvilken tillatelse personen har.")
    elif member.permit_type not in PermitType.values:
        add("permit_type", f"Ukjent tillatelse; velg {_permit_names()}.")
    if member.permit_date is not None:
        if member.permit_date > today:
            add(
                "permit_date",
                f"Datoen for tillatelsen ({_date(member.permit_date)}) er fram i tid.",
            )
        elif born is not None and member.permit_date < born:
            add("permit_date", "Tillatelsen kan ikke være gitt før personen ble født.")
    if member.unaccompanied_minor and born is not None and born <= today:
        limit = unaccompanied_minor_age_limit(ready_on)
        age = age_on(born, ready_on)
        if age >= limit:
            add(
                "unaccompanied_minor",
                f"En enslig mindreårig må være under {limit} år når husstanden er klar for "
                f"bosetting; personen er {age} år {_date(ready_on)}.",
            )
    number = "".join(member.duf_number.split())
    if not number:
        add("duf_number", "DUF-nummeret må fylles ut.")
        return
    try:
        # A birth date in the future is already an error; the number is checked without it.
        duf_number_parse(number, birth_date=born if born is not None and born <= today else None)
    except ValidationError as exc:
        for message in exc.messages:
            add("duf_number", message)
        return
    taken = _duf_taken(number, household)
    if taken is not None:
        add("duf_number", taken)


def _permit_names() -> str:
    labels = [str(label).lower() for label in PermitType.labels]
    return ", ".join(labels[:-1]) + " eller " + labels[-1]


def _check(
    data: WaitingHouseholdInput, *, household: WaitingHousehold | None
) -> tuple[_Checked | None, Errors]:
    """Every problem with a household as entered, keyed ``field`` or ``members.N.field``; with
    no problem, the household ready to save."""
    errors: Errors = {}
    today = timezone.localdate()

    reference = data.reference.strip()
    if not reference:
        _add(errors, "reference", "Skriv husstandens referanse, for eksempel UDIs husstandsnummer.")
    elif len(reference) > REFERENCE_MAX:
        _add(errors, "reference", f"Referansen kan ha høyst {REFERENCE_MAX} tegn.")
    else:
        same = WaitingHousehold.objects.filter(reference__iexact=reference)
        if household is not None:
            same = same.exclude(pk=household.pk)
        if same.exists():
            _add(
                errors,
                "reference",
                f"Det finnes allerede en husstand med referansen «{reference}».",
            )

    centre = None
    if data.reception_centre_id is not None:
        centre = ReceptionCentre.objects.filter(pk=data.reception_centre_id).first()
        if centre is None:
            _add(errors, "reception_centre", "Finner ikke mottaket. Velg et mottak fra listen.")
        elif (
            centre.closed_on is not None
            and centre.closed_on <= today
            and (household is None or household.reception_centre_id != centre.pk)
        ):
            _add(
                errors,
                "reception_centre",
                f"{centre.name} ble lagt ned {_date(centre.closed_on)}; velg mottaket husstanden "
                "bor på nå.",
            )

    ready_on = data.ready_on or (household.ready_on if household is not None else today)
    if ready_on > today + datetime.timedelta(days=366):
        _add(
            errors,
            "ready_on",
            "Datoen husstanden er klar for bosetting, er mer enn ett år fram i tid.",
        )
    elif ready_on < datetime.date(MIN_YEAR, 1, 1):
        _add(errors, "ready_on", f"Datoen husstanden er klar for bosetting, er før {MIN_YEAR}.")

    year = data.year if data.year is not None else max(ready_on.year, today.year)
    if not MIN_YEAR <= year <= MAX_YEAR:
        _add(errors, "year", f"Bosettingsåret må være fra {MIN_YEAR} til {MAX_YEAR}.")
    elif year < ready_on.year:
        _add(
            errors,
            "year",
            f"Husstanden er klar for bosetting {_date(ready_on)}; bosettingsåret kan ikke være "
            f"før {ready_on.year}.",
        )

    codes = adaptation_needs_in_force(today)
    needs: list[str] = []
    for code in data.adaptation_needs:
        if code not in codes:
            _add(
                errors,
                "adaptation_needs",
                f"Ukjent behov «{code}»; bruk {', '.join(codes)}.",
            )
        elif code not in needs:
            needs.append(code)
    note = data.adaptation_note.strip()
    if len(note) > NOTE_MAX:
        _add(errors, "adaptation_note", f"Merknaden kan ha høyst {NOTE_MAX} tegn.")
    elif OTHER_NEED in needs and not note:
        _add(
            errors,
            "adaptation_note",
            f"Beskriv behovet i merknaden når du velger «{codes[OTHER_NEED]['label']}».",
        )

    tie_number = data.tie_municipality.strip()
    tie = _municipality(tie_number, errors) if tie_number else None
    if tie_number and not data.tie_kind:
        _add(errors, "tie_kind", "Velg om tilknytningen til kommunen er familie eller nettverk.")
    elif data.tie_kind and data.tie_kind not in TieKind.values:
        _add(errors, "tie_kind", "Type tilknytning må være familie eller nettverk.")
    elif data.tie_kind and not tie_number:
        _add(
            errors,
            "tie_municipality",
            "Velg kommunen husstanden har tilknytning til, eller fjern typen tilknytning.",
        )

    members = list(data.members)
    if not members:
        _add(errors, "members", "En husstand må ha minst én person.")
    elif len(members) > MEMBERS_MAX:
        _add(errors, "members", f"En husstand kan ha høyst {MEMBERS_MAX} personer.")
    mains = [i for i, m in enumerate(members) if m.relation == Relation.MAIN]
    if members and not mains:
        _add(errors, "members", "Én av personene i husstanden må være hovedperson.")
    for index in mains[1:]:
        _add(
            errors,
            f"members.{index}.relation",
            f"Husstanden har allerede en hovedperson (person {mains[0] + 1}).",
        )
    member_ids = set(household.members.values_list("pk", flat=True)) if household else set()
    seen: dict[str, int] = {}
    for index, member in enumerate(members):
        number = "".join(member.duf_number.split())
        if number and number in seen:
            _add(
                errors,
                f"members.{index}.duf_number",
                f"Det samme DUF-nummeret står også på person {seen[number] + 1} i husstanden.",
            )
            continue
        seen.setdefault(number, index)
        _member_errors(
            member,
            index,
            ready_on=ready_on,
            household=household,
            member_ids=member_ids,
            today=today,
            errors=errors,
        )
    ids = [m.id for m in members if m.id is not None]
    if len(ids) != len(set(ids)):
        _add(errors, "members", "Den samme personen står flere ganger i husstanden.")

    minors = sum(1 for m in members if m.unaccompanied_minor)
    category = data.category
    if category and category not in {str(c) for c in CATEGORIES}:
        _add(
            errors,
            "category",
            "Velg gruppe: fra mottak, overføringsflyktning, familiegjenforent eller enslig "
            "mindreårig.",
        )
    elif minors and category and category != Category.UNACCOMPANIED_MINOR:
        _add(
            errors,
            "category",
            "Husstanden har en enslig mindreårig; gruppen må være «Enslig mindreårig».",
        )
    elif category == Category.UNACCOMPANIED_MINOR and members and not minors:
        _add(
            errors,
            "category",
            "Merk hvem i husstanden som er enslig mindreårig, eller velg en annen gruppe.",
        )
    if not category:
        category = Category.UNACCOMPANIED_MINOR if minors else Category.FROM_RECEPTION

    if errors:
        return None, errors
    return (
        _Checked(
            data=data,
            reference=reference,
            reception_centre=centre,
            ready_on=ready_on,
            year=year,
            category=str(category),
            adaptation_needs=needs,
            tie_municipality=tie,
            school_children=school_children_count(
                (m.birth_date for m in members if m.birth_date is not None), year
            ),
            unaccompanied_minors=minors,
        ),
        {},
    )


def waiting_household_errors(
    data: WaitingHouseholdInput, *, household: WaitingHousehold | None = None
) -> Errors:
    """Every problem with a household as entered (writes nothing), keyed ``field`` or
    ``members.N.field``; empty when it can be saved."""
    return _check(data, household=household)[1]


def _checked_or_raise(
    data: WaitingHouseholdInput, *, household: WaitingHousehold | None
) -> _Checked:
    checked, errors = _check(data, household=household)
    if checked is None:
        raise ValidationError(errors)
    return checked


# --- Writing ---------------------------------------------------------------------------------


def _household_values(checked: _Checked) -> dict[str, Any]:
    data = checked.data
    return {
        "reference": checked.reference,
        "year": checked.year,
        "category": checked.category,
        "reception_centre": checked.reception_centre,
        "ready_on": checked.ready_on,
        "large_dwelling": 1 if data.large_dwelling else 0,
        "school_children": checked.school_children,
        "unaccompanied_minors": checked.unaccompanied_minors,
        "adaptation_needs": checked.adaptation_needs,
        "adaptation_note": data.adaptation_note.strip(),
        "required_municipality": checked.tie_municipality,
        "tie_kind": data.tie_kind if checked.tie_municipality is not None else "",
    }


def _person_values(member: WaitingPersonInput) -> dict[str, Any]:
    return {
        "given_name": member.given_name.strip(),
        "family_name": member.family_name.strip(),
        "birth_date": member.birth_date,
        "sex": member.sex,
        "duf_number": "".join(member.duf_number.split()),
        "relation": member.relation,
        "citizenship": member.citizenship.strip(),
        "language": member.language.strip(),
        "interpreter_needed": member.interpreter_needed,
        "interpreter_language": member.interpreter_language.strip(),
        "permit_type": member.permit_type,
        "permit_date": member.permit_date,
        "unaccompanied_minor": member.unaccompanied_minor,
    }


def waiting_household_create(
    *, ctx: AccessContext, data: WaitingHouseholdInput
) -> WaitingHousehold:
    """Register a household waiting for settlement with its members, all or nothing.

    Every problem is reported at once, by field (``members.N.field`` for a member). Each
    created person is audited.
    """
    planner_or_system_require(ctx.user)
    checked = _checked_or_raise(data, household=None)
    now = timezone.now()
    try:
        with transaction.atomic():
            household = WaitingHousehold.objects.create(
                **_household_values(checked),
                created_by=ctx.acting_user,
                created_at=now,
                updated_at=now,
                updated_by=ctx.acting_user,
            )
            persons = WaitingPerson.objects.bulk_create(
                [WaitingPerson(household=household, **_person_values(m)) for m in data.members]
            )
    except IntegrityError as exc:
        raise ValidationError(CONCURRENT_DUPLICATE) from exc
    audit_waiting_persons(
        ctx=ctx,
        household=household,
        person_ids=[p.pk for p in persons],
        action=AuditAction.CREATE,
        what="registrert som venter på bosetting",
    )
    return household


def _fresh_waiting(household: WaitingHousehold, version: int) -> WaitingHousehold:
    """The household as saved now, locked for this transaction: still waiting, and at the
    version the user started from."""
    fresh = (
        WaitingHousehold.objects.select_for_update(of=("self",))
        .select_related("confirmed_municipality")
        .get(pk=household.pk)
    )
    message = waiting_status_message(fresh)
    if message is not None:
        raise ValidationError(message)
    if fresh.version != version:
        raise ConflictError(conflict_message("husstanden"))
    return fresh


def waiting_household_update(
    *, ctx: AccessContext, household: WaitingHousehold, data: WaitingHouseholdInput, version: int
) -> WaitingHousehold:
    """Change a waiting household and its members: members with an ``id`` are changed, those
    without are added, and members left out are removed.

    Refused when the household no longer waits, or someone else saved it after ``version``
    (nothing of theirs is lost). Every person changed, added or removed is audited.
    """
    planner_or_system_require(ctx.user)
    try:
        with transaction.atomic():
            fresh = _fresh_waiting(household, version)
            checked = _checked_or_raise(data, household=fresh)
            version_bump(
                WaitingHousehold.objects.filter(pk=fresh.pk, status=WaitingStatus.WAITING),
                expected=version,
                what="husstanden",
                updated_at=timezone.now(),
                updated_by=ctx.acting_user,
                **_household_values(checked),
            )
            kept = {m.id for m in data.members if m.id is not None}
            removed = list(fresh.members.exclude(pk__in=kept).values_list("pk", flat=True))
            WaitingPerson.objects.filter(pk__in=removed).delete()
            changed: list[int] = []
            for member in data.members:
                if member.id is not None:
                    WaitingPerson.objects.filter(pk=member.id, household=fresh).update(
                        **_person_values(member)
                    )
                    changed.append(member.id)
            added = WaitingPerson.objects.bulk_create(
                [
                    WaitingPerson(household=fresh, **_person_values(m))
                    for m in data.members
                    if m.id is None
                ]
            )
    except IntegrityError as exc:
        raise ValidationError(CONCURRENT_DUPLICATE) from exc
    fresh.refresh_from_db()
    for action, ids in (
        (AuditAction.UPDATE, changed),
        (AuditAction.CREATE, [p.pk for p in added]),
        (AuditAction.DELETE, removed),
    ):
        audit_waiting_persons(ctx=ctx, household=fresh, person_ids=ids, action=action)
    return fresh


def waiting_household_withdraw(
    *,
    ctx: AccessContext,
    household: WaitingHousehold,
    reason: str,
    note: str = "",
    withdrawn_on: datetime.date | None = None,
    version: int,
) -> WaitingHousehold:
    """Withdraw a household from settlement (moved out, left the country, settled on its own ...)
    with the reason and the date (today by default).

    The household is no longer matched: new runs leave it out, and confirming a proposal that
    placed it does not transfer it. Its DUF numbers may be registered again in a new household.
    Refused when it no longer waits, or someone else saved it after ``version``.
    """
    planner_or_system_require(ctx.user)
    today = timezone.localdate()
    withdrawn_on = withdrawn_on or today
    note = (note or "").strip()
    errors: Errors = {}
    if not reason:
        _add(errors, "reason", "Velg hvorfor husstanden trekkes.")
    elif reason not in WithdrawalReason.values:
        _add(
            errors,
            "reason",
            "Ukjent årsak; velg flyttet ut av mottaket, reist fra Norge, bosatt på egen hånd "
            "eller annet.",
        )
    if len(note) > NOTE_MAX:
        _add(errors, "note", f"Merknaden kan ha høyst {NOTE_MAX} tegn.")
    elif reason == WithdrawalReason.OTHER and not note:
        _add(errors, "note", "Beskriv årsaken i merknaden når du velger «Annet».")
    if withdrawn_on > today:
        _add(errors, "withdrawn_on", f"Datoen kan ikke være fram i tid (i dag er {_date(today)}).")
    with transaction.atomic():
        fresh = _fresh_waiting(household, version)
        if errors:
            raise ValidationError(errors)
        version_bump(
            WaitingHousehold.objects.filter(pk=fresh.pk, status=WaitingStatus.WAITING),
            expected=version,
            what="husstanden",
            status=WaitingStatus.WITHDRAWN,
            withdrawn_on=withdrawn_on,
            withdrawal_reason=reason,
            withdrawal_note=note,
            withdrawn_by=ctx.acting_user,
            updated_at=timezone.now(),
            updated_by=ctx.acting_user,
        )
        person_ids = list(fresh.members.values_list("pk", flat=True))
        WaitingPerson.objects.filter(pk__in=person_ids).update(withdrawn=True)
    fresh.refresh_from_db()
    audit_waiting_persons(
        ctx=ctx,
        household=fresh,
        person_ids=person_ids,
        action=AuditAction.UPDATE,
        what=f"trukket ({fresh.get_withdrawal_reason_display().lower()})",
    )
    return fresh
