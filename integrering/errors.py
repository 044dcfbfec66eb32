"""Domain errors that services and selectors raise, and the pages and the API turn into answers.

``NotFound`` is 404 (no such object, or none this user may know of: we do not say which).
``django.core.exceptions.PermissionDenied`` is 403 with its message, and
``integrering.concurrency.ConflictError`` is 409. Services never raise HTTP exceptions: the
pages map ``NotFound`` in ``ui.http.DomainErrorMiddleware``, the API in its exception handlers.
"""

from __future__ import annotations

NOT_FOUND = "Finner ikke det du ba om."


class NotFound(Exception):
    """No such object, or none the user may know exists."""

    def __init__(self, message: str = NOT_FOUND) -> None:
        super().__init__(message)
        self.message = message
