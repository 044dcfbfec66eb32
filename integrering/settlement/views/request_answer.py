"""The municipality's own request page (issue 21 item 4): its leader sees the year's request and
answers it with the decision per group, and follows the settled-against-decided progress.

- ``request-answer`` (``/bosetting/anmodning/<answer_year>/``): the request to the user's own
  municipality for the year (404 for anyone but its leader, and for a year without a request):
  what is asked, the answer date and reminders, the decision form (decided, of which
  unaccompanied minors and of them under 15, large dwellings, places for school-age children,
  the adaptation needs it can meet, decision date, comment; with the decision's version, so a
  stale form is refused with 409 and the input kept), and the progress.

The helpers for the decision form are shared with the planner's page (``views/requests.py``).
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

from integrering.audit.services import AccessContext
from integrering.ui.forms import form_add_service_errors
from integrering.ui.http import no_store

from ..forms import DecisionForm
from ..models import DecisionSource, MunicipalDecision
from ..services.progress import municipality_progress
from ..services.request_answers import (
    answer_request_get,
    answer_request_overdue,
    decision_of,
    decision_record,
)
from ..services.waiting import adaptation_need_label
from ..spreading_groups import minors_text


def decision_form_initial(decision: MunicipalDecision | None) -> dict[str, Any]:
    """The decision form's values: the decision as recorded, or a new one dated today."""
    if decision is None:
        return {
            "unaccompanied_minors": 0,
            "minors_under_15": 0,
            "decided_on": timezone.localdate(),
            "version": 0,
        }
    return {
        "decided": decision.decided,
        "unaccompanied_minors": decision.unaccompanied_minors,
        "minors_under_15": decision.minors_under_15,
        "large_dwellings": decision.large_dwellings,
        "school_children": decision.school_children,
        "adaptation_capabilities": list(decision.adaptation_capabilities),
        "decided_on": decision.decided_on,
        "note": decision.note,
        "version": decision.version,
    }


def decision_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    """The cleaned decision form as ``decision_record``'s arguments (an empty «under 15» is 0)."""
    return {
        "decided": data["decided"],
        "unaccompanied_minors": data["unaccompanied_minors"],
        "minors_under_15": data["minors_under_15"] or 0,
        "large_dwellings": data["large_dwellings"],
        "school_children": data["school_children"],
        "adaptation_capabilities": list(data["adaptation_capabilities"]),
        "decided_on": data["decided_on"],
        "note": data["note"],
        "version": data["version"],
    }


def decision_history(decision: MunicipalDecision, *, by: str) -> dict[str, Any]:
    """The decision as an event of the request's history."""
    source = "Kommunen svarte" if decision.source == DecisionSource.MUNICIPALITY else "Registrert"
    return {
        "at": decision.recorded_at,
        "text": f"{source}: vedtak om {decision.decided} "
        f"{'person' if decision.decided == 1 else 'personer'}, hvorav "
        f"{minors_text(decision.unaccompanied_minors)} ({decision.minors_under_15} under 15 år), "
        f"vedtatt {decision.decided_on:%d.%m.%Y}.",
        "by": by,
    }


def capability_labels(decision: MunicipalDecision | None) -> list[str]:
    if decision is None:
        return []
    return [adaptation_need_label(code) for code in decision.adaptation_capabilities]


@require_http_methods(["GET", "POST"])
@login_required
def request_answer(request: HttpRequest, answer_year: int) -> HttpResponse:
    """The municipality's request for the year, and its answer (the leader's decision)."""
    settlement_request = answer_request_get(request.user, answer_year)
    decision = decision_of(settlement_request)
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST, prefix="answer")
        if form.is_valid():
            try:
                decision_record(
                    ctx=AccessContext.from_request(request),
                    request=settlement_request,
                    source=DecisionSource.MUNICIPALITY,
                    **decision_kwargs(form.cleaned_data),
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Svaret er sendt: vedtaket er registrert hos IMDi."
                    if decision is None
                    else "Vedtaket er endret.",
                )
                return redirect("settlement:request-answer", answer_year=answer_year)
        else:
            status = 422
    else:
        form = DecisionForm(prefix="answer", initial=decision_form_initial(decision))
    today = timezone.localdate()
    context = {
        "settlement_request": settlement_request,
        "municipality": settlement_request.municipality,
        "year": settlement_request.year,
        "decision": decision,
        "capabilities": capability_labels(decision),
        "difference": decision.decided - settlement_request.requested if decision else None,
        "overdue": answer_request_overdue(settlement_request, decision, today),
        "progress": municipality_progress(
            year=settlement_request.year, municipality_id=settlement_request.municipality_id
        ),
        "form": form,
    }
    return no_store(render(request, "settlement/request_answer.html", context, status=status))


urlpatterns: list = [
    path("bosetting/anmodning/<int:answer_year>/", request_answer, name="request-answer"),
]
