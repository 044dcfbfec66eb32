"""Schemas shared by every API router."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

# The largest primary key the databases hold (SQLite INTEGER, PostgreSQL bigint). A larger number
# cannot name an object, and the database drivers refuse to even compare with it.
MAX_ID = 2**63 - 1

# An object's id in a path, a query or a body.
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class InputErrorOut(Schema):
    type: str
    loc: list[str | int] = Field(description="Hvor: path, query eller body, så feltet")
    msg: str


class InvalidInputOut(Schema):
    """Svaret når parametere eller innhold ikke passer skjemaet (django-ninja)."""

    detail: list[InputErrorOut]
