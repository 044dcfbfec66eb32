"""Users, their roles, and API tokens."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from integrering.organisations.models import Organisation

from .roles import ROLE_SERVICE, Role


class User(AbstractUser):
    """A person who logs in. Belongs to one organisation; what they reach follows from its roles."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="organisasjon",
    )

    class Meta:
        verbose_name = "bruker"
        verbose_name_plural = "brukere"

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles.values_list("role", flat=True))

    @property
    def display_name(self) -> str:
        """The name to show for the user: the full name, or the user name when none is set."""
        return self.get_full_name() or self.get_username()

    def has_role(self, *roles: str) -> bool:
        return any(role in self.role_set for role in roles)

    @cached_property
    def service_set(self) -> frozenset[str]:
        """The municipal services this user works in (from the roles)."""
        return frozenset(ROLE_SERVICE[role] for role in self.role_set if role in ROLE_SERVICE)

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in sorted(self.role_set)]


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("rolle", max_length=40, choices=Role.choices)

    class Meta:
        verbose_name = "rolle"
        verbose_name_plural = "roller"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]

    def __str__(self) -> str:
        return Role(self.role).label


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("navn", max_length=100, blank=True)
    prefix = models.CharField(
        "prefiks", max_length=12, help_text="De første tegnene, for å kjenne igjen tokenet."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("opprettet", default=timezone.now)
    expires_at = models.DateTimeField("utløper")
    last_used_at = models.DateTimeField("sist brukt", null=True, blank=True)
    revoked_at = models.DateTimeField("trukket tilbake", null=True, blank=True)

    class Meta:
        verbose_name = "API-token"
        verbose_name_plural = "API-tokener"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
