"""Settlement planning's routes: each views module lists its own ``urlpatterns``.

Prefix ``/bosetting/``. Object kwargs (registered in ``tests/test_isolation.py``): ``year``,
``centre_id``, ``request_id``, ``match_run_id``, ``placement_id``, ``waiting_household_id``,
``waiting_import_id``.
"""

from __future__ import annotations

from .views import matching, need, reception, requests, waiting

app_name = "settlement"

urlpatterns: list = [
    *need.urlpatterns,
    *reception.urlpatterns,
    *requests.urlpatterns,
    *matching.urlpatterns,
    *waiting.urlpatterns,
]
