from __future__ import annotations

from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "integrering.rules"
    verbose_name = "Satser og regler"
