"""The directorate's grant codes: how IMDi Tilskudd names each grant line of a payout statement.

The mapping from a claim line's kind (``adult``, ``year_2``, ``high_year_1``, ``base_grant_low``,
``unaccompanied_minor_younger`` ...) to its code (``AR-1``, ``AR-2``, ``P-AR1-H``,
``Grunntilskudd-L``, ``EMINB`` ...) is data: ``parameters/grants/grant_codes.yaml``, dated from
the first grant year in IMDi Tilskudd and sourced to the directorate's page.
"""

from __future__ import annotations

import datetime

from .parameters import parameter

GRANT_CODES = "grants/grant_codes"


def grant_codes(on: datetime.date) -> dict[str, str]:
    """Every code in force on a date, by line kind; empty before the grant portal had codes."""
    in_force = parameter(GRANT_CODES).in_force(on)
    if in_force is None:
        return {}
    return {str(kind): str(code) for kind, code in in_force[1].items()}


def grant_code(kind: str, on: datetime.date) -> str:
    """The code of one line kind on a date, or "" when the portal names no code for it."""
    return grant_codes(on).get(kind, "")
