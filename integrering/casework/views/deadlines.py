"""The deadline dashboard: open deadlines by due date, overdue first, and recording one as met."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import sees_whole_case
from integrering.audit.services import AccessContext
from integrering.ui.paging import PAGE_PARAM, page_number

from .. import selectors
from ..deadline_labels import deadline_label
from ..deadline_rows import deadline_rows
from ..forms import DeadlineFilterForm, DeadlineMeetForm
from ..services.deadlines import deadline_meet


def _caseworker_choices(user: object) -> list[tuple[object, str]]:
    caseworkers = selectors.household_caseworkers(user)
    return [("", "Alle"), *[(u.pk, u.display_name) for u in caseworkers]]


@require_GET
@login_required
def deadline_dashboard(request: HttpRequest) -> HttpResponse:
    form = DeadlineFilterForm(request.GET or None)
    form.fields["caseworker"].choices = _caseworker_choices(request.user)  # type: ignore[attr-defined]
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    today = timezone.localdate()
    page = selectors.deadlines_page(
        ctx=AccessContext.from_request(request),
        service=filters.get("service") or "",
        caseworker_id=filters.get("caseworker"),
        include_met=bool(filters.get("include_met")),
        due=filters.get("due") or "",
        today=today,
        page=page_number(request.GET.get(PAGE_PARAM)),
    )
    rows = deadline_rows(
        page.items, today=today, with_person=True, whole_case=sees_whole_case(request.user)
    )
    return render(
        request,
        "casework/deadline_dashboard.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "today": today,
            "overdue": sum(1 for row in rows if row.overdue),
        },
    )


@require_http_methods(["POST"])
@login_required
def deadline_meet_view(request: HttpRequest, deadline_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    deadline = selectors.deadline_get(ctx=ctx, deadline_id=deadline_id)
    form = DeadlineMeetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Oppgi en gyldig dato for når fristen ble oppfylt.")
    else:
        try:
            deadline_meet(
                ctx=ctx,
                deadline=deadline,
                met_on=form.cleaned_data["met_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"«{deadline_label(deadline.kind)}» for {deadline.person.full_name} er registrert som oppfylt.",
            )
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("casework:deadline-dashboard")


urlpatterns = [
    path("frister/", deadline_dashboard, name="deadline-dashboard"),
    path("frister/<int:deadline_id>/oppfylt/", deadline_meet_view, name="deadline-meet"),
]
