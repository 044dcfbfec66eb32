"""API for the individual plan: read it, and record an evaluation (seed 002 §2.4).

Same rules as the pages: reading needs the information category PLAN, recording an
evaluation needs the coordinating refugee service. The person is looked up before any input
is read, so a person out of reach is 404 whatever the body holds.
"""

from __future__ import annotations

import datetime

import pydantic
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from integrering.audit.services import AccessContext
from integrering.people.models import InformationCategory
from integrering.people.selectors import person_get
from integrering.schemas import ErrorOut, ObjectId

from ..models import IndividualPlan, PlanEvaluation
from ..services.plan import (
    EvaluationInput,
    final_goal_option,
    plan_evaluate,
    plan_next_evaluation,
    plan_of,
)

router = Router(tags=["individuell plan"])


class GoalOut(Schema):
    number: int = Field(description="Delmålets nummer i planen (fra 1)")
    text: str


class MeasureOut(Schema):
    description: str
    service: str = Field(description="Ansvarlig tjeneste (refugee_service, nav, ...)")
    starts_on: datetime.date
    ends_on: datetime.date | None
    done: bool
    goal: int | None = Field(description="Nummeret på delmålet tiltaket hører til")


class EvaluationOut(Schema):
    evaluated_on: datetime.date
    summary: str
    interpreter_used: bool

    @staticmethod
    def from_evaluation(evaluation: PlanEvaluation) -> EvaluationOut:
        return EvaluationOut(
            evaluated_on=evaluation.evaluated_on,
            summary=evaluation.summary,
            interpreter_used=evaluation.interpreter_used,
        )


class PlanOut(Schema):
    person: int
    final_goal: str | None = Field(
        description="Sluttmålet (nøkkel i parameteren programme/length_by_final_goal); "
        "null når personen ikke har plan ennå"
    )
    final_goal_label: str | None = Field(description="Sluttmålet og programtiden det gir")
    final_goal_text: str
    starts_on: datetime.date | None
    version: int | None
    goals: list[GoalOut]
    measures: list[MeasureOut]
    evaluations: list[EvaluationOut] = Field(description="Nyeste først")
    next_evaluation_due: datetime.date | None = Field(
        description="Fristen for neste evaluering (minst to ganger i året)"
    )

    @staticmethod
    def from_plan(person_id: ObjectId, plan: IndividualPlan | None) -> PlanOut:
        if plan is None:
            return PlanOut(
                person=person_id,
                final_goal=None,
                final_goal_label=None,
                final_goal_text="",
                starts_on=None,
                version=None,
                goals=[],
                measures=[],
                evaluations=[],
                next_evaluation_due=None,
            )
        goals = list(plan.goals.all())
        number = {g.pk: n for n, g in enumerate(goals, start=1)}
        option = final_goal_option(plan.final_goal, plan.starts_on)
        next_evaluation = plan_next_evaluation(plan)
        return PlanOut(
            person=person_id,
            final_goal=plan.final_goal,
            final_goal_label=option.label if option else None,
            final_goal_text=plan.final_goal_text,
            starts_on=plan.starts_on,
            version=plan.version,
            goals=[GoalOut(number=n, text=g.text) for n, g in enumerate(goals, start=1)],
            measures=[
                MeasureOut(
                    description=m.description,
                    service=m.service,
                    starts_on=m.starts_on,
                    ends_on=m.ends_on,
                    done=m.done,
                    goal=number.get(m.goal_id) if m.goal_id else None,
                )
                for m in plan.measures.all()
            ],
            evaluations=[EvaluationOut.from_evaluation(e) for e in plan.evaluations.all()],
            next_evaluation_due=next_evaluation.due_on if next_evaluation else None,
        )


class EvaluationIn(Schema):
    evaluated_on: datetime.date = Field(description="Datoen planen ble evaluert med deltakeren")
    summary: str = Field(description="Vurderingen", max_length=10000)
    interpreter_used: bool = Field(description="Om det ble brukt tolk")


@router.get(
    "{person_id}/plan",
    response={200: PlanOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Den individuelle planen til en person",
    description="Uten plan ennå: final_goal, starts_on og version er null, og listene er tomme.",
)
def plan_read(request: HttpRequest, person_id: ObjectId) -> PlanOut:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, category=InformationCategory.PLAN)
    return PlanOut.from_plan(person.pk, plan_of(person))


@router.post(
    "{person_id}/plan/evaluations",
    response={201: EvaluationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Registrer en evaluering av planen",
    description="Fristen for evalueringen oppfylles, og neste frist (seks måneder) åpnes.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": EvaluationIn.model_json_schema()}},
        }
    },
)
def plan_evaluation_create(request: HttpRequest, person_id: ObjectId) -> Status[EvaluationOut]:
    ctx = AccessContext.from_request(request)
    person = person_get(ctx=ctx, person_id=person_id, edit=True)
    # The body is read only now, after the reach check (see the module docstring).
    try:
        payload = EvaluationIn.model_validate_json(request.body or b"{}")
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'body'}: {error['msg']}"
            for error in exc.errors()
        )
        raise HttpError(422, f"Ugyldig evaluering: {problems}") from None
    plan = plan_of(person)
    if plan is None:
        raise HttpError(422, "Personen har ingen individuell plan ennå. Lag planen først.")
    # A refused evaluation is a ValidationError: the API's handler answers 422, by field.
    evaluation = plan_evaluate(
        ctx=ctx,
        plan=plan,
        data=EvaluationInput(
            evaluated_on=payload.evaluated_on,
            summary=payload.summary,
            interpreter_used=payload.interpreter_used,
        ),
    )
    return Status(201, EvaluationOut.from_evaluation(evaluation))
