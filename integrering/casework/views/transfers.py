"""Moving within five years (seed 002 §2.1): the list of moves, proposing one from the case,
registering one in the new municipality, a move's page (accepting it; the old municipality's read
of what it wrote), all through ``services/transfers.py`` and the selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import (
    case_transfer_accept_require,
    case_transfer_decline_require,
    case_transfer_withdraw_require,
    may_edit_case,
    municipalities_served_by,
    sees_whole_case,
)
from integrering.audit.services import AccessContext
from integrering.people.selectors import person_get
from integrering.ui.forms import DsForm

from .. import selectors
from ..former_sections import former_sections
from ..models import CaseTransfer, TransferStatus
from ..services.transfers import (
    case_transfer_accept,
    case_transfer_decline,
    case_transfer_propose,
    case_transfer_register,
    case_transfer_withdraw,
)
from ..transfer_forms import (
    TransferAcceptForm,
    TransferCloseForm,
    TransferProposeForm,
    TransferRegisterForm,
)

NO_TRANSFERS = "Flyttinger er for flyktningtjenesten og kommunens ledere."


def _errors_to_form(form: DsForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_GET
@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    if not sees_whole_case(request.user):
        raise PermissionDenied(NO_TRANSFERS)
    transfers = selectors.transfers_list(ctx=AccessContext.from_request(request))
    return render(
        request,
        "casework/transfer_list.html",
        {"transfers": transfers, "may_register": may_edit_case(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def transfer_propose(request: HttpRequest, person_id: int) -> HttpResponse:
    """The old municipality proposes that the case goes with the household (from a member)."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    household = person.household
    status = 200
    form = TransferProposeForm(request.POST or None, exclude_id=household.municipality_id)
    if request.method == "POST":
        if form.is_valid():
            try:
                transfer = case_transfer_propose(
                    ctx=ctx,
                    household=household,
                    to_municipality=form.cleaned_data["to_municipality"],
                    data=form.to_input(),
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    f"Flyttingen er foreslått; flyktningtjenesten i "
                    f"{transfer.to_municipality.name} har fått et varsel.",
                )
                return redirect("casework:transfer-detail", transfer_id=transfer.pk)
        status = 422
    return render(
        request,
        "casework/transfer_propose.html",
        {"form": form, "person": person, "household": household},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def transfer_register(request: HttpRequest) -> HttpResponse:
    """The new municipality registers a move with the persons' consent; the case is theirs."""
    if not may_edit_case(request.user):
        raise PermissionDenied("Bare flyktningtjenesten kan registrere flyttinger.")
    ctx = AccessContext.from_request(request)
    municipalities = municipalities_served_by(request.user).order_by("name")
    form = TransferRegisterForm(request.POST or None, municipalities=municipalities)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                transfer = case_transfer_register(
                    ctx=ctx,
                    to_municipality=form.cleaned_data["to_municipality"],
                    reference=form.cleaned_data["reference"],
                    identity_number=form.cleaned_data["identity_number"],
                    data=form.to_input(),
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    f"Flyttingen er registrert og saken er overført fra "
                    f"{transfer.from_municipality.name}.",
                )
                return redirect("casework:transfer-detail", transfer_id=transfer.pk)
        status = 422
    return render(request, "casework/transfer_register.html", {"form": form}, status=status)


def _detail(
    request: HttpRequest,
    ctx: AccessContext,
    transfer: CaseTransfer,
    side: str,
    *,
    close_form: TransferCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_close = transfer.status == TransferStatus.PROPOSED and may_edit_case(request.user)
    context: dict[str, object] = {
        "transfer": transfer,
        "side": side,
        "persons": list(transfer.persons.order_by("birth_date", "pk")),
        "audit_events": selectors.transfer_audit_events(transfer=transfer, side=side),
        "may_accept": side == "to" and may_close,
        "may_withdraw": side == "from" and may_close,
        "accept_form": TransferAcceptForm(initial={"version": transfer.version}),
        "close_form": close_form or TransferCloseForm(initial={"version": transfer.version}),
    }
    if side == "from" and transfer.handed_over_at is not None:
        context["former"] = selectors.former_case_get(ctx=ctx, transfer_id=transfer.pk)
        context["former_sections"] = former_sections(ctx=ctx, transfer=transfer)
    return render(request, "casework/transfer_detail.html", context, status=status)


@require_GET
@login_required
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    transfer, side = selectors.transfer_get(ctx=ctx, transfer_id=transfer_id)
    return _detail(request, ctx, transfer, side)


def _transfer_close(request: HttpRequest, transfer_id: int, *, decline: bool) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    transfer, side = selectors.transfer_get(ctx=ctx, transfer_id=transfer_id)
    if decline:
        case_transfer_decline_require(request.user, to_municipality_id=transfer.to_municipality_id)
    else:
        case_transfer_withdraw_require(
            request.user, from_municipality_id=transfer.from_municipality_id
        )
    form = TransferCloseForm(request.POST)
    if form.is_valid():
        close = case_transfer_decline if decline else case_transfer_withdraw
        try:
            close(
                ctx=ctx,
                transfer=transfer,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            other = transfer.from_municipality if decline else transfer.to_municipality
            messages.success(
                request,
                f"Flyttingen er {'avslått' if decline else 'trukket'}. "
                f"{other.name} har fått et varsel.",
            )
            return redirect("casework:transfer-detail", transfer_id=transfer.pk)
    return _detail(request, ctx, transfer, side, close_form=form, status=422)


@require_http_methods(["POST"])
@login_required
def transfer_withdraw(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """The old municipality withdraws its proposal (the case stays with it)."""
    return _transfer_close(request, transfer_id, decline=False)


@require_http_methods(["POST"])
@login_required
def transfer_decline(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """The new municipality declines a proposal, with a reason (the case stays where it is)."""
    return _transfer_close(request, transfer_id, decline=True)


@require_http_methods(["POST"])
@login_required
def transfer_accept(request: HttpRequest, transfer_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    transfer, _side = selectors.transfer_get(ctx=ctx, transfer_id=transfer_id)
    case_transfer_accept_require(request.user, to_municipality_id=transfer.to_municipality_id)
    form = TransferAcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Last inn siden på nytt og prøv igjen.")
    else:
        try:
            case_transfer_accept(ctx=ctx, transfer=transfer, version=form.cleaned_data["version"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Saken er overført til {transfer.to_municipality.name}. "
                f"{transfer.from_municipality.name} har fått en bekreftelse.",
            )
    return redirect("casework:transfer-detail", transfer_id=transfer.pk)


urlpatterns = [
    path("flyttinger/", transfer_list, name="transfer-list"),
    path("flyttinger/ny/", transfer_register, name="transfer-register"),
    path("flyttinger/<int:transfer_id>/", transfer_detail, name="transfer-detail"),
    path("flyttinger/<int:transfer_id>/godta/", transfer_accept, name="transfer-accept"),
    path("flyttinger/<int:transfer_id>/trekk/", transfer_withdraw, name="transfer-withdraw"),
    path("flyttinger/<int:transfer_id>/avsla/", transfer_decline, name="transfer-decline"),
    path("personer/<int:person_id>/flytting/", transfer_propose, name="transfer-propose"),
]
