from __future__ import annotations

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "integrering.people"
    verbose_name = "Personer og husstander"
