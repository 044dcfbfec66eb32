"""Navigation by role, for the base layout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from integrering.accounts.access import PERSON_ROLES
from integrering.accounts.roles import Role, Service


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def navigation_items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    items: list[tuple[str, str]] = [("Forside", reverse("web:home"))]
    if user.has_role(*PERSON_ROLES):
        items.append(("Personer", reverse("people:person-list")))
        items.append(("Frister", reverse("casework:deadline-dashboard")))
        if user.service_set - {Service.REFUGEE_SERVICE}:
            items.append(("Varsler", reverse("casework:notice-inbox")))
    if user.has_role(Role.REFUGEE_SERVICE_CASEWORKER, Role.MUNICIPAL_LEADER):
        items.append(("Introduksjonsprogram", reverse("programme:participant-list")))
        items.append(("Ekstratilskudd", reverse("casework:disability-grant-municipality")))
        items.append(("Flyttinger", reverse("casework:transfer-list")))
    if user.has_role(Role.SETTLEMENT_PLANNER):
        items.append(("Bosetting", reverse("settlement:home")))
    if user.has_role(Role.COUNTY_GOVERNOR_OFFICER):
        items.append(("Klagesaker", reverse("programme:governor-appeal-list")))
    if user.has_role(
        Role.COUNTY_GOVERNOR_OFFICER, Role.MUNICIPAL_LEADER, Role.ANALYST, Role.SETTLEMENT_PLANNER
    ):
        items.append(("Kapasitet", reverse("surveys:capacity-home")))
    if user.has_role(Role.ANALYST):
        items.append(("Kommuneundersøkelsen", reverse("surveys:survey-list")))
        items.append(("Kostnadsdekning", reverse("finance:cost-list")))
    items.append(("Nyheter", reverse("news:news-list")))
    items.append(("Satser", reverse("rules:rates")))
    if user.has_role(Role.ADMINISTRATOR) and user.is_staff:
        items.append(("Administrasjon", reverse("admin:index")))
    path = request.path
    home = reverse("web:home")
    return [
        NavItem(label, url, current=(path == url) if url == home else path.startswith(url))
        for label, url in items
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": navigation_items(request), "oidc_enabled": settings.OIDC_ENABLED}
