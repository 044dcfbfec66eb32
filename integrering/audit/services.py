"""Writing the audit log. Called by the people selectors, so no read of a person can skip it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from integrering.schemas import id_in_range

from .models import AuditAction, AuditEvent


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


def _event_fields(ctx: AccessContext, action: str, allowed: bool, detail: str) -> dict[str, object]:
    """What an audit event records of the caller and the access (all but the person)."""
    user = ctx.user
    authenticated = bool(getattr(user, "is_authenticated", False))
    organisation = getattr(user, "organisation", None) if authenticated else None
    if authenticated:
        username = user.get_username()
    else:
        username = "(system)" if user is None else "(anonym)"
    return {
        "user_id": user.pk if authenticated else None,
        "username": username,
        "organisation": str(organisation or "")[:150],
        "action": action,
        "route": ctx.route,
        "method": ctx.method,
        "allowed": allowed,
        "detail": detail[:300],
    }


def audit_record(
    *, ctx: AccessContext, person_id: int | None, action: str, allowed: bool, detail: str = ""
) -> AuditEvent:
    """Record one access to one person's data.

    An id no person can have (beyond a bigint: an attacker's ``/personer/9223372036854775808/``)
    is kept in the detail, and the record names no person: the log never fails to record.
    """
    if person_id is not None and not id_in_range(person_id):
        detail = f"{detail} (person-id {person_id})".strip()
        person_id = None
    event = AuditEvent(**_event_fields(ctx, action, allowed, detail), person_id=person_id)
    event.save()
    return event


def audit_denied(
    *,
    ctx: AccessContext,
    person_ids: Iterable[int | None],
    detail: str,
    action: str = AuditAction.READ,
) -> None:
    """Record a refused attempt at the data of the persons it concerns (issue 25): one denied
    record per person (a household's members, a decision's person, a benefit run's
    participants), or one naming no person when the object names none, or does not exist."""
    found = sorted({pid for pid in person_ids if pid is not None})
    if not found:
        audit_record(ctx=ctx, person_id=None, action=action, allowed=False, detail=detail)
    for person_id in found:
        audit_record(ctx=ctx, person_id=person_id, action=action, allowed=False, detail=detail)


def audit_record_many(
    *, ctx: AccessContext, person_ids: Iterable[int], action: str, detail: str = ""
) -> None:
    """Record that several persons' data were shown (a list or a search result)."""
    # The caller's part worked out once: a page of 50 rows audits 50 persons on every view
    # (issue 9, benchmarks/load.py).
    ids = list(person_ids)
    if not ids:
        return
    fields = {**_event_fields(ctx, action, True, detail), "at": timezone.now()}
    if connection.vendor == "postgresql":
        _insert_for_persons(fields, ids)
    else:
        AuditEvent.objects.bulk_create([AuditEvent(**fields, person_id=pid) for pid in ids])


def _insert_for_persons(fields: dict[str, object], person_ids: list[int]) -> None:
    """One INSERT of a record per person that sends the caller's part once and the persons as
    one array: a page of 50 rows made 50 model objects and 500 parameters on every view, a
    good part of a search's time at national scale (issue 25, item 11)."""
    meta = AuditEvent._meta
    column = {field.name: field.column for field in meta.concrete_fields}
    names = list(fields)
    columns = ", ".join(connection.ops.quote_name(column[name]) for name in [*names, "person_id"])
    values = ", ".join(["%s"] * len(names))
    params: list[Any] = [*fields.values(), person_ids]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "
            f"SELECT {values}, UNNEST(%s::bigint[])",
            params,
        )
