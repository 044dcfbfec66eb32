from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from integrering.accounts.models import ApiToken
from integrering.accounts.roles import Role
from integrering.accounts.services import (
    TokenRejected,
    token_authenticate,
    token_create,
    user_create,
)
from integrering.organisations.models import Organisation
from integrering.testing import make_user


@pytest.mark.django_db
def test_it_refuses_a_role_that_does_not_fit_the_organisation() -> None:
    oslo = Organisation.objects.get(municipality__number="0301")
    with pytest.raises(ValidationError, match="Bosettingsplanlegger"):
        user_create(username="x", organisation=oslo, roles=[Role.SETTLEMENT_PLANNER])


@pytest.mark.django_db
def test_it_refuses_an_unknown_role_and_a_taken_username() -> None:
    oslo = Organisation.objects.get(municipality__number="0301")
    with pytest.raises(ValidationError, match="Ukjent rolle"):
        user_create(username="x", organisation=oslo, roles=["wizard"])
    user_create(username="taken", organisation=oslo, roles=[Role.NAV_CASEWORKER])
    with pytest.raises(ValidationError, match="allerede i bruk"):
        user_create(username="taken", organisation=oslo, roles=[Role.NAV_CASEWORKER])


@pytest.mark.django_db
def test_a_token_authenticates_its_user_and_only_its_hash_is_stored() -> None:
    user = make_user(municipality_number="0301")
    issued = token_create(user=user)
    assert token_authenticate(issued.token) == user
    record = ApiToken.objects.get()
    assert issued.token not in {record.key_hash, record.prefix}
    assert record.last_used_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("token", "message"),
    [("not-a-token", "feil format"), ("intg_" + "x" * 43, "ukjent")],
)
def test_a_malformed_or_unknown_token_is_rejected_with_a_reason(token: str, message: str) -> None:
    with pytest.raises(TokenRejected, match=message):
        token_authenticate(token)


@pytest.mark.django_db
def test_an_expired_or_revoked_token_is_rejected_with_a_reason() -> None:
    user = make_user(municipality_number="0301")
    with time_machine.travel(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)):
        old = token_create(user=user, days=1)
    with pytest.raises(TokenRejected, match="utløp"):
        token_authenticate(old.token)
    revoked = token_create(user=user)
    ApiToken.objects.filter(pk=revoked.record.pk).update(
        revoked_at=datetime.datetime.now(datetime.UTC)
    )
    with pytest.raises(TokenRejected, match="trukket tilbake"):
        token_authenticate(revoked.token)


@pytest.mark.django_db
def test_the_api_answers_a_bad_token_with_401_and_the_reason_never_500() -> None:
    client = Client(headers={"Authorization": "Bearer intg_nonsense"})
    response = client.get("/api/v1/persons/")
    assert response.status_code == 401
    assert "format" in response.json()["detail"]
    assert Client().get("/api/v1/persons/").status_code == 401


@pytest.mark.django_db
def test_the_token_command_prints_a_working_token_and_explains_an_unknown_user() -> None:
    user = make_user(municipality_number="4601", username="bergen-user")
    out = io.StringIO()
    call_command("token", "create", "--user", "bergen-user", stdout=out)
    token = out.getvalue().strip()
    assert token_authenticate(token) == user
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["roles"] == [Role.REFUGEE_SERVICE_CASEWORKER]
    with pytest.raises(CommandError, match="nobody"):
        call_command("token", "create", "--user", "nobody")
