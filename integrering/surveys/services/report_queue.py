"""Queueing the municipal survey's report for the background worker (it takes seconds): each
build is a ``ReportBuild`` row (a job, ``integrering/jobs.py``) queued for
``tasks.report_build``; its body is ``report_build.report_build_run``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from integrering.errors import NotFound
from integrering.jobs import JobStatus, job_enqueue

from .. import tasks
from ..models import ReportBuild, Survey
from .figures import comparison_surveys

ALREADY_BUILDING = "En rapport for undersøkelsen lages allerede. Vent til den er ferdig."
BUILD_NOT_FOUND = "Finner ikke rapporten."
# The latest builds shown on the results page.
BUILDS_SHOWN = 5


def report_build_start(
    *, user: Any, survey: Survey, compare_years: Sequence[int] | None = None
) -> ReportBuild:
    """Queue a build of the survey's report, compared with ``compare_years`` (by default the
    two latest earlier surveys). Refused while another build of the same survey is queued or
    running, and for more than two years or a year without a survey."""
    years = [s.year for s in comparison_surveys(survey, compare_years)]
    with transaction.atomic():
        list(Survey.objects.select_for_update().filter(pk=survey.pk))
        running = survey.report_builds.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        if running.exists():
            raise ValidationError(ALREADY_BUILDING)
        build = ReportBuild.objects.create(
            survey=survey,
            compare_years=years,
            requested_by=user if getattr(user, "is_authenticated", False) else None,
        )
        job_enqueue(tasks.report_build, build)
    return build


def report_build_get(survey: Survey, build_id: int) -> ReportBuild:
    """One build of the survey's report (the caller has checked the survey); 404 otherwise."""
    build = survey.report_builds.filter(pk=build_id).first()
    if build is None:
        raise NotFound(BUILD_NOT_FOUND)
    return build


def report_builds(survey: Survey) -> list[ReportBuild]:
    """The survey's latest builds, newest first (without their PDFs)."""
    return list(survey.report_builds.defer("pdf")[:BUILDS_SHOWN])
