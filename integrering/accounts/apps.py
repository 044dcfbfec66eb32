from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "integrering.accounts"
    verbose_name = "Brukere og tilgang"
