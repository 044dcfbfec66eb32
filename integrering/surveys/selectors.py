"""Who reaches the municipal survey, and the reads of its objects.

The municipal survey is the directorate's: only users with the analyst role (in the
directorate) reach its pages. Anyone else gets 403 on its lists and 404 on its objects, so a
municipal user does not learn that an id exists. The answer-by-link page is apart: its link is
the credential (``views/respond.py``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from integrering.accounts.access import analyst_require, analyst_require_or_404
from integrering.errors import NotFound

from .models import Invitation, InvitationStatus, Mailing, Question, Questionnaire, Survey

NOT_FOUND = "Finner ikke det du ba om."


def _get(user: Any, queryset: QuerySet[Any], pk: int) -> Any:
    analyst_require_or_404(user)
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def survey_get(user: Any, survey_id: int) -> Survey:
    return _get(user, Survey.objects.all(), survey_id)


def questionnaire_get(user: Any, questionnaire_id: int) -> Questionnaire:
    return _get(user, Questionnaire.objects.select_related("survey"), questionnaire_id)


def question_get(user: Any, question_id: int) -> Question:
    return _get(
        user,
        Question.objects.select_related("questionnaire__survey", "show_if_question"),
        question_id,
    )


def invitation_get(user: Any, invitation_id: int) -> Invitation:
    return _get(
        user,
        Invitation.objects.select_related("questionnaire__survey", "municipality"),
        invitation_id,
    )


def surveys_list(user: Any) -> QuerySet[Survey]:
    analyst_require(user)
    return Survey.objects.order_by("-year")


def questionnaires_with_counts(survey: Survey) -> QuerySet[Questionnaire]:
    """The survey's questionnaires with their invitation counts per status."""
    return survey.questionnaires.annotate(
        question_count=Count("questions", distinct=True),
        invited_count=Count("invitations", distinct=True),
        draft_count=Count(
            "invitations", filter=Q(invitations__status=InvitationStatus.DRAFT), distinct=True
        ),
        submitted_count=Count(
            "invitations", filter=Q(invitations__status=InvitationStatus.SUBMITTED), distinct=True
        ),
        with_email_count=Count(
            "invitations", filter=~Q(invitations__recipient_email=""), distinct=True
        ),
        sent_count=Count(
            "invitations", filter=Q(invitations__sent_at__isnull=False), distinct=True
        ),
    ).order_by("role")


def invitations_filter(
    survey: Survey, *, role: str = "", status: str = "", query: str = ""
) -> QuerySet[Invitation]:
    """The survey's invitations, optionally of one role, one status, or matching a unit."""
    invitations = Invitation.objects.filter(questionnaire__survey=survey).select_related(
        "questionnaire", "municipality"
    )
    if role:
        invitations = invitations.filter(questionnaire__role=role)
    if status:
        invitations = invitations.filter(status=status)
    if query:
        invitations = invitations.filter(
            Q(municipality__name__icontains=query)
            | Q(municipality__number__startswith=query)
            | Q(district_name__icontains=query)
            | Q(district_number__startswith=query)
        )
    return invitations.order_by("questionnaire__role", "municipality__number", "district_number")


def links_sent_count(survey: Survey) -> int:
    """How many of the survey's invitations have had a link sent: the same count as the
    questionnaire table's «Lenke sendt», so the sending section can't contradict it."""
    return Invitation.objects.filter(questionnaire__survey=survey, sent_at__isnull=False).count()


def sending_runs(survey: Survey, limit: int = 5) -> list[Mailing]:
    """The latest sendings and reminders of a survey's links, newest first."""
    return list(survey.mailings.order_by("-created_at", "-pk")[:limit])
