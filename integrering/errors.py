"""Domain errors that services and selectors raise, and the pages and the API turn into answers.

``NotFound`` is 404 (no such object, or none this user may know of: we do not say which).
``django.core.exceptions.PermissionDenied`` is 403 with its message, and
``integrering.concurrency.ConflictError`` is 409. Services never raise HTTP exceptions: the
pages map ``NotFound`` in ``ui.http.DomainErrorMiddleware``, the API in its exception handlers.
"""

from __future__ import annotations

from collections.abc import Sequence

from integrering.ui.numbers import number_nb

NOT_FOUND = "Finner ikke det du ba om."

# How many errors of one file or one form are kept and shown: a file of 1.2 million bad rows
# is told by its first hundred errors and their count, not by 380 MB of them (issue 25).
ERRORS_KEPT = 100


class NotFound(Exception):
    """No such object, or none the user may know exists."""

    def __init__(self, message: str = NOT_FOUND) -> None:
        super().__init__(message)
        self.message = message


def errors_more_note(kept: int, total: int) -> str:
    """«Viser de første 100 feilene av 1 200 000.»: what a list cut to ``kept`` errors says."""
    return f"Viser de første {number_nb(kept)} feilene av {number_nb(total)}."


def messages_capped(messages: Sequence[str], limit: int = ERRORS_KEPT) -> list[str]:
    """The first ``limit`` messages, and when there were more, a last one that says how many."""
    if len(messages) <= limit:
        return list(messages)
    return [*messages[:limit], errors_more_note(limit, len(messages))]
