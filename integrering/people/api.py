"""API for persons. Every endpoint reads through the selectors (tenant, consent, audit)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut

from . import selectors
from .models import Person

router = Router(tags=["personer"])


class PersonOut(Schema):
    id: int
    municipality: str = Field(description="Kommunenummeret (4 siffer) der personen er bosatt")
    household: int
    household_reference: str
    given_name: str
    family_name: str
    birth_date: datetime.date
    identity_number: str | None

    @staticmethod
    def from_person(person: Person) -> PersonOut:
        return PersonOut(
            id=person.pk,
            municipality=person.municipality.number,
            household=person.household_id,
            household_reference=person.household.reference,
            given_name=person.given_name,
            family_name=person.family_name,
            birth_date=person.birth_date,
            identity_number=person.identity_number,
        )


class PersonFilter(Schema):
    q: str = Field(
        "", max_length=100, description="Navn, fødselsnummer (starten) eller husstandsnummer"
    )
    limit: int = Field(100, ge=1, le=500)


@router.get(
    "", response={200: list[PersonOut], 401: ErrorOut}, summary="Personene du har tilgang til"
)
def persons_list(request: HttpRequest, filters: Query[PersonFilter]) -> list[PersonOut]:
    ctx = AccessContext.from_request(request)
    found = selectors.persons_search(ctx=ctx, query=filters.q, limit=filters.limit)
    return [PersonOut.from_person(p) for p in found]


@router.get(
    "{person_id}", response={200: PersonOut, 401: ErrorOut, 404: ErrorOut}, summary="Én person"
)
def person_detail(request: HttpRequest, person_id: int) -> PersonOut:
    person = selectors.person_get(ctx=AccessContext.from_request(request), person_id=person_id)
    return PersonOut.from_person(person)
