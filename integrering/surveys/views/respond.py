"""The answer-by-link page of the municipal survey (``respond``, ``/svar/<token>/``): no login;
the link is the credential.

A link that is not an invitation's is 404 on every method, the same answer whether it once
existed or not. The page shows the unit's name and its role's questionnaire, and nothing of
any other unit. «Lagre utkast» keeps the answers (a draft); «Send inn» checks them and submits.
After submitting, the link shows the receipt and takes no more answers; after the closing date
it takes none either. Nothing is cached, and search engines are asked not to index the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from integrering.concurrency import ConflictError
from integrering.ui.http import no_store

from ..models import Invitation, InvitationStatus, Question, QuestionKind
from ..services.questionnaires import question_options
from ..services.responding import (
    ResponseRefused,
    Value,
    answers_of,
    invitation_by_token,
    questions_visible,
    response_refusal,
    response_save,
)


def _values_from_post(request: HttpRequest, questions: list[Question]) -> dict[int, Value]:
    values: dict[int, Value] = {}
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == QuestionKind.MULTIPLE:
            values[question.pk] = request.POST.getlist(name)
        else:
            values[question.pk] = request.POST.get(name, "")
    return values


def _items(
    questions: list[Question], values: dict[int, Value], errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """What the template needs for each question: its options with what is chosen, its error,
    and its condition (the page hides it with a little JavaScript; the server drops its answer
    when the condition is not met)."""
    by_pk = {q.pk: q for q in questions}
    visible = questions_visible(questions, values)
    items = []
    for question in questions:
        value = values.get(question.pk)
        chosen = set(value) if isinstance(value, list) else {value or ""}
        condition = by_pk.get(question.show_if_question_id or 0)
        name = f"q{question.pk}"
        items.append(
            {
                "question": question,
                "name": name,
                "options": [
                    {"value": v, "label": label, "checked": v in chosen, "id": f"{name}_{i}"}
                    for i, (v, label) in enumerate(question_options(question))
                ],
                "text": value if isinstance(value, str) else "",
                "errors": errors.get(name, []),
                "condition": condition,
                "shown": question.pk in visible,
                "fieldset": question.kind != QuestionKind.TEXT,
            }
        )
    return items


def _page(
    request: HttpRequest,
    invitation: Invitation,
    *,
    values: dict[int, Value] | None = None,
    errors: dict[str, list[str]] | None = None,
    notice: str = "",
    status: int = 200,
    version: int | None = None,
) -> HttpResponse:
    questionnaire = invitation.questionnaire
    questions = list(
        questionnaire.questions.select_related("show_if_question").order_by("position")
    )
    refusal = response_refusal(invitation)
    errors = errors or {}
    items = _items(questions, values if values is not None else answers_of(invitation), errors)
    context = {
        "invitation": invitation,
        "questionnaire": questionnaire,
        "survey": questionnaire.survey,
        "items": items,
        "error_items": [item for item in items if item["errors"]],
        "general_errors": errors.get("__all__", []),
        "refusal": refusal,
        "submitted": invitation.status == InvitationStatus.SUBMITTED,
        "notice": notice,
        "version": invitation.version if version is None else version,
        "token": request.resolver_match.kwargs["token"] if request.resolver_match else "",
    }
    response = render(request, "surveys/respond.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return no_store(response)


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """Answer the questionnaire of an invitation by its link."""
    invitation = invitation_by_token(token)
    if invitation is None:
        raise Http404("Finner ikke lenken.")
    if request.method == "GET":
        return _page(request, invitation)
    questions = list(invitation.questionnaire.questions.order_by("position"))
    values = _values_from_post(request, questions)
    submit = request.POST.get("action") == "submit"
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        response_save(invitation=invitation, values=values, version=version, submit=submit)
    except ResponseRefused as exc:
        # Nothing is written; the page shows why, with the receipt or the saved answers.
        invitation.refresh_from_db()
        return _page(request, invitation, notice=exc.messages[0], status=409)
    except ConflictError as exc:
        return _page(
            request,
            invitation,
            values=values,
            errors={"__all__": exc.messages},
            status=409,
            version=version,
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _page(request, invitation, values=values, errors=errors, status=422, version=version)
    if submit:
        messages.success(request, "Takk! Svaret er sendt inn.")
    else:
        at = timezone.localtime()
        messages.success(
            request,
            f"Utkastet er lagret kl. {at:%H.%M}. Du kan fortsette senere med den samme lenken.",
        )
    return redirect("surveys:respond", token=token)


urlpatterns = [path("svar/<str:token>/", respond, name="respond")]
