"""Individual decisions (enkeltvedtak): draft, edit, decide and send, with the letter in the
municipality's written standard (bokmål or nynorsk).

The lifecycle services (``lifecycle.py``, ``extensions.py``) draft the decision each event needs
(start, stop, extension, a new final goal); the caseworker drafts the others by hand (refusal,
reduction of the benefit for absence), completes the texts, decides it and sends the letter. A
decision is a record with a status (draft, decided, sent): the texts can change only while it is
a draft, and the letter is kept as it was sent. The subject and the legal basis come from the
parameter ``programme/decision_texts`` for the participant's Act, in the written standard of the
municipality (``Municipality.letter_standard``: nynorsk, or bokmål for a bokmål or neutral
municipality), as do the letter's references; the letter's fixed texts are one template per
standard (``LETTER_TEMPLATES``). The texts the caseworker writes (facts, reasoning, conclusion)
are printed as written. A letter is sent only to a person with a postal address; one who needs an
interpreter is told in the letter of the right to one. The appeal deadline comes from
``deadlines/casework`` (kind ``appeal``).

Sources: forvaltningsloven §§ 24-25 (reasoning: the rules, the facts, the main considerations),
§ 27 (notice of the decision with the right to appeal, the deadline, where to send it, and the
right to see the case documents, § 18), § 29 (the deadline runs from when the party received
the decision), § 31 (a late appeal may still be heard); integreringsloven § 11 and
introduksjonsloven § 3 (the decision on the programme within three months of settlement);
språklova § 11 (the municipality's language decision); tolkeloven § 6 (the public body's duty to
use an interpreter).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.casework.models import Deadline
from integrering.casework.services.deadlines import deadline_close, deadlines_meet_kind
from integrering.concurrency import version_bump
from integrering.pdf import pdf_from_template
from integrering.people.models import Person
from integrering.rules.benefit import act_for
from integrering.rules.deadlines import deadline_due
from integrering.rules.integration_packages import measure_legal_basis
from integrering.rules.parameters import value

from ..models import Appeal, Decision, DecisionKind, DecisionStatus, Participation

TEXTS = "programme/decision_texts"
CASEWORK_DEADLINES = "deadlines/casework"
# The letter's fixed texts, one template per written standard (Municipality.letter_standard).
LETTER_TEMPLATES = {
    "nb": "programme/decision_letter_nb_pdf.html",
    "nn": "programme/decision_letter_nn_pdf.html",
}
PROGRAMME_DECISION = "programme_decision"
APPEAL = "appeal"
WHAT = "vedtaket"

TEXT_REQUIRED = {
    "facts": "Skriv de faktiske forholdene vedtaket bygger på.",
    "reasoning": "Skriv begrunnelsen for vedtaket.",
    "conclusion": "Skriv selve vedtaket: hva kommunen har bestemt.",
}


ADDRESS_MISSING = (
    "Brevet kan ikke sendes: {name} har ingen fullstendig postadresse. Registrer adresse, "
    "postnummer og poststed under «Endre personopplysninger», og send vedtaket etterpå."
)


def decision_texts(*, on: datetime.date, standard: str = "nb") -> dict[str, Any]:
    """The fixed texts of a decision in force on a date, in a written standard (``nb`` or
    ``nn``): parameter ``programme/decision_texts``."""
    return dict(value(TEXTS, on)[standard])


DRAFT_TEXTS = "programme/draft_texts"


def draft_text(person: Person, key: str, part: str, **values: object) -> str:
    """A suggested text for a draft (parameter ``programme/draft_texts``) in the written standard
    of the person's municipality, with ``values`` filled in; dates as dd.mm.åååå."""
    standard = person.municipality.letter_standard
    texts = value(DRAFT_TEXTS, timezone.localdate())[standard]
    shown = {
        name: f"{v:%d.%m.%Y}" if isinstance(v, datetime.date) else v for name, v in values.items()
    }
    return str(texts[key][part]).format(**shown)


def draft_mode(person: Person, *, full_time: bool) -> str:
    """«heltid» or «deltid» («heiltid» in nynorsk)."""
    standard = person.municipality.letter_standard
    modes = value(DRAFT_TEXTS, timezone.localdate())[standard]["mode"]
    return str(modes["full_time" if full_time else "part_time"])


def legal_basis(*, act: str, kind: str, on: datetime.date, standard: str = "nb") -> str:
    """The legal basis of a decision of ``kind`` under ``act`` (parameter ``programme/decision_texts``)."""
    return str(decision_texts(on=on, standard=standard)[act][kind])


def decision_subject(
    *, kind: str, on: datetime.date, standard: str = "nb", measure: str = "", package: str = ""
) -> str:
    """The letter's heading: by the kind of decision, or by the covid package ``measure``
    (``programme_extension``, ``norwegian_extension``, ``reinforced_programme``)."""
    texts = decision_texts(on=on, standard=standard)
    if measure:
        return str(texts["measure_subject"][measure]).format(package=package)
    return str(texts["subject"][kind])


def decision_draft(
    *,
    ctx: AccessContext,
    person: Person,
    kind: str,
    act: str,
    facts: str,
    reasoning: str,
    conclusion: str,
    participation: Participation | None = None,
    effective_on: datetime.date | None = None,
    amount: Decimal | None = None,
    subject: str = "",
    basis: str = "",
    measure: str = "",
    package: str = "",
) -> Decision:
    """Draft a decision of ``kind`` for a person, with the subject and the legal basis of their
    Act in the written standard of the person's municipality.

    A ``measure`` of the covid integration packages (with its ``package``) has its own subject
    and basis: the temporary law and its section, not the ordinary basis (seed 003;
    ``integration_packages/legal_basis``). A ``subject`` or ``basis`` given is taken as it is.
    """
    today = timezone.localdate()
    standard = person.municipality.letter_standard
    if not basis and measure:
        basis = measure_legal_basis(measure=measure, standard=standard, package=package, act=act)
    decision = Decision.objects.create(
        person=person,
        municipality_id=person.municipality_id,
        participation=participation,
        kind=kind,
        act=act,
        subject=subject
        or decision_subject(
            kind=kind, on=today, standard=standard, measure=measure, package=package
        ),
        legal_basis=basis or legal_basis(act=act, kind=kind, on=today, standard=standard),
        facts=facts,
        reasoning=reasoning,
        conclusion=conclusion,
        effective_on=effective_on,
        amount=amount,
        created_by=ctx.acting_user,
    )
    audit_record(
        ctx=ctx,
        person_id=person.pk,
        action=AuditAction.CREATE,
        allowed=True,
        detail=f"vedtak (utkast): {kind}",
    )
    return decision


def _text_errors(**texts: str) -> dict[str, list[str]]:
    return {name: [TEXT_REQUIRED[name]] for name, text in texts.items() if not (text or "").strip()}


def _amount_errors(kind: str, amount: Decimal | None) -> dict[str, list[str]]:
    if kind == DecisionKind.REDUCTION:
        if amount is None or amount <= 0:
            return {"amount": ["Oppgi beløpet som trekkes i introduksjonsstønaden (over 0 kr)."]}
    elif amount is not None:
        return {"amount": ["Beløp hører bare til vedtak om trekk i introduksjonsstønaden."]}
    return {}


@transaction.atomic
def decision_create(
    *,
    ctx: AccessContext,
    person: Person,
    kind: str,
    facts: str,
    reasoning: str,
    conclusion: str,
    effective_on: datetime.date | None,
    participation: Participation | None = None,
    amount: Decimal | None = None,
) -> Decision:
    """Draft a decision by hand: a refusal (of the programme, of an extension), a reduction of
    the benefit for unapproved absence (integreringsloven § 21) with its amount, or any other
    kind the lifecycle did not draft.

    The Act is the participation's, or the Act in force on the effective date. Facts, reasoning
    and conclusion are required (forvaltningsloven §§ 24-25). The caller checks that the user
    may change the person's case.
    """
    errors: dict[str, list[str]] = {}
    if kind not in DecisionKind.values:
        errors["kind"] = ["Velg hva slags vedtak det er."]
    errors.update(_text_errors(facts=facts, reasoning=reasoning, conclusion=conclusion))
    if effective_on is None:
        errors["effective_on"] = ["Oppgi datoen vedtaket gjelder fra."]
    if participation is not None and participation.person_id != person.pk:
        errors["participation"] = ["Programmet hører ikke til denne personen."]
    if kind in DecisionKind.values:
        errors.update(_amount_errors(kind, amount))
    if errors:
        raise ValidationError(errors)
    assert effective_on is not None  # for mypy: checked above
    act = (
        participation.act
        if participation is not None
        else act_for(on=effective_on, permit_date=None)
    )
    return decision_draft(
        ctx=ctx,
        person=person,
        kind=kind,
        act=act,
        facts=facts.strip(),
        reasoning=reasoning.strip(),
        conclusion=conclusion.strip(),
        participation=participation,
        effective_on=effective_on,
        amount=amount,
    )


def _require_draft(decision: Decision) -> None:
    if decision.status != DecisionStatus.DRAFT:
        decided = f" {decision.decided_on:%d.%m.%Y}" if decision.decided_on else ""
        raise ValidationError(
            f"Vedtaket ble vedtatt{decided} og kan ikke endres. Er det feil i det, må kommunen "
            "fatte et nytt vedtak."
        )


@transaction.atomic
def decision_update(
    *,
    ctx: AccessContext,
    decision: Decision,
    subject: str,
    facts: str,
    reasoning: str,
    conclusion: str,
    effective_on: datetime.date | None,
    version: int,
    amount: Decimal | None = None,
) -> Decision:
    """Change the texts of a draft; a decided or sent decision is fixed (forvaltningsloven § 27).

    ``amount`` is for a reduction only; left out, the amount is kept. A concurrent save is
    refused (``ConflictError``).
    """
    _require_draft(decision)
    errors = _text_errors(facts=facts, reasoning=reasoning, conclusion=conclusion)
    subject = (subject or "").strip()
    if not subject:
        errors["subject"] = ["Skriv en overskrift for vedtaket."]
    elif len(subject) > 200:
        errors["subject"] = ["Overskriften kan ha høyst 200 tegn."]
    if effective_on is None:
        errors["effective_on"] = ["Oppgi datoen vedtaket gjelder fra."]
    new_amount = amount if amount is not None else decision.amount
    errors.update(_amount_errors(decision.kind, new_amount))
    if errors:
        raise ValidationError(errors)
    decision.version = version_bump(
        Decision.objects.filter(pk=decision.pk, status=DecisionStatus.DRAFT),
        expected=version,
        what=WHAT,
        subject=subject,
        facts=facts.strip(),
        reasoning=reasoning.strip(),
        conclusion=conclusion.strip(),
        effective_on=effective_on,
        amount=new_amount,
        updated_at=timezone.now(),
    )
    decision.refresh_from_db()
    audit_record(
        ctx=ctx,
        person_id=decision.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"vedtak {decision.reference} endret (utkast)",
    )
    return decision


def facts_begin(decision: Decision) -> tuple[datetime.date, str] | None:
    """The earliest date the decision can be made, and what it is: the case begins at settlement,
    and a decision made after an appeal comes after the decision it replaces."""
    candidates: list[tuple[datetime.date, str]] = []
    settled = decision.person.settlement_date
    if settled is not None:
        candidates.append((settled, "bosettingen"))
    if decision.replaces_id is not None:
        replaced = Decision.objects.only("decided_on").get(pk=decision.replaces_id)
        if replaced.decided_on is not None:
            candidates.append((replaced.decided_on, "vedtaket som omgjøres"))
    return max(candidates) if candidates else None


def decision_decide_check(*, decision: Decision, decided_on: datetime.date) -> None:
    """Everything ``decision_decide`` checks before it writes, so that the page asks for the
    confirmation only of a decision that can be made (issue 23 item 2); raises as it would."""
    _require_draft(decision)
    today = timezone.localdate()
    if decided_on is None:
        raise ValidationError({"decided_on": ["Oppgi vedtaksdatoen."]})
    if decided_on > today:
        raise ValidationError({"decided_on": ["Vedtaksdatoen kan ikke være fram i tid."]})
    begin = facts_begin(decision)
    if begin is not None and decided_on < begin[0]:
        raise ValidationError(
            {"decided_on": [f"Vedtaksdatoen kan ikke være før {begin[1]} ({begin[0]:%d.%m.%Y})."]}
        )
    missing = _text_errors(
        facts=decision.facts, reasoning=decision.reasoning, conclusion=decision.conclusion
    )
    if missing:
        raise ValidationError(
            "Vedtaket mangler tekst: "
            + " ".join(m for messages in missing.values() for m in messages)
        )


@transaction.atomic
def decision_decide(
    *, ctx: AccessContext, decision: Decision, decided_on: datetime.date, version: int
) -> Decision:
    """Make the decision: draft → decided, on ``decided_on`` by the user.

    The date is not in the future nor before the case began (``facts_begin``); the date it
    takes effect may be later. A start decision meets the person's open deadline for the
    decision on the programme (``deadlines/casework`` kind ``programme_decision``).
    """
    decision_decide_check(decision=decision, decided_on=decided_on)
    decision.version = version_bump(
        Decision.objects.filter(pk=decision.pk, status=DecisionStatus.DRAFT),
        expected=version,
        what=WHAT,
        status=DecisionStatus.DECIDED,
        decided_on=decided_on,
        decided_by=ctx.acting_user,
        updated_at=timezone.now(),
    )
    decision.refresh_from_db()
    if decision.kind == DecisionKind.START:
        deadlines_meet_kind(
            ctx=ctx, persons=[decision.person], kind=PROGRAMME_DECISION, met_on=decided_on
        )
    # The new decision in a case the county governor sent back (quashed) ends that task.
    for appeal in Appeal.objects.filter(new_decision=decision, returned_deadline__isnull=False):
        deadline_close(
            ctx=ctx,
            person=decision.person,
            kinds=[],
            on=decided_on,
            deadline=appeal.returned_deadline,
            note=f"Nytt vedtak {decision.reference} fattet {decided_on:%d.%m.%Y}.",
        )
    audit_record(
        ctx=ctx,
        person_id=decision.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"vedtak {decision.reference} vedtatt {decided_on:%d.%m.%Y}",
    )
    return decision


def programme_decision_deadline(decision: Decision) -> Deadline | None:
    """The deadline for the decision on the programme that a start decision answers, if any."""
    if decision.kind != DecisionKind.START:
        return None
    deadlines = Deadline.objects.filter(person_id=decision.person_id, kind=PROGRAMME_DECISION)
    if decision.decided_on is not None:
        met = deadlines.filter(met_on=decision.decided_on).order_by("-start_on").first()
        if met is not None:
            return met
    return deadlines.order_by("met_on", "-start_on").first()


def decision_send_check(
    *, decision: Decision, sent_on: datetime.date, received_on: datetime.date | None = None
) -> datetime.date:
    """Everything ``decision_send`` checks before it writes, so that the page asks for the
    confirmation only of a letter that can be sent (issue 23 item 2); raises as it would.
    Returns the day the participant received it (by default the day it was sent)."""
    if decision.status == DecisionStatus.DRAFT:
        raise ValidationError("Vedtaket er et utkast: det må vedtas før det kan sendes.")
    if decision.status == DecisionStatus.SENT:
        raise ValidationError(f"Vedtaket ble sendt {decision.sent_on:%d.%m.%Y}.")
    if decision.person.postal_address is None:
        raise ValidationError(ADDRESS_MISSING.format(name=decision.person.full_name))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if sent_on is None:
        errors["sent_on"] = ["Oppgi datoen vedtaket ble sendt."]
    elif sent_on > today:
        errors["sent_on"] = ["Datoen vedtaket ble sendt kan ikke være fram i tid."]
    elif decision.decided_on is not None and sent_on < decision.decided_on:
        errors["sent_on"] = [
            f"Vedtaket kan ikke sendes før det ble vedtatt ({decision.decided_on:%d.%m.%Y})."
        ]
    if errors:
        raise ValidationError(errors)
    received_on = received_on or sent_on
    if received_on < sent_on:
        errors["received_on"] = ["Deltakeren kan ikke ha mottatt vedtaket før det ble sendt."]
    elif received_on > today:
        errors["received_on"] = [
            "Datoen deltakeren mottok vedtaket kan ikke være fram i tid. La feltet stå tomt "
            "for å bruke datoen det ble sendt."
        ]
    if errors:
        raise ValidationError(errors)
    return received_on


def decision_appeal_deadline(received_on: datetime.date) -> datetime.date:
    """The appeal deadline of a decision received on ``received_on`` (forvaltningsloven § 29;
    ``deadlines/casework`` kind ``appeal``)."""
    return deadline_due(APPEAL, received_on)


@transaction.atomic
def decision_send(
    *,
    ctx: AccessContext,
    decision: Decision,
    sent_on: datetime.date,
    received_on: datetime.date | None = None,
    version: int,
) -> Decision:
    """Send the decided letter: decided → sent; the letter is kept as it was sent.

    The appeal deadline runs from the day the participant received the decision (forvaltningsloven
    § 29; ``deadlines/casework`` kind ``appeal``), by default the day it was sent. It is also
    opened as a casework deadline for the refugee service.
    """
    received_on = decision_send_check(decision=decision, sent_on=sent_on, received_on=received_on)
    decision.version = version_bump(
        Decision.objects.filter(pk=decision.pk, status=DecisionStatus.DECIDED),
        expected=version,
        what=WHAT,
        status=DecisionStatus.SENT,
        sent_on=sent_on,
        received_on=received_on,
        appeal_deadline=deadline_due(APPEAL, received_on),
        updated_at=timezone.now(),
    )
    decision.refresh_from_db()
    letter = _letter_render(decision)
    Decision.objects.filter(pk=decision.pk).update(letter_pdf=letter)
    decision.letter_pdf = letter
    audit_record(
        ctx=ctx,
        person_id=decision.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"vedtak {decision.reference} sendt {sent_on:%d.%m.%Y}",
    )
    return decision


def period_text(period: dict[str, Any], *, units: dict[str, list[str]]) -> str:
    """A parameter period (``{weeks: 3}``) in words, with the letter's ``units``
    (``period_units`` of ``programme/decision_texts``): «3 uker», «3 veker»."""
    parts = [
        f"{int(period[key])} {units[key][0] if int(period[key]) == 1 else units[key][1]}"
        for key in ("months", "weeks", "days")
        if key in period
    ]
    return " og ".join(parts)


def _in_sentence(reference: str) -> str:
    """«Forvaltningsloven § 31» as it reads inside a sentence: «forvaltningsloven § 31»."""
    return reference[:1].lower() + reference[1:]


def _interpreter_language(person: Person) -> str:
    """The language a letter offers an interpreter in, as it reads in a sentence («arabisk»);
    empty when the person needs no interpreter or no language is registered."""
    if not person.interpreter_needed:
        return ""
    return _in_sentence((person.interpreter_language or person.language).strip())


def letter_template(decision: Decision) -> str:
    """The letter's template: the written standard of the decision's municipality."""
    return LETTER_TEMPLATES[decision.municipality.letter_standard]


def letter_context(decision: Decision) -> dict[str, Any]:
    """What the letter template needs; the rules in force when the participant received it.

    The texts are those of the municipality's written standard. The address block is the
    person's postal address; a draft for a person without one says so and names where the
    household is settled (a letter is not sent without an address: ``decision_send``).
    """
    today = timezone.localdate()
    on = decision.received_on or decision.sent_on or decision.decided_on or today
    municipality = decision.municipality
    standard = municipality.letter_standard
    texts = decision_texts(on=on, standard=standard)
    person = decision.person
    decided_by = decision.decided_by
    return {
        "decision": decision,
        "person": person,
        "municipality": municipality,
        "county_governor": municipality.county.county_governor,
        "standard": standard,
        "draft": decision.status == DecisionStatus.DRAFT,
        "letter_date": decision.sent_on or decision.decided_on or today,
        "caseworker": decided_by.display_name if decided_by is not None else "",
        "address": person.postal_address,
        "settled_in": person.household.municipality,
        "interpreter_needed": person.interpreter_needed,
        "interpreter_language": _interpreter_language(person),
        "interpreter_reference": _in_sentence(str(texts["interpreter"])),
        "appeal_period": period_text(
            value(CASEWORK_DEADLINES, on)[APPEAL], units=texts["period_units"]
        ),
        "appeal_reference": _in_sentence(str(texts["appeal"])),
        "late_appeal_reference": _in_sentence(str(texts["late_appeal"])),
    }


def _letter_render(decision: Decision) -> bytes:
    return pdf_from_template(letter_template(decision), letter_context(decision))


def decision_letter_pdf(decision: Decision) -> bytes:
    """The letter as a PDF: the stored one once sent, otherwise rendered now (a draft says
    «UTKAST»)."""
    if decision.status == DecisionStatus.SENT and decision.letter_pdf:
        return bytes(decision.letter_pdf)
    return _letter_render(decision)


def decision_letter(*, ctx: AccessContext, decision: Decision) -> bytes:
    """The letter for download or print; each copy taken out is audited."""
    pdf = decision_letter_pdf(decision)
    audit_record(
        ctx=ctx,
        person_id=decision.person_id,
        action=AuditAction.EXPORT,
        allowed=True,
        detail=f"vedtaksbrev {decision.reference} ({decision.get_status_display().lower()})",
    )
    return pdf


def decision_letter_filename(decision: Decision) -> str:
    """A file name without the person's name: ``vedtak-V-2024-000012.pdf``."""
    return f"vedtak-{decision.reference}.pdf"
