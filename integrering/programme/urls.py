"""The introduction programme's routes: each views module lists its own ``urlpatterns``."""

from __future__ import annotations

from .views import (
    absences,
    appeals,
    benefit_runs,
    county_governor,
    decisions,
    grants,
    norwegian_training,
    packages,
    participation,
)

app_name = "programme"

urlpatterns: list = [
    *participation.urlpatterns,
    *absences.urlpatterns,
    *decisions.urlpatterns,
    *appeals.urlpatterns,
    *county_governor.urlpatterns,
    *benefit_runs.urlpatterns,
    *grants.urlpatterns,
    *packages.urlpatterns,
    *norwegian_training.urlpatterns,
]
