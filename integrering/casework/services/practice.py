"""Contracts for language or work practice in the introduction programme (seed 002 Vedlegg 1).

A practice contract names the workplace, the period, the hours, the supervisor, the goal, the
tasks and who is responsible for what; it is printed (``casework/pdf.py``) and signed by the
company, the programme's contact person, the participant and the refugee consultant. Every
write and every printout is audited.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.concurrency import version_bump
from integrering.errors import NotFound
from integrering.pdf import pdf_from_template
from integrering.people.models import Person
from integrering.rules.parameters import RulesError, value

from ..models import PracticeContract

FULL_TIME_PARAMETER = "programme/full_time_hours_per_week"
PDF_TEMPLATE = "casework/practice_contract_pdf.html"
NOT_FOUND = "Finner ikke praksisavtalen for denne personen."

# The fields of the seed's form that must be filled in, with what to tell the caseworker.
REQUIRED_MESSAGES: dict[str, str] = {
    "employer_name": "Skriv navnet på bedriften.",
    "employer_address": "Skriv adressen til bedriften.",
    "supervisor_name": "Skriv navnet på veilederen på arbeidsplassen.",
    "contact_person": "Skriv navnet på kontaktpersonen i introduksjonsprogrammet.",
    "starts_on": "Oppgi første dag i praksisperioden.",
    "ends_on": "Oppgi siste dag i praksisperioden.",
    "hours_per_week": "Oppgi hvor mange timer i uken deltakeren skal være i praksis.",
    "working_hours": "Skriv arbeidstiden til deltakeren, for eksempel «mandag–torsdag 08.30–14.30».",
    "goal": "Beskriv hva deltakeren skal oppnå med praksisen.",
    "tasks": "Beskriv arbeidsoppgavene.",
    "employer_responsibility": "Beskriv arbeidsgivers ansvar.",
    "contact_responsibility": "Beskriv kontaktpersonens ansvar.",
    "programme_responsibility": "Beskriv introduksjonsprogrammets ansvar.",
}


@dataclass(frozen=True)
class PracticeContractInput:
    """What the caseworker fills in; dates and hours may be missing until validated."""

    employer_name: str = ""
    employer_address: str = ""
    workplace: str = ""
    supervisor_name: str = ""
    supervisor_phone: str = ""
    contact_person: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    hours_per_week: Decimal | None = None
    working_hours: str = ""
    goal: str = ""
    tasks: str = ""
    employer_responsibility: str = ""
    contact_responsibility: str = ""
    programme_responsibility: str = ""

    @classmethod
    def from_contract(cls, contract: PracticeContract) -> PracticeContractInput:
        return cls(**{name: getattr(contract, name) for name in FIELDS})

    def cleaned(self) -> dict[str, object]:
        """The values to store, text stripped."""
        return {
            name: item.strip() if isinstance(item, str) else item
            for name, item in asdict(self).items()
        }


FIELDS = tuple(PracticeContractInput.__dataclass_fields__)


def full_time_hours(on: datetime.date) -> Decimal:
    """The programme's full-time week on a date (parameter ``programme/full_time_hours_per_week``)."""
    return Decimal(value(FULL_TIME_PARAMETER, on))


def hours_text(hours: Decimal) -> str:
    """Hours as a caseworker writes them: 37,5 and 20 (not 37.5 and 20.0)."""
    return f"{hours.normalize():f}".replace(".", ",")


def practice_contract_errors(data: PracticeContractInput) -> dict[str, list[str]]:
    """Every problem with the input, by field, in words a caseworker understands.

    Seed 002 Vedlegg 1: the contract names the company, the period, the working hours, the
    goal, the tasks and the responsibilities. The period must run forwards, and the hours
    can be at most the programme's full-time week (introduksjonsloven § 4, integreringsloven
    § 13: the programme is full time), read from the parameter in force when practice starts.
    """
    errors: dict[str, list[str]] = {}
    values = data.cleaned()
    for name, message in REQUIRED_MESSAGES.items():
        if values[name] in ("", None):
            errors[name] = [message]
    for name, item in values.items():
        max_length = getattr(PracticeContract._meta.get_field(name), "max_length", None)
        if isinstance(item, str) and max_length and len(item) > max_length:
            errors.setdefault(name, []).append(
                f"Teksten er for lang: høyst {max_length} tegn (nå {len(item)})."
            )
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors.setdefault("ends_on", []).append(
            f"Siste dag ({data.ends_on:%d.%m.%Y}) er før første dag "
            f"({data.starts_on:%d.%m.%Y}) i praksisperioden."
        )
    hours = data.hours_per_week
    if hours is not None:
        on = data.starts_on or timezone.localdate()
        if not hours.is_finite() or hours <= 0:
            errors.setdefault("hours_per_week", []).append("Timer per uke må være mer enn 0.")
        else:
            try:
                full_time = full_time_hours(on)
            except RulesError as exc:
                errors.setdefault("hours_per_week", []).append(str(exc))
            else:
                if hours > full_time:
                    errors.setdefault("hours_per_week", []).append(
                        f"Timer per uke kan ikke være mer enn fulltid i introduksjonsprogrammet, "
                        f"{hours_text(full_time)} timer."
                    )
                elif hours != hours.quantize(Decimal("0.1")):
                    errors.setdefault("hours_per_week", []).append(
                        "Oppgi timer med høyst én desimal, for eksempel 22,5."
                    )
    return errors


def _describe(contract: PracticeContract) -> str:
    return (
        f"praksisavtale {contract.pk}: {contract.employer_name}, "
        f"{contract.starts_on:%d.%m.%Y}–{contract.ends_on:%d.%m.%Y}"
    )


@transaction.atomic
def practice_contract_create(
    *, ctx: AccessContext, person: Person, data: PracticeContractInput
) -> PracticeContract:
    """Record a practice contract for a participant (seed 002 Vedlegg 1), audited.

    ``person`` must come from ``people.selectors.person_get(..., edit=True)``: only the refugee
    service writes the case.
    """
    errors = practice_contract_errors(data)
    if errors:
        raise ValidationError(errors)
    user = ctx.acting_user
    contract = PracticeContract.objects.create(person=person, created_by=user, **data.cleaned())
    audit_record(
        ctx=ctx,
        person_id=person.pk,
        action=AuditAction.CREATE,
        allowed=True,
        detail=f"opprettet {_describe(contract)}",
    )
    return contract


@transaction.atomic
def practice_contract_update(
    *,
    ctx: AccessContext,
    contract: PracticeContract,
    data: PracticeContractInput,
    version: int,
) -> PracticeContract:
    """Change a practice contract, refused if someone saved it after ``version`` was read.

    Same rules as ``practice_contract_create``; the optimistic lock keeps the first of two
    concurrent saves (``integrering.concurrency``).
    """
    errors = practice_contract_errors(data)
    if errors:
        raise ValidationError(errors)
    version_bump(
        PracticeContract.objects.filter(pk=contract.pk),
        expected=version,
        what="praksisavtalen",
        **data.cleaned(),
    )
    contract.refresh_from_db()
    audit_record(
        ctx=ctx,
        person_id=contract.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"endret {_describe(contract)} (versjon {contract.version})",
    )
    return contract


def practice_contracts_of(*, person: Person) -> list[PracticeContract]:
    """The person's practice contracts, newest period first.

    ``person`` must come from ``people.selectors.person_get`` (reach, consent to PLAN, audit).
    """
    return list(PracticeContract.objects.filter(person=person))


def practice_contract_of(*, person: Person, contract_id: int) -> PracticeContract:
    """One contract of the person; 404 when it belongs to someone else or does not exist."""
    contract = PracticeContract.objects.filter(person=person, pk=contract_id).first()
    if contract is None:
        raise NotFound(NOT_FOUND)
    return contract


def practice_contract_pdf(*, ctx: AccessContext, contract: PracticeContract) -> bytes:
    """The contract as a PDF to print and sign (seed 002 Vedlegg 1); each printout is audited."""
    person = contract.person
    pdf = pdf_from_template(
        PDF_TEMPLATE,
        {
            "contract": contract,
            "person": person,
            "municipality": person.municipality,
            "hours": hours_text(contract.hours_per_week),
            "printed_on": timezone.localdate(),
        },
    )
    audit_record(
        ctx=ctx,
        person_id=person.pk,
        action=AuditAction.EXPORT,
        allowed=True,
        detail=f"skrevet ut som PDF: {_describe(contract)}",
    )
    return pdf


def practice_contract_filename(contract: PracticeContract) -> str:
    """A file name without the person's name, which would otherwise land in download folders."""
    return f"praksisavtale-{contract.pk}-{contract.starts_on:%Y-%m-%d}.pdf"
