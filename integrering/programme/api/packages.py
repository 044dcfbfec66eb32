"""API for the integration-package report to the directorate (seed 003).

The same service and query parameters as the page (``views/packages.py``): a municipality out of
the user's reach is 404, a user without the refugee service or municipal leader role 403, and
bad parameters 422 with the reasons in Norwegian. Every participant in an answer is audited.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut

from ..forms import PackageReportForm
from ..services import package_report
from ..services.grant_claims import claim_municipalities_require, claim_municipality_get

router = Router(tags=["integreringspakker"])


class PackageCountOut(Schema):
    package: str
    measure: str = Field(description="programme eller norwegian_training")
    label: str
    target_group: str
    participants: int = Field(description="Deltakere som har fått eller skal få tiltaket")
    given: int = Field(description="Herav fått innen svarfristen")
    to_be_given: int = Field(description="Herav skal få")
    rate: str
    amount: str
    late: bool = Field(description="Sen rapportering av en tidligere pakke")


class PackageParticipantOut(Schema):
    person: int
    participation: int | None
    package: str
    measure: str
    months: int
    from_on: datetime.date
    given: bool
    late: bool
    decision_status: str


class PackageReportOut(Schema):
    municipality: str
    municipality_name: str
    package: str
    period: str
    sent_on: datetime.date | None
    deadline: datetime.date
    payout: str | None
    late_packages: list[str]
    total: str
    counts: list[PackageCountOut]
    participants: list[PackageParticipantOut]
    problems: list[str]
    references: list[dict[str, str]]


@router.get(
    "",
    response={200: PackageReportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Rapportering av integreringspakkene: deltakere som har fått eller skal få tiltakene",
)
def package_report_get(
    request: HttpRequest,
    package: str | None = Query(
        None, description="Integreringspakke II eller III (rapporteringen)"
    ),
    municipality: str | None = Query(None, description="Kommunenummer; uten: brukerens egen"),
) -> dict[str, Any]:
    municipalities = claim_municipalities_require(request.user)
    form = PackageReportForm(
        {
            "municipality": municipality or "",
            "package": package or package_report.report_packages()[-1],
            "format": "",
        },
        municipalities=municipalities,
    )
    if not form.is_valid():
        raise ValidationError({f: list(messages) for f, messages in form.errors.items()})
    found = claim_municipality_get(user=request.user, number=form.cleaned_data["municipality"])
    report = package_report.package_report_for(
        ctx=AccessContext.from_request(request),
        municipality=found,
        package=form.cleaned_data["package"],
        action=AuditAction.LIST,
    )
    return report.to_json()
