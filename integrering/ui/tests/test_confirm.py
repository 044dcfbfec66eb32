"""The confirmation step of irreversible actions (``ui/confirm.py``) and the counts it writes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.test import RequestFactory

from integrering.ui.confirm import CONFIRM_FIELD, Confirmation, confirmation_ask
from integrering.ui.numbers import NBSP, count_nb

APPROVE = Confirmation(
    title="Godkjenne stønaden for 05.2024?",
    summary="Introduksjonsstønaden for 05.2024 til 120 deltakere godkjennes og låses.",
    facts=(("Deltakere", "120"),),
    consequences=("Måneden låses.",),
    button="Bekreft og godkjenn",
    cancel_url="/stonad/1/",
)


def _post(data: dict[str, str]) -> HttpRequest:
    request = RequestFactory().post("/stonad/1/godkjenn/", data)
    request.user = AnonymousUser()
    return request


def test_a_count_takes_the_singular_only_for_one_and_groups_its_digits() -> None:
    assert count_nb(1, "husstand", "husstander") == "1 husstand"
    assert count_nb(0, "husstand", "husstander") == "0 husstander"
    assert count_nb(120, "husstand", "husstander") == "120 husstander"
    assert count_nb(1250, "barn", "barn") == f"1{NBSP}250 barn"


def test_the_fingerprint_changes_with_any_figure_the_page_shows() -> None:
    changed = Confirmation(**{**APPROVE.__dict__, "facts": (("Deltakere", "121"),)})
    assert APPROVE.token != changed.token
    assert APPROVE.token == Confirmation(**APPROVE.__dict__).token


@pytest.mark.django_db
def test_a_post_without_the_confirmation_gets_the_page_that_carries_the_form_again() -> None:
    request = _post({"confirm_same_user": "on", "csrfmiddlewaretoken": "x"})
    page = confirmation_ask(request, APPROVE)
    assert page is not None and page.status_code == 200
    body = page.content.decode()
    assert "120 deltakere godkjennes og låses" in body
    assert '<input type="hidden" name="confirm_same_user" value="on">' in body
    assert body.count('name="csrfmiddlewaretoken"') == 1  # the page's own token, not the old one
    assert f'name="{CONFIRM_FIELD}" value="{APPROVE.token}"' in body
    assert '<a class="ds-link" href="/stonad/1/">Avbryt</a>' in body
    assert "Tallene er endret" not in body


@pytest.mark.django_db
def test_only_the_confirmation_of_the_same_figures_lets_the_action_through() -> None:
    assert confirmation_ask(_post({CONFIRM_FIELD: APPROVE.token}), APPROVE) is None
    stale = confirmation_ask(_post({CONFIRM_FIELD: "0" * 20}), APPROVE)
    assert stale is not None
    assert "Tallene er endret siden du så dem" in stale.content.decode()
