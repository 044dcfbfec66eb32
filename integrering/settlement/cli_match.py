"""Match households to municipalities from files (OWNED BY A HELPER: stub)."""

from __future__ import annotations

from typing import Any

HELP = "Søk ut en kommune til hver husstand (optimal utsøking) fra filer."


def add_arguments(parser: Any) -> None:
    pass


def run(options: dict[str, Any], *, stdout: Any, stderr: Any) -> int:
    raise NotImplementedError
