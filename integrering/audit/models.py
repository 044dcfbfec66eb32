"""The audit log: one row per read or write of a person's data, allowed or denied. Append-only."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    READ = "read", "Lest"
    LIST = "list", "Vist i liste"
    SEARCH = "search", "Funnet i søk"
    CREATE = "create", "Opprettet"
    UPDATE = "update", "Endret"
    DELETE = "delete", "Slettet"
    EXPORT = "export", "Eksportert"


class AppendOnlyError(Exception):
    """Audit records are never changed or deleted through the product."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Tilgangsloggen kan ikke endres.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Tilgangsloggen kan ikke slettes.")


class AuditEvent(models.Model):
    at = models.DateTimeField("tidspunkt", default=timezone.now, db_index=True)
    # Not foreign keys: the record must outlive the user and the person, and record denied
    # attempts at ids that do not exist.
    user_id = models.BigIntegerField("bruker-id", null=True)
    username = models.CharField("bruker", max_length=150)
    organisation = models.CharField("organisasjon", max_length=150, blank=True)
    person_id = models.BigIntegerField("person-id", null=True, db_index=True)
    action = models.CharField("handling", max_length=10, choices=AuditAction.choices)
    route = models.CharField("rute", max_length=200)
    method = models.CharField("metode", max_length=10, blank=True)
    allowed = models.BooleanField("tillatt")
    detail = models.CharField("detaljer", max_length=300, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "tilgangslogghendelse"
        verbose_name_plural = "tilgangslogg"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person_id", "at"], name="audit_person_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.person_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Tilgangsloggen kan ikke endres.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Tilgangsloggen kan ikke slettes.")
