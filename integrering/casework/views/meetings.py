"""A household's meeting: move it, or record it as held (and whether an interpreter was used)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from integrering.accounts.access import may_edit_case
from integrering.audit.services import AccessContext
from integrering.ui.forms import form_add_service_errors

from .. import selectors
from ..forms import MeetingForm
from ..services.meetings import MeetingInput, meeting_update


@require_http_methods(["GET", "POST"])
@login_required
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    meeting = selectors.meeting_get(ctx=ctx, meeting_id=meeting_id)
    may_edit = may_edit_case(request.user)
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Bare flyktningtjenesten kan endre møter.")
        form = MeetingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting_update(
                    ctx=ctx,
                    meeting=meeting,
                    data=MeetingInput(
                        scheduled_on=data["scheduled_on"],
                        held_on=data["held_on"],
                        interpreter_used=data["interpreter_used"],
                        interpreter_language=data["interpreter_language"],
                        services=tuple(data["services"]),
                        notes=data["notes"],
                    ),
                    version=data["version"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, "Møtet er lagret.")
                return redirect("people:household-detail", household_id=meeting.household_id)
        else:
            status = 422
    else:
        interpreter = {True: "true", False: "false"}.get(meeting.interpreter_used, "")  # type: ignore[arg-type]
        form = MeetingForm(
            initial={
                "scheduled_on": meeting.scheduled_on,
                "held_on": meeting.held_on,
                "interpreter_used": interpreter,
                "interpreter_language": meeting.interpreter_language,
                "services": meeting.services,
                "notes": meeting.notes,
                "version": meeting.version,
            }
        )
    return render(
        request,
        "casework/meeting_edit.html",
        {"form": form, "meeting": meeting, "may_edit": may_edit},
        status=status,
    )


urlpatterns = [
    path("moter/<int:meeting_id>/", meeting_edit, name="meeting-edit"),
]
