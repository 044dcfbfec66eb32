"""News and guidance (``/nyheter/``); object kwarg ``news_item_id``."""

from __future__ import annotations

from . import views

app_name = "news"

urlpatterns: list = views.urlpatterns
