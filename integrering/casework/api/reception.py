"""API for receiving a household: register it, and settle it when the date is given (arrival).

Mounted beside ``people``'s household routes under ``/households/``; the route keeps the
operation id it had there (the published schema's contract).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import may_edit_case, municipalities_served_by
from integrering.audit.services import AccessContext
from integrering.people.api import HouseholdOut
from integrering.people.models import Category, Relation
from integrering.people.services import PersonInput
from integrering.schemas import ErrorOut

from ..services.arrival import household_receive

router = Router(tags=["husstander"])


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
    address_line: str = Field("", max_length=150, description="Postadressen vedtaksbrev sendes til")
    postcode: str = Field("", max_length=10, description="Postnummer, 4 siffer")
    post_town: str = Field("", max_length=60)


class HouseholdIn(Schema):
    municipality: str = Field(description="Kommunenummeret (4 siffer)", pattern=r"^\d{4}$")
    reference: str = Field(max_length=30)
    settled_on: datetime.date | None = Field(
        None, description="Med dato sendes varsler til tjenestene og fristene begynner å løpe."
    )
    members: list[PersonIn] = Field(min_length=1, max_length=20)


@router.post(
    "",
    response={201: HouseholdOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Registrer en husstand (og bosett den når datoen er gitt)",
    operation_id="integrering_people_api_household_create",
)
def household_create(request: HttpRequest, payload: HouseholdIn) -> Status:
    if not may_edit_case(request.user):
        raise PermissionDenied("Bare flyktningtjenesten kan registrere husstander.")
    municipality = (
        municipalities_served_by(request.user).filter(number=payload.municipality).first()
    )
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
