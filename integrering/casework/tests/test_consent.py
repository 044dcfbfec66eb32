"""Consent decides what the other services see, and withdrawal takes effect at once (seed 002 Vedlegg 3)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from conftest import World, client_for
from integrering.accounts.models import User
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.services.consent import ConsentInput, consent_give, consent_withdraw
from integrering.people.models import Consent, ConsentBasis, InformationCategory
from integrering.people.selectors import person_access_get, persons_search
from integrering.testing import make_user

D = datetime.date
SIGNED = D(2024, 1, 1)


def give(
    world: World,
    services: list[str],
    categories: list[str],
    *,
    valid_from: datetime.date = SIGNED,
    basis: str = ConsentBasis.CONSENT,
) -> Consent:
    return consent_give(
        ctx=AccessContext(user=world.owner, route="test"),
        person=world.person,
        data=ConsentInput(
            services=services,
            categories=categories,
            valid_from=valid_from,
            signed_on=D(2024, 1, 1),
            basis=basis,
        ),
    )


@pytest.fixture
def nav(world: World) -> User:
    return make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER], username="nav")


def test_without_consent_nav_sees_that_the_person_exists_and_whom_to_contact(
    world: World, nav: User
) -> None:
    response = client_for(nav).get(f"/personer/{world.person.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Begrenset innsyn" in body
    assert "Flyktningtjenesten i Oslo" in body
    assert (world.person.identity_number or "-") not in body
    assert world.household.reference not in body


def test_without_consent_nav_cannot_find_a_person_by_number(world: World, nav: User) -> None:
    ctx = AccessContext(user=nav, route="test")
    assert persons_search(ctx=ctx, query=world.person.identity_number or "x") == []
    found = persons_search(ctx=ctx, query="Eierstad")
    assert world.person in found
    assert not any(getattr(p, "details_visible") for p in found)  # noqa: B009


def test_consent_to_nav_shows_the_personal_details_and_withdrawal_closes_them_at_once(
    world: World, nav: User
) -> None:
    consent = give(world, [Service.NAV], [InformationCategory.PERSONAL])
    client = client_for(nav)
    assert (world.person.identity_number or "-") in client.get(
        f"/personer/{world.person.pk}/"
    ).content.decode()
    consent_withdraw(ctx=AccessContext(user=world.owner, route="test"), consent=consent)
    body = client.get(f"/personer/{world.person.pk}/").content.decode()
    assert (world.person.identity_number or "-") not in body
    assert "Begrenset innsyn" in body


def test_consent_for_school_does_not_open_the_person_to_nav(world: World, nav: User) -> None:
    give(world, [Service.SCHOOL], [InformationCategory.PERSONAL])
    access = person_access_get(ctx=AccessContext(user=nav, route="test"), person_id=world.person.pk)
    assert access.limited


def test_an_expired_consent_or_one_not_yet_in_force_gives_nothing(world: World, nav: User) -> None:
    give(world, [Service.NAV], [InformationCategory.PERSONAL], valid_from=D(2099, 1, 1))
    access = person_access_get(ctx=AccessContext(user=nav, route="test"), person_id=world.person.pk)
    assert access.limited


def test_partial_withdrawal_keeps_the_other_services(world: World, nav: User) -> None:
    health = make_user(municipality_number="0301", roles=[Role.HEALTH_CASEWORKER])
    consent = give(
        world,
        [Service.NAV, Service.HEALTH],
        [InformationCategory.PERSONAL, InformationCategory.HEALTH],
    )
    remaining = consent_withdraw(
        ctx=AccessContext(user=world.owner, route="test"),
        consent=consent,
        services=[Service.NAV],
    )
    assert remaining is not None and remaining.services == [Service.HEALTH]
    assert person_access_get(
        ctx=AccessContext(user=nav, route="t"), person_id=world.person.pk
    ).limited
    health_access = person_access_get(
        ctx=AccessContext(user=health, route="t"), person_id=world.person.pk
    )
    assert health_access.allows(InformationCategory.HEALTH)
    assert not health_access.allows(InformationCategory.PLAN)


def test_every_consent_change_is_audited(world: World) -> None:
    consent = give(world, [Service.NAV], [InformationCategory.PERSONAL])
    consent_withdraw(ctx=AccessContext(user=world.owner, route="test"), consent=consent)
    details = list(
        AuditEvent.objects.filter(
            person_id=world.person.pk, detail__startswith="samtykke"
        ).values_list("detail", flat=True)
    )
    assert any("gitt" in d and "nav" in d for d in details)
    assert any("trukket tilbake" in d for d in details)


def test_a_consent_needs_a_signed_date_services_and_information(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        consent_give(
            ctx=AccessContext(user=world.owner, route="test"),
            person=world.person,
            data=ConsentInput(
                services=[], categories=[], valid_from=D(2024, 1, 1), valid_to=D(2023, 1, 1)
            ),
        )
    errors = excinfo.value.message_dict
    assert set(errors) >= {"services", "categories", "signed_on", "valid_to"}


def test_a_legal_basis_needs_its_reference(world: World) -> None:
    with pytest.raises(ValidationError, match="lovhjemmelen"):
        give(
            world, [Service.CHILD_WELFARE], [InformationCategory.PERSONAL], basis=ConsentBasis.LEGAL
        )


def test_the_consent_form_shows_errors_next_to_the_fields_and_writes_nothing(world: World) -> None:
    response = client_for(world.owner).post(
        f"/personer/{world.person.pk}/samtykker/",
        {"basis": "consent", "valid_from": "2024-01-01", "categories": ["personal"]},
    )
    assert response.status_code == 422
    assert 'id="id_services_error"' in response.content.decode()
    assert not world.person.consents.exists()


def test_a_service_user_cannot_register_consent(world: World, nav: User) -> None:
    response = client_for(nav).post(f"/personer/{world.person.pk}/samtykker/", {})
    assert response.status_code == 403


def test_the_api_gives_and_withdraws_consent_and_the_access_follows(
    world: World, nav: User
) -> None:
    owner, nav_client = client_for(world.owner), client_for(nav)
    assert nav_client.get(f"/api/v1/persons/{world.person.pk}").json()["access"] == "limited"
    response = owner.post(
        f"/api/v1/persons/{world.person.pk}/consents",
        json.dumps(
            {
                "services": ["nav"],
                "categories": ["personal"],
                "valid_from": "2024-01-01",
                "signed_on": "2024-01-01",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    consent_id = response.json()["id"]
    seen = nav_client.get(f"/api/v1/persons/{world.person.pk}").json()
    assert seen["access"] == "consent" and seen["identity_number"] == world.person.identity_number
    response = owner.post(
        f"/api/v1/consents/{consent_id}/withdraw", "{}", content_type="application/json"
    )
    assert response.status_code == 200
    seen = nav_client.get(f"/api/v1/persons/{world.person.pk}").json()
    assert seen["access"] == "limited" and seen["identity_number"] is None


def test_the_api_lists_every_bad_consent_field(world: World) -> None:
    response = client_for(world.owner).post(
        f"/api/v1/persons/{world.person.pk}/consents",
        json.dumps({"services": ["mars"], "categories": [], "valid_from": "2024-01-01"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"services", "categories", "signed_on"}


def test_an_outsider_cannot_withdraw_another_municipalitys_consent(world: World) -> None:
    consent = give(world, [Service.NAV], [InformationCategory.PERSONAL])
    response = client_for(world.outsider).post(
        f"/api/v1/consents/{consent.pk}/withdraw",
        "{}",
        content_type="application/json",
    )
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
