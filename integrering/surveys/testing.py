"""Factories for monitoring tests: capacity rounds and answers, municipal surveys with a
questionnaire per role, invitations with their link tokens, and municipal features."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from integrering.organisations.models import CountyGovernor
from integrering.testing import municipality

from .city_districts import oslo_city_districts
from .models import (
    Answer,
    CapacityAnswer,
    CapacityLevel,
    CapacityResponse,
    CapacityRound,
    CapacityService,
    Invitation,
    InvitationStatus,
    MunicipalFeatures,
    Question,
    QuestionKind,
    Questionnaire,
    Survey,
    SurveyRole,
)
from .tokens import token_new

OSLO_GOVERNOR = "Statsforvalteren i Oslo og Viken"


def make_capacity_round(
    *,
    governor_name: str = OSLO_GOVERNOR,
    year: int = 2026,
    quarter: int = 2,
    opened_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
) -> CapacityRound:
    opened_on = opened_on or datetime.date(year, 3 * quarter - 2, 1)
    return CapacityRound.objects.create(
        county_governor=CountyGovernor.objects.get(name=governor_name),
        year=year,
        quarter=quarter,
        opened_on=opened_on,
        closes_on=closes_on or opened_on + datetime.timedelta(days=21),
    )


def make_capacity_response(
    round: CapacityRound,
    number: str,
    levels: dict[str, str] | None = None,
    *,
    submitted: bool = True,
) -> CapacityResponse:
    """A municipality's response; ``levels`` maps service to level (default: all «god»)."""
    response = CapacityResponse.objects.create(
        round=round,
        municipality=municipality(number),
        submitted_at=timezone.now() if submitted else None,
    )
    levels = levels or {service: CapacityLevel.GOOD for service in CapacityService.values}
    CapacityAnswer.objects.bulk_create(
        CapacityAnswer(response=response, service=service, level=level)
        for service, level in levels.items()
    )
    return response


# A small questionnaire with one question of each kind, and skip logic on the text question.
QUESTIONS: list[dict[str, Any]] = [
    {
        "code": "samarbeid_imdi",
        "kind": QuestionKind.LIKERT,
        "text": "Hvordan vurderer du samarbeidet med IMDi?",
        "group": "Samarbeid",
    },
    {
        "code": "bosetting_plan",
        "kind": QuestionKind.SINGLE,
        "text": "Har kommunen en plan for bosetting?",
        "choices": ["Ja", "Nei", "Vet ikke"],
        "required": True,
    },
    {
        "code": "tiltak",
        "kind": QuestionKind.MULTIPLE,
        "text": "Hvilke tiltak bruker kommunen?",
        "choices": ["Arbeidspraksis", "Språkpraksis", "Mentorordning"],
    },
    {
        "code": "bosetting_plan_hvorfor",
        "kind": QuestionKind.TEXT,
        "text": "Hvorfor har kommunen ikke en plan?",
        "show_if": ("bosetting_plan", "Nei"),
    },
]


def make_survey(
    *,
    year: int = 2026,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
) -> Survey:
    """A survey with a questionnaire for each role (``QUESTIONS`` in each); Oslo's city districts
    answer the chief executive's and the integration officer's (seed 004)."""
    survey = Survey.objects.create(
        year=year,
        title=f"Kommuneundersøkelsen {year}",
        opens_on=opens_on or datetime.date(year, 12, 1),
        closes_on=closes_on or datetime.date(year + 1, 1, 17),
    )
    for role in SurveyRole:
        questionnaire = Questionnaire.objects.create(
            survey=survey,
            role=role,
            title=f"{role.label} {year}",
            includes_city_districts=role != SurveyRole.HEAD_OF_EDUCATION,
        )
        by_code: dict[str, Question] = {}
        for position, spec in enumerate(QUESTIONS, start=1):
            show_if = spec.get("show_if")
            by_code[spec["code"]] = Question.objects.create(
                questionnaire=questionnaire,
                position=position,
                code=spec["code"],
                kind=spec["kind"],
                text=spec["text"],
                group=spec.get("group", ""),
                choices=spec.get("choices", []),
                required=spec.get("required", False),
                show_if_question=by_code[show_if[0]] if show_if else None,
                show_if_value=show_if[1] if show_if else "",
            )
    return survey


def make_invitation(
    questionnaire: Questionnaire,
    number: str = "0301",
    *,
    district_number: str = "",
    email: str = "",
) -> tuple[Invitation, str]:
    """An invitation and its raw link token (the token is not stored)."""
    raw, hashed = token_new()
    district_name = ""
    if district_number:
        district_name = next(d.name for d in oslo_city_districts() if d.number == district_number)
    invitation = Invitation.objects.create(
        questionnaire=questionnaire,
        municipality=municipality(number),
        district_number=district_number,
        district_name=district_name,
        recipient_email=email or f"postmottak-{district_number or number}@example.no",
        token_hash=hashed,
        sent_at=timezone.now(),
    )
    return invitation, raw


def make_submitted(invitation: Invitation, values: dict[str, Any]) -> Invitation:
    """Record ``values`` (question code -> value) as the invitation's submitted answers."""
    questions = {q.code: q for q in invitation.questionnaire.questions.all()}
    Answer.objects.bulk_create(
        Answer(invitation=invitation, question=questions[code], value=value)
        for code, value in values.items()
    )
    invitation.status = InvitationStatus.SUBMITTED
    invitation.submitted_at = timezone.now()
    invitation.save(update_fields=["status", "submitted_at"])
    return invitation


def make_features(number: str, *, year: int = 2026, **values: int) -> MunicipalFeatures:
    defaults = {
        "population": 20_000,
        "immigrants": 2_000,
        "centrality": 700,
        "settled_last_5_years": 100,
        "settled_last_10_years": 250,
    }
    return MunicipalFeatures.objects.create(
        year=year, municipality=municipality(number), **{**defaults, **values}
    )
