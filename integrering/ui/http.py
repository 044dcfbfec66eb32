"""Response helpers shared by the pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from integrering.errors import NotFound


def no_store(response: HttpResponse) -> HttpResponse:
    """A page with a person's data: kept by no cache, shared or the browser's."""
    patch_cache_control(response, private=True, no_store=True)
    return response


class DomainErrorMiddleware:
    """Pages: a service's ``NotFound`` becomes the 404 page, with its message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
