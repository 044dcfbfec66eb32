"""Optimistic locking: a save names the version it started from and is refused if it moved.

Two users editing the same case: the second save gets a clear message, the first is kept, and
the view shows the second user's input again so nothing they typed is lost.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet


class ConflictError(ValidationError):
    """Someone else saved the same record after this user opened it."""


def conflict_message(what: str) -> str:
    return (
        f"Noen andre har lagret endringer i {what} etter at du åpnet den. Endringene dine er "
        "ikke lagret, men står fortsatt i skjemaet: last inn siden på nytt for å se den nye "
        "versjonen, og legg inn endringene dine der."
    )


def version_bump(queryset: QuerySet[Any], *, expected: int, what: str, **values: Any) -> int:
    """Update the one row of ``queryset`` if its version is still ``expected``; return the new one.

    The check and the write are one UPDATE ... WHERE version = expected, so two concurrent saves
    cannot both pass it.
    """
    updated = queryset.filter(version=expected).update(version=F("version") + 1, **values)
    if updated != 1:
        raise ConflictError(conflict_message(what))
    return expected + 1
