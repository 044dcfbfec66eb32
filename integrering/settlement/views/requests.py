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
    path("bosetting/<int:year>/anmodninger/", _placeholder, name="request-list"),
    path("bosetting/anmodninger/<int:request_id>/", _placeholder, name="request-detail"),
]
