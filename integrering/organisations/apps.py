from __future__ import annotations

from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "integrering.organisations"
    verbose_name = "Organisasjoner"
