"""Monitoring surveys' routes: each views module lists its own ``urlpatterns``.

- ``/kapasitet/`` the quarterly capacity survey (``views/capacity.py``);
- ``/kommuneundersokelse/`` the municipal survey: questionnaires and invitations
  (``views/survey_admin.py``) and results (``views/results.py``);
- ``/svar/<token>/`` the answer-by-link page, without login (``views/respond.py``).

Object kwargs (registered in ``tests/test_isolation.py``): ``round_id`` (the county governor's),
``answer_round_id`` (the municipal leader's answer to a round), ``survey_id``,
``questionnaire_id``, ``question_id``, ``invitation_id``, ``answer_id`` (the analyst's), and
``token`` (the link itself is the credential: checked apart).
"""

from __future__ import annotations

from .views import capacity, respond, results, survey_admin

app_name = "surveys"

urlpatterns: list = [
    *capacity.urlpatterns,
    *survey_admin.urlpatterns,
    *results.urlpatterns,
    *respond.urlpatterns,
]
