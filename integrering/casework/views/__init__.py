"""Casework pages, one module per part of the case; each module lists its own ``urlpatterns``."""
