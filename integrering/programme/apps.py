from __future__ import annotations

from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "integrering.programme"
    verbose_name = "Introduksjonsprogram"
