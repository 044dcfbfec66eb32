"""WSGI entry point (gunicorn integrering.wsgi)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrering.settings")
if not settings.SECRET_KEY_SET:
    raise ImproperlyConfigured(settings.KEY_MISSING_MESSAGE)
application = get_wsgi_application()
