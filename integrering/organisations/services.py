"""Lookups over the dated municipality classification."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from .models import Municipality


def municipality_resolve(*, number: str, on: datetime.date) -> Municipality:
    """The municipality that a (possibly old) number stands for on a date.

    Follows successors, so a 2018 number (1201 Bergen) resolves to the one in force (4601).
    """
    candidates = Municipality.objects.filter(number=number).order_by("-valid_from")
    municipality = candidates.valid_on(on).first() or candidates.first()
    if municipality is None:
        raise ValidationError(f"Kommunenummer {number} finnes ikke.")
    seen = {municipality.pk}
    while (
        municipality.valid_to is not None
        and municipality.valid_to <= on
        and municipality.successor_id
    ):
        municipality = municipality.successor  # type: ignore[assignment]
        if municipality.pk in seen:  # a loop in the data would otherwise never end
            raise ValidationError(f"Kommunenummer {number} har en sirkulær erstatningskjede.")
        seen.add(municipality.pk)
    return municipality
