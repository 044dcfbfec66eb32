"""Template filters for the case pages."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import template

from integrering.accounts.roles import Service
from integrering.people.models import Consent, InformationCategory

from ..deadline_labels import deadline_label as _deadline_label

register = template.Library()


@register.filter
def deadline_label(kind: str) -> str:
    return _deadline_label(kind)


@register.filter
def service_label(service: str) -> str:
    return str(Service(service).label) if service in Service.values else service


@register.filter
def consent_services(consent: Consent) -> str:
    return ", ".join(str(row.get_service_display()) for row in consent.service_rows.all())


@register.filter
def consent_categories(consent: Consent) -> str:
    return "; ".join(
        str(label).lower()
        for value, label in InformationCategory.choices
        if value in consent.categories
    )


@register.filter
def is_active_on(consent: Consent, on: datetime.date) -> bool:
    return consent.is_active(on)


@register.filter
def active_on(consents: Iterable[Consent], on: datetime.date) -> list[Consent]:
    return [c for c in consents if c.is_active(on)]
