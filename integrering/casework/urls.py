"""The casework routes: each views module lists its own ``urlpatterns``; they are joined here."""

from __future__ import annotations

app_name = "casework"

urlpatterns: list = []
