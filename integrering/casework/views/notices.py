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
from integrering.ui.paging import PAGE_PARAM, page_number

from .. import selectors
from ..forms import NoticeFilterForm
from ..services.notices import notice_acknowledge


@require_GET
@login_required
def notice_inbox(request: HttpRequest) -> HttpResponse:
    """The inbox of the user's services: new notices first by due date, filtered by status,
    service and due date, 25 to a page."""
    data = request.GET.copy()
    if data.get("alle") == "1":  # the former link «Vis også mottatte varsler»
        data.setdefault("status", selectors.NOTICE_ALL)
    services = sorted(getattr(request.user, "service_set", frozenset()))
    form = NoticeFilterForm(data, services=services)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    page = selectors.notices_page(
        ctx=AccessContext.from_request(request),
        status=filters.get("status") or selectors.NOTICE_NEW,
        service=filters.get("service") or "",
        due=filters.get("due") or "",
        today=today,
        page=page_number(request.GET.get(PAGE_PARAM)),
    )
    return render(
        request,
        "casework/notice_inbox.html",
        {"form": form, "page": page, "filtered": any(filters.values()), "today": today},
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
