"""A household's meetings: schedule a further team meeting, change a meeting, record it as held
with the minutes. Only the refugee service writes; the leader reads (the whole case)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from integrering.accounts.access import may_edit_case
from integrering.audit.services import AccessContext
from integrering.ui.forms import form_add_service_errors

from .. import selectors
from ..meeting_forms import (
    MeetingForm,
    MeetingHoldForm,
    MeetingScheduleForm,
    interpreter_initial,
    participants_initial,
    yes_no_initial,
)
from ..models import Meeting
from ..services.interpreters import qualification_label
from ..services.meetings import (
    first_team_meeting,
    meeting_hold,
    meeting_participants_by_service,
    meeting_schedule,
    meeting_update,
)

NOT_EDITOR = "Bare flyktningtjenesten kan planlegge og endre møter."


def _facts(meeting: Meeting) -> dict[str, Any]:
    """What the pages show of a meeting besides its form."""
    on = meeting.held_on or meeting.scheduled_on
    return {
        "meeting": meeting,
        "participants": meeting_participants_by_service(meeting),
        "qualification": qualification_label(meeting.interpreter_qualification, on)
        if meeting.interpreter_qualification
        else "",
    }


@require_http_methods(["GET", "POST"])
@login_required
def meeting_schedule_view(request: HttpRequest, household_id: int) -> HttpResponse:
    """Schedule a further meeting of the interdisciplinary team (seed 002 §2.4)."""
    ctx = AccessContext.from_request(request)
    household, meetings = selectors.household_meetings(ctx=ctx, household_id=household_id)
    if not may_edit_case(request.user):
        raise PermissionDenied(NOT_EDITOR)
    members = list(household.members.order_by("birth_date", "pk"))
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = MeetingScheduleForm(request.POST, members=members, on=today)
        if form.is_valid():
            try:
                meeting = meeting_schedule(ctx=ctx, household=household, data=form.to_input())
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Møtet i tverrfaglig team er planlagt {meeting.scheduled_on:%d.%m.%Y}.",
                )
                return redirect("people:household-detail", household_id=household.pk)
        else:
            status = 422
    else:
        first = first_team_meeting(household)
        needing = [m for m in members if m.interpreter_needed]
        initial: dict[str, Any] = {
            "persons": [str(p.pk) for p in first.persons.all()] if first else [],
            "services": first.services if first else [],
            "interpreter_needed": bool(needing),
            "interpreter_language": (
                needing[0].interpreter_language or needing[0].language if needing else ""
            ),
        }
        form = MeetingScheduleForm(initial=initial, members=members, on=today)
    return render(
        request,
        "casework/meeting_schedule.html",
        {
            "household": household,
            "form": form,
            "first_meeting": first_team_meeting(household),
            "meetings": meetings,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    meeting = selectors.meeting_get(ctx=ctx, meeting_id=meeting_id)
    may_edit = may_edit_case(request.user)
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(NOT_EDITOR)
        form = MeetingForm(request.POST, on=meeting.scheduled_on)
        if form.is_valid():
            try:
                meeting_update(
                    ctx=ctx,
                    meeting=meeting,
                    data=form.to_input(),
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, "Møtet er lagret.")
                return redirect("people:household-detail", household_id=meeting.household_id)
        else:
            status = 422
    else:
        form = MeetingForm(
            initial={
                "scheduled_on": meeting.scheduled_on,
                "held_on": meeting.held_on,
                "interpreter_used": yes_no_initial(meeting.interpreter_used),
                "services": meeting.services,
                "notes": meeting.notes,
                "version": meeting.version,
                **participants_initial(meeting),
                **interpreter_initial(meeting),
            },
            on=meeting.scheduled_on,
        )
    return render(
        request,
        "casework/meeting_edit.html",
        {"form": form, "may_edit": may_edit, **_facts(meeting)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_hold_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Record the meeting as held: the day, the interpreter and the minutes."""
    ctx = AccessContext.from_request(request)
    meeting = selectors.meeting_get(ctx=ctx, meeting_id=meeting_id)
    if not may_edit_case(request.user):
        raise PermissionDenied(NOT_EDITOR)
    status = 200
    if request.method == "POST":
        form = MeetingHoldForm(request.POST)
        if form.is_valid():
            try:
                meeting_hold(
                    ctx=ctx,
                    meeting=meeting,
                    data=form.to_input(),
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, "Møtet er registrert som holdt, med referat.")
                return redirect("casework:meeting-edit", meeting_id=meeting.pk)
        else:
            status = 422
    else:
        form = MeetingHoldForm(
            initial={
                "held_on": meeting.held_on or min(meeting.scheduled_on, timezone.localdate()),
                "interpreter_used": yes_no_initial(
                    meeting.interpreter_used
                    if meeting.interpreter_used is not None
                    else (meeting.interpreter_booked or None)
                ),
                "interpreter_language": meeting.interpreter_language,
                "interpreter_name": meeting.interpreter_name,
                "interpreter_company": meeting.interpreter_company,
                "notes": meeting.notes,
                "version": meeting.version,
            }
        )
    return render(
        request, "casework/meeting_hold.html", {"form": form, **_facts(meeting)}, status=status
    )


urlpatterns = [
    path("moter/<int:meeting_id>/", meeting_edit, name="meeting-edit"),
    path("moter/<int:meeting_id>/gjennomfort/", meeting_hold_view, name="meeting-hold"),
    path(
        "husstander/<int:household_id>/moter/ny/",
        meeting_schedule_view,
        name="meeting-schedule",
    ),
]
