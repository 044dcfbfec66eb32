from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from integrering.accounts.backends import UserBackend
from integrering.accounts.models import User, UserRole
from integrering.accounts.roles import Role
from integrering.testing import make_user

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_organisation_and_roles_in_one_query(
    django_assert_num_queries: Callable[..., AbstractContextManager[object]],
) -> None:
    made = make_user(
        municipality_number="0301", roles=[Role.NAV_CASEWORKER, Role.SCHOOL_CASEWORKER]
    )
    with django_assert_num_queries(1):
        user = UserBackend().get_user(made.pk)
        assert user is not None
        assert user.organisation is not None and user.organisation.name == "Oslo kommune"
        assert user.role_set == {Role.NAV_CASEWORKER, Role.SCHOOL_CASEWORKER}
        assert user.has_role(Role.SCHOOL_CASEWORKER)
        assert not user.has_role(Role.REFUGEE_SERVICE_CASEWORKER)


def test_a_user_without_roles_has_none_and_an_inactive_user_is_nobody() -> None:
    made = make_user(municipality_number="0301")
    UserRole.objects.filter(user=made).delete()
    user = UserBackend().get_user(made.pk)
    assert user is not None and user.role_set == frozenset()
    User.objects.filter(pk=made.pk).update(is_active=False)
    assert UserBackend().get_user(made.pk) is None
    assert UserBackend().get_user(10**9) is None
