"""The year's requests to municipalities (anmodninger) and their decisions (vedtak): the pages.

- ``request-list`` (``/bosetting/<year>/anmodninger/``): the year's need, the spread form (with
  its unaccompanied minors), the national and county sums (settled against decided too), the
  reminders, and the requests table, filterable by county and by «not answered»;
  ``?format=xlsx`` downloads the (filtered) table as Excel (and its county sums);
  ``?del=purring`` is the reminders' state, polled with htmx. POST spreads the need.
- ``request-remind`` (POST ``/bosetting/<year>/anmodninger/purring/``): «Send purring» queues the
  reminders to the municipalities past their answer date for the worker.
- ``request-detail`` (``/bosetting/anmodninger/<request_id>/``): one municipality's figures,
  computed against requested, its progress, the form to adjust the request and the form to
  record the decision the municipality sent (POST with ``action`` = ``adjust`` or
  ``decision``), and what has been changed.

Settlement planning is the directorate's: anyone else gets 404 (a year and an id are in the URL).
The municipality answers on its own page (``views/request_answer.py``). The figures are
aggregates, not personal data; the pages are still not cached.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from integrering.audit.services import AccessContext
from integrering.jobs import JobStatus
from integrering.rules.parameters import RulesError
from integrering.ui.forms import form_add_service_errors
from integrering.ui.http import no_store

from ..forms import AdjustForm, DecisionForm, FilterForm, SpreadForm
from ..models import (
    DecisionSource,
    MunicipalDecision,
    MunicipalityFacts,
    SettlementNeed,
    SettlementRequest,
)
from ..selectors import (
    planning_year_require,
    settlement_request_get,
)
from ..services.progress import municipality_progress
from ..services.request_answers import decision_of, decision_record
from ..services.request_reminder_send import requests_to_remind
from ..services.request_reminders import reminder_last, request_reminders_start
from ..services.request_tables import request_rows, requests_summary, requests_xlsx
from ..services.requests import facts_command, request_adjust, requests_spread
from ..spreading import DROP, Criteria, percent_text
from ..spreading_groups import minors_criteria_lines, minors_text
from .request_answer import (
    capability_labels,
    decision_form_initial,
    decision_history,
    decision_kwargs,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POLL_SECONDS = 2


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
        *minors_criteria_lines(criteria),
    ]


def _reminder_context(year: int) -> dict[str, Any]:
    """The reminders: the last one's state, and who is past the answer date now."""
    now, recent = requests_to_remind(year, timezone.localdate())
    reminder = reminder_last(year)
    return {
        "reminder": reminder,
        "reminder_running": reminder is not None
        and reminder.status in {JobStatus.QUEUED, JobStatus.RUNNING},
        "to_remind": len(now),
        "reminded_recently": len(recent),
        "poll_seconds": POLL_SECONDS,
    }


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
        **_reminder_context(year),
    }


@require_http_methods(["GET", "POST"])
@login_required
def request_list(request: HttpRequest, year: int) -> HttpResponse:
    """The year's requests: spread the need, the sums, the table (and its Excel download)."""
    year = planning_year_require(request.user, year)
    if request.headers.get("HX-Request") and request.GET.get("del") == "purring":
        return no_store(
            render(
                request,
                "settlement/request_reminder_status.html",
                {"year": year, **_reminder_context(year)},
            )
        )
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
                    unaccompanied_minors=form.cleaned_data["unaccompanied_minors"] or 0,
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, _spread_message(form.cleaned_data, created))
                return redirect("settlement:request-list", year=year)
        else:
            status = 422
    else:
        if request.GET.get("format") == "xlsx":
            return _xlsx(request, year, filters)
        form = SpreadForm(
            initial={
                "need": need.stated_total if need else None,
                "unaccompanied_minors": need.unaccompanied_minors if need else None,
                "below_minimum": DROP,
            },
            minimum=minimum,
        )
    context = _list_context(request, year, filters)
    context.update(
        {
            "form": form,
            "criteria": criteria,
            "criteria_lines": criteria_lines(criteria),
            "facts_available": MunicipalityFacts.objects.filter(year=year).count(),
            "accepting_minors": MunicipalityFacts.objects.filter(
                year=year, accepts_minors=True
            ).count(),
        }
    )
    return no_store(render(request, "settlement/request_list.html", context, status=status))


def _spread_message(data: dict[str, Any], created: list[SettlementRequest]) -> str:
    asked = sum(1 for r in created if r.requested > 0)
    text = (
        f"Behovet på {data['need']} personer er fordelt: {asked} av {len(created)} kommuner er "
        "anmodet."
    )
    if data.get("unaccompanied_minors"):
        with_minors = sum(1 for r in created if r.unaccompanied_minors > 0)
        text += (
            f" Av dem er {minors_text(data['unaccompanied_minors'])} fordelt på {with_minors} "
            f"{'kommune' if with_minors == 1 else 'kommuner'} som tar imot enslige mindreårige."
        )
    due = next((r.answer_due for r in created if r.answer_due), None)
    if due is not None:
        text += f" Svarfristen er {due:%d.%m.%Y}."
    return text


@require_POST
@login_required
def request_remind(request: HttpRequest, year: int) -> HttpResponse:
    """«Send purring»: queue the reminders for the worker; the list page shows how it goes."""
    year = planning_year_require(request.user, year)
    try:
        request_reminders_start(ctx=AccessContext.from_request(request), year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Purringen er lagt i kø: lederne i kommunene som ikke har svart innen fristen, får "
            "e-post om litt.",
        )
    return redirect(
        reverse("settlement:request-list", kwargs={"year": year}) + "#reminders-heading"
    )


def _xlsx(request: HttpRequest, year: int, filters: FilterForm) -> HttpResponse:
    if filters.is_bound and not filters.is_valid():
        messages_text = " ".join(str(m) for ms in filters.errors.values() for m in ms)
        return HttpResponseBadRequest(messages_text, content_type="text/plain; charset=utf-8")
    data = filters.cleaned_data if filters.is_bound else {}
    rows = request_rows(
        year=year, county=data.get("county", ""), not_answered=data.get("not_answered", False)
    )
    names = dict(getattr(filters.fields["county"], "choices", []))
    county = names.get(data["county"]) if data.get("county") else None
    whom = f"Fylke: {county}" if county else "Hele landet"
    whom += ", bare kommuner som ikke har svart" if data.get("not_answered") else ""
    response = HttpResponse(requests_xlsx(year, rows, whom), content_type=XLSX)
    suffix = f"-fylke-{data['county']}" if data.get("county") else ""
    suffix += "-ikke-svart" if data.get("not_answered") else ""
    response["Content-Disposition"] = f'attachment; filename="anmodninger-{year}{suffix}.xlsx"'
    return no_store(response)


def _by(user: Any) -> str:
    return user.display_name if user is not None else ""


def request_history(
    request: SettlementRequest, decision: MunicipalDecision | None
) -> list[dict[str, Any]]:
    """What has happened to the request, oldest first: computed, last adjusted, last reminded,
    decision recorded. Only the last of each is kept by the models."""
    minors = f", hvorav {minors_text(request.computed_minors)}" if request.computed_minors else ""
    events = [
        {
            "at": request.created_at,
            "text": f"Beregnet ved fordelingen: {request.computed} personer{minors}.",
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
    if request.reminded_at:
        events.append(
            {
                "at": request.reminded_at,
                "text": f"Purret på svar ({request.reminders}. purring).",
                "by": "",
            }
        )
    if decision is not None:
        events.append(decision_history(decision, by=_by(decision.recorded_by)))
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
        decision_form = DecisionForm(prefix="decision", initial=decision_form_initial(decision))
    return {
        "history": request_history(request, decision),
        "share_text": percent_text(facts.immigrant_share) if facts else "",
        "settlement_request": request,
        "municipality": request.municipality,
        "year": request.year,
        "facts": facts,
        "decision": decision,
        "difference": decision.decided - request.requested if decision else None,
        "capabilities": capability_labels(decision),
        "progress": municipality_progress(
            year=request.year, municipality_id=request.municipality_id
        ),
        "adjust_form": adjust_form,
        "decision_form": decision_form,
        "criteria": _criteria(request.year),
        "today": timezone.localdate(),
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
                try:
                    decision_record(
                        ctx=ctx,
                        request=settlement_request,
                        source=DecisionSource.PLANNER,
                        **decision_kwargs(decision_form.cleaned_data),
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
    path("bosetting/<int:year>/anmodninger/purring/", request_remind, name="request-remind"),
    path("bosetting/anmodninger/<int:request_id>/", request_detail, name="request-detail"),
]
