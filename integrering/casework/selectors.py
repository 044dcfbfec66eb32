"""Reads of the case, through the people selectors' reach and consent rules, audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from integrering.accounts.access import (
    municipality_ids_served_by,
    programme_municipality_ids,
    sees_whole_case,
)
from integrering.accounts.models import User
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_denied, audit_record, audit_record_many
from integrering.errors import NotFound
from integrering.organisations.models import Municipality
from integrering.people.models import Consent, Household, Person
from integrering.people.selectors import household_get, person_get, persons_visible_to
from integrering.rules.disability_grant import DEADLINE_KIND as DISABILITY_GRANT_DEADLINE
from integrering.schemas import id_in_range

from .models import Deadline, DisabilityGrantApplication, Meeting, Notice


def _services_of(user: object) -> frozenset[str]:
    return frozenset(getattr(user, "service_set", frozenset()))


def notices_for(user: object, *, include_acknowledged: bool = False) -> QuerySet[Notice]:
    """The inbox: notices to the user's services in the municipalities the user reaches.

    A notice carries what the law lets the refugee service send without consent (seed 002 §2.9:
    name, birth date, nationality, previous reception centre), so its persons are shown in it.
    """
    notices = Notice.objects.filter(
        municipality_id__in=municipality_ids_served_by(user), service__in=_services_of(user)
    )
    if not include_acknowledged:
        notices = notices.filter(acknowledged_at__isnull=True)
    return notices.select_related("household", "municipality", "acknowledged_by").prefetch_related(
        "persons"
    )


def notices_inbox(*, ctx: AccessContext, include_acknowledged: bool = False) -> list[Notice]:
    notices = list(notices_for(ctx.user, include_acknowledged=include_acknowledged)[:500])
    audit_record_many(
        ctx=ctx,
        person_ids=sorted({p.pk for n in notices for p in n.persons.all()}),
        action=AuditAction.LIST,
        detail="innboks for varsler",
    )
    return notices


def notice_get(*, ctx: AccessContext, notice_id: int) -> Notice:
    reachable = id_in_range(notice_id)
    notices = notices_for(ctx.user, include_acknowledged=True)
    notice = notices.filter(pk=notice_id).first() if reachable else None
    if notice is None:
        concerned = Notice.objects.filter(pk=notice_id) if reachable else Notice.objects.none()
        audit_denied(
            ctx=ctx,
            person_ids=concerned.values_list("persons", flat=True),
            detail=f"varsel {notice_id}",
        )
        raise NotFound("Finner ikke varselet, eller det er ikke sendt til din tjeneste.")
    audit_record_many(
        ctx=ctx,
        person_ids=[p.pk for p in notice.persons.all()],
        action=AuditAction.READ,
        detail=f"varsel {notice.pk}",
    )
    return notice


def deadlines_for(user: object) -> QuerySet[Deadline]:
    """Deadlines the user answers for: all of them for the refugee service and leader, else the
    user's own services' deadlines (which the notices already told them about)."""
    deadlines = Deadline.objects.filter(municipality_id__in=municipality_ids_served_by(user))
    if not sees_whole_case(user):
        deadlines = deadlines.filter(service__in=_services_of(user))
    return deadlines


def household_caseworkers(user: object) -> QuerySet[User]:
    """The contact persons of the households the user reaches (the dashboard's filter)."""
    # EXISTS per user, not a DISTINCT over every household of the municipality.
    households = Household.objects.filter(
        caseworker=OuterRef("pk"), municipality_id__in=municipality_ids_served_by(user)
    )
    return User.objects.filter(Exists(households)).order_by("first_name", "last_name")


DEADLINES_PER_PAGE = 50


@dataclass(frozen=True)
class DeadlinePage:
    """One page of the deadline dashboard."""

    deadlines: list[Deadline]
    number: int
    has_next: bool


_USER_NAME = ("first_name", "last_name", "username")
# A deadline whole, and of the rest the names a deadline row shows: the dashboard reads 50 rows
# of four models, and loading every column (passwords and timestamps included) was a good part
# of its time (issue 9, benchmarks/load.py).
_DEADLINE_ROW_FIELDS = (
    *(field.name for field in Deadline._meta.concrete_fields),
    *(f"person__{name}" for name in ("given_name", "middle_name", "family_name", "household")),
    "person__household__caseworker",
    *(f"person__household__caseworker__{name}" for name in _USER_NAME),
    *(f"met_by__{name}" for name in _USER_NAME),
)


def _deadlines_ordered(
    user: object, *, service: str, caseworker_id: int | None, include_met: bool
) -> QuerySet[Deadline]:
    deadlines = deadlines_for(user)
    if not include_met:
        deadlines = deadlines.filter(met_on__isnull=True)
    if service:
        deadlines = deadlines.filter(service=service)
    if caseworker_id is not None:
        deadlines = deadlines.filter(person__household__caseworker_id=caseworker_id)
    return (
        deadlines.select_related(
            "person", "person__household", "person__household__caseworker", "met_by"
        )
        .only(*_DEADLINE_ROW_FIELDS)
        .order_by("met_on", "due_on", "pk")
    )


def _audit_listed(ctx: AccessContext, deadlines: list[Deadline]) -> None:
    audit_record_many(
        ctx=ctx,
        person_ids=sorted({d.person_id for d in deadlines}),
        action=AuditAction.LIST,
        detail="fristoversikt",
    )


def deadlines_due(
    *,
    ctx: AccessContext,
    service: str = "",
    caseworker_id: int | None = None,
    include_met: bool = False,
    limit: int = 200,
) -> list[Deadline]:
    """The deadline dashboard: open deadlines by due date, so the overdue ones come first.

    Filterable by responsible service and by the household's caseworker. Audited as a list.
    """
    found = list(
        _deadlines_ordered(
            ctx.user, service=service, caseworker_id=caseworker_id, include_met=include_met
        )[:limit]
    )
    _audit_listed(ctx, found)
    return found


def deadlines_page(
    *,
    ctx: AccessContext,
    service: str = "",
    caseworker_id: int | None = None,
    include_met: bool = False,
    page: int = 1,
    per_page: int = DEADLINES_PER_PAGE,
) -> DeadlinePage:
    """One page of ``deadlines_due``, for the dashboard; only the deadlines shown are audited.

    Pages of 50: the dashboard used to render 200 rows with a form each, which took most of its
    time under load (issue 9, ``benchmarks/load.py``), and no caseworker reads that far at once.
    """
    page = max(1, page)
    start = (page - 1) * per_page
    rows = list(
        _deadlines_ordered(
            ctx.user, service=service, caseworker_id=caseworker_id, include_met=include_met
        )[start : start + per_page + 1]
    )
    shown = rows[:per_page]
    _audit_listed(ctx, shown)
    return DeadlinePage(deadlines=shown, number=page, has_next=len(rows) > per_page)


def deadline_get(*, ctx: AccessContext, deadline_id: int) -> Deadline:
    """One deadline the user answers for (``deadlines_for``: a service only its own); 404 otherwise."""
    deadline = deadlines_for(ctx.user).filter(pk=deadline_id).select_related("person").first()
    audit_record(
        ctx=ctx,
        person_id=deadline.person_id if deadline else None,
        action=AuditAction.READ,
        allowed=deadline is not None,
        detail=f"frist {deadline_id}",
    )
    if deadline is None:
        raise NotFound("Finner ikke fristen, eller du har ikke tilgang til den.")
    return deadline


def deadline_counts(user: object, today: datetime.date | None = None) -> dict[str, int]:
    """How many open deadlines are overdue and due within 30 days (for the start page)."""
    today = today or timezone.localdate()
    open_ = deadlines_for(user).filter(met_on__isnull=True)
    return {
        "overdue": open_.filter(due_on__lt=today).count(),
        "soon": open_.filter(
            due_on__gte=today, due_on__lte=today + datetime.timedelta(days=30)
        ).count(),
    }


def consents_of(*, ctx: AccessContext, person_id: int) -> list[Consent]:
    """A person's consents, newest first (the whole case is required to see them)."""
    person = person_get(ctx=ctx, person_id=person_id)
    return list(
        person.consents.prefetch_related("service_rows").select_related(
            "created_by", "withdrawn_by"
        )
    )


def consent_get(*, ctx: AccessContext, consent_id: int) -> Consent:
    consent = (
        Consent.objects.filter(
            pk=consent_id, person__municipality_id__in=municipality_ids_served_by(ctx.user)
        )
        .select_related("person")
        .first()
    )
    if consent is None or not sees_whole_case(ctx.user):
        concerned = Consent.objects.filter(pk=consent_id) if id_in_range(consent_id) else None
        audit_denied(
            ctx=ctx,
            person_ids=concerned.values_list("person_id", flat=True)
            if concerned is not None
            else [],
            detail=f"samtykke {consent_id}",
        )
        raise NotFound("Finner ikke samtykket, eller du har ikke tilgang til det.")
    person_get(ctx=ctx, person_id=consent.person_id)
    return consent


def meeting_get(*, ctx: AccessContext, meeting_id: int) -> Meeting:
    """One meeting of a household the user reaches with the whole case; 404 otherwise."""
    meeting = (
        Meeting.objects.filter(
            pk=meeting_id, household__municipality_id__in=municipality_ids_served_by(ctx.user)
        )
        .select_related("household")
        .first()
    )
    if meeting is None or not sees_whole_case(ctx.user):
        concerned = Meeting.objects.filter(pk=meeting_id) if id_in_range(meeting_id) else None
        audit_denied(
            ctx=ctx,
            person_ids=concerned.values_list("persons", flat=True) if concerned is not None else [],
            detail=f"møte {meeting_id}",
        )
        raise NotFound("Finner ikke møtet, eller du har ikke tilgang til det.")
    audit_record_many(
        ctx=ctx,
        person_ids=[p.pk for p in meeting.persons.all()],
        action=AuditAction.READ,
        detail=f"møte {meeting.pk}",
    )
    return meeting


def household_case_get(
    *, ctx: AccessContext, household_id: int, what: str
) -> tuple[Household, list[Person]]:
    """A household the user reaches with the whole case, with its members; 404 otherwise.

    For the parts of a household's case (its meetings, its establishment support, named by
    ``what``): a service that reaches the household through consent is refused as if it did not
    exist, audited as denied with the members; ``household_get`` audits the members' read.
    """
    if not sees_whole_case(ctx.user):
        reachable = id_in_range(household_id)
        concerned = Person.objects.filter(household_id=household_id) if reachable else None
        audit_denied(
            ctx=ctx,
            person_ids=concerned.values_list("pk", flat=True) if concerned is not None else [],
            detail=f"{what} i husstand {household_id}",
        )
        raise NotFound(f"Finner ikke husstanden, eller du har ikke tilgang til {what}.")
    return household_get(ctx=ctx, household_id=household_id)


def household_meetings(*, ctx: AccessContext, household_id: int) -> tuple[Household, list[Meeting]]:
    """A household the user reaches with the whole case, and its meetings; 404 otherwise."""
    household, _members = household_case_get(ctx=ctx, household_id=household_id, what="møtene")
    meetings = list(household.meetings.prefetch_related("persons").order_by("scheduled_on", "pk"))
    return household, meetings


# --- Applications for the disability grant, per municipality -----------------------------------

NO_DISABILITY_GRANTS = (
    "Søknader om tilskudd ved nedsatt funksjonsevne er for flyktningtjenesten og kommunens ledere."
)


def disability_grant_municipalities(user: object) -> QuerySet[Municipality]:
    """The municipalities whose applications the user sees: the grants of the municipalities the
    refugee service or the leader works for (``programme_municipality_ids``); 403 for anyone else."""
    ids = programme_municipality_ids(user)
    if not ids:
        raise PermissionDenied(NO_DISABILITY_GRANTS)
    return Municipality.objects.filter(pk__in=ids).order_by("name")


def disability_grant_applications_in(
    *,
    ctx: AccessContext,
    municipality: Municipality,
    budget_year: int | None = None,
    status: str = "",
) -> list[DisabilityGrantApplication]:
    """A municipality's applications, newest budget year first, of persons the user reaches;
    audited as a list. 404 for a municipality the user does not work for."""
    if municipality.pk not in programme_municipality_ids(ctx.user):
        audit_record(
            ctx=ctx,
            person_id=None,
            action=AuditAction.LIST,
            allowed=False,
            detail=f"søknader om tilskudd ved nedsatt funksjonsevne, {municipality.number}",
        )
        raise NotFound("Finner ikke kommunen, eller du har ikke tilgang til den.")
    applications = DisabilityGrantApplication.objects.filter(
        municipality=municipality, person__in=persons_visible_to(ctx.user).values("pk")
    )
    if budget_year is not None:
        applications = applications.filter(budget_year=budget_year)
    if status:
        applications = applications.filter(status=status)
    found = list(
        applications.select_related("person", "person__household").order_by(
            "-budget_year", "person__family_name", "person__given_name", "pk"
        )[:500]
    )
    audit_record_many(
        ctx=ctx,
        person_ids=sorted({a.person_id for a in found}),
        action=AuditAction.LIST,
        detail=f"søknader om tilskudd ved nedsatt funksjonsevne, {municipality.number}",
    )
    return found


def disability_grant_open_deadlines(
    *, ctx: AccessContext, municipality: Municipality
) -> list[Deadline]:
    """The municipality's open application deadlines for the disability grant, the earliest
    first (``deadlines_for``: the refugee service and the leader see them all); audited."""
    deadlines = list(
        deadlines_for(ctx.user)
        .filter(municipality=municipality, kind=DISABILITY_GRANT_DEADLINE, met_on__isnull=True)
        .select_related("person")
        .order_by("due_on", "pk")[:500]
    )
    audit_record_many(
        ctx=ctx,
        person_ids=sorted({d.person_id for d in deadlines}),
        action=AuditAction.LIST,
        detail=f"frister for søknad om tilskudd ved nedsatt funksjonsevne, {municipality.number}",
    )
    return deadlines
