"""The finance API: cost coverage of Norwegian training (``cost``), establishment support
(``establishment``)."""

from __future__ import annotations

from .cost import router

__all__ = ["router"]
