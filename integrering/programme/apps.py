from __future__ import annotations

from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "integrering.programme"
    verbose_name = "Introduksjonsprogram"

    def ready(self) -> None:
        # Casework is a layer below and may not import the programme: the programme hands the
        # old municipality's read of a moved case its part (issue 22 item 6).
        from integrering.casework.former_sections import former_section_provider_register
        from integrering.casework.handover_hooks import handover_hook_register

        from .former import former_programme_section
        from .handover import programme_hand_over

        former_section_provider_register("programme", former_programme_section)
        handover_hook_register("programme", programme_hand_over)
