"""Answering the municipal survey by link: a draft that can be saved and taken up again, then
submitted once.

The link's token is the credential: only its hash is stored and looked up. Answers are checked
against the question (a choice among its choices, the Likert scale, text of a sensible length);
a question whose skip-logic condition is not met is not shown, and an answer to it is dropped.
Submitting checks the required questions among those shown. After submitting, or after the
closing date (Oslo's date), nothing more is written. Two tabs saving the same invitation: the
second is refused by its version (``integrering.concurrency``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.concurrency import version_bump

from ..models import (
    Answer,
    Invitation,
    InvitationStatus,
    Question,
    QuestionKind,
)
from ..scales import scale_of
from ..tokens import token_hash

Value = str | list[str]
TEXT_ANSWER_MAX = 5000


class ResponseRefused(ValidationError):
    """The link no longer takes answers: already submitted, or the survey is closed."""


def invitation_by_token(raw: str) -> Invitation | None:
    """The invitation of a link, or None (the caller answers 404 either way it fails)."""
    if not raw or len(raw) > 200:
        return None
    return (
        Invitation.objects.select_related("questionnaire__survey", "municipality")
        .filter(token_hash=token_hash(raw))
        .first()
    )


def answers_of(invitation: Invitation) -> dict[int, Value]:
    """The invitation's saved answers by question id."""
    return dict(invitation.answers.values_list("question_id", "value"))


def _answered(value: Value | None) -> bool:
    if isinstance(value, list):
        return bool(value)
    return bool(value and str(value).strip())


def questions_visible(questions: Sequence[Question], values: Mapping[int, Value]) -> set[int]:
    """The ids of the questions shown, given the answers: a question with a condition is shown
    when the question it depends on is shown and was answered with the condition's value."""
    visible: set[int] = set()
    for question in sorted(questions, key=lambda q: q.position):
        condition = question.show_if_question_id
        if condition is None or (
            condition in visible and values.get(condition) == question.show_if_value
        ):
            visible.add(question.pk)
    return visible


def _clean(question: Question, value: Value | None) -> tuple[Value | None, str]:
    """The answer to store (None: not answered) and an error message."""
    if not _answered(value):
        return None, ""
    if question.kind == QuestionKind.MULTIPLE:
        chosen = value if isinstance(value, list) else [str(value)]
        chosen = [c for c in chosen if c]
        bad = [c for c in chosen if c not in question.choices]
        if bad:
            return None, "Velg blant svaralternativene."
        # In the questionnaire's order, once each.
        return [c for c in question.choices if c in chosen], ""
    if isinstance(value, list):
        if len(value) != 1:
            return None, "Velg ett svar."
        value = value[0]
    text = str(value)
    if question.kind == QuestionKind.SINGLE:
        return (text, "") if text in question.choices else (None, "Velg blant svaralternativene.")
    if question.kind == QuestionKind.LIKERT:
        if text in scale_of(question.scale).values:
            return text, ""
        return None, "Velg et svar på skalaen."
    text = text.strip()
    if len(text) > TEXT_ANSWER_MAX:
        return None, f"Svaret kan være høyst {TEXT_ANSWER_MAX} tegn (nå {len(text)})."
    return text, ""


def survey_closed_message(invitation: Invitation) -> str:
    closes_on = invitation.questionnaire.survey.closes_on
    return (
        f"Undersøkelsen ble stengt etter svarfristen {closes_on:%d.%m.%Y}, så svar kan ikke "
        "lenger lagres eller sendes inn. Ta kontakt med IMDi om du har spørsmål."
    )


def submitted_message(invitation: Invitation) -> str:
    at = timezone.localtime(invitation.submitted_at) if invitation.submitted_at else None
    when = f" {at:%d.%m.%Y} kl. {at:%H.%M}" if at else ""
    return (
        f"Svaret er sendt inn{when}, og kan ikke endres. Takk for at du svarte! "
        "Lenken kan ikke brukes til å sende inn på nytt."
    )


def response_refusal(invitation: Invitation, on: datetime.date | None = None) -> str:
    """Why the link takes no answers now (empty when it does)."""
    survey = invitation.questionnaire.survey
    on = on or timezone.localdate()
    if invitation.status == InvitationStatus.SUBMITTED:
        return submitted_message(invitation)
    if on > survey.closes_on:
        return survey_closed_message(invitation)
    if on < survey.opens_on:
        return f"Undersøkelsen åpner {survey.opens_on:%d.%m.%Y}. Lenken kan brukes fra den dagen."
    return ""


@transaction.atomic
def response_save(
    *,
    invitation: Invitation,
    values: Mapping[int, Value],
    version: int,
    submit: bool,
    on: datetime.date | None = None,
) -> Invitation:
    """Save the answers of an invitation as a draft, or submit them.

    ``values`` maps question id to the raw answer (a string, or a list for multiple choice).
    Refused (``ResponseRefused``) once submitted or after closing; refused (``ValidationError``
    keyed ``q<id>``) for a value outside the question's choices, and, when submitting, for a
    required question left empty among those shown; refused (``ConflictError``) when the
    invitation was saved since ``version``. Answers to questions not shown are dropped.
    """
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    refusal = response_refusal(locked, on)
    if refusal:
        raise ResponseRefused(refusal)
    questions = list(invitation.questionnaire.questions.order_by("position"))
    cleaned: dict[int, Value] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        value, error = _clean(question, values.get(question.pk))
        if error:
            errors[f"q{question.pk}"] = [error]
        elif value is not None:
            cleaned[question.pk] = value
    visible = questions_visible(questions, cleaned)
    cleaned = {pk: value for pk, value in cleaned.items() if pk in visible}
    if submit:
        for question in questions:
            if (
                question.required
                and question.pk in visible
                and question.pk not in cleaned
                and f"q{question.pk}" not in errors
            ):
                errors[f"q{question.pk}"] = ["Dette spørsmålet må besvares før du sender inn."]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    fields: dict[str, object] = {"draft_saved_at": now}
    if submit:
        fields.update(status=InvitationStatus.SUBMITTED, submitted_at=now)
    elif locked.status == InvitationStatus.INVITED:
        fields["status"] = InvitationStatus.DRAFT
    version_bump(
        Invitation.objects.filter(pk=invitation.pk), expected=version, what="svaret", **fields
    )
    _answers_write(locked, cleaned)
    invitation.refresh_from_db()
    return invitation


def _answers_write(invitation: Invitation, values: Mapping[int, Value]) -> None:
    invitation.answers.exclude(question_id__in=list(values)).delete()
    existing = {a.question_id: a for a in invitation.answers.all()}
    new, changed = [], []
    for question_id, value in values.items():
        answer = existing.get(question_id)
        if answer is None:
            new.append(Answer(invitation=invitation, question_id=question_id, value=value))
        elif answer.value != value:
            answer.value = value
            changed.append(answer)
    Answer.objects.bulk_create(new)
    Answer.objects.bulk_update(changed, ["value"])
