from __future__ import annotations

from django.urls import path

from . import import_views, views

app_name = "people"

urlpatterns = [
    path("personer/", views.person_list, name="person-list"),
    path("personer/<int:person_id>/endre/", views.person_edit, name="person-edit"),
    path("husstander/<int:household_id>/", views.household_detail, name="household-detail"),
    path("husstander/import/", import_views.household_import_upload, name="household-import"),
    path(
        "husstander/import/eksempel.csv",
        import_views.household_import_example,
        name="household-import-example",
    ),
    path(
        "husstander/import/<int:import_id>/",
        import_views.household_import_detail,
        name="household-import-detail",
    ),
]
