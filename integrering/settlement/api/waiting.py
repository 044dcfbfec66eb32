"""API for the households waiting for settlement (issue 21): list, register, read, change (with
the version read: a stale one is 409), withdraw; and the file import (queued for the worker: 202,
then follow it with GET).

The same services and selectors as the pages, for settlement planners only: anyone else gets 403
on the lists and 404 on a household or an import. Every read and write of a waiting person is
audited.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import File, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from integrering.accounts.access import planner_require
from integrering.audit.services import AccessContext
from integrering.people.imports import upload_errors
from integrering.schemas import ErrorOut, ObjectId

from ..models import ReceptionCentre, WaitingHousehold, WaitingHouseholdImport, WaitingPerson
from ..selectors import (
    STATUS_ALL,
    audit_waiting_list,
    waiting_household_read,
    waiting_households_listed,
    waiting_import_get,
)
from ..services.waiting import (
    WaitingHouseholdInput,
    WaitingPersonInput,
    waiting_household_create,
    waiting_household_update,
    waiting_household_withdraw,
)
from ..services.waiting_import import header_errors
from ..services.waiting_import_queue import waiting_import_queue

router = Router(tags=["bosetting"])
PER_PAGE = 100


class WaitingPersonIn(Schema):
    id: ObjectId | None = Field(
        None, description="Personens id ved endring; uten id legges personen til"
    )
    given_name: str
    family_name: str
    birth_date: datetime.date
    duf_number: str = Field(description="12 siffer med kontrollsifre")
    permit_type: str = Field(
        description="asylum, humanitarian, collective_protection, resettlement eller "
        "family_reunification"
    )
    permit_date: datetime.date | None = None
    sex: str = Field("", description="female, male eller tom")
    relation: str = Field("main", description="main, spouse, cohabitant, child eller other")
    citizenship: str = ""
    language: str = Field("", description="Morsmål")
    interpreter_needed: bool = False
    interpreter_language: str = ""
    unaccompanied_minor: bool = Field(
        False, description="Enslig mindreårig: under 18 år når husstanden er klar for bosetting"
    )

    def to_input(self) -> WaitingPersonInput:
        return WaitingPersonInput(**self.model_dump())


class WaitingHouseholdIn(Schema):
    reference: str = Field(description="Husstandens referanse, høyst 30 tegn")
    reception_centre: ObjectId | None = Field(None, description="Mottakets id, eller null")
    ready_on: datetime.date | None = Field(
        None, description="Klar for bosetting (ventetiden regnes herfra); null: i dag"
    )
    year: int | None = Field(None, description="Bosettingsåret; null: året husstanden er klar")
    category: str = Field(
        "",
        description="from_reception, transfer_refugee, family_reunification, "
        "unaccompanied_minor, eller tom (finnes fra personene)",
    )
    large_dwelling: bool = False
    adaptation_needs: list[str] = Field(
        default_factory=list,
        description="Koder fra parameteren settlement/adaptation_needs: wheelchair, "
        "near_hospital, regular_treatment, other",
    )
    adaptation_note: str = Field("", description="Påkrevd ved «other»")
    tie_municipality: str = Field(
        "", description="Kommunenummeret husstanden har tilknytning til og bare kan bosettes i"
    )
    tie_kind: str = Field("", description="family eller network; påkrevd med tie_municipality")
    members: list[WaitingPersonIn]

    def to_input(self) -> WaitingHouseholdInput:
        return WaitingHouseholdInput(
            reference=self.reference,
            members=[m.to_input() for m in self.members],
            reception_centre_id=self.reception_centre,
            ready_on=self.ready_on,
            year=self.year,
            category=self.category,
            large_dwelling=self.large_dwelling,
            adaptation_needs=self.adaptation_needs,
            adaptation_note=self.adaptation_note,
            tie_municipality=self.tie_municipality,
            tie_kind=self.tie_kind,
        )


class WaitingHouseholdUpdateIn(WaitingHouseholdIn):
    version: int = Field(description="Versjonen du leste; en eldre versjon gir 409")


class WaitingHouseholdWithdrawIn(Schema):
    reason: str = Field(description="moved_out, left_country, settled_self eller other")
    note: str = Field("", description="Påkrevd ved «other»")
    withdrawn_on: datetime.date | None = Field(None, description="Null: i dag")
    version: int


class WaitingPersonOut(Schema):
    id: int
    given_name: str
    family_name: str
    birth_date: datetime.date
    age: int = Field(description="Alder i dag")
    sex: str
    duf_number: str
    relation: str
    permit_type: str
    permit_date: datetime.date | None
    citizenship: str
    language: str
    interpreter_needed: bool
    interpreter_language: str
    unaccompanied_minor: bool

    @staticmethod
    def of(person: WaitingPerson, today: datetime.date) -> WaitingPersonOut:
        values = {
            name: getattr(person, name)
            for name in WaitingPersonOut.model_fields
            if name not in {"age"}
        }
        return WaitingPersonOut(**values, age=person.age_on(today))


class WaitingHouseholdOut(Schema):
    id: int
    reference: str
    status: str = Field(description="waiting, confirmed eller withdrawn")
    year: int
    category: str
    reception_centre: int | None
    reception_centre_name: str | None
    ready_on: datetime.date
    days_waited: int = Field(
        description="Dager fra klar for bosetting til i dag (eller til bekreftet/trukket)"
    )
    persons: int
    large_dwelling: bool
    school_children: int = Field(description="Telles fra personene")
    unaccompanied_minors: int = Field(description="Telles fra personene")
    adaptation_needs: list[str]
    adaptation_note: str
    tie_municipality: str | None
    tie_kind: str
    confirmed_municipality: str | None
    withdrawn_on: datetime.date | None
    withdrawal_reason: str
    withdrawal_note: str
    version: int
    updated_at: datetime.datetime

    @staticmethod
    def of(household: WaitingHousehold, persons: int, today: datetime.date) -> WaitingHouseholdOut:
        centre = household.reception_centre
        return WaitingHouseholdOut(
            id=household.pk,
            reference=household.reference,
            status=household.status,
            year=household.year,
            category=household.category,
            reception_centre=centre.pk if centre else None,
            reception_centre_name=centre.name if centre else None,
            ready_on=household.ready_on,
            days_waited=household.days_waited(today),
            persons=persons,
            large_dwelling=bool(household.large_dwelling),
            school_children=household.school_children,
            unaccompanied_minors=household.unaccompanied_minors,
            adaptation_needs=list(household.adaptation_needs),
            adaptation_note=household.adaptation_note,
            tie_municipality=household.required_municipality.number
            if household.required_municipality
            else None,
            tie_kind=household.tie_kind,
            confirmed_municipality=household.confirmed_municipality.number
            if household.confirmed_municipality
            else None,
            withdrawn_on=household.withdrawn_on,
            withdrawal_reason=household.withdrawal_reason,
            withdrawal_note=household.withdrawal_note,
            version=household.version,
            updated_at=household.updated_at,
        )


class WaitingHouseholdDetailOut(WaitingHouseholdOut):
    members: list[WaitingPersonOut]


class WaitingHouseholdPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[WaitingHouseholdOut]


class WaitingListQuery(Schema):
    status: str = Field("waiting", description="waiting, confirmed, withdrawn eller all")
    year: int | None = None
    reception_centre: ObjectId | None = Field(None, description="Mottakets id")
    need: str = Field(
        "",
        description="En behovskode (wheelchair, near_hospital, regular_treatment, other), eller "
        "any, large_dwelling, unaccompanied_minors, school_children, tie",
    )
    q: str = Field("", description="Referanse, navn eller DUF-nummer")
    page: int = Field(1, ge=1)


def _detail(request: HttpRequest, pk: int) -> WaitingHouseholdDetailOut:
    household, members = waiting_household_read(ctx=AccessContext.from_request(request), pk=pk)
    today = timezone.localdate()
    out = WaitingHouseholdOut.of(household, len(members), today)
    return WaitingHouseholdDetailOut(
        **out.model_dump(), members=[WaitingPersonOut.of(m, today) for m in members]
    )


@router.get(
    "waiting-households",
    response={200: WaitingHouseholdPageOut, 401: ErrorOut, 403: ErrorOut},
    summary="Husstander som venter på bosetting, de som har ventet lengst først (100 per side)",
)
def waiting_households_list(
    request: HttpRequest, filters: Query[WaitingListQuery]
) -> WaitingHouseholdPageOut:
    ctx = AccessContext.from_request(request)
    planner_require(request.user)
    statuses = {"waiting", "confirmed", "withdrawn", STATUS_ALL}
    if filters.status not in statuses:
        raise ValidationError(
            {"status": ["Status må være waiting, confirmed, withdrawn eller all."]}
        )
    centre = None
    if filters.reception_centre is not None:
        centre = ReceptionCentre.objects.filter(pk=filters.reception_centre).first()
        if centre is None:
            raise ValidationError(
                {"reception_centre": [f"Finner ikke mottak med id {filters.reception_centre}."]}
            )
    households = waiting_households_listed(
        ctx=ctx,
        year=filters.year,
        status=filters.status,
        centre=centre,
        need=filters.need,
        query=filters.q,
    )
    paginator = Paginator(households, PER_PAGE)
    page = paginator.get_page(filters.page)
    today = timezone.localdate()
    shown = list(page.object_list)
    audit_waiting_list(
        ctx=ctx, references=[h.reference for h in shown], what="venter på bosetting (API)"
    )
    return WaitingHouseholdPageOut(
        count=paginator.count,
        page=page.number,
        pages=paginator.num_pages,
        results=[WaitingHouseholdOut.of(h, h.member_count, today) for h in shown],  # type: ignore[attr-defined]
    )


@router.post(
    "waiting-households",
    response={201: WaitingHouseholdDetailOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Registrer en husstand som venter på bosetting, med personene",
)
def waiting_household_create_api(
    request: HttpRequest, payload: WaitingHouseholdIn
) -> Status[WaitingHouseholdDetailOut]:
    """All or nothing; every problem by field (``members.0.duf_number`` for a person)."""
    planner_require(request.user)
    household = waiting_household_create(
        ctx=AccessContext.from_request(request), data=payload.to_input()
    )
    return Status(201, _detail(request, household.pk))


@router.get(
    "waiting-households/{waiting_household_id}",
    response={200: WaitingHouseholdDetailOut, 401: ErrorOut, 404: ErrorOut},
    summary="En husstand som venter, med personene",
)
def waiting_household_read_api(
    request: HttpRequest, waiting_household_id: ObjectId
) -> WaitingHouseholdDetailOut:
    return _detail(request, waiting_household_id)


@router.put(
    "waiting-households/{waiting_household_id}",
    response={
        200: WaitingHouseholdDetailOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Endre en husstand som venter (med versjonen du leste)",
)
def waiting_household_update_api(
    request: HttpRequest, waiting_household_id: ObjectId, payload: WaitingHouseholdUpdateIn
) -> WaitingHouseholdDetailOut:
    """Members with an ``id`` are changed, without one added; members left out are removed.
    A stale ``version`` is 409 and nothing is saved."""
    ctx = AccessContext.from_request(request)
    household, _ = waiting_household_read(ctx=ctx, pk=waiting_household_id)
    waiting_household_update(
        ctx=ctx, household=household, data=payload.to_input(), version=payload.version
    )
    return _detail(request, household.pk)


@router.post(
    "waiting-households/{waiting_household_id}/withdraw",
    response={
        200: WaitingHouseholdDetailOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Trekk en husstand fra bosetting, med årsak (den plasseres ikke lenger)",
)
def waiting_household_withdraw_api(
    request: HttpRequest, waiting_household_id: ObjectId, payload: WaitingHouseholdWithdrawIn
) -> WaitingHouseholdDetailOut:
    ctx = AccessContext.from_request(request)
    household, _ = waiting_household_read(ctx=ctx, pk=waiting_household_id)
    waiting_household_withdraw(
        ctx=ctx,
        household=household,
        reason=payload.reason,
        note=payload.note,
        withdrawn_on=payload.withdrawn_on,
        version=payload.version,
    )
    return _detail(request, household.pk)


# --- Import ----------------------------------------------------------------------------------


class WaitingImportQueuedOut(Schema):
    id: int
    status: str = Field(description="queued, running, succeeded eller failed")
    url: str = Field(description="Adressen der importens status og feil kan hentes")


class WaitingImportErrorOut(Schema):
    row: int | None = Field(description="Radnummeret i filen (overskriftsraden er rad 1)")
    column: str = Field(description="Kolonnen feilen gjelder, eller tom")
    message: str
    text: str = Field(description="Feilen som én linje: «Rad 7, DUF-nummer: …»")


class WaitingImportOut(Schema):
    id: int
    filename: str
    status: str = Field(description="queued, running, succeeded eller failed")
    total_rows: int
    processed_rows: int = Field(description="Rader som er kontrollert")
    progress_percent: int
    errors: list[WaitingImportErrorOut]
    households_created: int
    persons_created: int

    @staticmethod
    def of(upload: WaitingHouseholdImport) -> WaitingImportOut:
        return WaitingImportOut(
            id=upload.pk,
            filename=upload.filename,
            status=upload.status,
            total_rows=upload.total_rows,
            processed_rows=upload.processed_rows,
            progress_percent=upload.progress_percent,
            errors=[WaitingImportErrorOut(**e) for e in upload.errors],
            households_created=upload.households_created,
            persons_created=upload.persons_created,
        )


@router.post(
    "waiting-household-imports",
    response={202: WaitingImportQueuedOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Last opp en liste over husstander som venter (CSV eller .xlsx); importen kjører i "
    "bakgrunnen",
)
def waiting_import_create(request: HttpRequest, file: File[UploadedFile | None] = None) -> Status:
    """All or nothing: with one bad row nothing is written, and every error is listed (GET)."""
    planner_require(request.user)  # before the file is looked at: 403 for anyone else
    if file is None:
        raise ValidationError({"file": ["Send filen som multipart/form-data i feltet «file»."]})
    filename = file.name or ""
    content = b""
    problems = upload_errors(
        filename=filename,
        content_type=file.content_type or "",
        size=file.size or 0,
        max_bytes=settings.IMPORT_MAX_BYTES,
    )
    if not problems:
        content = file.read()
        problems = header_errors(filename=filename, content=content)
    if problems:
        raise ValidationError({"file": problems})
    upload = waiting_import_queue(user=request.user, filename=filename, content=content)
    url = reverse("api:waiting_import_read", kwargs={"waiting_import_id": upload.pk})
    return Status(202, WaitingImportQueuedOut(id=upload.pk, status=upload.status, url=url))


@router.get(
    "waiting-household-imports/{waiting_import_id}",
    response={200: WaitingImportOut, 401: ErrorOut, 404: ErrorOut},
    summary="Status, fremdrift og feil for én import av husstander som venter",
)
def waiting_import_read(request: HttpRequest, waiting_import_id: ObjectId) -> WaitingImportOut:
    return WaitingImportOut.of(waiting_import_get(request.user, waiting_import_id))
