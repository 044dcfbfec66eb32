"""The settlement planner's front page, the year's settlement need (its figures, or its forecast
of parts by group with the planner's adjustments and the printed total), and the year's progress.

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

from ..forms import (
    NeedForecastForm,
    NeedForm,
    NeedPartAdjustForm,
    NeedPrintedTotalForm,
    YearForm,
)
from ..models import SettlementNeed
from ..selectors import NOT_FOUND
from ..services.need import (
    PartValues,
    need_for,
    need_parts,
    need_printed_total_save,
    need_revisions,
    need_save,
    need_year_error,
)
from ..services.need_forecast import (
    GROUP_INPUTS,
    GROUPS,
    PERMIT_UNDER_15,
    ForecastInput,
    GroupInput,
    forecast_input_of,
    input_name,
    need_forecast_save,
    need_part_adjust,
    part_table,
    reception_basis,
    revision_part_table,
)
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
    parts = need_parts(current)  # a forecast's figures follow from its parts (need_save refuses)
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
        "table": part_table(parts),
        "revisions": [
            (r, revision_part_table(r.parts), _difference(r.printed_total, r.total))
            for r in need_revisions(current)
        ],
    }
    return render(request, "settlement/need.html", context, status=status)


def _difference(printed_total: int | None, total: int) -> int | None:
    return None if printed_total is None else printed_total - total


def _forecast_input(data: dict[str, Any]) -> ForecastInput:
    return ForecastInput(
        counted_on=data["counted_on"],
        permit_under_15=data[PERMIT_UNDER_15],
        groups={
            group: GroupInput(**{name: data[input_name(name, group)] for name in GROUP_INPUTS})
            for group in GROUPS
        },
    )


def _forecast_initial(current: SettlementNeed | None) -> dict[str, Any]:
    inputs = forecast_input_of(current, timezone.localdate())
    initial: dict[str, Any] = {
        "counted_on": inputs.counted_on,
        PERMIT_UNDER_15: inputs.permit_under_15,
        "note": current.note if current else "",
        "version": current.version if current else 0,
    }
    for group in GROUPS:
        for name in GROUP_INPUTS:
            initial[input_name(name, group)] = getattr(inputs.group(group), name)
        rate = inputs.group(group).rate
        initial[input_name("rate", group)] = str(rate).replace(".", ",")  # as typed: «70,33»
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def need_forecast(request: HttpRequest, year: int) -> HttpResponse:
    """Forecast the year's need from the reception counts and the planner's expectations per
    group; the form is filled with the saved forecast's inputs."""
    planner_require_or_404(request.user)
    _year_or_404(year)
    current = need_for(year)
    form = NeedForecastForm(initial=_forecast_initial(current))
    status = 200
    if request.method == "POST":
        form = NeedForecastForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                need_forecast_save(
                    ctx=AccessContext.from_request(request),
                    year=year,
                    inputs=_forecast_input(data),
                    note=data["note"],
                    reason=data["reason"],
                    version=data["version"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, f"Bosettingsbehovet for {year} er beregnet.")
                return redirect("settlement:need", year=year)
        else:
            status = 422
    on = timezone.localdate()
    if form.is_bound and form.cleaned_data.get("counted_on"):
        on = min(form.cleaned_data["counted_on"], on)
    context = {"year": year, "need": current, "form": form, "basis": reception_basis(on)}
    return render(request, "settlement/need_forecast.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def need_part_adjust_page(request: HttpRequest, year: int) -> HttpResponse:
    """Adjust one part of the year's forecast for one group, with a reason (``?part=&group=``
    chooses it)."""
    planner_require_or_404(request.user)
    _year_or_404(year)
    current = need_for(year)
    parts = need_parts(current)
    chosen = request.POST if request.method == "POST" else request.GET
    part = _part_of(parts, chosen.get("part"), chosen.get("group"))
    form = NeedPartAdjustForm(
        initial={
            "part": part.part if part else None,
            "group": part.group if part else None,
            "adjusted": part.adjusted if part else None,
            "version": current.version if current else 0,
        }
    )
    status = 200
    if request.method == "POST":
        form = NeedPartAdjustForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                need_part_adjust(
                    ctx=AccessContext.from_request(request),
                    year=year,
                    part=data["part"],
                    group=data["group"],
                    adjusted=data["adjusted"],
                    reason=data["reason"],
                    version=data["version"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, f"Delen av bosettingsbehovet for {year} er lagret.")
                return redirect("settlement:need", year=year)
        else:
            status = 422
    context = {"year": year, "need": current, "parts": parts, "part": part, "form": form}
    return render(request, "settlement/need_part_adjust.html", context, status=status)


def _part_of(parts: list[PartValues], part: str | None, group: str | None) -> PartValues | None:
    return next((p for p in parts if (p.part, p.group) == (part, group)), None)


@require_http_methods(["GET", "POST"])
@login_required
def need_printed_total(request: HttpRequest, year: int) -> HttpResponse:
    """Enter the need's total as its source prints it, when it differs from the sum of the parts."""
    planner_require_or_404(request.user)
    _year_or_404(year)
    current = need_for(year)
    form = NeedPrintedTotalForm(
        initial={
            "printed_total": current.printed_total if current else None,
            "printed_source": current.printed_source if current else "",
            "version": current.version if current else 0,
        }
    )
    status = 200
    if request.method == "POST":
        form = NeedPrintedTotalForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                need_printed_total_save(
                    ctx=AccessContext.from_request(request),
                    year=year,
                    printed_total=data["printed_total"],
                    printed_source=data["printed_source"],
                    reason=data["reason"],
                    version=data["version"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, f"Den trykte totalen for {year} er lagret.")
                return redirect("settlement:need", year=year)
        else:
            status = 422
    context = {"year": year, "need": current, "form": form}
    return render(request, "settlement/need_printed_total.html", context, status=status)


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
    path("bosetting/<int:year>/behov/prognose/", need_forecast, name="need-forecast"),
    path("bosetting/<int:year>/behov/juster/", need_part_adjust_page, name="need-part-adjust"),
    path("bosetting/<int:year>/behov/trykt-total/", need_printed_total, name="need-printed-total"),
    path("bosetting/<int:year>/fremdrift/", progress, name="progress"),
    path("bosetting/<int:year>/fremdrift.svg", progress_chart, name="progress-chart"),
]
