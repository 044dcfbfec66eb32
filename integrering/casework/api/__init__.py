"""API for consents, notices and deadlines: the same services and selectors as the pages.

The mapping, the individual plan and practice contracts have their own modules (``mapping.py``,
``plan.py``, ``practice.py``), and so do meetings and signing (``meetings.py``, ``signing.py``,
mounted under this router). These routes stay in the package itself because django-ninja
names each operation after its module (``integrering_casework_api_...``): the operation ids of
the published schema do not change.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import may_edit_case
from integrering.audit.services import AccessContext
from integrering.people.models import Consent, ConsentBasis
from integrering.people.selectors import person_get
from integrering.schemas import ErrorOut, ObjectId

from .. import selectors
from ..deadline_labels import deadline_label
from ..models import Deadline, Notice
from ..services.consent import ConsentInput, consent_give, consent_withdraw
from ..services.deadlines import deadline_meet, population_registration_record
from ..services.notices import notice_acknowledge
from .meetings import router as meetings_router
from .signing import router as signing_router
from .transfers import router as transfers_router

router = Router(tags=["saksbehandling"])
# Meetings and signing have their own modules (their operation ids name those modules); they
# hang under this router, so the assembly (``integrering/api.py``) mounts them with it.
router.add_router("", meetings_router)
router.add_router("", signing_router)
router.add_router("", transfers_router)


class ConsentOut(Schema):
    id: int
    person: int
    basis: str
    legal_reference: str
    services: list[str]
    categories: list[str]
    valid_from: datetime.date
    valid_to: datetime.date | None
    signed_on: datetime.date | None
    active: bool
    withdrawn_at: datetime.datetime | None

    @staticmethod
    def of(consent: Consent) -> ConsentOut:
        return ConsentOut(
            id=consent.pk,
            person=consent.person_id,
            basis=consent.basis,
            legal_reference=consent.legal_reference,
            services=consent.services,
            categories=sorted(consent.categories),
            valid_from=consent.valid_from,
            valid_to=consent.valid_to,
            signed_on=consent.signed_on,
            active=consent.is_active(timezone.localdate()),
            withdrawn_at=consent.withdrawn_at,
        )


class ConsentIn(Schema):
    services: list[str] = Field(
        description="nav, adult_education, kindergarten, school, health, housing, child_welfare"
    )
    categories: list[str] = Field(description="personal, mapping, health, plan")
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    signed_on: datetime.date | None = None
    basis: str = Field(ConsentBasis.CONSENT, description="consent eller legal")
    legal_reference: str = Field("", max_length=200)
    signed_by_guardian: str = Field("", max_length=150)
    remarks: str = Field("", max_length=2000)


class WithdrawIn(Schema):
    services: list[str] = Field(
        default_factory=list, description="Tom liste: hele samtykket trekkes tilbake"
    )


@router.get(
    "persons/{person_id}/consents",
    response={200: list[ConsentOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="En persons samtykker",
)
def consents_list(request: HttpRequest, person_id: ObjectId) -> list[ConsentOut]:
    consents = selectors.consents_of(ctx=AccessContext.from_request(request), person_id=person_id)
    return [ConsentOut.of(c) for c in consents]


@router.post(
    "persons/{person_id}/consents",
    response={201: ConsentOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Registrer samtykke eller lovhjemmel",
)
def consents_create(request: HttpRequest, person_id: ObjectId, payload: ConsentIn) -> Status:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    consent = consent_give(ctx=ctx, person=person, data=ConsentInput(**payload.model_dump()))
    return Status(201, ConsentOut.of(consent))


@router.post(
    "consents/{consent_id}/withdraw",
    response={200: list[ConsentOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Trekk tilbake et samtykke, helt eller for noen tjenester",
)
def consents_withdraw(
    request: HttpRequest, consent_id: ObjectId, payload: WithdrawIn
) -> list[ConsentOut]:
    ctx = AccessContext.from_request(request)
    consent = selectors.consent_get(ctx=ctx, consent_id=consent_id)
    if not may_edit_case(request.user):
        raise PermissionDenied(
            "Bare flyktningtjenesten kan registrere at samtykke trekkes tilbake."
        )
    remaining = consent_withdraw(ctx=ctx, consent=consent, services=payload.services or None)
    consent.refresh_from_db()
    return [ConsentOut.of(c) for c in (consent, remaining) if c is not None]


class NoticePersonOut(Schema):
    id: int
    name: str
    birth_date: datetime.date
    citizenship: str
    reception_centre: str


class NoticeOut(Schema):
    id: int
    service: str
    municipality: str
    household_reference: str
    subject: str
    due_on: datetime.date | None
    created_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    persons: list[NoticePersonOut]

    @staticmethod
    def of(notice: Notice) -> NoticeOut:
        return NoticeOut(
            id=notice.pk,
            service=notice.service,
            municipality=notice.municipality.number,
            household_reference=notice.household.reference,
            subject=notice.subject,
            due_on=notice.due_on,
            created_at=notice.created_at,
            acknowledged_at=notice.acknowledged_at,
            persons=[
                NoticePersonOut(
                    id=p.pk,
                    name=p.full_name,
                    birth_date=p.birth_date,
                    citizenship=p.citizenship,
                    reception_centre=p.reception_centre,
                )
                for p in notice.persons.all()
            ],
        )


class NoticeFilter(Schema):
    all: bool = Field(False, description="Ta med varsler som er mottatt")


@router.get(
    "notices/", response={200: list[NoticeOut], 401: ErrorOut}, summary="Innboksen for din tjeneste"
)
def notices_list(request: HttpRequest, filters: Query[NoticeFilter]) -> list[NoticeOut]:
    notices = selectors.notices_inbox(
        ctx=AccessContext.from_request(request), include_acknowledged=filters.all
    )
    return [NoticeOut.of(n) for n in notices]


@router.post(
    "notices/{notice_id}/acknowledge",
    response={200: NoticeOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Marker et varsel som mottatt",
)
def notices_acknowledge(request: HttpRequest, notice_id: ObjectId) -> NoticeOut:
    ctx = AccessContext.from_request(request)
    notice = selectors.notice_get(ctx=ctx, notice_id=notice_id)
    return NoticeOut.of(notice_acknowledge(ctx=ctx, notice=notice))


class DeadlineOut(Schema):
    id: int
    person: int
    person_name: str
    kind: str
    label: str
    service: str
    start_on: datetime.date
    due_on: datetime.date
    overdue: bool
    met_on: datetime.date | None
    met_by: str | None

    @staticmethod
    def of(deadline: Deadline, today: datetime.date) -> DeadlineOut:
        return DeadlineOut(
            id=deadline.pk,
            person=deadline.person_id,
            person_name=deadline.person.full_name,
            kind=deadline.kind,
            label=deadline_label(deadline.kind),
            service=deadline.service,
            start_on=deadline.start_on,
            due_on=deadline.due_on,
            overdue=deadline.is_overdue(today),
            met_on=deadline.met_on,
            met_by=deadline.met_by.get_username() if deadline.met_by else None,
        )


class DeadlineFilter(Schema):
    service: str = Field("", description="Bare frister for denne tjenesten")
    caseworker: ObjectId | None = Field(
        None, description="Bare husstander med denne kontaktpersonen (bruker-id)"
    )
    include_met: bool = False
    limit: int = Field(200, ge=1, le=1000)


@router.get(
    "deadlines/",
    response={200: list[DeadlineOut], 401: ErrorOut},
    summary="Frister etter forfallsdato, forfalte først",
)
def deadlines_list(request: HttpRequest, filters: Query[DeadlineFilter]) -> list[DeadlineOut]:
    today = timezone.localdate()
    deadlines = selectors.deadlines_due(
        ctx=AccessContext.from_request(request),
        service=filters.service,
        caseworker_id=filters.caseworker,
        include_met=filters.include_met,
        limit=filters.limit,
    )
    return [DeadlineOut.of(d, today) for d in deadlines]


class MeetIn(Schema):
    met_on: datetime.date
    note: str = Field("", max_length=300)


@router.post(
    "deadlines/{deadline_id}/met",
    response={200: DeadlineOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Registrer at en frist er oppfylt",
)
def deadlines_meet(request: HttpRequest, deadline_id: ObjectId, payload: MeetIn) -> DeadlineOut:
    ctx = AccessContext.from_request(request)
    deadline = selectors.deadline_get(ctx=ctx, deadline_id=deadline_id)
    met = deadline_meet(ctx=ctx, deadline=deadline, met_on=payload.met_on, note=payload.note)
    return DeadlineOut.of(met, timezone.localdate())


class PopulationRegistrationIn(Schema):
    registered_on: datetime.date = Field(
        description="Dagen personen ble folkeregistrert i kommunen"
    )
    version: int = Field(description="Personens versjon slik du leste den")


class PopulationRegistrationOut(Schema):
    person: int
    registered_on: datetime.date
    version: int
    deadlines: list[DeadlineOut]


@router.put(
    "persons/{person_id}/population-registration",
    response={
        200: PopulationRegistrationOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Registrer når personen ble folkeregistrert i kommunen (fristen for norskopplæring)",
)
def population_registration_put(
    request: HttpRequest, person_id: ObjectId, payload: PopulationRegistrationIn
) -> PopulationRegistrationOut:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    person = population_registration_record(
        ctx=ctx, person=person, registered_on=payload.registered_on, version=payload.version
    )
    today = timezone.localdate()
    assert person.population_registered_on is not None
    return PopulationRegistrationOut(
        person=person.pk,
        registered_on=person.population_registered_on,
        version=person.version,
        deadlines=[
            DeadlineOut.of(d, today)
            for d in person.deadlines.select_related("person", "met_by").order_by("due_on")
        ],
    )
