from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log cannot be edited through the product."""

    list_display = ["at", "username", "organisation", "person_id", "action", "allowed", "route"]
    list_filter = ["allowed", "action", "organisation"]
    # A municipality finds what concerned it by name or number in the detail too: a case
    # transfer is recorded for both municipalities (``kommune 0301``, casework/services/transfers).
    search_fields = ["username", "=person_id", "organisation", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
