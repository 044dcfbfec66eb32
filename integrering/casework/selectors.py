"""Reads of the case, through the people selectors' reach and consent rules, audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.utils import timezone

from integrering.accounts.access import (
    case_transfer_side,
    municipality_ids_served_by,
    programme_municipality_ids,
    sees_whole_case,
)
from integrering.accounts.models import User
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.selectors import audit_events_about
from integrering.audit.services import AccessContext, audit_denied, audit_record, audit_record_many
from integrering.errors import NotFound
from integrering.organisations.models import Municipality
from integrering.people.models import Consent, Household, Person
from integrering.people.selectors import household_get, person_get, persons_visible_to
from integrering.rules.disability_grant import DEADLINE_KIND as DISABILITY_GRANT_DEADLINE
from integrering.schemas import id_in_range
from integrering.ui.filters import due_q
from integrering.ui.paging import Page, page_of

from .models import (
    CaseTransfer,
    Deadline,
    DisabilityGrantApplication,
    MappingRevision,
    Meeting,
    Notice,
    PlanVersion,
    PracticeContract,
    TransferStatus,
)


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


NOTICES_PER_PAGE = 25
NOTICE_NEW, NOTICE_ACKNOWLEDGED, NOTICE_ALL = "nye", "mottatte", "alle"


def notices_page(
    *,
    ctx: AccessContext,
    status: str = NOTICE_NEW,
    service: str = "",
    due: str = "",
    today: datetime.date | None = None,
    page: int = 1,
    per_page: int = NOTICES_PER_PAGE,
) -> Page[Notice]:
    """One page of the inbox (``notices_for``), the earliest due first: new, acknowledged or
    all (``status``), of one of the user's services, by due date (``ui.filters.due_q``). Only the
    notices shown are audited."""
    notices = notices_for(ctx.user, include_acknowledged=status != NOTICE_NEW)
    if status == NOTICE_ACKNOWLEDGED:
        notices = notices.filter(acknowledged_at__isnull=False)
    if service:
        notices = notices.filter(service=service)
    if due:
        notices = notices.filter(due_q("due_on", due, today or timezone.localdate()))
    found: Page[Notice] = page_of(notices.order_by("due_on", "id"), number=page, per_page=per_page)
    audit_record_many(
        ctx=ctx,
        person_ids=sorted({p.pk for n in found for p in n.persons.all()}),
        action=AuditAction.LIST,
        detail="innboks for varsler",
    )
    return found


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


_USER_NAME = ("first_name", "last_name", "username")


def household_caseworkers(user: object) -> QuerySet[User]:
    """The contact persons of the households the user reaches (the dashboard's filter)."""
    # EXISTS per user, not a DISTINCT over every household of the municipality.
    households = Household.objects.filter(
        caseworker=OuterRef("pk"), municipality_id__in=municipality_ids_served_by(user)
    )
    return (
        User.objects.filter(Exists(households))
        .only(*_USER_NAME)
        .order_by("first_name", "last_name")
    )


DEADLINES_PER_PAGE = 50
# A municipality's dashboard may hold hundreds of thousands of deadlines: counted up to this, a
# walk of a thousand index entries (issue 25, item 11).
DEADLINES_COUNTED = 1_000


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
    user: object,
    *,
    service: str,
    caseworker_id: int | None,
    include_met: bool,
    due: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Deadline]:
    deadlines = deadlines_for(user)
    if not include_met:
        deadlines = deadlines.filter(met_on__isnull=True)
    if due:
        deadlines = deadlines.filter(due_q("due_on", due, today or timezone.localdate()))
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
    due: str = "",
    today: datetime.date | None = None,
    page: int = 1,
    per_page: int = DEADLINES_PER_PAGE,
) -> Page[Deadline]:
    """One page of ``deadlines_due``, for the dashboard, with the count of all (up to
    ``DEADLINES_COUNTED``); ``due`` is ``ui.filters.due_q``'s (overdue, this week, this month).
    Only the deadlines shown are audited.

    Pages of 50: the dashboard used to render 200 rows with a form each, which took most of its
    time under load (issue 9, ``benchmarks/load.py``), and no caseworker reads that far at once.
    """
    deadlines = _deadlines_ordered(
        ctx.user,
        service=service,
        caseworker_id=caseworker_id,
        include_met=include_met,
        due=due,
        today=today,
    )
    found: Page[Deadline] = page_of(
        deadlines, number=page, per_page=per_page, count_limit=DEADLINES_COUNTED
    )
    _audit_listed(ctx, found.items)
    return found


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


# --- Moving within five years: the case transfers (seed 002 §2.1) -------------------------------


def transfers_for(user: object) -> QuerySet[CaseTransfer]:
    """The transfers the user is a side of: the refugee service and the leader of the old or the
    new municipality (``case_transfer_side``); nobody else."""
    if not sees_whole_case(user):
        return CaseTransfer.objects.none()
    served = municipality_ids_served_by(user)
    return CaseTransfer.objects.filter(
        Q(from_municipality_id__in=served) | Q(to_municipality_id__in=served)
    ).select_related("household", "from_municipality", "to_municipality")


def transfers_list(*, ctx: AccessContext) -> list[CaseTransfer]:
    """The user's transfers, the open ones first; the persons they name audited as a list."""
    transfers = list(
        transfers_for(ctx.user)
        .prefetch_related("persons")
        .order_by(
            Case(When(status=TransferStatus.PROPOSED, then=0), default=1),
            "-requested_at",
            "-pk",
        )[:500]
    )
    audit_record_many(
        ctx=ctx,
        person_ids=sorted({p.pk for t in transfers for p in t.persons.all()}),
        action=AuditAction.LIST,
        detail="flyttinger",
    )
    return transfers


def transfer_get(
    *, ctx: AccessContext, transfer_id: int, action: str = AuditAction.READ
) -> tuple[CaseTransfer, str]:
    """One transfer and the user's side of it ("from" or "to"), audited; 404 for anyone else."""
    transfer = (
        CaseTransfer.objects.filter(pk=transfer_id)
        .select_related("household", "from_municipality", "to_municipality", "requested_by")
        .first()
        if id_in_range(transfer_id)
        else None
    )
    side = (
        case_transfer_side(
            ctx.user,
            from_municipality_id=transfer.from_municipality_id,
            to_municipality_id=transfer.to_municipality_id,
        )
        if transfer is not None
        else ""
    )
    if transfer is None or not side:
        audit_denied(
            ctx=ctx,
            person_ids=transfer.persons.values_list("pk", flat=True) if transfer else [],
            detail=f"overføring {transfer_id}",
            action=action,
        )
        raise NotFound("Finner ikke flyttingen, eller du har ikke tilgang til den.")
    audit_record_many(
        ctx=ctx,
        person_ids=list(transfer.persons.values_list("pk", flat=True)),
        action=action,
        detail=f"overføring {transfer.pk}",
    )
    return transfer, side


@dataclass(frozen=True)
class FormerCase:
    """What the old municipality wrote in the case while it had it: read-only after the move.

    The mapping and the plan as they were saved last before the handover (their history keeps
    every save), the meetings, consents and practice contracts registered before it, and the
    deadlines it met. Nothing the new municipality writes.
    """

    transfer: CaseTransfer
    persons: list[Person]
    mappings: list[tuple[Person, MappingRevision]]
    plans: list[tuple[Person, PlanVersion]]
    meetings: list[Meeting]
    consents: list[Consent]
    contracts: list[PracticeContract]
    deadlines: list[Deadline]
    changed_meeting_ids: frozenset[int]


def transfer_case_came(transfer: CaseTransfer) -> datetime.datetime | None:
    """When the case came to the old municipality by an earlier move (None: it settled there)."""
    return (
        CaseTransfer.objects.filter(
            household_id=transfer.household_id,
            to_municipality_id=transfer.from_municipality_id,
            handed_over_at__lt=transfer.handed_over_at,
        )
        .order_by("-handed_over_at")
        .values_list("handed_over_at", flat=True)
        .first()
    )


def written_while_had_case(transfer: CaseTransfer, field: str) -> Q:
    """``field`` (a moment) while the old municipality had the case: before this handover, and
    after the handover that brought the case there, if it came by a move. Also for the apps
    above casework that show their part of the old case (``former_sections.py``)."""
    came = transfer_case_came(transfer)
    window = Q(**{f"{field}__lt": transfer.handed_over_at})
    if came is not None:
        window &= Q(**{f"{field}__gte": came})
    return window


def former_case_get(*, ctx: AccessContext, transfer_id: int) -> FormerCase:
    """The old municipality's read of what it wrote in a case it handed over (seed 002 §2.1).

    404 for anyone but the old municipality's refugee service and leader, and before the
    handover (until then they have the case itself). Audited as a read of each person.
    """
    transfer = (
        CaseTransfer.objects.filter(pk=transfer_id, handed_over_at__isnull=False)
        .select_related("household", "from_municipality", "to_municipality")
        .first()
        if id_in_range(transfer_id)
        else None
    )
    side = (
        case_transfer_side(
            ctx.user,
            from_municipality_id=transfer.from_municipality_id,
            to_municipality_id=transfer.to_municipality_id,
        )
        if transfer is not None
        else ""
    )
    if transfer is None or side != "from":
        audit_denied(
            ctx=ctx,
            person_ids=transfer.persons.values_list("pk", flat=True) if transfer else [],
            detail=f"tidligere sak, overføring {transfer_id}",
        )
        raise NotFound("Finner ikke saken, eller du har ikke tilgang til den.")
    persons = list(transfer.persons.order_by("birth_date", "pk"))
    mappings = []
    plans = []
    for person in persons:
        revision = (
            MappingRevision.objects.filter(
                written_while_had_case(transfer, "saved_at"), mapping__person=person
            )
            .order_by("-version")
            .first()
        )
        if revision is not None:
            mappings.append((person, revision))
        version = (
            PlanVersion.objects.filter(
                written_while_had_case(transfer, "saved_at"), plan__person=person
            )
            .order_by("-version")
            .first()
        )
        if version is not None:
            plans.append((person, version))
    meetings = list(
        Meeting.objects.filter(
            written_while_had_case(transfer, "created_at"), household=transfer.household
        )
        .prefetch_related("persons")
        .order_by("scheduled_on", "pk")
    )
    handed_over = transfer.handed_over_at
    assert handed_over is not None  # only handed-over transfers are read here
    changed = frozenset(
        m.pk for m in meetings if m.updated_at is not None and m.updated_at >= handed_over
    )
    audit_record_many(
        ctx=ctx,
        person_ids=[p.pk for p in persons],
        action=AuditAction.READ,
        detail=f"overføring {transfer.pk}: tidligere sak, lesetilgang",
    )
    return FormerCase(
        transfer=transfer,
        persons=persons,
        mappings=mappings,
        plans=plans,
        meetings=meetings,
        consents=list(
            Consent.objects.filter(
                written_while_had_case(transfer, "created_at"), person__in=persons
            )
            .prefetch_related("service_rows")
            .order_by("person_id", "-valid_from")
        ),
        contracts=list(
            PracticeContract.objects.filter(
                written_while_had_case(transfer, "created_at"), person__in=persons
            ).order_by("-starts_on")
        ),
        deadlines=list(
            Deadline.objects.filter(
                person__in=persons, municipality_id=transfer.from_municipality_id
            ).order_by("due_on", "pk")
        ),
        changed_meeting_ids=changed,
    )


def transfer_audit_events(*, transfer: CaseTransfer, side: str) -> list[AuditEvent]:
    """The transfer's entries in the audit log as recorded for the user's municipality (each
    step is recorded once for each side, ``services/transfers.py``)."""
    municipality = transfer.to_municipality if side == "to" else transfer.from_municipality
    return list(
        audit_events_about(
            detail_prefix=f"overføring {transfer.pk}: ",
            detail_suffix=f"; kommune {municipality.number}",
        )[:200]
    )
