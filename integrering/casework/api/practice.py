"""API for practice contracts (seed 002 Vedlegg 1): list, create, and the PDF to print and sign.

The same services as the pages; ``person_get`` first, so another municipality gets 404.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.audit.services import AccessContext
from integrering.people.models import InformationCategory
from integrering.people.selectors import person_get
from integrering.schemas import ErrorOut, ObjectId

from ..models import PracticeContract
from ..services.practice import (
    PracticeContractInput,
    practice_contract_create,
    practice_contract_filename,
    practice_contract_of,
    practice_contract_pdf,
    practice_contracts_of,
)

router = Router(tags=["praksisavtaler"])

PLAN = InformationCategory.PLAN


class PracticeContractIn(Schema):
    """Every field may be left out here: the service says which are missing, by field."""

    employer_name: str = Field("", description="Bedriftens navn")
    employer_address: str = Field("", description="Bedriftens adresse")
    workplace: str = Field("", description="Arbeidssted eller avdeling (valgfritt)")
    supervisor_name: str = Field("", description="Veileder på arbeidsplassen")
    supervisor_phone: str = Field("", description="Veileders telefon (valgfritt)")
    contact_person: str = Field("", description="Kontaktperson i introduksjonsprogrammet")
    starts_on: datetime.date | None = Field(None, description="Første dag i praksis")
    ends_on: datetime.date | None = Field(None, description="Siste dag i praksis")
    hours_per_week: Decimal | None = Field(
        None, description="Timer per uke, over 0 og høyst fulltid i programmet (37,5)"
    )
    working_hours: str = Field("", description="Arbeidstid, f.eks. «mandag–torsdag 08.30–14.30»")
    goal: str = Field("", description="Målsetting")
    tasks: str = Field("", description="Arbeidsoppgaver")
    employer_responsibility: str = Field("", description="Arbeidsgivers ansvar")
    contact_responsibility: str = Field("", description="Kontaktpersonens ansvar")
    programme_responsibility: str = Field("", description="Introduksjonsprogrammets ansvar")


class PracticeContractOut(Schema):
    id: int
    person: int
    employer_name: str
    employer_address: str
    workplace: str
    supervisor_name: str
    supervisor_phone: str
    contact_person: str
    starts_on: datetime.date
    ends_on: datetime.date
    hours_per_week: str = Field(description="Timer per uke, med punktum som desimaltegn")
    working_hours: str
    goal: str
    tasks: str
    employer_responsibility: str
    contact_responsibility: str
    programme_responsibility: str
    version: int
    created_at: datetime.datetime
    pdf_url: str

    @staticmethod
    def of(contract: PracticeContract) -> PracticeContractOut:
        return PracticeContractOut(
            id=contract.pk,
            person=contract.person_id,
            employer_name=contract.employer_name,
            employer_address=contract.employer_address,
            workplace=contract.workplace,
            supervisor_name=contract.supervisor_name,
            supervisor_phone=contract.supervisor_phone,
            contact_person=contract.contact_person,
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
            hours_per_week=f"{Decimal(contract.hours_per_week):.1f}",
            working_hours=contract.working_hours,
            goal=contract.goal,
            tasks=contract.tasks,
            employer_responsibility=contract.employer_responsibility,
            contact_responsibility=contract.contact_responsibility,
            programme_responsibility=contract.programme_responsibility,
            version=contract.version,
            created_at=contract.created_at,
            pdf_url=reverse(
                "api:practice_contract_pdf",
                kwargs={"person_id": contract.person_id, "contract_id": contract.pk},
            ),
        )


@router.get(
    "{person_id}/practice-contracts",
    response={200: list[PracticeContractOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="En persons praksisavtaler",
)
def practice_contracts_list(request: HttpRequest, person_id: ObjectId) -> list[PracticeContractOut]:
    person = person_get(ctx=AccessContext.from_request(request), person_id=person_id, category=PLAN)
    return [PracticeContractOut.of(c) for c in practice_contracts_of(person=person)]


@router.post(
    "{person_id}/practice-contracts",
    response={
        201: PracticeContractOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Ny praksisavtale (bare flyktningtjenesten)",
)
def practice_contract_post(
    request: HttpRequest, person_id: ObjectId, payload: PracticeContractIn
) -> Status[PracticeContractOut]:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=PLAN, edit=True)
    contract = practice_contract_create(
        ctx=ctx, person=person, data=PracticeContractInput(**payload.dict())
    )
    return Status(201, PracticeContractOut.of(contract))


@router.get(
    "{person_id}/practice-contracts/{contract_id}/pdf",
    response={401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Praksisavtalen som PDF, til utskrift og signering",
    url_name="practice_contract_pdf",
    openapi_extra={
        "responses": {
            "200": {
                "description": "PDF (A4)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def practice_contract_pdf_get(
    request: HttpRequest, person_id: ObjectId, contract_id: ObjectId
) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=PLAN)
    contract = practice_contract_of(person=person, contract_id=contract_id)
    response = HttpResponse(
        practice_contract_pdf(ctx=ctx, contract=contract), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{practice_contract_filename(contract)}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
