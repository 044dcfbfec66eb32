"""The integration-package report to the directorate: the page and its downloads (seed 003).

For the refugee service and municipal leaders of the municipalities they serve, beside the grant
claims and the register export. The municipality and the round are query parameters (the
isolation sweep knows only object ids as route parameters); a municipality out of the user's
reach is not found (404). Every participant shown or exported is written to the audit log.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext

from ..forms import PackageReportForm
from ..services import package_report
from ..services.grant_claims import claim_municipalities_require, claim_municipality_get

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = "programme/package_report.html"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def package_report_view(request: HttpRequest) -> HttpResponse:
    """How many participants have got or will get each measure, per package and period, with the
    directorate's deadline; ``format=csv`` or ``xlsx`` downloads it."""
    municipalities = claim_municipalities_require(request.user)
    packages = package_report.report_packages()
    form = PackageReportForm(
        {
            "municipality": request.GET.get("municipality", ""),
            "package": request.GET.get("package") or packages[-1],
            "format": request.GET.get("format", ""),
        },
        municipalities=municipalities,
    )
    context: dict[str, Any] = {"form": form, "municipalities": municipalities}
    if not form.is_valid():
        if request.GET.get("format"):
            text = "\n".join(str(m) for messages in form.errors.values() for m in messages)
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
        return render(request, TEMPLATE, context, status=422)
    municipality = claim_municipality_get(
        user=request.user, number=form.cleaned_data["municipality"]
    )
    fmt = form.cleaned_data["format"]
    report = package_report.package_report_for(
        ctx=AccessContext.from_request(request),
        municipality=municipality,
        package=form.cleaned_data["package"],
        action=AuditAction.EXPORT if fmt else AuditAction.LIST,
    )
    filename = package_report.package_report_filename(report, fmt or "csv")
    if fmt == "csv":
        return _download(
            package_report.package_report_csv(report), "text/csv; charset=utf-8", filename
        )
    if fmt == "xlsx":
        return _download(package_report.package_report_xlsx(report), XLSX, filename)
    params = {"municipality": municipality.number, "package": report.package}
    context.update(
        {
            "report": report,
            "municipality": municipality,
            "measures": package_report.MEASURES,
            "downloads": {
                f: "?" + urlencode({**params, "format": f}) for f in package_report.FORMATS
            },
        }
    )
    return render(request, TEMPLATE, context)


urlpatterns = [
    path("integreringspakker/", package_report_view, name="package-report"),
]
