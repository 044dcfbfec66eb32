from __future__ import annotations

from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "integrering.news"
    verbose_name = "Nyheter"
