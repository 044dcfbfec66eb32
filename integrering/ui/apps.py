from __future__ import annotations

from django.apps import AppConfig


class UiConfig(AppConfig):
    """Installed for its template tags (``{% load links %}``); it has no models."""

    name = "integrering.ui"
    verbose_name = "Felles skjema- og sidehjelpere"
