from __future__ import annotations

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("personer/", views.person_list, name="person-list"),
    path("personer/<int:person_id>/endre/", views.person_edit, name="person-edit"),
    path("husstander/", views.household_list, name="household-list"),
    path("husstander/<int:household_id>/", views.household_detail, name="household-detail"),
]
