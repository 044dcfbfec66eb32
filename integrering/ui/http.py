"""Response helpers shared by the pages."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import patch_cache_control


def no_store(response: HttpResponse) -> HttpResponse:
    """A page with a person's data: kept by no cache, shared or the browser's."""
    patch_cache_control(response, private=True, no_store=True)
    return response
