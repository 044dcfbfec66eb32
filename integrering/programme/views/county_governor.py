"""The county governor's side of appeals (Statsforvalteren): the inbox of appeals forwarded from
municipalities in its counties, one appeal with the municipality's assessment and the decision
appealed, its letter, and the outcome: upheld, quashed or changed (forvaltningsloven § 34).

Everything is reached through ``appeals_for_county_governor``: another county governor, and
every municipal user, gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import county_governor_id_of
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record, audit_record_many
from integrering.ui.forms import form_add_service_errors
from integrering.ui.http import no_store
from integrering.ui.paging import paginate

from ..forms import OutcomeForm
from ..models import Appeal, AppealStatus, DecisionKind
from ..selectors import (
    NOT_FOUND_APPEAL,
    appeal_get_for_county_governor,
    appeals_for_county_governor,
)
from ..services.appeal_bundle import appeal_bundle_filename, appeal_bundle_pdf
from ..services.appeals import appeal_decide_outcome
from ..services.decisions import decision_letter, decision_letter_filename

PAGE_SIZE = 50


@require_GET
@login_required
def governor_appeal_list(request: HttpRequest) -> HttpResponse:
    """The inbox: appeals to decide first (oldest first), then those decided."""
    if county_governor_id_of(request.user) is None:
        raise Http404(NOT_FOUND_APPEAL)
    appeals = (
        appeals_for_county_governor(request.user)
        .annotate(
            open_order=Case(
                When(status=AppealStatus.FORWARDED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("decision__person", "municipality")
        .defer("decision__letter_pdf")
        .order_by("open_order", "reviewed_on", "id")
    )
    page = paginate(request, appeals, PAGE_SIZE)
    audit_record_many(
        ctx=AccessContext.from_request(request),
        person_ids=[a.decision.person_id for a in page],
        action=AuditAction.LIST,
        detail="klager hos Statsforvalteren",
    )
    open_count = appeals_for_county_governor(request.user).filter(status=AppealStatus.FORWARDED)
    return render(
        request,
        "programme/governor_appeal_list.html",
        {"page": page, "open_count": open_count.count(), "organisation": request.user.organisation},  # type: ignore[union-attr]
    )


@require_http_methods(["GET", "POST"])
@login_required
def governor_appeal_detail(request: HttpRequest, governor_appeal_id: int) -> HttpResponse:
    """One appeal as the county governor hears it; a POST records the outcome."""
    ctx = AccessContext.from_request(request)
    appeal = appeal_get_for_county_governor(ctx=ctx, appeal_id=governor_appeal_id)
    status = 200
    reduction = appeal.decision.kind == DecisionKind.REDUCTION
    if request.method == "POST":
        form = OutcomeForm(request.POST, reduction=reduction)
        if form.is_valid():
            data = form.cleaned_data
            try:
                appeal_decide_outcome(
                    ctx=ctx,
                    appeal=appeal,
                    outcome=data["outcome"],
                    reasoning=data["reasoning"],
                    decided_on=data["decided_on"],
                    version=data["version"],
                    changed_conclusion=data["changed_conclusion"],
                    changed_amount=data.get("changed_amount"),
                    governor_reference=data["governor_reference"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                appeal.refresh_from_db()
                messages.success(
                    request, f"Utfallet er registrert: {appeal.get_status_display().lower()}."
                )
                return redirect("programme:governor-appeal-detail", governor_appeal_id=appeal.pk)
        else:
            status = 422
    else:
        form = OutcomeForm(
            initial={"decided_on": timezone.localdate(), "version": appeal.version},
            reduction=reduction,
        )
    return no_store(
        render(
            request,
            "programme/governor_appeal_detail.html",
            {
                "appeal": appeal,
                "decision": appeal.decision,
                "person": appeal.decision.person,
                "form": form,
                "bundle_url": reverse(
                    "programme:governor-appeal-bundle",
                    kwargs={"governor_appeal_id": appeal.pk},
                ),
            },
            status=status,
        )
    )


@require_GET
@login_required
def governor_appeal_letter(request: HttpRequest, governor_appeal_id: int) -> HttpResponse:
    """The letter of the decision appealed, as the participant got it."""
    ctx = AccessContext.from_request(request)
    appeal = appeal_get_for_county_governor(ctx=ctx, appeal_id=governor_appeal_id)
    decision = appeal.decision
    response = HttpResponse(
        decision_letter(ctx=ctx, decision=decision), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{decision_letter_filename(decision)}"'
    return no_store(response)


def appeal_bundle_response(
    request: HttpRequest, appeal: Appeal, ctx: AccessContext, back: str
) -> HttpResponse:
    """The case documents forwarded with the appeal, as one PDF (audited as an export); an
    appeal not forwarded has none, and the page it came from says so."""
    try:
        content = appeal_bundle_pdf(appeal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    audit_record(
        ctx=ctx,
        person_id=appeal.decision.person_id,
        action=AuditAction.EXPORT,
        allowed=True,
        detail=f"saksdokumenter i klagesak {appeal.pk}",
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{appeal_bundle_filename(appeal)}"'
    return no_store(response)


@require_GET
@login_required
def governor_appeal_bundle(request: HttpRequest, governor_appeal_id: int) -> HttpResponse:
    """The case documents the municipality forwarded with the appeal."""
    ctx = AccessContext.from_request(request)
    appeal = appeal_get_for_county_governor(ctx=ctx, appeal_id=governor_appeal_id)
    back = reverse("programme:governor-appeal-detail", kwargs={"governor_appeal_id": appeal.pk})
    return appeal_bundle_response(request, appeal, ctx, back)


urlpatterns = [
    path("statsforvalteren/klager/", governor_appeal_list, name="governor-appeal-list"),
    path(
        "statsforvalteren/klager/<int:governor_appeal_id>/",
        governor_appeal_detail,
        name="governor-appeal-detail",
    ),
    path(
        "statsforvalteren/klager/<int:governor_appeal_id>/vedtak.pdf",
        governor_appeal_letter,
        name="governor-appeal-letter",
    ),
    path(
        "statsforvalteren/klager/<int:governor_appeal_id>/saksdokumenter.pdf",
        governor_appeal_bundle,
        name="governor-appeal-bundle",
    ),
]
