"""Creating users with roles, and issuing and checking API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.organisations.models import Organisation

from .models import ApiToken, User, UserRole
from .roles import ROLE_ORGANISATION_KIND, Role

TOKEN_PREFIX = "intg_"  # noqa: S105 - a public marker, not a secret # nosec B105
TOKEN_DEFAULT_DAYS = 90


def _check_roles_fit(organisation: Organisation | None, roles: list[str]) -> None:
    for role in roles:
        if role not in Role.values:
            raise ValidationError(f"Ukjent rolle: {role}.")
        if organisation is None:
            raise ValidationError("En bruker med roller må høre til en organisasjon.")
        if ROLE_ORGANISATION_KIND[role] != organisation.kind:
            raise ValidationError(
                f"Rollen «{Role(role).label}» kan ikke gis til en bruker i {organisation.name}."
            )


@transaction.atomic
def user_create(
    *,
    username: str,
    organisation: Organisation | None,
    roles: list[str],
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a user in an organisation with roles that fit its kind (a planner in the directorate, ...)."""
    _check_roles_fit(organisation, roles)
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"Brukernavnet {username} er allerede i bruk.")
    user = User(
        username=username,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=Role.ADMINISTRATOR in roles,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in roles])
    return user


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def token_create(*, user: User, name: str = "", days: int = TOKEN_DEFAULT_DAYS) -> IssuedToken:
    """Issue a new API token for a user. The plain token is returned once and never stored."""
    if not user.is_active:
        raise ValidationError(f"Brukeren {user.username} er deaktivert og kan ikke få et token.")
    if days < 1:
        raise ValidationError("Et token må gjelde i minst én dag.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=token[: len(TOKEN_PREFIX) + 4],
        key_hash=_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return IssuedToken(token=token, record=record)


class TokenRejected(Exception):
    """The token cannot be used; the message says why in words an API user understands."""


def token_authenticate(token: str) -> User:
    """The active user behind a bearer token, or TokenRejected with the reason."""
    if not token.startswith(TOKEN_PREFIX) or len(token) < len(TOKEN_PREFIX) + 20:
        raise TokenRejected("Tokenet har feil format. Lag et nytt med «integrering token create».")
    record = ApiToken.objects.select_related("user").filter(key_hash=_hash(token)).first()
    if record is None:
        raise TokenRejected("Tokenet er ukjent.")
    now = timezone.now()
    if record.revoked_at is not None:
        raise TokenRejected("Tokenet er trukket tilbake.")
    if record.expires_at <= now:
        raise TokenRejected(
            f"Tokenet utløp {timezone.localtime(record.expires_at):%d.%m.%Y %H:%M}."
        )
    if not record.user.is_active:
        raise TokenRejected("Brukeren bak tokenet er deaktivert.")
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
