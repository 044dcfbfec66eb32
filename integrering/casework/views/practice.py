"""Practice contracts (seed 002 Vedlegg 1): the list, a new one, changing one, and the PDF to sign.

Reading needs consent to the plan (``InformationCategory.PLAN``); writing is for the refugee
service. ``person_get`` comes first in every view, so a user of another municipality gets 404
whatever the method.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import may_edit_case
from integrering.audit.services import AccessContext
from integrering.people.models import InformationCategory, Person
from integrering.people.selectors import person_get
from integrering.rules.parameters import RulesError
from integrering.ui.forms import DateInput, DecimalCommaField, DsForm, form_add_service_errors

from ..models import PracticeContract
from ..services.practice import (
    FIELDS,
    REQUIRED_MESSAGES,
    PracticeContractInput,
    full_time_hours,
    hours_text,
    practice_contract_create,
    practice_contract_filename,
    practice_contract_of,
    practice_contract_pdf,
    practice_contract_update,
    practice_contracts_of,
)

PLAN = InformationCategory.PLAN


def _max_length(name: str) -> int | None:
    return getattr(PracticeContract._meta.get_field(name), "max_length", None)


def _text(label: str, name: str, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    messages_ = {"required": REQUIRED_MESSAGES[name]} if required else {}
    return forms.CharField(
        label=label,
        required=required,
        max_length=_max_length(name),
        error_messages=messages_,
        **kwargs,
    )


def _area(label: str, name: str, **kwargs: Any) -> forms.CharField:
    return _text(label, name, widget=forms.Textarea(attrs={"rows": 4}), **kwargs)


class PracticeContractForm(DsForm):
    """The fields of seed 002 Vedlegg 1, in the order of the paper form."""

    employer_name = _text("Bedriftens navn", "employer_name")
    employer_address = _text("Adresse", "employer_address")
    workplace = _text("Arbeidssted eller avdeling", "workplace", required=False)
    supervisor_name = _text("Veileder på arbeidsplassen", "supervisor_name")
    supervisor_phone = _text("Veileders telefon", "supervisor_phone", required=False)
    starts_on = forms.DateField(
        label="Første dag",
        widget=DateInput(),
        error_messages={"required": REQUIRED_MESSAGES["starts_on"], "invalid": "Ugyldig dato."},
    )
    ends_on = forms.DateField(
        label="Siste dag",
        widget=DateInput(),
        error_messages={"required": REQUIRED_MESSAGES["ends_on"], "invalid": "Ugyldig dato."},
    )
    hours_per_week = DecimalCommaField(
        label="Timer per uke",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        error_messages={
            "required": REQUIRED_MESSAGES["hours_per_week"],
            "invalid": "Skriv et tall, for eksempel 22,5.",
        },
    )
    working_hours = _text(
        "Arbeidstid for deltakeren",
        "working_hours",
        help_text="For eksempel «mandag–torsdag 08.30–14.30».",
    )
    goal = _area(
        "Målsetting",
        "goal",
        help_text="Beskriv hva deltakeren skal oppnå med kvalifiseringen.",
    )
    tasks = _area("Arbeidsoppgaver", "tasks")
    contact_person = _text("Kontaktperson i introduksjonsprogrammet", "contact_person")
    employer_responsibility = _area("Arbeidsgivers ansvar", "employer_responsibility")
    contact_responsibility = _area("Kontaktpersonens ansvar", "contact_responsibility")
    programme_responsibility = _area("Introduksjonsprogrammets ansvar", "programme_responsibility")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SECTIONS = (
        (
            "Arbeidsplass",
            (
                "employer_name",
                "employer_address",
                "workplace",
                "supervisor_name",
                "supervisor_phone",
            ),
        ),
        ("Periode og arbeidstid", ("starts_on", "ends_on", "hours_per_week", "working_hours")),
        ("Målsetting og arbeidsoppgaver", ("goal", "tasks")),
        (
            "Ansvarsavklaring",
            (
                "contact_person",
                "employer_responsibility",
                "contact_responsibility",
                "programme_responsibility",
            ),
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            full_time = hours_text(full_time_hours(timezone.localdate()))
        except RulesError:  # pragma: no cover - the parameter has a value from 2004
            return
        self.fields[
            "hours_per_week"
        ].help_text = f"Høyst fulltid i introduksjonsprogrammet: {full_time} timer."

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def to_input(self) -> PracticeContractInput:
        return PracticeContractInput(**{name: self.cleaned_data[name] for name in FIELDS})


def _initial(contract: PracticeContract) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(contract, name) for name in FIELDS}
    initial["hours_per_week"] = hours_text(contract.hours_per_week)
    initial["version"] = contract.version
    return initial


def _save(
    form: PracticeContractForm,
    *,
    ctx: AccessContext,
    person: Person,
    contract: PracticeContract | None,
) -> tuple[PracticeContract | None, int]:
    """Validate and save; the saved contract (or None) and the HTTP status to render with."""
    if not form.is_valid():
        return None, 422
    try:
        if contract is None:
            saved = practice_contract_create(ctx=ctx, person=person, data=form.to_input())
        else:
            saved = practice_contract_update(
                ctx=ctx,
                contract=contract,
                data=form.to_input(),
                version=form.cleaned_data["version"] or 0,
            )
    except ValidationError as exc:
        return None, form_add_service_errors(form, exc)
    return saved, 200


@require_GET
@login_required
def practice_list(request: HttpRequest, person_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=PLAN)
    return render(
        request,
        "casework/practice_list.html",
        {
            "person": person,
            "contracts": practice_contracts_of(person=person),
            "may_edit": may_edit_case(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def practice_create(request: HttpRequest, person_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=PLAN, edit=True)
    status = 200
    if request.method == "POST":
        form = PracticeContractForm(request.POST)
        saved, status = _save(form, ctx=ctx, person=person, contract=None)
        if saved is not None:
            messages.success(
                request,
                f"Praksisavtalen med {saved.employer_name} er lagret. Skriv den ut og få den signert.",
            )
            return redirect("casework:practice-list", person_id=person.pk)
    else:
        contact = request.user.get_full_name() if request.user.is_authenticated else ""
        form = PracticeContractForm(initial={"contact_person": contact})
    return render(
        request,
        "casework/practice_form.html",
        {"person": person, "form": form, "contract": None},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def practice_edit(request: HttpRequest, person_id: int, contract_id: int) -> HttpResponse:
    """The contract as a form for the refugee service, read-only for a service with consent."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=PLAN, edit=request.method == "POST")
    contract = practice_contract_of(person=person, contract_id=contract_id)
    may_edit = may_edit_case(request.user)
    if not may_edit:
        return render(
            request, "casework/practice_detail.html", {"person": person, "contract": contract}
        )
    status = 200
    if request.method == "POST":
        form = PracticeContractForm(request.POST)
        saved, status = _save(form, ctx=ctx, person=person, contract=contract)
        if saved is not None:
            messages.success(
                request, f"Endringene i praksisavtalen med {saved.employer_name} er lagret."
            )
            return redirect("casework:practice-list", person_id=person.pk)
    else:
        form = PracticeContractForm(initial=_initial(contract))
    return render(
        request,
        "casework/practice_form.html",
        {"person": person, "form": form, "contract": contract},
        status=status,
    )


@require_GET
@login_required
def practice_pdf(request: HttpRequest, person_id: int, contract_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=PLAN)
    contract = practice_contract_of(person=person, contract_id=contract_id)
    response = HttpResponse(
        practice_contract_pdf(ctx=ctx, contract=contract), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{practice_contract_filename(contract)}"'
    # Personal data: no copy in shared or browser caches.
    patch_cache_control(response, private=True, no_store=True)
    return response


urlpatterns = [
    path("personer/<int:person_id>/praksisavtaler/", practice_list, name="practice-list"),
    path("personer/<int:person_id>/praksisavtaler/ny/", practice_create, name="practice-create"),
    path(
        "personer/<int:person_id>/praksisavtaler/<int:contract_id>/",
        practice_edit,
        name="practice-edit",
    ),
    path(
        "personer/<int:person_id>/praksisavtaler/<int:contract_id>/pdf/",
        practice_pdf,
        name="practice-pdf",
    ),
]
