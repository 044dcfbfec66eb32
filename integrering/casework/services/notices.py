"""Notices to the services: acknowledging receipt."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many

from ..models import Notice


def notice_acknowledge(*, ctx: AccessContext, notice: Notice) -> Notice:
    """Record that the service received the notice (who and when). Only once."""
    updated = Notice.objects.filter(pk=notice.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=ctx.user
    )
    if updated != 1:
        raise ValidationError("Varselet er allerede registrert som mottatt.")
    notice.refresh_from_db()
    audit_record_many(
        ctx=ctx,
        person_ids=[p.pk for p in notice.persons.all()],
        action=AuditAction.UPDATE,
        detail=f"varsel {notice.pk} mottatt",
    )
    return notice
