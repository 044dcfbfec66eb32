"""Establishment support as casework (seed 002 §3.2, issue 22 item 7): an application with the
scheme's maximum, a decision within it, purchases approved in advance and paid to the shop or the
refugee, the clothes and family-reunification windows, the register per year, the pages, the API,
access and the audit log."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import World, client_for
from integrering.accounts.roles import Role
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError
from integrering.finance.establishment.applications import (
    ApplicationInput,
    establishment_application_create,
    establishment_application_decide,
    establishment_balances,
    establishment_defaults,
)
from integrering.finance.establishment.purchases import (
    PurchaseInput,
    establishment_purchase_approve,
    establishment_purchase_cancel,
    establishment_purchase_pay,
)
from integrering.finance.establishment.register import (
    establishment_register,
    establishment_register_xlsx,
)
from integrering.finance.models import (
    EstablishmentApplication,
    EstablishmentStatus,
    PurchaseStatus,
)
from integrering.people.models import Household
from integrering.testing import make_user

D = datetime.date
TODAY = D(2024, 6, 3)
SHOP_ORG = "974760673"  # a valid organisation number (Brønnøysundregistrene's own)


def at(day: datetime.date) -> Any:
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 12, 0), tick=False)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with at(TODAY):
        yield


def _ctx(world: World) -> AccessContext:
    return AccessContext(user=world.owner, route="test")


def _apply(world: World, **changes: Any) -> EstablishmentApplication:
    data: dict[str, Any] = {
        "applied_on": D(2024, 3, 5),
        "adults": 2,
        "children": 1,
        **changes,
    }
    return establishment_application_create(
        ctx=_ctx(world), household=world.household, data=ApplicationInput(**data)
    )


def _approve(
    world: World, application: EstablishmentApplication, **changes: Any
) -> EstablishmentApplication:
    values: dict[str, Any] = {
        "approve": True,
        "furniture": application.furniture_max,
        "clothes": application.clothes_max,
        "decided_on": D(2024, 3, 10),
        "note": "",
        "version": application.version,
        **changes,
    }
    return establishment_application_decide(ctx=_ctx(world), application=application, **values)


def _purchase(world: World, application: EstablishmentApplication, **changes: Any) -> Any:
    data: dict[str, Any] = {
        "category": "furniture",
        "description": "Seng og madrass",
        "amount": Decimal("12500.00"),
        "payment": "shop",
        "shop_name": "Møbelhuset AS",
        "shop_org_number": SHOP_ORG,
        "approved_on": D(2024, 3, 12),
        **changes,
    }
    return establishment_purchase_approve(
        ctx=_ctx(world), application=application, data=PurchaseInput(**data)
    )


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages).replace("\xa0", " ")


def _plain(text: str | bytes) -> str:
    """Text with the non-breaking spaces of Norwegian numbers as plain spaces."""
    return (text.decode() if isinstance(text, bytes) else text).replace("\xa0", " ")


# --- Applying and deciding -----------------------------------------------------------------------


def test_an_application_gets_the_schemes_maximum_for_the_household(world: World) -> None:
    application = _apply(world)
    # Seed 002 §3.2: a couple 45 000 + 5 000 per child; clothes 8 000 per person.
    assert application.furniture_max == Decimal("50000")
    assert application.clothes_max == Decimal("24000")
    assert application.status == EstablishmentStatus.APPLIED
    written = AuditEvent.objects.filter(action=AuditAction.CREATE, detail__contains="etablering")
    assert set(written.values_list("person_id", flat=True)) == set(
        world.household.members.values_list("pk", flat=True)
    )


def test_the_form_starts_from_the_households_adults_and_children(world: World) -> None:
    members = list(world.household.members.all())
    defaults = establishment_defaults(world.household, members, TODAY)
    assert (defaults.adults or 0) + (defaults.children or 0) == len(members)


def test_a_second_application_of_the_same_kind_is_refused(world: World) -> None:
    _apply(world)
    with pytest.raises(ValidationError) as exc:
        _apply(world)
    assert "allerede en søknad" in _messages(exc)


def test_bad_input_is_refused_field_by_field(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        _apply(world, adults=0, children=-1, applied_on=D(2024, 7, 1))
    errors = exc.value.message_dict
    assert "minst én voksen" in errors["adults"][0]
    assert "negativt" in errors["children"][0]
    assert "etter i dag" in errors["applied_on"][0]
    assert not EstablishmentApplication.objects.exists()


def test_family_reunification_is_within_five_years_of_the_settlement(world: World) -> None:
    Household.objects.filter(pk=world.household.pk).update(settled_on=D(2019, 3, 1))
    world.household.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _apply(world, family_reunification=True)
    assert "inntil 5 år" in _messages(exc) and "01.03.2024" in _messages(exc)
    Household.objects.filter(pk=world.household.pk).update(settled_on=D(2019, 3, 6))
    world.household.refresh_from_db()
    application = _apply(world, family_reunification=True)
    # 5 000 furniture and 8 000 clothes per person.
    assert application.furniture_max == Decimal("15000")
    assert application.clothes_max == Decimal("24000")


def test_a_grant_above_the_maximum_is_refused_and_a_refusal_needs_a_reason(world: World) -> None:
    application = _apply(world)
    with pytest.raises(ValidationError) as exc:
        _approve(world, application, furniture=Decimal("50000.01"))
    assert "Høyeste beløp til møbler og utstyr etter ordningen er kr 50 000,00" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        _approve(world, application, approve=False)
    assert "begrunnelsen" in _messages(exc)
    refused = _approve(world, application, approve=False, note="Har fått møbler fra før.")
    assert refused.status == EstablishmentStatus.REFUSED
    assert refused.furniture_granted is None


def test_a_decision_on_an_old_version_is_a_conflict(world: World) -> None:
    application = _apply(world)
    _approve(world, application)
    with pytest.raises(ConflictError):
        _approve(world, application, furniture=Decimal("40000"))


# --- Purchases ------------------------------------------------------------------------------------


def test_purchases_are_approved_within_the_grant_and_paid_to_the_shop(world: World) -> None:
    application = _approve(world, _apply(world), furniture=Decimal("20000"))
    first = _purchase(world, application)
    _purchase(world, application, description="Sofa", amount=Decimal("7500"))
    with pytest.raises(ValidationError) as exc:
        _purchase(world, application, description="Bord", amount=Decimal("0.01"))
    assert "kr 0,00 igjen" in _messages(exc)
    furniture = establishment_balances(application)[0]
    assert (furniture.granted, furniture.approved, furniture.paid) == (
        Decimal("20000"),
        Decimal("20000"),
        Decimal("0"),
    )
    with pytest.raises(ValidationError) as exc:
        establishment_purchase_pay(
            ctx=_ctx(world), purchase=first, paid_on=D(2024, 3, 20), invoice_reference="", version=1
        )
    assert "fakturanummeret" in _messages(exc)
    paid = establishment_purchase_pay(
        ctx=_ctx(world),
        purchase=first,
        paid_on=D(2024, 3, 20),
        invoice_reference="F-1001",
        version=1,
    )
    assert paid.status == PurchaseStatus.PAID
    assert establishment_balances(application)[0].paid == Decimal("12500")


def test_a_shop_needs_a_valid_organisation_number_and_cash_needs_none(world: World) -> None:
    application = _approve(world, _apply(world))
    with pytest.raises(ValidationError) as exc:
        _purchase(world, application, shop_org_number="974760674")
    assert "kontrollsiffer" in _messages(exc)
    cash = _purchase(world, application, payment="cash", shop_name="", shop_org_number="")
    assert cash.shop_name == ""
    paid = establishment_purchase_pay(
        ctx=_ctx(world), purchase=cash, paid_on=D(2024, 3, 13), invoice_reference="", version=1
    )
    assert paid.paid_on == D(2024, 3, 13)


def test_a_grant_cannot_be_lowered_below_what_purchases_use(world: World) -> None:
    application = _approve(world, _apply(world))
    _purchase(world, application, amount=Decimal("30000"))
    application.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _approve(world, application, furniture=Decimal("20000"))
    assert "kr 30 000,00" in _messages(exc)


def test_a_cancelled_purchase_frees_its_amount(world: World) -> None:
    application = _approve(world, _apply(world), furniture=Decimal("10000"))
    purchase = _purchase(world, application, amount=Decimal("10000"))
    establishment_purchase_cancel(ctx=_ctx(world), purchase=purchase, version=1)
    assert establishment_balances(application)[0].left == Decimal("10000")
    again = _purchase(world, application, amount=Decimal("10000"))
    assert again.status == PurchaseStatus.APPROVED


def test_clothes_are_bought_in_the_first_year_in_the_municipality(world: World) -> None:
    Household.objects.filter(pk=world.household.pk).update(settled_on=D(2023, 3, 1))
    world.household.refresh_from_db()
    application = _approve(world, _apply(world))
    with pytest.raises(ValidationError) as exc:
        _purchase(world, application, category="clothes", amount=Decimal("2000"))
    assert "første året" in _messages(exc) and "01.03.2024" in _messages(exc)


def test_purchases_wait_for_the_grant(world: World) -> None:
    application = _apply(world)
    with pytest.raises(ValidationError) as exc:
        _purchase(world, application)
    assert "når søknaden er innvilget" in _messages(exc)


def test_only_the_refugee_service_writes(world: World) -> None:
    leader = make_user(municipality_number="0301", username="leder", roles=[Role.MUNICIPAL_LEADER])
    with pytest.raises(PermissionDenied):
        establishment_application_create(
            ctx=AccessContext(user=leader, route="test"),
            household=world.household,
            data=ApplicationInput(applied_on=D(2024, 3, 5), adults=2, children=1),
        )


# --- The register ---------------------------------------------------------------------------------


def test_the_register_sums_what_was_granted_and_paid_in_the_year(world: World) -> None:
    application = _approve(
        world, _apply(world), furniture=Decimal("20000"), clothes=Decimal("5000")
    )
    purchase = _purchase(world, application)
    establishment_purchase_pay(
        ctx=_ctx(world),
        purchase=purchase,
        paid_on=D(2024, 4, 2),
        invoice_reference="F-1",
        version=1,
    )
    register = establishment_register(ctx=_ctx(world), year=2024)
    assert [r.application.pk for r in register.rows] == [application.pk]
    assert (register.granted, register.paid, register.paid_to_shops) == (
        Decimal("25000"),
        Decimal("12500"),
        Decimal("12500"),
    )
    assert establishment_register(ctx=_ctx(world), year=2023).rows == []
    outsider = establishment_register(ctx=AccessContext(user=world.outsider, route="t"), year=2024)
    assert outsider.rows == []

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(establishment_register_xlsx(register))).active
    assert sheet is not None
    assert str(sheet["A1"].value).startswith("Register over etableringsstønad 2024 – Oslo – laget")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))  # below the title row
    assert rows[0][:3] == ("Kommune", "Husstand", "Søknadsdato")
    assert rows[1][1] == world.household.reference
    assert rows[-1][0] == "Sum" and rows[-1][6] == 25000 and rows[-1][7] == 12500


# --- Pages and API --------------------------------------------------------------------------------


def test_the_pages_walk_an_application_from_applying_to_payment(world: World) -> None:
    client = client_for(world.owner)
    household_id = world.household.pk
    page = client.get(reverse("finance:establishment-create", args=[household_id]))
    assert page.status_code == 200
    response = client.post(
        reverse("finance:establishment-create", args=[household_id]),
        {"applied_on": "2024-03-05", "adults": "2", "children": "1"},
    )
    application = EstablishmentApplication.objects.get()
    detail = reverse("finance:establishment-detail", args=[household_id, application.pk])
    assert response.status_code == 302 and response["Location"] == detail
    response = client.post(
        reverse("finance:establishment-decide", args=[household_id, application.pk]),
        {
            "outcome": "approve",
            "furniture": "50 000",
            "clothes": "24 000,00",
            "decided_on": "2024-03-10",
            "version": "1",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("finance:establishment-purchase", args=[household_id, application.pk]),
        {
            "category": "furniture",
            "description": "Seng",
            "amount": "60 000",
            "payment": "shop",
            "shop_name": "Møbelhuset AS",
            "shop_org_number": SHOP_ORG,
            "approved_on": "2024-03-12",
        },
    )
    assert response.status_code == 422
    assert "Det er kr 50 000,00 igjen" in _plain(response.content)
    response = client.post(
        reverse("finance:establishment-purchase", args=[household_id, application.pk]),
        {
            "category": "furniture",
            "description": "Seng",
            "amount": "6 000",
            "payment": "shop",
            "shop_name": "Møbelhuset AS",
            "shop_org_number": SHOP_ORG,
            "approved_on": "2024-03-12",
        },
    )
    assert response.status_code == 302
    purchase = application.purchases.get()
    response = client.post(
        reverse(
            "finance:establishment-purchase-action",
            args=[household_id, application.pk, purchase.pk],
        ),
        {"action": "pay", "paid_on": "2024-03-20", "invoice_reference": "F-77", "version": "1"},
    )
    assert response.status_code == 302
    shown = _plain(client.get(detail).content)
    assert "Betalt 20.03.2024, faktura F-77" in shown
    assert "kr 44 000,00" in shown  # what is left of the furniture grant
    register = client.get(reverse("finance:establishment-register") + "?year=2024")
    assert register.status_code == 200 and world.household.reference in register.content.decode()
    xlsx = client.get(reverse("finance:establishment-register") + "?year=2024&format=xlsx")
    assert xlsx["Content-Disposition"] == 'attachment; filename="etableringsstonad-2024.xlsx"'


def test_another_municipality_gets_404_on_every_establishment_route(world: World) -> None:
    application = _approve(world, _apply(world))
    purchase = _purchase(world, application)
    client = client_for(world.outsider)
    args = [world.household.pk, application.pk]
    for name, method, extra in (
        ("finance:establishment-list", "get", []),
        ("finance:establishment-create", "get", []),
        ("finance:establishment-detail", "get", [application.pk]),
        ("finance:establishment-decide", "post", [application.pk]),
        ("finance:establishment-purchase", "post", [application.pk]),
        ("finance:establishment-purchase-action", "post", [application.pk, purchase.pk]),
    ):
        url = reverse(name, args=[world.household.pk, *extra])
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    api = client.get(f"/api/v1/households/{args[0]}/establishment-applications/{args[1]}")
    assert api.status_code == 404
    denied = AuditEvent.objects.filter(allowed=False, user_id=world.outsider.pk)
    members = world.household.members.values_list("pk", flat=True)
    assert denied.filter(person_id__in=list(members)).exists()


def test_the_api_applies_decides_approves_and_pays(world: World) -> None:
    client = client_for(world.owner)
    base = f"/api/v1/households/{world.household.pk}/establishment-applications"
    created = client.post(
        base,
        json.dumps({"applied_on": "2024-03-05", "adults": 1, "children": 0}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["furniture_max"], body["clothes_max"], body["status"]) == (
        "40000.00",
        "8000.00",
        "applied",
    )
    decided = client.post(
        f"{base}/{body['id']}/decision",
        json.dumps(
            {
                "version": 1,
                "outcome": "approved",
                "furniture": "40000",
                "clothes": "8000",
                "decided_on": "2024-03-10",
            }
        ),
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    refused = client.post(
        f"{base}/{body['id']}/purchases",
        json.dumps(
            {
                "category": "clothes",
                "description": "Vinterjakke",
                "amount": "9000",
                "payment": "cash",
            }
        ),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "kr 8 000,00 igjen" in _plain(refused.json()["detail"])
    bought = client.post(
        f"{base}/{body['id']}/purchases",
        json.dumps(
            {
                "category": "clothes",
                "description": "Vinterjakke",
                "amount": "1999.50",
                "payment": "cash",
            }
        ),
        content_type="application/json",
    )
    assert bought.status_code == 201, bought.content
    purchase = bought.json()
    paid = client.post(
        f"{base}/{body['id']}/purchases/{purchase['id']}/payment",
        json.dumps({"version": 1, "paid_on": "2024-06-03"}),
        content_type="application/json",
    )
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    read = client.get(f"{base}/{body['id']}").json()
    clothes = next(b for b in read["balances"] if b["category"] == "clothes")
    assert (clothes["paid"], clothes["left"]) == ("1999.50", "6000.50")
    stale = client.post(
        f"{base}/{body['id']}/decision",
        json.dumps({"version": 1, "outcome": "refused", "note": "x", "decided_on": "2024-03-10"}),
        content_type="application/json",
    )
    assert stale.status_code in {409, 422}


def test_a_service_with_consent_for_a_member_is_refused_and_audited_as_denied(
    world: World,
) -> None:
    """Establishment support is the whole case: NAV's consent to one member's personal data
    does not open it (404), and the refusal is recorded against the members."""
    from integrering.accounts.roles import Service
    from integrering.casework.services.consent import ConsentInput, consent_give
    from integrering.people.models import InformationCategory

    consent_give(
        ctx=_ctx(world),
        person=world.person,
        data=ConsentInput(
            services=[Service.NAV],
            categories=[InformationCategory.PERSONAL],
            valid_from=D(2024, 1, 1),
            signed_on=D(2024, 1, 1),
        ),
    )
    nav = make_user(municipality_number="0301", username="nav-etab", roles=[Role.NAV_CASEWORKER])
    response = client_for(nav).get(reverse("finance:establishment-list", args=[world.household.pk]))
    assert response.status_code == 404
    denied = AuditEvent.objects.filter(user_id=nav.pk, allowed=False)
    assert set(denied.values_list("person_id", flat=True)) == set(
        world.household.members.values_list("pk", flat=True)
    )
    assert not AuditEvent.objects.filter(user_id=nav.pk, allowed=True).exists()
