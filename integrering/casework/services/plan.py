"""The individual plan (individuell plan / integreringskontrakt): final goal, goals, measures, evaluations.

Seed 002 §2.4 (introduksjonsloven § 6): the municipality makes the plan together with the
participant, built on the mapping; the interdisciplinary team's services each answer for the
measures in their own field; the plan is evaluated with the participant at least twice a year.
The reminder is the deadline ``plan_evaluation`` of ``deadlines/casework`` (6 months from the
last evaluation, or from the start of the plan before the first one).

The final goals and the programme length each implies are the dated parameter
``programme/length_by_final_goal`` (integreringsloven § 13), read on the date the plan starts.
Every save bumps the plan's version (optimistic locking) and keeps a ``PlanVersion`` snapshot.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrering.accounts.roles import Service
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.concurrency import ConflictError, conflict_message, version_bump
from integrering.people.models import Person
from integrering.rules.deadlines import deadline_due
from integrering.rules.parameters import RulesError, parameter, value

from ..models import (
    Deadline,
    IndividualPlan,
    PlanEvaluation,
    PlanGoal,
    PlanMeasure,
    PlanVersion,
)
from .deadlines import deadline_meet, deadline_open

FINAL_GOALS = "programme/length_by_final_goal"
EVALUATION_DEADLINE = "plan_evaluation"
WHAT = "den individuelle planen"


# --- Final goals: the parameter, never literals --------------------------------------------


@dataclass(frozen=True)
class FinalGoalOption:
    """One final goal the law allows on a date, with the programme length it implies."""

    key: str
    min_months: int
    max_months: int
    extension_max_months: int
    description: str = ""

    @property
    def length_text(self) -> str:
        """«programtid 3–24 måneder, forlengelse inntil 12 måneder»."""
        span = (
            f"inntil {self.max_months} måneder"
            if self.min_months == 0
            else f"{self.min_months}–{self.max_months} måneder"
        )
        extension = (
            f", forlengelse inntil {self.extension_max_months} måneder"
            if self.extension_max_months
            else ""
        )
        return f"programtid {span}{extension}"

    @property
    def label(self) -> str:
        # The parameter names a goal by a key; a Norwegian description, when the parameter
        # gives one, goes first, and the length range always follows.
        if self.description:
            return f"{self.description} ({self.length_text})"
        return self.length_text[0].upper() + self.length_text[1:]


def final_goal_options(on: datetime.date) -> list[FinalGoalOption]:
    """The final goals in force on a date (``programme/length_by_final_goal``); none before its first value."""
    try:
        goals: dict[str, Any] = value(FINAL_GOALS, on)
    except RulesError:
        return []
    return [
        FinalGoalOption(
            key=str(key),
            min_months=int(rule.get("min_months", 0)),
            max_months=int(rule["max_months"]),
            extension_max_months=int(rule.get("extension_max_months", 0)),
            description=str(rule.get("description", "")),
        )
        for key, rule in goals.items()
    ]


def final_goal_option(key: str, on: datetime.date) -> FinalGoalOption | None:
    return next((o for o in final_goal_options(on) if o.key == key), None)


def final_goals_description() -> str:
    """The parameter's own Norwegian description, for the form's help text."""
    return f"{parameter(FINAL_GOALS).description}."


# --- Input and validation -------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureInput:
    """A measure; ``goal`` is the index (from 0) of its goal in ``PlanInput.goals``, if any."""

    description: str
    service: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None = None
    done: bool = False
    goal: int | None = None


@dataclass(frozen=True)
class PlanInput:
    final_goal: str
    starts_on: datetime.date | None
    final_goal_text: str = ""
    goals: list[str] = field(default_factory=list)
    measures: list[MeasureInput] = field(default_factory=list)


def goal_key(index: int) -> str:
    """The error key of a goal: the name its field has in the form (``goals-0-text``)."""
    return f"goals-{index}-text"


def measure_key(index: int, name: str) -> str:
    """The error key of a measure field: the name it has in the form (``measures-0-ends_on``)."""
    return f"measures-{index}-{name}"


def plan_errors(data: PlanInput, *, plan: IndividualPlan | None = None) -> dict[str, list[str]]:
    """What is wrong with a plan, field by field (keys as the form names its fields)."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if data.starts_on is None:
        add("starts_on", "Oppgi datoen planen gjelder fra.")
    else:
        options = final_goal_options(data.starts_on)
        if not options:
            add(
                "starts_on",
                f"Det finnes ingen regler for sluttmål på {data.starts_on:%d.%m.%Y}. Sjekk året.",
            )
        elif not data.final_goal:
            add("final_goal", "Velg sluttmål.")
        elif data.final_goal not in {o.key for o in options}:
            add(
                "final_goal",
                f"Sluttmålet gjelder ikke for en plan som starter {data.starts_on:%d.%m.%Y}. "
                "Velg et av sluttmålene i listen.",
            )
        if plan is not None:
            first = (
                plan.evaluations.order_by("evaluated_on")
                .values_list("evaluated_on", flat=True)
                .first()
            )
            if first is not None and data.starts_on > first:
                add(
                    "starts_on",
                    f"Planen ble evaluert {first:%d.%m.%Y}; den kan ikke gjelde fra en senere dato.",
                )
    if len(data.final_goal_text) > 5000:
        add("final_goal_text", "Beskrivelsen er for lang (høyst 5000 tegn).")
    for i, text in enumerate(data.goals):
        if not text.strip():
            add(goal_key(i), "Skriv delmålet.")
        elif len(text) > 300:
            add(goal_key(i), "Delmålet er for langt (høyst 300 tegn).")
    for i, measure in enumerate(data.measures):
        if not measure.description.strip():
            add(measure_key(i, "description"), "Beskriv tiltaket.")
        elif len(measure.description) > 300:
            add(measure_key(i, "description"), "Beskrivelsen er for lang (høyst 300 tegn).")
        # Seed 002 §2.4: each service in the team answers for the measures in its own field.
        if not measure.service:
            add(measure_key(i, "service"), "Velg hvilken tjeneste som er ansvarlig for tiltaket.")
        elif measure.service not in Service.values:
            add(measure_key(i, "service"), "Ukjent tjeneste. Velg en tjeneste i listen.")
        if measure.starts_on is None:
            add(measure_key(i, "starts_on"), "Oppgi når tiltaket starter.")
        elif measure.ends_on is not None and measure.ends_on < measure.starts_on:
            add(
                measure_key(i, "ends_on"),
                f"Sluttdatoen er før startdatoen ({measure.starts_on:%d.%m.%Y}).",
            )
        if measure.goal is not None and not 0 <= measure.goal < len(data.goals):
            add(measure_key(i, "goal"), "Delmålet finnes ikke i planen. Velg et annet.")
    return errors


# --- Snapshots ------------------------------------------------------------------------------


def plan_snapshot(plan: IndividualPlan) -> dict[str, Any]:
    """The plan as saved, as JSON: what a ``PlanVersion`` keeps. Goals are numbered from 1."""
    goals = list(plan.goals.order_by("position", "pk"))
    number = {goal.pk: n for n, goal in enumerate(goals, start=1)}
    option = final_goal_option(plan.final_goal, plan.starts_on)
    return {
        "final_goal": plan.final_goal,
        "final_goal_label": option.label if option else plan.final_goal,
        "final_goal_text": plan.final_goal_text,
        "starts_on": plan.starts_on.isoformat(),
        "goals": [goal.text for goal in goals],
        "measures": [
            {
                "description": m.description,
                "service": m.service,
                "starts_on": m.starts_on.isoformat(),
                "ends_on": m.ends_on.isoformat() if m.ends_on else None,
                "done": m.done,
                "goal": number.get(m.goal_id) if m.goal_id else None,
            }
            for m in plan.measures.order_by("starts_on", "pk")
        ],
    }


def _write_content(plan: IndividualPlan, data: PlanInput) -> None:
    # Goals and measures are replaced as a whole on every save: the version snapshots keep
    # what they were before.
    plan.measures.all().delete()
    plan.goals.all().delete()
    goals = [
        PlanGoal.objects.create(plan=plan, text=text.strip(), position=position)
        for position, text in enumerate(data.goals)
    ]
    measures = []
    for m in data.measures:
        assert m.starts_on is not None  # checked by plan_errors
        measures.append(
            PlanMeasure(
                plan=plan,
                goal=goals[m.goal] if m.goal is not None else None,
                description=m.description.strip(),
                service=m.service,
                starts_on=m.starts_on,
                ends_on=m.ends_on,
                done=m.done,
            )
        )
    PlanMeasure.objects.bulk_create(measures)


def _keep_version(ctx: AccessContext, plan: IndividualPlan) -> PlanVersion:
    return PlanVersion.objects.create(
        plan=plan,
        version=plan.version,
        snapshot=plan_snapshot(plan),
        saved_by=ctx.acting_user,
        saved_at=plan.updated_at,
    )


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, ctx: AccessContext, person: Person, data: PlanInput) -> IndividualPlan:
    """Make a person's individual plan (version 1) and open the reminder of its first evaluation.

    Seed 002 §2.4: the plan is evaluated with the participant at least twice a year, so the
    deadline ``plan_evaluation`` starts to run from the day the plan applies from. A second
    create for the same person is a conflict: someone else made the plan meanwhile.
    """
    errors = plan_errors(data)
    if errors:
        raise ValidationError(errors)
    assert data.starts_on is not None  # checked by plan_errors
    if IndividualPlan.objects.filter(person=person).exists():
        raise ConflictError(conflict_message(WHAT))
    now = timezone.now()
    try:
        with transaction.atomic():
            plan = IndividualPlan.objects.create(
                person=person,
                final_goal=data.final_goal,
                final_goal_text=data.final_goal_text.strip(),
                starts_on=data.starts_on,
                version=1,
                created_at=now,
                created_by=ctx.acting_user,
                updated_at=now,
                updated_by=ctx.acting_user,
            )
    except IntegrityError:
        raise ConflictError(conflict_message(WHAT)) from None
    _write_content(plan, data)
    _keep_version(ctx, plan)
    deadline_open(
        person=person,
        kind=EVALUATION_DEADLINE,
        service=Service.REFUGEE_SERVICE,
        start=plan.starts_on,
    )
    audit_record(
        ctx=ctx,
        person_id=person.pk,
        action=AuditAction.CREATE,
        allowed=True,
        detail=f"individuell plan opprettet (versjon 1, sluttmål {plan.final_goal})",
    )
    return plan


@transaction.atomic
def plan_update(
    *, ctx: AccessContext, plan: IndividualPlan, data: PlanInput, version: int
) -> IndividualPlan:
    """Save a new version of the plan: final goal, description, goals and measures in one save.

    Refused with a conflict if someone saved the plan after ``version`` was read (the other
    save is kept). While the plan has not been evaluated, its evaluation deadline counts from
    the date the plan applies from, so moving that date moves the open deadline.
    """
    errors = plan_errors(data, plan=plan)
    if errors:
        raise ValidationError(errors)
    assert data.starts_on is not None  # checked by plan_errors
    now = timezone.now()
    version_bump(
        IndividualPlan.objects.filter(pk=plan.pk),
        expected=version,
        what=WHAT,
        final_goal=data.final_goal,
        final_goal_text=data.final_goal_text.strip(),
        starts_on=data.starts_on,
        updated_at=now,
        updated_by=ctx.acting_user,
    )
    plan.refresh_from_db()
    _write_content(plan, data)
    _keep_version(ctx, plan)
    if not plan.evaluations.exists():
        Deadline.objects.filter(
            person_id=plan.person_id, kind=EVALUATION_DEADLINE, met_on__isnull=True
        ).update(start_on=plan.starts_on, due_on=deadline_due(EVALUATION_DEADLINE, plan.starts_on))
    audit_record(
        ctx=ctx,
        person_id=plan.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"individuell plan endret (versjon {plan.version})",
    )
    return plan


@dataclass(frozen=True)
class EvaluationInput:
    evaluated_on: datetime.date | None
    summary: str
    interpreter_used: bool | None


def evaluation_errors(plan: IndividualPlan, data: EvaluationInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if data.evaluated_on is None:
        errors["evaluated_on"] = ["Oppgi datoen planen ble evaluert."]
    elif data.evaluated_on > today:
        errors["evaluated_on"] = ["Evalueringen kan ikke være fram i tid."]
    elif data.evaluated_on < plan.starts_on:
        errors["evaluated_on"] = [
            f"Datoen er før planen begynte å gjelde ({plan.starts_on:%d.%m.%Y})."
        ]
    if not data.summary.strip():
        errors["summary"] = ["Skriv hva dere kom fram til i evalueringen."]
    if data.interpreter_used is None:
        errors["interpreter_used"] = ["Oppgi om det ble brukt tolk."]
    return errors


@transaction.atomic
def plan_evaluate(
    *, ctx: AccessContext, plan: IndividualPlan, data: EvaluationInput
) -> PlanEvaluation:
    """Record an evaluation of the plan with the participant, and move the reminder on.

    Seed 002 §2.4: at least two evaluations a year. The evaluation meets the open
    ``plan_evaluation`` deadline and opens the next one, counted from the evaluation date. An
    evaluation recorded afterwards with a date before the open deadline began leaves it be.
    """
    errors = evaluation_errors(plan, data)
    if errors:
        raise ValidationError(errors)
    assert data.evaluated_on is not None
    evaluation = PlanEvaluation.objects.create(
        plan=plan,
        evaluated_on=data.evaluated_on,
        summary=data.summary.strip(),
        interpreter_used=bool(data.interpreter_used),
        created_by=ctx.acting_user,
    )
    open_one = Deadline.objects.filter(
        person_id=plan.person_id, kind=EVALUATION_DEADLINE, met_on__isnull=True
    ).first()
    if open_one is not None and open_one.start_on <= data.evaluated_on:
        deadline_meet(
            ctx=ctx, deadline=open_one, met_on=data.evaluated_on, note="Planen er evaluert."
        )
        open_one = None
    if open_one is None:
        latest = plan.evaluations.order_by("-evaluated_on").values_list("evaluated_on", flat=True)[
            0
        ]
        deadline_open(
            person=plan.person,
            kind=EVALUATION_DEADLINE,
            service=Service.REFUGEE_SERVICE,
            start=latest,
        )
    audit_record(
        ctx=ctx,
        person_id=plan.person_id,
        action=AuditAction.CREATE,
        allowed=True,
        detail=f"individuell plan evaluert {data.evaluated_on:%d.%m.%Y}",
    )
    return evaluation


# --- Reads (the caller has already checked access through person_get) ----------------------


def plan_of(person: Person) -> IndividualPlan | None:
    return IndividualPlan.objects.filter(person=person).select_related("updated_by").first()


def plan_next_evaluation(plan: IndividualPlan) -> Deadline | None:
    """The open reminder of the next evaluation, if any."""
    return (
        Deadline.objects.filter(
            person_id=plan.person_id, kind=EVALUATION_DEADLINE, met_on__isnull=True
        )
        .order_by("due_on")
        .first()
    )


def plan_versions(plan: IndividualPlan) -> list[PlanVersion]:
    """Every saved version of the plan, newest first."""
    return list(plan.versions.select_related("saved_by").order_by("-version"))


def measure_status(
    *,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    done: bool,
    today: datetime.date,
) -> str:
    """The status a plan measure shows on a given day: «Gjennomført» when marked done (the
    explicit status wins), otherwise it follows the dates: not yet started «Planlagt», started
    and not ended «Pågår», ended «Avsluttet»."""
    if done:
        return "Gjennomført"
    if starts_on is not None and starts_on > today:
        return "Planlagt"
    if ends_on is not None and ends_on < today:
        return "Avsluttet"
    return "Pågår"
