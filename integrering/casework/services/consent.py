"""Consent to share a person's data between services (seed 002 Vedlegg 3), and its withdrawal.

Access follows from the consents on every request (``people.selectors``), so a withdrawal takes
effect at once. Every change is audited.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.accounts.roles import Service
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.people.models import (
    Consent,
    ConsentBasis,
    ConsentService,
    InformationCategory,
    Person,
)

from .deadlines import consent_deadlines_sync

SHAREABLE_SERVICES = [s for s in Service.values if s != Service.REFUGEE_SERVICE]


@dataclass(frozen=True)
class ConsentInput:
    services: list[str]
    categories: list[str]
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    signed_on: datetime.date | None = None
    basis: str = ConsentBasis.CONSENT
    legal_reference: str = ""
    signed_by_guardian: str = ""
    remarks: str = ""


def consent_errors(data: ConsentInput, person: Person) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not data.services:
        errors["services"] = ["Velg minst én tjeneste."]
    elif unknown := [s for s in data.services if s not in SHAREABLE_SERVICES]:
        errors["services"] = [f"Ukjent tjeneste: {', '.join(unknown)}."]
    if not data.categories:
        errors["categories"] = ["Velg hvilke opplysninger som kan deles."]
    elif unknown := [c for c in data.categories if c not in InformationCategory.values]:
        errors["categories"] = [f"Ukjente opplysninger: {', '.join(unknown)}."]
    if data.basis not in ConsentBasis.values:
        errors["basis"] = ["Ukjent grunnlag."]
    if data.basis == ConsentBasis.CONSENT and data.signed_on is None:
        errors["signed_on"] = ["Oppgi datoen samtykket ble signert."]
    if data.signed_on and data.signed_on > today:
        errors["signed_on"] = ["Signert dato kan ikke være fram i tid."]
    if data.signed_on and data.signed_on < person.birth_date:
        errors["signed_on"] = ["Signert dato er før personen ble født."]
    if data.basis == ConsentBasis.LEGAL and not data.legal_reference.strip():
        errors["legal_reference"] = ["Oppgi lovhjemmelen (for eksempel barnevernloven § 13-2)."]
    if data.valid_to is not None and data.valid_to < data.valid_from:
        errors["valid_to"] = ["Sluttdatoen er før startdatoen."]
    if data.valid_to is not None and data.valid_to < today:
        errors["valid_to"] = ["Sluttdatoen er allerede passert."]
    return errors


def _describe(consent: Consent) -> str:
    return (
        f"{consent.get_basis_display().lower()} {consent.pk}: "
        f"tjenester {', '.join(consent.services)}; opplysninger {', '.join(sorted(consent.categories))}"
    )


@transaction.atomic
def consent_give(
    *, ctx: AccessContext, person: Person, data: ConsentInput, replaces: Consent | None = None
) -> Consent:
    """Record a consent (or a legal basis) for the named services to share the named information."""
    errors = consent_errors(data, person)
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        person=person,
        basis=data.basis,
        legal_reference=data.legal_reference.strip(),
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        signed_on=data.signed_on,
        signed_by_guardian=data.signed_by_guardian.strip(),
        remarks=data.remarks.strip(),
        created_by=ctx.user,
        replaces=replaces,
        **{f"shares_{c}": c in data.categories for c in InformationCategory.values},
    )
    ConsentService.objects.bulk_create(
        [ConsentService(consent=consent, service=s) for s in sorted(set(data.services))]
    )
    audit_record(
        ctx=ctx,
        person_id=person.pk,
        action=AuditAction.CREATE,
        allowed=True,
        detail=f"samtykke gitt – {_describe(consent)}",
    )
    consent_deadlines_sync(ctx=ctx, person=person)
    return consent


@transaction.atomic
def consent_withdraw(
    *, ctx: AccessContext, consent: Consent, services: list[str] | None = None
) -> Consent | None:
    """Withdraw a consent now, wholly or for some services (seed 002 Vedlegg 3: "helt eller delvis").

    A partial withdrawal ends this consent and records a new one for the services that remain,
    with the same information and period. Returns that new consent, or None.
    """
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        raise ValidationError("Samtykket er allerede trukket tilbake.")
    withdrawn = set(services) if services else set(locked.services)
    if unknown := withdrawn - set(locked.services):
        raise ValidationError(f"Samtykket gjelder ikke {', '.join(sorted(unknown))}.")
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = ctx.user
    locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        ctx=ctx,
        person_id=locked.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"samtykke trukket tilbake for {', '.join(sorted(withdrawn))} – {_describe(locked)}",
    )
    remaining = [s for s in locked.services if s not in withdrawn]
    if not remaining:
        consent_deadlines_sync(ctx=ctx, person=locked.person)
        return None
    today = timezone.localdate()
    return consent_give(
        ctx=ctx,
        person=locked.person,
        data=ConsentInput(
            services=remaining,
            categories=sorted(locked.categories),
            valid_from=max(locked.valid_from, today),
            valid_to=locked.valid_to,
            signed_on=locked.signed_on,
            basis=locked.basis,
            legal_reference=locked.legal_reference,
            signed_by_guardian=locked.signed_by_guardian,
            remarks=locked.remarks,
        ),
        replaces=locked,
    )
