"""Figures for the start pages. Aggregates only: no person-level data leaves these functions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from integrering.accounts.access import municipalities_served_by
from integrering.accounts.models import User
from integrering.organisations.models import County, CountyGovernor, Municipality, Organisation
from integrering.people.selectors import households_visible_to, persons_visible_to


@dataclass(frozen=True)
class CaseloadSummary:
    persons: int
    households: int
    municipalities: list[Municipality]


def caseload_summary(user: User) -> CaseloadSummary:
    return CaseloadSummary(
        persons=persons_visible_to(user).count(),
        households=households_visible_to(user).count(),
        municipalities=list(municipalities_served_by(user).order_by("number")),
    )


def counties_in_force() -> QuerySet[County]:
    today = timezone.localdate()
    return (
        County.objects.valid_on(today)
        .select_related("county_governor")
        .annotate(municipality_count=Count("municipalities"))
        .order_by("number")
    )


def county_governor_area(governor: CountyGovernor) -> QuerySet[County]:
    return counties_in_force().filter(county_governor=governor)


def users_by_organisation_kind() -> list[dict[str, object]]:
    rows = (
        User.objects.filter(is_active=True)
        .values("organisation__kind")
        .annotate(count=Count("pk"))
        .order_by("organisation__kind")
    )
    labels = dict(Organisation._meta.get_field("kind").choices or [])
    return [
        {"kind": labels.get(row["organisation__kind"], "Uten organisasjon"), "count": row["count"]}
        for row in rows
    ]
