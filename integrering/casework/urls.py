"""The casework routes: each views module lists its own ``urlpatterns``; they are joined here."""

from __future__ import annotations

from .views import (
    consent,
    deadlines,
    disability_grant,
    household_import,
    mapping,
    meetings,
    notices,
    plan,
    practice,
    reception,
    signing,
    transfers,
)

app_name = "casework"

urlpatterns: list = [
    *consent.urlpatterns,
    *deadlines.urlpatterns,
    *disability_grant.urlpatterns,
    *household_import.urlpatterns,
    *mapping.urlpatterns,
    *meetings.urlpatterns,
    *notices.urlpatterns,
    *plan.urlpatterns,
    *practice.urlpatterns,
    *reception.urlpatterns,
    *signing.urlpatterns,
    *transfers.urlpatterns,
]
