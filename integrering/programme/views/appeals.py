"""Appeals (klage) on the municipality's side: register one against a sent decision, the list,
one appeal with its status and the county governor's outcome, and the municipality's review:
change its own decision, dismiss a late appeal, or forward the case to the county governor.

Reads go through ``programme/selectors.py``; writes need the refugee service (``edit=True``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integrering.accounts.access import may_edit_case
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.ui.forms import form_add_service_errors
from integrering.ui.http import no_store
from integrering.ui.paging import paginate

from ..forms import AppealCreateForm, AppealFilterForm, ReviewForm
from ..models import Appeal, AppealStatus, DecisionStatus
from ..selectors import appeal_get, appeals_for_municipality, decision_get
from ..services.appeals import appeal_dismiss, appeal_forward, appeal_register, appeal_reverse
from .county_governor import appeal_bundle_response

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@login_required
def appeal_create(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Register an appeal against a sent decision; a late one is registered and marked late."""
    ctx = AccessContext.from_request(request)
    decision = decision_get(ctx=ctx, decision_id=decision_id, edit=True)
    status = 200
    if request.method == "POST":
        form = AppealCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                appeal = appeal_register(
                    ctx=ctx,
                    decision_id=decision.pk,
                    received_on=data["received_on"],
                    grounds=data["grounds"],
                    late_heard_reason=data["late_heard_reason"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                if appeal.late:
                    messages.warning(
                        request,
                        f"Klagen er registrert, men kom etter klagefristen "
                        f"({decision.appeal_deadline:%d.%m.%Y}).",
                    )
                else:
                    messages.success(request, "Klagen er registrert. Den kom innen fristen.")
                return redirect("programme:appeal-detail", appeal_id=appeal.pk)
        else:
            status = 422
    else:
        form = AppealCreateForm(initial={"received_on": timezone.localdate()})
    return no_store(
        render(
            request,
            "programme/appeal_create.html",
            {
                "decision": decision,
                "person": decision.person,
                "form": form,
                "appealable": decision.status == DecisionStatus.SENT,
            },
            status=status,
        )
    )


@require_GET
@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    """The municipality's appeals: those it has not reviewed first, then those with the county
    governor, then the rest, newest first."""
    form = AppealFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    # The letters stay in the database: a list needs none of them.
    appeals = (
        appeals_for_municipality(request.user)
        .defer("decision__letter_pdf")
        .annotate(
            open_order=Case(
                When(status=AppealStatus.RECEIVED, then=Value(0)),
                When(status=AppealStatus.FORWARDED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    )
    if status:
        appeals = appeals.filter(status=status)
    page = paginate(request, appeals.order_by("open_order", "-received_on", "-id"), PAGE_SIZE)
    audit_record_many(
        ctx=AccessContext.from_request(request),
        person_ids=[a.decision.person_id for a in page],
        action=AuditAction.LIST,
        detail="klageliste",
    )
    return render(
        request,
        "programme/appeal_list.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "status_label": AppealStatus(status).label if status else "",
        },
    )


def _detail_context(request: HttpRequest, appeal: Appeal, **forms_: ReviewForm) -> dict[str, Any]:
    context: dict[str, Any] = {
        "appeal": appeal,
        "decision": appeal.decision,
        "person": appeal.decision.person,
        "may_edit": may_edit_case(request.user),
        "bundle_url": reverse("programme:appeal-bundle", kwargs={"appeal_id": appeal.pk}),
    }
    if appeal.status == AppealStatus.RECEIVED:
        initial = {"version": appeal.version}
        context["reverse_form"] = forms_.get("reverse") or ReviewForm(
            appeal=appeal, action="reverse", initial=initial
        )
        context["forward_form"] = forms_.get("forward") or ReviewForm(
            appeal=appeal, action="forward", initial=initial
        )
        if appeal.late and not appeal.late_heard_reason:
            context["dismiss_form"] = forms_.get("dismiss") or ReviewForm(
                appeal=appeal, action="dismiss", initial=initial
            )
    return context


@require_GET
@login_required
def appeal_detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = appeal_get(ctx=AccessContext.from_request(request), appeal_id=appeal_id)
    return no_store(
        render(request, "programme/appeal_detail.html", _detail_context(request, appeal))
    )


SUCCESS = {
    "reverse": "Kommunen omgjør vedtaket. Et nytt utkast er laget: endre det, vedta det og send det.",
    "dismiss": "Klagen er avvist fordi den kom for sent.",
    "forward": "Klagen er sendt til Statsforvalteren.",
}


def _review(request: HttpRequest, appeal_id: int, action: str) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    appeal = appeal_get(ctx=ctx, appeal_id=appeal_id, edit=True)
    form = ReviewForm(request.POST, appeal=appeal, action=action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "dismiss":
                appeal_dismiss(
                    ctx=ctx, appeal=appeal, assessment=data["assessment"], version=data["version"]
                )
            else:
                service = appeal_reverse if action == "reverse" else appeal_forward
                service(
                    ctx=ctx,
                    appeal=appeal,
                    assessment=data["assessment"],
                    version=data["version"],
                    late_heard_reason=data.get("late_heard_reason", ""),
                )
        except ValidationError as exc:
            status = form_add_service_errors(form, exc)
        else:
            messages.success(request, SUCCESS[action])
            if action == "reverse":
                appeal.refresh_from_db()
                return redirect("programme:decision-detail", decision_id=appeal.new_decision_id)
            return redirect("programme:appeal-detail", appeal_id=appeal.pk)
    else:
        status = 422
    context = _detail_context(request, appeal, **{action: form})
    context["failed"] = action
    return no_store(render(request, "programme/appeal_detail.html", context, status=status))


@require_POST
@login_required
def appeal_reverse_view(request: HttpRequest, appeal_id: int) -> HttpResponse:
    return _review(request, appeal_id, "reverse")


@require_POST
@login_required
def appeal_dismiss_view(request: HttpRequest, appeal_id: int) -> HttpResponse:
    return _review(request, appeal_id, "dismiss")


@require_POST
@login_required
def appeal_forward_view(request: HttpRequest, appeal_id: int) -> HttpResponse:
    return _review(request, appeal_id, "forward")


@require_GET
@login_required
def appeal_bundle(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """The case documents the municipality forwarded with the appeal, as the county governor
    got them."""
    ctx = AccessContext.from_request(request)
    appeal = appeal_get(ctx=ctx, appeal_id=appeal_id)
    back = reverse("programme:appeal-detail", kwargs={"appeal_id": appeal.pk})
    return appeal_bundle_response(request, appeal, ctx, back)


urlpatterns = [
    path("vedtak/<int:decision_id>/klage/ny/", appeal_create, name="appeal-create"),
    path("klager/", appeal_list, name="appeal-list"),
    path("klager/<int:appeal_id>/", appeal_detail, name="appeal-detail"),
    path("klager/<int:appeal_id>/omgjor/", appeal_reverse_view, name="appeal-reverse"),
    path("klager/<int:appeal_id>/avvis/", appeal_dismiss_view, name="appeal-dismiss"),
    path("klager/<int:appeal_id>/send/", appeal_forward_view, name="appeal-forward"),
    path("klager/<int:appeal_id>/saksdokumenter.pdf", appeal_bundle, name="appeal-bundle"),
]
