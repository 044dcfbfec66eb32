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
    path("bosetting/", _placeholder, name="home"),
    path("bosetting/mottak/", _placeholder, name="reception-list"),
    path("bosetting/mottak/<int:centre_id>/", _placeholder, name="reception-detail"),
    path("bosetting/<int:year>/behov/", _placeholder, name="need"),
    path("bosetting/<int:year>/fremdrift/", _placeholder, name="progress"),
    path("bosetting/<int:year>/fremdrift.svg", _placeholder, name="progress-chart"),
]
