"""Placeholder routes (agreed names); the owner of this part replaces this module."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path

from ..selectors import planner_require, planner_require_or_404


def _placeholder(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if kwargs:
        planner_require_or_404(request.user)
    else:
        planner_require(request.user)
    return HttpResponse("Kommer.")


urlpatterns: list = [
    path("bosetting/<int:year>/utsoking/", _placeholder, name="matching"),
    path("bosetting/utsoking/<int:match_run_id>/", _placeholder, name="match-run"),
    path("bosetting/plasseringer/<int:placement_id>/", _placeholder, name="placement"),
    path("bosetting/venter/<int:waiting_household_id>/", _placeholder, name="waiting-household"),
]
