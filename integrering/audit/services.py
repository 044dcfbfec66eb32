"""Writing the audit log. Called by the people selectors, so no read of a person can skip it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from .models import AuditEvent


@dataclass(frozen=True)
class AccessContext:
    """Who is asking, and through which route: what the audit log needs besides the person."""

    user: Any
    route: str
    method: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest, user: Any = None) -> AccessContext:
        match = request.resolver_match
        route = match.route if match is not None else request.path
        return cls(
            user=user if user is not None else request.user,
            route=route[:200],
            method=request.method or "",
        )

    @classmethod
    def command(cls, name: str, user: Any = None) -> AccessContext:
        """A management command; without a user it is recorded as the system."""
        return cls(user=user, route=f"command:{name}", method="CLI")

    @property
    def acting_user(self) -> Any:
        """The user to record as author of a change (``created_by`` ...): None for the system
        or an anonymous caller."""
        return self.user if getattr(self.user, "is_authenticated", False) else None


def _event(
    ctx: AccessContext, person_id: int | None, action: str, allowed: bool, detail: str
) -> AuditEvent:
    user = ctx.user
    authenticated = bool(getattr(user, "is_authenticated", False))
    organisation = getattr(user, "organisation", None) if authenticated else None
    if authenticated:
        username = user.get_username()
    else:
        username = "(system)" if user is None else "(anonym)"
    return AuditEvent(
        user_id=user.pk if authenticated else None,
        username=username,
        organisation=str(organisation or "")[:150],
        person_id=person_id,
        action=action,
        route=ctx.route,
        method=ctx.method,
        allowed=allowed,
        detail=detail[:300],
    )


def audit_record(
    *, ctx: AccessContext, person_id: int | None, action: str, allowed: bool, detail: str = ""
) -> AuditEvent:
    """Record one access to one person's data."""
    event = _event(ctx, person_id, action, allowed, detail)
    event.save()
    return event


def audit_record_many(
    *, ctx: AccessContext, person_ids: Iterable[int], action: str, detail: str = ""
) -> None:
    """Record that several persons' data were shown (a list or a search result)."""
    # One event worked out, then copied per person: a page of 50 rows audits 50 persons on
    # every view (issue 9, benchmarks/load.py).
    template = _event(ctx, None, action, True, detail)
    fields = {
        field.attname: getattr(template, field.attname)
        for field in AuditEvent._meta.concrete_fields
        if not field.primary_key and field.attname != "person_id"
    }
    AuditEvent.objects.bulk_create([AuditEvent(**fields, person_id=pid) for pid in person_ids])
