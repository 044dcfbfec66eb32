"""Moving within five years (seed 002 §2.1): the case goes to the new municipality with the
persons' consent, the old one keeps reading what it wrote, the grants follow the persons from
the moving date, and both municipalities see the move in their audit log."""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from conftest import MUNICIPALITY_A, MUNICIPALITY_B, World, client_for
from integrering.accounts.models import User
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import (
    CaseTransfer,
    Deadline,
    Notice,
    NoticeOccasion,
    TransferConsentMethod,
    TransferStatus,
)
from integrering.casework.selectors import former_case_get
from integrering.casework.services.arrival import household_settle
from integrering.casework.services.plan import PlanInput, plan_update
from integrering.casework.services.transfers import (
    TransferInput,
    case_transfer_accept,
    case_transfer_decline,
    case_transfer_propose,
    case_transfer_register,
    case_transfer_withdraw,
)
from integrering.casework.tests.test_plan import _plan
from integrering.errors import NotFound
from integrering.people.models import Household
from integrering.people.selectors import person_get
from integrering.programme.services.grant_claims import INTEGRATION, grant_claim_compute
from integrering.testing import make_household, make_user, municipality

MUNICIPALITY_C = "5001"  # Trondheim: a third municipality, on neither side
MOVE = TransferInput(
    moved_on=datetime.date(2024, 9, 1),
    consent_on=datetime.date(2024, 8, 15),
    consent_method=TransferConsentMethod.SIGNED,
)


def _ctx(user: User) -> AccessContext:
    return AccessContext(user=user, route="test")


def _propose(world: World, data: TransferInput = MOVE) -> CaseTransfer:
    return case_transfer_propose(
        ctx=_ctx(world.owner),
        household=world.household,
        to_municipality=municipality(MUNICIPALITY_B),
        data=data,
    )


def _moved(world: World) -> CaseTransfer:
    transfer = _propose(world)
    return case_transfer_accept(ctx=_ctx(world.outsider), transfer=transfer, version=1)


def _third() -> User:
    return make_user(municipality_number=MUNICIPALITY_C, username="third")


# --- The service ---------------------------------------------------------------------------


def test_the_old_municipality_proposes_and_the_new_one_gets_a_notice_to_accept(
    world: World,
) -> None:
    transfer = _propose(world)
    assert transfer.status == TransferStatus.PROPOSED
    assert transfer.from_municipality.number == MUNICIPALITY_A
    assert set(transfer.persons.all()) == set(world.household.members.all())
    notice = Notice.objects.get(occasion=NoticeOccasion.MOVED)
    assert notice.municipality.number == MUNICIPALITY_B
    assert notice.service == Service.REFUGEE_SERVICE
    assert "venter på at dere tar imot saken" in notice.subject
    world.household.refresh_from_db()
    assert world.household.municipality.number == MUNICIPALITY_A  # not before acceptance


def test_accepting_moves_the_household_its_open_deadlines_and_confirms_to_the_old_one(
    world: World,
) -> None:
    household_settle(ctx=AccessContext.command("test"), household=world.household)
    met = Deadline.objects.filter(person=world.person).first()
    assert met is not None
    Deadline.objects.filter(pk=met.pk).update(met_on=datetime.date(2024, 4, 1))
    transfer = _moved(world)
    assert transfer.status == TransferStatus.ACCEPTED
    assert transfer.handed_over_at is not None
    household = Household.objects.get(pk=world.household.pk)
    assert household.municipality.number == MUNICIPALITY_B
    assert household.caseworker is None
    assert {p.municipality.number for p in household.members.all()} == {MUNICIPALITY_B}
    open_ = Deadline.objects.filter(person__household=household, met_on__isnull=True)
    assert open_.exists()
    assert {d.municipality.number for d in open_} == {MUNICIPALITY_B}
    assert Deadline.objects.get(pk=met.pk).municipality.number == MUNICIPALITY_A
    confirmation = Notice.objects.filter(
        occasion=NoticeOccasion.MOVED, municipality__number=MUNICIPALITY_A
    ).get()
    assert "er overført til Bergen" in confirmation.subject


def test_a_move_after_five_years_is_refused_with_the_last_day(world: World) -> None:
    late = dataclasses.replace(MOVE, moved_on=datetime.date(2029, 3, 1))
    with pytest.raises(ValidationError) as exc:
        _propose(world, late)
    assert "til og med 28.02.2029" in str(exc.value.message_dict["moved_on"])
    last_day = dataclasses.replace(MOVE, moved_on=datetime.date(2029, 2, 28))
    assert _propose(world, last_day).status == TransferStatus.PROPOSED


def test_a_move_before_settlement_or_without_a_consent_method_is_refused(world: World) -> None:
    bad = dataclasses.replace(MOVE, moved_on=datetime.date(2024, 2, 1), consent_method="")
    with pytest.raises(ValidationError) as exc:
        _propose(world, bad)
    assert "før bosettingen (01.03.2024)" in str(exc.value.message_dict["moved_on"])
    assert "Velg hvordan samtykket" in str(exc.value.message_dict["consent_method"])


def test_only_the_new_municipality_accepts(world: World) -> None:
    transfer = _propose(world)
    for user in (world.owner, _third()):
        with pytest.raises(PermissionDenied):
            case_transfer_accept(ctx=_ctx(user), transfer=transfer, version=1)
    assert CaseTransfer.objects.get(pk=transfer.pk).status == TransferStatus.PROPOSED


def test_another_municipality_cannot_propose_to_move_a_case_it_does_not_have(
    world: World,
) -> None:
    with pytest.raises(PermissionDenied):
        case_transfer_propose(
            ctx=_ctx(_third()),
            household=world.household,
            to_municipality=municipality(MUNICIPALITY_C),
            data=MOVE,
        )


def test_the_new_municipality_registers_a_move_with_reference_and_identity_number(
    world: World,
) -> None:
    number = world.person.identity_number or ""
    with pytest.raises(ValidationError):
        case_transfer_register(
            ctx=_ctx(world.outsider),
            to_municipality=municipality(MUNICIPALITY_B),
            reference=world.household.reference,
            identity_number=world.outsider_person.identity_number or "",
            data=MOVE,
        )
    transfer = case_transfer_register(
        ctx=_ctx(world.outsider),
        to_municipality=municipality(MUNICIPALITY_B),
        reference=world.household.reference.lower(),
        identity_number=number,
        data=MOVE,
    )
    assert transfer.status == TransferStatus.REGISTERED
    assert transfer.handed_over_at is not None
    assert Household.objects.get(pk=world.household.pk).municipality.number == MUNICIPALITY_B
    assert Notice.objects.filter(municipality__number=MUNICIPALITY_A, occasion="moved").exists()


def test_both_municipalities_have_each_step_in_their_audit_log(world: World) -> None:
    transfer = _moved(world)
    for number in (MUNICIPALITY_A, MUNICIPALITY_B):
        details = set(
            AuditEvent.objects.filter(
                detail__startswith=f"overføring {transfer.pk}: ",
                detail__endswith=f"; kommune {number}",
                person_id=world.person.pk,
            ).values_list("detail", flat=True)
        )
        assert any("flytting foreslått" in d for d in details), number
        assert any("flytting godtatt" in d for d in details), number


# --- Access after the move -------------------------------------------------------------------


def test_after_the_move_the_old_municipality_can_neither_open_nor_edit_the_case(
    world: World,
) -> None:
    _moved(world)
    old = client_for(world.owner)
    assert old.get(f"/personer/{world.person.pk}/").status_code == 404
    with pytest.raises(NotFound):
        _edit_as(world.owner, world)
    new = client_for(world.outsider)
    page = new.get(f"/personer/{world.person.pk}/")
    assert page.status_code == 200
    assert "Flytting til en annen kommune" in page.content.decode()


def _edit_as(user: User, world: World) -> None:
    person_get(ctx=_ctx(user), person_id=world.person.pk, edit=True)


def test_the_old_municipality_reads_what_it_wrote_but_not_what_the_new_one_writes(
    world: World,
) -> None:
    plan = _plan(world)
    transfer = _moved(world)
    plan.refresh_from_db()
    plan_update(
        ctx=_ctx(world.outsider),
        plan=plan,
        data=PlanInput(
            final_goal=plan.final_goal,
            final_goal_text="Skrevet i Bergen",
            starts_on=plan.starts_on,
            goals=["Mål fra Bergen"],
            measures=[],
        ),
        version=plan.version,
    )
    former = former_case_get(ctx=_ctx(world.owner), transfer_id=transfer.pk)
    (person, version), *_ = former.plans
    assert person == world.person
    assert version.version == 1
    assert version.snapshot["goals"] == ["Norsk på B1-nivå", "Arbeidspraksis i helse"]
    page = client_for(world.owner).get(f"/flyttinger/{transfer.pk}/").content.decode()
    assert "Norsk på B1-nivå" in page
    assert "Mål fra Bergen" not in page
    assert "kun lesetilgang" in page
    with pytest.raises(NotFound):
        former_case_get(ctx=_ctx(world.outsider), transfer_id=transfer.pk)


def test_a_third_municipality_reaches_no_move_by_page_or_api(world: World) -> None:
    transfer = _propose(world)
    third = client_for(_third())
    assert third.get(f"/flyttinger/{transfer.pk}/").status_code == 404
    assert third.post(f"/flyttinger/{transfer.pk}/godta/", {"version": 1}).status_code == 404
    assert third.get(f"/api/v1/transfers/{transfer.pk}").status_code == 404
    response = third.post(
        f"/api/v1/transfers/{transfer.pk}/accept",
        data=json.dumps({"version": 1}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert third.get("/api/v1/transfers").json() == []
    assert CaseTransfer.objects.get(pk=transfer.pk).status == TransferStatus.PROPOSED


def test_a_service_without_the_whole_case_sees_no_moves(world: World) -> None:
    transfer = _propose(world)
    nav = client_for(make_user(municipality_number=MUNICIPALITY_A, roles=[Role.NAV_CASEWORKER]))
    assert nav.get("/flyttinger/").status_code == 403
    assert nav.get(f"/flyttinger/{transfer.pk}/").status_code == 404


# --- The pages -------------------------------------------------------------------------------


def _form(**changes: str) -> dict[str, str]:
    return {
        "to_municipality": str(municipality(MUNICIPALITY_B).pk),
        "moved_on": "2024-09-01",
        "consent_on": "2024-08-15",
        "consent_method": "signed",
        **changes,
    }


def test_the_pages_walk_a_move_from_proposal_to_acceptance(world: World) -> None:
    old, new = client_for(world.owner), client_for(world.outsider)
    url = reverse("casework:transfer-propose", kwargs={"person_id": world.person.pk})
    assert old.get(url).status_code == 200
    refused = old.post(url, _form(moved_on="2030-01-01"))
    assert refused.status_code == 422
    assert "de fem første årene" in refused.content.decode()
    response = old.post(url, _form())
    transfer = CaseTransfer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/flyttinger/{transfer.pk}/"
    assert "Bergen" in old.get("/flyttinger/").content.decode()
    page = new.get(f"/flyttinger/{transfer.pk}/").content.decode()
    assert "Ta imot saken" in page
    accepted = new.post(f"/flyttinger/{transfer.pk}/godta/", {"version": transfer.version})
    assert accepted.status_code == 302
    assert CaseTransfer.objects.get().status == TransferStatus.ACCEPTED
    page = new.get(f"/flyttinger/{transfer.pk}/").content.decode()
    assert "flytting godtatt" in page  # the audit log of the move, Bergen's side
    assert "kommune 4601" in page
    old_page = old.get(f"/flyttinger/{transfer.pk}/").content.decode()
    assert "kommune 0301" in old_page
    assert "kommune 4601" not in old_page


def test_the_register_page_hands_the_case_over_at_once(world: World) -> None:
    new = client_for(world.outsider)
    form = {
        "to_municipality": str(municipality(MUNICIPALITY_B).pk),
        "reference": world.household.reference,
        "identity_number": world.person.identity_number,
        "moved_on": "2024-09-01",
        "consent_on": "2024-08-15",
        "consent_method": "oral",
    }
    wrong = new.post("/flyttinger/ny/", {**form, "identity_number": "12345678901"})
    assert wrong.status_code == 422
    assert "Finner ingen husstand" in wrong.content.decode()
    response = new.post("/flyttinger/ny/", form)
    assert response.status_code == 302
    transfer = CaseTransfer.objects.get()
    assert transfer.status == TransferStatus.REGISTERED
    assert new.get(f"/personer/{world.person.pk}/").status_code == 200


# --- The API ---------------------------------------------------------------------------------


def _post(client: Client, url: str, body: Mapping[str, object]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_api_walks_a_move_from_proposal_to_acceptance(world: World) -> None:
    old, new = client_for(world.owner), client_for(world.outsider)
    body = {
        "to_municipality": MUNICIPALITY_B,
        "moved_on": "2024-09-01",
        "consent_on": "2024-08-15",
        "consent_method": "digital",
    }
    refused = _post(
        old, f"/api/v1/persons/{world.person.pk}/transfer", {**body, "moved_on": "2031-01-01"}
    )
    assert refused.status_code == 422
    created = _post(old, f"/api/v1/persons/{world.person.pk}/transfer", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "proposed"
    assert data["from_municipality"] == MUNICIPALITY_A
    assert [t["id"] for t in new.get("/api/v1/transfers").json()] == [data["id"]]
    refused_old = _post(old, f"/api/v1/transfers/{data['id']}/accept", {"version": 1})
    assert refused_old.status_code == 403
    accepted = _post(new, f"/api/v1/transfers/{data['id']}/accept", {"version": 1})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert old.get(f"/api/v1/persons/{world.person.pk}").status_code == 404
    assert old.get(f"/api/v1/transfers/{data['id']}").status_code == 200


def test_the_api_registers_a_move_in_the_new_municipality(world: World) -> None:
    new = client_for(world.outsider)
    body = {
        "to_municipality": MUNICIPALITY_B,
        "reference": world.household.reference,
        "identity_number": world.person.identity_number,
        "moved_on": "2024-09-01",
        "consent_on": "2024-08-15",
        "consent_method": "signed",
    }
    response = _post(new, "/api/v1/transfers", body)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "registered"


# --- The grants follow the persons -------------------------------------------------------------


def test_the_integration_grant_is_split_at_the_moving_date_with_figures(db: None) -> None:
    """Settled 01.03.2017, budget year 2018 is year 2 (239 000 per person, the 2018 rate).
    Moving 01.07.2018: Oslo has 181 of 365 days (01.01-30.06), Bergen 184 (from 01.07).
    239 000 x 181 / 365 = 118 517,81 -> 118 518; Bergen 239 000 - 118 518 = 120 482."""
    household = make_household(
        municipality_number=MUNICIPALITY_A, members=2, settled_on=datetime.date(2017, 3, 1)
    )
    old = make_user(municipality_number=MUNICIPALITY_A)
    new = make_user(municipality_number=MUNICIPALITY_B)
    before = grant_claim_compute(
        municipality=municipality(MUNICIPALITY_A), budget_year=2018, grants=[INTEGRATION]
    )
    assert before.total == Decimal(478000)
    transfer = case_transfer_propose(
        ctx=_ctx(old),
        household=household,
        to_municipality=municipality(MUNICIPALITY_B),
        data=TransferInput(
            moved_on=datetime.date(2018, 7, 1),
            consent_on=datetime.date(2018, 6, 1),
            consent_method=TransferConsentMethod.SIGNED,
        ),
    )
    case_transfer_accept(ctx=_ctx(new), transfer=transfer, version=1)
    oslo = grant_claim_compute(
        municipality=municipality(MUNICIPALITY_A), budget_year=2018, grants=[INTEGRATION]
    )
    bergen = grant_claim_compute(
        municipality=municipality(MUNICIPALITY_B), budget_year=2018, grants=[INTEGRATION]
    )
    assert [line.amount for line in oslo.sections[0].lines] == [Decimal(118518)] * 2
    assert [line.amount for line in bergen.sections[0].lines] == [Decimal(120482)] * 2
    assert oslo.total + bergen.total == Decimal(478000)
    assert "181 av 365 dager" in oslo.sections[0].lines[0].note
    assert "184 av 365 dager" in bergen.sections[0].lines[0].note


# --- Withdrawing and declining a proposal ----------------------------------------------------


def test_the_old_municipality_withdraws_its_proposal_and_the_new_one_is_told(
    world: World,
) -> None:
    transfer = _propose(world)
    with pytest.raises(PermissionDenied):
        case_transfer_withdraw(ctx=_ctx(world.outsider), transfer=transfer, version=1)
    withdrawn = case_transfer_withdraw(
        ctx=_ctx(world.owner), transfer=transfer, version=1, reason="Familien blir i Oslo"
    )
    assert withdrawn.status == TransferStatus.WITHDRAWN
    assert withdrawn.handed_over_at is None
    assert withdrawn.closed_by == world.owner
    notice = Notice.objects.filter(municipality__number=MUNICIPALITY_B).latest("pk")
    assert "har trukket flyttingen" in notice.subject
    assert "Familien blir i Oslo" in notice.body
    household = Household.objects.get(pk=world.household.pk)
    assert household.municipality.number == MUNICIPALITY_A  # the case stays
    with pytest.raises(ValidationError, match="allerede lukket"):
        case_transfer_accept(ctx=_ctx(world.outsider), transfer=withdrawn, version=2)
    for number in (MUNICIPALITY_A, MUNICIPALITY_B):
        assert AuditEvent.objects.filter(
            detail__startswith=f"overføring {transfer.pk}: flytting trukket",
            detail__endswith=f"; kommune {number}",
            person_id=world.person.pk,
        ).exists(), number
    # A new proposal may follow the withdrawn one.
    assert _propose(world).status == TransferStatus.PROPOSED


def test_the_new_municipality_declines_only_with_a_reason_and_the_old_one_is_told(
    world: World,
) -> None:
    transfer = _propose(world)
    with pytest.raises(PermissionDenied):
        case_transfer_decline(ctx=_ctx(world.owner), transfer=transfer, version=1, reason="x")
    with pytest.raises(ValidationError, match="hvorfor dere avslår"):
        case_transfer_decline(ctx=_ctx(world.outsider), transfer=transfer, version=1, reason=" ")
    declined = case_transfer_decline(
        ctx=_ctx(world.outsider), transfer=transfer, version=1, reason="Ingen bolig i Bergen"
    )
    assert declined.status == TransferStatus.DECLINED
    assert declined.close_reason == "Ingen bolig i Bergen"
    notice = Notice.objects.filter(municipality__number=MUNICIPALITY_A).latest("pk")
    assert "har avslått flyttingen" in notice.subject
    assert "Ingen bolig i Bergen" in notice.body
    assert Household.objects.get(pk=world.household.pk).municipality.number == MUNICIPALITY_A
    with pytest.raises(ValidationError, match="allerede lukket"):
        case_transfer_withdraw(ctx=_ctx(world.owner), transfer=declined, version=2)
    for number in (MUNICIPALITY_A, MUNICIPALITY_B):
        assert AuditEvent.objects.filter(
            detail__startswith=f"overføring {transfer.pk}: flytting avslått",
            detail__endswith=f"; kommune {number}",
        ).exists(), number


def test_a_handed_over_move_can_be_neither_withdrawn_nor_declined(world: World) -> None:
    transfer = _moved(world)
    with pytest.raises(ValidationError, match="allerede tatt imot"):
        case_transfer_decline(
            ctx=_ctx(world.outsider), transfer=transfer, version=transfer.version, reason="x"
        )
    assert CaseTransfer.objects.get().status == TransferStatus.ACCEPTED


def test_the_pages_withdraw_and_decline_a_proposal(world: World) -> None:
    old, new = client_for(world.owner), client_for(world.outsider)
    transfer = _propose(world)
    assert "Trekk flyttingen" in old.get(f"/flyttinger/{transfer.pk}/").content.decode()
    page = new.get(f"/flyttinger/{transfer.pk}/").content.decode()
    assert "Avslå flyttingen" in page
    assert new.post(f"/flyttinger/{transfer.pk}/trekk/", {"version": 1}).status_code == 403
    refused = new.post(f"/flyttinger/{transfer.pk}/avsla/", {"version": 1, "reason": ""})
    assert refused.status_code == 422
    assert "hvorfor dere avslår" in refused.content.decode()
    declined = new.post(f"/flyttinger/{transfer.pk}/avsla/", {"version": 1, "reason": "Nei"})
    assert declined.status_code == 302
    page = old.get(f"/flyttinger/{transfer.pk}/").content.decode()
    assert "Avslått av tilflyttingskommunen" in page
    assert "Begrunnelse: Nei" in page
    assert "Trekk flyttingen" not in page
    again = _propose(world)
    assert old.post(f"/flyttinger/{again.pk}/trekk/", {"version": 1}).status_code == 302
    assert CaseTransfer.objects.get(pk=again.pk).status == TransferStatus.WITHDRAWN
    third = client_for(_third())
    assert third.post(f"/flyttinger/{again.pk}/trekk/", {"version": 2}).status_code == 404


def test_the_api_withdraws_and_declines_a_proposal(world: World) -> None:
    old, new = client_for(world.owner), client_for(world.outsider)
    transfer = _propose(world)
    url = f"/api/v1/transfers/{transfer.pk}"
    assert _post(old, f"{url}/decline", {"version": 1, "reason": "x"}).status_code == 403
    assert _post(new, f"{url}/decline", {"version": 1}).status_code == 422
    stale = _post(new, f"{url}/decline", {"version": 7, "reason": "Ingen bolig"})
    assert stale.status_code in (409, 422)
    declined = _post(new, f"{url}/decline", {"version": 1, "reason": "Ingen bolig"})
    assert declined.status_code == 200, declined.content
    assert declined.json()["status"] == "declined"
    assert declined.json()["close_reason"] == "Ingen bolig"
    again = _propose(world)
    withdrawn = _post(old, f"/api/v1/transfers/{again.pk}/withdraw", {"version": 1})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert _post(old, f"/api/v1/transfers/{again.pk}/withdraw", {"version": 2}).status_code == 422
