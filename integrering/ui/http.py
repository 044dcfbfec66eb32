"""Response helpers and middleware shared by the pages and the API.

- ``RequestSizeMiddleware``: a request body larger than an upload may be is refused before any
  of it is read (413, a short Norwegian message; JSON on the API).
- ``NoStoreMiddleware``: every answer is ``Cache-Control: private, no-store``: pages and API
  answers name persons, and no cache, shared or the browser's, may keep them.
- ``IdRangeMiddleware``: a path whose number no database can hold (an id beyond 2**63 - 1)
  names nothing: 404 before the view runs, on every route, pages and API alike.
- ``DomainErrorMiddleware``: a service's ``NotFound`` becomes the 404 page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.html import escape

from integrering.errors import NOT_FOUND, NotFound
from integrering.schemas import MAX_ID
from integrering.ui.numbers import megabytes

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# What a multipart upload carries besides its file: the boundaries and the other form fields.
MULTIPART_OVERHEAD_BYTES = 1024 * 1024


def no_store(response: HttpResponse) -> HttpResponse:
    """A page with a person's data: kept by no cache, shared or the browser's."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def request_max_bytes(content_type: str) -> int:
    """The largest request body read: an upload (``settings.IMPORT_MAX_BYTES``) and its form
    fields for multipart, ``settings.DATA_UPLOAD_MAX_MEMORY_SIZE`` for anything else (JSON)."""
    if content_type.lower().startswith("multipart/form-data"):
        return int(settings.IMPORT_MAX_BYTES) + MULTIPART_OVERHEAD_BYTES
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def request_too_large_message(size: int) -> str:
    return (
        f"Forespørselen er for stor ({megabytes(size)}). Den største filen du kan laste opp er "
        f"{megabytes(settings.IMPORT_MAX_BYTES)}; del den i flere filer."
    )


class RequestSizeMiddleware:
    """Refuse a body above ``request_max_bytes`` from its Content-Length, before anything (the
    CSRF check, a form, django-ninja) reads it: 413 with a short Norwegian message, as JSON on
    the API. Django reads no more of a body than its Content-Length says, so nothing larger gets
    in this way (a body without one is read as empty)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size > request_max_bytes(request.META.get("CONTENT_TYPE", "")):
            message = request_too_large_message(size)
            if request.path.startswith(API_PREFIX):
                return no_store(JsonResponse({"detail": message}, status=413))
            page = (
                '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
                "<title>For stor forespørsel</title></head><body><h1>For stor forespørsel</h1>"
                f"<p>{escape(message)}</p></body></html>"
            )
            return no_store(HttpResponse(page, status=413))
        return self.get_response(request)


class NoStoreMiddleware:
    """Every page and API answer ``Cache-Control: private, no-store`` (issue 25): what the pages
    and the API show names persons; a shared computer's browser cache or a proxy keeps nothing.
    Static files (WhiteNoise, before this) keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return no_store(self.get_response(request))


def out_of_range(value: object) -> bool:
    """Whether a path value is a whole number beyond what any id (a bigint) can be."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value > MAX_ID
    return isinstance(value, str) and value.isascii() and value.isdigit() and int(value) > MAX_ID


class IdRangeMiddleware:
    """404 for a route whose path holds a number beyond the largest id (2**63 - 1), before its
    view runs: no object has such an id, and the database drivers refuse even to compare with it
    (SQLite raises OverflowError, PostgreSQL a DataError), in the lookup or in the audit record
    of the refusal. One place for every route, those added later too (issue 25). The API answers
    in JSON, as it answers every 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not any(out_of_range(value) for value in (*args, *kwargs.values())):
            return None
        # No object is named, so the audit log (of persons) has nothing to record; the attempt is
        # in the security log.
        logger.warning("Id out of range refused at %s %s", request.method, request.path[:200])
        if request.path.startswith(API_PREFIX):
            return no_store(JsonResponse({"detail": NOT_FOUND}, status=404))
        raise Http404(NOT_FOUND)


class DomainErrorMiddleware:
    """Pages: a service's ``NotFound`` becomes the 404 page, with its message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
