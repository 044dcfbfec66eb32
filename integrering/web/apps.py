from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "integrering.web"
    verbose_name = "Brukergrensesnitt"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy check of the demo switches
