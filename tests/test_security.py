"""Security settings, proven (issue 9 part 4): the deploy check, headers, CSP, CSRF on every form,
session expiry and request size limits. Login lockout is proven in web/tests/test_login.py and
the upload limit of each import next to its form.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import World, client_for
from integrering.accounts.services import token_create
from tests.routes import Route
from tests.test_isolation import OBJECT_KWARGS, ROUTES, route_owner

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted(ROOT.glob("integrering/*/templates/**/*.html"))


def _check_deploy(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"INTEGRERING_DEBUG", "INTEGRERING_DEMO", "INTEGRERING_TESTING"}
    }
    return subprocess.run(
        [sys.executable, "-m", "integrering", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deploy_check_is_clean_with_production_settings() -> None:
    result = _check_deploy(
        INTEGRERING_SECRET_KEY=secrets.token_urlsafe(64),
        INTEGRERING_HTTPS="1",
        INTEGRERING_ALLOWED_HOSTS="integrering.example.no",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_does_catch_a_production_without_https() -> None:
    """The same check fails without HTTPS, so the clean result above means something."""
    result = _check_deploy(
        INTEGRERING_SECRET_KEY=secrets.token_urlsafe(64),
        INTEGRERING_ALLOWED_HOSTS="integrering.example.no",
    )
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _check_deploy(INTEGRERING_SECRET_KEY="", INTEGRERING_HTTPS="1")
    assert result.returncode != 0
    assert "INTEGRERING_SECRET_KEY is not set" in result.stderr


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/logg-inn/", "/api/v1/docs"])
def test_pages_send_the_security_headers_and_a_strict_script_policy(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    csp = _directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval, no other origin
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_which_the_policy_would_block(template: Path) -> None:
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "move the script to a static .js file"
    assert not INLINE_HANDLER.search(text), "use addEventListener in a static .js file"


FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_post_form_carries_the_csrf_token(template: Path) -> None:
    for form in FORM.findall(template.read_text()):
        opening = form[: form.index(">") + 1]
        if re.search(r"method=[\"']?post", opening, re.I):
            assert "{% csrf_token %}" in form, f"a POST form without {{% csrf_token %}}: {opening}"


HTML_ROUTES = [r for r in ROUTES if r.namespace != "api"]


@pytest.mark.parametrize("route", HTML_ROUTES, ids=lambda r: r.name)
def test_every_html_route_refuses_a_post_without_the_csrf_token(world: World, route: Route) -> None:
    """A forged cross-site POST, with the victim's session but no token, changes nothing."""
    user = route_owner(route)(world)
    values = {k: OBJECT_KWARGS[k](world) if k in OBJECT_KWARGS else "x" * 40 for k in route.kwargs}
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(route.build(values), {"anything": "1"})
    assert response.status_code == 403, f"{route.pattern}: {response.status_code}"


def test_the_api_refuses_a_session_post_without_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    response = client.post(
        "/api/v1/households/", data=json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 403


def test_a_bearer_token_needs_no_csrf_token_since_no_browser_sends_it_by_itself(
    world: World,
) -> None:
    token = token_create(user=world.owner).token
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})
    response = client.post(
        "/api/v1/households/", data=json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 422  # reached the schema check: refused for the body only


def test_a_session_expires_after_its_age_even_while_the_browser_stays_open(world: World) -> None:
    client = client_for(world.owner)
    assert client.get("/").status_code == 200
    later = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later, tick=False):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/logg-inn/")


def test_the_session_cookie_is_http_only_and_not_kept_after_the_browser_closes() -> None:
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60


def test_a_request_body_above_the_limit_is_refused_not_read(world: World) -> None:
    token = token_create(user=world.owner).token
    client = Client(headers={"Authorization": f"Bearer {token}"})
    body = json.dumps({"note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = client.post("/api/v1/households/", data=body, content_type="application/json")
    assert response.status_code in {400, 413}
