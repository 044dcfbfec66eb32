from __future__ import annotations

from django.urls import path

from . import views

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
]
