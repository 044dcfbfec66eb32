"""The municipality answers its request in Integrering (issue 21 item 4): its leader's decision
per group, through the service, the page and the API; never another municipality's request."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from conftest import client_for
from integrering.accounts.models import User
from integrering.accounts.roles import Role
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError
from integrering.errors import NotFound
from integrering.settlement.models import DecisionSource, MunicipalDecision, SettlementRequest
from integrering.settlement.services.request_answers import decision_record
from integrering.settlement.testing import make_request
from integrering.testing import make_household, make_user

YEAR = 2026
PAGE = f"/bosetting/anmodning/{YEAR}/"
API = f"/api/v1/settlement/requests/{YEAR}/answer"
TODAY = datetime.datetime(2026, 6, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def oslo(db: None) -> SettlementRequest:
    request = make_request("0301", year=YEAR, requested=50)
    SettlementRequest.objects.filter(pk=request.pk).update(
        unaccompanied_minors=6, answer_due=datetime.date(2026, 5, 1)
    )
    request.refresh_from_db()
    return request


@pytest.fixture
def bergen(db: None) -> SettlementRequest:
    return make_request("4601", year=YEAR, requested=80)


def leader(number: str) -> User:
    return make_user(municipality_number=number, roles=[Role.MUNICIPAL_LEADER])


def _ctx(user: User | None) -> AccessContext:
    return AccessContext(user=user, route="test")


ANSWER: dict[str, Any] = {
    "decided": 40,
    "unaccompanied_minors": 5,
    "minors_under_15": 2,
    "large_dwellings": 3,
    "school_children": None,
    "adaptation_capabilities": ["near_hospital", "wheelchair"],
    "decided_on": datetime.date(2026, 5, 20),
    "note": "Vedtatt i kommunestyret",
    "version": 0,
}


# --- The service ---------------------------------------------------------------------------------


def test_the_leader_records_the_municipalitys_decision(oslo: SettlementRequest) -> None:
    user = leader("0301")
    decision = decision_record(
        ctx=_ctx(user), request=oslo, source=DecisionSource.MUNICIPALITY, **ANSWER
    )
    assert (decision.decided, decision.unaccompanied_minors, decision.minors_under_15) == (40, 5, 2)
    assert (decision.large_dwellings, decision.school_children) == (3, None)
    assert decision.adaptation_capabilities == ["wheelchair", "near_hospital"]  # parameter order
    assert decision.source == DecisionSource.MUNICIPALITY and decision.recorded_by == user
    assert decision.note == "Vedtatt i kommunestyret" and decision.version == 1


def test_nobody_but_the_municipalitys_leader_answers_for_it(
    oslo: SettlementRequest, bergen: SettlementRequest
) -> None:
    for user in (
        leader("4601"),
        make_user(municipality_number="0301"),  # a caseworker of Oslo
        make_user(),  # the planner answers as the directorate, not as the municipality
    ):
        with pytest.raises(NotFound):
            decision_record(
                ctx=_ctx(user), request=oslo, source=DecisionSource.MUNICIPALITY, **ANSWER
            )
    with pytest.raises(PermissionDenied):
        decision_record(ctx=_ctx(leader("0301")), request=oslo, **ANSWER)  # source planner
    assert not MunicipalDecision.objects.exists()


def test_each_figure_is_checked_with_a_message_by_field(oslo: SettlementRequest) -> None:
    user = leader("0301")
    with pytest.raises(ValidationError) as excinfo:
        decision_record(
            ctx=_ctx(user),
            request=oslo,
            source=DecisionSource.MUNICIPALITY,
            **{
                **ANSWER,
                "unaccompanied_minors": 3,
                "minors_under_15": 4,
                "school_children": -1,
                "adaptation_capabilities": ["wheelchair", "sauna"],
                "decided_on": datetime.date(2026, 6, 3),
            },
        )
    errors = excinfo.value.message_dict
    assert errors["minors_under_15"] == [
        "Barn under 15 år er en del av de enslige mindreårige og kan ikke være flere enn 3."
    ]
    assert errors["school_children"] == [
        "Antallet kan ikke være negativt (tomt betyr ingen grense)."
    ]
    assert errors["adaptation_capabilities"][0].startswith("Ukjent behov for tilpasning: sauna.")
    assert errors["decided_on"] == ["Vedtaksdatoen kan ikke være etter i dag (02.06.2026)."]
    with pytest.raises(ValidationError) as excinfo:
        decision_record(
            ctx=_ctx(user),
            request=oslo,
            source=DecisionSource.MUNICIPALITY,
            **{**ANSWER, "adaptation_capabilities": ["other"], "note": ""},
        )
    assert excinfo.value.message_dict["note"] == [
        "Skriv i merknaden hvilke andre behov for tilpasning kommunen kan møte."
    ]
    assert not MunicipalDecision.objects.exists()


def test_a_second_answer_from_a_stale_form_is_refused(oslo: SettlementRequest) -> None:
    user = leader("0301")
    decision_record(ctx=_ctx(user), request=oslo, source=DecisionSource.MUNICIPALITY, **ANSWER)
    with pytest.raises(ConflictError):
        decision_record(ctx=_ctx(user), request=oslo, source=DecisionSource.MUNICIPALITY, **ANSWER)
    changed = decision_record(
        ctx=_ctx(user),
        request=oslo,
        source=DecisionSource.MUNICIPALITY,
        **{**ANSWER, "decided": 45, "version": 1},
    )
    assert (changed.decided, changed.version) == (45, 2)
    with pytest.raises(ConflictError):
        decision_record(
            ctx=_ctx(user),
            request=oslo,
            source=DecisionSource.MUNICIPALITY,
            **{**ANSWER, "decided": 30, "version": 1},
        )
    assert MunicipalDecision.objects.get().decided == 45


# --- The page --------------------------------------------------------------------------------


def _form(**changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "answer-decided": "40",
        "answer-unaccompanied_minors": "5",
        "answer-minors_under_15": "2",
        "answer-large_dwellings": "",
        "answer-school_children": "12",
        "answer-adaptation_capabilities": ["wheelchair"],
        "answer-decided_on": "20.05.2026",
        "answer-note": "",
        "answer-version": "0",
    }
    data.update({f"answer-{key}": value for key, value in changes.items()})
    return data


def test_the_leader_sees_the_request_and_answers_on_the_page(oslo: SettlementRequest) -> None:
    client = client_for(leader("0301"))
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Anmodning om bosetting 2026: Oslo" in text
    assert "50 personer, hvorav 6 enslige mindreårige" in text
    assert "Svarfristen var 01.05.2026, og kommunen har ikke svart." in text
    for label in ("Hvorav enslige mindreårige under 15 år", "Plasser for barn i skolealder"):
        assert label in text
    assert "Rullestol / tilrettelagt bolig" in text  # a checkbox from the parameter

    response = client.post(PAGE, _form())
    assert response.status_code == 302 and response["Location"] == PAGE
    decision = MunicipalDecision.objects.get(request=oslo)
    assert (decision.decided, decision.school_children, decision.large_dwellings) == (40, 12, None)
    assert decision.adaptation_capabilities == ["wheelchair"]
    assert decision.source == DecisionSource.MUNICIPALITY
    text = client.get(PAGE).content.decode()
    assert "Svaret er sendt: vedtaket er registrert hos IMDi." in text
    assert "Kommunen svarte i Integrering" in text
    assert "Bosatt mot vedtatt" in text and "Svarfristen var" not in text


def test_a_stale_page_is_409_and_keeps_what_was_typed(oslo: SettlementRequest) -> None:
    client = client_for(leader("0301"))
    assert client.post(PAGE, _form()).status_code == 302
    response = client.post(PAGE, _form(decided="44", note="Rettet tall"))
    assert response.status_code == 409
    text = response.content.decode()
    assert "Noen andre har lagret endringer i vedtaket" in text
    assert 'value="Rettet tall"' in text or "Rettet tall</textarea>" in text
    assert MunicipalDecision.objects.get().decided == 40
    bad = client.post(PAGE, _form(decided="3", version="1"))
    assert bad.status_code == 422
    assert "kan ikke være flere enn 3" in bad.content.decode()


def test_no_one_else_reaches_the_page_and_each_leader_sees_their_own(
    oslo: SettlementRequest, bergen: SettlementRequest
) -> None:
    text = client_for(leader("4601")).get(PAGE).content.decode()
    assert "Anmodning om bosetting 2026: Bergen" in text and "Oslo" not in text
    for user in (make_user(municipality_number="0301"), make_user()):
        assert client_for(user).get(PAGE).status_code == 404
        assert client_for(user).post(PAGE, _form()).status_code == 404
    assert client_for(leader("0301")).get("/bosetting/anmodning/2027/").status_code == 404
    assert client_for(leader("0301")).get("/bosetting/anmodning/1999/").status_code == 404
    # Another municipality's leader never reaches Oslo's request by the planner's ways either.
    other = client_for(leader("4601"))
    assert other.get(f"/bosetting/anmodninger/{oslo.pk}/").status_code == 404
    put = other.put(
        f"/api/v1/settlement/requests/{oslo.pk}/decision",
        {"decided": 1, "unaccompanied_minors": 0, "decided_on": "2026-05-01", "version": 0},
        content_type="application/json",
    )
    assert put.status_code == 404
    assert not MunicipalDecision.objects.exists()


# --- The API ---------------------------------------------------------------------------------


def _put(client: Client, body: dict[str, Any]) -> Any:
    return client.put(API, body, content_type="application/json")


BODY = {
    "decided": 40,
    "unaccompanied_minors": 5,
    "minors_under_15": 2,
    "large_dwellings": None,
    "school_children": 10,
    "adaptation_capabilities": ["regular_treatment"],
    "decided_on": "2026-05-20",
    "note": "",
    "version": 0,
}


def test_the_api_reads_and_answers_the_municipalitys_request(oslo: SettlementRequest) -> None:
    client = client_for(leader("0301"))
    read = client.get(API)
    assert read.status_code == 200
    body = read.json()
    assert (body["municipality"], body["requested"], body["unaccompanied_minors"]) == (
        "0301",
        50,
        6,
    )
    assert body["answer_due"] == "2026-05-01" and body["decision"] is None
    assert body["progress"]["decided"] is None and body["progress"]["settled"] == 0

    created = _put(client, BODY)
    assert created.status_code == 201
    decision = created.json()["decision"]
    assert decision["source"] == "municipality" and decision["school_children"] == 10
    assert decision["adaptation_capabilities"] == ["regular_treatment"]
    assert created.json()["progress"]["left"] == 40
    assert _put(client, BODY).status_code == 409
    updated = _put(client, {**BODY, "decided": 42, "version": 1})
    assert updated.status_code == 200 and updated.json()["decision"]["decided"] == 42
    refused = _put(client, {**BODY, "minors_under_15": 6, "version": 2})
    assert refused.status_code == 422
    assert "minors_under_15" in refused.json()["errors"]
    assert _put(client, {**BODY, "version": None}).status_code == 422


def test_the_api_is_the_leaders_own_and_404_for_anyone_else(
    oslo: SettlementRequest, bergen: SettlementRequest
) -> None:
    assert client_for(leader("4601")).get(API).json()["municipality"] == "4601"
    for user in (make_user(municipality_number="0301"), make_user()):
        assert client_for(user).get(API).status_code == 404
        assert _put(client_for(user), BODY).status_code == 404
    assert not MunicipalDecision.objects.exists()


# --- The planner's form gets the new fields ---------------------------------------------------


def test_the_planner_records_the_new_fields_as_the_directorate(oslo: SettlementRequest) -> None:
    planner = client_for(make_user())
    response = planner.post(
        f"/bosetting/anmodninger/{oslo.pk}/",
        {
            "action": "decision",
            "decision-decided": "30",
            "decision-unaccompanied_minors": "4",
            "decision-minors_under_15": "1",
            "decision-school_children": "8",
            "decision-adaptation_capabilities": ["near_hospital"],
            "decision-decided_on": "01.05.2026",
            "decision-version": "0",
        },
    )
    assert response.status_code == 302
    decision = MunicipalDecision.objects.get(request=oslo)
    assert (decision.minors_under_15, decision.school_children) == (1, 8)
    assert decision.adaptation_capabilities == ["near_hospital"]
    assert decision.source == DecisionSource.PLANNER
    page = planner.get(f"/bosetting/anmodninger/{oslo.pk}/").content.decode()
    assert "Registrert av direktoratet" in page and "Må bo nær sykehus" in page


# --- The start page ---------------------------------------------------------------------------


def test_the_leaders_start_page_shows_the_unanswered_request_then_the_progress(
    oslo: SettlementRequest,
) -> None:
    client = client_for(leader("0301"))
    text = client.get("/").content.decode()
    assert "Anmodning om bosetting" in text
    assert "Anmodning 2026: 50 personer, hvorav 6 enslige mindreårige" in text
    assert "ikke besvart, svarfristen var 01.05.2026" in text
    assert client.post(PAGE, _form()).status_code == 302
    household = make_household(
        municipality_number="0301", members=3, settled_on=datetime.date(2026, 4, 1)
    )
    assert household.members.count() == 3
    text = client.get("/").content.decode()
    assert (
        "svart med vedtak om 40 personer; 3 bosatt, 0 bekreftet og ikke bosatt, 37 gjenstår" in text
    )
    # A caseworker of Oslo sees no request on the start page.
    assert (
        "Anmodning om bosetting"
        not in client_for(make_user(municipality_number="0301")).get("/").content.decode()
    )
