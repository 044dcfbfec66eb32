"""Settlement planning's routes: each views module lists its own ``urlpatterns``.

Prefix ``/bosetting/``. Object kwargs (registered in ``tests/test_isolation.py``): ``year``,
``centre_id``, ``request_id``, ``match_run_id``, ``placement_id``, ``waiting_household_id``,
``waiting_import_id``, ``answer_year`` (the municipality's own request: its leader's).
"""

from __future__ import annotations

from .views import matching, need, reception, request_answer, requests, waiting

app_name = "settlement"

urlpatterns: list = [
    *need.urlpatterns,
    *reception.urlpatterns,
    *requests.urlpatterns,
    *request_answer.urlpatterns,
    *matching.urlpatterns,
    *waiting.urlpatterns,
]
