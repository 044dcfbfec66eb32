"""Enumerate every URL pattern of the project (HTML views and API routes alike).

New routes are picked up automatically. A route whose path names an object must use a kwarg
registered in ``OBJECT_KWARGS`` of the isolation test; an unknown one fails that test, so no
later issue can add a route that escapes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    pattern: str  # e.g. "personer/<int:person_id>/"
    name: str  # namespaced URL name, or the pattern when unnamed
    namespace: str
    kwargs: tuple[str, ...]

    def build(self, values: dict[str, object]) -> str:
        def replace(match: re.Match[str]) -> str:
            return str(values[match.group("name")])

        path = re.sub(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>", replace, self.pattern)
        return "/" + path


def _walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> list[Route]:
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace or ""]))
            routes += _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        else:
            pattern = prefix + str(entry.pattern)
            if (pattern.startswith("^") or "(?P" in pattern) and namespace != "admin":
                raise AssertionError(
                    f"regex route {pattern!r}: use path() so the sweep can fill it in"
                )
            kwargs = tuple(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
            name = f"{namespace}:{entry.name}" if entry.name else pattern
            routes.append(Route(pattern=pattern, name=name, namespace=namespace, kwargs=kwargs))
    return routes


def all_routes() -> list[Route]:
    return _walk(get_resolver().url_patterns, "", "")


# What the sweeps have checked in this run, for the summary at the end (tests/conftest.py):
# the access matrix's (route, role) pairs, and the isolation sweep's routes probed as an outsider.
MATRIX_PROBES: set[tuple[str, str]] = set()
ISOLATION_PROBES: set[str] = set()
