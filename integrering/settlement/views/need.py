"""The settlement planner's front page, the year's settlement need, and the year's progress.

Settlement planning is the directorate's (``accounts.access.planner_require``): anyone else gets 403 on
the front page and 404 on the pages of a year. A year outside ``need_years`` is 404 too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import planner_require, planner_require_or_404
from integrering.audit.services import AccessContext
from integrering.ui.forms import form_add_service_errors

from ..forms import NeedForm, YearForm
from ..selectors import NOT_FOUND
from ..services.need import need_for, need_revisions, need_save, need_year_error
from ..services.progress import (
    CHART_GROUPS,
    GROUP_LABELS,
    progress_chart_svg,
    progress_chart_text,
    settlement_progress,
    waiting_households_count,
)
from ..services.reception import reception_overview


def _year_or_404(year: int) -> None:
    if need_year_error(year) is not None:
        raise Http404(NOT_FOUND)


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The planner's front page: the year's key figures and the way to each task."""
    planner_require(request.user)
    year = timezone.localdate().year
    status = 200
    form = YearForm(request.GET) if "year" in request.GET else YearForm(initial={"year": year})
    if form.is_bound:
        if form.is_valid():
            year = form.cleaned_data["year"]
        else:
            status = 422
    progress = settlement_progress(year=year)
    context = {
        "year": year,
        "form": form,
        "progress": progress,
        "total": progress.total,
        "minors": progress.row("unaccompanied_minors"),
        "waiting": waiting_households_count(year),
        "reception": reception_overview(),
    }
    return render(request, "settlement/home.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def need(request: HttpRequest, year: int) -> HttpResponse:
    """The year's need: the figures in force, the form to enter or revise them, the history."""
    planner_require_or_404(request.user)
    _year_or_404(year)
    current = need_for(year)
    initial: dict[str, Any] = {"version": 0}
    if current is not None:
        initial = {
            "from_reception": current.from_reception,
            "outside_reception": current.outside_reception,
            "transfer_refugees": current.transfer_refugees,
            "unaccompanied_minors": current.unaccompanied_minors,
            "note": current.note,
            "version": current.version,
        }
    form = NeedForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = NeedForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                need_save(
                    ctx=AccessContext.from_request(request),
                    year=year,
                    from_reception=data["from_reception"],
                    outside_reception=data["outside_reception"],
                    transfer_refugees=data["transfer_refugees"],
                    unaccompanied_minors=data["unaccompanied_minors"],
                    note=data["note"],
                    reason=data["reason"],
                    version=data["version"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Bosettingsbehovet for {year} er "
                    + ("endret." if current is not None else "registrert."),
                )
                return redirect("settlement:need", year=year)
        else:
            status = 422
    context = {
        "year": year,
        "need": current,
        "form": form,
        "revisions": need_revisions(current),
    }
    return render(request, "settlement/need.html", context, status=status)


@require_GET
@login_required
def progress(request: HttpRequest, year: int) -> HttpResponse:
    """The year's progress as a table (by group) and a chart, with the chart's figures as a
    table too (its text alternative)."""
    planner_require_or_404(request.user)
    _year_or_404(year)
    result = settlement_progress(year=year)
    context = {
        "year": year,
        "progress": result,
        "chart_text": progress_chart_text(result),
        "chart_groups": [GROUP_LABELS[key] for key in CHART_GROUPS],
    }
    return render(request, "settlement/progress.html", context)


@require_GET
@login_required
def progress_chart(request: HttpRequest, year: int) -> HttpResponse:
    """The progress chart as an SVG image (for ``<img>``; the page has the same figures)."""
    planner_require_or_404(request.user)
    _year_or_404(year)
    svg = progress_chart_svg(settlement_progress(year=year))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response


urlpatterns: list = [
    path("bosetting/", home, name="home"),
    path("bosetting/<int:year>/behov/", need, name="need"),
    path("bosetting/<int:year>/fremdrift/", progress, name="progress"),
    path("bosetting/<int:year>/fremdrift.svg", progress_chart, name="progress-chart"),
]
