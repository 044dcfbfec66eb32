"""Which parameter values a result rests on, for the ``references`` of every answer."""

from __future__ import annotations

import datetime

from .parameters import parameter


def reference(name: str, on: datetime.date) -> dict[str, str]:
    p = parameter(name)
    in_force = p.in_force(on)
    return {
        "parameter": name,
        "description": p.description,
        "in_force_from": in_force[0].isoformat() if in_force else "",
        "law": p.law,  # the source as a user cites it (issue 23); ``reference`` is the developer's
        "reference": p.reference,
        "source": p.source_on(on) if in_force else "",
    }
