"""The matcher's pages (utsøking): the year's waiting households and runs, a run's proposal with
each placement explained, the planner's lock or change, running again around locked placements,
and confirming, which hands the households to their municipalities' casework.

A run is computed by the worker, and confirmed by it too; its page polls the progress with htmx
and reloads when done.
Everything here is for settlement planners (``selectors.py``); waiting households are personal
data, so every page that shows them is audit-logged.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from integrering.audit.services import AccessContext
from integrering.ui.confirm import Confirmation, confirmation_ask, irreversible
from integrering.ui.forms import form_add_service_errors
from integrering.ui.http import no_store
from integrering.ui.numbers import count_nb, number_nb
from integrering.ui.paging import paginate

from ..forms import MatchRunStartForm, PlacementForm
from ..models import MatchRun, MatchRunStatus
from ..selectors import (
    audit_waiting_list,
    match_run_get,
    match_run_municipality_rows,
    match_run_placement_counts,
    match_run_placements,
    match_runs_for,
    matching_figures,
    placement_get,
    planning_year_require,
    waiting_household_members,
    waiting_households_unconfirmed,
)
from ..services.match_capacity import DIMENSIONS, needs_text, options_in_words
from ..services.match_notes import placement_notes, placement_rank_text
from ..services.matching import (
    match_run_confirm_check,
    match_run_confirm_start,
    match_run_start,
    placement_change,
)
from ..services.matching_confirm import match_run_confirm_summary

POLL_SECONDS = 2
PER_PAGE = 100


@require_http_methods(["GET", "POST"])
@login_required
def matching(request: HttpRequest, year: int) -> HttpResponse:
    """The year's households waiting for settlement, the capacity left, and the runs."""
    year = planning_year_require(request.user, year)
    ctx = AccessContext.from_request(request)
    form = MatchRunStartForm()
    status = 200
    if request.method == "POST":
        form = MatchRunStartForm(request.POST)
        if form.is_valid():
            try:
                run = match_run_start(
                    ctx=ctx, year=year, time_limit=form.cleaned_data["time_limit"]
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, "Utsøkingen er startet og beregnes i bakgrunnen.")
                return redirect("settlement:match-run", match_run_id=run.pk)
        else:
            status = 422
    waiting = waiting_households_unconfirmed(ctx=ctx, year=year)
    page = paginate(request, waiting, PER_PAGE)
    audit_waiting_list(
        ctx=ctx,
        references=[h.reference for h in page],
        what=f"venter på bosetting {year}",
    )
    response = render(
        request,
        "settlement/matching.html",
        {
            "year": year,
            "form": form,
            "page": page,
            **matching_figures(ctx=ctx, year=year),
            "runs": match_runs_for(year=year)[:20],
        },
        status=status,
    )
    return no_store(response)


@require_http_methods(["GET"])
@login_required
def match_run_detail(request: HttpRequest, match_run_id: int) -> HttpResponse:
    """A run: its progress while computed, then the proposal with every placement explained."""
    run = match_run_get(request.user, match_run_id)
    ctx = AccessContext.from_request(request)
    running = run.status in {MatchRunStatus.QUEUED, MatchRunStatus.RUNNING}
    confirming = run.status == MatchRunStatus.CONFIRMING
    context: dict[str, Any] = {
        "run": run,
        "year": run.year,
        "running": running,
        "confirming": confirming,
        "polling": running or confirming,
        "poll_seconds": POLL_SECONDS,
        "problems_shown": run.confirm_problems[:PER_PAGE],
        "problems_hidden": max(len(run.confirm_problems) - PER_PAGE, 0),
    }
    if request.headers.get("HX-Request"):
        if running or confirming:
            return no_store(render(request, "settlement/match_run_status.html", context))
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if not running:
        show = request.GET.get("vis", "")
        query = request.GET.get("kommune", "").strip()
        placements = match_run_placements(
            run,
            unplaced_only=show == "ikke-plassert",
            changed_only=show == "endret",
            municipality=query,
        )
        page = paginate(request, placements, PER_PAGE)
        audit_waiting_list(
            ctx=ctx,
            references=[p.household.reference for p in page],
            what=f"utsøking {run.pk}",
        )
        counts = match_run_placement_counts(run)
        shown = page.items
        for placement in shown:  # the capacities in words, for this page only (not saved)
            placement.explanation = options_in_words(placement.explanation)
        notes = placement_notes(shown)
        context.update(
            page=page,
            rows=[(p, notes[p.pk]) for p in shown],
            show=show,
            query=query,
            unplaced=counts["unplaced"],
            locked_count=counts["locked"],
            municipality_rows=match_run_municipality_rows(run),
            improvement=(
                None
                if not run.greedy_objective or run.objective is None
                else 100 * (run.objective - run.greedy_objective) / run.greedy_objective
            ),
        )
    return no_store(render(request, "settlement/match_run_detail.html", context))


@require_POST
@login_required
def match_run_again(request: HttpRequest, match_run_id: int) -> HttpResponse:
    """Run the matcher again, keeping this run's locked placements."""
    run = match_run_get(request.user, match_run_id)
    form = MatchRunStartForm(request.POST or {"time_limit": run.time_limit})
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("settlement:match-run", match_run_id=run.pk)
    try:
        new = match_run_start(
            ctx=AccessContext.from_request(request),
            year=run.year,
            time_limit=form.cleaned_data["time_limit"],
            previous=run,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("settlement:match-run", match_run_id=run.pk)
    messages.success(request, "Utsøkingen kjøres på nytt rundt de låste plasseringene.")
    return redirect("settlement:match-run", match_run_id=new.pk)


def _confirm_confirmation(run: MatchRun) -> Confirmation:
    """What confirming the proposal does, in its figures (issue 23 item 2): «120 husstander,
    334 personer overføres til 17 kommuner»."""
    summary = match_run_confirm_summary(run)
    households = count_nb(summary.households, "husstand", "husstander")
    persons = count_nb(summary.persons, "person", "personer")
    municipalities = count_nb(summary.municipalities, "kommune", "kommuner")
    return Confirmation(
        title=f"Bekrefte utsøkingen for {run.year}?",
        summary=f"{households}, {persons} overføres til {municipalities}.",
        facts=(
            ("Husstander som overføres", number_nb(summary.households)),
            ("Personer i dem", number_nb(summary.persons)),
            ("Kommuner de overføres til", number_nb(summary.municipalities)),
            ("Husstander som ikke er plassert og venter videre", number_nb(summary.unplaced)),
        ),
        consequences=(
            "Hver plassert husstand registreres hos bosettingskommunens flyktningtjeneste, "
            "som får beskjed om den.",
            "Forslaget låses: plasseringene kan ikke endres, og utsøkingen kan ikke kjøres på "
            "nytt rundt dem.",
        ),
        button="Bekreft og overfør til kommunene",
        cancel_url=reverse("settlement:match-run", kwargs={"match_run_id": run.pk}),
    )


@irreversible
@require_POST
@login_required
def match_run_confirm_view(request: HttpRequest, match_run_id: int) -> HttpResponse:
    """Confirm the proposal, after a page that says what it transfers (``ui/confirm.py``):
    queued for the worker, which registers the households in their municipalities; the run's
    page shows the progress and the result."""
    run = match_run_get(request.user, match_run_id)
    ctx = AccessContext.from_request(request)
    try:
        # Ask only for what can be confirmed: the checks first, as the start makes them.
        match_run_confirm_check(ctx=ctx, run=run)
        asked = confirmation_ask(request, _confirm_confirmation(run))
        if asked is not None:
            return asked
        run = match_run_confirm_start(ctx=ctx, run=run)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("settlement:match-run", match_run_id=run.pk)
    count = run.confirm_total
    messages.success(
        request,
        f"Bekreftelsen er startet: {count_nb(count, 'husstand', 'husstander')} kontrolleres og "
        "overføres i bakgrunnen. Følg fremdriften her.",
    )
    return redirect("settlement:match-run", match_run_id=run.pk)


def _options_explained(options: list[dict[str, Any]], net: float | None) -> list[dict[str, Any]]:
    """The better options of a placement, each with why it was not used: full in some capacity,
    its score less its price lower than the placement's (its place is worth more to households
    expected later in the year), or a trade-off for the total."""
    explained = []
    for option in options:
        price = option.get("price")
        if option.get("stopped_by"):
            why = "Ikke plass: " + ", ".join(option["stopped_by"])
        elif price is not None and net is not None and option["score"] - price < net:
            why = (
                "Hadde plass, men skår minus pris var lavere: plassen er verdt mer for "
                "husstander som ventes senere i år"
            )
        else:
            why = "Hadde plass, men plassen ga mer samlet skår til andre husstander"
        explained.append({**option, "why": why})
    return explained


@require_http_methods(["GET", "POST"])
@login_required
def placement_detail(request: HttpRequest, placement_id: int) -> HttpResponse:
    """One placement explained (score, rank, better options and what stopped them, the
    household's adaptation needs, why it is not placed, the municipality's capacity-survey
    warnings), with the planner's lock or change."""
    ctx = AccessContext.from_request(request)
    placement = placement_get(ctx=ctx, pk=placement_id)
    run = placement.run
    form = PlacementForm(
        initial={
            "municipality": placement.municipality_id,
            "locked": placement.locked,
            "version": placement.version,
        },
        year=run.year,
        household=placement.household,
        current=placement.municipality_id,
    )
    status = 200
    if request.method == "POST":
        form = PlacementForm(
            request.POST,
            year=run.year,
            household=placement.household,
            current=placement.municipality_id,
        )
        if form.is_valid():
            try:
                placement_change(
                    ctx=ctx,
                    placement=placement,
                    municipality=form.cleaned_data["municipality"],
                    locked=form.cleaned_data["locked"],
                    version=form.cleaned_data["version"],
                    unplace=form.cleaned_data["municipality"] is None,
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, "Plasseringen er lagret.")
                return redirect("settlement:match-run", match_run_id=run.pk)
        else:
            status = 422
    household = placement.household
    net = None
    if placement.score is not None and placement.place_price is not None:
        net = placement.score - placement.place_price
    return no_store(
        render(
            request,
            "settlement/placement_detail.html",
            {
                "placement": placement,
                "options": _options_explained(options_in_words(placement.explanation), net),
                "net": net,
                "run": run,
                "year": run.year,
                "household": household,
                "members": waiting_household_members(household),
                "notes": placement_notes([placement])[placement.pk],
                "rank": placement_rank_text(placement),
                "needs": needs_text(list(household.adaptation_needs or ())),
                "form": form,
                "editable": run.status == MatchRunStatus.PROPOSED,
                "dimensions": DIMENSIONS,
            },
            status=status,
        )
    )


urlpatterns: list = [
    path("bosetting/<int:year>/utsoking/", matching, name="matching"),
    path("bosetting/utsoking/<int:match_run_id>/", match_run_detail, name="match-run"),
    path("bosetting/utsoking/<int:match_run_id>/pa-nytt/", match_run_again, name="match-run-again"),
    path(
        "bosetting/utsoking/<int:match_run_id>/bekreft/",
        match_run_confirm_view,
        name="match-run-confirm",
    ),
    path("bosetting/plasseringer/<int:placement_id>/", placement_detail, name="placement"),
]
