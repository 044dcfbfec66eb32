from __future__ import annotations

from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "integrering.finance"
    verbose_name = "Økonomi"
