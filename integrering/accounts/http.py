"""Request type for views behind login_required, so that ``request.user`` is our User."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedRequest(HttpRequest):
    user: User  # type: ignore[assignment]
