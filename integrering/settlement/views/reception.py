"""Reception centres (mottak): the overview of the reception system and the list of centres with
a form to add one, a centre's page with its counts and a form to record a count, and editing a
centre. The directorate's settlement planners only (403 on the list, 404 on a centre).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from integrering.accounts.access import planner_require
from integrering.audit.services import AccessContext
from integrering.ui.forms import form_add_service_errors

from ..forms import CentreForm, CountForm
from ..models import ReceptionCount
from ..selectors import reception_centre_get
from ..services.reception import (
    STATUS_LABELS,
    reception_centre_save,
    reception_centres_with_latest,
    reception_count_record,
    reception_over_capacity,
    reception_overview,
)


def _centre_data(form: CentreForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "kind": data["kind"],
        "municipality": data["municipality"],
        "operator": data["operator"],
        "places": data["places"],
        "opened_on": data["opened_on"],
        "closed_on": data["closed_on"],
    }


@require_http_methods(["GET", "POST"])
@login_required
def reception_list(request: HttpRequest) -> HttpResponse:
    """The reception system by kind, every centre with its latest count, and a form to add one."""
    planner_require(request.user)
    form = CentreForm()
    status = 200
    if request.method == "POST":
        form = CentreForm(request.POST)
        if form.is_valid():
            try:
                centre = reception_centre_save(
                    ctx=AccessContext.from_request(request), **_centre_data(form)
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, f"{centre.name} er lagt til. Registrer en telling.")
                return redirect("settlement:reception-detail", centre_id=centre.pk)
        else:
            status = 422
    today = timezone.localdate()
    rows = []
    for centre in reception_centres_with_latest(on=today):
        residents = getattr(centre, "latest_residents", None)
        over = max(0, residents - centre.places) if residents is not None else 0
        closed = centre.closed_on is not None and centre.closed_on <= today
        rows.append((centre, over, closed))
    context = {"overview": reception_overview(on=today), "rows": rows, "form": form}
    return render(request, "settlement/reception_list.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def reception_detail(request: HttpRequest, centre_id: int) -> HttpResponse:
    """A centre: its facts, its counts over time, and the form to record a count."""
    centre = reception_centre_get(request.user, centre_id)
    form = CountForm(initial={"counted_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        form = CountForm(request.POST)
        if form.is_valid():
            try:
                count = reception_count_record(
                    ctx=AccessContext.from_request(request), centre=centre, **form.cleaned_data
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, f"Tellingen per {count.counted_on:%d.%m.%Y} er lagret.")
                over = reception_over_capacity(centre, count)
                if over:
                    messages.warning(
                        request,
                        f"Mottaket har {over} flere beboere enn plasser "
                        f"({count.residents} beboere, {centre.places} plasser).",
                    )
                return redirect("settlement:reception-detail", centre_id=centre.pk)
        else:
            status = 422
    counts = list(ReceptionCount.objects.filter(centre=centre).order_by("-counted_on"))
    rows = [(count, reception_over_capacity(centre, count)) for count in counts]
    context = {
        "centre": centre,
        "rows": rows,
        "latest": counts[0] if counts else None,
        "latest_over": rows[0][1] if rows else 0,
        "form": form,
        "status_labels": STATUS_LABELS,
    }
    return render(request, "settlement/reception_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def reception_edit(request: HttpRequest, centre_id: int) -> HttpResponse:
    """Change a centre's facts (name, kind, municipality, operator, places, dates)."""
    centre = reception_centre_get(request.user, centre_id)
    initial = {
        "name": centre.name,
        "kind": centre.kind,
        "municipality": centre.municipality_id,
        "operator": centre.operator,
        "places": centre.places,
        "opened_on": centre.opened_on,
        "closed_on": centre.closed_on,
    }
    form = CentreForm(initial=initial, centre=centre)
    status = 200
    if request.method == "POST":
        form = CentreForm(request.POST, centre=centre)
        if form.is_valid():
            try:
                reception_centre_save(
                    ctx=AccessContext.from_request(request), centre=centre, **_centre_data(form)
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, f"{centre.name} er endret.")
                return redirect("settlement:reception-detail", centre_id=centre.pk)
        else:
            status = 422
        centre.refresh_from_db()  # the heading shows what is saved, not what was typed
    return render(
        request, "settlement/reception_edit.html", {"centre": centre, "form": form}, status=status
    )


urlpatterns: list = [
    path("bosetting/mottak/", reception_list, name="reception-list"),
    path("bosetting/mottak/<int:centre_id>/", reception_detail, name="reception-detail"),
    path("bosetting/mottak/<int:centre_id>/endre/", reception_edit, name="reception-edit"),
]
