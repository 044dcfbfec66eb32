from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from integrering.accounts.models import User

if TYPE_CHECKING:  # a type that exists only in django-stubs
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
from integrering.testing import make_user

PASSWORD = "et-langt-passord-2026"


@pytest.fixture
def caseworker(db: None) -> User:
    return make_user(municipality_number="0301", username="kari", password=PASSWORD)


def _login(client: Client, username: str, password: str) -> Response:
    return client.post("/logg-inn/", {"username": username, "password": password})


def test_a_user_logs_in_and_sees_the_start_page_of_their_role(caseworker: User) -> None:
    client = Client()
    response = _login(client, "kari", PASSWORD)
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Mine personer og husstander" in page.content.decode()


@pytest.mark.parametrize("username", ["kari", "ukjent-bruker"])
def test_a_wrong_password_and_an_unknown_user_get_the_same_clear_message(
    caseworker: User, username: str
) -> None:
    response = _login(Client(), username, "feil-passord")
    assert response.status_code == 200
    assert "oppgi korrekt brukernavn og passord" in response.content.decode()


def test_the_account_is_locked_after_five_failures_even_with_the_right_password(
    caseworker: User,
) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "kari", "feil-passord")
    response = _login(client, "kari", PASSWORD)
    assert response.status_code == 429
    assert "midlertidig sperret" in response.content.decode()
    assert client.get("/").status_code == 302  # still not logged in


def test_pages_need_a_login(db: None) -> None:
    response = Client().get("/personer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/logg-inn/")


def test_logout_is_a_post(caseworker: User) -> None:
    client = Client()
    _login(client, "kari", PASSWORD)
    assert client.get("/logg-ut/").status_code == 405
    assert client.post("/logg-ut/").status_code == 302
    assert client.get("/").status_code == 302
