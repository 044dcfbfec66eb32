"""The inbox of notices for a service (NAV, school, health, ...), and acknowledging one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from integrering.audit.services import AccessContext

from .. import selectors
from ..services.notices import notice_acknowledge


@require_GET
@login_required
def notice_inbox(request: HttpRequest) -> HttpResponse:
    include_all = request.GET.get("alle") == "1"
    notices = selectors.notices_inbox(
        ctx=AccessContext.from_request(request), include_acknowledged=include_all
    )
    return render(
        request,
        "casework/notice_inbox.html",
        {"notices": notices, "include_all": include_all, "today": timezone.localdate()},
    )


@require_http_methods(["POST"])
@login_required
def notice_acknowledge_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    notice = selectors.notice_get(ctx=ctx, notice_id=notice_id)
    try:
        notice_acknowledge(ctx=ctx, notice=notice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Varselet om husstand {notice.household.reference} er mottatt.")
    return redirect("casework:notice-inbox")


urlpatterns = [
    path("varsler/", notice_inbox, name="notice-inbox"),
    path("varsler/<int:notice_id>/mottatt/", notice_acknowledge_view, name="notice-acknowledge"),
]
