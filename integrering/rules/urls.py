from __future__ import annotations

from django.urls import path

from . import views

app_name = "rules"

urlpatterns = [
    path("satser/", views.rates_and_calculators, name="rates"),
]
