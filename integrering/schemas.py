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

# Where a page of a list starts: far beyond any list we hold, and small enough that offset plus
# limit stays a number the databases can compare with (the fuzzer sent 1.2e32).
ListOffset = Annotated[int, Field(ge=0, le=10**9)]


def id_in_range(value: int) -> bool:
    """Whether ``value`` can be an id at all: a query with one that cannot fails in the driver."""
    return 0 < value <= MAX_ID


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


# --- Input errors in Norwegian ---------------------------------------------------------------------

# pydantic's error types, as a caller of the API reads them (issue 25: JSON errors in Norwegian
# like the rest). ``{name}`` is filled in from the error's context.
INPUT_MESSAGES: dict[str, str] = {
    "missing": "Feltet må fylles ut.",
    "int_parsing": "Skriv et heltall.",
    "int_type": "Skriv et heltall.",
    "int_from_float": "Skriv et heltall.",
    "float_parsing": "Skriv et tall.",
    "float_type": "Skriv et tall.",
    "decimal_parsing": "Skriv et tall.",
    "decimal_type": "Skriv et tall.",
    "decimal_max_digits": "Tallet har for mange sifre (høyst {max_digits}).",
    "decimal_max_places": "Tallet har for mange desimaler (høyst {decimal_places}).",
    "finite_number": "Skriv et endelig tall.",
    "bool_parsing": "Skriv true eller false.",
    "bool_type": "Skriv true eller false.",
    "string_type": "Skriv en tekst.",
    "string_too_short": "Teksten må ha minst {min_length} tegn.",
    "string_too_long": "Teksten kan ha høyst {max_length} tegn.",
    "string_pattern_mismatch": "Teksten har ikke riktig form.",
    "string_unicode": "Teksten kan ikke leses (ikke gyldig Unicode).",
    "greater_than": "Verdien må være større enn {gt}.",
    "greater_than_equal": "Verdien må være minst {ge}.",
    "less_than": "Verdien må være mindre enn {lt}.",
    "less_than_equal": "Verdien kan være høyst {le}.",
    "multiple_of": "Verdien må gå opp i {multiple_of}.",
    "date_parsing": "Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2024-03-01.",
    "date_type": "Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2024-03-01.",
    "date_from_datetime_parsing": "Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2024-03-01.",
    "date_from_datetime_inexact": "Skriv bare datoen, ÅÅÅÅ-MM-DD, uten klokkeslett.",
    "datetime_parsing": "Skriv tidspunktet som ÅÅÅÅ-MM-DDTtt:mm, for eksempel 2024-03-01T12:00.",
    "datetime_type": "Skriv tidspunktet som ÅÅÅÅ-MM-DDTtt:mm, for eksempel 2024-03-01T12:00.",
    "datetime_from_date_parsing": "Skriv tidspunktet som ÅÅÅÅ-MM-DDTtt:mm.",
    "time_parsing": "Skriv klokkeslettet som tt:mm.",
    "list_type": "Skriv en liste.",
    "tuple_type": "Skriv en liste.",
    "set_type": "Skriv en liste.",
    "too_short": "Listen må ha minst {min_length} elementer.",
    "too_long": "Listen kan ha høyst {max_length} elementer.",
    "dict_type": "Skriv et objekt.",
    "model_type": "Skriv et objekt.",
    "model_attributes_type": "Skriv et objekt.",
    "dataclass_type": "Skriv et objekt.",
    "enum": "Velg en av: {expected}.",
    "literal_error": "Velg en av: {expected}.",
    "json_invalid": "Innholdet er ikke gyldig JSON.",
    "json_type": "Innholdet er ikke gyldig JSON.",
    "extra_forbidden": "Ukjent felt.",
    "uuid_parsing": "Ugyldig id.",
    "uuid_type": "Ugyldig id.",
    "url_parsing": "Skriv en hel nettadresse, for eksempel https://www.imdi.no/.",
    "url_scheme": "Nettadressen må begynne med http:// eller https://.",
    "none_required": "Feltet skal være tomt.",
}
UNKNOWN_INPUT = "Ugyldig verdi."


def input_error_message(error: dict[str, object]) -> str:
    """A pydantic error's message in Norwegian: by its type, filled in from its context; a
    validator's own message (``value_error``) as it is, without pydantic's prefix."""
    kind = str(error.get("type", ""))
    context = error.get("ctx")
    values = {k: str(v) for k, v in context.items()} if isinstance(context, dict) else {}
    if kind in {"value_error", "assertion_error"}:
        message = str(error.get("msg", ""))
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    template = INPUT_MESSAGES.get(kind)
    if template is None:
        return UNKNOWN_INPUT
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return UNKNOWN_INPUT
