"""Who may claim for which municipality: the refugee service and the municipal leaders of the
municipalities a user serves (``accounts.access.programme_municipality_ids``). The grant claim,
the introduction register export and the package report ask the same question.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from integrering.accounts.access import programme_municipality_ids
from integrering.errors import NotFound
from integrering.organisations.models import Municipality

NO_ACCESS = "Du har ikke tilgang til tilskudd: det er for flyktningtjenesten og kommunale ledere."
NOT_FOUND_MUNICIPALITY = "Finner ikke kommunen, eller du arbeider ikke for den."


def claim_municipalities(user: object) -> list[Municipality]:
    """The municipalities whose grants the user works with (refugee service, municipal leader)."""
    return list(
        Municipality.objects.filter(pk__in=programme_municipality_ids(user)).order_by("number")
    )


def claim_municipalities_require(user: object) -> list[Municipality]:
    """The user's municipalities for grants and the register; none at all is 403."""
    choices = claim_municipalities(user)
    if not choices:
        raise PermissionDenied(NO_ACCESS)
    return choices


def claim_municipality_get(*, user: object, number: str | None) -> Municipality:
    """The municipality asked for, or the user's own when none is named.

    A user with no programme municipality has no access at all; a number outside the user's
    reach is not found (404), the same answer as for a number that does not exist.
    """
    choices = claim_municipalities_require(user)
    if not number:
        organisation = getattr(user, "organisation", None)
        own = getattr(organisation, "municipality_id", None)
        return next((m for m in choices if m.pk == own), choices[0])
    found = next((m for m in choices if m.number == number), None)
    if found is None:
        raise NotFound(NOT_FOUND_MUNICIPALITY)
    return found


def municipality_by_number(number: str) -> Municipality | None:
    """The municipality in force with this number (for commands, which have no user)."""
    return Municipality.objects.filter(number=number, valid_to__isnull=True).first()
