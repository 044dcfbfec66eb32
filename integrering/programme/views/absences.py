"""Pages of one absence entry: its history, correcting it and deleting it (issue 23 item 4).

Reads go through ``absence_get`` (the participation's person: tenant, consent, audit); changes
need the refugee service and call ``services/absences.py``. Deleting asks for a reason on a page
of its own, which is the confirmation (no JavaScript needed).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import may_edit_case
from integrering.audit.services import AccessContext
from integrering.ui.forms import form_add_service_errors

from ..forms import AbsenceCorrectForm, AbsenceDeleteForm
from ..models import Absence
from ..selectors import absence_get
from ..services import absences as service


def _context(absence: Absence, **more: object) -> dict[str, object]:
    participation = absence.participation
    return {
        "absence": absence,
        "participation": participation,
        "person": participation.person,
        "versions": service.absence_versions(absence),
        **more,
    }


def _done(
    request: HttpRequest, absence: Absence, message: str, months: set[datetime.date]
) -> HttpResponse:
    messages.success(request, message)
    for notice in service.absence_change_notices(absence, months):
        messages.warning(request, notice)
    return redirect("programme:absence-detail", absence_id=absence.pk)


@require_GET
@login_required
def absence_detail(request: HttpRequest, absence_id: int) -> HttpResponse:
    """An entry as it is now (or was, when deleted) and every change of it."""
    ctx = AccessContext.from_request(request)
    absence = absence_get(ctx=ctx, absence_id=absence_id)
    return render(
        request,
        "programme/absence_detail.html",
        _context(absence, may_edit=may_edit_case(request.user) and not absence.is_deleted),
    )


@require_http_methods(["GET", "POST"])
@login_required
def absence_edit(request: HttpRequest, absence_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    absence = absence_get(ctx=ctx, absence_id=absence_id, edit=True)
    status = 200
    if request.method == "POST":
        form = AbsenceCorrectForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            old_month = absence.on.replace(day=1)
            try:
                absence = service.absence_correct(
                    ctx=ctx,
                    absence=absence,
                    on=d["on"],
                    hours=d["hours"],
                    approved=d["approved"],
                    reason=d["reason"],
                    change_reason=d["change_reason"],
                    version=d["version"] or 0,
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                return _done(
                    request,
                    absence,
                    "Fraværet er endret.",
                    {old_month, absence.on.replace(day=1)},
                )
        else:
            status = 422
    else:
        form = AbsenceCorrectForm(
            initial={
                "on": absence.on,
                "hours": absence.hours,
                "approved": absence.approved,
                "reason": absence.reason,
                "version": absence.version,
            }
        )
    return render(
        request, "programme/absence_edit.html", _context(absence, form=form), status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
def absence_delete(request: HttpRequest, absence_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    absence = absence_get(ctx=ctx, absence_id=absence_id, edit=True)
    status = 200
    if request.method == "POST":
        form = AbsenceDeleteForm(request.POST)
        if form.is_valid():
            try:
                absence = service.absence_delete(
                    ctx=ctx,
                    absence=absence,
                    change_reason=form.cleaned_data["change_reason"],
                    version=form.cleaned_data["version"] or 0,
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                return _done(request, absence, "Fraværet er slettet.", {absence.on.replace(day=1)})
        else:
            status = 422
    else:
        form = AbsenceDeleteForm(initial={"version": absence.version})
    return render(
        request, "programme/absence_delete.html", _context(absence, form=form), status=status
    )


urlpatterns = [
    path("introduksjonsprogram/fravaer/<int:absence_id>/", absence_detail, name="absence-detail"),
    path("introduksjonsprogram/fravaer/<int:absence_id>/endre/", absence_edit, name="absence-edit"),
    path(
        "introduksjonsprogram/fravaer/<int:absence_id>/slett/",
        absence_delete,
        name="absence-delete",
    ),
]
