"""API: who am I."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from integrering.schemas import ErrorOut

router = Router(tags=["konto"])


class MeOut(Schema):
    username: str
    organisation: str | None
    organisation_kind: str | None
    roles: list[str]


@router.get("me", response={200: MeOut, 401: ErrorOut}, summary="Den innloggede brukeren")
def me(request: HttpRequest) -> MeOut:
    user = request.auth  # type: ignore[attr-defined]
    organisation = user.organisation
    return MeOut(
        username=user.username,
        organisation=organisation.name if organisation else None,
        organisation_kind=organisation.kind if organisation else None,
        roles=sorted(user.role_set),
    )
