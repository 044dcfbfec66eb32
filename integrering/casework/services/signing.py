"""Signatures on the printed documents of a case: who signed what, when and how.

The practice contract (seed 002 Vedlegg 1) is signed by the company, the programme's contact
person, the participant and the refugee consultant; the individual plan (seed 002 §2.4) by the
participant (or a guardian) and the refugee service; the consent form (seed 002 Vedlegg 3) by
the person («Underskrift bruker») or a guardian («Underskrift hjelpeverge/foresatte»).

A signature is recorded by the refugee service, as signed on paper, as a scanned copy uploaded
(PDF, JPEG or PNG, checked by its content, at most ``settings.IMPORT_MAX_BYTES``, kept in the
database like the product's other uploads), or as signed digitally. Digital signing is an
interface (``DigitalSigningProvider``): no provider is configured, and the default says so.
Every write and every download of a scan is audited.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from pathlib import PurePath, PureWindowsPath
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.errors import NotFound
from integrering.people.models import Consent, ConsentBasis, Person
from integrering.tables import upload_size_error
from integrering.validators import name_problem

from ..models import (
    IndividualPlan,
    PracticeContract,
    Signature,
    SignedDocument,
    SignerRole,
    SigningMethod,
)

NAME_MAX = 150
NOT_FOUND = "Finner ikke dokumentet for denne personen."
SIGNATURE_NOT_FOUND = "Finner ikke signaturen for denne personen."

# The signature's foreign key to each kind of document.
DOCUMENT_FIELDS: dict[str, str] = {
    SignedDocument.PRACTICE_CONTRACT: "practice_contract",
    SignedDocument.INDIVIDUAL_PLAN: "plan",
    SignedDocument.CONSENT: "consent",
}
# Who signs each document: the signature lines of the printed form, in its order.
SIGNER_ROLES: dict[str, tuple[str, ...]] = {
    SignedDocument.PRACTICE_CONTRACT: (
        SignerRole.EMPLOYER,
        SignerRole.CONTACT_PERSON,
        SignerRole.PARTICIPANT,
        SignerRole.CASEWORKER,
    ),
    SignedDocument.INDIVIDUAL_PLAN: (
        SignerRole.PARTICIPANT,
        SignerRole.GUARDIAN,
        SignerRole.CASEWORKER,
    ),
    SignedDocument.CONSENT: (SignerRole.PARTICIPANT, SignerRole.GUARDIAN),
}
# The signatures a document needs; a group is met by any one of its roles (the person or a
# guardian signs for the person).
REQUIRED_SIGNERS: dict[str, tuple[tuple[str, ...], ...]] = {
    SignedDocument.PRACTICE_CONTRACT: (
        (SignerRole.EMPLOYER,),
        (SignerRole.CONTACT_PERSON,),
        (SignerRole.PARTICIPANT,),
        (SignerRole.CASEWORKER,),
    ),
    SignedDocument.INDIVIDUAL_PLAN: (
        (SignerRole.PARTICIPANT, SignerRole.GUARDIAN),
        (SignerRole.CASEWORKER,),
    ),
    SignedDocument.CONSENT: ((SignerRole.PARTICIPANT, SignerRole.GUARDIAN),),
}

# What a scanned copy may be, by its first bytes: (content type, the file name endings).
SCAN_KINDS: tuple[tuple[bytes, str, tuple[str, ...], str], ...] = (
    (b"%PDF-", "application/pdf", (".pdf",), "PDF"),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg"), "JPEG-bilde"),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",), "PNG-bilde"),
)
SCAN_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


# --- The documents --------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedObject:
    """A document of a person's case that is signed: its kind and the row it is."""

    kind: str
    obj: PracticeContract | IndividualPlan | Consent

    @property
    def person_id(self) -> int:
        return self.obj.person_id

    @property
    def version(self) -> int | None:
        return None if isinstance(self.obj, Consent) else self.obj.version

    @property
    def title(self) -> str:
        """The document as the pages name it («praksisavtalen med Bakeri AS»)."""
        if isinstance(self.obj, PracticeContract):
            return f"praksisavtalen med {self.obj.employer_name}"
        if isinstance(self.obj, IndividualPlan):
            return "den individuelle planen"
        return f"samtykkeerklæringen fra {self.obj.valid_from:%d.%m.%Y}"

    @property
    def created_on(self) -> datetime.date | None:
        """The day the document was written in the product: it is signed after it is printed."""
        if isinstance(self.obj, Consent):
            return None
        return timezone.localdate(self.obj.created_at)

    def filter(self) -> dict[str, object]:
        """The signatures of this document (keyword arguments for a query)."""
        field = DOCUMENT_FIELDS[self.kind]
        return {"document": self.kind, field: self.obj}


def practice_contract_document(contract: PracticeContract) -> SignedObject:
    return SignedObject(SignedDocument.PRACTICE_CONTRACT, contract)


def plan_document(plan: IndividualPlan) -> SignedObject:
    return SignedObject(SignedDocument.INDIVIDUAL_PLAN, plan)


def consent_document(consent: Consent) -> SignedObject:
    return SignedObject(SignedDocument.CONSENT, consent)


def signed_object(*, person: Person, kind: str, object_id: int) -> SignedObject:
    """One document of the person by kind and id; 404 when it is someone else's or unknown.

    ``person`` must come from ``people.selectors.person_get``.
    """
    found: PracticeContract | IndividualPlan | Consent | None = None
    if kind == SignedDocument.PRACTICE_CONTRACT:
        found = PracticeContract.objects.filter(person=person, pk=object_id).first()
    elif kind == SignedDocument.INDIVIDUAL_PLAN:
        found = IndividualPlan.objects.filter(person=person, pk=object_id).first()
    elif kind == SignedDocument.CONSENT:
        found = Consent.objects.filter(person=person, pk=object_id).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return SignedObject(kind, found)


# --- Digital signing: an interface, no provider yet ------------------------------------------


class DigitalSigningUnavailable(Exception):
    """Digital signing cannot be used; the message says why, in Norwegian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DigitalSignatureReceipt:
    """What a signing service confirms: who signed, on which day, under which reference."""

    reference: str
    signer_name: str
    signed_on: datetime.date


class DigitalSigningProvider(Protocol):
    """A service that signs documents digitally (for example with BankID), outside the product.

    ``request_signature`` sends a printed document to a signer and returns the service's
    reference; ``confirm`` reads back a completed signature by that reference. Either raises
    ``DigitalSigningUnavailable`` with a Norwegian message when it cannot.
    """

    @property
    def configured(self) -> bool: ...

    @property
    def status_message(self) -> str: ...

    def request_signature(self, *, pdf: bytes, filename: str, signer_name: str) -> str: ...

    def confirm(self, *, reference: str) -> DigitalSignatureReceipt: ...


NOT_CONFIGURED = (
    "Digital signering er ikke satt opp ennå. Skriv ut dokumentet og få det signert på papir, "
    "og registrer signaturen som «på papir» eller last opp en skannet kopi."
)


class NotConfiguredSigningProvider:
    """The provider until a real one is chosen: it signs nothing and says so."""

    configured = False
    status_message = NOT_CONFIGURED

    def request_signature(self, *, pdf: bytes, filename: str, signer_name: str) -> str:
        raise DigitalSigningUnavailable(NOT_CONFIGURED)

    def confirm(self, *, reference: str) -> DigitalSignatureReceipt:
        raise DigitalSigningUnavailable(NOT_CONFIGURED)


def signing_provider() -> DigitalSigningProvider:
    """The digital signing service in use. None is configured: a real one (a contract with a
    signing service) is plugged in here; there is no stand-in that pretends to sign."""
    return NotConfiguredSigningProvider()


# --- Input and validation -------------------------------------------------------------------


@dataclass(frozen=True)
class ScanUpload:
    """A scanned copy as uploaded; ``content_type`` is what the browser claimed (not trusted)."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class SignatureInput:
    signer_role: str
    signed_on: datetime.date | None
    method: str
    signer_name: str = ""
    scan: ScanUpload | None = None
    digital_reference: str = ""


@dataclass(frozen=True)
class ScanKind:
    content_type: str
    extension: str
    label: str


def scan_kind(content: bytes) -> ScanKind | None:
    """What a scanned copy is by its content (PDF, JPEG or PNG), or None."""
    for magic, content_type, extensions, label in SCAN_KINDS:
        if content.startswith(magic):
            if content_type == "application/pdf" and b"%%EOF" not in content[-2048:]:
                return None  # a PDF cut short: its end marker is missing
            return ScanKind(content_type, extensions[0], label)
    return None


def scan_errors(scan: ScanUpload) -> list[str]:
    """Why an uploaded scan is refused: empty, too large, not a PDF or an image, or its name
    says one thing and its content another."""
    if not scan.content:
        return ["Filen er tom."]
    too_large = upload_size_error(len(scan.content))
    if too_large:
        return [too_large]
    kind = scan_kind(scan.content)
    if kind is None:
        return [
            "Filen må være en skannet kopi som PDF eller bilde (JPEG eller PNG), og innholdet "
            "er ingen av dem."
        ]
    extension = PurePath(scan.filename).suffix.lower()
    allowed = next(exts for magic, ct, exts, _ in SCAN_KINDS if ct == kind.content_type)
    if extension not in allowed:
        return [
            f"Filen heter «{extension or 'uten filtype'}», men innholdet er et {kind.label}. "
            f"Gi filen riktig filtype ({', '.join(allowed)})."
        ]
    return []


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _document_errors(errors: dict[str, list[str]], document: SignedObject) -> None:
    if isinstance(document.obj, Consent):
        if document.obj.basis != ConsentBasis.CONSENT:
            _add(
                errors,
                "__all__",
                "Grunnlaget er lovhjemmel, ikke samtykke: det er ingen samtykkeerklæring å signere.",
            )
        elif document.obj.withdrawn_at is not None:
            _add(errors, "__all__", "Samtykket er trukket tilbake og kan ikke signeres.")


def _signer_errors(
    errors: dict[str, list[str]], document: SignedObject, data: SignatureInput
) -> None:
    roles = SIGNER_ROLES[document.kind]
    if not data.signer_role:
        _add(errors, "signer_role", "Velg hvem som signerte.")
    elif data.signer_role not in roles:
        _add(
            errors,
            "signer_role",
            f"{document.title[0].upper()}{document.title[1:]} signeres ikke av "
            f"«{SignerRole(data.signer_role).label.lower()}»."
            if data.signer_role in SignerRole.values
            else "Ukjent rolle. Velg hvem som signerte i listen.",
        )
    if data.signer_role != SignerRole.PARTICIPANT:
        name = data.signer_name.strip()
        if not name:
            _add(errors, "signer_name", "Skriv navnet på den som signerte.")
        elif len(name) > NAME_MAX:
            _add(errors, "signer_name", f"Navnet er for langt (høyst {NAME_MAX} tegn).")
        elif problem := name_problem(name):
            _add(errors, "signer_name", problem)


def _date_errors(
    errors: dict[str, list[str]], document: SignedObject, person: Person, data: SignatureInput
) -> None:
    if data.signed_on is None:
        _add(errors, "signed_on", "Oppgi datoen dokumentet ble signert.")
        return
    if data.signed_on > timezone.localdate():
        _add(errors, "signed_on", "Signert dato kan ikke være fram i tid.")
    created = document.created_on
    if created is not None and data.signed_on < created:
        _add(
            errors,
            "signed_on",
            f"Datoen er før dokumentet ble skrevet ({created:%d.%m.%Y}). Sjekk datoen.",
        )
    if data.signed_on < person.birth_date:
        _add(errors, "signed_on", "Signert dato er før personen ble født.")


def _method_errors(
    errors: dict[str, list[str]], data: SignatureInput, provider: DigitalSigningProvider
) -> DigitalSignatureReceipt | None:
    if data.method not in SigningMethod.values:
        _add(errors, "method", "Velg hvordan dokumentet ble signert.")
        return None
    if data.method == SigningMethod.SCANNED:
        if data.scan is None:
            _add(errors, "scan", "Last opp den skannede kopien.")
        else:
            for message in scan_errors(data.scan):
                _add(errors, "scan", message)
    elif data.scan is not None and data.scan.content:
        _add(
            errors,
            "scan",
            "Du har lagt ved en fil, men ikke valgt «skannet kopi». Velg det for å lagre filen.",
        )
    if data.method != SigningMethod.DIGITAL:
        return None
    reference = data.digital_reference.strip()
    if not provider.configured:
        _add(errors, "method", provider.status_message)
        return None
    if not reference:
        _add(errors, "digital_reference", "Oppgi referansen fra signeringstjenesten.")
        return None
    try:
        return provider.confirm(reference=reference)
    except DigitalSigningUnavailable as exc:
        _add(errors, "digital_reference", exc.message)
        return None


def _signer_name(person: Person, data: SignatureInput) -> str:
    if data.signer_role == SignerRole.PARTICIPANT:
        return person.full_name
    return data.signer_name.strip()


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def signature_record(
    *,
    ctx: AccessContext,
    person: Person,
    document: SignedObject,
    data: SignatureInput,
    provider: DigitalSigningProvider | None = None,
) -> Signature:
    """Record that someone signed a document of the person's case, when and how.

    The contract's and the plan's current version is the one signed. A digital signature is
    confirmed by the signing service (``signing_provider()``), whose name and date are kept.
    The same signer in the same role on the same version is recorded once.
    ``person`` must come from ``people.selectors.person_get(..., edit=True)``.
    """
    provider = provider or signing_provider()
    errors: dict[str, list[str]] = {}
    if document.person_id != person.pk:
        raise NotFound(NOT_FOUND)
    _document_errors(errors, document)
    receipt = _method_errors(errors, data, provider)
    if receipt is not None:
        # The signing service knows who signed and when.
        data = replace(data, signed_on=receipt.signed_on, signer_name=receipt.signer_name)
    _signer_errors(errors, document, data)
    _date_errors(errors, document, person, data)
    name = receipt.signer_name if receipt else _signer_name(person, data)
    if not errors:
        earlier = (
            Signature.objects.filter(
                **document.filter(),
                document_version=document.version,
                signer_role=data.signer_role,
                signer_name__iexact=name,
            )
            .order_by("signed_on")
            .first()
        )
        if earlier is not None:
            _add(
                errors,
                "__all__",
                f"{name} har allerede signert {document.title} som "
                f"«{SignerRole(data.signer_role).label.lower()}» ({earlier.signed_on:%d.%m.%Y}).",
            )
    if errors:
        raise ValidationError(errors)
    assert data.signed_on is not None  # checked by _date_errors
    scan = data.scan if data.method == SigningMethod.SCANNED else None
    kind = scan_kind(scan.content) if scan else None
    signature = Signature.objects.create(
        person=person,
        **document.filter(),
        document_version=document.version,
        signer_role=data.signer_role,
        signer_name=name,
        signer_person=person if data.signer_role == SignerRole.PARTICIPANT else None,
        signed_on=data.signed_on,
        method=data.method,
        scan=scan.content if scan else None,
        # A browser on Windows may send the whole path; both separators are cut off.
        scan_filename=PureWindowsPath(scan.filename).name[:200] if scan else "",
        scan_content_type=kind.content_type if kind else "",
        scan_size=len(scan.content) if scan else None,
        digital_reference=receipt.reference if receipt else "",
        recorded_by=ctx.acting_user,
    )
    audit_record(
        ctx=ctx,
        person_id=person.pk,
        action=AuditAction.CREATE,
        allowed=True,
        detail=(
            f"signatur {signature.pk} registrert: {document.title}, "
            f"{SignerRole(signature.signer_role).label.lower()}, "
            f"{signature.get_method_display().lower()} {signature.signed_on:%d.%m.%Y}"
        ),
    )
    return signature


# --- Reads (the caller has checked access through person_get) -------------------------------


def signatures_of(*, person: Person, document: SignedObject | None = None) -> list[Signature]:
    """The person's signatures (of one document, or all), oldest first, without the scans."""
    found = Signature.objects.filter(person=person).defer("scan")
    if document is not None:
        found = found.filter(**document.filter())
    return list(found.select_related("recorded_by").order_by("signed_on", "pk"))


@dataclass(frozen=True)
class SigningStatus:
    """Whether the document's current version has every signature it needs."""

    complete: bool
    missing: list[str]
    outdated: int  # signatures of an earlier version


def signing_status(document: SignedObject, signatures: list[Signature]) -> SigningStatus:
    current = [s for s in signatures if s.document_version == document.version]
    roles = {s.signer_role for s in current}
    missing = [
        " eller ".join(SignerRole(role).label.lower() for role in group)
        for group in REQUIRED_SIGNERS[document.kind]
        if not roles & set(group)
    ]
    return SigningStatus(
        complete=not missing, missing=missing, outdated=len(signatures) - len(current)
    )


def signature_of(*, person: Person, signature_id: int) -> Signature:
    """One signature of the person (without its scan); 404 when it is someone else's."""
    found = (
        Signature.objects.filter(person=person, pk=signature_id)
        .defer("scan")
        .select_related("recorded_by")
        .first()
    )
    if found is None:
        raise NotFound(SIGNATURE_NOT_FOUND)
    return found


@dataclass(frozen=True)
class ScanFile:
    content: bytes
    content_type: str
    filename: str


def signature_scan(*, ctx: AccessContext, signature: Signature) -> ScanFile:
    """The scanned copy of a signature, to download; audited. 404 when it has none."""
    content = Signature.objects.filter(pk=signature.pk).values_list("scan", flat=True).first()
    if not content:
        raise NotFound("Signaturen har ingen skannet kopi.")
    kind = scan_kind(bytes(content))
    extension = kind.extension if kind else ""
    audit_record(
        ctx=ctx,
        person_id=signature.person_id,
        action=AuditAction.EXPORT,
        allowed=True,
        detail=f"skannet kopi av signatur {signature.pk} lastet ned",
    )
    return ScanFile(
        content=bytes(content),
        content_type=signature.scan_content_type or "application/octet-stream",
        # A file name without the person's name, which would land in download folders.
        filename=f"signatur-{signature.pk}-{signature.signed_on:%Y-%m-%d}{extension}",
    )
