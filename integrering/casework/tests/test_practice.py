"""Practice contracts (seed 002 Vedlegg 1): pages, API, the PDF to sign, rules and access."""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from conftest import World, client_for
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import PracticeContract
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.casework.services.practice import (
    PracticeContractInput,
    practice_contract_create,
    practice_contract_update,
)
from integrering.concurrency import ConflictError
from integrering.pdf import pdf_from_template
from integrering.people.models import InformationCategory
from integrering.testing import make_user

FORM: dict[str, str] = {
    "employer_name": "Bakeri Grünerløkka AS",
    "employer_address": "Thorvald Meyers gate 1, 0555 Oslo",
    "workplace": "Butikken",
    "supervisor_name": "Ola Hansen",
    "supervisor_phone": "900 00 000",
    "contact_person": "Kari Nordmann",
    "starts_on": "2025-03-03",
    "ends_on": "2025-06-27",
    "hours_per_week": "22,5",
    "working_hours": "mandag–torsdag 08.30–14.30",
    "goal": "Lære norsk i arbeid og få en referanse.",
    "tasks": "Pakke varer og ekspedere kunder.",
    "employer_responsibility": "Gi opplæring og en fast veileder.",
    "contact_responsibility": "Følge opp deltakeren hver uke.",
    "programme_responsibility": "Forsikring og oppfølging av fravær.",
}


def _input(**changes: Any) -> PracticeContractInput:
    data: dict[str, Any] = {**FORM, **changes}
    data["starts_on"] = datetime.date.fromisoformat(data["starts_on"])
    data["ends_on"] = datetime.date.fromisoformat(data["ends_on"])
    data["hours_per_week"] = Decimal(data["hours_per_week"].replace(",", "."))
    return PracticeContractInput(**data)


def _contract(world: World, **changes: Any) -> PracticeContract:
    return practice_contract_create(
        ctx=AccessContext(user=world.owner, route="test"),
        person=world.person,
        data=_input(**changes),
    )


def _url(name: str, world: World, contract: PracticeContract | None = None) -> str:
    kwargs = {"person_id": world.person.pk}
    if contract is not None:
        kwargs["contract_id"] = contract.pk
    return reverse(f"casework:{name}", kwargs=kwargs)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _nav_user(world: World, *categories: str) -> Client:
    """A NAV caseworker in the owner's municipality, with a consent for ``categories`` if any."""
    if categories:
        consent_give(
            ctx=AccessContext(user=world.owner, route="test"),
            person=world.person,
            data=ConsentInput(
                services=[Service.NAV],
                categories=list(categories),
                valid_from=datetime.date(2024, 1, 1),
                signed_on=datetime.date(2024, 1, 1),
            ),
        )
    return client_for(make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER]))


# The PDF


@time_machine.travel(datetime.datetime(2025, 2, 14, 12, 0), tick=False)
def test_the_pdf_is_a_real_a4_pdf_with_the_participant_the_company_and_the_period(
    world: World, owner_client: Client
) -> None:
    contract = _contract(world)

    response = owner_client.get(_url("practice-pdf", world, contract))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="praksisavtale-{contract.pk}-2025-03-03.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = _pdf_text(response.content)
    person = world.person
    for expected in [
        "Oslo kommune",
        "Kontrakt for språktrening/praksisplass",
        person.full_name,
        f"{person.birth_date:%d.%m.%Y}",
        "Bakeri Grünerløkka AS",
        "03.03.2025–27.06.2025",
        "22,5",
        "Ola Hansen",
        "Pakke varer og ekspedere kunder.",
        "Bedriften har ikke forpliktelser utover et kollegialt ansvar",
        "forsikret gjennom kommunen",
        "Underskrift bedrift",
        "Underskrift kontaktperson",
        "Underskrift deltaker",
        "Underskrift flyktningkonsulent",
        "skrevet ut 14.02.2025",
    ]:
        assert expected in text, f"{expected!r} is missing from the PDF"


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"outside.html": '<p>Logo</p><img src="http://example.invalid/logo.png">'},
                    )
                ]
            },
        }
    ]
)
def test_the_pdf_renderer_fetches_nothing_from_outside() -> None:
    with pytest.raises(FatalURLFetchingError):
        pdf_from_template("outside.html", {})


def test_each_pdf_download_is_audited_as_an_export(world: World, owner_client: Client) -> None:
    contract = _contract(world)

    for _ in range(2):
        assert owner_client.get(_url("practice-pdf", world, contract)).status_code == 200

    exports = AuditEvent.objects.filter(
        action=AuditAction.EXPORT, person_id=world.person.pk, allowed=True
    )
    assert exports.count() == 2
    assert all(e.username == "owner" and "Bakeri" in e.detail for e in exports)


# Creating, listing, changing


def test_a_caseworker_creates_a_contract_and_finds_it_in_the_list(
    world: World, owner_client: Client
) -> None:
    form_page = owner_client.get(_url("practice-create", world))
    assert form_page.status_code == 200
    assert "Målsetting" in form_page.content.decode()

    response = owner_client.post(_url("practice-create", world), FORM)

    assert response.status_code == 302
    assert response["Location"] == _url("practice-list", world)
    contract = PracticeContract.objects.get(person=world.person)
    assert contract.hours_per_week == Decimal("22.5")
    assert contract.created_by == world.owner
    listing = owner_client.get(_url("practice-list", world)).content.decode()
    assert "Bakeri Grünerløkka AS" in listing
    assert "03.03.2025–27.06.2025" in listing
    assert _url("practice-pdf", world, contract) in listing
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, person_id=world.person.pk, detail__contains="Bakeri"
    ).exists()


def test_a_caseworker_changes_a_contract_and_the_change_is_audited(
    world: World, owner_client: Client
) -> None:
    contract = _contract(world)
    page = owner_client.get(_url("practice-edit", world, contract)).content.decode()
    assert 'value="22,5"' in page

    response = owner_client.post(
        _url("practice-edit", world, contract),
        {**FORM, "employer_name": "Kafé Sentrum AS", "version": "1"},
    )

    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.employer_name, contract.version) == ("Kafé Sentrum AS", 2)
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, person_id=world.person.pk, detail__contains="Kafé Sentrum"
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "2025-03-02"}, "ends_on", "Siste dag (02.03.2025) er før første dag"),
        ({"hours_per_week": "40"}, "hours_per_week", "fulltid i introduksjonsprogrammet, 37,5"),
        ({"hours_per_week": "37,6"}, "hours_per_week", "fulltid i introduksjonsprogrammet, 37,5"),
        ({"hours_per_week": "0"}, "hours_per_week", "Timer per uke må være mer enn 0."),
        ({"hours_per_week": "-5"}, "hours_per_week", "Timer per uke må være mer enn 0."),
        ({"hours_per_week": "12,25"}, "hours_per_week", "høyst én desimal"),
        ({"hours_per_week": "mange"}, "hours_per_week", "Skriv et tall"),
        ({"starts_on": "2025-02-30"}, "starts_on", "Ugyldig dato."),
        ({"goal": "   "}, "goal", "Beskriv hva deltakeren skal oppnå med praksisen."),
        ({"employer_name": ""}, "employer_name", "Skriv navnet på bedriften."),
    ],
)
def test_bad_input_is_refused_with_the_message_next_to_the_field(
    world: World, owner_client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    response = owner_client.post(_url("practice-create", world), {**FORM, **changes})

    assert response.status_code == 422
    page = response.content.decode()
    error_block = page.split(f'id="id_{field}_error"', 1)
    assert len(error_block) == 2, f"no error next to {field}"
    assert message in error_block[1].split("</div>", 1)[0]
    control = re.search(rf'<(?:input|textarea)[^>]*name="{field}"[^>]*>', page)
    assert control is not None
    assert f"id_{field}_error" in control.group(0)  # aria-describedby: read out with the input
    assert 'aria-invalid="true"' in control.group(0)
    assert not PracticeContract.objects.exists()


def test_full_time_is_allowed_exactly(world: World) -> None:
    contract = _contract(world, hours_per_week="37,5")
    assert contract.hours_per_week == Decimal("37.5")


def test_an_empty_form_names_every_missing_field(world: World, owner_client: Client) -> None:
    response = owner_client.post(_url("practice-create", world), {})

    assert response.status_code == 422
    page = response.content.decode()
    for field in ["employer_name", "supervisor_name", "starts_on", "hours_per_week", "tasks"]:
        assert f'id="id_{field}_error"' in page
    assert 'id="id_workplace_error"' not in page  # optional


def test_a_second_save_from_an_old_version_gets_409_and_keeps_what_the_user_typed(
    world: World, owner_client: Client
) -> None:
    contract = _contract(world)
    colleague = client_for(world.colleague)
    first = colleague.post(
        _url("practice-edit", world, contract),
        {**FORM, "tasks": "Først lagret", "version": "1"},
    )
    assert first.status_code == 302

    second = owner_client.post(
        _url("practice-edit", world, contract),
        {**FORM, "tasks": "Mine egne endringer", "version": "1"},
    )

    assert second.status_code == 409
    page = second.content.decode()
    assert "Noen andre har lagret endringer i praksisavtalen" in page
    assert "Mine egne endringer" in page
    contract.refresh_from_db()
    assert (contract.tasks, contract.version) == ("Først lagret", 2)


def test_the_service_refuses_a_stale_version(world: World) -> None:
    contract = _contract(world)
    ctx = AccessContext(user=world.owner, route="test")
    practice_contract_update(ctx=ctx, contract=contract, data=_input(tasks="A"), version=1)
    with pytest.raises(ConflictError):
        practice_contract_update(ctx=ctx, contract=contract, data=_input(tasks="B"), version=1)


# Access


def test_the_outsider_gets_404_on_every_practice_page(
    world: World, outsider_client: Client
) -> None:
    contract = _contract(world)
    urls = [
        _url("practice-list", world),
        _url("practice-create", world),
        _url("practice-edit", world, contract),
        _url("practice-pdf", world, contract),
        f"/api/v1/persons/{world.person.pk}/practice-contracts",
        f"/api/v1/persons/{world.person.pk}/practice-contracts/{contract.pk}/pdf",
    ]
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
    assert outsider_client.post(_url("practice-create", world), FORM).status_code == 404
    assert outsider_client.post(_url("practice-edit", world, contract), FORM).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_contract_is_only_found_under_its_own_person(world: World, owner_client: Client) -> None:
    contract = _contract(world)
    sibling = world.household.members.exclude(pk=world.person.pk).first()
    assert sibling is not None
    for name in ("practice-edit", "practice-pdf"):
        url = reverse(
            f"casework:{name}", kwargs={"person_id": sibling.pk, "contract_id": contract.pk}
        )
        assert owner_client.get(url).status_code == 404


def test_a_nav_user_without_consent_to_the_plan_gets_403(world: World) -> None:
    contract = _contract(world)
    nav = _nav_user(world, InformationCategory.PERSONAL)

    for url in [_url("practice-list", world), _url("practice-pdf", world, contract)]:
        assert nav.get(url).status_code == 403, url
    api = nav.get(f"/api/v1/persons/{world.person.pk}/practice-contracts")
    assert api.status_code == 403
    assert "Kontakt Flyktningtjenesten i Oslo" in api.json()["detail"]
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_nav_user_with_consent_to_the_plan_reads_and_prints_but_does_not_write(
    world: World,
) -> None:
    contract = _contract(world)
    nav = _nav_user(world, InformationCategory.PERSONAL, InformationCategory.PLAN)

    listing = nav.get(_url("practice-list", world))
    assert listing.status_code == 200
    assert "Bakeri Grünerløkka AS" in listing.content.decode()
    assert "Ny praksisavtale" not in listing.content.decode()
    detail = nav.get(_url("practice-edit", world, contract))
    assert detail.status_code == 200
    assert "Bare flyktningtjenesten kan endre avtalen." in detail.content.decode()
    assert nav.get(_url("practice-pdf", world, contract)).content.startswith(b"%PDF")
    assert nav.get(_url("practice-create", world)).status_code == 403
    assert nav.post(_url("practice-create", world), FORM).status_code == 403
    assert nav.post(_url("practice-edit", world, contract), FORM).status_code == 403
    contract.refresh_from_db()
    assert contract.version == 1


# API


def _api(world: World) -> str:
    return f"/api/v1/persons/{world.person.pk}/practice-contracts"


def test_the_api_creates_lists_and_prints_a_contract(world: World, owner_client: Client) -> None:
    body = {**FORM, "hours_per_week": "22.5"}

    created = owner_client.post(_api(world), json.dumps(body), content_type="application/json")

    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["employer_name"], data["hours_per_week"], data["version"]) == (
        "Bakeri Grünerløkka AS",
        "22.5",
        1,
    )
    listed = owner_client.get(_api(world)).json()
    assert [c["id"] for c in listed] == [data["id"]]
    pdf = owner_client.get(data["pdf_url"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith('inline; filename="praksisavtale-')
    assert world.person.full_name in _pdf_text(pdf.content)
    assert (
        AuditEvent.objects.filter(action=AuditAction.EXPORT, person_id=world.person.pk).count() == 1
    )


def test_the_api_refuses_bad_input_with_messages_by_field(
    world: World, owner_client: Client
) -> None:
    body = {**FORM, "ends_on": "2025-01-01", "hours_per_week": 45, "tasks": ""}

    response = owner_client.post(_api(world), json.dumps(body), content_type="application/json")

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"ends_on", "hours_per_week", "tasks"}
    assert "fulltid" in errors["hours_per_week"][0]
    assert not PracticeContract.objects.exists()


def test_the_api_lets_only_the_refugee_service_create(world: World) -> None:
    nav = _nav_user(world, InformationCategory.PERSONAL, InformationCategory.PLAN)
    body = {**FORM, "hours_per_week": "22.5"}
    response = nav.post(_api(world), json.dumps(body), content_type="application/json")
    assert response.status_code == 403
    assert nav.get(_api(world)).status_code == 200
