from __future__ import annotations

from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.LogoutView.as_view(), name="logout"),
    path("innlogging/sperringer/", views.login_locks, name="login-locks"),
    # Browsers ask for /favicon.ico when a document (a PDF shown inline) names no icon.
    path("favicon.ico", views.favicon, name="favicon"),
]
