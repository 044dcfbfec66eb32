"""Every query that returns people goes through here (tenant isolation and consent by construction).

Reach. A municipal user reaches the persons settled in their own municipality. A refugee-service
caseworker of a host municipality in an inter-municipal cooperation (seed 002 §2.3) also reaches
the partner municipalities' persons; a partner's user reaches only their own municipality, never
the host's other partners. County governor, directorate and administrator users reach no
individual persons here (the appeal and planning issues add their own, narrower paths).

Consent. The refugee service coordinates the case (seed 002 §2.2) and sees all of it; the
municipal leader sees it too. Every other service (NAV, school, health, ...) sees a person's data
only as far as an active consent or recorded legal basis for that service allows (seed 002
Vedlegg 3); without one it sees that the person exists and whom to contact, nothing more.
Withdrawal takes effect at once, because access is worked out on every request.

Reads of single persons and lists are written to the audit log, allowed or denied.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import Concat
from django.utils import timezone

from integrering.accounts.access import (
    may_edit_case,
    municipality_ids_served_by,
    sees_whole_case,
)
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_denied, audit_record, audit_record_many
from integrering.errors import NotFound
from integrering.people.models import Consent, InformationCategory
from integrering.schemas import id_in_range
from integrering.ui.paging import Page, page_bounds, page_of
from integrering.ui.search import search_fold
from integrering.ui.words import lower_first

from .imports import imports_visible_to
from .models import Household, HouseholdImport, ImportStatus, Person
from .services import person_name_q, person_number_q

NOT_FOUND = "Finner ikke personen, eller du har ikke tilgang til den."


def active_consents(user: object, on: datetime.date | None = None) -> QuerySet[Consent]:
    """Consents and legal bases in force today that cover one of the user's services."""
    on = on or timezone.localdate()
    services: frozenset[str] = getattr(user, "service_set", frozenset())
    return Consent.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        withdrawn_at__isnull=True,
        valid_from__lte=on,
        service_rows__service__in=services,
    )


def persons_visible_to(user: object) -> QuerySet[Person]:
    """All persons the user reaches, at least by name (not audited: callers that show them record it)."""
    return Person.objects.filter(
        municipality_id__in=municipality_ids_served_by(user)
    ).select_related("household", "municipality", "household__caseworker")


def persons_with_details_visible_to(user: object) -> QuerySet[Person]:
    """Persons whose personal details (numbers, household, contact data) the user may see."""
    persons = persons_visible_to(user)
    if sees_whole_case(user):
        return persons
    return persons.filter(
        Exists(active_consents(user).filter(person=OuterRef("pk"), shares_personal=True))
    )


def households_visible_to(user: object) -> QuerySet[Household]:
    households = Household.objects.filter(
        municipality_id__in=municipality_ids_served_by(user)
    ).select_related("municipality", "caseworker")
    if sees_whole_case(user):
        return households
    return households.filter(
        Exists(active_consents(user).filter(person__household=OuterRef("pk"), shares_personal=True))
    )


@dataclass(frozen=True)
class PersonAccess:
    """What one user may see of one person, worked out now."""

    person: Person
    whole_case: bool
    may_edit: bool
    categories: frozenset[str]

    def allows(self, category: str) -> bool:
        return self.whole_case or category in self.categories

    @property
    def limited(self) -> bool:
        """Sees only that the person exists and whom to contact."""
        return not self.whole_case and not self.categories

    @property
    def contact(self) -> str:
        return person_contact(self.person)


def person_contact(person: Person) -> str:
    """Whom a service without consent should contact: the household's refugee-service caseworker."""
    caseworker = person.household.caseworker
    service = f"Flyktningtjenesten i {person.municipality.name}"
    if caseworker is None:
        return service
    # Lower case only the common noun: the municipality keeps its capital («i Oslo»).
    return f"{caseworker.display_name}, {lower_first(service)}"


def _access(user: object, person: Person) -> PersonAccess:
    if sees_whole_case(user):
        # The person came through ``persons_visible_to``: the municipality that has the case
        # now (after a move, seed 002 §2.1, the old one no longer reaches the person here).
        return PersonAccess(person, True, may_edit_case(user), frozenset())
    categories: set[str] = set()
    for consent in active_consents(user).filter(person=person).distinct():
        categories |= consent.categories
    return PersonAccess(person, False, False, frozenset(categories))


def _access_found(*, ctx: AccessContext, person_id: int, action: str) -> PersonAccess:
    """What the user may see of one person, not yet audited; 404 (and a denied record) out of
    reach."""
    person = (
        persons_visible_to(ctx.user).filter(pk=person_id).first()
        if id_in_range(person_id)
        else None
    )
    if person is None:
        audit_record(ctx=ctx, person_id=person_id, action=action, allowed=False)
        raise NotFound(NOT_FOUND)
    return _access(ctx.user, person)


def _access_record(ctx: AccessContext, access: PersonAccess, action: str) -> None:
    detail = (
        ""
        if access.whole_case
        else "innsyn: " + (", ".join(sorted(access.categories)) or "begrenset")
    )
    audit_record(ctx=ctx, person_id=access.person.pk, action=action, allowed=True, detail=detail)


def person_access_get(
    *, ctx: AccessContext, person_id: int, action: str = AuditAction.READ
) -> PersonAccess:
    """What the user may see of one person, audited; 404 (and a denied record) out of reach."""
    access = _access_found(ctx=ctx, person_id=person_id, action=action)
    _access_record(ctx, access, action)
    return access


def no_consent_message(access: PersonAccess, category: str) -> str:
    label = InformationCategory(category).label.lower()
    return (
        f"Du har ikke samtykke eller lovhjemmel til å se {label} for denne personen. "
        f"Kontakt {access.contact}."
    )


def person_access_require(
    *,
    ctx: AccessContext,
    person_id: int,
    category: str | None = None,
    edit: bool = False,
    action: str = AuditAction.READ,
) -> PersonAccess:
    """The user's access to one person, audited, when it is enough for the work at hand.

    404 out of reach. With ``category``, the user's consent must cover it; with ``edit``, the user
    must be the coordinating refugee service; otherwise 403 with whom to contact. With neither,
    the whole case is required.
    """
    access = _access_found(ctx=ctx, person_id=person_id, action=action)
    refusal = ""
    if edit and not access.may_edit:
        refusal, why = "Bare flyktningtjenesten kan endre saken.", "ikke flyktningtjenesten"
    elif category is not None and not access.allows(category):
        refusal, why = no_consent_message(access, category), f"uten samtykke til {category}"
    elif category is None and not edit and not access.whole_case:
        refusal = f"Du har ikke tilgang til hele saken. Kontakt {access.contact}."
        why = "uten tilgang til hele saken"
    if refusal:
        # A refusal is a denied attempt at this person's data, not a read (issue 25).
        audit_record(ctx=ctx, person_id=person_id, action=action, allowed=False, detail=why)
        raise PermissionDenied(refusal)
    _access_record(ctx, access, action)
    return access


def person_get(
    *,
    ctx: AccessContext,
    person_id: int,
    category: str | None = None,
    edit: bool = False,
    action: str = AuditAction.READ,
) -> Person:
    """One person the user may work with (``person_access_require``'s rules), audited."""
    return person_access_require(
        ctx=ctx, person_id=person_id, category=category, edit=edit, action=action
    ).person


def household_get(*, ctx: AccessContext, household_id: int) -> tuple[Household, list[Person]]:
    """One household with its members, each member's read audited; 404 when out of reach."""
    reachable = id_in_range(household_id)
    household = (
        households_visible_to(ctx.user).filter(pk=household_id).first() if reachable else None
    )
    if household is None:
        # The refusal names the household's members, if it has any (issue 25).
        concerned = Person.objects.filter(household_id=household_id) if reachable else None
        audit_denied(
            ctx=ctx,
            person_ids=concerned.values_list("pk", flat=True) if concerned is not None else [],
            detail=f"husstand {household_id}",
        )
        raise NotFound("Finner ikke husstanden, eller du har ikke tilgang til den.")
    members = list(
        persons_with_details_visible_to(ctx.user).filter(household=household).order_by("birth_date")
    )
    audit_record_many(
        ctx=ctx,
        person_ids=[m.pk for m in members],
        action=AuditAction.READ,
        detail=f"husstand {household.reference}",
    )
    return household, members


HOUSEHOLDS_PER_PAGE = 50
HOUSEHOLDS_COUNTED = 1_000  # as PERSONS_COUNTED
SETTLED, NOT_SETTLED = "bosatt", "ikke-bosatt"


def household_import_shown(*, user: object, import_id: int) -> HouseholdImport | None:
    """The finished import whose households the list shows (``?import=``, issue 23 item 12), if
    the user may follow it (``imports_visible_to``: the user's municipalities); else None."""
    if not id_in_range(import_id):
        return None
    return (
        imports_visible_to(user)
        .filter(
            pk=import_id,
            status=ImportStatus.SUCCEEDED,
            started_at__isnull=False,
            finished_at__isnull=False,
        )
        .first()
    )


def households_page(
    *,
    ctx: AccessContext,
    query: str = "",
    settled: str = "",
    caseworker_id: int | None = None,
    import_id: int | None = None,
    page: int = 1,
    per_page: int = HOUSEHOLDS_PER_PAGE,
) -> Page[Household]:
    """Page ``page`` of the households the user reaches (``households_visible_to``) in the
    order of their numbers, each with its ``member_count``: every term of ``query`` is the
    household's number or in the name of a member whose details the user may see (any case,
    with or without accents: ``person_name_q``); ``settled`` is ``SETTLED`` or ``NOT_SETTLED``;
    ``caseworker_id`` the contact person's; ``import_id`` an import's (none when the user may not
    follow that import). The members of the households shown are audited as a list."""
    households = households_visible_to(ctx.user)
    if import_id is not None:
        # The households the import registered (``HouseholdImport.households``), of those the
        # user reaches.
        imported = household_import_shown(user=ctx.user, import_id=import_id)
        if imported is None:
            households = households.none()
        else:
            households = households.filter(imported_by=imported)
    if settled == SETTLED:
        households = households.filter(settled_on__isnull=False)
    elif settled == NOT_SETTLED:
        households = households.filter(settled_on__isnull=True)
    if caseworker_id is not None:
        households = households.filter(caseworker_id=caseworker_id)
    members = persons_with_details_visible_to(ctx.user)
    for term in query.split():
        # The members found first (by the names' trigram indexes), not a subquery per household.
        named = members.filter(person_name_q(term)).values("household_id")
        # The number whole, in any case, as the person search has it (its index: people/0003).
        households = households.filter(Q(reference__iexact=term) | Q(pk__in=named))
    found: Page[Household] = page_of(
        households.order_by("reference"),
        number=page,
        per_page=per_page,
        count_limit=HOUSEHOLDS_COUNTED,
    )
    shown = members.filter(household__in=[h.pk for h in found]).values_list("pk", "household_id")
    counts = dict(
        Person.objects.filter(household__in=[h.pk for h in found])
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values_list("household", "n")
    )
    for household in found:
        household.member_count = counts.get(household.pk, 0)  # type: ignore[attr-defined]
    audit_record_many(
        ctx=ctx,
        person_ids=[pk for pk, _ in shown],
        action=AuditAction.SEARCH if query.split() else AuditAction.LIST,
        detail=(f"husstander, søk: {query}" if query.split() else "husstander")[:300],
    )
    return found


# The search's order: the folded names (people/0010), as ``person_muni_search_id_idx`` holds them.
NAME_ORDER = ("search_family", "search_given", "pk")
TRIGRAM = 3  # the shortest term the trigram indexes (people/0010) can look up
PERSONS_PER_PAGE = 50
# What a row of the person list shows (``persons_page(only=...)``): a page of 50 persons with
# every column of three models was a good part of a search's time (issue 25, item 11).
PERSON_ROW_FIELDS = (
    "given_name",
    "family_name",
    "birth_date",
    "identity_number",
    "household__reference",
    "municipality__name",
)
# Counted up to this: a search of a national register may match far more, and counting them all
# costs more than the page (issue 25, item 11).
PERSONS_COUNTED = 1_000


def _matching(
    persons: QuerySet[Person],
    numbers: dict[str, Q],
    *,
    whole_case: bool,
    by: dict[str, Q] | None = None,
) -> QuerySet[Person]:
    """The persons that match every term (``numbers``: each term's ``person_number_q``): by name,
    or by number or household when the details are visible; a term of ``by`` as that says.

    Written as (name or number) and (name or details visible), so that the first part can be
    read from the indexes alone.
    """
    for term, number in numbers.items():
        by_name = (by or {}).get(term, person_name_q(term))
        persons = persons.filter(by_name | number)
        if not whole_case:
            persons = persons.filter(by_name | Q(details_visible=True))
    return persons


def _name_order_unindexed() -> tuple[Concat | str, ...]:
    """``NAME_ORDER`` with the folded family name joined with nothing: sorts exactly as the name,
    but no index gives that order, so PostgreSQL finds the matches first and sorts them."""
    return (Concat("search_family", Value(""), output_field=CharField()), *NAME_ORDER[1:])


def _first_matches(
    persons: QuerySet[Person],
    numbers: dict[str, Q],
    names: frozenset[str],
    *,
    whole_case: bool,
    limit: int,
) -> QuerySet[Person, Any]:
    """The ids of the first ``limit`` matches in name order, in parts that PostgreSQL reads fast
    with a million persons (issue 25, item 11; ``benchmarks/load.py``).

    One query in name order misleads PostgreSQL: it expects the matches spread evenly over the
    alphabet, and so walks a municipality's persons in name order until it has enough. For a
    given name that is right (50 «Olena» come within the first few thousand), for a family name
    it is not: every «Kovalenko» sorts together, after 200 000 others in Oslo. So, for each of
    ``names`` (the terms the trigram indexes can look up), the matches whose family name
    contains it are found by its trigram index and sorted, ordered by an expression that no
    index gives (the family name joined with nothing, which sorts exactly as the name); and the
    matches whose family name contains none of them, in name order (``person_muni_name_id_idx``,
    read alone when that is quicker). Each part says exactly what it asks («the family name
    contains it», not «the name contains it and the family name does too»), or PostgreSQL
    misjudges how many rows it has. The first ``limit`` of every part hold the first ``limit``
    of all.
    """
    sorted_apart = _name_order_unindexed()
    by_family = {term: Q(search_family__contains=search_fold(term)) for term in names}
    parts = [
        _matching(persons, numbers, whole_case=whole_case, by={term: in_family})
        .order_by(*sorted_apart)
        .values("pk")[:limit]
        for term, in_family in by_family.items()
    ]
    by_given = {term: Q(search_given__contains=search_fold(term)) for term in names}
    rest = _matching(persons, numbers, whole_case=whole_case, by=by_given)
    for in_family in by_family.values():
        rest = rest.exclude(in_family)
    return parts[0].union(*parts[1:], rest.order_by(*NAME_ORDER).values("pk")[:limit], all=True)


def persons_search(*, ctx: AccessContext, query: str = "", limit: int = 50) -> list[Person]:
    """The first ``limit`` of ``persons_page``, uncounted; audited as a list."""
    return persons_page(ctx=ctx, query=query, per_page=limit, counted=False).items


def persons_page(
    *,
    ctx: AccessContext,
    query: str = "",
    page: int = 1,
    per_page: int = PERSONS_PER_PAGE,
    counted: bool = True,
    only: tuple[str, ...] = (),
) -> Page[Person]:
    """Page ``page`` of the persons the user reaches whose name, number or household matches
    every term of ``query``, in name order; audited as a list (the persons shown).

    A name matches in any case and with or without accents («azizi» finds «Azízi»:
    ``ui.search.search_fold``). Each result carries ``details_visible``: without consent to
    personal details a service user finds the person by name only (never by number or
    household) and sees no more than the name. The count goes up to ``PERSONS_COUNTED``
    (``counted``; without it the page's count is what it shows). ``only``: the fields of the
    persons and their household and municipality that the caller shows (``PERSON_ROW_FIELDS``),
    the rest not read.
    """
    persons = persons_visible_to(ctx.user)
    if only:
        persons = persons.select_related(None).select_related("household", "municipality")
        persons = persons.only(*only)
    whole_case = sees_whole_case(ctx.user)
    if whole_case:
        persons = persons.annotate(details_visible=Value(True, output_field=BooleanField()))
    else:
        persons = persons.annotate(
            details_visible=Exists(
                active_consents(ctx.user).filter(person=OuterRef("pk"), shares_personal=True)
            )
        )
    terms = query.split()
    numbers = {term: person_number_q(term) for term in terms}  # one look-up of households each
    names = frozenset(
        term for term in numbers if len(search_fold(term)) >= TRIGRAM and not term.isdigit()
    )
    limit = PERSONS_COUNTED + 1 if counted else per_page
    matches: QuerySet[Person] = _matching(persons, numbers, whole_case=whole_case)
    if names and connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL
        # The first ``limit`` in name order are among these (a person may be in two parts);
        # fewer than ``limit`` are all of them, so they give the count too. One COUNT over the
        # matches in no order would walk a municipality's persons in the index's order and
        # find the family-name matches, which lie together, late (``_first_matches``).
        matches = persons.filter(
            pk__in=_first_matches(persons, numbers, names, whole_case=whole_case, limit=limit)
        )
        if counted:
            found, number, count = _page_counted_alongside(matches, page=page, per_page=per_page)
        else:
            found, number, count = list(matches.order_by(*NAME_ORDER)[:per_page]), 1, 0
    else:
        count = matches.order_by()[:limit].count() if counted else 0
        number, start, stop = (
            page_bounds(number=page, per_page=per_page, count=min(count, PERSONS_COUNTED))
            if counted
            else (1, 0, per_page)
        )
        # Few matches are found first and sorted: in name order PostgreSQL would look for them
        # along the name index, and may walk all of Oslo for the start of an identity number
        # it wrongly thinks common (0.5 s at a million persons, issue 25, item 11).
        order = _name_order_unindexed() if counted and count <= PERSONS_COUNTED else NAME_ORDER
        found = list(matches.order_by(*order)[start:stop])
    capped = counted and count > PERSONS_COUNTED
    audit_record_many(
        ctx=ctx,
        person_ids=[p.pk for p in found],
        action=AuditAction.SEARCH if terms else AuditAction.LIST,
        detail=f"søk: {query}"[:300] if terms else "",
    )
    return Page(
        items=found,
        number=number,
        per_page=per_page,
        count=min(count, PERSONS_COUNTED) if counted else len(found),
        count_capped=capped,
    )


def _page_counted_alongside(
    matches: QuerySet[Person], *, page: int, per_page: int
) -> tuple[list[Person], int, int]:
    """A page of ``matches`` (at most twice ``PERSONS_COUNTED`` persons: ``_first_matches``) and
    the count of them all, in one query: the count is a window over the matches, so the
    matches are found once, and no list of their ids goes back and forth (with a thousand
    matches that cost more than the page, issue 25, item 11). A page past the end is counted
    apart, and the last page shown instead."""
    # No page past those of the counted matches (the last of which is page_bounds' last page).
    number, start, stop = page_bounds(number=page, per_page=per_page, count=PERSONS_COUNTED)
    ordered = matches.order_by(*NAME_ORDER)
    rows = list(ordered.annotate(matched=Window(Count("pk")))[start:stop])
    if rows:
        return cast("list[Person]", rows), number, int(rows[0].matched)
    count = matches.count()
    number, start, stop = page_bounds(
        number=number, per_page=per_page, count=min(count, PERSONS_COUNTED)
    )
    return list(ordered[start:stop]), number, count
