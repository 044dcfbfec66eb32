"""Who may see and do what: the one module of access predicates (issue 19, being gathered here).

Predicates take a user and answer from the user's roles and organisation alone; queries that
apply them to data live in the apps' selectors, which call these.
"""

from __future__ import annotations

from typing import Any

from integrering.organisations.models import OrganisationKind

from .roles import Role


def is_analyst(user: Any) -> bool:
    """An analyst of the directorate (the role is a directorate role)."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(Role.ANALYST):
        return False
    organisation = getattr(user, "organisation", None)
    return organisation is None or organisation.kind == OrganisationKind.DIRECTORATE
