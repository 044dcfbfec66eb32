"""The case page of a person, and receiving a household: registering it by hand and settling it.

They sit in casework because they show and start the case (deadlines, consents, meetings, notices);
``services/arrival.py`` is the one place that registers, settles and notifies.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import may_edit_case, municipalities_served_by
from integrering.audit.services import AccessContext
from integrering.people import selectors
from integrering.people.forms import HouseholdForm, MemberForms, MemberFormSet, errors_to_forms
from integrering.people.models import InformationCategory
from integrering.people.services import PERSON_FIELDS, PersonInput, person_input_errors

from ..deadline_rows import deadline_rows
from ..forms import PopulationRegistrationForm, SettleForm
from ..services.arrival import household_receive, household_settle
from ..services.deadlines import population_registration_record


@require_GET
@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    access = selectors.person_access_get(
        ctx=AccessContext.from_request(request), person_id=person_id
    )
    person = access.person
    today = timezone.localdate()
    context: dict[str, object] = {
        "access": access,
        "person": person,
        "today": today,
        "categories": InformationCategory,
    }
    if access.whole_case:
        context["deadline_rows"] = deadline_rows(
            person.deadlines.select_related("met_by").order_by("met_on", "due_on"),
            today=today,
            with_person=False,
            whole_case=True,
        )
        context["consents"] = person.consents.prefetch_related("service_rows")
        context["meetings"] = person.meetings.order_by("scheduled_on")
        context["mapping"] = getattr(person, "mapping", None)
        context["plan"] = getattr(person, "plan", None)
        context["contracts"] = person.practice_contracts.all()
    return render(request, "casework/person_detail.html", context)


def _municipalities_for(user: object) -> object:
    return municipalities_served_by(user).order_by("name")


@require_http_methods(["GET", "POST"])
@login_required
def household_register(request: HttpRequest) -> HttpResponse:
    """Register a household with its members; with a settlement date it is settled at once."""
    if not may_edit_case(request.user):
        raise PermissionDenied("Bare flyktningtjenesten kan registrere husstander.")
    ctx = AccessContext.from_request(request)
    municipalities = _municipalities_for(request.user)
    status = 200
    if request.method == "POST":
        form = HouseholdForm(request.POST, municipalities=municipalities)
        members = cast(MemberFormSet, MemberForms(request.POST, prefix="members"))
        if form.is_valid() and members.is_valid():
            try:
                household = household_receive(
                    ctx=ctx,
                    municipality=form.cleaned_data["municipality"],
                    reference=form.cleaned_data["reference"],
                    members=members.to_inputs(),
                    settled_on=form.cleaned_data["settled_on"],
                    caseworker=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                errors_to_forms(exc.message_dict, form, members)
                status = 422
            else:
                messages.success(
                    request,
                    f"Husstand {household.reference} er registrert"
                    + (" og varsler er sendt til tjenestene." if household.settled_on else "."),
                )
                return redirect("people:household-detail", household_id=household.pk)
        else:
            _check_complete_members(form, members)
            status = 422
    else:
        form = HouseholdForm(municipalities=municipalities)
        members = cast(MemberFormSet, MemberForms(prefix="members"))
    return render(
        request,
        "casework/household_register.html",
        {"form": form, "members": members},
        status=status,
    )


def _check_complete_members(form: HouseholdForm, members: MemberFormSet) -> None:
    """When some fields are unreadable, still check the fields that are readable, so that the
    caseworker sees every problem at once and not one round at a time."""
    settled_on = form.cleaned_data.get("settled_on") if hasattr(form, "cleaned_data") else None
    for member in members.forms:
        data = getattr(member, "cleaned_data", None) or {}
        if "birth_date" not in data:
            continue
        readable = {name: data[name] for name in PERSON_FIELDS if name in data}
        person = PersonInput(
            **{"given_name": "-", "family_name": "-", **readable}  # type: ignore[arg-type]
        )
        for field, messages_ in person_input_errors(
            person, household_settled_on=settled_on
        ).items():
            if field in member.errors:
                continue
            for message in messages_:
                member.add_error(field if field in member.fields else None, message)


@require_http_methods(["POST"])
@login_required
def household_settle_view(request: HttpRequest, household_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    household, _ = selectors.household_get(ctx=ctx, household_id=household_id)
    if not may_edit_case(request.user):
        raise PermissionDenied("Bare flyktningtjenesten kan registrere bosetting.")
    form = SettleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Oppgi en gyldig bosettingsdato.")
    else:
        try:
            notices = household_settle(
                ctx=ctx, household=household, settled_on=form.cleaned_data["settled_on"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"Bosettingen er registrert; {len(notices)} varsler er sendt."
            )
    return redirect("people:household-detail", household_id=household.pk)


@require_http_methods(["POST"])
@login_required
def population_registration_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record when the person was registered in the population register: the start of Norwegian
    training is due three months after it (seed 004)."""
    ctx = AccessContext.from_request(request)
    person = selectors.person_get(ctx=ctx, person_id=person_id, edit=True)
    form = PopulationRegistrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for e in form.errors.values() for m in e))
    else:
        try:
            population_registration_record(
                ctx=ctx,
                person=person,
                registered_on=form.cleaned_data["population_registered_on"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                "Folkeregistreringen er registrert; fristen for oppstart i norskopplæringen "
                "regnes fra den.",
            )
    return redirect("casework:person-detail", person_id=person.pk)


urlpatterns = [
    path("personer/<int:person_id>/", person_detail, name="person-detail"),
    path(
        "personer/<int:person_id>/folkeregistrert/",
        population_registration_view,
        name="population-registration",
    ),
    path("husstander/ny/", household_register, name="household-register"),
    path(
        "husstander/<int:household_id>/bosetting/",
        household_settle_view,
        name="household-settle",
    ),
]
