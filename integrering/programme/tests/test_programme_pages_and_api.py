"""The lifecycle through the pages and the API: the same services, the same refusals, the same reach."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from conftest import World, client_for
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.people.models import InformationCategory
from integrering.programme.models import Participation, ProgrammePeriod
from integrering.programme.testing import make_participation
from integrering.testing import make_user

D = datetime.date


@pytest.fixture
def participation(world: World) -> Participation:
    return make_participation(world.person, starts_on=D(2024, 4, 1), planned_months=12)


def test_the_caseworker_starts_a_programme_with_the_form(
    world: World, owner_client: Client
) -> None:
    url = f"/personer/{world.person.pk}/introduksjonsprogram/ny/"
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(
        url,
        {
            "starts_on": "2024-04-02",
            "permit_date": "2024-01-10",
            "final_goal": "standard",
            "planned_months": "18",
            "full_time": "on",
        },
    )
    participation = Participation.objects.get(person=world.person)
    assert response.status_code == 302
    assert response["Location"] == f"/introduksjonsprogram/{participation.pk}/"
    page = owner_client.get(response["Location"]).content.decode()
    assert "01.10.2025" in page  # planned end: 18 months from 02.04.2024
    assert "Vedtak om introduksjonsprogram" in page and "Utkast" in page


def test_the_start_form_shows_the_rule_next_to_the_field_and_saves_nothing(
    world: World, owner_client: Client
) -> None:
    response = owner_client.post(
        f"/personer/{world.person.pk}/introduksjonsprogram/ny/",
        {"starts_on": "2024-04-02", "final_goal": "short", "planned_months": "9"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "3 til 6 måneder; 9 er utenfor" in body
    assert 'aria-invalid="true"' in body
    assert not Participation.objects.exists()


def test_a_leave_over_a_stop_is_refused_on_the_page(
    participation: Participation, owner_client: Client
) -> None:
    base = f"/introduksjonsprogram/{participation.pk}"
    assert (
        owner_client.post(
            f"{base}/stans/", {"from_on": "2024-06-10", "reason": "Grunn"}
        ).status_code
        == 302
    )
    response = owner_client.post(
        f"{base}/permisjon/",
        {
            "from_on": "2024-06-12",
            "to_on": "2024-06-14",
            "leave_reason": "welfare",
            "with_benefit": "on",
            "reason": "Velferd",
        },
    )
    assert response.status_code == 422
    assert "overlapper stansen fra 10.06.2024" in response.content.decode()
    assert ProgrammePeriod.objects.count() == 1
    resumed = owner_client.post(f"{base}/gjenoppta/", {"resumed_on": "2024-06-17"})
    assert resumed.status_code == 302
    page = owner_client.get(f"{base}/").content.decode()
    assert "Gjenopptatt 17.06.2024 etter stans fra 10.06.2024" in page


def test_ending_with_a_stale_version_is_a_conflict(
    participation: Participation, owner_client: Client
) -> None:
    base = f"/introduksjonsprogram/{participation.pk}"
    stale = participation.version
    Participation.objects.filter(pk=participation.pk).update(version=stale + 1)
    response = owner_client.post(
        f"{base}/avslutt/", {"ended_on": "2024-09-30", "end_reason": "work", "version": stale}
    )
    assert response.status_code == 409
    assert "Noen andre har lagret" in response.content.decode()
    participation.refresh_from_db()
    assert participation.ended_on is None


def test_an_outsider_gets_404_on_the_pages_and_the_api(
    participation: Participation, world: World
) -> None:
    outsider = client_for(world.outsider)
    base = f"/introduksjonsprogram/{participation.pk}"
    for url in (f"{base}/", f"{base}/fravaer/", f"/api/v1/programmes/{participation.pk}"):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"{base}/fravaer/", {"on": "2024-05-02", "hours": "2"}).status_code == 404
    assert participation.absences.count() == 0
    assert "Eierstad" not in outsider.get("/introduksjonsprogram/?vis=alle").content.decode()
    assert AuditEvent.objects.filter(allowed=False, user_id=world.outsider.pk).exists()


def test_nav_reads_the_programme_only_with_consent_to_the_plan_and_never_changes_it(
    participation: Participation, world: World
) -> None:
    nav_user = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    nav = client_for(nav_user)
    base = f"/introduksjonsprogram/{participation.pk}"
    assert nav.get(f"{base}/").status_code == 403
    consent_give(
        ctx=AccessContext(user=world.owner, route="test"),
        person=world.person,
        data=ConsentInput(
            services=[Service.NAV],
            categories=[InformationCategory.PLAN],
            valid_from=D(2024, 1, 1),
            signed_on=D(2024, 1, 1),
        ),
    )
    assert nav.get(f"{base}/").status_code == 200
    assert nav.get(f"{base}/fravaer/").status_code == 403
    assert "Eierstad" not in nav.get("/introduksjonsprogram/").content.decode()


def test_the_api_starts_a_programme_and_records_absence(world: World, owner_client: Client) -> None:
    response = owner_client.post(
        "/api/v1/programmes/",
        {
            "person_id": world.person.pk,
            "starts_on": "2024-04-01",
            "final_goal": "standard",
            "planned_months": 12,
            "permit_date": "2024-01-10",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["planned_end"] == "2025-03-31" and body["act"] == "integration_act"
    assert body["municipality"] == "0301" and len(body["decisions"]) == 1
    pid = body["id"]
    absence = owner_client.post(
        f"/api/v1/programmes/{pid}/absences",
        {"on": "2024-05-06", "hours": "3", "approved": False},
        content_type="application/json",
    )
    assert absence.status_code == 201
    month = owner_client.get(f"/api/v1/programmes/{pid}/benefit", {"month": "2024-05"}).json()
    assert month["amount"] == "20269.08" and month["deduction"] == "402.25"


def test_the_api_says_in_norwegian_what_is_missing_or_wrong(
    world: World, owner_client: Client
) -> None:
    missing = owner_client.post("/api/v1/programmes/", {}, content_type="application/json")
    assert missing.status_code == 422
    assert missing.json()["errors"]["starts_on"] == ["Startdato mangler."]
    participation = make_participation(world.person, starts_on=D(2024, 4, 1), planned_months=12)
    wrong = owner_client.post(
        f"/api/v1/programmes/{participation.pk}/absences",
        {"on": "2025-06-02", "hours": "2"},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert "ikke i programmet 02.06.2025" in json.dumps(wrong.json(), ensure_ascii=False)
    bad_month = owner_client.get(f"/api/v1/programmes/{participation.pk}/benefit", {"month": "mai"})
    assert bad_month.status_code == 422
