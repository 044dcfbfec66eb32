"""Signing (issue 22 item 5): the practice contract, the individual plan and the consent form
(Vedlegg 3) as A4 PDFs, and who signed each, when and how (paper, a scanned copy, digital as
an interface without a provider); service, pages and API."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from pypdf import PdfReader

from conftest import World, client_for
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import (
    IndividualPlan,
    PracticeContract,
    Signature,
    SignedDocument,
    SignerRole,
    SigningMethod,
)
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.casework.services.plan import MeasureInput, PlanInput, plan_create, plan_update
from integrering.casework.services.practice import PracticeContractInput, practice_contract_create
from integrering.casework.services.signing import (
    NOT_CONFIGURED,
    DigitalSignatureReceipt,
    DigitalSigningUnavailable,
    ScanUpload,
    SignatureInput,
    consent_document,
    plan_document,
    practice_contract_document,
    signature_record,
    signatures_of,
    signing_provider,
    signing_status,
)
from integrering.people.models import Consent, ConsentBasis, InformationCategory
from integrering.rules.parameters import value
from integrering.testing import make_user

D = datetime.date
TODAY = D(2025, 5, 2)
NOW = time_machine.travel(datetime.datetime(2025, 5, 2, 12, 0), tick=False)
A4 = (595, 842)  # points, rounded
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"


def _ctx(world: World) -> AccessContext:
    return AccessContext(user=world.owner, route="test")


def _contract(world: World) -> PracticeContract:
    return practice_contract_create(
        ctx=_ctx(world),
        person=world.person,
        data=PracticeContractInput(
            employer_name="Bakeri Grünerløkka AS",
            employer_address="Thorvald Meyers gate 1, 0555 Oslo",
            supervisor_name="Ola Hansen",
            contact_person="Kari Nordmann",
            starts_on=D(2025, 5, 5),
            ends_on=D(2025, 8, 29),
            hours_per_week=Decimal("22.5"),
            working_hours="mandag–torsdag 08.30–14.30",
            goal="Lære norsk i arbeid.",
            tasks="Pakke varer.",
            employer_responsibility="Opplæring.",
            contact_responsibility="Oppfølging.",
            programme_responsibility="Forsikring.",
        ),
    )


def _plan(world: World) -> IndividualPlan:
    return plan_create(
        ctx=_ctx(world),
        person=world.person,
        data=PlanInput(
            final_goal=next(iter(value("programme/length_by_final_goal", D(2025, 4, 1)))),
            starts_on=D(2025, 4, 1),
            final_goal_text="Fast arbeid i helsesektoren",
            goals=["Norsk på B1-nivå"],
            measures=[
                MeasureInput(
                    description="Norskopplæring",
                    service=Service.ADULT_EDUCATION,
                    starts_on=D(2025, 4, 7),
                    goal=0,
                )
            ],
        ),
    )


def _consent(world: World, **changes: Any) -> Consent:
    data: dict[str, Any] = {
        "services": [Service.NAV, Service.HEALTH],
        "categories": [InformationCategory.PERSONAL, InformationCategory.PLAN],
        "valid_from": D(2025, 4, 1),
        "valid_to": D(2026, 3, 31),
        "signed_on": D(2025, 4, 1),
        "remarks": "Helsetjenesten skal ikke få opplysninger om tidligere behandling.",
        **changes,
    }
    return consent_give(ctx=_ctx(world), person=world.person, data=ConsentInput(**data))


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _is_a4(content: bytes) -> bool:
    pages = PdfReader(io.BytesIO(content)).pages
    return all(
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == A4 for p in pages
    )


def _paper(role: str = SignerRole.PARTICIPANT, name: str = "", **changes: Any) -> SignatureInput:
    data: dict[str, Any] = {
        "signer_role": role,
        "signer_name": name,
        "signed_on": TODAY,
        "method": SigningMethod.PAPER,
        **changes,
    }
    return SignatureInput(**data)


class _SigningService:
    """A digital signing service outside the machine, answering as a real one would."""

    configured = True
    status_message = "Digital signering med BankID."

    def __init__(self, receipt: DigitalSignatureReceipt | None) -> None:
        self.receipt = receipt

    def request_signature(self, *, pdf: bytes, filename: str, signer_name: str) -> str:
        return "REF-1"

    def confirm(self, *, reference: str) -> DigitalSignatureReceipt:
        if self.receipt is None or reference != self.receipt.reference:
            raise DigitalSigningUnavailable("Fant ingen fullført signering med den referansen.")
        return self.receipt


# --- The PDFs -------------------------------------------------------------------------------


@NOW
@pytest.mark.django_db
def test_the_plan_prints_as_an_a4_pdf_with_its_goals_measures_and_signature_lines(
    world: World, owner_client: Client
) -> None:
    plan = _plan(world)
    response = owner_client.get(f"/personer/{world.person.pk}/individuell-plan/{plan.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="individuell-plan-{plan.pk}-versjon-1.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    content = response.content
    assert content.startswith(b"%PDF") and _is_a4(content)
    text = _text(content)
    for expected in (
        "Individuell plan",
        world.person.full_name,
        "Fast arbeid i helsesektoren",
        "Norsk på B1-nivå",
        "Norskopplæring",
        "Voksenopplæringen",
        "01.04.2025",
        "Underskrift deltaker",
        "Underskrift flyktningtjenesten",
    ):
        assert expected in text, expected
    assert AuditEvent.objects.filter(
        person_id=world.person.pk, action=AuditAction.EXPORT, detail__startswith="individuell plan"
    ).exists()


@NOW
@pytest.mark.django_db
def test_the_consent_form_prints_as_vedlegg_3_with_the_services_and_the_restrictions(
    world: World, owner_client: Client
) -> None:
    consent = _consent(world)
    response = owner_client.get(f"/personer/{world.person.pk}/samtykker/{consent.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _is_a4(response.content)
    text = " ".join(_text(response.content).split())
    for expected in (
        "Samtykkeerklæring",
        "Vedlegg 3",
        "KONFIDENSIELT – offentleglova § 13 og forvaltningsloven § 13",
        world.person.full_name,
        "fra 01.04.2025 til 31.03.2026",
        "Tjenester som kan gi og få opplysninger",
        "Helsetjenesten skal ikke få opplysninger om tidligere behandling.",
        "Samtykket gjelder ikke disse tjenestene",
        "Underskrift bruker",
        "Underskrift hjelpeverge eller foresatt",
    ):
        assert expected in text, expected
    covered = text.split("Tjenester som kan gi og få opplysninger")[1].split("Opplysninger som")[0]
    assert "NAV" in covered and "Helsetjenesten" in covered and "Barnevernet" not in covered
    limits = text.split("Samtykket gjelder ikke disse tjenestene")[1].split("Merknader")[0]
    for service in ("Voksenopplæringen", "Barnehagen", "Skolen", "Boligtjenesten", "Barnevernet"):
        assert service in limits
    assert "NAV" not in limits


@NOW
@pytest.mark.django_db
def test_a_legal_basis_has_no_consent_form_to_print_or_sign(
    world: World, owner_client: Client
) -> None:
    legal = _consent(
        world,
        basis=ConsentBasis.LEGAL,
        legal_reference="barnevernloven § 13-2",
        signed_on=None,
        remarks="",
    )
    page = owner_client.get(f"/personer/{world.person.pk}/samtykker/{legal.pk}/pdf/")
    assert page.status_code == 404
    api = owner_client.get(f"/api/v1/persons/{world.person.pk}/consents/{legal.pk}/pdf")
    assert api.status_code == 422
    assert "ingen samtykkeerklæring" in api.json()["detail"]
    with pytest.raises(ValidationError, match="ingen samtykkeerklæring å signere"):
        signature_record(
            ctx=_ctx(world), person=world.person, document=consent_document(legal), data=_paper()
        )


# --- Recording signatures (the service) -----------------------------------------------------


@NOW
@pytest.mark.django_db
def test_a_practice_contract_is_complete_when_its_four_parties_have_signed(world: World) -> None:
    contract = _contract(world)
    document = practice_contract_document(contract)
    signature = signature_record(
        ctx=_ctx(world),
        person=world.person,
        document=document,
        data=_paper(SignerRole.EMPLOYER, "Ola Hansen"),
    )
    assert (signature.document, signature.practice_contract_id) == (
        SignedDocument.PRACTICE_CONTRACT,
        contract.pk,
    )
    assert signature.document_version == 1 and signature.recorded_by == world.owner
    assert signature.scan is None and signature.scan_size is None
    status = signing_status(document, signatures_of(person=world.person, document=document))
    assert status.missing == [
        "kontaktperson i introduksjonsprogrammet",
        "deltakeren selv",
        "flyktningkonsulent",
    ]
    for role, name in (
        (SignerRole.CONTACT_PERSON, "Kari Nordmann"),
        (SignerRole.PARTICIPANT, "ignored: the participant's own name is used"),
        (SignerRole.CASEWORKER, "Frida Flyktning"),
    ):
        signature_record(
            ctx=_ctx(world), person=world.person, document=document, data=_paper(role, name)
        )
    signatures = signatures_of(person=world.person, document=document)
    assert signing_status(document, signatures).complete
    participant = next(s for s in signatures if s.signer_role == SignerRole.PARTICIPANT)
    assert participant.signer_name == world.person.full_name
    assert participant.signer_person == world.person
    audited = AuditEvent.objects.filter(
        person_id=world.person.pk, action=AuditAction.CREATE, detail__startswith="signatur "
    )
    assert audited.count() == 4


@NOW
@pytest.mark.django_db
def test_the_same_signature_is_recorded_once_and_a_wrong_role_or_date_is_refused(
    world: World,
) -> None:
    consent = _consent(world)
    document = consent_document(consent)
    signature_record(ctx=_ctx(world), person=world.person, document=document, data=_paper())
    with pytest.raises(ValidationError, match="har allerede signert samtykkeerklæringen"):
        signature_record(ctx=_ctx(world), person=world.person, document=document, data=_paper())
    with pytest.raises(ValidationError) as exc:
        signature_record(
            ctx=_ctx(world),
            person=world.person,
            document=document,
            data=_paper(SignerRole.EMPLOYER, "Ola Hansen", signed_on=TODAY.replace(day=3)),
        )
    errors = exc.value.message_dict
    assert errors["signer_role"] == [
        "Samtykkeerklæringen fra 01.04.2025 signeres ikke av «bedriften (praksisgiver)»."
    ]
    assert errors["signed_on"] == ["Signert dato kan ikke være fram i tid."]
    with pytest.raises(ValidationError) as exc:
        signature_record(
            ctx=_ctx(world),
            person=world.person,
            document=document,
            data=_paper(SignerRole.GUARDIAN, "", signed_on=None, method=""),
        )
    assert exc.value.message_dict == {
        "method": ["Velg hvordan dokumentet ble signert."],
        "signer_name": ["Skriv navnet på den som signerte."],
        "signed_on": ["Oppgi datoen dokumentet ble signert."],
    }


@NOW
@pytest.mark.django_db
def test_a_plan_signed_before_it_changed_shows_its_new_version_as_unsigned(world: World) -> None:
    plan = _plan(world)
    document = plan_document(plan)
    for role, name in ((SignerRole.PARTICIPANT, ""), (SignerRole.CASEWORKER, "Frida Flyktning")):
        signature_record(
            ctx=_ctx(world), person=world.person, document=document, data=_paper(role, name)
        )
    assert signing_status(document, signatures_of(person=world.person, document=document)).complete
    with pytest.raises(ValidationError, match=r"før dokumentet ble skrevet \(02.05.2025\)"):
        signature_record(
            ctx=_ctx(world),
            person=world.person,
            document=document,
            data=_paper(SignerRole.GUARDIAN, "Verge Vergesen", signed_on=D(2025, 4, 30)),
        )
    changed = plan_update(
        ctx=_ctx(world),
        plan=plan,
        data=PlanInput(
            final_goal=plan.final_goal, starts_on=plan.starts_on, goals=["Norsk på B2-nivå"]
        ),
        version=1,
    )
    status = signing_status(
        plan_document(changed), signatures_of(person=world.person, document=document)
    )
    assert not status.complete and status.outdated == 2
    assert status.missing == [
        "deltakeren selv eller hjelpeverge eller foresatt",
        "flyktningkonsulent",
    ]


@NOW
@pytest.mark.django_db
def test_a_scanned_copy_is_kept_when_its_content_is_a_pdf_or_an_image(world: World) -> None:
    contract = _contract(world)
    document = practice_contract_document(contract)
    signature = signature_record(
        ctx=_ctx(world),
        person=world.person,
        document=document,
        data=_paper(
            SignerRole.EMPLOYER,
            "Ola Hansen",
            method=SigningMethod.SCANNED,
            scan=ScanUpload("C:\\skanner\\avtale.PDF", PDF),
        ),
    )
    stored = Signature.objects.get(pk=signature.pk).scan
    assert stored is not None and bytes(stored) == PDF
    assert (signature.scan_filename, signature.scan_content_type, signature.scan_size) == (
        "avtale.PDF",
        "application/pdf",
        len(PDF),
    )
    image = signature_record(
        ctx=_ctx(world),
        person=world.person,
        document=document,
        data=_paper(
            SignerRole.CASEWORKER,
            "Frida Flyktning",
            method=SigningMethod.SCANNED,
            scan=ScanUpload("side1.jpeg", JPEG),
        ),
    )
    assert image.scan_content_type == "image/jpeg"


@NOW
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scan", "message"),
    [
        (None, "Last opp den skannede kopien."),
        (ScanUpload("avtale.pdf", b""), "Filen er tom."),
        (
            ScanUpload("avtale.pdf", b"<html><script>alert(1)</script></html>"),
            "Filen må være en skannet kopi som PDF eller bilde (JPEG eller PNG), og innholdet "
            "er ingen av dem.",
        ),
        (
            ScanUpload("avtale.pdf", PDF[:-7]),
            "Filen må være en skannet kopi som PDF eller bilde (JPEG eller PNG), og innholdet "
            "er ingen av dem.",
        ),
        (
            ScanUpload("avtale.pdf", PNG),
            "Filen heter «.pdf», men innholdet er et PNG-bilde. Gi filen riktig filtype (.png).",
        ),
    ],
    ids=["missing", "empty", "not a scan", "a pdf cut short", "name and content disagree"],
)
def test_a_scan_that_is_not_what_it_says_is_refused(
    world: World, scan: ScanUpload | None, message: str
) -> None:
    document = practice_contract_document(_contract(world))
    with pytest.raises(ValidationError) as exc:
        signature_record(
            ctx=_ctx(world),
            person=world.person,
            document=document,
            data=_paper(SignerRole.EMPLOYER, "Ola Hansen", method=SigningMethod.SCANNED, scan=scan),
        )
    assert exc.value.message_dict == {"scan": [message]}
    assert not Signature.objects.exists()


@NOW
@override_settings(IMPORT_MAX_BYTES=50)
@pytest.mark.django_db
def test_a_scan_larger_than_an_upload_may_be_is_refused(world: World) -> None:
    document = practice_contract_document(_contract(world))
    with pytest.raises(ValidationError) as exc:
        signature_record(
            ctx=_ctx(world),
            person=world.person,
            document=document,
            data=_paper(
                SignerRole.EMPLOYER,
                "Ola Hansen",
                method=SigningMethod.SCANNED,
                scan=ScanUpload("stor.pdf", PDF + b" " * 100),
            ),
        )
    assert exc.value.message_dict["scan"][0].startswith("Filen er for stor")


@NOW
@pytest.mark.django_db
def test_digital_signing_is_an_interface_that_says_it_is_not_configured(world: World) -> None:
    provider = signing_provider()
    assert not provider.configured and provider.status_message == NOT_CONFIGURED
    with pytest.raises(DigitalSigningUnavailable):
        provider.request_signature(pdf=PDF, filename="plan.pdf", signer_name="Amal")
    document = consent_document(_consent(world))
    digital = _paper(method=SigningMethod.DIGITAL, digital_reference="REF-1")
    with pytest.raises(ValidationError) as exc:
        signature_record(ctx=_ctx(world), person=world.person, document=document, data=digital)
    assert exc.value.message_dict == {"method": [NOT_CONFIGURED]}
    assert NOT_CONFIGURED.startswith("Digital signering er ikke satt opp ennå.")


@NOW
@pytest.mark.django_db
def test_a_configured_signing_service_supplies_who_signed_and_when(world: World) -> None:
    document = consent_document(_consent(world))
    service = _SigningService(DigitalSignatureReceipt("REF-1", "Amal Haddad", D(2025, 4, 30)))
    with pytest.raises(ValidationError) as exc:
        signature_record(
            ctx=_ctx(world),
            person=world.person,
            document=document,
            data=_paper(method=SigningMethod.DIGITAL, digital_reference="REF-2"),
            provider=service,
        )
    assert exc.value.message_dict == {
        "digital_reference": ["Fant ingen fullført signering med den referansen."]
    }
    signature = signature_record(
        ctx=_ctx(world),
        person=world.person,
        document=document,
        data=_paper(
            SignerRole.GUARDIAN,
            "",
            signed_on=None,
            method=SigningMethod.DIGITAL,
            digital_reference="REF-1",
        ),
        provider=service,
    )
    assert (signature.signer_name, signature.signed_on) == ("Amal Haddad", D(2025, 4, 30))
    assert signature.digital_reference == "REF-1" and signature.method == SigningMethod.DIGITAL


# --- The pages ------------------------------------------------------------------------------


@NOW
@pytest.mark.django_db
def test_the_signatures_page_records_a_scanned_copy_that_can_be_downloaded(
    world: World, owner_client: Client
) -> None:
    contract = _contract(world)
    url = f"/personer/{world.person.pk}/praksisavtaler/{contract.pk}/signaturer/"
    page = owner_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Signaturer på praksisavtalen med Bakeri Grünerløkka AS" in body
    assert "Mangler signatur fra: bedriften (praksisgiver); kontaktperson" in body
    assert "Digital signering er ikke satt opp ennå." in body
    assert 'value="digital"' not in body  # no digital choice without a signing service
    assert f"/personer/{world.person.pk}/praksisavtaler/{contract.pk}/pdf/" in body

    refused = owner_client.post(
        url,
        {
            "signer_role": "employer",
            "signer_name": "Ola Hansen",
            "signed_on": "2025-05-02",
            "method": "scanned",
            "scan": SimpleUploadedFile("avtale.pdf", b"not a pdf", "application/pdf"),
        },
    )
    assert refused.status_code == 422
    assert "innholdet er ingen av dem" in refused.content.decode()
    assert 'value="Ola Hansen"' in refused.content.decode()  # nothing typed is lost

    saved = owner_client.post(
        url,
        {
            "signer_role": "employer",
            "signer_name": "Ola Hansen",
            "signed_on": "2025-05-02",
            "method": "scanned",
            "scan": SimpleUploadedFile("avtale.pdf", PDF, "application/pdf"),
        },
    )
    assert saved.status_code == 302 and saved["Location"] == url
    listing = owner_client.get(url).content.decode()
    assert "Ola Hansen" in listing and "Skannet kopi lastet opp" in listing
    signature = Signature.objects.get()
    download = owner_client.get(f"/personer/{world.person.pk}/signaturer/{signature.pk}/skann/")
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="signatur-{signature.pk}-2025-05-02.pdf"'
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        person_id=world.person.pk, action=AuditAction.EXPORT, detail__contains="skannet kopi"
    ).exists()


@NOW
@pytest.mark.django_db
def test_the_plan_and_consent_pages_link_their_pdfs_and_signatures(
    world: World, owner_client: Client
) -> None:
    plan = _plan(world)
    consent = _consent(world)
    plan_page = owner_client.get(f"/personer/{world.person.pk}/plan/").content.decode()
    assert f"/personer/{world.person.pk}/individuell-plan/{plan.pk}/pdf/" in plan_page
    assert f"/personer/{world.person.pk}/individuell-plan/{plan.pk}/signaturer/" in plan_page
    consents = owner_client.get(f"/personer/{world.person.pk}/samtykker/").content.decode()
    assert f"/personer/{world.person.pk}/samtykker/{consent.pk}/pdf/" in consents
    url = f"/personer/{world.person.pk}/samtykker/{consent.pk}/signaturer/"
    assert url in consents
    response = owner_client.post(
        url, {"signer_role": "participant", "signed_on": "2025-05-02", "method": "paper"}
    )
    assert response.status_code == 302
    shown = owner_client.get(url).content.decode()
    assert "Dokumentet er signert av alle som skal signere" in shown
    assert world.person.full_name in shown and "På papir" in shown


@NOW
@pytest.mark.django_db
def test_the_leader_reads_signatures_and_only_the_refugee_service_records_them(
    world: World,
) -> None:
    consent = _consent(world)
    url = f"/personer/{world.person.pk}/samtykker/{consent.pk}/signaturer/"
    body = {"signer_role": "participant", "signed_on": "2025-05-02", "method": "paper"}
    leader = client_for(make_user(municipality_number="0301", roles=[Role.MUNICIPAL_LEADER]))
    page = leader.get(url)
    assert page.status_code == 200 and "Registrer en signatur" not in page.content.decode()
    assert leader.post(url, body).status_code == 403
    nav = client_for(make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER]))
    assert nav.get(url).status_code == 403  # NAV has consent to personal data, not the case
    outsider = client_for(world.outsider)
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, body).status_code == 404
    assert not Signature.objects.exists()


@NOW
@pytest.mark.django_db
def test_a_scan_is_reached_only_through_its_own_person(world: World, owner_client: Client) -> None:
    contract = _contract(world)
    signature = signature_record(
        ctx=_ctx(world),
        person=world.person,
        document=practice_contract_document(contract),
        data=_paper(
            SignerRole.EMPLOYER,
            "Ola Hansen",
            method=SigningMethod.SCANNED,
            scan=ScanUpload("avtale.pdf", PDF),
        ),
    )
    other = world.household.members.exclude(pk=world.person.pk).first()
    assert other is not None
    assert (
        owner_client.get(f"/personer/{other.pk}/signaturer/{signature.pk}/skann/").status_code
        == 404
    )
    outsider = client_for(world.outsider)
    url = f"/personer/{world.person.pk}/signaturer/{signature.pk}/skann/"
    assert outsider.get(url).status_code == 404


# --- The API --------------------------------------------------------------------------------


@NOW
@pytest.mark.django_db
def test_the_api_records_lists_and_downloads_signatures(world: World, owner_client: Client) -> None:
    plan = _plan(world)
    base = f"/api/v1/persons/{world.person.pk}"
    pdf = owner_client.get(f"{base}/plans/{plan.pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Individuell plan" in _text(pdf.content)

    paper = owner_client.post(
        f"{base}/signatures",
        {
            "document": "individual_plan",
            "object_id": plan.pk,
            "signer_role": "participant",
            "signed_on": "2025-05-02",
            "method": "paper",
        },
    )
    assert paper.status_code == 201, paper.content
    assert paper.json()["signer_name"] == world.person.full_name
    assert paper.json()["document_version"] == 1 and paper.json()["scan_url"] is None

    scanned = owner_client.post(
        f"{base}/signatures",
        {
            "document": "individual_plan",
            "object_id": plan.pk,
            "signer_role": "caseworker",
            "signer_name": "Frida Flyktning",
            "signed_on": "2025-05-02",
            "method": "scanned",
            "scan": SimpleUploadedFile("plan.png", PNG, "image/png"),
        },
    )
    assert scanned.status_code == 201, scanned.content
    scan_url = scanned.json()["scan_url"]
    assert scan_url == f"{base}/signatures/{scanned.json()['id']}/scan"
    download = owner_client.get(scan_url)
    assert download.status_code == 200 and download.content == PNG
    assert download["Content-Type"] == "image/png"

    digital = owner_client.post(
        f"{base}/signatures",
        {
            "document": "individual_plan",
            "object_id": plan.pk,
            "signer_role": "guardian",
            "signer_name": "Verge Vergesen",
            "signed_on": "2025-05-02",
            "method": "digital",
            "digital_reference": "REF-1",
        },
    )
    assert digital.status_code == 422
    assert digital.json()["errors"]["method"] == [NOT_CONFIGURED]

    listed = owner_client.get(f"{base}/signatures", {"document": "individual_plan"}).json()
    assert [(s["signer_role"], s["method"]) for s in listed] == [
        ("participant", "paper"),
        ("caseworker", "scanned"),
    ]
    assert owner_client.get(f"{base}/signatures", {"document": "consent"}).json() == []


@NOW
@pytest.mark.django_db
def test_the_api_refuses_unknown_documents_and_other_users(
    world: World, owner_client: Client
) -> None:
    consent = _consent(world)
    base = f"/api/v1/persons/{world.person.pk}"
    unknown = owner_client.post(f"{base}/signatures", {"document": "letter", "object_id": 1})
    assert unknown.status_code == 422
    assert unknown.json()["errors"]["document"][0].startswith("Ukjent dokument «letter»")
    someone_elses = owner_client.post(
        f"{base}/signatures", {"document": "consent", "object_id": consent.pk + 1000}
    )
    assert someone_elses.status_code == 404
    body = {
        "document": "consent",
        "object_id": consent.pk,
        "signer_role": "participant",
        "signed_on": "2025-05-02",
        "method": "paper",
    }
    leader = client_for(make_user(municipality_number="0301", roles=[Role.MUNICIPAL_LEADER]))
    assert leader.get(f"{base}/signatures").status_code == 200
    assert leader.post(f"{base}/signatures", body).status_code == 403
    outsider = client_for(world.outsider)
    assert outsider.get(f"{base}/signatures").status_code == 404
    assert outsider.post(f"{base}/signatures", body).status_code == 404
    assert outsider.get(f"{base}/consents/{consent.pk}/pdf").status_code == 404
    assert not Signature.objects.exists()
