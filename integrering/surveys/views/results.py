"""The municipal survey's results for the directorate's analysts (seed 004): tables 1 and 2, the
Likert charts compared with last year, the open answers with their themes, the report as PDF and
the tables as Excel; and the import of municipal features for table 2.

Analysts only: anyone else gets 403 on the features page and 404 on every object page
(``selectors.survey_get``, ``question_get``, ``services.results.answer_get``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integrering.accounts.access import analyst_require
from integrering.ui.forms import form_add_service_errors

from ..forms import FeaturesImportForm, TagForm
from ..models import QuestionKind, SurveyRole
from ..report import XLSX_TYPE, survey_report_pdf, survey_tables_xlsx
from ..selectors import question_get, survey_get
from ..services.features import features_import, features_years
from ..services.results import (
    answer_get,
    answer_tag_add,
    answer_tag_remove,
    likert_chart_svg,
    open_answer_groups,
    open_answers,
    survey_results,
    tag_names,
)


@require_GET
@login_required
def results(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Tables 1 and 2, the Likert charts with tables, links to the open answers and downloads."""
    survey = survey_get(request.user, survey_id)
    found = survey_results(survey)
    charts = [
        {
            "group": group,
            "svg": likert_chart_svg(group, year=survey.year, chart_id=f"likert-{index}"),
            "id": f"likert-{index}",
        }
        for index, group in enumerate(found.likert, start=1)
    ]
    return render(
        request,
        "surveys/results_detail.html",
        {"survey": survey, "results": found, "charts": charts, "roles": SurveyRole},
    )


@require_GET
@login_required
def open_answers_view(request: HttpRequest, question_id: int) -> HttpResponse:
    """A text question's answers grouped by theme, each with a form to add or remove a theme."""
    question = question_get(request.user, question_id)
    is_text = question.kind == QuestionKind.TEXT
    answers = open_answers(question) if is_text else []
    return render(
        request,
        "surveys/results_open_answers.html",
        {
            "question": question,
            "is_text": is_text,
            "survey": question.questionnaire.survey,
            "role_label": question.questionnaire.get_role_display(),
            "groups": open_answer_groups(answers),
            "answer_count": len(answers),
            "tag_names": tag_names(),
        },
    )


@require_POST
@login_required
def answer_tag(request: HttpRequest, answer_id: int) -> HttpResponse:
    """Add a theme to an open answer (``action=add``) or take one off (``action=remove``)."""
    answer = answer_get(request.user, answer_id)
    back = reverse("surveys:open-answers", kwargs={"question_id": answer.question_id})
    form = TagForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("name", []):
            messages.error(request, str(error))
        return redirect(back)
    name = form.cleaned_data["name"]
    if form.cleaned_data["action"] == "remove":
        answer_tag_remove(answer=answer, name=name)
        messages.success(request, f"Temaet «{name}» er fjernet fra svaret.")
    else:
        try:
            answer_tag_add(user=request.user, answer=answer, name=name)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Svaret har fått temaet «{' '.join(name.split())}».")
    return redirect(back)


@require_http_methods(["GET", "POST"])
@login_required
def features(request: HttpRequest) -> HttpResponse:
    """Import a year's municipal features (all or nothing) and see the years imported."""
    analyst_require(request.user)
    status = 200
    if request.method == "POST":
        form = FeaturesImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                count = features_import(
                    user=request.user,
                    year=form.cleaned_data["year"],
                    filename=upload.name,
                    content=upload.read(),
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Kjennetegn for {count} kommuner i {form.cleaned_data['year']} er importert.",
                )
                return redirect("surveys:features")
        else:
            status = 422
    else:
        form = FeaturesImportForm()
    return render(
        request,
        "surveys/features.html",
        {"form": form, "years": features_years()},
        status=status,
    )


@require_GET
@login_required
def report_pdf(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_get(request.user, survey_id)
    response = HttpResponse(survey_report_pdf(survey), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kommuneundersokelsen-{survey.year}.pdf"'
    return response


@require_GET
@login_required
def tables_xlsx(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_get(request.user, survey_id)
    response = HttpResponse(survey_tables_xlsx(survey), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="kommuneundersokelsen-{survey.year}-tabeller.xlsx"'
    )
    return response


urlpatterns = [
    path("kommuneundersokelse/<int:survey_id>/resultater/", results, name="survey-results"),
    path(
        "kommuneundersokelse/sporsmal/<int:question_id>/apne-svar/",
        open_answers_view,
        name="open-answers",
    ),
    path("kommuneundersokelse/svar/<int:answer_id>/tema/", answer_tag, name="answer-tag"),
    path("kommuneundersokelse/<int:survey_id>/rapport.pdf", report_pdf, name="survey-report-pdf"),
    path(
        "kommuneundersokelse/<int:survey_id>/tabeller.xlsx",
        tables_xlsx,
        name="survey-tables-xlsx",
    ),
    path("kommuneundersokelse/kjennetegn/", features, name="features"),
]
