"""Links to pages named by one id, built without a ``reverse()`` per row.

A table of 50 rows with two links a row spent a third of its rendering in ``{% url %}``
(``benchmarks/load.py``): each call matches the route's patterns anew. The route is reversed once
with a placeholder id, and each row's id is put in its place.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Ten digits no real id reaches in a test, and that a route's fixed parts never hold.
_PLACEHOLDER = "9081726354"


@lru_cache(maxsize=128)
def _format(viewname: str, urlconf: str, prefix: str) -> str:
    path = reverse(viewname, args=[int(_PLACEHOLDER)], urlconf=urlconf)
    if path.count(_PLACEHOLDER) != 1 or "{" in path or "}" in path:
        raise ValueError(f"{viewname} does not take exactly one id")
    return path.replace(_PLACEHOLDER, "{}")


def id_url_format(viewname: str) -> str:
    """The path of the route ``viewname`` with ``{}`` in place of its one id (for the urlconf
    and script prefix in force); ``.format(id)`` gives what ``reverse(viewname, args=[id])``
    would, at a fraction of its cost."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _format(viewname, str(urlconf), get_script_prefix())


def id_url(viewname: str, object_id: int) -> str:
    """The path of the route ``viewname`` for one id."""
    return id_url_format(viewname).format(int(object_id))
