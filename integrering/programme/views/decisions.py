"""Individual decisions (enkeltvedtak): the municipality's list, one decision with its actions,
editing a draft, deciding, sending, the letter as a PDF, and a new decision made by hand.

Reads go through ``programme/selectors.py`` (tenant, consent, audit); writes need the refugee
service (``edit=True``). The selector comes first in every view, so another municipality's
user gets 404 whatever the method.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integrering.accounts.access import may_edit_case
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.people.selectors import person_get
from integrering.ui.confirm import Confirmation, confirmation_ask, irreversible
from integrering.ui.filters import due_q
from integrering.ui.forms import form_add_service_errors
from integrering.ui.http import no_store
from integrering.ui.numbers import kroner_nb
from integrering.ui.paging import paginate

from ..forms import DecideForm, DecisionCreateForm, DecisionEditForm, DecisionFilterForm, SendForm
from ..models import Decision, DecisionStatus
from ..selectors import decision_get, decisions_for, participations_of
from ..services.decisions import (
    decision_appeal_deadline,
    decision_create,
    decision_decide,
    decision_decide_check,
    decision_letter,
    decision_letter_filename,
    decision_send,
    decision_send_check,
    decision_update,
    programme_decision_deadline,
)

PAGE_SIZE = 50


@require_GET
@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    """The municipality's decisions, newest first, by status, kind and appeal deadline."""
    form = DecisionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = filters.get("status", "")
    decisions = decisions_for(request.user).defer("letter_pdf")
    if status:
        decisions = decisions.filter(status=status)
    if filters.get("kind"):
        decisions = decisions.filter(kind=filters["kind"])
    decisions = decisions.filter(
        due_q("appeal_deadline", filters.get("due", ""), timezone.localdate())
    )
    page = paginate(request, decisions, PAGE_SIZE)
    audit_record_many(
        ctx=AccessContext.from_request(request),
        person_ids=[d.person_id for d in page],
        action=AuditAction.LIST,
        detail="vedtaksliste",
    )
    return render(
        request,
        "programme/decision_list.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "status_label": DecisionStatus(status).label if status else "",
        },
    )


def _detail_context(request: HttpRequest, decision: Decision) -> dict[str, Any]:
    today = timezone.localdate()
    deadline = programme_decision_deadline(decision)
    return {
        "decision": decision,
        "person": decision.person,
        "appeals": decision.appeals.order_by("-received_on", "-id"),
        "replaced_by": decision.replaced_by.defer("letter_pdf").order_by("-created_at"),
        "may_edit": may_edit_case(request.user),
        "deadline": deadline,
        "today": today,
        "decide_form": DecideForm(
            prefix="decide", initial={"decided_on": today, "version": decision.version}
        ),
    }


@require_GET
@login_required
def decision_detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = decision_get(ctx=AccessContext.from_request(request), decision_id=decision_id)
    return no_store(
        render(request, "programme/decision_detail.html", _detail_context(request, decision))
    )


@require_http_methods(["GET", "POST"])
@login_required
def decision_edit(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Edit a draft's texts; a decided decision is shown with why it cannot change."""
    ctx = AccessContext.from_request(request)
    decision = decision_get(ctx=ctx, decision_id=decision_id, edit=True)
    editable = decision.status == DecisionStatus.DRAFT
    status = 200
    if request.method == "POST":
        form = DecisionEditForm(request.POST, decision=decision)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision_update(
                    ctx=ctx,
                    decision=decision,
                    subject=data["subject"],
                    facts=data["facts"],
                    reasoning=data["reasoning"],
                    conclusion=data["conclusion"],
                    effective_on=data["effective_on"],
                    version=data["version"],
                    amount=data.get("amount"),
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, "Endringene i utkastet er lagret.")
                return redirect("programme:decision-detail", decision_id=decision.pk)
        else:
            status = 422
    else:
        form = DecisionEditForm(
            decision=decision,
            initial={
                "subject": decision.subject,
                "effective_on": decision.effective_on,
                "amount": decision.amount,
                "conclusion": decision.conclusion,
                "facts": decision.facts,
                "reasoning": decision.reasoning,
                "version": decision.version,
            },
        )
    return no_store(
        render(
            request,
            "programme/decision_edit.html",
            {"decision": decision, "person": decision.person, "form": form, "editable": editable},
            status=status,
        )
    )


def _decision_facts(decision: Decision) -> list[tuple[str, str]]:
    person = decision.person
    facts = [
        ("Vedtak", decision.reference),
        ("Gjelder", decision.subject),
        ("Deltaker", f"{person.full_name}, født {person.birth_date:%d.%m.%Y}"),
    ]
    if decision.amount is not None:
        facts.append(("Beløp som trekkes", kroner_nb(decision.amount)))
    return facts


def _decide_confirmation(decision: Decision, decided_on: datetime.date) -> Confirmation:
    """What deciding makes final (issue 23 item 2)."""
    facts = _decision_facts(decision)
    facts.append(("Vedtaksdato", f"{decided_on:%d.%m.%Y}"))
    if decision.effective_on is not None:
        facts.append(("Gjelder fra", f"{decision.effective_on:%d.%m.%Y}"))
    return Confirmation(
        title=f"Fatte vedtak {decision.reference}?",
        summary=(
            f"{decision.subject} for {decision.person.full_name} vedtas "
            f"{decided_on:%d.%m.%Y}, og teksten ligger fast."
        ),
        facts=tuple(facts),
        consequences=(
            "Teksten i vedtaket kan ikke endres etter at det er vedtatt. Skal noe endres, "
            "må det fattes et nytt vedtak.",
            "Neste steg er å sende brevet til deltakeren.",
        ),
        button="Bekreft og vedta",
        cancel_url=reverse("programme:decision-detail", kwargs={"decision_id": decision.pk}),
    )


@irreversible
@require_POST
@login_required
def decision_decide_view(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Make the decision, after a page that says what becomes final (``ui/confirm.py``)."""
    ctx = AccessContext.from_request(request)
    decision = decision_get(ctx=ctx, decision_id=decision_id, edit=True)
    form = DecideForm(request.POST, prefix="decide")
    if form.is_valid():
        decided_on = form.cleaned_data["decided_on"]
        try:
            # Ask only for what can be decided: the checks first, as deciding makes them.
            decision_decide_check(decision=decision, decided_on=decided_on)
            asked = confirmation_ask(request, _decide_confirmation(decision, decided_on))
            if asked is not None:
                return asked
            decision_decide(
                ctx=ctx,
                decision=decision,
                decided_on=form.cleaned_data["decided_on"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            status = form_add_service_errors(form, exc)
        else:
            messages.success(request, "Vedtaket er vedtatt. Send brevet til deltakeren.")
            return redirect("programme:decision-detail", decision_id=decision.pk)
    else:
        status = 422
    context = _detail_context(request, decision)
    context["decide_form"] = form
    return no_store(render(request, "programme/decision_detail.html", context, status=status))


def _send_confirmation(
    decision: Decision, sent_on: datetime.date, received_on: datetime.date
) -> Confirmation:
    """What sending does (issue 23 item 2): to whom the letter goes, and the appeal deadline."""
    person = decision.person
    address = ", ".join(person.postal_address or [])
    deadline = decision_appeal_deadline(received_on)
    standard = "nynorsk" if decision.municipality.letter_standard == "nn" else "bokmål"
    facts = _decision_facts(decision)
    facts += [
        ("Sendes til", f"{person.full_name}, {address}"),
        ("Målform", standard),
        ("Sendt dato", f"{sent_on:%d.%m.%Y}"),
        ("Mottatt av deltakeren", f"{received_on:%d.%m.%Y}"),
        ("Klagefrist", f"{deadline:%d.%m.%Y}"),
    ]
    return Confirmation(
        title=f"Sende vedtak {decision.reference}?",
        summary=(
            f"Vedtaksbrevet sendes til {person.full_name}, {address}, og klagefristen blir "
            f"{deadline:%d.%m.%Y}."
        ),
        facts=tuple(facts),
        consequences=(
            "Brevet lagres slik det sendes, og kan ikke endres etterpå.",
            "Klagefristen registreres, og flyktningtjenesten får den som frist.",
        ),
        button="Bekreft og send",
        cancel_url=reverse("programme:decision-detail", kwargs={"decision_id": decision.pk}),
    )


@irreversible
@require_http_methods(["GET", "POST"])
@login_required
def decision_send_view(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Send the decided letter: the date it went, and when the participant received it; then a
    page that says to whom and with which appeal deadline (``ui/confirm.py``)."""
    ctx = AccessContext.from_request(request)
    decision = decision_get(ctx=ctx, decision_id=decision_id, edit=True)
    status = 200
    if request.method == "POST":
        form = SendForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                # Ask only for what can be sent: the checks first, as sending makes them.
                received_on = decision_send_check(
                    decision=decision, sent_on=data["sent_on"], received_on=data["received_on"]
                )
                asked = confirmation_ask(
                    request, _send_confirmation(decision, data["sent_on"], received_on)
                )
                if asked is not None:
                    return asked
                decision_send(
                    ctx=ctx,
                    decision=decision,
                    sent_on=data["sent_on"],
                    received_on=data["received_on"],
                    version=data["version"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Vedtaket er sendt, og brevet er lagret slik det ble sendt. "
                    "Klagefristen er registrert.",
                )
                return redirect("programme:decision-detail", decision_id=decision.pk)
        else:
            status = 422
    else:
        form = SendForm(initial={"sent_on": timezone.localdate(), "version": decision.version})
    return no_store(
        render(
            request,
            "programme/decision_send.html",
            {"decision": decision, "person": decision.person, "form": form},
            status=status,
        )
    )


@require_GET
@login_required
def decision_letter_view(request: HttpRequest, decision_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    decision = decision_get(ctx=ctx, decision_id=decision_id)
    response = HttpResponse(
        decision_letter(ctx=ctx, decision=decision), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{decision_letter_filename(decision)}"'
    return no_store(response)


@require_http_methods(["GET", "POST"])
@login_required
def decision_create_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """A decision drafted by hand for a person: refusal, reduction, or another kind."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    participations = participations_of(ctx=ctx, person_id=person.pk)
    status = 200
    if request.method == "POST":
        form = DecisionCreateForm(request.POST, participations=participations)
        if form.is_valid():
            data = form.cleaned_data
            participation = next((p for p in participations if p.pk == data["participation"]), None)
            try:
                decision = decision_create(
                    ctx=ctx,
                    person=person,
                    kind=data["kind"],
                    facts=data["facts"],
                    reasoning=data["reasoning"],
                    conclusion=data["conclusion"],
                    effective_on=data["effective_on"],
                    participation=participation,
                    amount=data["amount"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(
                    request, "Utkastet til vedtak er lagret. Les det gjennom, vedta og send det."
                )
                return redirect("programme:decision-detail", decision_id=decision.pk)
        else:
            status = 422
    else:
        open_one = next((p for p in participations if p.ended_on is None), None)
        form = DecisionCreateForm(
            participations=participations,
            initial={
                "participation": open_one.pk if open_one else "",
                "effective_on": timezone.localdate(),
            },
        )
    return no_store(
        render(
            request,
            "programme/decision_create.html",
            {"person": person, "form": form},
            status=status,
        )
    )


urlpatterns = [
    path("vedtak/", decision_list, name="decision-list"),
    path("vedtak/<int:decision_id>/", decision_detail, name="decision-detail"),
    path("vedtak/<int:decision_id>/endre/", decision_edit, name="decision-edit"),
    path("vedtak/<int:decision_id>/vedta/", decision_decide_view, name="decision-decide"),
    path("vedtak/<int:decision_id>/send/", decision_send_view, name="decision-send"),
    path("vedtak/<int:decision_id>/brev.pdf", decision_letter_view, name="decision-letter"),
    path("personer/<int:person_id>/vedtak/ny/", decision_create_view, name="decision-create"),
]
