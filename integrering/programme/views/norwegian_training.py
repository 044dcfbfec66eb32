"""A person's Norwegian and social studies training on one page: the right, the start, hours per
month, the final tests, stop and resumption, exemption and completion, each a small form posted
to the same page with its ``action``. Reads and writes go through ``selectors.norwegian_training_of``
(the plan's consent, audit) and ``services/norwegian_training.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from integrering.accounts.access import may_edit_norwegian_training
from integrering.audit.services import AccessContext
from integrering.ui.forms import DsForm, form_add_service_errors

from ..forms.norwegian_training import (
    CompleteForm,
    ExemptForm,
    HoursForm,
    ResumeForm,
    RightForm,
    StartForm,
    StopForm,
    TestForm,
)
from ..models import NorwegianTraining
from ..selectors import norwegian_training_of
from ..services import norwegian_training as service

FORMS: dict[str, type[DsForm]] = {
    "register": RightForm,
    "start": StartForm,
    "hours": HoursForm,
    "test": TestForm,
    "stop": StopForm,
    "resume": ResumeForm,
    "exempt": ExemptForm,
    "complete": CompleteForm,
}
TITLES = {
    "register": "Registrer rett eller plikt",
    "start": "Registrer oppstart",
    "hours": "Registrer timer",
    "test": "Registrer prøve",
    "stop": "Stans opplæringen",
    "resume": "Gjenoppta opplæringen",
    "exempt": "Registrer fritak",
    "complete": "Registrer fullført",
}
# Which steps the page offers in each state (none when the training has ended).
STEPS = {
    None: ("register",),
    "registered": ("start", "exempt"),
    "active": ("hours", "test", "stop", "exempt", "complete"),
    "stopped": ("resume", "exempt"),
}
DONE = {
    "register": "Retten til opplæring er registrert.",
    "start": "Oppstarten er registrert, og fristen for oppstart er oppfylt.",
    "hours": "Timene er lagret.",
    "test": "Prøven er registrert.",
    "stop": "Opplæringen er stanset.",
    "resume": "Opplæringen er gjenopptatt.",
    "exempt": "Fritaket er registrert.",
    "complete": "Opplæringen er registrert som fullført.",
}


def _apply(
    ctx: AccessContext, action: str, person: Any, training: NorwegianTraining | None, form: Any
) -> None:
    """Run the step the form asks for (``form`` is valid)."""
    d = form.cleaned_data
    if action == "register":
        service.norwegian_training_register(ctx=ctx, person=person, data=form.to_input())
        return
    if training is None:
        raise ValidationError("Registrer retten til opplæring først.")
    if action == "start":
        service.norwegian_training_start(
            ctx=ctx, training=training, starts_on=d["starts_on"], version=d["version"]
        )
    elif action == "hours":
        service.norwegian_training_hours(
            ctx=ctx,
            training=training,
            month=d["month"],
            taught=d["taught"],
            attended=d["attended"],
        )
    elif action == "test":
        service.norwegian_test_register(ctx=ctx, training=training, data=form.to_input())
    elif action == "stop":
        service.norwegian_training_stop(
            ctx=ctx, training=training, on=d["on"], reason=d["reason"], version=d["version"]
        )
    elif action == "resume":
        service.norwegian_training_resume(
            ctx=ctx, training=training, on=d["on"], version=d["version"]
        )
    elif action == "exempt":
        service.norwegian_training_exempt(
            ctx=ctx, training=training, on=d["on"], reason=d["reason"], version=d["version"]
        )
    elif action == "complete":
        service.norwegian_training_complete(
            ctx=ctx, training=training, on=d["on"], version=d["version"]
        )


@require_http_methods(["GET", "POST"])
@login_required
def norwegian_training_page(request: HttpRequest, person_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    editing = request.method == "POST"
    person, training = norwegian_training_of(ctx=ctx, person_id=person_id, edit=editing)
    version = {"version": training.version} if training is not None else {}
    forms: dict[str, DsForm] = {
        name: form_class(initial=version, prefix=name) for name, form_class in FORMS.items()
    }
    status = 200
    if editing:
        action = request.POST.get("action", "")
        if action not in FORMS:
            messages.error(request, "Ukjent handling.")
            return redirect("programme:norwegian-training", person_id=person.pk)
        form = FORMS[action](request.POST, prefix=action)
        forms[action] = form
        if form.is_valid():
            try:
                _apply(ctx, action, person, training, form)
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, DONE[action])
                return redirect("programme:norwegian-training", person_id=person.pk)
        else:
            status = 422
        person, training = norwegian_training_of(ctx=ctx, person_id=person_id)
    return render(
        request,
        "programme/norwegian_training.html",
        {
            "person": person,
            "training": training,
            "forms": forms,
            "hours": service.hours_sum(training) if training is not None else None,
            "shown": [
                (name, TITLES[name], forms[name])
                for name in STEPS.get(training.status if training is not None else None, ())
            ]
            if may_edit_norwegian_training(request.user)
            else [],
        },
        status=status,
    )


urlpatterns = [
    path(
        "personer/<int:person_id>/norskopplaering/",
        norwegian_training_page,
        name="norwegian-training",
    ),
]
