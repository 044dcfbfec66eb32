"""Individual decisions (enkeltvedtak): the rules of draft → decided → sent, the letter in bokmål,
the pages and the API, and who reaches them."""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conftest import World, client_for
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import Deadline
from integrering.casework.services.arrival import household_settle
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.concurrency import ConflictError
from integrering.people.models import InformationCategory
from integrering.programme.models import (
    Act,
    Decision,
    DecisionKind,
    DecisionStatus,
    Participation,
)
from integrering.programme.services.decisions import (
    decision_create,
    decision_decide,
    decision_letter_pdf,
    decision_send,
    decision_update,
    legal_basis,
)
from integrering.programme.testing import make_participation
from integrering.testing import make_user, post_confirmed

D = datetime.date
TODAY = D(2024, 7, 1)
SETTLED = D(2024, 3, 1)  # the world's household


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(datetime.datetime(2024, 7, 1, 12, 0), tick=False):
        yield


def _ctx(world: World) -> AccessContext:
    return AccessContext(user=world.owner, route="test")


def _refusal(world: World, **changes: Any) -> Decision:
    data: dict[str, Any] = {
        "kind": DecisionKind.REFUSAL,
        "facts": "Du søkte 10.06.2024 om å forlenge introduksjonsprogrammet.",
        "reasoning": "Det er ikke grunn til å forvente at du når sluttmålet med mer tid.",
        "conclusion": "Søknaden om forlengelse av introduksjonsprogrammet avslås.",
        "effective_on": D(2024, 7, 1),
        **changes,
    }
    return decision_create(ctx=_ctx(world), person=world.person, **data)


DECIDED_ON = D(2024, 6, 20)
SENT_ON = D(2024, 6, 21)


def _decided(world: World, on: datetime.date = DECIDED_ON) -> Decision:
    decision = _refusal(world)
    return decision_decide(ctx=_ctx(world), decision=decision, decided_on=on, version=1)


def _sent(world: World, sent_on: datetime.date = SENT_ON, **kwargs: Any) -> Decision:
    decision = _decided(world)
    return decision_send(
        ctx=_ctx(world), decision=decision, sent_on=sent_on, version=decision.version, **kwargs
    )


def _stored_letter(decision: Decision) -> bytes:
    letter = Decision.objects.get(pk=decision.pk).letter_pdf
    assert letter is not None
    return bytes(letter)


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def _url(name: str, decision: Decision) -> str:
    return reverse(f"programme:{name}", kwargs={"decision_id": decision.pk})


# Drafting by hand


def test_a_refusal_is_drafted_with_the_legal_basis_of_the_act_in_force(world: World) -> None:
    decision = _refusal(world)

    assert decision.status == DecisionStatus.DRAFT
    assert decision.act == Act.INTEGRATION_ACT  # 2024: integreringsloven
    assert decision.legal_basis == legal_basis(
        act=Act.INTEGRATION_ACT, kind=DecisionKind.REFUSAL, on=TODAY
    )
    assert "Integreringsloven kapittel 4" in decision.legal_basis
    assert decision.subject == "Vedtak om avslag"
    assert decision.municipality.number == "0301"
    assert decision.created_by == world.owner
    assert re.fullmatch(r"V-2024-\d{6}", decision.reference)
    assert AuditEvent.objects.filter(
        person_id=world.person.pk, action=AuditAction.CREATE, detail__contains="refusal"
    ).exists()


def test_a_decision_before_2021_falls_under_the_introduction_act(world: World) -> None:
    decision = _refusal(world, effective_on=D(2020, 12, 31))
    assert decision.act == Act.INTRODUCTION_ACT
    assert decision.legal_basis.startswith("Introduksjonsloven")
    assert _refusal(world, effective_on=D(2021, 1, 1)).act == Act.INTEGRATION_ACT


def test_a_decision_on_a_participation_takes_its_act(world: World) -> None:
    participation = make_participation(world.person, permit_date=D(2020, 6, 1), final_goal="any")
    assert participation.act == Act.INTRODUCTION_ACT
    decision = _refusal(world, participation=participation)
    assert decision.act == Act.INTRODUCTION_ACT
    assert decision.participation == participation


def test_the_texts_are_required_and_nothing_is_written_without_them(world: World) -> None:
    before = Decision.objects.count()
    with pytest.raises(ValidationError) as exc:
        _refusal(world, facts="  ", reasoning="", conclusion="", effective_on=None)
    assert set(exc.value.message_dict) == {"facts", "reasoning", "conclusion", "effective_on"}
    assert "Skriv begrunnelsen" in exc.value.message_dict["reasoning"][0]
    assert Decision.objects.count() == before


def test_a_reduction_needs_an_amount_and_only_a_reduction_has_one(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        _refusal(world, kind=DecisionKind.REDUCTION)
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _refusal(world, kind=DecisionKind.REDUCTION, amount=Decimal("0"))
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _refusal(world, amount=Decimal("100"))
    assert "amount" in exc.value.message_dict

    reduction = _refusal(world, kind=DecisionKind.REDUCTION, amount=Decimal("1250.50"))
    assert reduction.amount == Decimal("1250.50")
    assert "§ 21" in reduction.legal_basis


def test_a_participation_of_another_person_is_refused(world: World) -> None:
    other = world.household.members.exclude(pk=world.person.pk).order_by("pk").first()
    assert other is not None
    participation = make_participation(other)
    with pytest.raises(ValidationError) as exc:
        _refusal(world, participation=participation)
    assert "participation" in exc.value.message_dict


# Editing a draft


def test_a_draft_is_edited_and_its_version_moves(world: World) -> None:
    decision = _refusal(world)
    updated = decision_update(
        ctx=_ctx(world),
        decision=decision,
        subject="Vedtak om avslag på forlengelse",
        facts="Nye fakta.",
        reasoning="Ny begrunnelse.",
        conclusion="Nytt vedtak.",
        effective_on=D(2024, 8, 1),
        version=1,
    )
    assert updated.version == 2
    assert (updated.subject, updated.facts, updated.effective_on) == (
        "Vedtak om avslag på forlengelse",
        "Nye fakta.",
        D(2024, 8, 1),
    )


def test_a_stale_edit_is_a_conflict_and_changes_nothing(world: World) -> None:
    decision = _refusal(world)
    texts: dict[str, Any] = {
        "subject": "A",
        "facts": "F",
        "reasoning": "R",
        "conclusion": "C",
        "effective_on": D(2024, 8, 1),
    }
    decision_update(ctx=_ctx(world), decision=decision, version=1, **texts)
    with pytest.raises(ConflictError):
        decision_update(ctx=_ctx(world), decision=decision, version=1, **{**texts, "facts": "X"})
    decision.refresh_from_db()
    assert decision.facts == "F"


def test_a_decided_decision_cannot_be_edited(world: World) -> None:
    decision = _decided(world)
    with pytest.raises(ValidationError, match="kan ikke endres"):
        decision_update(
            ctx=_ctx(world),
            decision=decision,
            subject="A",
            facts="F",
            reasoning="R",
            conclusion="C",
            effective_on=D(2024, 8, 1),
            version=decision.version,
        )
    decision.refresh_from_db()
    assert decision.facts.startswith("Du søkte")


# Deciding


def test_a_decision_dated_today_is_made_and_one_dated_tomorrow_is_refused(world: World) -> None:
    decision = _refusal(world)
    with pytest.raises(ValidationError) as exc:
        decision_decide(ctx=_ctx(world), decision=decision, decided_on=D(2024, 7, 2), version=1)
    assert "fram i tid" in exc.value.message_dict["decided_on"][0]
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT

    decided = decision_decide(ctx=_ctx(world), decision=decision, decided_on=TODAY, version=1)
    assert decided.status == DecisionStatus.DECIDED
    assert decided.decided_on == TODAY
    assert decided.decided_by == world.owner


def test_a_decision_cannot_be_dated_before_the_case_began(world: World) -> None:
    decision = _refusal(world)
    with pytest.raises(ValidationError) as exc:
        decision_decide(
            ctx=_ctx(world),
            decision=decision,
            decided_on=SETTLED - datetime.timedelta(1),
            version=1,
        )
    assert "før bosettingen (01.03.2024)" in exc.value.message_dict["decided_on"][0]
    # The settlement day itself is allowed; the date it takes effect may be later.
    decided = decision_decide(ctx=_ctx(world), decision=decision, decided_on=SETTLED, version=1)
    assert decided.decided_on == SETTLED < decided.effective_on  # type: ignore[operator]


def test_a_decision_number_takes_the_year_it_was_decided_and_a_draft_the_year_it_was_made(
    world: World,
) -> None:
    with time_machine.travel(
        datetime.datetime(2024, 12, 31, 23, 30, tzinfo=datetime.UTC), tick=False
    ):
        # 23:30 UTC is 00:30 on New Year's Day in Norway: the draft belongs to 2025.
        new_year_draft = _refusal(world)
    draft = _refusal(world)
    decided = _decided(world)
    # Made in one year and decided in the next: the number follows the decision.
    Decision.objects.filter(pk=decided.pk).update(
        created_at=datetime.datetime(2023, 12, 20, 12, 0, tzinfo=datetime.UTC)
    )
    decided.refresh_from_db()

    assert new_year_draft.reference == f"V-2025-{new_year_draft.pk:06d}"
    assert draft.reference == f"V-2024-{draft.pk:06d}"
    assert decided.reference == f"V-2024-{decided.pk:06d}"
    with time_machine.travel(datetime.datetime(2026, 2, 1, 12, 0), tick=False):
        assert decided.reference.startswith("V-2024-")


def test_deciding_twice_is_refused(world: World) -> None:
    decision = _decided(world)
    with pytest.raises(ValidationError, match="kan ikke endres"):
        decision_decide(
            ctx=_ctx(world), decision=decision, decided_on=TODAY, version=decision.version
        )


def _start_decision(world: World) -> tuple[Participation, Decision]:
    household_settle(ctx=AccessContext.command("test"), household=world.household)
    participation = make_participation(world.person, starts_on=D(2024, 4, 1))
    return participation, participation.decisions.get(kind=DecisionKind.START)


def test_a_start_decision_meets_the_programme_decision_deadline_on_the_last_day(
    world: World, owner_client: Client
) -> None:
    _participation, decision = _start_decision(world)
    deadline = Deadline.objects.get(person=world.person, kind="programme_decision")
    assert deadline.due_on == D(2024, 6, 1)  # three months from settlement

    decision_decide(ctx=_ctx(world), decision=decision, decided_on=D(2024, 6, 1), version=1)

    deadline.refresh_from_db()
    assert deadline.met_on == D(2024, 6, 1)
    assert deadline.met_by == world.owner
    page = owner_client.get(_url("decision-detail", decision)).content.decode()
    assert "vedtatt innen fristen" in page


def test_a_start_decision_after_the_deadline_is_shown_as_late(
    world: World, owner_client: Client
) -> None:
    _participation, decision = _start_decision(world)

    decision_decide(ctx=_ctx(world), decision=decision, decided_on=D(2024, 6, 2), version=1)

    deadline = Deadline.objects.get(person=world.person, kind="programme_decision")
    assert deadline.met_on == D(2024, 6, 2) > deadline.due_on
    page = owner_client.get(_url("decision-detail", decision)).content.decode()
    assert "vedtatt etter fristen" in page


def test_a_refusal_does_not_meet_the_programme_decision_deadline(world: World) -> None:
    household_settle(ctx=AccessContext.command("test"), household=world.household)
    _decided(world)
    assert Deadline.objects.get(person=world.person, kind="programme_decision").met_on is None


# Sending


def test_sending_stores_the_letter_and_opens_the_three_week_appeal_deadline(
    world: World,
) -> None:
    decision = _sent(world, sent_on=D(2024, 6, 21))

    assert decision.status == DecisionStatus.SENT
    assert decision.received_on == D(2024, 6, 21)  # by default the day it was sent
    assert decision.appeal_deadline == D(2024, 7, 12)  # three weeks from receipt
    stored = _stored_letter(decision)
    assert stored.startswith(b"%PDF")
    # The appeal deadline is the participant's, kept on the decision: not a task on the
    # caseworker's deadline dashboard.
    assert not Deadline.objects.filter(person=world.person, kind="appeal").exists()


def test_the_appeal_deadline_runs_from_when_the_participant_received_it(world: World) -> None:
    decision = _sent(world, sent_on=D(2024, 6, 21), received_on=D(2024, 6, 25))
    assert decision.appeal_deadline == D(2024, 7, 16)


def test_a_second_decision_gets_its_own_appeal_deadline(world: World) -> None:
    first = _sent(world, sent_on=D(2024, 6, 21))
    second = _sent(world, sent_on=D(2024, 6, 24))
    first.refresh_from_db()
    assert (first.appeal_deadline, second.appeal_deadline) == (D(2024, 7, 12), D(2024, 7, 15))


@pytest.mark.parametrize(
    ("sent_on", "received_on", "field", "message"),
    [
        (D(2024, 6, 19), None, "sent_on", "før det ble vedtatt (20.06.2024)"),
        (TODAY + datetime.timedelta(days=1), None, "sent_on", "kan ikke være fram i tid"),
        (D(2024, 6, 21), D(2024, 6, 20), "received_on", "før det ble sendt"),
        (D(2024, 6, 21), TODAY + datetime.timedelta(days=1), "received_on", "fram i tid"),
    ],
)
def test_sending_refuses_impossible_dates(
    world: World,
    sent_on: datetime.date,
    received_on: datetime.date | None,
    field: str,
    message: str,
) -> None:
    decision = _decided(world, on=D(2024, 6, 20))
    with pytest.raises(ValidationError) as exc:
        decision_send(
            ctx=_ctx(world),
            decision=decision,
            sent_on=sent_on,
            received_on=received_on,
            version=decision.version,
        )
    assert message in exc.value.message_dict[field][0]
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED
    assert not Deadline.objects.filter(person=world.person, kind="appeal").exists()


def test_a_decision_on_its_decided_day_can_be_sent_that_day(world: World) -> None:
    decision = _decided(world, on=D(2024, 6, 20))
    sent = decision_send(
        ctx=_ctx(world), decision=decision, sent_on=D(2024, 6, 20), version=decision.version
    )
    assert sent.sent_on == D(2024, 6, 20)


def test_a_draft_cannot_be_sent_and_a_sent_one_not_twice(world: World) -> None:
    draft = _refusal(world)
    with pytest.raises(ValidationError, match="må vedtas"):
        decision_send(ctx=_ctx(world), decision=draft, sent_on=TODAY, version=1)
    sent = _sent(world)
    with pytest.raises(ValidationError, match=r"ble sendt 21\.06\.2024"):
        decision_send(ctx=_ctx(world), decision=sent, sent_on=TODAY, version=sent.version)


# The letter


def test_the_letter_has_every_part_of_an_individual_decision(world: World) -> None:
    decision = _sent(world, sent_on=D(2024, 6, 21))
    text = _pdf_text(decision_letter_pdf(decision))
    person = world.person
    for expected in [
        "Oslo kommune",
        "Flyktningtjenesten",
        person.full_name,
        f"{person.full_name} {person.address_line} 0150 OSLO",
        f"Fødselsnummer {person.identity_number}",
        "Dato 21.06.2024",
        f"Vår referanse {decision.reference}",
        "Vedtaksdato 20.06.2024",
        "Vedtak om avslag",
        "Søknaden om forlengelse av introduksjonsprogrammet avslås.",
        "Hjemmel",
        "Integreringsloven kapittel 4 (introduksjonsprogrammet)",
        "Faktiske forhold",
        "Du søkte 10.06.2024 om å forlenge introduksjonsprogrammet.",
        "Begrunnelse",
        "Det er ikke grunn til å forvente at du når sluttmålet med mer tid.",
        "Du har rett til å klage",
        "Fristen for å klage er 3 uker fra den dagen du mottok dette brevet",
        "(forvaltningsloven §§ 28 og 29)",
        "siste frist 12.07.2024",
        "Klagen sender du til Oslo kommune, flyktningtjenesten",
        "sender vi klagen til Statsforvalteren i Oslo og Viken",
        "forvaltningsloven § 18",
        "(forvaltningsloven § 31)",
        "Med hilsen",
        world.owner.get_full_name() or world.owner.username,
    ]:
        assert expected in text, f"{expected!r} is missing from the letter"
    assert "UTKAST" not in text


def test_a_draft_letter_says_utkast_and_has_no_decided_date(world: World) -> None:
    text = _pdf_text(decision_letter_pdf(_refusal(world)))
    assert "UTKAST" in text
    assert "Vedtaksdato" not in text
    assert "Du har rett til å klage" in text


def test_a_reduction_letter_shows_the_amount(world: World) -> None:
    decision = _refusal(world, kind=DecisionKind.REDUCTION, amount=Decimal("1250.50"))
    text = _pdf_text(decision_letter_pdf(decision))
    assert "Vedtak om trekk i introduksjonsstønaden" in text
    assert re.search(r"Beløp: kr 1\s?250,50", text)


def test_the_sent_letter_is_kept_as_it_was_sent(world: World, owner_client: Client) -> None:
    decision = _sent(world)
    stored = _stored_letter(decision)
    # Even if the row were changed behind the product's back, the letter served is the one sent.
    Decision.objects.filter(pk=decision.pk).update(conclusion="Endret i ettertid.")

    response = owner_client.get(_url("decision-letter", decision))

    assert response.status_code == 200
    assert response.content == stored
    assert "Endret i ettertid" not in _pdf_text(response.content)


def test_the_letter_downloads_as_an_attachment_and_is_audited(
    world: World, owner_client: Client
) -> None:
    decision = _refusal(world)

    response = owner_client.get(_url("decision-letter", decision))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="vedtak-{decision.reference}.pdf"'
    )
    assert re.fullmatch(
        r'attachment; filename="vedtak-V-2024-\d{6}\.pdf"', response["Content-Disposition"]
    )
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(
        person_id=world.person.pk, action=AuditAction.EXPORT, detail__contains=decision.reference
    ).exists()


# Pages


def test_the_caseworker_drafts_edits_decides_and_sends_through_the_pages(
    world: World, owner_client: Client
) -> None:
    create_url = reverse("programme:decision-create", kwargs={"person_id": world.person.pk})
    assert owner_client.get(create_url).status_code == 200
    response = owner_client.post(
        create_url,
        {
            "kind": "reduction",
            "participation": "",
            "effective_on": "2024-07-01",
            "amount": "1 250,50",
            "conclusion": "Introduksjonsstønaden for juni reduseres.",
            "facts": "Du hadde 12 timer ugyldig fravær i juni.",
            "reasoning": "Fraværet var ikke godkjent.",
        },
    )
    decision = Decision.objects.get(person=world.person)
    assert response.status_code == 302
    assert response["Location"] == _url("decision-detail", decision)
    assert decision.amount == Decimal("1250.50")

    page = owner_client.get(_url("decision-detail", decision)).content.decode()
    assert "Vedtak om trekk i introduksjonsstønaden" in page
    assert "Utkast" in page and "Endre utkastet" in page

    edit = owner_client.post(
        _url("decision-edit", decision),
        {
            "subject": "Vedtak om trekk i introduksjonsstønaden for juni",
            "effective_on": "2024-07-01",
            "amount": "1000",
            "conclusion": "Stønaden for juni reduseres med 1 000 kr.",
            "facts": "Du hadde 10 timer ugyldig fravær i juni.",
            "reasoning": "Fraværet var ikke godkjent.",
            "version": "1",
        },
    )
    assert edit.status_code == 302
    decision.refresh_from_db()
    assert (decision.amount, decision.version) == (Decimal("1000.00"), 2)

    decide_form = {"decide-decided_on": "2024-07-01", "decide-version": "2"}
    asked = owner_client.post(_url("decision-decide", decision), decide_form)
    assert "vedtas 01.07.2024, og teksten ligger fast." in asked.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT  # asked, not decided
    decide = post_confirmed(owner_client, _url("decision-decide", decision), decide_form)
    assert decide.status_code == 302
    assert owner_client.get(_url("decision-send", decision)).status_code == 200
    send_form = {"sent_on": "2024-07-01", "received_on": "", "version": "3"}
    asked = owner_client.post(_url("decision-send", decision), send_form)
    assert "og klagefristen blir 22.07.2024." in asked.content.decode()
    send = post_confirmed(owner_client, _url("decision-send", decision), send_form)
    assert send.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SENT
    page = owner_client.get(_url("decision-detail", decision)).content.decode()
    assert "22.07.2024" in page  # the appeal deadline
    assert "Registrer klage" in page


def test_the_pages_show_the_service_refusal_next_to_the_field(
    world: World, owner_client: Client
) -> None:
    decision = _refusal(world)
    response = owner_client.post(
        _url("decision-decide", decision),
        {"decide-decided_on": "2024-07-02", "decide-version": "1"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Vedtaket er ikke vedtatt" in body
    assert "Vedtaksdatoen kan ikke være fram i tid." in body
    assert 'aria-invalid="true"' in body


def test_a_stale_form_is_a_409_and_keeps_the_input(world: World, owner_client: Client) -> None:
    decision = _refusal(world)
    form = {
        "subject": "Overskrift",
        "effective_on": "2024-07-01",
        "conclusion": "Mitt vedtak",
        "facts": "Fakta",
        "reasoning": "Begrunnelse",
        "version": "1",
    }
    assert owner_client.post(_url("decision-edit", decision), form).status_code == 302
    response = owner_client.post(_url("decision-edit", decision), {**form, "facts": "Mine fakta"})
    assert response.status_code == 409
    assert "Noen andre har lagret endringer i vedtaket" in response.content.decode()
    assert "Mine fakta" in response.content.decode()


def test_the_edit_page_of_a_decided_decision_says_why_it_cannot_change(
    world: World, owner_client: Client
) -> None:
    decision = _decided(world)
    response = owner_client.get(_url("decision-edit", decision))
    assert response.status_code == 200
    body = response.content.decode()
    assert "kan ikke endres" in body
    assert "Lagre utkastet" not in body


def test_the_list_filters_by_status(world: World, owner_client: Client) -> None:
    draft = _refusal(world, conclusion="Utkastets konklusjon.")
    sent = _sent(world)
    listing = owner_client.get(reverse("programme:decision-list")).content.decode()
    assert draft.reference in listing and sent.reference in listing
    only_sent = owner_client.get(reverse("programme:decision-list"), {"status": "sent"})
    body = only_sent.content.decode()
    assert sent.reference in body and draft.reference not in body
    assert "med status «Sendt»" in body


def test_an_outsider_gets_404_on_every_decision_route(world: World) -> None:
    decision = _sent(world)
    outsider = client_for(world.outsider)
    for name in ["decision-detail", "decision-edit", "decision-send", "decision-letter"]:
        assert outsider.get(_url(name, decision)).status_code == 404, name
    for name in ["decision-edit", "decision-decide", "decision-send"]:
        assert outsider.post(_url(name, decision), {}).status_code == 404, name
    create = reverse("programme:decision-create", kwargs={"person_id": world.person.pk})
    assert outsider.get(create).status_code == 404
    assert outsider.post(create, {}).status_code == 404
    listing = outsider.get(reverse("programme:decision-list")).content.decode()
    assert decision.reference not in listing
    assert Decision.objects.count() == 1


def test_a_partner_service_reads_with_consent_but_only_the_refugee_service_writes(
    world: World,
) -> None:
    decision = _refusal(world)
    nav = client_for(make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER]))
    assert nav.get(_url("decision-detail", decision)).status_code == 403
    consent_give(
        ctx=_ctx(world),
        person=world.person,
        data=ConsentInput(
            services=[Service.NAV],
            categories=[InformationCategory.PLAN],
            valid_from=D(2024, 1, 1),
            signed_on=D(2024, 1, 1),
        ),
    )
    page = nav.get(_url("decision-detail", decision))
    assert page.status_code == 200
    assert "Endre utkastet" not in page.content.decode()
    assert (
        nav.post(
            _url("decision-decide", decision),
            {"decide-decided_on": "2024-07-01", "decide-version": "1"},
        ).status_code
        == 403
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT


# API


def _json(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_the_api_drafts_edits_decides_sends_and_prints(world: World, owner_client: Client) -> None:
    created = _json(
        owner_client,
        "post",
        "/api/v1/decisions/",
        {
            "person_id": world.person.pk,
            "kind": "refusal",
            "effective_on": "2024-07-01",
            "facts": "F",
            "reasoning": "R",
            "conclusion": "C",
        },
    )
    assert created.status_code == 201, created.content
    data = created.json()
    url = f"/api/v1/decisions/{data['id']}"
    assert data["status"] == "draft" and data["version"] == 1
    assert data["letter_url"] == f"{url}/letter.pdf"

    stale = {
        "subject": "S",
        "facts": "F2",
        "reasoning": "R",
        "conclusion": "C",
        "effective_on": "2024-07-01",
    }
    assert _json(owner_client, "put", url, {**stale, "version": 1}).status_code == 200
    conflict = _json(owner_client, "put", url, {**stale, "version": 1})
    assert conflict.status_code == 409
    assert "Noen andre har lagret" in conflict.json()["detail"]

    future = _json(
        owner_client, "post", f"{url}/decide", {"decided_on": "2024-07-02", "version": 2}
    )
    assert future.status_code == 422
    assert "decided_on" in future.json()["errors"]
    decided = _json(
        owner_client, "post", f"{url}/decide", {"decided_on": "2024-07-01", "version": 2}
    )
    assert decided.json()["status"] == "decided"
    sent = _json(
        owner_client,
        "post",
        f"{url}/send",
        {"sent_on": "2024-07-01", "received_on": "2024-07-01", "version": 3},
    )
    assert sent.status_code == 200
    assert sent.json()["appeal_deadline"] == "2024-07-22"
    edit_after = _json(owner_client, "put", url, {**stale, "version": 4})
    assert edit_after.status_code == 422
    assert "kan ikke endres" in edit_after.json()["detail"]

    letter = owner_client.get(f"{url}/letter.pdf")
    assert letter.status_code == 200
    assert letter["Content-Disposition"].startswith('attachment; filename="vedtak-V-2024-')
    assert "Du har rett til å klage" in _pdf_text(letter.content)

    listed = owner_client.get("/api/v1/decisions/", {"status": "sent"}).json()
    assert [d["id"] for d in listed] == [data["id"]]
    assert owner_client.get("/api/v1/decisions/", {"status": "draft"}).json() == []


def test_the_api_gives_an_outsider_404(world: World) -> None:
    decision = _refusal(world)
    outsider = client_for(world.outsider)
    assert outsider.get(f"/api/v1/decisions/{decision.pk}").status_code == 404
    assert outsider.get(f"/api/v1/decisions/{decision.pk}/letter.pdf").status_code == 404
    response = _json(
        outsider,
        "post",
        "/api/v1/decisions/",
        {
            "person_id": world.person.pk,
            "kind": "refusal",
            "facts": "F",
            "reasoning": "R",
            "conclusion": "C",
            "effective_on": "2024-07-01",
        },
    )
    assert response.status_code == 404
    assert outsider.get("/api/v1/decisions/").json() == []
    assert Decision.objects.count() == 1
