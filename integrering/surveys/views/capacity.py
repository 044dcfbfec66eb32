"""The quarterly capacity survey's pages (seed 000).

- ``capacity-home`` (``/kapasitet/``): the governor's rounds and the link to open one; the
  leader's open rounds; the directorate's link to the national figures. 403 for anyone else.
- ``capacity-round-open`` (``/kapasitet/ny/``): the governor opens the quarter's round.
- ``capacity-round-detail`` (``/kapasitet/<round_id>/``): who has answered, reminders (queued
  for the worker, the result shown when done), and the results per service and county with the
  change from the previous round, a chart per service with the table as its text;
  ``?format=xlsx`` downloads the answers.
- ``capacity-round-remind`` (``/kapasitet/<round_id>/purring/``, POST): queue the reminders.
- ``capacity-answer`` (``/kapasitet/<answer_round_id>/svar/``): the municipal leader's answer.
- ``capacity-national`` (``/kapasitet/nasjonalt/?kvartal=2026-2``): the directorate's figures.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from integrering.accounts.access import (
    capacity_reader_require,
    county_governor_of,
    governor_require,
    is_national_reader,
    leader_municipality,
    national_require,
)
from integrering.audit.services import AccessContext
from integrering.ui.confirm import Confirmation, confirmation_ask, irreversible
from integrering.ui.forms import form_add_service_errors
from integrering.ui.http import no_store
from integrering.ui.numbers import count_nb, number_nb, percent_nb, round_half_up

from ..capacity_chart import capacity_chart_svg
from ..capacity_summary import ServiceShare
from ..forms import AnswerForm, RoundOpenForm
from ..models import CapacityLevel, CapacityRound, CapacityService
from ..services.capacity import (
    CloseSummary,
    Results,
    capacity_answer_round_get,
    capacity_answer_save,
    capacity_round_close,
    capacity_round_close_check,
    capacity_round_get,
    capacity_round_manage_get,
    capacity_round_open,
    capacity_round_xlsx,
    capacity_rounds_visible,
    closed_rounds_for_leader,
    default_closes_on,
    national_results,
    newest_answered_quarter,
    open_rounds_for_leader,
    quarter_of,
    quarters_with_rounds,
    response_of,
    round_is_open,
    round_results,
    round_status,
)
from ..services.sending import capacity_reminders_start, reminder_status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUARTER_PARAM = re.compile(r"^(\d{4})-([1-4])$")
POLL_SECONDS = 2


# --- Display helpers -----------------------------------------------------------------------


def share_sentence(share: ServiceShare) -> str:
    """«Utfordrende eller kritisk i 44 % av kommunene» (whole per cent, half up)."""
    fraction = share.fraction
    if fraction is None:
        return "Ingen kommuner har svart."
    whole = round_half_up(100 * fraction, 0)
    return (
        f"Utfordrende eller kritisk i {percent_nb(int(whole))} av kommunene "
        f"({share.challenging_or_critical} av {share.answered})."
    )


def change_text(change: Decimal | None) -> str:
    if change is None:
        return "–"
    if change == 0:
        return "uendret"
    sign = "+" if change > 0 else "−"
    return f"{sign}{number_nb(float(abs(change)), 1)} prosentpoeng"


def _percent(value: Decimal | None) -> str:
    return percent_nb(float(value), 1) if value is not None else "–"


def _line(name: str, share: ServiceShare, change: Decimal | None) -> dict[str, Any]:
    return {
        "name": name,
        "answered": share.answered,
        "levels": [
            f"{share.counts.get(level, 0)} ({_percent(share.level_percent(level))})"
            for level in CapacityLevel.values
        ],
        "challenging_or_critical": share.challenging_or_critical,
        "percent": _percent(share.percent),
        "change": change_text(change),
    }


def results_context(results: Results, *, charts: bool = True) -> list[dict[str, Any]]:
    """Each service's sentence, table rows and chart (levels as stacked shares per county)."""
    services = []
    for result in results.services:
        lines = [_line(c.name, c.share, c.change) for c in result.counties]
        total = _line(result.total.name, result.total.share, result.total.change)
        chart = ""
        if charts and result.total.share.answered:
            shown = [*result.counties, result.total] if len(result.counties) > 1 else [result.total]
            chart = capacity_chart_svg(
                title=result.label,
                lines=[(line.name, line.share) for line in shown],
                description=share_sentence(result.total.share)
                + " Tallene står i tabellen under figuren.",
                chart_id=f"kapasitet-{result.service.replace('_', '-')}",
            )
        change = result.total.change
        services.append(
            {
                "service": result.service,
                "label": result.label,
                "sentence": share_sentence(result.total.share),
                "change": (
                    f"Endring fra {results.previous_label}: {change_text(change)}."
                    if results.has_previous and change is not None
                    else ""
                ),
                "lines": lines if len(lines) > 1 else [],
                "total": total,
                "chart": chart,
            }
        )
    return services


LEVEL_LABELS = [str(label) for label in CapacityLevel.labels]


# --- Form errors ---------------------------------------------------------------------------


def answer_service_errors(form: AnswerForm, exc: ValidationError) -> int:
    """A service refusal keyed by service code goes to that service's level field."""
    if hasattr(exc, "error_dict"):
        mapped: dict[str, list[str]] = {}
        for key, messages_ in exc.message_dict.items():
            name = f"level_{key}" if key in CapacityService.values else key
            mapped.setdefault(name, []).extend(messages_)
        return form_add_service_errors(form, ValidationError(mapped))
    return form_add_service_errors(form, exc)


# --- Pages ---------------------------------------------------------------------------------


@require_http_methods(["GET"])
@login_required
def capacity_home(request: HttpRequest) -> HttpResponse:
    """The capacity survey for the user's part in it."""
    user = request.user
    capacity_reader_require(user)
    governor = county_governor_of(user)
    municipality = leader_municipality(user)
    context: dict[str, Any] = {
        "governor": governor,
        "municipality": municipality,
        "national": is_national_reader(user),
        "today": timezone.localdate(),
    }
    if governor is not None or is_national_reader(user):
        context["rounds"] = list(capacity_rounds_visible(user)) if governor else []
    if municipality is not None:
        context["leader_rounds"] = open_rounds_for_leader(user)
        context["leader_closed_rounds"] = closed_rounds_for_leader(user)
    return no_store(render(request, "surveys/capacity_home.html", context))


@require_http_methods(["GET", "POST"])
@login_required
def capacity_round_open_view(request: HttpRequest) -> HttpResponse:
    """The governor opens the quarter's round."""
    governor = governor_require(request.user)
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = RoundOpenForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                round = capacity_round_open(
                    ctx=AccessContext.from_request(request),
                    year=data["year"],
                    quarter=data["quarter"],
                    closes_on=data["closes_on"],
                    note=data["note"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Kartleggingen for {round.label} er åpnet for "
                    f"{len(round_status(round))} kommuner.",
                )
                return redirect("surveys:capacity-round-detail", round_id=round.pk)
        else:
            status = 422
    else:
        year, quarter = quarter_of(today)
        form = RoundOpenForm(
            initial={"year": year, "quarter": quarter, "closes_on": default_closes_on(today)}
        )
    return no_store(
        render(
            request,
            "surveys/capacity_round_open.html",
            {"form": form, "governor": governor},
            status=status,
        )
    )


def _reminder_context(round: CapacityRound) -> dict[str, Any]:
    found = reminder_status(round)
    return {"reminder": found, "poll_seconds": POLL_SECONDS}


@require_http_methods(["GET"])
@login_required
def capacity_round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """Who has answered, reminders, and the results with a chart per service."""
    round = capacity_round_get(request.user, round_id)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(capacity_round_xlsx(round), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="kapasitet-{round.year}-{round.quarter}.xlsx"'
        )
        return no_store(response)
    if request.headers.get("HX-Request") and request.GET.get("del") == "purring":
        return no_store(
            render(
                request,
                "surveys/capacity_reminder_status.html",
                {"round": round, **_reminder_context(round)},
            )
        )
    statuses = round_status(round)
    results = round_results(round)
    context = {
        "round": round,
        "statuses": statuses,
        "answered": sum(1 for s in statuses if s.submitted),
        "can_manage": county_governor_of(request.user) == round.county_governor,
        "is_open": round_is_open(round),
        "results": results,
        "services": results_context(results),
        "level_labels": LEVEL_LABELS,
        **_reminder_context(round),
    }
    return no_store(render(request, "surveys/capacity_round_detail.html", context))


@require_POST
@login_required
def capacity_round_remind(request: HttpRequest, round_id: int) -> HttpResponse:
    """Queue the reminders for the worker; the round page shows how it went."""
    round = capacity_round_manage_get(request.user, round_id)
    try:
        capacity_reminders_start(ctx=AccessContext.from_request(request), round=round)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Purringen er lagt i kø: kommunenes ledere som ikke har svart, får e-post om litt.",
        )
    return redirect("surveys:capacity-round-detail", round_id=round.pk)


def _close_confirmation(round: CapacityRound, summary: CloseSummary) -> Confirmation:
    """What closing the round does, in its figures (issue 23 item 2)."""
    municipalities = count_nb(summary.municipalities, "kommune", "kommuner")
    waiting = count_nb(summary.not_submitted, "kommune", "kommuner")
    consequences = [
        f"{waiting} som ikke har sendt inn, kan ikke lenger svare, og det sendes ingen purringer."
        if summary.not_submitted
        else "Alle kommunene har sendt inn; ingen svar kan endres etterpå.",
        "Resultatene blir endelige for kvartalet.",
    ]
    if summary.drafts:
        consequences.insert(
            1,
            f"{count_nb(summary.drafts, 'utkast', 'utkast')} til svar blir aldri sendt inn.",
        )
    return Confirmation(
        title=f"Avslutte kartleggingen for {round.label}?",
        summary=(
            f"Kartleggingen avsluttes før svarfristen {round.closes_on:%d.%m.%Y}: "
            f"{number_nb(summary.submitted)} av {municipalities} har sendt inn."
        ),
        facts=(
            ("Statsforvalter", str(round.county_governor)),
            ("Svarfrist", f"{round.closes_on:%d.%m.%Y}"),
            ("Kommuner i kartleggingen", number_nb(summary.municipalities)),
            ("Har sendt inn", number_nb(summary.submitted)),
            ("Har utkast som ikke er sendt inn", number_nb(summary.drafts)),
            ("Har ikke svart", number_nb(summary.not_submitted - summary.drafts)),
        ),
        consequences=tuple(consequences),
        button="Bekreft og avslutt",
        cancel_url=reverse("surveys:capacity-round-detail", kwargs={"round_id": round.pk}),
    )


@irreversible
@require_POST
@login_required
def capacity_round_close_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """Close the round before its deadline, after a page that says who has not answered
    (``ui/confirm.py``)."""
    round = capacity_round_manage_get(request.user, round_id)
    ctx = AccessContext.from_request(request)
    try:
        summary = capacity_round_close_check(ctx=ctx, round=round)
        asked = confirmation_ask(request, _close_confirmation(round, summary))
        if asked is not None:
            return asked
        capacity_round_close(ctx=ctx, round=round)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Kartleggingen for {round.label} er avsluttet.")
    return redirect("surveys:capacity-round-detail", round_id=round.pk)


@require_http_methods(["GET", "POST"])
@login_required
def capacity_answer(request: HttpRequest, answer_round_id: int) -> HttpResponse:
    """The municipal leader's answer: a level and a comment per service; draft or submit."""
    round, municipality = capacity_answer_round_get(request.user, answer_round_id)
    response = response_of(round, municipality)
    is_open = round_is_open(round)
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST)
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                capacity_answer_save(
                    ctx=AccessContext.from_request(request),
                    round=round,
                    municipality=municipality,
                    answers=form.answers(),
                    version=form.cleaned_data["version"],
                    submit=submit,
                )
            except ValidationError as exc:
                status = answer_service_errors(form, exc)
            else:
                if submit or (response and response.submitted_at):
                    messages.success(request, f"Svaret for {municipality.name} er sendt inn.")
                else:
                    messages.success(
                        request, "Utkastet er lagret. Husk å sende inn før svarfristen."
                    )
                return redirect("surveys:capacity-answer", answer_round_id=round.pk)
        else:
            status = 422
    else:
        initial: dict[str, Any] = {"version": response.version if response else 0}
        if response is not None:
            for answer in response.answers.all():
                initial[f"level_{answer.service}"] = answer.level
                initial[f"comment_{answer.service}"] = answer.comment
        form = AnswerForm(initial=initial)
    answers = []
    if response is not None:
        by_service = {a.service: a for a in response.answers.all()}
        answers = [
            {"label": str(s.label), "answer": by_service.get(s.value)} for s in CapacityService
        ]
    context = {
        "round": round,
        "municipality": municipality,
        "response": response,
        "form": form,
        "is_open": is_open,
        "answers": answers,
        "not_yet_open": timezone.localdate() < round.opened_on,
    }
    return no_store(render(request, "surveys/capacity_answer.html", context, status=status))


@require_http_methods(["GET"])
@login_required
def capacity_national(request: HttpRequest) -> HttpResponse:
    """The nation's figures for a quarter, per county, with the change from the quarter before."""
    national_require(request.user)
    quarters = quarters_with_rounds()
    chosen = request.GET.get("kvartal", "")
    match = QUARTER_PARAM.match(chosen)
    if match:
        year, quarter = int(match.group(1)), int(match.group(2))
    elif answered := newest_answered_quarter():
        year, quarter = answered
    elif quarters:
        year, quarter = quarters[0]
    else:
        year, quarter = quarter_of(timezone.localdate())
    results = national_results(year, quarter)
    options = sorted({*quarters, (year, quarter)}, reverse=True)
    context = {
        "year": year,
        "quarter": quarter,
        "bad_choice": bool(chosen) and not match,
        "options": [
            {
                "value": f"{y}-{q}",
                "label": f"{q}. kvartal {y}",
                "selected": (y, q) == (year, quarter),
            }
            for y, q in options
        ],
        "results": results,
        "services": results_context(results),
        "rounds": list(
            CapacityRound.objects.filter(year=year, quarter=quarter).select_related(
                "county_governor"
            )
        ),
        "level_labels": LEVEL_LABELS,
    }
    return no_store(render(request, "surveys/capacity_national.html", context))


urlpatterns: list = [
    path("kapasitet/", capacity_home, name="capacity-home"),
    path("kapasitet/ny/", capacity_round_open_view, name="capacity-round-open"),
    path("kapasitet/nasjonalt/", capacity_national, name="capacity-national"),
    path("kapasitet/<int:round_id>/", capacity_round_detail, name="capacity-round-detail"),
    path("kapasitet/<int:round_id>/purring/", capacity_round_remind, name="capacity-round-remind"),
    path(
        "kapasitet/<int:round_id>/avslutt/", capacity_round_close_view, name="capacity-round-close"
    ),
    path("kapasitet/<int:answer_round_id>/svar/", capacity_answer, name="capacity-answer"),
]
