from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_for_person(*, person_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(person_id=person_id).order_by("at", "id")
