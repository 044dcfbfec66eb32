"""Spread a year's settlement need over the municipalities of a file (OWNED BY A HELPER: stub)."""

from __future__ import annotations

from typing import Any

HELP = "Fordel bosettingsbehovet på kommunene i en fil (anmodninger)."


def add_arguments(parser: Any) -> None:
    pass


def run(options: dict[str, Any], *, stdout: Any, stderr: Any) -> int:
    raise NotImplementedError
