"""The monthly benefit run (utbetaling av introduksjonsstønad): start, follow, approve, export.

A run is computed by the background worker; its page polls its progress with htmx and reloads
when it is done. Runs are for the refugee service and the municipal leader of the municipalities
they serve (``benefit_runs_for`` / ``benefit_run_get``): anyone else gets 404 on a run.

Exports for the payroll system (one row per line, regular lines and corrections alike):

- CSV: UTF-8 with a byte order mark (so Excel opens it as it is), fields separated by semicolons
  (``;``, what Norwegian Excel and payroll systems expect), lines ending CRLF, a header row with
  the column names below and no sum row. Amounts have a decimal point and two decimals
  (``20671.33``, negative for a correction that takes money back); ``period`` is ``YYYY-MM``;
  ``kind`` is ``ordinær`` or ``korreksjon``; ``needs_decision`` is ``ja`` or ``nei``.
  A name or note that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``) is
  written behind an apostrophe; amounts are never changed (``exports.csv_file_bytes``).
- Excel (.xlsx), for people rather than the payroll system (issue 23): the same columns under
  Norwegian headers (``benefit_run.XLSX_HEADERS``), below a title row that names the month, the
  municipality and when the file was made (and says «forhåndsvisning» before approval); numbers
  stored as numbers, the period as a month (03.2026), a bold header row and a sum row (gross,
  absence hours, deduction, amount).

Columns: identity_number, duf_number, family_name, given_name, period, kind, days (days with
benefit), monthly_rate, gross, absence_hours (unapproved), deduction, amount (to be paid),
needs_decision (the deduction needs an individual decision, integreringsloven § 21), note. A
correction's amounts are the differences from what was approved for its period.

Payroll must only get approved data: the file of a run not yet approved says
``FORHÅNDSVISNING`` in its name. Every export is in the audit log, for every person in it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integrering.accounts.access import programme_municipality_ids
from integrering.audit.services import AccessContext
from integrering.ui.confirm import Confirmation, confirmation_ask, irreversible
from integrering.ui.forms import form_add_service_errors
from integrering.ui.numbers import count_nb, kroner_nb, number_nb
from integrering.ui.paging import paginate

from ..forms import BenefitRunApproveForm, BenefitRunStartForm
from ..models import BenefitRun, BenefitRunStatus
from ..selectors import benefit_run_get, benefit_runs_for
from ..services.benefit_decisions import reductions_blocking
from ..services.benefit_run import (
    ReductionsUndecided,
    benefit_lines_shown,
    benefit_run_approve,
    benefit_run_approve_check,
    benefit_run_csv,
    benefit_run_lines,
    benefit_run_start,
    benefit_run_totals,
    benefit_run_xlsx,
    export_disposition,
)

POLL_SECONDS = 2
LINES_PER_PAGE = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_PROGRAMME = "Utbetaling av introduksjonsstønad er for flyktningtjenesten og kommunens ledere."


def _require_programme(request: HttpRequest) -> None:
    if not programme_municipality_ids(request.user):
        raise PermissionDenied(NO_PROGRAMME)


@require_http_methods(["GET", "POST"])
@login_required
def benefit_run_list(request: HttpRequest) -> HttpResponse:
    """The runs of the user's municipalities, newest first, and the form that starts one."""
    _require_programme(request)
    form = BenefitRunStartForm(user=request.user)
    status = 200
    if request.method == "POST":
        form = BenefitRunStartForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                run = benefit_run_start(
                    ctx=AccessContext.from_request(request),
                    municipality=form.cleaned_data["municipality"],
                    month=form.cleaned_data["month"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                return redirect("programme:benefit-run-detail", run_id=run.pk)
        else:
            status = 422
    runs = benefit_runs_for(request.user).select_related("municipality", "approved_by")[:50]
    return render(
        request, "programme/benefit_run_list.html", {"form": form, "runs": runs}, status=status
    )


def _status_context(run: BenefitRun) -> dict[str, Any]:
    return {
        "run": run,
        "running": run.status in (BenefitRunStatus.QUEUED, BenefitRunStatus.RUNNING),
        "poll_seconds": POLL_SECONDS,
    }


@require_GET
@login_required
def benefit_run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run: its status (polled while it is computed), totals, lines, and what can be done."""
    run = benefit_run_get(ctx=AccessContext.from_request(request), run_id=run_id)
    context = _status_context(run)
    if request.headers.get("HX-Request"):
        response = render(request, "programme/benefit_run_status.html", context)
        if not context["running"]:
            response["HX-Refresh"] = "true"  # done: the whole page, with its lines
        return response
    flagged = request.GET.get("krever_vedtak") == "1"
    lines = benefit_run_lines(run)
    if flagged:
        lines = lines.filter(needs_decision=True)
    page = paginate(request, lines, LINES_PER_PAGE)
    benefit_lines_shown(AccessContext.from_request(request), page.items, run)
    preview = run.status == BenefitRunStatus.PREVIEW
    context.update(
        {
            "totals": benefit_run_totals(run),
            "page": page,
            "flagged": flagged,
            "exportable": run.status in (BenefitRunStatus.PREVIEW, BenefitRunStatus.APPROVED),
            # What holds the approval back: the decisions on deductions, with links.
            "blocking": reductions_blocking(run) if preview else [],
            "same_user": run.created_by_id == request.user.pk,
            "approve_form": BenefitRunApproveForm(),
        }
    )
    return render(request, "programme/benefit_run_detail.html", context)


def _approve_confirmation(run: BenefitRun, *, same_user: bool) -> Confirmation:
    """What approving the run does, in its figures (issue 23 item 2)."""
    totals = benefit_run_totals(run)
    month = f"{run.month:%m.%Y}"
    participants = count_nb(run.participants, "deltaker", "deltakere")
    facts = [
        ("Kommune", f"{run.municipality.number} {run.municipality.name}"),
        ("Måned", month),
        ("Deltakere", number_nb(run.participants)),
        ("Ordinære utbetalinger", kroner_nb(totals.regular)),
        (
            "Korreksjoner for tidligere måneder",
            f"{kroner_nb(totals.corrections)} "
            f"({count_nb(totals.correction_lines, 'linje', 'linjer')})",
        ),
        ("Til utbetaling i alt", kroner_nb(totals.total)),
    ]
    if totals.needs_decision:
        facts.append(("Trekk med fattet vedtak", number_nb(totals.needs_decision)))
    return Confirmation(
        title=f"Godkjenne stønaden for {month}?",
        summary=(
            f"Introduksjonsstønaden for {month} til {participants} i {run.municipality.name} "
            f"godkjennes og låses: {kroner_nb(totals.total)} til utbetaling i alt."
        ),
        facts=tuple(facts),
        consequences=(
            "Måneden låses: den kan ikke beregnes eller godkjennes på nytt.",
            "Filen til lønnssystemet blir den godkjente. Det som endres i måneden senere, "
            "betales eller trekkes som korreksjoner i en senere måned.",
        ),
        warnings=(
            ("Du beregnet kjøringen selv. Det lagres at du også godkjente den.",)
            if same_user
            else ()
        ),
        button="Bekreft og godkjenn",
        cancel_url=reverse("programme:benefit-run-detail", kwargs={"run_id": run.pk}),
    )


@irreversible
@require_POST
@login_required
def benefit_run_approve_view(request: HttpRequest, run_id: int) -> HttpResponse:
    """Approve a run, after a page that says what it approves (``ui/confirm.py``); its page
    lists what holds it back. The user who computed it ticks the confirmation (recorded on the
    run)."""
    ctx = AccessContext.from_request(request)
    run = benefit_run_get(ctx=ctx, run_id=run_id)
    form = BenefitRunApproveForm(request.POST)
    confirmed = form.is_valid() and bool(form.cleaned_data["confirm_same_user"])
    try:
        # Ask only for what can be approved: the checks first, as the approval makes them.
        same_user = benefit_run_approve_check(ctx=ctx, run=run, confirm_same_user=confirmed)
        asked = confirmation_ask(request, _approve_confirmation(run, same_user=same_user))
        if asked is not None:
            return asked
        benefit_run_approve(ctx=ctx, run=run, confirm_same_user=confirmed)
    except ReductionsUndecided as exc:
        first, *items = exc.messages
        messages.error(request, f"{first} {'; '.join(items)}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Stønaden for {run.month:%m.%Y} er godkjent og låst. Last ned filen til lønnssystemet.",
        )
    return redirect("programme:benefit-run-detail", run_id=run.pk)


def _download(
    request: HttpRequest, run_id: int, make: Any, content_type: str, extension: str
) -> HttpResponse:
    run = benefit_run_get(ctx=AccessContext.from_request(request), run_id=run_id)
    try:
        content = make(ctx=AccessContext.from_request(request), run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("programme:benefit-run-detail", run_id=run.pk)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = export_disposition(run, extension)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@login_required
def benefit_run_export_csv(request: HttpRequest, run_id: int) -> HttpResponse:
    return _download(request, run_id, benefit_run_csv, "text/csv; charset=utf-8", "csv")


@require_GET
@login_required
def benefit_run_export_xlsx(request: HttpRequest, run_id: int) -> HttpResponse:
    return _download(request, run_id, benefit_run_xlsx, XLSX, "xlsx")


urlpatterns: list = [
    path("stonad/", benefit_run_list, name="benefit-run-list"),
    path("stonad/<int:run_id>/", benefit_run_detail, name="benefit-run-detail"),
    path("stonad/<int:run_id>/godkjenn/", benefit_run_approve_view, name="benefit-run-approve"),
    path("stonad/<int:run_id>/eksport.csv", benefit_run_export_csv, name="benefit-run-export-csv"),
    path(
        "stonad/<int:run_id>/eksport.xlsx", benefit_run_export_xlsx, name="benefit-run-export-xlsx"
    ),
]
