"""API for grant claims and the national introduction register export.

The same services and query parameters as the pages (``views/grants.py``): a municipality out of
the user's reach is 404, a user without the refugee service or municipal leader role 403, and
bad parameters 422 with the reasons in Norwegian. Every person in an answer is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from ninja import Query, Router, Schema
from pydantic import Field

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut

from ..forms import ClaimForm, RegisterForm
from ..services import grant_claims, register_export
from ..services.grant_claims import (
    GRANTS,
    claim_municipalities_require,
    claim_municipality_get,
    default_budget_year,
)

router = Router(tags=["tilskudd"])
register_router = Router(tags=["introduksjonsregister"])


class ClaimSumOut(Schema):
    kind: str
    code: str = Field("", description="Tilskuddskoden i IMDi Tilskudd (AR-1, P-AR1-H, EMINB ...)")
    label: str
    count: int
    amount: str = Field(description="Beløp med to desimaler")


class ClaimSectionOut(Schema):
    grant: str = Field(description="integration, norwegian, unaccompanied_minors eller packages")
    title: str
    message: str | None = Field(
        description="Hvorfor tilskuddet ikke kan beregnes (for eksempel ingen satser for året)"
    )
    total: str
    sums: list[ClaimSumOut]
    lines: list[dict[str, Any]] = Field(
        description="Én linje per person og type, med personen bak beløpet"
    )
    problems: list[str]
    notes: list[str]
    references: list[dict[str, str]]
    one_off_total: str | None = Field(None, description="Engangstilskuddene (integreringstilskudd)")


class GrantClaimOut(Schema):
    municipality: str
    municipality_name: str
    budget_year: int
    total: str
    grants: dict[str, ClaimSectionOut]
    not_included: list[str]


def _invalid(form: Any) -> ValidationError:
    return ValidationError({field: list(messages) for field, messages in form.errors.items()})


@router.get(
    "",
    response={200: GrantClaimOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Tilskuddskrav for en kommune og et budsjettår, med personene bak hver sum",
)
def grant_claim_get(
    request: HttpRequest,
    year: str | None = Query(None, description="Budsjettåret, for eksempel 2018"),
    municipality: str | None = Query(
        None, description="Kommunenummer; uten: brukerens egen kommune"
    ),
    grant: str | None = Query(
        None,
        description="Bare ett tilskudd: integration, norwegian, unaccompanied_minors eller packages",
    ),
) -> dict[str, Any]:
    municipalities = claim_municipalities_require(request.user)
    form = ClaimForm(
        {"year": year or default_budget_year(), "municipality": municipality or ""},
        municipalities=municipalities,
    )
    if not form.is_valid():
        raise _invalid(form)
    if grant and grant not in GRANTS:
        raise ValidationError(
            {
                "grant": [
                    f"Ukjent tilskudd «{grant}»; velg integration, norwegian, unaccompanied_minors eller packages."
                ]
            }
        )
    found = claim_municipality_get(user=request.user, number=form.cleaned_data["municipality"])
    claim = grant_claims.grant_claim_for(
        ctx=AccessContext.from_request(request),
        municipality=found,
        budget_year=form.cleaned_data["year"],
        grants=[grant] if grant else tuple(GRANTS),
        action=AuditAction.LIST,
    )
    return claim.to_json()


@register_router.get(
    "",
    response={401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Eksport til Nasjonalt introduksjonsregister (JSON eller CSV), se docs/introduction-register.md",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Eksporten: JSON (format integrering-introduksjonsregister, versjon 1) eller CSV",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def introduction_register_get(
    request: HttpRequest,
    municipality: str | None = Query(None, description="Kommunenummer; uten: brukerens egen"),
    export_format: str = Query("json", alias="format", description="json eller csv"),
    from_on: str | None = Query(None, alias="from", description="Fra og med (åååå-mm-dd)"),
    to_on: str | None = Query(None, alias="to", description="Til og med (åååå-mm-dd)"),
) -> HttpResponse:
    municipalities = claim_municipalities_require(request.user)
    form = RegisterForm(
        {
            "municipality": municipality or "",
            "from": from_on or "",
            "to": to_on or "",
            "format": export_format or "json",
        },
        municipalities=municipalities,
    )
    if not form.is_valid():
        raise _invalid(form)
    found = claim_municipality_get(user=request.user, number=form.cleaned_data["municipality"])
    export = register_export.register_export(
        ctx=AccessContext.from_request(request),
        municipality=found,
        from_on=form.cleaned_data["from"],
        to_on=form.cleaned_data["to"],
    )
    fmt = form.cleaned_data["format"] or "json"
    if fmt == "csv":
        response = HttpResponse(
            register_export.register_csv(export.data), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{register_export.register_filename(export, "csv")}"'
        )
    else:
        response = HttpResponse(
            register_export.register_json(export.data), content_type="application/json"
        )
    patch_cache_control(response, private=True, no_store=True)
    return response
