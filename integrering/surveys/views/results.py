"""The municipal survey's results for the directorate's analysts (seed 004): tables 1 and 2, a
figure per question (Likert groups, single and multiple choice) with its table, compared with up
to two earlier years and across roles, the open answers with their themes, the report as PDF
(built by the background worker: ``survey-report`` queues it, ``survey-report-build`` shows its
progress, ``survey-report-pdf`` downloads it) and the tables as Excel; and the import of
municipal features for table 2.

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
from integrering.errors import NotFound
from integrering.jobs import JobStatus
from integrering.ui.forms import form_add_service_errors
from integrering.ui.http import no_store

from ..forms import CompareForm, FeaturesImportForm, TagForm
from ..models import QuestionKind, Survey, SurveyRole
from ..report import XLSX_TYPE, survey_tables_xlsx
from ..selectors import question_get, survey_get
from ..services.features import features_import, features_years
from ..services.figure_charts import figure_svg, figure_table
from ..services.report_queue import report_build_get, report_build_start, report_builds
from ..services.results import (
    answer_get,
    answer_tag_add,
    answer_tag_remove,
    open_answer_groups,
    open_answers,
    survey_results,
    tag_names,
)

POLL_SECONDS = 2


def _compare_form(request: HttpRequest, survey: Survey) -> tuple[CompareForm, list[int] | None]:
    """The years chosen to compare with (``?sammenlign=1&years=2020``), or None for the
    default (the two latest earlier surveys) when none were chosen or the choice is wrong."""
    if request.GET.get("sammenlign"):
        form = CompareForm(request.GET, survey=survey)
        if form.is_valid():
            return form, form.cleaned_data["years"]
        return form, None
    return CompareForm(survey=survey), None


@require_GET
@login_required
def results(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Tables 1 and 2, a chart and table per figure, links to the open answers, the report."""
    survey = survey_get(request.user, survey_id)
    form, years = _compare_form(request, survey)
    found = survey_results(survey, years)
    if not form.is_bound:
        form = CompareForm(initial={"years": found.compared}, survey=survey)
    sections = [
        {
            "section": section,
            "figures": [
                {"figure": f, "svg": figure_svg(f), "table": figure_table(f)}
                for f in section.figures
            ],
        }
        for section in found.sections
    ]
    return render(
        request,
        "surveys/results_detail.html",
        {
            "survey": survey,
            "results": found,
            "sections": sections,
            "roles": SurveyRole,
            "compare_form": form,
            "builds": report_builds(survey),
        },
        status=422 if form.is_bound and form.errors else 200,
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


@require_POST
@login_required
def report_start(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Queue the report as PDF, compared with the years chosen; then show its progress."""
    survey = survey_get(request.user, survey_id)
    form = CompareForm(request.POST, survey=survey)
    if not form.is_valid():
        for error in form.errors.get("years", []):
            messages.error(request, str(error))
        return redirect("surveys:survey-results", survey_id=survey.pk)
    try:
        build = report_build_start(
            user=request.user, survey=survey, compare_years=form.cleaned_data["years"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("surveys:survey-results", survey_id=survey.pk)
    return redirect("surveys:survey-report-build", survey_id=survey.pk, report_build_id=build.pk)


@require_GET
@login_required
def report_build(request: HttpRequest, survey_id: int, report_build_id: int) -> HttpResponse:
    """A report's progress (polled with htmx while it is built) and its download when done."""
    survey = survey_get(request.user, survey_id)
    build = report_build_get(survey, report_build_id)
    context = {
        "survey": survey,
        "build": build,
        "running": build.running,
        "done": build.status == JobStatus.DONE,
        "poll_seconds": POLL_SECONDS,
    }
    if request.headers.get("HX-Request"):
        return no_store(render(request, "surveys/report_build_status.html", context))
    return no_store(render(request, "surveys/report_build.html", context))


@require_GET
@login_required
def report_pdf(request: HttpRequest, survey_id: int, report_build_id: int) -> HttpResponse:
    """The finished report; 404 while it is being built or when it failed."""
    survey = survey_get(request.user, survey_id)
    build = report_build_get(survey, report_build_id)
    if build.status != JobStatus.DONE or build.pdf is None:
        raise NotFound("Rapporten er ikke ferdig.")
    response = HttpResponse(bytes(build.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kommuneundersokelsen-{survey.year}.pdf"'
    return response


@require_GET
@login_required
def tables_xlsx(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_get(request.user, survey_id)
    _, years = _compare_form(request, survey)
    response = HttpResponse(survey_tables_xlsx(survey, years), content_type=XLSX_TYPE)
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
    path("kommuneundersokelse/<int:survey_id>/rapport/", report_start, name="survey-report"),
    path(
        "kommuneundersokelse/<int:survey_id>/rapport/<int:report_build_id>/",
        report_build,
        name="survey-report-build",
    ),
    path(
        "kommuneundersokelse/<int:survey_id>/rapport/<int:report_build_id>/rapport.pdf",
        report_pdf,
        name="survey-report-pdf",
    ),
    path(
        "kommuneundersokelse/<int:survey_id>/tabeller.xlsx",
        tables_xlsx,
        name="survey-tables-xlsx",
    ),
    path("kommuneundersokelse/kjennetegn/", features, name="features"),
]
