"""The casework routes: each views module lists its own ``urlpatterns``; they are joined here."""

from __future__ import annotations

from .views import consent, deadlines, meetings, notices

app_name = "casework"

urlpatterns: list = [
    *consent.urlpatterns,
    *deadlines.urlpatterns,
    *meetings.urlpatterns,
    *notices.urlpatterns,
]
