from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_for_person(*, person_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(person_id=person_id).order_by("at", "id")


def audit_events_about(*, detail_prefix: str, detail_suffix: str = "") -> QuerySet[AuditEvent]:
    """The events whose detail names one object (``overføring 7: ...``), oldest first; with
    ``detail_suffix``, only those recorded for one party (``...; kommune 0301``)."""
    events = AuditEvent.objects.filter(detail__startswith=detail_prefix)
    if detail_suffix:
        events = events.filter(detail__endswith=detail_suffix)
    return events.order_by("at", "id")
