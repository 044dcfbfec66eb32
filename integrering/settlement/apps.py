from __future__ import annotations

from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "integrering.settlement"
    verbose_name = "Bosetting"
