from __future__ import annotations

import pytest
from django.test import override_settings

from integrering.accounts.oidc import ProvisionedUsersOIDCBackend
from integrering.testing import make_user
from tests.test_cli import run

OIDC_ENV = {
    "OIDC_RP_CLIENT_ID": "integrering",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idporten.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idporten.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://idporten.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idporten.example/jwks",
}


def test_oidc_is_switched_on_by_environment_variables_and_adds_its_routes() -> None:
    result = run(
        "shell",
        "-c",
        "from django.urls import reverse; print(reverse('oidc_authentication_init'))",
        **OIDC_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/oidc/authenticate/"


def test_oidc_with_a_missing_endpoint_is_refused_with_a_clear_message() -> None:
    env = {**OIDC_ENV, "OIDC_OP_JWKS_ENDPOINT": ""}
    result = run("check", **env)
    assert result.returncode == 2
    assert "OIDC_OP_JWKS_ENDPOINT" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
@override_settings(
    **{k: v for k, v in OIDC_ENV.items()}, OIDC_USERNAME_CLAIM="pid", OIDC_CREATE_USER=False
)
def test_oidc_logs_in_only_provisioned_active_users_by_their_claim() -> None:
    user = make_user(municipality_number="0301", username="15108695088")
    backend = ProvisionedUsersOIDCBackend()
    assert list(backend.filter_users_by_claims({"pid": "15108695088"})) == [user]
    assert not backend.filter_users_by_claims({"pid": "01010112345"}).exists()
    assert not backend.filter_users_by_claims({}).exists()
    user.is_active = False
    user.save()
    assert not backend.filter_users_by_claims({"pid": "15108695088"}).exists()
