"""The year's requests to municipalities (anmodninger) and their decisions (vedtak): the pages.

- ``request-list`` (``/bosetting/<year>/anmodninger/``): the year's need, the spread form, the
  national and county sums, and the requests table, filterable by county and by «not answered»;
  ``?format=xlsx`` downloads the (filtered) table as Excel. POST spreads the need.
- ``request-detail`` (``/bosetting/anmodninger/<request_id>/``): one municipality's figures,
  computed against requested, the form to adjust the request and the form to record the
  decision (POST with ``action`` = ``adjust`` or ``decision``), and what has been changed.

Settlement planning is the directorate's: anyone else gets 404 (a year and an id are in the URL).
The figures are aggregates, not personal data; the pages are still not cached.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from integrering.audit.services import AccessContext
from integrering.rules.parameters import RulesError
from integrering.ui.forms import form_add_service_errors
from integrering.ui.http import no_store

from ..forms import AdjustForm, DecisionForm, FilterForm, SpreadForm
from ..models import MunicipalDecision, MunicipalityFacts, SettlementNeed, SettlementRequest
from ..selectors import (
    planning_year_require,
    settlement_request_get,
)
from ..services.requests import (
    decision_of,
    decision_record,
    facts_command,
    request_adjust,
    request_rows,
    requests_spread,
    requests_summary,
    requests_xlsx,
)
from ..spreading import DROP, Criteria, percent_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _criteria(year: int) -> Criteria | None:
    """The request criteria in force on 1 January of the year; None before the first (2019)."""
    try:
        return Criteria.in_force(datetime.date(year, 1, 1))
    except RulesError:
        return None


def criteria_lines(criteria: Criteria | None) -> list[str]:
    """The criteria in force, as the page explains them (seed 001, from 2019)."""
    if criteria is None:
        return []
    limit = percent_text(criteria.max_immigrant_share)
    return [
        f"Resultater i integreringsarbeidet og muligheten for arbeid vektes med "
        f"{percent_text(criteria.results_weight)}.",
        f"Kapasitet, målt ved innbyggertall, vektes med {percent_text(criteria.population_weight)}.",
        f"Ingen kommune anmodes om færre enn {criteria.minimum} personer.",
        f"Kommuner der innvandrere er over {limit} av befolkningen, anmodes ikke, med mindre de "
        "vurderes særskilt (for eksempel kommuner med integreringsmottak og randkommunene deres).",
    ]


def _list_context(request: HttpRequest, year: int, filters: FilterForm) -> dict[str, Any]:
    county, not_answered = "", False
    if filters.is_valid():
        county = filters.cleaned_data["county"]
        not_answered = filters.cleaned_data["not_answered"]
    all_rows = request_rows(year=year)
    summary = requests_summary(year, all_rows)
    rows = request_rows(year=year, county=county, not_answered=not_answered)
    query = request.GET.copy()
    query["format"] = "xlsx"
    return {
        "year": year,
        "summary": summary,
        "need": summary.need,
        "rows": rows,
        "has_requests": bool(all_rows),
        "filters": filters,
        "filtered": bool(county or not_answered),
        "county": county,
        "xlsx_query": query.urlencode(),
        "facts_command": facts_command(year),
        "decided_count": summary.national.answered,
    }


@require_http_methods(["GET", "POST"])
@login_required
def request_list(request: HttpRequest, year: int) -> HttpResponse:
    """The year's requests: spread the need, the sums, the table (and its Excel download)."""
    year = planning_year_require(request.user, year)
    criteria = _criteria(year)
    minimum = criteria.minimum if criteria else None
    need = SettlementNeed.objects.filter(year=year).first()
    filters = FilterForm(request.GET or None)
    status = 200
    if request.method == "POST":
        form = SpreadForm(request.POST, minimum=minimum)
        if form.is_valid():
            try:
                created = requests_spread(
                    ctx=AccessContext.from_request(request),
                    year=year,
                    need=form.cleaned_data["need"],
                    below_minimum=form.cleaned_data["below_minimum"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                asked = sum(1 for r in created if r.requested > 0)
                messages.success(
                    request,
                    f"Behovet på {form.cleaned_data['need']} personer er fordelt: {asked} av "
                    f"{len(created)} kommuner er anmodet.",
                )
                return redirect("settlement:request-list", year=year)
        else:
            status = 422
    else:
        if request.GET.get("format") == "xlsx":
            return _xlsx(request, year, filters)
        form = SpreadForm(
            initial={"need": need.total if need else None, "below_minimum": DROP},
            minimum=minimum,
        )
    context = _list_context(request, year, filters)
    context.update(
        {
            "form": form,
            "criteria": criteria,
            "criteria_lines": criteria_lines(criteria),
            "facts_available": MunicipalityFacts.objects.filter(year=year).count(),
        }
    )
    return no_store(render(request, "settlement/request_list.html", context, status=status))


def _xlsx(request: HttpRequest, year: int, filters: FilterForm) -> HttpResponse:
    if filters.is_bound and not filters.is_valid():
        messages_text = " ".join(str(m) for ms in filters.errors.values() for m in ms)
        return HttpResponseBadRequest(messages_text, content_type="text/plain; charset=utf-8")
    data = filters.cleaned_data if filters.is_bound else {}
    rows = request_rows(
        year=year, county=data.get("county", ""), not_answered=data.get("not_answered", False)
    )
    response = HttpResponse(requests_xlsx(year, rows), content_type=XLSX)
    suffix = f"-fylke-{data['county']}" if data.get("county") else ""
    suffix += "-ikke-svart" if data.get("not_answered") else ""
    response["Content-Disposition"] = f'attachment; filename="anmodninger-{year}{suffix}.xlsx"'
    return no_store(response)


def _by(user: Any) -> str:
    return user.display_name if user is not None else ""


def request_history(
    request: SettlementRequest, decision: MunicipalDecision | None
) -> list[dict[str, Any]]:
    """What has happened to the request, oldest first: computed, last adjusted, decision recorded.

    Only the last adjustment and the last recording of the decision are kept by the models.
    """
    events = [
        {
            "at": request.created_at,
            "text": f"Beregnet ved fordelingen: {request.computed} personer.",
            "by": "",
        }
    ]
    if request.adjusted_at:
        events.append(
            {
                "at": request.adjusted_at,
                "text": f"Anmodningen satt til {request.requested} personer, hvorav "
                f"{request.unaccompanied_minors} enslige mindreårige. Begrunnelse: "
                f"{request.adjustment_reason}",
                "by": _by(request.adjusted_by),
            }
        )
    if decision is not None:
        events.append(
            {
                "at": decision.recorded_at,
                "text": f"Vedtak registrert: {decision.decided} personer, hvorav "
                f"{decision.unaccompanied_minors} enslige mindreårige, vedtatt "
                f"{decision.decided_on:%d.%m.%Y}.",
                "by": _by(decision.recorded_by),
            }
        )
    return sorted(events, key=lambda event: event["at"])


def _detail_context(
    request: SettlementRequest,
    *,
    adjust_form: AdjustForm | None = None,
    decision_form: DecisionForm | None = None,
) -> dict[str, Any]:
    decision = decision_of(request)
    facts = MunicipalityFacts.objects.filter(
        year=request.year, municipality=request.municipality
    ).first()
    if adjust_form is None:
        adjust_form = AdjustForm(
            prefix="adjust",
            initial={
                "requested": request.requested,
                "unaccompanied_minors": request.unaccompanied_minors,
                "version": request.version,
            },
        )
    if decision_form is None:
        if decision is not None:
            initial = {
                "decided": decision.decided,
                "unaccompanied_minors": decision.unaccompanied_minors,
                "large_dwellings": decision.large_dwellings,
                "decided_on": decision.decided_on,
                "note": decision.note,
                "version": decision.version,
            }
        else:
            initial = {
                "unaccompanied_minors": 0,
                "decided_on": timezone.localdate(),
                "version": 0,
            }
        decision_form = DecisionForm(prefix="decision", initial=initial)
    return {
        "history": request_history(request, decision),
        "share_text": percent_text(facts.immigrant_share) if facts else "",
        "settlement_request": request,
        "municipality": request.municipality,
        "year": request.year,
        "facts": facts,
        "decision": decision,
        "difference": decision.decided - request.requested if decision else None,
        "adjust_form": adjust_form,
        "decision_form": decision_form,
        "criteria": _criteria(request.year),
    }


@require_http_methods(["GET", "POST"])
@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """One municipality's request: adjust it with a reason, record its decision."""
    settlement_request = settlement_request_get(request.user, request_id)
    status = 200
    context_forms: dict[str, Any] = {}
    if request.method == "POST":
        ctx = AccessContext.from_request(request)
        action = request.POST.get("action")
        if action == "adjust":
            form = AdjustForm(request.POST, prefix="adjust")
            if form.is_valid():
                data = form.cleaned_data
                try:
                    request_adjust(
                        ctx=ctx,
                        request=settlement_request,
                        requested=data["requested"],
                        unaccompanied_minors=data["unaccompanied_minors"],
                        reason=data["reason"],
                        version=data["version"],
                    )
                except ValidationError as exc:
                    status = form_add_service_errors(form, exc)
                else:
                    messages.success(request, "Anmodningen er endret.")
                    return redirect("settlement:request-detail", request_id=request_id)
            else:
                status = 422
            context_forms["adjust_form"] = form
        elif action == "decision":
            decision_form = DecisionForm(request.POST, prefix="decision")
            if decision_form.is_valid():
                data = decision_form.cleaned_data
                try:
                    decision_record(
                        ctx=ctx,
                        request=settlement_request,
                        decided=data["decided"],
                        unaccompanied_minors=data["unaccompanied_minors"],
                        large_dwellings=data["large_dwellings"],
                        decided_on=data["decided_on"],
                        note=data["note"],
                        version=data["version"],
                    )
                except ValidationError as exc:
                    status = form_add_service_errors(decision_form, exc)
                else:
                    messages.success(request, "Vedtaket er registrert.")
                    return redirect("settlement:request-detail", request_id=request_id)
            else:
                status = 422
            context_forms["decision_form"] = decision_form
        else:
            return HttpResponseBadRequest(
                "Ukjent handling: skjemaet må sende action=adjust eller action=decision.",
                content_type="text/plain; charset=utf-8",
            )
    context = _detail_context(settlement_request, **context_forms)
    return no_store(render(request, "settlement/request_detail.html", context, status=status))


urlpatterns: list = [
    path("bosetting/<int:year>/anmodninger/", request_list, name="request-list"),
    path("bosetting/anmodninger/<int:request_id>/", request_detail, name="request-detail"),
]
