from __future__ import annotations

from django.urls import path

from . import import_views, views

app_name = "people"

urlpatterns = [
    path("personer/", views.person_list, name="person-list"),
    path("personer/<int:person_id>/", views.person_detail, name="person-detail"),
    path("personer/<int:person_id>/endre/", views.person_edit, name="person-edit"),
    path("husstander/ny/", views.household_register, name="household-register"),
    path("husstander/<int:household_id>/", views.household_detail, name="household-detail"),
    path(
        "husstander/<int:household_id>/bosetting/",
        views.household_settle_view,
        name="household-settle",
    ),
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
