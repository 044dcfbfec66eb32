"""Applications for the disability grant (ekstratilskudd, seed 002 §3.1): the deadline that settling
starts, the rules the application follows (exclusions, years, once-only grant 1, the 13-month
deadline on each side), sending and deciding, the pages, the API, access and the audit log."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import World, client_for
from integrering.accounts.roles import Role
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import (
    Deadline,
    DisabilityGrantApplication,
    DisabilityGrantStatus,
)
from integrering.casework.services.arrival import household_settle
from integrering.casework.services.disability_grant import (
    DisabilityGrantInput,
    disability_grant_application_create,
    disability_grant_application_decide,
    disability_grant_application_send,
    disability_grant_application_update,
    disability_grant_eligibility,
    disability_grant_estimate,
)
from integrering.concurrency import ConflictError
from integrering.people.models import Category, Person
from integrering.rules.disability_grant import CATEGORIES, DEADLINE_KIND
from integrering.testing import make_household, make_user

D = datetime.date
SETTLED = D(2024, 3, 1)  # the world's households are settled on this day
DUE = D(2025, 4, 1)  # 13 months later (deadlines/casework)


def at(day: datetime.date) -> Any:
    """Pin today's date (noon, so no time zone moves the day)."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 12, 0), tick=False)


def _ctx(world: World) -> AccessContext:
    return AccessContext(user=world.owner, route="test")


def _disabled(person: Person, category: str = Category.FROM_RECEPTION) -> Person:
    Person.objects.filter(pk=person.pk).update(disability=True, category=category)
    person.refresh_from_db()
    return person


def _input(**changes: Any) -> DisabilityGrantInput:
    data: dict[str, Any] = {
        "grant": 1,
        "budget_year": 2024,
        "documented_need": None,
        "documentation_note": "Legeerklæring fra fastlegen og vedtak om praktisk bistand.",
        **changes,
    }
    return DisabilityGrantInput(**data)


def _create(world: World, **changes: Any) -> DisabilityGrantApplication:
    return disability_grant_application_create(
        ctx=_ctx(world), person=world.person, data=_input(**changes)
    )


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- The rules agree with the register ---------------------------------------------------------


def test_the_rules_know_the_registers_categories_by_the_same_names() -> None:
    assert dict(Category.choices) == CATEGORIES


# --- The deadline that settling starts ---------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "gets_deadline"),
    [
        (Category.FROM_RECEPTION, True),
        (Category.TRANSFER_REFUGEE, True),
        (Category.UNACCOMPANIED_MINOR, True),
        (Category.FAMILY_REUNIFICATION, False),
        (Category.SELF_SETTLED, False),
    ],
)
def test_settling_a_person_with_a_disability_starts_the_13_month_deadline_unless_excluded(
    db: None, category: str, gets_deadline: bool
) -> None:
    household = make_household(municipality_number="0301", members=2, settled_on=SETTLED)
    disabled = _disabled(household.members.order_by("pk").first(), category)  # type: ignore[arg-type]
    household_settle(ctx=AccessContext.command("test"), household=household)
    deadlines = Deadline.objects.filter(kind=DEADLINE_KIND)
    if gets_deadline:
        deadline = deadlines.get()
        assert (deadline.person_id, deadline.start_on, deadline.due_on) == (
            disabled.pk,
            SETTLED,
            DUE,
        )
        assert deadline.service == "refugee_service"
    else:
        assert not deadlines.exists()


# --- Drafting an application --------------------------------------------------------------------


@at(D(2024, 6, 1))
def test_a_draft_is_saved_audited_and_opens_the_deadline_the_case_did_not_have(
    world: World,
) -> None:
    _disabled(world.person)
    assert not Deadline.objects.filter(person=world.person).exists()
    application = _create(world)
    assert (application.status, application.municipality_id, application.version) == (
        DisabilityGrantStatus.DRAFT,
        world.person.municipality_id,
        1,
    )
    deadline = Deadline.objects.get(person=world.person, kind=DEADLINE_KIND)
    assert (deadline.start_on, deadline.due_on, deadline.met_on) == (SETTLED, DUE, None)
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, person_id=world.person.pk, detail__contains="tilskudd 1"
    ).exists()


@at(D(2024, 6, 1))
@pytest.mark.parametrize(
    ("category", "message"),
    [
        (Category.FAMILY_REUNIFICATION, "bosatt via familieinnvandring (familiegjenforent)"),
        (Category.SELF_SETTLED, "selvbosatt"),
    ],
)
def test_a_family_reunified_or_self_settled_person_is_refused_with_a_clear_message(
    world: World, category: str, message: str
) -> None:
    _disabled(world.person, category)
    with pytest.raises(ValidationError) as excinfo:
        _create(world)
    assert message in _messages(excinfo)
    assert "ordningen gjelder ikke personer bosatt via familieinnvandring og selvbosetting" in (
        _messages(excinfo)
    )
    assert not DisabilityGrantApplication.objects.exists()
    assert message in disability_grant_eligibility(world.person)


@at(D(2024, 6, 1))
def test_a_person_without_a_registered_disability_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _create(world)
    assert "ikke registrert med nedsatt funksjonsevne" in _messages(excinfo)


@at(D(2024, 6, 1))
def test_grant_1_is_for_the_first_two_years_and_only_once(world: World) -> None:
    _disabled(world.person)
    with pytest.raises(ValidationError) as excinfo:
        _create(world, budget_year=2026)
    assert "første eller andre bosettingsår" in excinfo.value.message_dict["budget_year"][0]
    _create(world, budget_year=2024)
    with pytest.raises(ValidationError) as excinfo:
        _create(world, budget_year=2025)
    assert "engangstilskudd" in excinfo.value.message_dict["grant"][0]
    with pytest.raises(ValidationError) as excinfo:
        _create(world, grant=2, budget_year=2024, documented_need=Decimal(100000))
    assert "allerede en søknad" in excinfo.value.message_dict["budget_year"][0]
    # Grant 2 in a later year is another application.
    assert _create(world, grant=2, budget_year=2025).grant == 2


@at(D(2024, 6, 1))
def test_grant_2_is_given_up_to_the_fifth_year(world: World) -> None:
    _disabled(world.person)
    with pytest.raises(ValidationError) as excinfo:
        _create(world, grant=2, budget_year=2029, documented_need=Decimal(1))
    assert "inntil 5 år" in excinfo.value.message_dict["budget_year"][0]
    assert _create(world, grant=2, budget_year=2028, documented_need=Decimal(1)).budget_year == 2028


# --- The deadline, on each side of the 13-month date --------------------------------------------


def test_an_application_can_be_made_and_sent_on_the_last_day(world: World) -> None:
    _disabled(world.person)
    with at(DUE):
        application = _create(world)
        sent = disability_grant_application_send(
            ctx=_ctx(world), application=application, sent_on=DUE, version=1
        )
    assert (sent.status, sent.sent_on, sent.version) == (DisabilityGrantStatus.SENT, DUE, 2)
    deadline = Deadline.objects.get(person=world.person, kind=DEADLINE_KIND)
    assert deadline.met_on == DUE


def test_an_application_cannot_be_made_the_day_after_the_deadline(world: World) -> None:
    _disabled(world.person)
    with at(DUE + datetime.timedelta(days=1)), pytest.raises(ValidationError) as excinfo:
        _create(world)
    assert "Søknadsfristen var 01.04.2025" in _messages(excinfo)
    assert "første bosettingsdato 01.03.2024" in _messages(excinfo)


def test_a_draft_cannot_be_sent_after_the_deadline(world: World) -> None:
    _disabled(world.person)
    with at(D(2025, 3, 1)):
        application = _create(world)
    with at(D(2025, 4, 2)):
        with pytest.raises(ValidationError) as excinfo:
            disability_grant_application_send(
                ctx=_ctx(world), application=application, sent_on=D(2025, 4, 2), version=1
            )
        assert "Søknadsfristen var 01.04.2025" in _messages(excinfo)
        # Recorded late, but sent in time: the date it was sent decides.
        sent = disability_grant_application_send(
            ctx=_ctx(world), application=application, sent_on=D(2025, 3, 31), version=1
        )
    assert sent.sent_on == D(2025, 3, 31)


@at(D(2025, 8, 1))
def test_a_later_year_of_grant_2_has_no_deadline_in_the_seed(world: World) -> None:
    _disabled(world.person)
    application = _create(world, grant=2, budget_year=2026, documented_need=Decimal(5000))
    assert disability_grant_estimate(application).deadline is None


def test_sending_a_later_years_grant_2_does_not_meet_the_first_applications_deadline(
    db: None,
) -> None:
    household = make_household(municipality_number="0301", members=1, settled_on=D(2024, 12, 31))
    person = _disabled(household.members.get())
    household_settle(ctx=AccessContext.command("test"), household=household)
    ctx = AccessContext(user=make_user(municipality_number="0301"), route="test")
    with at(D(2026, 1, 15)):
        later = disability_grant_application_create(
            ctx=ctx,
            person=person,
            data=_input(grant=2, budget_year=2026, documented_need=Decimal(1000)),
        )
        disability_grant_application_send(
            ctx=ctx, application=later, sent_on=D(2026, 1, 15), version=1
        )
    deadline = Deadline.objects.get(person=person, kind=DEADLINE_KIND)
    assert (deadline.due_on, deadline.met_on) == (D(2026, 1, 31), None)


@at(D(2024, 6, 1))
def test_a_budget_year_without_any_rule_is_refused_on_the_year(world: World) -> None:
    _disabled(world.person)
    with pytest.raises(ValidationError) as excinfo:
        _create(world, budget_year=2017)
    assert "ingen verdi før 01.01.2018" in excinfo.value.message_dict["budget_year"][0]


def test_the_persons_own_settlement_date_counts_before_the_households(world: World) -> None:
    _disabled(world.person)
    Person.objects.filter(pk=world.person.pk).update(settled_on=D(2024, 5, 31))
    world.person.refresh_from_db()
    with at(D(2025, 6, 30)):
        assert _create(world).pk
    assert Deadline.objects.get(person=world.person, kind=DEADLINE_KIND).due_on == D(2025, 6, 30)


# --- Sending, changing and deciding -------------------------------------------------------------


@at(D(2024, 6, 1))
def test_sending_needs_the_documentation_and_for_grant_2_the_need(world: World) -> None:
    _disabled(world.person)
    application = _create(world, grant=2, documentation_note="")
    with pytest.raises(ValidationError) as excinfo:
        disability_grant_application_send(
            ctx=_ctx(world), application=application, sent_on=D(2024, 6, 1), version=1
        )
    errors = excinfo.value.message_dict
    assert "Beskriv dokumentasjonen" in errors["documentation_note"][0]
    assert "dokumentert behov" in errors["documented_need"][0]
    with pytest.raises(ValidationError) as excinfo:
        disability_grant_application_send(
            ctx=_ctx(world), application=application, sent_on=D(2024, 6, 2), version=1
        )
    assert "fram i tid" in excinfo.value.message_dict["sent_on"][0]


@at(D(2024, 6, 1))
def test_a_draft_is_changed_with_its_version_and_a_sent_one_not_at_all(world: World) -> None:
    _disabled(world.person)
    application = _create(world, grant=2, documented_need=Decimal(100000))
    changed = disability_grant_application_update(
        ctx=_ctx(world),
        application=application,
        data=_input(grant=2, documented_need=Decimal(250000)),
        version=1,
    )
    assert (changed.documented_need, changed.version) == (Decimal(250000), 2)
    with pytest.raises(ConflictError):
        disability_grant_application_update(
            ctx=_ctx(world), application=changed, data=_input(grant=2), version=1
        )
    sent = disability_grant_application_send(
        ctx=_ctx(world), application=changed, sent_on=D(2024, 6, 1), version=2
    )
    with pytest.raises(ValidationError) as excinfo:
        disability_grant_application_update(
            ctx=_ctx(world), application=sent, data=_input(grant=2), version=3
        )
    assert "bare et utkast kan endres" in _messages(excinfo)
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, person_id=world.person.pk, detail__contains="sendt"
    ).exists()


@at(D(2024, 9, 1))
def test_the_decision_is_granted_with_an_amount_or_refused_with_a_reason(world: World) -> None:
    _disabled(world.person)
    application = _create(world)
    with pytest.raises(ValidationError, match="når søknaden er sendt"):
        disability_grant_application_decide(
            ctx=_ctx(world),
            application=application,
            status="granted",
            decided_on=D(2024, 9, 1),
            granted_amount=Decimal(1),
            version=1,
        )
    sent = disability_grant_application_send(
        ctx=_ctx(world), application=application, sent_on=D(2024, 7, 1), version=1
    )
    with pytest.raises(ValidationError) as excinfo:
        disability_grant_application_decide(
            ctx=_ctx(world),
            application=sent,
            status="refused",
            decided_on=D(2024, 6, 30),
            version=2,
        )
    errors = excinfo.value.message_dict
    assert "før søknaden ble sendt" in errors["decided_on"][0]
    assert "begrunnelsen" in errors["decision_note"][0]
    granted = disability_grant_application_decide(
        ctx=_ctx(world),
        application=sent,
        status="granted",
        decided_on=D(2024, 8, 15),
        granted_amount=Decimal("190800.00"),
        version=2,
    )
    assert (granted.status, granted.granted_amount, granted.version) == (
        DisabilityGrantStatus.GRANTED,
        Decimal("190800.00"),
        3,
    )


def test_in_2018_the_estimate_is_the_sourced_rate_and_the_granted_amount_at_most_that(
    db: None,
) -> None:
    household = make_household(municipality_number="0301", members=1, settled_on=D(2018, 2, 1))
    person = _disabled(household.members.get())
    owner = make_user(municipality_number="0301")
    ctx = AccessContext(user=owner, route="test")
    with at(D(2018, 6, 1)):
        application = disability_grant_application_create(
            ctx=ctx,
            person=person,
            data=_input(grant=2, budget_year=2018, documented_need=Decimal(2_000_000)),
        )
        estimate = disability_grant_estimate(application)
        assert (estimate.rate, estimate.amount, estimate.capped) == (
            Decimal(1235000),
            Decimal(1235000),
            True,
        )
        assert estimate.deadline == D(2019, 3, 1)
        sent = disability_grant_application_send(
            ctx=ctx, application=application, sent_on=D(2018, 6, 1), version=1
        )
        with pytest.raises(ValidationError) as excinfo:
            disability_grant_application_decide(
                ctx=ctx,
                application=sent,
                status="granted",
                decided_on=D(2018, 6, 1),
                granted_amount=Decimal("1235000.01"),
                version=2,
            )
        assert "mer enn satsen for 2018 (kr 1\u00a0235\u00a0000)" in _messages(excinfo)


@at(D(2024, 6, 1))
def test_for_a_year_without_a_sourced_rate_the_estimate_says_so(world: World) -> None:
    _disabled(world.person)
    estimate = disability_grant_estimate(_create(world))
    assert estimate.amount is None
    assert "ingen kjent sats for budsjettåret 2024" in estimate.message
    assert (estimate.year_after_settlement, estimate.deadline) == (1, DUE)


# --- Pages ------------------------------------------------------------------------------------


def _url(name: str, world: World, application: DisabilityGrantApplication | None = None) -> str:
    kwargs = {"person_id": world.person.pk}
    if application is not None:
        kwargs["grant_application_id"] = application.pk
    return reverse(f"casework:{name}", kwargs=kwargs)


@at(D(2024, 6, 1))
def test_the_case_page_links_to_the_applications_of_a_person_with_a_disability(
    world: World, owner_client: Client
) -> None:
    link = _url("disability-grant-list", world)
    assert link not in owner_client.get(f"/personer/{world.person.pk}/").content.decode()
    _disabled(world.person)
    assert link in owner_client.get(f"/personer/{world.person.pk}/").content.decode()


@at(D(2024, 6, 1))
def test_the_refugee_service_drafts_sends_and_records_the_decision_on_the_pages(
    world: World, owner_client: Client
) -> None:
    _disabled(world.person)
    page = owner_client.get(_url("disability-grant-create", world))
    assert page.status_code == 200
    assert 'name="documented_need"' in page.content.decode()
    response = owner_client.post(
        _url("disability-grant-create", world),
        {
            "grant": "2",
            "budget_year": "2024",
            "documented_need": "1 250 000,50",
            "documentation_note": "Legeerklæring.",
        },
    )
    application = DisabilityGrantApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("disability-grant-detail", world, application)
    assert application.documented_need == Decimal("1250000.50")
    detail = owner_client.get(_url("disability-grant-detail", world, application)).content.decode()
    assert "ingen kjent sats for budsjettåret 2024" in detail
    assert "01.04.2025" in detail
    sent = owner_client.post(
        _url("disability-grant-send", world, application), {"sent_on": "2024-06-01", "version": "1"}
    )
    assert sent.status_code == 302
    decided = owner_client.post(
        _url("disability-grant-decide", world, application),
        {
            "status": "granted",
            "decided_on": "2024-06-01",
            "granted_amount": "1 000 000",
            "version": "2",
        },
    )
    assert decided.status_code == 302
    listing = owner_client.get(_url("disability-grant-list", world)).content.decode()
    assert "Innvilget" in listing
    assert "1\u00a0000\u00a0000,00" in listing


@at(D(2024, 6, 1))
def test_the_form_shows_the_exclusion_and_keeps_the_input(
    world: World, owner_client: Client
) -> None:
    _disabled(world.person, Category.SELF_SETTLED)
    page = owner_client.get(_url("disability-grant-create", world)).content.decode()
    assert "selvbosatt" in page
    response = owner_client.post(
        _url("disability-grant-create", world),
        {"grant": "1", "budget_year": "2024", "documentation_note": "Legeerklæring."},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Søknaden er ikke lagret" in body
    assert "ordningen gjelder ikke personer bosatt via familieinnvandring" in body
    assert "Legeerklæring." in body


def test_the_send_page_refuses_a_date_after_the_deadline(
    world: World, owner_client: Client
) -> None:
    _disabled(world.person)
    with at(D(2025, 3, 1)):
        application = _create(world)
    with at(D(2025, 4, 2)):
        response = owner_client.post(
            _url("disability-grant-send", world, application),
            {"sent_on": "2025-04-02", "version": "1"},
        )
    assert response.status_code == 422
    assert "Søknadsfristen var 01.04.2025" in response.content.decode()
    application.refresh_from_db()
    assert application.status == DisabilityGrantStatus.DRAFT


@at(D(2024, 6, 1))
def test_a_stale_version_on_the_page_is_a_conflict(world: World, owner_client: Client) -> None:
    _disabled(world.person)
    application = _create(world)
    response = owner_client.post(
        _url("disability-grant-detail", world, application),
        {"grant": "1", "budget_year": "2024", "documentation_note": "Ny tekst", "version": "7"},
    )
    assert response.status_code == 409
    assert "Noen andre har lagret endringer" in response.content.decode()


@at(D(2024, 6, 1))
def test_the_municipality_list_shows_applications_and_open_deadlines(
    world: World, owner_client: Client
) -> None:
    household = make_household(municipality_number="0301", members=1, settled_on=SETTLED)
    waiting = _disabled(household.members.get())
    household_settle(ctx=AccessContext.command("test"), household=household)
    _disabled(world.person)
    _create(world)
    page = owner_client.get(reverse("casework:disability-grant-municipality"))
    body = page.content.decode()
    assert page.status_code == 200
    assert world.person.full_name in body
    assert waiting.full_name in body  # an open deadline, no application yet
    assert AuditEvent.objects.filter(
        action=AuditAction.LIST, person_id=world.person.pk, detail__contains="0301"
    ).exists()
    empty = owner_client.get(
        reverse("casework:disability-grant-municipality"), {"year": "2019"}
    ).content.decode()
    assert "Ingen søknader for 2019" in empty


@at(D(2024, 6, 1))
def test_the_leader_reads_but_only_the_refugee_service_writes(world: World) -> None:
    _disabled(world.person)
    application = _create(world)
    leader = client_for(
        make_user(municipality_number="0301", roles=[Role.MUNICIPAL_LEADER], username="leder")
    )
    detail = leader.get(_url("disability-grant-detail", world, application))
    assert detail.status_code == 200
    assert "Bare flyktningtjenesten kan endre søknaden" in detail.content.decode()
    assert leader.get(_url("disability-grant-create", world)).status_code == 403
    assert (
        leader.post(
            _url("disability-grant-send", world, application),
            {"sent_on": "2024-06-01", "version": "1"},
        ).status_code
        == 403
    )
    nav = client_for(
        make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER], username="nav")
    )
    assert nav.get(_url("disability-grant-list", world)).status_code == 403
    assert nav.get(reverse("casework:disability-grant-municipality")).status_code == 403
    colleague = client_for(world.colleague)
    assert colleague.get(_url("disability-grant-detail", world, application)).status_code == 200


@at(D(2024, 6, 1))
def test_an_outsider_gets_404_and_the_denied_read_is_audited(
    world: World, outsider_client: Client
) -> None:
    _disabled(world.person)
    application = _create(world)
    for name in ("disability-grant-list", "disability-grant-create"):
        assert outsider_client.get(_url(name, world)).status_code == 404
    assert (
        outsider_client.get(_url("disability-grant-detail", world, application)).status_code == 404
    )
    assert AuditEvent.objects.filter(
        person_id=world.person.pk, allowed=False, username="outsider"
    ).exists()
    other = outsider_client.get(
        reverse("casework:disability-grant-municipality"), {"municipality": "0301"}
    )
    assert other.status_code == 422  # not one of the outsider's municipalities
    assert world.person.full_name not in other.content.decode()


# --- The API ------------------------------------------------------------------------------------

API = "/api/v1/persons/{person}/disability-grant-applications"


def _post(client: Client, url: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@at(D(2024, 6, 1))
def test_the_api_drafts_changes_sends_and_decides(world: World, owner_client: Client) -> None:
    _disabled(world.person)
    url = API.format(person=world.person.pk)
    created = _post(
        owner_client,
        url,
        {"grant": 2, "budget_year": 2024, "documented_need": "300000", "documentation_note": "X"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["documented_need"], body["application_deadline"]) == (
        "draft",
        "300000.00",
        "2025-04-01",
    )
    assert body["amount"] is None
    assert "ingen kjent sats" in body["rules_message"]
    one = f"{url}/{body['id']}"
    assert owner_client.get(url).json()[0]["id"] == body["id"]
    stale = _post(owner_client, one, {"grant": 2, "budget_year": 2024, "version": 9}, "put")
    assert stale.status_code == 409
    changed = _post(
        owner_client,
        one,
        {
            "grant": 2,
            "budget_year": 2024,
            "documented_need": "310000.50",
            "documentation_note": "Legeerklæring",
            "version": 1,
        },
        "put",
    )
    assert changed.json()["documented_need"] == "310000.50"
    sent = _post(owner_client, f"{one}/send", {"version": 2})
    assert (sent.status_code, sent.json()["sent_on"]) == (200, "2024-06-01")
    decided = _post(
        owner_client,
        f"{one}/decision",
        {"version": 3, "status": "refused", "decided_on": "2024-06-01", "decision_note": "Nei"},
    )
    assert decided.json()["status"] == "refused"
    listed = owner_client.get("/api/v1/disability-grant-applications/", {"budget_year": "2024"})
    assert [a["id"] for a in listed.json()] == [body["id"]]


@at(D(2024, 6, 1))
def test_the_api_refuses_an_excluded_category_with_the_message_by_field(
    world: World, owner_client: Client
) -> None:
    _disabled(world.person, Category.FAMILY_REUNIFICATION)
    response = _post(
        owner_client, API.format(person=world.person.pk), {"grant": 1, "budget_year": 2024}
    )
    assert response.status_code == 422
    assert "bosatt via familieinnvandring" in response.json()["errors"]["__all__"][0]


@at(D(2024, 6, 1))
def test_the_api_keeps_other_municipalities_out(world: World, outsider_client: Client) -> None:
    _disabled(world.person)
    application = _create(world)
    url = API.format(person=world.person.pk)
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.get(f"{url}/{application.pk}").status_code == 404
    assert _post(outsider_client, f"{url}/{application.pk}/send", {"version": 1}).status_code == 404
    listing = outsider_client.get(
        "/api/v1/disability-grant-applications/", {"municipality": "0301"}
    )
    assert listing.status_code == 404
    own = outsider_client.get("/api/v1/disability-grant-applications/")
    assert own.status_code == 200
    assert own.json() == []
