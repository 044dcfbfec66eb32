"""The project's routes. Every app's routes are listed here, so the isolation test walks them all."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from integrering.api import api

admin.site.site_header = "Integrering – administrasjon"
admin.site.site_title = "Integrering"

urlpatterns = [
    path("", include("integrering.web.urls")),
    path("", include("integrering.people.urls")),
    path("", include("integrering.casework.urls")),
    path("", include("integrering.programme.urls")),
    path("", include("integrering.rules.urls")),
    path("", include("integrering.settlement.urls")),
    path("", include("integrering.surveys.urls")),
    path("", include("integrering.finance.urls")),
    path("", include("integrering.news.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
