"""The capacity survey's warnings for the settlement matcher (issue 21 item 5): what each
municipality said in its latest submitted answer about the services that are «utfordrende» or
«kritisk», shown with the households the matcher places there («boliger: kritisk (2. kvartal
2026)»).

Which levels warn: ``CHALLENGING_OR_CRITICAL``, the two worst levels of the survey's own scale
(god / tilfredsstillende / utfordrende / kritisk), the same the survey's statistics count
(seed 000: «Utfordrende/kritisk i 44 % av kommunene»). The latest answer is the municipality's
submitted response to the latest round (year, quarter) it answered; a draft never counts. The
warnings change no score: settlement shows them only.

Settlement sits below surveys and may not import it, so ``SurveysConfig.ready`` registers
``capacity_warnings_latest`` with settlement's ``capacity_warning_provider_register``.
"""

from __future__ import annotations

from collections.abc import Collection

from integrering.ui.words import lower_first

from ..models import (
    CHALLENGING_OR_CRITICAL,
    CapacityAnswer,
    CapacityLevel,
    CapacityResponse,
    CapacityService,
)

SERVICE_ORDER = {service: i for i, service in enumerate(CapacityService.values)}
# Worst first: «kritisk» before «utfordrende».
LEVEL_ORDER = {level: -i for i, level in enumerate(CapacityLevel.values)}


def capacity_warnings_latest(municipality_ids: Collection[int]) -> dict[int, list[str]]:
    """For each municipality, the services at a warning level in its latest submitted answer
    to the capacity survey, worst level first and then in the survey's order of services: one
    line each, «boliger: kritisk (2. kvartal 2026)». A municipality that never answered, or
    whose latest answer has no such service, has no entry."""
    latest: dict[int, int] = {}  # municipality -> its latest submitted response
    responses = (
        CapacityResponse.objects.filter(
            municipality_id__in=list(municipality_ids), submitted_at__isnull=False
        )
        .order_by("municipality_id", "-round__year", "-round__quarter", "-submitted_at")
        .values_list("municipality_id", "pk")
    )
    for municipality_id, response_id in responses:
        latest.setdefault(municipality_id, response_id)
    answers = CapacityAnswer.objects.filter(
        response_id__in=list(latest.values()), level__in=list(CHALLENGING_OR_CRITICAL)
    ).select_related("response__round")
    rows = sorted(
        answers,
        key=lambda a: (LEVEL_ORDER.get(a.level, 0), SERVICE_ORDER.get(a.service, 99)),
    )
    warnings: dict[int, list[str]] = {}
    for answer in rows:
        label = lower_first(answer.get_service_display())  # «NAV og …» keeps its capitals
        warnings.setdefault(answer.response.municipality_id, []).append(
            f"{label}: {answer.get_level_display().lower()} ({answer.response.round.label})"
        )
    return warnings
