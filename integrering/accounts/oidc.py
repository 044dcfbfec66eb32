"""OpenID Connect login (ID-porten / Ansattporten) for users who are already provisioned.

Switched on by OIDC_RP_CLIENT_ID (see settings and README). A user is matched on the claim named
by OIDC_USERNAME_CLAIM against the user name; nobody is created, because a user needs an
organisation and roles that only an administrator can give.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import User


class ProvisionedUsersOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        value = claims.get(settings.OIDC_USERNAME_CLAIM)
        if not value:
            return User.objects.none()
        return User.objects.filter(username=value, is_active=True)
