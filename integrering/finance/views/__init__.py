"""The finance pages: cost coverage of Norwegian training, and establishment support."""

from __future__ import annotations

from . import cost, establishment

urlpatterns = [*cost.urlpatterns, *establishment.urlpatterns]
