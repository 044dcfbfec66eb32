"""Django's model backend, reading the user's organisation with the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import User


class UserBackend(ModelBackend):
    """Every signed-in request asks for the user's organisation (what they reach follows from
    it): one query for both instead of two (issue 25, item 11)."""

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
