"""API for persons and households. Every endpoint reads through the selectors (tenant, consent, audit).

Registering a household, and the household import, are casework's (``casework/api``), with the
operation ids they had here.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from integrering.accounts.access import sees_whole_case
from integrering.audit.services import AccessContext
from integrering.people.models import InformationCategory
from integrering.schemas import ErrorOut, ObjectId

from . import selectors
from .models import Person
from .services import person_postal_address_update

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
    address_line: str | None = Field(
        default=None, description="Postadressen vedtaksbrev sendes til"
    )
    postcode: str | None = Field(default=None, description="Postnummer (4 siffer)")
    post_town: str | None = None
    version: int | None = Field(default=None, description="Personens versjon, for endringer")

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
                "address_line": person.address_line,
                "postcode": person.postcode,
                "post_town": person.post_town,
                "version": person.version,
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
    whole = sees_whole_case(request.user)
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


class PostalAddressIn(Schema):
    address_line: str = Field(
        max_length=150, description="Gateadresse eller postboks; tom sammen med de andre: ingen"
    )
    postcode: str = Field(max_length=10, description="Postnummer, 4 siffer")
    post_town: str = Field(max_length=60)
    version: int = Field(description="Personens versjon slik du leste den")


class PostalAddressOut(Schema):
    person: int
    address_line: str
    postcode: str
    post_town: str
    version: int


@router.put(
    "{person_id}/postal-address",
    response={
        200: PostalAddressOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Registrer postadressen som vedtaksbrev sendes til",
)
def person_postal_address_put(
    request: HttpRequest, person_id: ObjectId, payload: PostalAddressIn
) -> PostalAddressOut:
    ctx = AccessContext.from_request(request)
    person = selectors.person_get(ctx=ctx, person_id=person_id, edit=True)
    person = person_postal_address_update(
        ctx=ctx,
        person=person,
        address_line=payload.address_line,
        postcode=payload.postcode,
        post_town=payload.post_town,
        version=payload.version,
    )
    return PostalAddressOut(
        person=person.pk,
        address_line=person.address_line,
        postcode=person.postcode,
        post_town=person.post_town,
        version=person.version,
    )


class HouseholdOut(Schema):
    id: int
    reference: str
    municipality: str
    settled_on: datetime.date | None
    members: list[int]
    notices: int


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
