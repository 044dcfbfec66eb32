"""API for persons and households. Every endpoint reads through the selectors (tenant, consent, audit)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from integrering.audit.services import AccessContext
from integrering.casework.services.arrival import household_receive
from integrering.organisations.models import Municipality
from integrering.people.models import InformationCategory
from integrering.schemas import ErrorOut, ObjectId

from . import selectors
from .models import Category, Person, Relation
from .services import PersonInput

router = Router(tags=["personer"])
household_router = Router(tags=["husstander"])


class PersonOut(Schema):
    id: int
    access: str = Field(
        description="«full»: hele saken; «consent»: det samtykket gir; «limited»: bare at personen finnes og hvem man kontakter"
    )
    contact: str = Field(description="Hvem tjenesten skal kontakte om personen")
    municipality: str = Field(description="Kommunenummeret (4 siffer) der personen er bosatt")
    given_name: str
    family_name: str
    middle_name: str | None = None
    household: int | None = None
    household_reference: str | None = None
    birth_date: datetime.date | None = None
    sex: str | None = None
    identity_number: str | None = None
    duf_number: str | None = None
    relation: str | None = None
    category: str | None = None
    citizenship: str | None = None
    language: str | None = None
    interpreter_needed: bool | None = None
    interpreter_language: str | None = None
    arrival_date: datetime.date | None = None
    settled_on: datetime.date | None = None
    reception_centre: str | None = None

    @staticmethod
    def from_person(person: Person, *, details: bool, access: str, contact: str) -> PersonOut:
        out = PersonOut(
            id=person.pk,
            access=access,
            contact=contact,
            municipality=person.municipality.number,
            given_name=person.given_name,
            family_name=person.family_name,
        )
        if not details:
            return out
        return out.model_copy(
            update={
                "middle_name": person.middle_name,
                "household": person.household_id,
                "household_reference": person.household.reference,
                "birth_date": person.birth_date,
                "sex": person.sex or None,
                "identity_number": person.identity_number,
                "duf_number": person.duf_number,
                "relation": person.relation,
                "category": person.category,
                "citizenship": person.citizenship,
                "language": person.language,
                "interpreter_needed": person.interpreter_needed,
                "interpreter_language": person.interpreter_language,
                "arrival_date": person.arrival_date,
                "settled_on": person.settlement_date,
                "reception_centre": person.reception_centre,
            }
        )


class PersonFilter(Schema):
    q: str = Field(
        "",
        max_length=100,
        description="Navn, fødselsnummer eller DUF-nummer (starten) eller husstandsnummer",
    )
    limit: int = Field(100, ge=1, le=500)


@router.get(
    "", response={200: list[PersonOut], 401: ErrorOut}, summary="Personene du har tilgang til"
)
def persons_list(request: HttpRequest, filters: Query[PersonFilter]) -> list[PersonOut]:
    ctx = AccessContext.from_request(request)
    whole = selectors.sees_whole_case(request.user)
    found = selectors.persons_search(ctx=ctx, query=filters.q, limit=filters.limit)
    return [
        PersonOut.from_person(
            p,
            details=p.details_visible,  # type: ignore[attr-defined]
            access="full" if whole else ("consent" if p.details_visible else "limited"),  # type: ignore[attr-defined]
            contact=selectors.person_contact(p),
        )
        for p in found
    ]


@router.get(
    "{person_id}",
    response={200: PersonOut, 401: ErrorOut, 404: ErrorOut},
    summary="Én person (det samtykket gir tilgang til)",
)
def person_detail(request: HttpRequest, person_id: ObjectId) -> PersonOut:
    access = selectors.person_access_get(
        ctx=AccessContext.from_request(request), person_id=person_id
    )
    return PersonOut.from_person(
        access.person,
        details=access.allows(InformationCategory.PERSONAL),
        access="full" if access.whole_case else ("limited" if access.limited else "consent"),
        contact=access.contact,
    )


class PersonIn(Schema):
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    birth_date: datetime.date
    middle_name: str = Field("", max_length=100)
    sex: str = Field("", description="female, male eller tom")
    identity_number: str | None = Field(None, max_length=14)
    duf_number: str | None = Field(None, max_length=14)
    relation: str = Field(Relation.MAIN, description=", ".join(Relation.values))
    category: str = Field(Category.FROM_RECEPTION, description=", ".join(Category.values))
    citizenship: str = Field("", max_length=100)
    language: str = Field("", max_length=100)
    interpreter_needed: bool = False
    interpreter_language: str = Field("", max_length=100)
    arrival_date: datetime.date | None = None
    settled_on: datetime.date | None = None
    reception_centre: str = Field("", max_length=150)
    disability: bool = False


class HouseholdIn(Schema):
    municipality: str = Field(description="Kommunenummeret (4 siffer)", pattern=r"^\d{4}$")
    reference: str = Field(max_length=30)
    settled_on: datetime.date | None = Field(
        None, description="Med dato sendes varsler til tjenestene og fristene begynner å løpe."
    )
    members: list[PersonIn] = Field(min_length=1, max_length=20)


class HouseholdOut(Schema):
    id: int
    reference: str
    municipality: str
    settled_on: datetime.date | None
    members: list[int]
    notices: int


@household_router.post(
    "",
    response={201: HouseholdOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Registrer en husstand (og bosett den når datoen er gitt)",
)
def household_create(request: HttpRequest, payload: HouseholdIn) -> Status:
    if not selectors.may_edit_case(request.user):
        raise PermissionDenied("Bare flyktningtjenesten kan registrere husstander.")
    municipality = Municipality.objects.filter(
        number=payload.municipality,
        pk__in=selectors.municipality_ids_served_by(request.user),
    ).first()
    if municipality is None:
        raise ValidationError(
            {
                "municipality": [
                    f"Kommune {payload.municipality} finnes ikke, eller du bosetter ikke der."
                ]
            }
        )
    household = household_receive(
        ctx=AccessContext.from_request(request),
        municipality=municipality,
        reference=payload.reference,
        members=[
            PersonInput(
                **{
                    **m.model_dump(),
                    "identity_number": m.identity_number or None,
                    "duf_number": m.duf_number or None,
                }
            )
            for m in payload.members
        ],
        settled_on=payload.settled_on,
        caseworker=request.user,  # type: ignore[arg-type]
    )
    return Status(
        201,
        HouseholdOut(
            id=household.pk,
            reference=household.reference,
            municipality=municipality.number,
            settled_on=household.settled_on,
            members=list(household.members.values_list("pk", flat=True)),
            notices=household.notices.count(),
        ),
    )


@household_router.get(
    "{household_id}",
    response={200: HouseholdOut, 401: ErrorOut, 404: ErrorOut},
    summary="Én husstand",
)
def household_detail(request: HttpRequest, household_id: ObjectId) -> HouseholdOut:
    household, members = selectors.household_get(
        ctx=AccessContext.from_request(request), household_id=household_id
    )
    if not members:
        raise Http404("Finner ikke husstanden, eller du har ikke tilgang til den.")
    return HouseholdOut(
        id=household.pk,
        reference=household.reference,
        municipality=household.municipality.number,
        settled_on=household.settled_on,
        members=[m.pk for m in members],
        notices=household.notices.count(),
    )
