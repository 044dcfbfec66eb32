"""Grant claims and the national introduction register export: the pages and their downloads.

For the refugee service and municipal leaders of the municipalities they serve. The claim and
the export name the municipality and the year in query parameters (the isolation sweep knows only
object ids as route parameters); a municipality out of the user's reach is not found (404). Every
person shown or exported is written to the audit log by the services.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext

from ..forms import ClaimExportForm, ClaimForm, RegisterForm
from ..services import grant_claims, register_export
from ..services.grant_claims import (
    GRANTS,
    claim_municipalities_require,
    claim_municipality_get,
    default_budget_year,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors_text(form: forms.Form) -> str:
    return "\n".join(str(message) for messages in form.errors.values() for message in messages)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def grant_claim(request: HttpRequest) -> HttpResponse:
    """The claim of a municipality for a budget year: every grant, its sums and its persons."""
    municipalities = claim_municipalities_require(request.user)
    form = ClaimForm(
        {
            "year": request.GET.get("year") or default_budget_year(),
            "municipality": request.GET.get("municipality", ""),
        },
        municipalities=municipalities,
    )
    context: dict[str, Any] = {"form": form, "municipalities": municipalities}
    if not form.is_valid():
        return render(request, "programme/grant_claim.html", context, status=422)
    municipality = claim_municipality_get(
        user=request.user, number=form.cleaned_data["municipality"]
    )
    year = form.cleaned_data["year"]
    claim = grant_claims.grant_claim_for(
        ctx=AccessContext.from_request(request),
        municipality=municipality,
        budget_year=year,
        action=AuditAction.LIST,
    )
    exports = {
        grant: {
            fmt: "?"
            + urlencode(
                {"year": year, "grant": grant, "format": fmt, "municipality": municipality.number}
            )
            for fmt in ("csv", "xlsx")
        }
        for grant in GRANTS
    }
    context.update(
        {
            "claim": claim,
            "municipality": municipality,
            "exports": exports,
            "disability_note": grant_claims.DISABILITY_NOTE,
        }
    )
    return render(request, "programme/grant_claim.html", context)


@require_GET
@login_required
def grant_claim_export(request: HttpRequest) -> HttpResponse:
    """One grant of the claim as CSV or Excel; bad parameters are 400 with the reasons."""
    municipalities = claim_municipalities_require(request.user)
    form = ClaimExportForm(request.GET, municipalities=municipalities)
    if not form.is_valid():
        return HttpResponse(
            _errors_text(form), status=400, content_type="text/plain; charset=utf-8"
        )
    municipality = claim_municipality_get(
        user=request.user, number=form.cleaned_data["municipality"]
    )
    grant, fmt = form.cleaned_data["grant"], form.cleaned_data["format"]
    claim = grant_claims.grant_claim_for(
        ctx=AccessContext.from_request(request),
        municipality=municipality,
        budget_year=form.cleaned_data["year"],
        grants=[grant],
        action=AuditAction.EXPORT,
    )
    section = claim.section(grant)
    if section is not None and section.message:
        return HttpResponse(section.message, status=422, content_type="text/plain; charset=utf-8")
    filename = grant_claims.grant_claim_filename(claim, grant, fmt)
    if fmt == "csv":
        return _download(
            grant_claims.grant_claim_csv(claim, grant), "text/csv; charset=utf-8", filename
        )
    return _download(grant_claims.grant_claim_xlsx(claim, grant), XLSX, filename)


@require_GET
@login_required
def register_export_view(request: HttpRequest) -> HttpResponse:
    """The national introduction register export: a summary and the downloads (JSON, CSV)."""
    municipalities = claim_municipalities_require(request.user)
    form = RegisterForm(
        {key: request.GET.get(key, "") for key in ("municipality", "from", "to", "format")},
        municipalities=municipalities,
    )
    context: dict[str, Any] = {"form": form, "municipalities": municipalities}
    if not form.is_valid():
        status = 400 if request.GET.get("format") else 422
        if request.GET.get("format"):
            return HttpResponse(
                _errors_text(form), status=status, content_type="text/plain; charset=utf-8"
            )
        return render(request, "programme/register_export.html", context, status=status)
    municipality = claim_municipality_get(
        user=request.user, number=form.cleaned_data["municipality"]
    )
    from_on, to_on, fmt = (
        form.cleaned_data["from"],
        form.cleaned_data["to"],
        form.cleaned_data["format"],
    )
    if fmt:
        export = register_export.register_export(
            ctx=AccessContext.from_request(request),
            municipality=municipality,
            from_on=from_on,
            to_on=to_on,
        )
        filename = register_export.register_filename(export, fmt)
        if fmt == "csv":
            return _download(
                register_export.register_csv(export.data), "text/csv; charset=utf-8", filename
            )
        return _download(register_export.register_json(export.data), "application/json", filename)
    # The page shows counts only, no person: nothing to audit until a file is downloaded.
    data, _ = register_export.register_data(municipality=municipality, from_on=from_on, to_on=to_on)
    params = {"municipality": municipality.number}
    if from_on:
        params["from"] = from_on.isoformat()
    if to_on:
        params["to"] = to_on.isoformat()
    context.update(
        {
            "municipality": municipality,
            "participants": len(data["participants"]),
            "participations": sum(len(p["participations"]) for p in data["participants"]),
            "from_on": from_on,
            "to_on": to_on,
            "downloads": {
                fmt: "?" + urlencode({**params, "format": fmt}) for fmt in register_export.FORMATS
            },
        }
    )
    return render(request, "programme/register_export.html", context)


urlpatterns = [
    path("tilskudd/", grant_claim, name="grant-claim"),
    path("tilskudd/eksport/", grant_claim_export, name="grant-claim-export"),
    path("introduksjonsregister/", register_export_view, name="register-export"),
]
