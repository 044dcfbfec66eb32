"""Cost coverage of Norwegian training (seed 001): the reports with the import form, one report's
table, and its export. For the directorate's analysts: anyone else gets 403 on the list and 404
on a report (``services.cost_report_get``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from integrering.ui.forms import form_add_service_errors

from ..forms import CostImportForm
from ..services import (
    cost_export_csv,
    cost_export_filename,
    cost_export_xlsx,
    cost_report_get,
    cost_report_import,
    cost_table,
    reports_for,
)


@require_http_methods(["GET", "POST"])
@login_required
def cost_list(request: HttpRequest) -> HttpResponse:
    """The imported tables, newest first, and the form to import one."""
    reports = reports_for(request.user)
    status = 200
    if request.method == "POST":
        form = CostImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = cost_report_import(
                    user=request.user,
                    year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"],
                    filename=upload.name,
                    content=upload.read(),
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, f"«{report.title}» er importert.")
                return redirect("finance:cost-detail", report_id=report.pk)
        else:
            status = 422
    else:
        form = CostImportForm()
    return render(
        request, "finance/cost_list.html", {"reports": reports, "form": form}, status=status
    )


@require_GET
@login_required
def cost_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """One table as in seed 001, with the sum row."""
    report = cost_report_get(request.user, report_id)
    return render(request, "finance/cost_detail.html", {"table": cost_table(report)})


@require_GET
@login_required
def cost_export(request: HttpRequest, report_id: int) -> HttpResponse:
    """The table as Excel (``?format=xlsx``, the default) or CSV (``?format=csv``)."""
    report = cost_report_get(request.user, report_id)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    table = cost_table(report)
    if fmt == "csv":
        response = HttpResponse(cost_export_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            cost_export_xlsx(table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{cost_export_filename(report, fmt)}"'
    return response


urlpatterns = [
    path("kostnadsdekning/", cost_list, name="cost-list"),
    path("kostnadsdekning/<int:report_id>/", cost_detail, name="cost-detail"),
    path("kostnadsdekning/<int:report_id>/eksport/", cost_export, name="cost-export"),
]
