"""The introduction programme's lifecycle pages: the list, a person's programmes, starting one,
the participant page with its history, and one small form per event (leave, stop, resumption,
absence, extension, end, change).

Reads go through ``programme/selectors.py`` (tenant, consent to the plan, audit); writes need the
refugee service. Every form posts to its own route and returns to the participant page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import may_edit_case
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.people.selectors import person_get
from integrering.rules.integration_packages import career_guidance_basis, reinforced_programme
from integrering.ui.forms import DsForm, form_add_service_errors
from integrering.ui.paging import paginate

from ..forms import (
    AbsenceForm,
    CareerGuidanceForm,
    EndForm,
    ExtensionForm,
    FinalGoalForm,
    LeaveForm,
    NorwegianExtensionForm,
    ResumeForm,
    StartForm,
    StopForm,
    UpdateForm,
)
from ..models import Extension, ExtensionKind, Participation
from ..overview import participation_overview, status_on
from ..periods import planned_end
from ..selectors import PLAN, participation_get, participations_for
from ..services import extensions, lifecycle


@require_GET
@login_required
def participant_list(request: HttpRequest) -> HttpResponse:
    """Everyone in the programme in the user's municipalities, with their status today, 50 to
    a page."""
    show = request.GET.get("vis", "aktive")
    participations = participations_for(request.user).prefetch_related("periods", "extensions")
    if show != "alle":
        participations = participations.filter(ended_on__isnull=True)
    participations = participations.order_by("person__family_name", "person__given_name", "id")
    today = timezone.localdate()
    page = paginate(request, participations)
    rows = []
    for p in page:
        end = planned_end(p, list(p.extensions.all()))
        rows.append((p, end, status_on(p, list(p.periods.all()), end, today)))
    audit_record_many(
        ctx=AccessContext.from_request(request),
        person_ids=[p.person_id for p, _, _ in rows],
        action=AuditAction.LIST,
        detail="introduksjonsprogram",
    )
    return render(
        request,
        "programme/participant_list.html",
        {"rows": rows, "show": show, "page": page},
    )


@require_GET
@login_required
def person_programmes(request: HttpRequest, person_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=PLAN)
    return render(
        request,
        "programme/person_programmes.html",
        {
            "person": person,
            "participations": list(person.participations.all()),
            "norwegian_extensions": list(
                Extension.objects.filter(
                    person=person, kind=ExtensionKind.NORWEGIAN_TRAINING
                ).select_related("decision")
            ),
            "may_edit": may_edit_case(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def norwegian_extension(request: HttpRequest, person_id: int) -> HttpResponse:
    """Extended Norwegian training under the integration packages for a person: in the programme,
    after it, or only in Norwegian training (seed 003: not needs-tested)."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    status = 200
    if request.method == "POST":
        form = NorwegianExtensionForm(request.POST)
        if form.is_valid():
            try:
                extension = extensions.norwegian_extension_grant(
                    ctx=ctx,
                    person=person,
                    participation=person.participations.order_by("-starts_on").first(),
                    data=form.to_input(),
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Utvidet opplæring i norsk (integreringspakke {extension.integration_package}) "
                    "er registrert, og vedtaket er laget som utkast.",
                )
                return redirect("programme:person-programmes", person_id=person.pk)
        else:
            status = 422
    else:
        latest = person.participations.order_by("-starts_on").first()
        form = NorwegianExtensionForm(
            initial={
                "norwegian_training_ends_on": latest.norwegian_training_ends_on if latest else None
            }
        )
    return render(
        request,
        "programme/norwegian_extension.html",
        {"person": person, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_start(request: HttpRequest, person_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = StartForm(request.POST, today=today)
        if form.is_valid():
            try:
                participation = lifecycle.programme_start(
                    ctx=ctx, person=person, data=form.to_input()
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Programmet er startet, og vedtaket om introduksjonsprogram er laget som utkast.",
                )
                return redirect("programme:participation-detail", participation_id=participation.pk)
        else:
            status = 422
    else:
        form = StartForm(today=today, initial={"full_time": True})
    return render(
        request,
        "programme/programme_start.html",
        {"person": person, "form": form},
        status=status,
    )


@require_GET
@login_required
def participation_detail(request: HttpRequest, participation_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    participation = participation_get(ctx=ctx, participation_id=participation_id)
    overview = participation_overview(participation, today=timezone.localdate())
    may_edit = may_edit_case(request.user)
    return render(
        request,
        "programme/participation_detail.html",
        {
            "participation": participation,
            "person": participation.person,
            "o": overview,
            "may_edit": may_edit and participation.is_open,
            # A recorded absence is corrected also after the end (a month already paid).
            "may_correct_absence": may_edit,
            # Extended Norwegian training is a right also after the programme has ended.
            "may_extend_norwegian": may_edit,
            "career_guidance_basis": career_guidance_basis(act=participation.act),
            "reinforced": reinforced_programme(
                start=participation.starts_on, act=participation.act
            ),
        },
    )


# One form per event. Each entry: the form, what the page says, and how to call the service.
Action = Callable[[AccessContext, Participation, Any], str]


def _leave(ctx: AccessContext, p: Participation, form: LeaveForm) -> str:
    period = lifecycle.programme_leave(ctx=ctx, participation=p, data=form.to_input())
    return f"Permisjonen {period.from_on:%d.%m.%Y}–{period.to_on:%d.%m.%Y} er registrert."


def _stop(ctx: AccessContext, p: Participation, form: DsForm) -> str:
    d = form.cleaned_data
    lifecycle.programme_stop(ctx=ctx, participation=p, from_on=d["from_on"], reason=d["reason"])
    return "Stansen er registrert, og vedtaket om stans er laget som utkast."


def _resume(ctx: AccessContext, p: Participation, form: DsForm) -> str:
    d = form.cleaned_data
    lifecycle.programme_resume(ctx=ctx, participation=p, resumed_on=d["resumed_on"])
    return f"Programmet er gjenopptatt fra {d['resumed_on']:%d.%m.%Y}."


def _absence(ctx: AccessContext, p: Participation, form: DsForm) -> str:
    d = form.cleaned_data
    lifecycle.programme_absence(
        ctx=ctx,
        participation=p,
        on=d["on"],
        hours=d["hours"],
        approved=d["approved"],
        reason=d["reason"],
    )
    return f"Fraværet {d['on']:%d.%m.%Y} er registrert."


def _extend(ctx: AccessContext, p: Participation, form: ExtensionForm) -> str:
    extensions.programme_extend(ctx=ctx, participation=p, data=form.to_input())
    return "Forlengelsen er registrert, og vedtaket om forlengelse er laget som utkast."


def _final_goal(ctx: AccessContext, p: Participation, form: DsForm) -> str:
    d = form.cleaned_data
    extensions.programme_final_goal_revise(
        ctx=ctx,
        participation=p,
        final_goal=d["final_goal"],
        planned_months=d["planned_months"],
        reasoning=d["reasoning"],
        version=d["version"] or 0,
    )
    return "Sluttmålet er endret, og vedtaket er laget som utkast."


def _career_guidance(ctx: AccessContext, p: Participation, form: DsForm) -> str:
    d = form.cleaned_data
    extensions.programme_career_guidance(
        ctx=ctx,
        participation=p,
        assessed_on=d["assessed_on"],
        needed=d["needed"] == "yes",
        note=d["note"],
        given_on=d["given_on"],
        version=d["version"] or 0,
    )
    return "Vurderingen av behovet for karriereveiledning er lagret."


def _end(ctx: AccessContext, p: Participation, form: DsForm) -> str:
    d = form.cleaned_data
    lifecycle.programme_end(
        ctx=ctx,
        participation=p,
        ended_on=d["ended_on"],
        reason=d["end_reason"],
        note=d["end_note"],
        version=d["version"] or 0,
    )
    return "Programmet er avsluttet."


def _update(ctx: AccessContext, p: Participation, form: DsForm) -> str:
    d = form.cleaned_data
    lifecycle.programme_update(
        ctx=ctx,
        participation=p,
        lives_with_parent=d["lives_with_parent"],
        norwegian_training_ends_on=d["norwegian_training_ends_on"],
        version=d["version"] or 0,
    )
    return "Endringene er lagret."


ACTIONS: dict[str, tuple[type[DsForm], str, str, str, Action]] = {
    # name: (form, heading, intro, submit label, service call)
    "leave": (
        LeaveForm,
        "Permisjon",
        "Permisjon med eller uten stønad (integreringsloven § 17). Den kan ikke overlappe en stans eller en annen permisjon.",
        "Registrer permisjon",
        _leave,
    ),
    "stop": (
        StopForm,
        "Stans",
        "Programmet kan stanses når det er saklig begrunnet i deltakerens forhold. Det gis ikke stønad mens programmet er stanset. Et vedtak om stans lages som utkast.",
        "Stans programmet",
        _stop,
    ),
    "resume": (
        ResumeForm,
        "Gjenoppta programmet",
        "Stansen avsluttes dagen før programmet gjenopptas.",
        "Gjenoppta",
        _resume,
    ),
    "absence": (
        AbsenceForm,
        "Fravær",
        "Fravær som ikke er godkjent, trekkes i stønaden med timesatsen (1/1850 av årlig stønad).",
        "Registrer fravær",
        _absence,
    ),
    "extend": (
        ExtensionForm,
        "Forlengelse",
        "En ordinær forlengelse krever at det er grunn til å forvente at deltakeren når sluttmålet. Utvidet programtid etter integreringspakkene (covid-19) vurderes i stedet etter behovet for mer tid for å komme i jobb eller utdanning. Utvidet opplæring i norsk er ikke behovsprøvd: alle i målgruppen har rett, og kommunen vurderer bare lengden. Forlengelsen er et enkeltvedtak, som lages som utkast.",
        "Registrer forlengelse",
        _extend,
    ),
    "final-goal": (
        FinalGoalForm,
        "Nytt sluttmål",
        "Den individuelle planen revideres med et nytt sluttmål og en ny varighet. Deltakere etter introduksjonsloven som startet fra 1. januar 2019, har rett til forsterket introduksjonsprogram med sluttmål om fullført videregående opplæring (inntil tre år, integreringspakkene). Endringen er et enkeltvedtak, som lages som utkast.",
        "Lagre nytt sluttmål",
        _final_goal,
    ),
    "career-guidance": (
        CareerGuidanceForm,
        "Karriereveiledning",
        "Alle deltakere har rett til å få vurdert behovet for karriereveiledning, og til å få karriereveiledning dersom det er behov.",
        "Lagre vurderingen",
        _career_guidance,
    ),
    "end": (
        EndForm,
        "Avslutt programmet",
        "Programmet avsluttes med årsak. En pågående stans avsluttes samme dag.",
        "Avslutt programmet",
        _end,
    ),
    "update": (
        UpdateForm,
        "Endre opplysninger",
        "Opplysninger som kan endre seg i programmet.",
        "Lagre",
        _update,
    ),
}


def _initial(name: str, participation: Participation) -> dict[str, Any]:
    if name == "end":
        return {"version": participation.version}
    if name == "final-goal":
        return {
            "final_goal": participation.final_goal,
            "planned_months": participation.planned_months,
            "version": participation.version,
        }
    if name == "career-guidance":
        needed = participation.career_guidance_needed
        return {
            "assessed_on": participation.career_guidance_assessed_on or timezone.localdate(),
            "needed": "" if needed is None else ("yes" if needed else "no"),
            "note": participation.career_guidance_note,
            "given_on": participation.career_guidance_given_on,
            "version": participation.version,
        }
    if name == "extend":
        return {"norwegian_training_ends_on": participation.norwegian_training_ends_on}
    if name == "update":
        return {
            "lives_with_parent": participation.lives_with_parent,
            "norwegian_training_ends_on": participation.norwegian_training_ends_on,
            "version": participation.version,
        }
    return {}


def _action_view(name: str) -> Callable[..., HttpResponse]:
    form_class, heading, intro, submit, call = ACTIONS[name]

    @require_http_methods(["GET", "POST"])
    @login_required
    def view(request: HttpRequest, participation_id: int) -> HttpResponse:
        ctx = AccessContext.from_request(request)
        participation = participation_get(ctx=ctx, participation_id=participation_id, edit=True)
        status = 200
        # A form whose choices depend on the participation (the final goals its Act offers).
        extra: dict[str, Any] = (
            {"participation": participation}
            if getattr(form_class, "needs_participation", False)
            else {}
        )
        if request.method == "POST":
            form = form_class(request.POST, **extra)
            if form.is_valid():
                try:
                    message = call(ctx, participation, form)
                except ValidationError as exc:
                    status = form_add_service_errors(form, exc)
                else:
                    messages.success(request, message)
                    return redirect(
                        "programme:participation-detail", participation_id=participation.pk
                    )
            else:
                status = 422
        else:
            form = form_class(initial=_initial(name, participation), **extra)
        return render(
            request,
            "programme/participation_action.html",
            {
                "participation": participation,
                "person": participation.person,
                "form": form,
                "heading": heading,
                "intro": intro,
                "submit": submit,
            },
            status=status,
        )

    view.__name__ = f"participation_{name.replace('-', '_')}"
    return view


urlpatterns = [
    path("introduksjonsprogram/", participant_list, name="participant-list"),
    path(
        "personer/<int:person_id>/introduksjonsprogram/",
        person_programmes,
        name="person-programmes",
    ),
    path(
        "personer/<int:person_id>/introduksjonsprogram/ny/",
        programme_start,
        name="programme-start",
    ),
    path(
        "introduksjonsprogram/<int:participation_id>/",
        participation_detail,
        name="participation-detail",
    ),
    path(
        "introduksjonsprogram/<int:participation_id>/permisjon/",
        _action_view("leave"),
        name="participation-leave",
    ),
    path(
        "introduksjonsprogram/<int:participation_id>/stans/",
        _action_view("stop"),
        name="participation-stop",
    ),
    path(
        "introduksjonsprogram/<int:participation_id>/gjenoppta/",
        _action_view("resume"),
        name="participation-resume",
    ),
    path(
        "introduksjonsprogram/<int:participation_id>/fravaer/",
        _action_view("absence"),
        name="participation-absence",
    ),
    path(
        "introduksjonsprogram/<int:participation_id>/forlengelse/",
        _action_view("extend"),
        name="participation-extend",
    ),
    path(
        "introduksjonsprogram/<int:participation_id>/sluttmal/",
        _action_view("final-goal"),
        name="participation-final-goal",
    ),
    path(
        "introduksjonsprogram/<int:participation_id>/karriereveiledning/",
        _action_view("career-guidance"),
        name="participation-career-guidance",
    ),
    path(
        "personer/<int:person_id>/introduksjonsprogram/utvidet-norskopplaering/",
        norwegian_extension,
        name="norwegian-extension",
    ),
    path(
        "introduksjonsprogram/<int:participation_id>/avslutt/",
        _action_view("end"),
        name="participation-end",
    ),
    path(
        "introduksjonsprogram/<int:participation_id>/endre/",
        _action_view("update"),
        name="participation-update",
    ),
]
