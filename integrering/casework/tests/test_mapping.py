"""The mapping form after arrival (seed 002 Vedlegg 2): drafts, completion, history, access."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import World, client_for
from integrering.accounts.models import User
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.mapping_form import SECTIONS
from integrering.casework.models import Mapping, MappingStatus
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.casework.services.mapping import mapping_history, mapping_save
from integrering.concurrency import ConflictError
from integrering.people.models import InformationCategory
from integrering.testing import make_user

D = datetime.date

COMPLETE = {
    "personal-came_as": "transfer_refugee",
    "languages-mother_tongue": "Tigrinja",
    "education-school_years": "9",
    "self_assessment-wants_to_work_with": "Helsefagarbeider",
}


def form_post(
    values: dict[str, str],
    *,
    version: int,
    action: str = "draft",
    rows: dict[str, list[dict[str, str]]] | None = None,
) -> dict[str, str]:
    """What the browser sends: every table's management form, the rows, the fields."""
    data = {"version": str(version), "action": action}
    for section in SECTIONS:
        for table in section.tables:
            prefix = f"{section.key}-{table.key}"
            table_rows = (rows or {}).get(prefix, [])
            data |= {
                f"{prefix}-TOTAL_FORMS": str(len(table_rows) + 2),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "50",
            }
            for i, row in enumerate(table_rows):
                data |= {f"{prefix}-{i}-{name}": value for name, value in row.items()}
    return data | values


def url(world: World, suffix: str = "") -> str:
    return f"/personer/{world.person.pk}/kartlegging/{suffix}"


def api_url(world: World) -> str:
    return f"/api/v1/persons/{world.person.pk}/mapping"


def put(client: Client, world: World, body: dict[str, Any]) -> Any:
    return client.put(api_url(world), json.dumps(body), content_type="application/json")


def ctx(user: User) -> AccessContext:
    return AccessContext(user=user, route="test")


def save(world: World, data: dict[str, Any], version: int, **kwargs: Any) -> Mapping:
    return mapping_save(
        ctx=ctx(world.owner), person=world.person, data=data, version=version, **kwargs
    )


def complete_data(**extra: Any) -> dict[str, Any]:
    return {
        "personal": {"came_as": "asylum_seeker"},
        "languages": {"mother_tongue": "Arabisk"},
        "education": {"school_years": 12},
        "self_assessment": {"wants_to_work_with": "Elektriker"},
        **extra,
    }


def service_user(world: World, role: str, service: str, categories: list[str]) -> User:
    user = make_user(municipality_number="0301", roles=[role], username=f"{service}-user")
    if categories:
        consent_give(
            ctx=ctx(world.owner),
            person=world.person,
            data=ConsentInput(
                services=[service],
                categories=categories,
                valid_from=D(2024, 1, 1),
                signed_on=D(2024, 1, 1),
            ),
        )
    return user


@pytest.fixture
def nav_with_mapping(world: World) -> User:
    return service_user(world, Role.NAV_CASEWORKER, Service.NAV, [InformationCategory.MAPPING])


# Drafts and completion on the page -----------------------------------------------------------


def test_a_caseworker_saves_a_draft_and_finds_the_answers_again(
    world: World, owner_client: Client
) -> None:
    response = owner_client.post(
        url(world),
        form_post(
            {
                "personal-phone": "900 12 345",
                "languages-mother_tongue": "Dari",
                "languages-english_oral": "some",
                "personal-several_reception_centres": "True",
                "background-flight": "Via Iran og Tyrkia",
            },
            version=0,
            rows={
                "courses_norway-courses": [
                    {"provider": "Voksenopplæringen", "subject": "Norsk A2", "documented": "True"}
                ]
            },
        ),
    )
    assert response.status_code == 302

    mapping = Mapping.objects.get(person=world.person)
    assert mapping.status == MappingStatus.DRAFT
    assert mapping.version == 1
    assert mapping.updated_by == world.owner
    assert mapping.data["personal"]["phone"] == "900 12 345"
    assert mapping.data["personal"]["several_reception_centres"] is True
    assert mapping.data["courses_norway"]["courses"] == [
        {
            "provider": "Voksenopplæringen",
            "subject": "Norsk A2",
            "from_date": None,
            "to_date": None,
            "documented": True,
        }
    ]  # the two empty rows below it are dropped
    assert mapping.revisions.count() == 1

    page = owner_client.get(url(world)).content.decode()
    assert "Utkastet er lagret (versjon 1)." in page
    assert 'value="900 12 345"' in page
    assert "Via Iran og Tyrkia" in page
    assert 'name="version" value="1"' in page
    assert "Utkast" in page


def test_completion_is_refused_with_what_is_missing_and_accepted_once_it_is_filled(
    world: World, owner_client: Client
) -> None:
    refused = owner_client.post(
        url(world),
        form_post({"languages-mother_tongue": "Somali"}, version=0, action="complete"),
    )
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "Kartleggingen kan ikke fullføres før dette er fylt ut" in body
    summary = body.split('id="mapping-errors"')[1].split("</div>")[0]
    for label in ("Kom du til Norge som", "Antall år på skole", "Hva ønsker du å jobbe med?"):
        assert label in summary  # named in the summary at the top, and linked to its field
    assert 'href="#id_education-school_years"' in summary
    assert 'href="#id_personal-came_as_0"' in summary
    assert body.count("Må fylles ut før kartleggingen kan fullføres.") >= 3
    assert 'aria-invalid="true"' in body
    assert 'value="Somali"' in body  # the input is kept
    assert not Mapping.objects.filter(person=world.person).exists()

    accepted = owner_client.post(url(world), form_post(COMPLETE, version=0, action="complete"))
    assert accepted.status_code == 302
    mapping = Mapping.objects.get(person=world.person)
    assert mapping.status == MappingStatus.COMPLETED
    assert mapping.completed_by == world.owner
    assert mapping.completed_at is not None
    page = owner_client.get(url(world)).content.decode()
    assert "Kartleggingen er fullført (versjon 1)." in page
    assert "Fullført" in page


def test_the_service_lists_each_missing_field_by_its_path(world: World) -> None:
    with pytest.raises(ValidationError) as raised:
        save(world, {"languages": {"mother_tongue": "Pashto"}}, 0, complete=True)
    errors = raised.value.message_dict
    assert set(errors) == {
        "__all__",
        "personal.came_as",
        "education.school_years",
        "self_assessment.wants_to_work_with",
    }


def test_zero_years_at_school_is_an_answer_and_not_missing(world: World) -> None:
    data = complete_data(education={"school_years": 0})
    assert save(world, data, 0, complete=True).status == MappingStatus.COMPLETED


def test_reopening_a_completed_mapping_takes_it_back_to_draft_and_the_history_says_so(
    world: World,
) -> None:
    completed = save(world, complete_data(), 0, complete=True)
    reopened = save(world, complete_data(norwegian={"hours": 250, "track": "B"}), completed.version)
    assert reopened.status == MappingStatus.DRAFT
    assert reopened.completed_at is None
    again = save(world, complete_data(norwegian={"hours": 300}), reopened.version, complete=True)
    assert again.status == MappingStatus.COMPLETED

    events = [e.event for e in mapping_history(mapping=again)]
    assert events == [
        "Fullført",
        "Gjenåpnet: tilbake til utkast",
        "Opprettet og fullført",
    ]


def test_the_history_shows_who_saved_when_and_which_fields_changed(
    world: World, owner_client: Client
) -> None:
    first = save(world, {"personal": {"phone": "1"}, "background": {"health": "Astma"}}, 0)
    second = save(
        world,
        {
            "personal": {"phone": "2"},
            "background": {"health": "Astma"},
            "work_norway": {"jobs": [{"employer": "Rema 1000", "position": "Butikkmedarbeider"}]},
        },
        first.version,
    )
    save(world, {"personal": {"phone": "2"}}, second.version)

    history = mapping_history(mapping=Mapping.objects.get(person=world.person))
    assert [e.version for e in history] == [3, 2, 1]
    assert history[0].changed == [
        "2. Bakgrunn: Helse",
        "8. Yrkeserfaring fra Norge: Arbeidsforhold i Norge",
    ]
    assert history[1].changed == [
        "1. Personlige opplysninger: Telefon/mobilnummer",
        "8. Yrkeserfaring fra Norge: Arbeidsforhold i Norge",
    ]
    assert history[2].changed == [
        "1. Personlige opplysninger: Telefon/mobilnummer",
        "2. Bakgrunn: Helse",
    ]
    assert all(e.saved_by == world.owner for e in history)

    without_health = mapping_history(
        mapping=Mapping.objects.get(person=world.person),
        allows=lambda category: category != InformationCategory.HEALTH,
    )
    assert without_health[0].changed == ["8. Yrkeserfaring fra Norge: Arbeidsforhold i Norge"]

    page = owner_client.get(url(world, "historikk/"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Opprettet som utkast" in body
    assert "Telefon/mobilnummer" in body
    assert world.owner.username in body


def test_every_save_writes_a_revision_with_its_version_status_and_answers(world: World) -> None:
    first = save(world, {"personal": {"address": "Storgata 1"}}, 0)
    save(
        world,
        complete_data(personal={"address": "Storgata 2", "came_as": "other"}),
        first.version,
        complete=True,
    )
    revisions = list(Mapping.objects.get(person=world.person).revisions.order_by("version"))
    assert [(r.version, r.status) for r in revisions] == [
        (1, MappingStatus.DRAFT),
        (2, MappingStatus.COMPLETED),
    ]
    assert revisions[0].data["personal"]["address"] == "Storgata 1"
    assert revisions[1].data["personal"]["address"] == "Storgata 2"


def test_a_row_ending_before_it_starts_is_refused_next_to_the_field(
    world: World, owner_client: Client
) -> None:
    response = owner_client.post(
        url(world),
        form_post(
            {},
            version=0,
            rows={
                "work_norway-jobs": [
                    {"employer": "Kiwi", "from_date": "2024-05-01", "to_date": "2024-01-01"}
                ]
            },
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Slutten er før starten." in body
    assert 'id="id_work_norway-jobs-0-to_date_error"' in body
    assert 'href="#id_work_norway-jobs-0-to_date"' in body  # linked from the summary
    assert not Mapping.objects.filter(person=world.person).exists()


# Conflicts ------------------------------------------------------------------------------------


def test_a_conflicting_save_gets_409_keeps_the_users_input_and_loses_nothing_of_the_first(
    world: World, owner_client: Client
) -> None:
    save(world, {"personal": {"address": "Første adresse"}}, 0)
    colleague = client_for(world.colleague)

    first = colleague.post(
        url(world), form_post({"personal-address": "Kollegaens adresse"}, version=1)
    )
    assert first.status_code == 302
    second = owner_client.post(
        url(world), form_post({"personal-address": "Min adresse"}, version=1)
    )
    body = second.content.decode()
    assert second.status_code == 409
    assert "Noen andre har lagret endringer i kartleggingen" in body
    assert 'value="Min adresse"' in body

    mapping = Mapping.objects.get(person=world.person)
    assert mapping.version == 2
    assert mapping.data["personal"]["address"] == "Kollegaens adresse"
    assert mapping.revisions.count() == 2


def test_two_first_saves_cannot_both_create_the_mapping(world: World) -> None:
    save(world, {"personal": {"phone": "1"}}, 0)
    with pytest.raises(ConflictError):
        save(world, {"personal": {"phone": "2"}}, 0)
    assert Mapping.objects.get(person=world.person).data["personal"]["phone"] == "1"


# Access ----------------------------------------------------------------------------------------


def test_a_service_with_mapping_consent_reads_the_mapping_but_cannot_change_it(
    world: World, nav_with_mapping: User
) -> None:
    save(world, complete_data(norwegian={"school_name": "Oslo VO Rosenhof"}), 0)
    nav = client_for(nav_with_mapping)

    page = nav.get(url(world))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Oslo VO Rosenhof" in body
    assert "Elektriker" in body
    assert "Lagre utkast" not in body
    assert "<input" not in body.split('id="main"')[1].split("</main>")[0]

    refused = nav.post(url(world), form_post({"personal-address": "x"}, version=1))
    assert refused.status_code == 403
    assert put(nav, world, {"version": 1, "data": complete_data()}).status_code == 403
    assert Mapping.objects.get(person=world.person).version == 1

    assert nav.get(url(world, "historikk/")).status_code == 200
    assert nav.get(api_url(world)).json()["data"]["norwegian"]["school_name"] == "Oslo VO Rosenhof"


def test_a_service_without_consent_gets_403_with_whom_to_contact(world: World) -> None:
    school = client_for(
        service_user(world, Role.SCHOOL_CASEWORKER, Service.SCHOOL, [InformationCategory.PERSONAL])
    )
    for path in (url(world), url(world, "historikk/")):
        response = school.get(path)
        assert response.status_code == 403
    api = school.get(api_url(world))
    assert api.status_code == 403
    assert "Flyktningtjenesten i Oslo" in api.json()["detail"]


def test_health_sections_are_hidden_without_consent_to_health(
    world: World, nav_with_mapping: User
) -> None:
    save(
        world,
        complete_data(
            background={"health": "Diabetes type 2"},
            life_considerations={"considerations": "Trenger ro på kveldene"},
            life_situation={"leisure_interests": "Fotball"},
        ),
        0,
    )
    nav = client_for(nav_with_mapping)
    body = nav.get(url(world)).content.decode()
    assert "Fotball" in body
    assert "Diabetes" not in body
    assert "Trenger ro" not in body
    assert "Noen deler av kartleggingen vises ikke" in body
    data = nav.get(api_url(world)).json()["data"]
    assert "background" not in data
    assert "life_considerations" not in data
    assert data["life_situation"]["leisure_interests"] == "Fotball"

    health = client_for(
        service_user(
            world,
            Role.HEALTH_CASEWORKER,
            Service.HEALTH,
            [InformationCategory.MAPPING, InformationCategory.HEALTH],
        )
    )
    body = health.get(url(world)).content.decode()
    assert "Diabetes type 2" in body
    assert "Trenger ro på kveldene" in body
    assert health.get(api_url(world)).json()["data"]["background"]["health"] == "Diabetes type 2"


def test_the_outsider_finds_neither_the_mapping_nor_its_history(
    world: World, outsider_client: Client
) -> None:
    save(world, complete_data(), 0)
    assert outsider_client.get(url(world)).status_code == 404
    assert outsider_client.post(url(world), form_post(COMPLETE, version=1)).status_code == 404
    assert outsider_client.get(url(world, "historikk/")).status_code == 404
    assert outsider_client.get(api_url(world)).status_code == 404
    assert put(outsider_client, world, {"version": 1, "data": {}}).status_code == 404
    assert Mapping.objects.get(person=world.person).version == 1


def test_saves_and_reads_are_written_to_the_audit_log(world: World, owner_client: Client) -> None:
    owner_client.post(url(world), form_post({"personal-phone": "1"}, version=0))
    owner_client.post(url(world), form_post(COMPLETE, version=1, action="complete"))
    owner_client.get(url(world))

    writes = AuditEvent.objects.filter(
        person_id=world.person.pk, action__in=[AuditAction.CREATE, AuditAction.UPDATE]
    ).exclude(detail="")
    assert sorted(writes.values_list("action", "detail")) == [
        (AuditAction.CREATE, "kartlegging versjon 1: opprettet som utkast"),
        (AuditAction.UPDATE, "kartlegging versjon 2: fullført"),
    ]
    assert all(w.username == world.owner.username for w in writes)
    reads = AuditEvent.objects.filter(
        person_id=world.person.pk, action=AuditAction.READ, route__contains="kartlegging"
    )
    assert reads.exists()


# API ---------------------------------------------------------------------------------------------


def test_the_api_gives_an_empty_draft_before_the_first_save(
    world: World, owner_client: Client
) -> None:
    response = owner_client.get(api_url(world))
    assert response.status_code == 200
    body = response.json()
    assert body["person"] == world.person.pk
    assert body["status"] == "draft"
    assert body["version"] == 0
    assert body["updated_at"] is None
    assert set(body["data"]) == {s.key for s in SECTIONS}
    assert body["data"]["work_norway"]["jobs"] == []


def test_the_api_saves_a_draft_completes_it_and_refuses_a_stale_version(
    world: World, owner_client: Client
) -> None:
    draft = put(owner_client, world, {"version": 0, "data": {"personal": {"phone": "22 00 00 00"}}})
    assert draft.status_code == 200, draft.content
    assert draft.json()["version"] == 1
    assert draft.json()["status"] == "draft"

    incomplete = put(owner_client, world, {"version": 1, "data": {}, "complete": True})
    assert incomplete.status_code == 422
    assert "education.school_years" in incomplete.json()["errors"]
    assert "Kartleggingen kan ikke fullføres" in incomplete.json()["detail"]

    done = put(owner_client, world, {"version": 1, "data": complete_data(), "complete": True})
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    assert done.json()["completed_at"] is not None
    assert done.json()["data"]["languages"]["mother_tongue"] == "Arabisk"

    stale = put(owner_client, world, {"version": 1, "data": {}})
    assert stale.status_code == 409
    assert "Noen andre har lagret" in stale.json()["detail"]

    again = owner_client.get(api_url(world)).json()
    assert again["version"] == 2
    assert again["status"] == "completed"


def test_the_api_answers_bad_input_with_messages_per_field(
    world: World, owner_client: Client
) -> None:
    response = put(
        owner_client,
        world,
        {
            "version": 0,
            "data": {
                "education": {"school_years": "mange", "driving_licence": "kanskje"},
                "personal": {"favourite_colour": "blå"},
                "work_abroad": {"jobs": [{"employer": "X", "from_year": 2010, "to_year": 2005}]},
                "hobbies": {},
            },
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {
        "education.school_years",
        "education.driving_licence",
        "personal.favourite_colour",
        "work_abroad.jobs.0.to_year",
        "hobbies",
    }
    assert not Mapping.objects.filter(person=world.person).exists()

    missing = owner_client.put(api_url(world), "{}", content_type="application/json")
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"version", "data"}
