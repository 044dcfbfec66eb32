from __future__ import annotations

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "integrering.surveys"
    verbose_name = "Spørreundersøkelser"

    def ready(self) -> None:
        # Settlement is a layer below and may not import the survey: the survey hands the
        # matcher the warnings of each municipality's latest capacity answer (issue 21 item 5).
        from integrering.settlement.services.match_notes import (
            capacity_warning_provider_register,
        )

        from .services.capacity_warnings import capacity_warnings_latest

        capacity_warning_provider_register("capacity_survey", capacity_warnings_latest)
