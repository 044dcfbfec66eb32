"""The individual plan of a participant: read it, make or change it, evaluate it, see its versions.

Reading needs the information category PLAN (the refugee service always has it; other services
through consent); changing needs the coordinating refugee service (seed 002 §2.2, §2.4).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
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
from integrering.ui.forms import DateInput, DsForm, form_add_service_errors

from ..models import IndividualPlan, Mapping
from ..services.plan import (
    EvaluationInput,
    MeasureInput,
    PlanInput,
    final_goal_option,
    final_goal_options,
    final_goals_description,
    plan_create,
    plan_evaluate,
    plan_next_evaluation,
    plan_of,
    plan_update,
    plan_versions,
)

# --- Forms ----------------------------------------------------------------------------------


class PlanForm(DsForm):
    """The plan's head: from when it applies, and the final goal (seed 002 §2.4)."""

    starts_on = forms.DateField(label="Planen gjelder fra", required=False, widget=DateInput())
    # The choices come from ``programme/length_by_final_goal`` on the plan's start date; the
    # service checks the key against the same parameter.
    final_goal = forms.CharField(label="Sluttmål", required=False, widget=forms.RadioSelect)
    final_goal_text = forms.CharField(
        label="Sluttmålet beskrevet",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Hva deltakeren sikter mot, for eksempel et yrke, en utdanning eller arbeid.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        on = self._choices_date()
        self.fields["final_goal"].widget.choices = [
            (o.key, o.label) for o in final_goal_options(on)
        ]
        self.fields["final_goal"].help_text = final_goals_description()

    def _choices_date(self) -> datetime.date:
        if self.is_bound:
            try:
                posted = self.fields["starts_on"].clean(self.data.get("starts_on"))
            except ValidationError:
                posted = None
            if posted:
                return posted  # type: ignore[no-any-return]
        initial = self.initial.get("starts_on")
        return initial if isinstance(initial, datetime.date) else timezone.localdate()


class GoalForm(DsForm):
    text = forms.CharField(label="Delmål", required=False, max_length=300)


class MeasureForm(DsForm):
    description = forms.CharField(label="Tiltak", required=False, max_length=300)
    goal = forms.CharField(label="Hører til delmål", required=False, widget=forms.Select)
    service = forms.CharField(
        label="Ansvarlig tjeneste",
        required=False,
        widget=forms.Select(choices=[("", "Velg tjeneste"), *Service.choices]),
    )
    starts_on = forms.DateField(label="Fra", required=False, widget=DateInput())
    ends_on = forms.DateField(label="Til", required=False, widget=DateInput())
    done = forms.BooleanField(label="Gjennomført", required=False)

    def __init__(self, *args: Any, goal_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].widget.choices = goal_choices

    def is_used(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("description", "service", "starts_on", "ends_on"))


class EvaluationForm(DsForm):
    """An evaluation of the plan with the participant (seed 002 §2.4: at least twice a year)."""

    evaluated_on = forms.DateField(
        label="Dato for evalueringen", required=False, widget=DateInput()
    )
    summary = forms.CharField(
        label="Vurdering",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Hva dere kom fram til sammen med deltakeren: hvordan det går med delmålene og "
        "tiltakene, og hva som skal endres.",
    )
    interpreter_used = forms.ChoiceField(
        label="Ble det brukt tolk?",
        required=False,
        choices=[("yes", "Ja"), ("no", "Nei")],
        widget=forms.RadioSelect,
    )

    def to_input(self) -> EvaluationInput:
        data = self.cleaned_data
        interpreter = {"yes": True, "no": False}.get(data.get("interpreter_used") or "")
        return EvaluationInput(
            evaluated_on=data.get("evaluated_on"),
            summary=data.get("summary") or "",
            interpreter_used=interpreter,
        )


# --- Building and reading the plan form -----------------------------------------------------


class PlanForms:
    """The plan form and its two formsets (goals, measures), bound or not, saved as one."""

    def __init__(
        self, *, plan: IndividualPlan | None, data: Any = None, goals_extra: int = 2
    ) -> None:
        today = timezone.localdate()
        if plan is None:
            initial: dict[str, Any] = {"starts_on": today, "version": 0}
            goals: list[dict[str, Any]] = []
            measures: list[dict[str, Any]] = []
        else:
            initial = {
                "starts_on": plan.starts_on,
                "final_goal": plan.final_goal,
                "final_goal_text": plan.final_goal_text,
                "version": plan.version,
            }
            goal_rows = list(plan.goals.all())
            number = {g.pk: str(n) for n, g in enumerate(goal_rows, start=1)}
            goals = [{"text": g.text} for g in goal_rows]
            measures = [
                {
                    "description": m.description,
                    "goal": number.get(m.goal_id or 0, ""),
                    "service": m.service,
                    "starts_on": m.starts_on,
                    "ends_on": m.ends_on,
                    "done": m.done,
                }
                for m in plan.measures.all()
            ]
        self.form = PlanForm(data, initial=initial)
        goal_formset = formset_factory(GoalForm, extra=max(goals_extra, 3 - len(goals)))
        self.goals: BaseFormSet = goal_formset(data, initial=goals, prefix="goals")
        for n, form in enumerate(self.goals.forms, start=1):
            form.fields["text"].label = f"Delmål {n}"
        goal_choices = [("", "Ikke knyttet til et delmål")] + [
            (str(n), f"Delmål {n}: {_short(g['text'])}" if g.get("text") else f"Delmål {n}")
            for n, g in enumerate(goals + [{}] * (len(self.goals.forms) - len(goals)), start=1)
        ]
        measure_formset = formset_factory(MeasureForm, extra=max(2, 3 - len(measures)))
        self.measures: BaseFormSet = measure_formset(
            data,
            initial=measures,
            prefix="measures",
            form_kwargs={"goal_choices": goal_choices},
        )
        self.goal_rows: list[int] = []
        self.measure_rows: list[int] = []

    def is_valid(self) -> bool:
        # Evaluate all three so each shows its own errors.
        results = [self.form.is_valid(), self.goals.is_valid(), self.measures.is_valid()]
        return all(results)

    @property
    def version(self) -> int:
        return int(self.form.cleaned_data.get("version") or 0)

    def to_input(self) -> PlanInput:
        """The plan as the service takes it; blank rows are left out (that removes them)."""
        goals: list[str] = []
        goal_index: dict[int, int] = {}
        self.goal_rows = []
        for row, form in enumerate(self.goals.forms):
            text = (form.cleaned_data.get("text") or "").strip()
            if text:
                goal_index[row + 1] = len(goals)
                goals.append(text)
                self.goal_rows.append(row)
        measures: list[MeasureInput] = []
        self.measure_rows = []
        for row, form in enumerate(self.measures.forms):
            if not form.is_used():
                continue
            data = form.cleaned_data
            goal: int | None = None
            if data.get("goal"):
                number = int(data["goal"]) if str(data["goal"]).isdigit() else 0
                goal = goal_index.get(number, -1)  # -1: the service says the goal is missing
            measures.append(
                MeasureInput(
                    description=data.get("description") or "",
                    service=data.get("service") or "",
                    starts_on=data.get("starts_on"),
                    ends_on=data.get("ends_on"),
                    done=bool(data.get("done")),
                    goal=goal,
                )
            )
            self.measure_rows.append(row)
        head = self.form.cleaned_data
        return PlanInput(
            final_goal=head.get("final_goal") or "",
            final_goal_text=head.get("final_goal_text") or "",
            starts_on=head.get("starts_on"),
            goals=goals,
            measures=measures,
        )

    def add_errors(self, error: ValidationError) -> None:
        """Put the service's errors next to their fields (keys as the forms name them)."""
        for key, messages_ in error.message_dict.items():
            match = re.fullmatch(r"(goals|measures)-(\d+)-(\w+)", key)
            for message in messages_:
                if match is None:
                    self.form.add_error(key if key in self.form.fields else None, message)
                    continue
                which, index, name = match.group(1), int(match.group(2)), match.group(3)
                rows, formset = (
                    (self.goal_rows, self.goals)
                    if which == "goals"
                    else (self.measure_rows, self.measures)
                )
                form = formset.forms[rows[index]]
                form.add_error(name if name in form.fields else None, message)


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


# --- Showing the plan -----------------------------------------------------------------------


def _plan_view(plan: IndividualPlan) -> dict[str, Any]:
    goals = list(plan.goals.all())
    number = {g.pk: n for n, g in enumerate(goals, start=1)}
    measures = [
        {
            "measure": m,
            "goal_number": number.get(m.goal_id or 0),
            "goal_text": m.goal.text if m.goal else "",
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
