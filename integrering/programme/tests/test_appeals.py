"""Appeals (klage), forvaltningsloven §§ 28-34: the deadline on both sides, the municipality's
review, the county governor's outcome, the pages and the API of both sides, and who reaches what."""

from __future__ import annotations

import datetime
import io
import json
import re
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conftest import World, client_for
from integrering.accounts.models import User
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError
from integrering.errors import NotFound
from integrering.organisations.models import CountyGovernor
from integrering.programme.models import (
    Appeal,
    AppealStatus,
    Decision,
    DecisionKind,
    DecisionStatus,
)
from integrering.programme.services.appeals import (
    appeal_decide_outcome,
    appeal_dismiss,
    appeal_forward,
    appeal_register,
    appeal_reverse,
)
from integrering.programme.services.decisions import (
    decision_create,
    decision_decide,
    decision_send,
)
from integrering.testing import make_user

D = datetime.date
TODAY = D(2024, 8, 15)
RECEIVED = D(2024, 7, 1)  # the participant received the decision
DEADLINE = D(2024, 7, 22)  # three weeks later
OSLO_GOVERNOR = "Statsforvalteren i Oslo og Viken"
VESTLAND_GOVERNOR = "Statsforvalteren i Vestland"


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(datetime.datetime(2024, 8, 15, 12, 0), tick=False):
        yield


def _ctx(user: User) -> AccessContext:
    return AccessContext(user=user, route="test")


def _draft(world: World) -> Decision:
    return decision_create(
        ctx=_ctx(world.owner),
        person=world.person,
        kind=DecisionKind.REFUSAL,
        facts="Du søkte om forlengelse.",
        reasoning="Vilkårene er ikke oppfylt.",
        conclusion="Søknaden om forlengelse avslås.",
        effective_on=D(2024, 7, 1),
    )


def _sent(world: World) -> Decision:
    decision = _draft(world)
    decision = decision_decide(
        ctx=_ctx(world.owner), decision=decision, decided_on=D(2024, 6, 28), version=1
    )
    return decision_send(
        ctx=_ctx(world.owner),
        decision=decision,
        sent_on=D(2024, 6, 28),
        received_on=RECEIVED,
        version=decision.version,
    )


def _register(world: World, decision: Decision, received_on: datetime.date, **kw: Any) -> Appeal:
    return appeal_register(
        ctx=_ctx(world.owner),
        decision_id=decision.pk,
        received_on=received_on,
        grounds="Jeg trenger mer tid for å nå sluttmålet.",
        **kw,
    )


def _forwarded(world: World) -> Appeal:
    appeal = _register(world, _sent(world), D(2024, 7, 10))
    return appeal_forward(
        ctx=_ctx(world.owner),
        appeal=appeal,
        assessment="Kommunen mener vedtaket er riktig.",
        version=appeal.version,
    )


def _governor(name: str = OSLO_GOVERNOR) -> User:
    return make_user(governor_name=name)


# Registering, and the deadline on both sides


def test_an_appeal_on_the_last_day_of_the_deadline_is_in_time(world: World) -> None:
    decision = _sent(world)
    assert decision.appeal_deadline == DEADLINE

    appeal = _register(world, decision, DEADLINE)

    assert appeal.late is False
    assert appeal.status == AppealStatus.RECEIVED
    assert appeal.municipality == decision.municipality
    assert appeal.created_by == world.owner


def test_an_appeal_the_day_after_the_deadline_is_late_but_registered(world: World) -> None:
    appeal = _register(world, _sent(world), DEADLINE + datetime.timedelta(days=1))
    assert appeal.late is True
    assert appeal.pk is not None
    assert appeal.late_heard_reason == ""


def test_an_appeal_against_a_decision_that_does_not_exist_is_refused(world: World) -> None:
    missing = (Decision.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
    with pytest.raises(NotFound, match=r"Finner ikke vedtaket \(nr\. \d+\)"):
        appeal_register(
            ctx=_ctx(world.owner), decision_id=missing, received_on=TODAY, grounds="Klage"
        )
    assert not Appeal.objects.exists()


def test_an_appeal_against_another_municipalitys_decision_is_refused(world: World) -> None:
    decision = _sent(world)
    with pytest.raises(NotFound, match="Finner ikke vedtaket"):
        appeal_register(
            ctx=_ctx(world.outsider), decision_id=decision.pk, received_on=TODAY, grounds="Klage"
        )
    assert not Appeal.objects.exists()


def test_a_draft_or_unsent_decision_cannot_be_appealed_yet(world: World) -> None:
    draft = _draft(world)
    with pytest.raises(ValidationError, match="utkast og kan ikke påklages"):
        _register(world, draft, TODAY)
    decided = decision_decide(ctx=_ctx(world.owner), decision=draft, decided_on=TODAY, version=1)
    with pytest.raises(ValidationError, match="ikke sendt til deltakeren"):
        _register(world, decided, TODAY)
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("received_on", "message"),
    [
        (D(2024, 8, 16), "fram i tid"),
        (D(2024, 6, 27), "før vedtaket ble sendt (28.06.2024)"),
    ],
)
def test_impossible_received_dates_are_refused(
    world: World, received_on: datetime.date, message: str
) -> None:
    decision = _sent(world)
    with pytest.raises(ValidationError) as exc:
        _register(world, decision, received_on)
    assert message in exc.value.message_dict["received_on"][0]
    assert not Appeal.objects.exists()


def test_the_day_it_was_sent_and_today_are_possible_received_dates(world: World) -> None:
    decision = _sent(world)
    assert _register(world, decision, D(2024, 6, 28)).late is False
    assert _register(world, decision, TODAY).late is True


def test_the_grounds_are_required(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        appeal_register(
            ctx=_ctx(world.owner), decision_id=_sent(world).pk, received_on=TODAY, grounds=" "
        )
    assert "grounds" in exc.value.message_dict


# The municipality's review


def test_a_late_appeal_without_a_reason_cannot_be_forwarded_or_reversed_only_dismissed(
    world: World,
) -> None:
    appeal = _register(world, _sent(world), D(2024, 7, 23))
    for service in (appeal_forward, appeal_reverse):
        with pytest.raises(ValidationError) as exc:
            service(ctx=_ctx(world.owner), appeal=appeal, assessment="Vurdering", version=1)
        assert "Forvaltningsloven § 31" in exc.value.message_dict["late_heard_reason"][0]
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RECEIVED

    dismissed = appeal_dismiss(
        ctx=_ctx(world.owner), appeal=appeal, assessment="Klagen kom for sent.", version=1
    )
    assert dismissed.status == AppealStatus.DISMISSED
    assert dismissed.reviewed_on == TODAY and dismissed.reviewed_by == world.owner


def test_a_late_appeal_with_a_reason_is_heard_and_cannot_be_dismissed(world: World) -> None:
    appeal = _register(
        world, _sent(world), D(2024, 7, 23), late_heard_reason="Deltakeren var innlagt på sykehus."
    )
    assert appeal.late and appeal.late_heard_reason == "Deltakeren var innlagt på sykehus."
    with pytest.raises(ValidationError, match="kan ikke avvises"):
        appeal_dismiss(ctx=_ctx(world.owner), appeal=appeal, assessment="For sent", version=1)
    forwarded = appeal_forward(
        ctx=_ctx(world.owner), appeal=appeal, assessment="Kommunen står fast.", version=1
    )
    assert forwarded.status == AppealStatus.FORWARDED


def test_the_reason_to_hear_a_late_appeal_may_be_given_when_forwarding(world: World) -> None:
    appeal = _register(world, _sent(world), D(2024, 7, 23))
    forwarded = appeal_forward(
        ctx=_ctx(world.owner),
        appeal=appeal,
        assessment="Kommunen står fast.",
        version=1,
        late_heard_reason="Brevet ble sendt til feil adresse.",
    )
    assert forwarded.late_heard_reason == "Brevet ble sendt til feil adresse."


def test_an_appeal_in_time_cannot_be_dismissed_as_late(world: World) -> None:
    appeal = _register(world, _sent(world), DEADLINE)
    with pytest.raises(ValidationError, match="innen fristen"):
        appeal_dismiss(ctx=_ctx(world.owner), appeal=appeal, assessment="Nei", version=1)


def test_the_municipality_reverses_its_decision_with_a_new_draft(world: World) -> None:
    decision = _sent(world)
    appeal = _register(world, decision, D(2024, 7, 10))

    reversed_ = appeal_reverse(
        ctx=_ctx(world.owner), appeal=appeal, assessment="Klageren har rett.", version=1
    )

    assert reversed_.status == AppealStatus.REVERSED
    assert reversed_.municipality_assessment == "Klageren har rett."
    new = reversed_.new_decision
    assert new is not None and new.pk != decision.pk
    assert new.replaces == decision
    assert new.status == DecisionStatus.DRAFT
    assert (new.kind, new.act, new.subject, new.facts, new.conclusion) == (
        decision.kind,
        decision.act,
        decision.subject,
        decision.facts,
        decision.conclusion,
    )
    # The new decision cannot be dated before the one it replaces.
    with pytest.raises(ValidationError, match="før vedtaket som omgjøres"):
        decision_decide(ctx=_ctx(world.owner), decision=new, decided_on=D(2024, 6, 27), version=1)


def test_forwarding_sends_the_case_to_the_county_governor_of_the_county(world: World) -> None:
    appeal = _register(world, _sent(world), D(2024, 7, 10))
    with pytest.raises(ValidationError) as exc:
        appeal_forward(ctx=_ctx(world.owner), appeal=appeal, assessment=" ", version=1)
    assert "assessment" in exc.value.message_dict

    forwarded = appeal_forward(
        ctx=_ctx(world.owner), appeal=appeal, assessment="Vedtaket opprettholdes.", version=1
    )

    assert forwarded.status == AppealStatus.FORWARDED
    assert forwarded.county_governor == CountyGovernor.objects.get(name=OSLO_GOVERNOR)
    assert (forwarded.reviewed_on, forwarded.reviewed_by) == (TODAY, world.owner)


def test_a_reviewed_appeal_cannot_be_reviewed_again_and_a_stale_one_is_a_conflict(
    world: World,
) -> None:
    appeal = _register(world, _sent(world), D(2024, 7, 10))
    stale = Appeal.objects.get(pk=appeal.pk)
    appeal_forward(ctx=_ctx(world.owner), appeal=appeal, assessment="A", version=1)
    with pytest.raises(ValidationError, match="allerede behandlet"):
        appeal_reverse(ctx=_ctx(world.owner), appeal=appeal, assessment="B", version=2)
    # Two caseworkers with the same page open: the second save is refused.
    with pytest.raises(ConflictError):
        appeal_reverse(ctx=_ctx(world.owner), appeal=stale, assessment="B", version=1)
    assert Decision.objects.count() == 1


# The county governor


def test_the_county_governor_upholds_a_forwarded_appeal(world: World) -> None:
    appeal = _forwarded(world)
    officer = _governor()

    decided = appeal_decide_outcome(
        ctx=_ctx(officer),
        appeal=appeal,
        outcome=AppealStatus.UPHELD,
        reasoning="Kommunens vurdering er riktig.",
        decided_on=TODAY,
        version=appeal.version,
    )

    assert decided.status == AppealStatus.UPHELD
    assert (decided.outcome_on, decided.outcome_by) == (TODAY, officer)
    assert decided.outcome_reasoning == "Kommunens vurdering er riktig."


@pytest.mark.parametrize("user_kind", ["vestland", "owner", "outsider"])
def test_only_the_county_governor_it_was_sent_to_decides(world: World, user_kind: str) -> None:
    appeal = _forwarded(world)
    if user_kind == "vestland":
        user = _governor(VESTLAND_GOVERNOR)
    else:
        user = world.owner if user_kind == "owner" else world.outsider
    with pytest.raises(NotFound):
        appeal_decide_outcome(
            ctx=_ctx(user),
            appeal=appeal,
            outcome=AppealStatus.UPHELD,
            reasoning="R",
            decided_on=TODAY,
            version=appeal.version,
        )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED


def test_the_outcome_needs_a_valid_outcome_a_reasoning_and_a_possible_date(world: World) -> None:
    appeal = _forwarded(world)  # forwarded today, 15.08.2024
    officer = _governor()

    def decide(**kw: Any) -> Appeal:
        data: dict[str, Any] = {
            "outcome": AppealStatus.UPHELD,
            "reasoning": "R",
            "decided_on": TODAY,
            **kw,
        }
        return appeal_decide_outcome(ctx=_ctx(officer), appeal=appeal, version=2, **data)

    cases: list[tuple[dict[str, Any], str]] = [
        ({"outcome": AppealStatus.DISMISSED}, "outcome"),
        ({"reasoning": ""}, "reasoning"),
        ({"decided_on": D(2024, 8, 14)}, "decided_on"),  # before it was forwarded
        ({"decided_on": D(2024, 8, 16)}, "decided_on"),  # in the future
    ]
    for changes, field in cases:
        with pytest.raises(ValidationError) as exc:
            decide(**changes)
        assert field in exc.value.message_dict, changes
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED

    changed = decide(outcome=AppealStatus.CHANGED, changed_conclusion="Forlengelse innvilges.")
    assert changed.status == AppealStatus.CHANGED
    with pytest.raises(ValidationError, match="allerede avgjort"):
        appeal_decide_outcome(
            ctx=_ctx(officer),
            appeal=appeal,
            outcome=AppealStatus.QUASHED,
            reasoning="R",
            decided_on=TODAY,
            version=3,
        )


def test_an_appeal_not_forwarded_is_not_the_county_governors(world: World) -> None:
    appeal = _register(world, _sent(world), D(2024, 7, 10))
    with pytest.raises(NotFound):
        appeal_decide_outcome(
            ctx=_ctx(_governor()),
            appeal=appeal,
            outcome=AppealStatus.UPHELD,
            reasoning="R",
            decided_on=TODAY,
            version=1,
        )


# Pages, the municipality's side


def _appeal_url(name: str, appeal: Appeal) -> str:
    return reverse(f"programme:{name}", kwargs={"appeal_id": appeal.pk})


def _governor_url(name: str, appeal: Appeal) -> str:
    return reverse(f"programme:{name}", kwargs={"governor_appeal_id": appeal.pk})


def test_the_caseworker_registers_and_forwards_an_appeal_through_the_pages(
    world: World, owner_client: Client
) -> None:
    decision = _sent(world)
    create = reverse("programme:appeal-create", kwargs={"decision_id": decision.pk})
    page = owner_client.get(create)
    assert page.status_code == 200
    assert "22.07.2024" in page.content.decode()  # the deadline

    response = owner_client.post(
        create, {"received_on": "2024-07-23", "grounds": "Jeg er uenig.", "late_heard_reason": ""}
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _appeal_url("appeal-detail", appeal)
    detail = owner_client.get(response["Location"]).content.decode()
    assert "kom etter klagefristen" in detail  # the message
    assert "Nei, klagen kom for sent" in detail
    assert "Avvis klagen" in detail

    refused = owner_client.post(
        _appeal_url("appeal-forward", appeal),
        {"forward-assessment": "Kommunen står fast.", "forward-version": "1"},
    )
    assert refused.status_code == 422
    assert "Skriv hvorfor den likevel behandles" in refused.content.decode()

    forwarded = owner_client.post(
        _appeal_url("appeal-forward", appeal),
        {
            "forward-assessment": "Kommunen står fast.",
            "forward-late_heard_reason": "Deltakeren var syk.",
            "forward-version": "1",
        },
    )
    assert forwarded.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED
    detail = owner_client.get(_appeal_url("appeal-detail", appeal)).content.decode()
    assert "Sendt til Statsforvalteren" in detail
    assert OSLO_GOVERNOR in detail
    decision_page = owner_client.get(
        reverse("programme:decision-detail", kwargs={"decision_id": decision.pk})
    ).content.decode()
    assert _appeal_url("appeal-detail", appeal) in decision_page


def test_reversing_through_the_page_opens_the_new_draft(world: World, owner_client: Client) -> None:
    appeal = _register(world, _sent(world), D(2024, 7, 10))
    response = owner_client.post(
        _appeal_url("appeal-reverse", appeal),
        {"reverse-assessment": "Klageren har rett.", "reverse-version": "1"},
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "programme:decision-detail", kwargs={"decision_id": appeal.new_decision_id}
    )


def test_dismissing_through_the_page(world: World, owner_client: Client) -> None:
    appeal = _register(world, _sent(world), D(2024, 7, 23))
    response = owner_client.post(
        _appeal_url("appeal-dismiss", appeal),
        {"dismiss-assessment": "For sent, ingen grunn.", "dismiss-version": "1"},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.DISMISSED


def test_the_appeal_page_refuses_a_draft_decision_with_a_clear_message(
    world: World, owner_client: Client
) -> None:
    draft = _draft(world)
    create = reverse("programme:appeal-create", kwargs={"decision_id": draft.pk})
    assert "kan ikke påklages ennå" in owner_client.get(create).content.decode()
    response = owner_client.post(create, {"received_on": "2024-08-01", "grounds": "Klage"})
    assert response.status_code == 422
    assert "kan ikke påklages ennå" in response.content.decode()
    assert not Appeal.objects.exists()


def test_the_appeal_list_shows_open_appeals_first(world: World, owner_client: Client) -> None:
    decision = _sent(world)
    dismissed = _register(world, decision, D(2024, 8, 1))
    appeal_dismiss(ctx=_ctx(world.owner), appeal=dismissed, assessment="For sent", version=1)
    open_one = _register(world, decision, D(2024, 7, 5))
    body = owner_client.get(reverse("programme:appeal-list")).content.decode()
    first = body.index(_appeal_url("appeal-detail", open_one))
    assert first < body.index(_appeal_url("appeal-detail", dismissed))
    filtered = owner_client.get(reverse("programme:appeal-list"), {"status": "dismissed"})
    assert _appeal_url("appeal-detail", open_one) not in filtered.content.decode()


def test_an_outsider_gets_404_on_every_appeal_route(world: World) -> None:
    appeal = _register(world, _sent(world), D(2024, 7, 10))
    outsider = client_for(world.outsider)
    assert outsider.get(_appeal_url("appeal-detail", appeal)).status_code == 404
    for name in ["appeal-reverse", "appeal-dismiss", "appeal-forward"]:
        assert outsider.post(_appeal_url(name, appeal), {}).status_code == 404, name
    create = reverse("programme:appeal-create", kwargs={"decision_id": appeal.decision_id})
    assert outsider.get(create).status_code == 404
    assert outsider.post(create, {"received_on": "2024-08-01", "grounds": "x"}).status_code == 404
    assert "Eierstad" not in outsider.get(reverse("programme:appeal-list")).content.decode()
    assert Appeal.objects.count() == 1


# Pages, the county governor's side


def test_the_county_governor_sees_the_appeal_and_records_the_outcome_both_sides_see_it(
    world: World, owner_client: Client
) -> None:
    appeal = _forwarded(world)
    governor = client_for(_governor())

    inbox = governor.get(reverse("programme:governor-appeal-list"))
    assert inbox.status_code == 200
    assert _governor_url("governor-appeal-detail", appeal) in inbox.content.decode()
    assert "1 venter på avgjørelse" in inbox.content.decode()

    page = governor.get(_governor_url("governor-appeal-detail", appeal)).content.decode()
    assert "Kommunen mener vedtaket er riktig." in page  # the municipality's assessment
    assert "Søknaden om forlengelse avslås." in page  # the decision
    assert _governor_url("governor-appeal-letter", appeal) in page

    letter = governor.get(_governor_url("governor-appeal-letter", appeal))
    assert letter.status_code == 200
    stored = appeal.decision.letter_pdf
    assert stored is not None and letter.content == bytes(stored)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.content)).pages)
    assert "Søknaden om forlengelse avslås." in text

    response = governor.post(
        _governor_url("governor-appeal-detail", appeal),
        {
            "outcome": "upheld",
            "decided_on": "2024-08-15",
            "reasoning": "Statsforvalteren er enig med kommunen.",
            "version": str(appeal.version),
        },
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD

    municipal = owner_client.get(_appeal_url("appeal-detail", appeal)).content.decode()
    assert re.search(r'id="appeal-outcome">Stadfestet, 15\.08\.2024', municipal)
    assert "Statsforvalteren er enig med kommunen." in municipal
    governor_page = governor.get(_governor_url("governor-appeal-detail", appeal)).content.decode()
    assert "Registrer utfallet" not in governor_page
    assert "Stadfestet" in governor_page


def test_the_outcome_form_shows_refusals(world: World) -> None:
    appeal = _forwarded(world)
    governor = client_for(_governor())
    response = governor.post(
        _governor_url("governor-appeal-detail", appeal),
        {"outcome": "upheld", "decided_on": "2024-08-16", "reasoning": "R", "version": "2"},
    )
    assert response.status_code == 422
    assert "Vedtaksdatoen kan ikke være fram i tid." in response.content.decode()
    stale = governor.post(
        _governor_url("governor-appeal-detail", appeal),
        {"outcome": "upheld", "decided_on": "2024-08-15", "reasoning": "R", "version": "1"},
    )
    assert stale.status_code == 409


def test_another_county_governor_and_municipal_users_get_404_on_governor_routes(
    world: World,
) -> None:
    appeal = _forwarded(world)
    for user in (_governor(VESTLAND_GOVERNOR), world.owner, world.outsider):
        client = client_for(user)
        for name in ["governor-appeal-detail", "governor-appeal-letter"]:
            assert client.get(_governor_url(name, appeal)).status_code == 404, (user, name)
        post = client.post(
            _governor_url("governor-appeal-detail", appeal),
            {"outcome": "upheld", "decided_on": "2024-08-15", "reasoning": "R", "version": "2"},
        )
        assert post.status_code == 404
    vestland_inbox = client_for(_governor(VESTLAND_GOVERNOR)).get(
        reverse("programme:governor-appeal-list")
    )
    assert vestland_inbox.status_code == 200
    assert "Eierstad" not in vestland_inbox.content.decode()
    assert client_for(world.owner).get(reverse("programme:governor-appeal-list")).status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED


def test_an_appeal_still_with_the_municipality_is_not_in_the_governors_inbox(
    world: World,
) -> None:
    appeal = _register(world, _sent(world), D(2024, 7, 10))
    governor = client_for(_governor())
    assert governor.get(_governor_url("governor-appeal-detail", appeal)).status_code == 404
    assert "0 venter" in governor.get(reverse("programme:governor-appeal-list")).content.decode()


# API


def _json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_registers_forwards_and_the_governor_decides(
    world: World, owner_client: Client
) -> None:
    decision = _sent(world)
    created = _json(
        owner_client,
        f"/api/v1/decisions/{decision.pk}/appeals",
        {"received_on": "2024-07-22", "grounds": "Uenig"},
    )
    assert created.status_code == 201, created.content
    appeal = created.json()
    assert (appeal["late"], appeal["status"]) == (False, "received")

    listed = owner_client.get("/api/v1/appeals/").json()
    assert [a["id"] for a in listed] == [appeal["id"]]
    assert owner_client.get(f"/api/v1/appeals/{appeal['id']}").json()["grounds"] == "Uenig"

    no_assessment = _json(owner_client, f"/api/v1/appeals/{appeal['id']}/forward", {"version": 1})
    assert no_assessment.status_code == 422
    assert "assessment" in no_assessment.json()["errors"]
    forwarded = _json(
        owner_client,
        f"/api/v1/appeals/{appeal['id']}/forward",
        {"assessment": "Står fast", "version": 1},
    )
    assert forwarded.json()["county_governor"] == OSLO_GOVERNOR
    conflict = _json(
        owner_client, f"/api/v1/appeals/{appeal['id']}/reverse", {"assessment": "x", "version": 1}
    )
    assert conflict.status_code == 422  # already reviewed

    governor = client_for(_governor())
    inbox = governor.get("/api/v1/county-governor/appeals/").json()
    assert [a["id"] for a in inbox] == [appeal["id"]]
    detail = governor.get(f"/api/v1/county-governor/appeals/{appeal['id']}").json()
    assert detail["decision_detail"]["conclusion"] == "Søknaden om forlengelse avslås."
    assert detail["municipality_assessment"] == "Står fast"
    stale = _json(
        governor,
        f"/api/v1/county-governor/appeals/{appeal['id']}/outcome",
        {"outcome": "quashed", "reasoning": "R", "decided_on": "2024-08-15", "version": 1},
    )
    assert stale.status_code == 409
    outcome = _json(
        governor,
        f"/api/v1/county-governor/appeals/{appeal['id']}/outcome",
        {
            "outcome": "quashed",
            "reasoning": "Saken er ikke godt nok opplyst.",
            "decided_on": "2024-08-15",
            "version": 2,
        },
    )
    assert outcome.status_code == 200, outcome.content
    assert outcome.json()["status_label"] == "Opphevet"
    assert owner_client.get(f"/api/v1/appeals/{appeal['id']}").json()["status"] == "quashed"


def test_the_api_refuses_an_appeal_against_a_decision_that_does_not_exist(
    world: World, owner_client: Client
) -> None:
    response = _json(
        owner_client,
        "/api/v1/decisions/999999/appeals",
        {"received_on": "2024-08-01", "grounds": "x"},
    )
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Finner ikke vedtaket (nr. 999999)")
    assert "Klagen er ikke registrert" in response.json()["detail"]
    assert not Appeal.objects.exists()


def test_the_api_reverses_and_dismisses(world: World, owner_client: Client) -> None:
    decision = _sent(world)
    late = _register(world, decision, D(2024, 7, 23))
    dismissed = _json(
        owner_client, f"/api/v1/appeals/{late.pk}/dismiss", {"assessment": "For sent", "version": 1}
    )
    assert dismissed.json()["status"] == "dismissed"
    in_time = _register(world, decision, D(2024, 7, 2))
    reversed_ = _json(
        owner_client, f"/api/v1/appeals/{in_time.pk}/reverse", {"assessment": "Rett", "version": 1}
    ).json()
    assert reversed_["status"] == "reversed"
    assert Decision.objects.get(pk=reversed_["new_decision"]).replaces_id == decision.pk


def test_the_api_keeps_each_side_to_its_own(world: World) -> None:
    appeal = _forwarded(world)
    outsider = client_for(world.outsider)
    assert outsider.get(f"/api/v1/appeals/{appeal.pk}").status_code == 404
    assert _json(outsider, f"/api/v1/decisions/{appeal.decision_id}/appeals", {}).status_code == 404
    assert outsider.get("/api/v1/appeals/").json() == []
    assert outsider.get("/api/v1/county-governor/appeals/").status_code == 404
    vestland = client_for(_governor(VESTLAND_GOVERNOR))
    assert vestland.get(f"/api/v1/county-governor/appeals/{appeal.pk}").status_code == 404
    assert vestland.get("/api/v1/county-governor/appeals/").json() == []
    assert (
        _json(
            vestland,
            f"/api/v1/county-governor/appeals/{appeal.pk}/outcome",
            {"outcome": "upheld", "reasoning": "R", "decided_on": "2024-08-15", "version": 2},
        ).status_code
        == 404
    )
    owner = client_for(world.owner)
    assert owner.get(f"/api/v1/county-governor/appeals/{appeal.pk}").status_code == 404
    assert (
        client_for(_governor()).get(f"/api/v1/county-governor/appeals/{appeal.pk}").status_code
        == 200
    )
