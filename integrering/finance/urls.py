"""Cost coverage of Norwegian training (``/kostnadsdekning/``); object kwarg ``report_id``."""

from __future__ import annotations

from . import views

app_name = "finance"

urlpatterns: list = views.urlpatterns
