"""Loaded by pytest before anything else (``-p integrering.testing_env`` in pyproject.toml): the
test run says it is one by the explicit variable the settings read, before pytest-django imports
them. A variable already set (a test's subprocess with ``INTEGRERING_TESTING=0``) is kept."""

from __future__ import annotations

import os

os.environ.setdefault("INTEGRERING_TESTING", "1")
