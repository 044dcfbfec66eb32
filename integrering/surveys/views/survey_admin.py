"""The municipal survey's pages for the directorate's analysts: the years' surveys, each survey
with its questionnaires and invitations, the questions, and one invitation with its link.

- ``survey-list`` (``/kommuneundersokelse/``): the surveys, and the form to make next year's;
- ``survey-detail`` (``/kommuneundersokelse/<survey_id>/``): the questionnaires with their
  counts; make invitations, import the recipients' e-mail, send the links and reminders (queued
  for the background worker; the page shows their progress);
- ``questionnaire-detail`` (``/kommuneundersokelse/skjema/<questionnaire_id>/``): the questions,
  add one, move or delete one;
- ``question-edit`` (``/kommuneundersokelse/sporsmal/<question_id>/``);
- ``invitation-list`` (``/kommuneundersokelse/<survey_id>/invitasjoner/``), with filters;
- ``invitation-detail`` (``/kommuneundersokelse/invitasjon/<invitation_id>/``): «Lag ny lenke»
  shows a new link once, for a unit without e-mail.

Anyone but an analyst gets 403 on the list and 404 on every object.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from integrering.audit.services import AccessContext
from integrering.ui.forms import form_add_service_errors
from integrering.ui.http import no_store
from integrering.ui.numbers import count_nb
from integrering.ui.paging import paginate

from ..forms import (
    ContactsForm,
    InvitationFilterForm,
    QuestionForm,
    QuestionnaireForm,
    SurveyEditForm,
    SurveyForm,
    question_initial,
)
from ..models import Question, Questionnaire, Survey
from ..selectors import (
    invitation_get,
    invitations_filter,
    links_sent_count,
    question_get,
    questionnaire_get,
    questionnaires_with_counts,
    sending_runs,
    survey_get,
    surveys_list,
)
from ..services.invitations import (
    contacts_import,
    invitation_link_new,
    invitations_create,
    survey_is_open,
)
from ..services.questionnaires import (
    question_add,
    question_delete,
    question_move,
    question_options,
    question_update,
    questionnaire_locked,
    questionnaire_update,
    survey_create,
    survey_update,
)
from ..services.sending import invitations_send_enqueue

POLL_SECONDS = 2


def _errors_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Surveys -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    """The years' surveys, and the form to make a new one."""
    surveys = surveys_list(request.user)
    status = 200
    if request.method == "POST":
        form = SurveyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = survey_create(
                    user=request.user,
                    year=data["year"],
                    title=data["title"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    copy_from=data["copy_from"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, f"{survey.title} er laget med tre spørreskjemaer.")
                return redirect("surveys:survey-detail", survey_id=survey.pk)
        else:
            status = 422
    else:
        latest = surveys.first()
        year = (latest.year + 1) if latest else timezone.localdate().year
        form = SurveyForm(
            initial={
                "year": year,
                "title": f"Kommuneundersøkelsen {year}",
                "copy_from": latest.pk if latest else None,
            }
        )
    context = {"surveys": surveys, "form": form}
    return no_store(render(request, "surveys/survey_list.html", context, status=status))


def _send_status_context(survey: Survey) -> dict[str, Any]:
    runs = sending_runs(survey)
    return {
        "survey": survey,
        "runs": runs,
        "links_sent": links_sent_count(survey),
        "running": any(run.running for run in runs),
        "poll_seconds": POLL_SECONDS,
    }


@require_http_methods(["GET", "POST"])
@login_required
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    """A survey: its questionnaires with counts, invitations, sending and reminders."""
    survey = survey_get(request.user, survey_id)
    if request.headers.get("HX-Request") and request.GET.get("del") == "utsending":
        return no_store(
            render(request, "surveys/survey_send_status.html", _send_status_context(survey))
        )
    status = 200
    edit_form = SurveyEditForm(
        initial={
            "title": survey.title,
            "opens_on": survey.opens_on,
            "closes_on": survey.closes_on,
            "version": survey.version,
        }
    )
    contacts_form = ContactsForm()
    contact_errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "edit":
            edit_form = SurveyEditForm(request.POST)
            if edit_form.is_valid():
                data = edit_form.cleaned_data
                try:
                    survey_update(
                        survey=survey,
                        title=data["title"],
                        opens_on=data["opens_on"],
                        closes_on=data["closes_on"],
                        version=data["version"],
                    )
                except ValidationError as exc:
                    status = form_add_service_errors(edit_form, exc)
                else:
                    messages.success(request, "Undersøkelsen er endret.")
                    return redirect("surveys:survey-detail", survey_id=survey.pk)
            else:
                status = 422
        elif action == "invitations":
            made = invitations_create(survey=survey)
            messages.success(
                request,
                f"{made} invitasjoner er laget."
                if made
                else "Alle enhetene var allerede invitert: ingen nye invitasjoner.",
            )
            return redirect("surveys:survey-detail", survey_id=survey.pk)
        elif action == "contacts":
            contacts_form = ContactsForm(request.POST, request.FILES)
            if contacts_form.is_valid():
                try:
                    result = contacts_import(
                        survey=survey, content=contacts_form.cleaned_data["file"].read()
                    )
                except ValidationError as exc:
                    contact_errors = exc.messages
                    status = 422
                else:
                    messages.success(
                        request,
                        f"E-postadressene er lest inn: {count_nb(result.rows, 'rad', 'rader')}, "
                        f"{count_nb(result.updated, 'invitasjon', 'invitasjoner')} endret.",
                    )
                    return redirect("surveys:survey-detail", survey_id=survey.pk)
            else:
                status = 422
        elif action in {"send", "remind"}:
            try:
                invitations_send_enqueue(
                    ctx=AccessContext.from_request(request),
                    survey=survey,
                    reminder=action == "remind",
                )
            except ValidationError as exc:
                messages.error(request, _errors_text(exc))
            else:
                messages.success(
                    request,
                    "Purringene er lagt i kø og sendes om litt."
                    if action == "remind"
                    else "Lenkene er lagt i kø og sendes om litt.",
                )
            return redirect("surveys:survey-detail", survey_id=survey.pk)
        else:
            messages.error(request, "Ukjent handling.")
            return redirect("surveys:survey-detail", survey_id=survey.pk)
    questionnaires = list(questionnaires_with_counts(survey))
    context = {
        **_send_status_context(survey),
        "questionnaires": questionnaires,
        "total_invited": sum(getattr(q, "invited_count", 0) for q in questionnaires),
        "is_open": survey_is_open(survey),
        "today": timezone.localdate(),
        "edit_form": edit_form,
        "contacts_form": contacts_form,
        "contact_errors": contact_errors,
    }
    return no_store(render(request, "surveys/survey_detail.html", context, status=status))


# --- Questionnaires and questions --------------------------------------------------------------


def _question_rows(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    questions = list(
        questionnaire.questions.select_related("show_if_question").order_by("position")
    )
    return [
        {
            "question": q,
            "options": [label for _, label in question_options(q)],
            "first": i == 0,
            "last": i == len(questions) - 1,
        }
        for i, q in enumerate(questions)
    ]


@require_http_methods(["GET", "POST"])
@login_required
def questionnaire_detail(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """A questionnaire: its title and introduction, its questions, and adding a question."""
    questionnaire = questionnaire_get(request.user, questionnaire_id)
    status = 200
    locked = questionnaire_locked(questionnaire)
    settings_form = QuestionnaireForm(
        prefix="skjema",
        initial={
            "title": questionnaire.title,
            "introduction": questionnaire.introduction,
            "includes_city_districts": questionnaire.includes_city_districts,
        },
    )
    question_form = QuestionForm(prefix="nytt", questionnaire=questionnaire)
    if request.method == "POST":
        action = request.POST.get("action")
        url = redirect("surveys:questionnaire-detail", questionnaire_id=questionnaire.pk)
        if action == "settings":
            settings_form = QuestionnaireForm(request.POST, prefix="skjema")
            if settings_form.is_valid():
                try:
                    questionnaire_update(questionnaire=questionnaire, **settings_form.cleaned_data)
                except ValidationError as exc:
                    status = form_add_service_errors(settings_form, exc)
                else:
                    messages.success(request, "Spørreskjemaet er lagret.")
                    return url
            else:
                status = 422
        elif action == "add":
            question_form = QuestionForm(request.POST, prefix="nytt", questionnaire=questionnaire)
            if question_form.is_valid():
                try:
                    question = question_add(
                        questionnaire=questionnaire, **question_form.service_kwargs()
                    )
                except ValidationError as exc:
                    status = form_add_service_errors(question_form, exc)
                else:
                    messages.success(request, f"Spørsmål {question.position} er lagt til.")
                    return url
            else:
                status = 422
        elif action in {"up", "down", "delete"}:
            picked = request.POST.get("question", "")
            target = (
                questionnaire.questions.filter(pk=int(picked)).first() if picked.isdigit() else None
            )
            if target is None:
                messages.error(request, "Finner ikke spørsmålet.")
                return url
            try:
                if action == "delete":
                    question_delete(question=question)
                else:
                    question_move(question=question, up=action == "up")
            except ValidationError as exc:
                messages.error(request, _errors_text(exc))
            else:
                messages.success(
                    request,
                    "Spørsmålet er slettet." if action == "delete" else "Rekkefølgen er endret.",
                )
            return url
        else:
            messages.error(request, "Ukjent handling.")
            return url
    context = {
        "questionnaire": questionnaire,
        "survey": questionnaire.survey,
        "rows": _question_rows(questionnaire),
        "locked": locked,
        "settings_form": settings_form,
        "question_form": question_form,
        "invited": questionnaire.invitations.count(),
    }
    return no_store(render(request, "surveys/questionnaire_detail.html", context, status=status))


@require_http_methods(["GET", "POST"])
@login_required
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    """Change one question (refused once its questionnaire has answers)."""
    question: Question = question_get(request.user, question_id)
    questionnaire = question.questionnaire
    status = 200
    locked = questionnaire_locked(questionnaire)
    if request.method == "POST":
        form = QuestionForm(request.POST, questionnaire=questionnaire, question=question)
        if form.is_valid():
            try:
                question_update(question=question, **form.service_kwargs())
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, f"Spørsmål {question.position} er lagret.")
                return redirect("surveys:questionnaire-detail", questionnaire_id=questionnaire.pk)
        else:
            status = 422
    else:
        form = QuestionForm(
            initial=question_initial(question), questionnaire=questionnaire, question=question
        )
    context = {
        "question": question,
        "questionnaire": questionnaire,
        "survey": questionnaire.survey,
        "form": form,
        "locked": locked,
    }
    return no_store(render(request, "surveys/question_edit.html", context, status=status))


# --- Invitations -------------------------------------------------------------------------------


@require_http_methods(["GET"])
@login_required
def invitation_list(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The survey's invitations, filterable by role, status and unit."""
    survey = survey_get(request.user, survey_id)
    filters = InvitationFilterForm(request.GET or None)
    role = status = query = ""
    if filters.is_valid():
        role = filters.cleaned_data["role"]
        status = filters.cleaned_data["status"]
        query = filters.cleaned_data["q"].strip()
    invitations = invitations_filter(survey, role=role, status=status, query=query)
    page = paginate(request, invitations, 100)
    context = {"survey": survey, "filters": filters, "page": page, "count": page.count}
    return no_store(render(request, "surveys/invitation_list.html", context))


@require_http_methods(["GET", "POST"])
@login_required
def invitation_detail(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """One invitation: its status and dates; «Lag ny lenke» shows a new link once."""
    invitation = invitation_get(request.user, invitation_id)
    link = ""
    if request.method == "POST":
        if request.POST.get("action") != "link":
            messages.error(request, "Ukjent handling.")
            return redirect("surveys:invitation-detail", invitation_id=invitation.pk)
        link = invitation_link_new(invitation=invitation)
    context = {
        "invitation": invitation,
        "questionnaire": invitation.questionnaire,
        "survey": invitation.questionnaire.survey,
        "link": link,
        "answer_count": invitation.answers.count(),
    }
    return no_store(render(request, "surveys/invitation_detail.html", context))


urlpatterns = [
    path("kommuneundersokelse/", survey_list, name="survey-list"),
    path("kommuneundersokelse/<int:survey_id>/", survey_detail, name="survey-detail"),
    path(
        "kommuneundersokelse/skjema/<int:questionnaire_id>/",
        questionnaire_detail,
        name="questionnaire-detail",
    ),
    path("kommuneundersokelse/sporsmal/<int:question_id>/", question_edit, name="question-edit"),
    path(
        "kommuneundersokelse/<int:survey_id>/invitasjoner/",
        invitation_list,
        name="invitation-list",
    ),
    path(
        "kommuneundersokelse/invitasjon/<int:invitation_id>/",
        invitation_detail,
        name="invitation-detail",
    ),
]
