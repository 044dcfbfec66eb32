"""The individual plan of a participant: read it, make or change it, evaluate it, see its versions.

Reading needs the information category PLAN (the refugee service always has it; other services
through consent); changing needs the coordinating refugee service (seed 002 §2.2, §2.4).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from integrering.accounts.access import may_edit_case, sees_whole_case
from integrering.accounts.roles import Service
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError
from integrering.people.models import InformationCategory, Person
from integrering.people.selectors import person_get
from integrering.ui.forms import form_add_service_errors

from ..forms import EvaluationForm, PlanForms
from ..models import IndividualPlan, Mapping
from ..services.plan import (
    final_goal_option,
    measure_status,
    plan_create,
    plan_evaluate,
    plan_next_evaluation,
    plan_of,
    plan_update,
    plan_versions,
)

# --- Showing the plan -----------------------------------------------------------------------


def _plan_view(plan: IndividualPlan) -> dict[str, Any]:
    goals = list(plan.goals.all())
    number = {g.pk: n for n, g in enumerate(goals, start=1)}
    today = timezone.localdate()
    measures = [
        {
            "measure": m,
            "goal_number": number.get(m.goal_id or 0),
            "goal_text": m.goal.text if m.goal else "",
            "status": measure_status(
                starts_on=m.starts_on, ends_on=m.ends_on, done=m.done, today=today
            ),
        }
        for m in plan.measures.select_related("goal")
    ]
    return {
        "plan": plan,
        "final_goal": final_goal_option(plan.final_goal, plan.starts_on),
        "goals": goals,
        "measures": measures,
        "evaluations": list(plan.evaluations.select_related("created_by")),
    }


def _mapping_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    """The mapping the plan is built on (seed 002 §2.4), shown to those who see the whole case."""
    show = sees_whole_case(request.user)
    return {
        "show_mapping": show,
        "mapping": Mapping.objects.filter(person=person).first() if show else None,
    }


def _detail_context(
    request: HttpRequest,
    person: Person,
    plan: IndividualPlan | None,
    *,
    plan_forms: PlanForms | None = None,
    evaluation_form: EvaluationForm | None = None,
) -> dict[str, Any]:
    may_edit = may_edit_case(request.user)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "person": person,
        "plan": plan,
        "may_edit": may_edit,
        "whole_case": sees_whole_case(request.user),
        "today": today,
        **_mapping_context(request, person),
    }
    if plan is None:
        if may_edit:
            plan_forms = plan_forms or PlanForms(plan=None)
            context.update(_form_context(plan_forms))
        return context
    context.update(_plan_view(plan))
    next_evaluation = plan_next_evaluation(plan)
    context["next_evaluation"] = next_evaluation
    context["evaluation_overdue"] = bool(next_evaluation and next_evaluation.is_overdue(today))
    if may_edit:
        context["evaluation_form"] = evaluation_form or EvaluationForm(
            initial={"evaluated_on": today}
        )
    return context


def _form_context(plan_forms: PlanForms) -> dict[str, Any]:
    return {
        "form": plan_forms.form,
        "goal_formset": plan_forms.goals,
        "measure_formset": plan_forms.measures,
        "has_errors": bool(
            plan_forms.form.errors
            or plan_forms.goals.total_error_count()
            or plan_forms.measures.total_error_count()
        ),
    }


# --- Views ----------------------------------------------------------------------------------


@login_required
def plan_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """The plan, its next evaluation and its evaluations; or a form to make it."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=InformationCategory.PLAN)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    plan = plan_of(person)
    return render(request, "casework/plan_detail.html", _detail_context(request, person, plan))


@login_required
def plan_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """Make the plan or save a new version of it: final goal, goals and measures in one save."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    plan = plan_of(person)
    status = 200
    conflict = ""
    if request.method == "POST":
        plan_forms = PlanForms(plan=plan, data=request.POST)
        if plan_forms.is_valid():
            data = plan_forms.to_input()
            try:
                if plan is None and plan_forms.version == 0:
                    plan = plan_create(ctx=ctx, person=person, data=data)
                    messages.success(request, "Den individuelle planen er opprettet.")
                elif plan is None:
                    raise Http404("Planen finnes ikke lenger.")
                else:
                    plan = plan_update(
                        ctx=ctx, plan=plan, data=data, version=plan_forms.version or -1
                    )
                    messages.success(
                        request, f"Den individuelle planen er lagret (versjon {plan.version})."
                    )
            except ConflictError as exc:
                conflict = exc.messages[0]
                status = 409
            except ValidationError as exc:
                plan_forms.add_errors(exc)
                status = 422
            else:
                return redirect("casework:plan", person_id=person.pk)
        else:
            status = 422
    else:
        plan_forms = PlanForms(plan=plan)
    context = {
        "person": person,
        "plan": plan,
        "conflict": conflict,
        **_mapping_context(request, person),
        **_form_context(plan_forms),
    }
    return render(request, "casework/plan_edit.html", context, status=status)


@login_required
def plan_evaluate_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record an evaluation; the next one is due six months later (``deadlines/casework``)."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    plan = plan_of(person)
    if plan is None:
        raise Http404("Personen har ingen individuell plan ennå. Lag planen først.")
    form = EvaluationForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            plan_evaluate(ctx=ctx, plan=plan, data=form.to_input())
        except ValidationError as exc:
            status = form_add_service_errors(form, exc)
        else:
            next_evaluation = plan_next_evaluation(plan)
            due = (
                f" Neste evaluering senest {next_evaluation.due_on:%d.%m.%Y}."
                if next_evaluation
                else ""
            )
            messages.success(request, f"Evalueringen er registrert.{due}")
            return redirect("casework:plan", person_id=person.pk)
    context = _detail_context(request, person, plan, evaluation_form=form)
    return render(request, "casework/plan_detail.html", context, status=status)


@login_required
def plan_versions_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Every saved version of the plan, each readable as it was saved."""
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=InformationCategory.PLAN)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    plan = plan_of(person)
    versions = []
    for version in plan_versions(plan) if plan else []:
        snapshot = version.snapshot
        goals = list(snapshot.get("goals", []))
        saved_on = timezone.localdate(version.saved_at)
        versions.append(
            {
                "version": version,
                "snapshot": snapshot,
                "starts_on": _date(snapshot.get("starts_on")),
                "goals": goals,
                "measures": [
                    {
                        **m,
                        "service_label": _service_label(m.get("service", "")),
                        "starts_on": _date(m.get("starts_on")),
                        "ends_on": _date(m.get("ends_on")),
                        # The status as it stood when this version was saved.
                        "status": measure_status(
                            starts_on=_date(m.get("starts_on")),
                            ends_on=_date(m.get("ends_on")),
                            done=bool(m.get("done")),
                            today=saved_on,
                        ),
                        "goal_text": goals[m["goal"] - 1]
                        if m.get("goal") and 0 < m["goal"] <= len(goals)
                        else "",
                    }
                    for m in snapshot.get("measures", [])
                ],
            }
        )
    return render(
        request,
        "casework/plan_versions.html",
        {
            "person": person,
            "plan": plan,
            "versions": versions,
            "whole_case": sees_whole_case(request.user),
        },
    )


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _service_label(service: str) -> str:
    return str(Service(service).label) if service in Service.values else service


urlpatterns = [
    path("personer/<int:person_id>/plan/", plan_detail, name="plan"),
    path("personer/<int:person_id>/plan/endre/", plan_edit, name="plan-edit"),
    path("personer/<int:person_id>/plan/evaluering/", plan_evaluate_view, name="plan-evaluate"),
    path("personer/<int:person_id>/plan/versjoner/", plan_versions_view, name="plan-versions"),
]
