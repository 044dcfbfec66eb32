"""Every query that returns people goes through here (tenant isolation by construction).

A municipal user reaches the persons settled in their own municipality. A refugee-service
caseworker of a host municipality in an inter-municipal cooperation (seed 002 §2.3) also reaches
the partner municipalities' persons; a partner's user reaches only their own municipality, never
the host's other partners. County governor, directorate and administrator users reach no
individual persons here (the appeal and planning issues add their own, narrower paths).
Reads of single persons and lists are written to the audit log, allowed or denied.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from integrering.accounts.roles import MUNICIPAL_SERVICE_ROLES, Role
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record, audit_record_many
from integrering.organisations.models import OrganisationKind, RefugeeServiceCooperation

from .models import Household, Person

PERSON_ROLES = (*MUNICIPAL_SERVICE_ROLES, Role.MUNICIPAL_LEADER)
NOT_FOUND = "Finner ikke personen, eller du har ikke tilgang til den."


def municipality_ids_served_by(user: object) -> frozenset[int]:
    """The municipalities whose persons this user may work with."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return frozenset()
    organisation = getattr(user, "organisation", None)
    if organisation is None or organisation.kind != OrganisationKind.MUNICIPALITY:
        return frozenset()
    if not user.has_role(*PERSON_ROLES):  # type: ignore[attr-defined]
        return frozenset()
    own = organisation.municipality_id
    ids = {own}
    if user.has_role(Role.REFUGEE_SERVICE_CASEWORKER):  # type: ignore[attr-defined]
        partners = (
            RefugeeServiceCooperation.objects.valid_on(timezone.localdate())
            .filter(host_id=own)
            .values_list("partners", flat=True)
        )
        ids.update(pid for pid in partners if pid is not None)
    return frozenset(ids)


def persons_visible_to(user: object) -> QuerySet[Person]:
    """All persons the user may see (not audited: callers that show them record it)."""
    return Person.objects.filter(
        municipality_id__in=municipality_ids_served_by(user)
    ).select_related("household", "municipality")


def households_visible_to(user: object) -> QuerySet[Household]:
    return Household.objects.filter(
        municipality_id__in=municipality_ids_served_by(user)
    ).select_related("municipality")


def person_get(*, ctx: AccessContext, person_id: int, action: str = AuditAction.READ) -> Person:
    """One person the user may see, audited; 404 (and a denied audit record) otherwise."""
    person = persons_visible_to(ctx.user).filter(pk=person_id).first()
    audit_record(ctx=ctx, person_id=person_id, action=action, allowed=person is not None)
    if person is None:
        raise Http404(NOT_FOUND)
    return person


def household_get(*, ctx: AccessContext, household_id: int) -> tuple[Household, list[Person]]:
    """One household with its members, each member's read audited; 404 when out of reach."""
    household = households_visible_to(ctx.user).filter(pk=household_id).first()
    if household is None:
        audit_record(
            ctx=ctx,
            person_id=None,
            action=AuditAction.READ,
            allowed=False,
            detail=f"husstand {household_id}",
        )
        raise Http404("Finner ikke husstanden, eller du har ikke tilgang til den.")
    members = list(persons_visible_to(ctx.user).filter(household=household).order_by("birth_date"))
    audit_record_many(
        ctx=ctx,
        person_ids=[m.pk for m in members],
        action=AuditAction.READ,
        detail=f"husstand {household.reference}",
    )
    return household, members


def persons_search(*, ctx: AccessContext, query: str = "", limit: int = 50) -> list[Person]:
    """Persons the user may see whose name, identity number or household matches; audited as a list."""
    persons = persons_visible_to(ctx.user)
    terms = query.split()
    for term in terms:
        persons = persons.filter(
            Q(given_name__icontains=term)
            | Q(family_name__icontains=term)
            | Q(identity_number__startswith=term)
            | Q(household__reference__iexact=term)
        )
    found = list(persons.order_by("family_name", "given_name", "pk")[:limit])
    audit_record_many(
        ctx=ctx,
        person_ids=[p.pk for p in found],
        action=AuditAction.SEARCH if terms else AuditAction.LIST,
        detail=f"søk: {query}"[:300] if terms else "",
    )
    return found
