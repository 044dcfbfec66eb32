"""Applying for the grant for a refugee with a disability or behavioural problems (ekstratilskudd).

Seed 002 §3.1: the municipality applies to the directorate; grant 1 is a one-off sum, grant 2 a
yearly sum by documented need up to a maximum, for up to five years after settlement. The
application is due 13 months after the first settlement date, whether it is for year 1 or year 2,
and the scheme is not for persons settled through family reunification or self-settlement. The
rules and rates are ``rules/disability_grant.py``; the deadline is the case's deadline
``disability_grant_application`` (opened at settlement, or here when the first application is
made), met when the application is sent.

An application is drafted, sent (no later than the deadline), and granted or refused by the
directorate. Only the refugee service writes (``person_get(..., edit=True)``); every write is
audited, and every change names the version it started from (``integrering.concurrency``).
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
from integrering.people.models import Person
from integrering.rules.disability_grant import (
    DEADLINE_KIND,
    DisabilityGrantResult,
    disability_grant_application_deadline,
    disability_grant_calculate,
    disability_grant_category_check,
    disability_grant_rules,
    disability_grant_year,
)
from integrering.rules.parameters import RulesError, value
from integrering.ui.numbers import number_nb

from ..models import (
    Deadline,
    DisabilityGrant,
    DisabilityGrantApplication,
    DisabilityGrantStatus,
)
from .deadlines import deadline_open, deadlines_meet_kind

NOT_FOUND = "Finner ikke søknaden om tilskudd for denne personen."
WHAT = "søknaden om tilskudd"
NO_DISABILITY = (
    "Personen er ikke registrert med nedsatt funksjonsevne eller atferdsvansker. Registrer det "
    "under personopplysningene før du søker om tilskuddet."
)
NOT_SETTLED = "Personen er ikke bosatt ennå: tilskuddet søkes for personer som er bosatt."

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class DisabilityGrantInput:
    """What the caseworker fills in; the numbers may be missing until validated."""

    grant: int | None = None
    budget_year: int | None = None
    documented_need: Decimal | None = None
    documentation_note: str = ""

    def cleaned(self) -> dict[str, object]:
        values = asdict(self)
        values["documentation_note"] = self.documentation_note.strip()
        return values


@dataclass(frozen=True)
class DisabilityGrantEstimate:
    """What the rules say of an application: the year after settlement, the sum or maximum of
    the year and the amount (when a rate with a source is known), and the deadline."""

    year_after_settlement: int | None
    rate: Decimal | None
    amount: Decimal | None
    capped: bool
    deadline: datetime.date | None
    message: str


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def disability_grant_deadline(*, person: Person, budget_year: int) -> datetime.date | None:
    """The application deadline for an application for ``budget_year``: 13 months after the
    first settlement date when the budget year is year 1 or 2 after settlement; None for the later
    years of grant 2, or when the person is not settled."""
    settled_on = person.settlement_date
    if settled_on is None:
        return None
    year = budget_year - settled_on.year + 1
    if year < 1:
        return None
    return disability_grant_application_deadline(
        settled_on=settled_on, year_after_settlement=year, budget_year=budget_year
    )


def disability_grant_eligibility(person: Person) -> str:
    """Why no application can be made for the person (no registered disability, not settled,
    settled through family reunification or self-settlement), or "" when one can."""
    if not person.disability:
        return NO_DISABILITY
    if person.settlement_date is None:
        return NOT_SETTLED
    try:
        disability_grant_category_check(
            category=person.category, budget_year=timezone.localdate().year
        )
    except RulesError as exc:
        return str(exc)
    return ""


def disability_grant_case_deadline(person: Person) -> Deadline | None:
    """The case's application deadline (open or met), if the case has one."""
    return (
        Deadline.objects.filter(person=person, kind=DEADLINE_KIND)
        .order_by("met_on", "due_on")
        .first()
    )


def disability_grant_application_errors(
    *,
    person: Person,
    data: DisabilityGrantInput,
    application: DisabilityGrantApplication | None = None,
    on: datetime.date | None = None,
) -> Errors:
    """Every problem with an application, by field, in words a caseworker understands.

    Seed 002 §3.1 and the rules module: a person with a registered disability or behavioural
    problems, settled, not through family reunification or self-settlement; grant 1 in year 1 or
    2 and only once, grant 2 up to year 5 (an unaccompanied minor to the year they turn 20); one
    application per person and budget year. With ``on``, the deadline must not have passed then.
    """
    errors: Errors = {}
    if data.grant is None:
        _add(errors, "grant", "Velg tilskudd 1 (engangstilskudd) eller tilskudd 2 (årlig).")
    elif data.grant not in DisabilityGrant.values:
        _add(errors, "grant", "Velg tilskudd 1 eller tilskudd 2.")
    if data.budget_year is None:
        _add(errors, "budget_year", "Oppgi budsjettåret søknaden gjelder.")
    if data.documented_need is not None and (
        not data.documented_need.is_finite() or data.documented_need < 0
    ):
        _add(errors, "documented_need", "Dokumentert behov må være null kroner eller mer.")
    if not person.disability:
        _add(errors, "__all__", NO_DISABILITY)
    settled_on = person.settlement_date
    if settled_on is None:
        _add(errors, "__all__", NOT_SETTLED)
    if errors or data.grant is None or data.budget_year is None or settled_on is None:
        return errors
    try:
        disability_grant_rules(data.budget_year)
    except RulesError as exc:
        _add(errors, "budget_year", str(exc))
        return errors
    try:
        disability_grant_category_check(category=person.category, budget_year=data.budget_year)
    except RulesError as exc:
        _add(errors, "__all__", str(exc))
        return errors
    try:
        disability_grant_year(
            grant=data.grant,
            budget_year=data.budget_year,
            settled_on=settled_on,
            category=person.category,
            birth_date=person.birth_date,
        )
    except RulesError as exc:
        _add(errors, "budget_year", str(exc))
        return errors
    others = DisabilityGrantApplication.objects.filter(person=person)
    if application is not None:
        others = others.exclude(pk=application.pk)
    if others.filter(budget_year=data.budget_year).exists():
        _add(
            errors,
            "budget_year",
            f"Det finnes allerede en søknad for {person.full_name} for budsjettåret "
            f"{data.budget_year}.",
        )
    if data.grant == DisabilityGrant.ONE_OFF:
        earlier = (
            others.filter(grant=DisabilityGrant.ONE_OFF)
            .exclude(status=DisabilityGrantStatus.REFUSED)
            .first()
        )
        if earlier is not None:
            _add(
                errors,
                "grant",
                "Tilskudd 1 er et engangstilskudd, og det er allerede søkt om det for "
                f"budsjettåret {earlier.budget_year}.",
            )
    if on is not None:
        deadline = disability_grant_deadline(person=person, budget_year=data.budget_year)
        if deadline is not None and on > deadline:
            _add(
                errors,
                "__all__",
                f"Søknadsfristen var {deadline:%d.%m.%Y} (regnet fra første bosettingsdato "
                f"{settled_on:%d.%m.%Y}, retningslinjene pkt. 3.1): en søknad for første eller andre "
                "bosettingsår kan ikke sendes etter fristen.",
            )
    return errors


def _describe(application: DisabilityGrantApplication) -> str:
    return (
        f"søknad om tilskudd ved nedsatt funksjonsevne {application.pk}: "
        f"tilskudd {application.grant}, budsjettår {application.budget_year}"
    )


def _open_deadline(person: Person) -> None:
    """Open the application deadline if the case has none (the disability was registered after
    settlement): the application is due from the first settlement date all the same."""
    settled_on = person.settlement_date
    if settled_on is None or Deadline.objects.filter(person=person, kind=DEADLINE_KIND).exists():
        return
    try:
        service = value("deadlines/arrival", settled_on)["deadlines"][DEADLINE_KIND]["service"]
        deadline_open(person=person, kind=DEADLINE_KIND, service=str(service), start=settled_on)
    except RulesError:
        # Settled before the first dated deadline rule (2018): such a deadline has passed.
        return


@transaction.atomic
def disability_grant_application_create(
    *, ctx: AccessContext, person: Person, data: DisabilityGrantInput
) -> DisabilityGrantApplication:
    """Draft an application for a budget year (``disability_grant_application_errors``), refused
    once the deadline has passed. Opens the case's application deadline when the first
    application is for year 1 or 2 and the case has none.

    ``person`` must come from ``people.selectors.person_get(..., edit=True)``.
    """
    today = timezone.localdate()
    errors = disability_grant_application_errors(person=person, data=data, on=today)
    if errors:
        raise ValidationError(errors)
    assert data.budget_year is not None
    user = ctx.acting_user
    application = DisabilityGrantApplication.objects.create(
        person=person,
        municipality_id=person.municipality_id,
        created_by=user,
        updated_by=user,
        **data.cleaned(),
    )
    if disability_grant_deadline(person=person, budget_year=data.budget_year) is not None:
        _open_deadline(person)
    audit_record(
        ctx=ctx,
        person_id=person.pk,
        action=AuditAction.CREATE,
        allowed=True,
        detail=f"opprettet {_describe(application)}",
    )
    return application


def _require_draft(application: DisabilityGrantApplication, doing: str) -> None:
    if not application.is_draft:
        raise ValidationError(
            f"Søknaden er {application.get_status_display().lower()}; bare et utkast kan {doing}."
        )


@transaction.atomic
def disability_grant_application_update(
    *,
    ctx: AccessContext,
    application: DisabilityGrantApplication,
    data: DisabilityGrantInput,
    version: int,
) -> DisabilityGrantApplication:
    """Change a draft, refused if someone saved it after ``version`` was read."""
    _require_draft(application, "endres")
    errors = disability_grant_application_errors(
        person=application.person, data=data, application=application
    )
    if errors:
        raise ValidationError(errors)
    version_bump(
        DisabilityGrantApplication.objects.filter(pk=application.pk),
        expected=version,
        what=WHAT,
        updated_at=timezone.now(),
        updated_by=ctx.acting_user,
        **data.cleaned(),
    )
    application.refresh_from_db()
    audit_record(
        ctx=ctx,
        person_id=application.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"endret {_describe(application)} (versjon {application.version})",
    )
    return application


@transaction.atomic
def disability_grant_application_send(
    *,
    ctx: AccessContext,
    application: DisabilityGrantApplication,
    sent_on: datetime.date,
    version: int,
) -> DisabilityGrantApplication:
    """Record that the application was sent to the directorate on ``sent_on``.

    It must be complete (the documentation described; grant 2: the documented need), still
    allowed for the person (``disability_grant_application_errors``), and sent no later than the
    deadline, 13 months after the first settlement date for year 1 or 2 (seed 002 §3.1). Sending
    meets the case's application deadline.
    """
    _require_draft(application, "sendes")
    person = application.person
    errors: Errors = {}
    if sent_on > timezone.localdate():
        _add(errors, "sent_on", "Datoen kan ikke være fram i tid.")
    elif person.settlement_date is not None and sent_on < person.settlement_date:
        _add(errors, "sent_on", "Søknaden kan ikke være sendt før personen ble bosatt.")
    if not application.documentation_note.strip():
        _add(
            errors,
            "documentation_note",
            "Beskriv dokumentasjonen som sendes med (for eksempel legeerklæring og vedtak om "
            "tjenester) før søknaden sendes.",
        )
    if application.grant == DisabilityGrant.YEARLY and not application.documented_need:
        _add(
            errors,
            "documented_need",
            "Tilskudd 2 gis etter dokumentert behov: oppgi de ekstraordinære utgiftene for året.",
        )
    data = DisabilityGrantInput(
        grant=application.grant,
        budget_year=application.budget_year,
        documented_need=application.documented_need,
        documentation_note=application.documentation_note,
    )
    for field, messages in disability_grant_application_errors(
        person=person,
        data=data,
        application=application,
        on=None if "sent_on" in errors else sent_on,
    ).items():
        for message in messages:
            _add(errors, field, message)
    if errors:
        raise ValidationError(errors)
    version_bump(
        DisabilityGrantApplication.objects.filter(pk=application.pk),
        expected=version,
        what=WHAT,
        status=DisabilityGrantStatus.SENT,
        sent_on=sent_on,
        updated_at=timezone.now(),
        updated_by=ctx.acting_user,
    )
    application.refresh_from_db()
    if disability_grant_deadline(person=person, budget_year=application.budget_year) is not None:
        # The first application (year 1 or 2) meets the case's deadline; a later year's does not.
        deadlines_meet_kind(ctx=ctx, persons=[person], kind=DEADLINE_KIND, met_on=sent_on)
    audit_record(
        ctx=ctx,
        person_id=person.pk,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"sendt {_describe(application)} {sent_on:%d.%m.%Y}",
    )
    return application


DECISIONS = (DisabilityGrantStatus.GRANTED, DisabilityGrantStatus.REFUSED)


@transaction.atomic
def disability_grant_application_decide(
    *,
    ctx: AccessContext,
    application: DisabilityGrantApplication,
    status: str,
    decided_on: datetime.date | None,
    granted_amount: Decimal | None = None,
    decision_note: str = "",
    version: int,
) -> DisabilityGrantApplication:
    """Record the directorate's decision on a sent application: granted with the amount (at most
    the year's sum for grant 1 or maximum for grant 2, where a rate with a source is known), or
    refused with the reason."""
    if application.status != DisabilityGrantStatus.SENT:
        raise ValidationError(
            "Vedtaket registreres når søknaden er sendt; søknaden er "
            f"{application.get_status_display().lower()}."
        )
    errors: Errors = {}
    if status not in DECISIONS:
        _add(errors, "status", "Velg innvilget eller avslått.")
    if decided_on is None:
        _add(errors, "decided_on", "Oppgi vedtaksdatoen.")
    elif decided_on > timezone.localdate():
        _add(errors, "decided_on", "Datoen kan ikke være fram i tid.")
    elif application.sent_on and decided_on < application.sent_on:
        _add(
            errors,
            "decided_on",
            f"Vedtaksdatoen er før søknaden ble sendt ({application.sent_on:%d.%m.%Y}).",
        )
    note = decision_note.strip()
    if status == DisabilityGrantStatus.GRANTED:
        if granted_amount is None:
            _add(errors, "granted_amount", "Oppgi beløpet IMDi har innvilget.")
        elif not granted_amount.is_finite() or granted_amount < 0:
            _add(errors, "granted_amount", "Beløpet må være null kroner eller mer.")
        else:
            rules = disability_grant_rules(application.budget_year)
            try:
                rate = rules.rate(application.grant)
            except RulesError:
                rate = None  # no rate with a source for the year: nothing to check against
            if rate is not None and granted_amount > rate:
                _add(
                    errors,
                    "granted_amount",
                    f"Beløpet er mer enn satsen for {application.budget_year} "
                    f"(kr {number_nb(rate)}).",
                )
    elif status == DisabilityGrantStatus.REFUSED:
        granted_amount = None
        if not note:
            _add(errors, "decision_note", "Skriv begrunnelsen for avslaget fra IMDi.")
    if errors:
        raise ValidationError(errors)
    version_bump(
        DisabilityGrantApplication.objects.filter(pk=application.pk),
        expected=version,
        what=WHAT,
        status=status,
        decided_on=decided_on,
        granted_amount=granted_amount,
        decision_note=note,
        updated_at=timezone.now(),
        updated_by=ctx.acting_user,
    )
    application.refresh_from_db()
    audit_record(
        ctx=ctx,
        person_id=application.person_id,
        action=AuditAction.UPDATE,
        allowed=True,
        detail=f"vedtak ({application.get_status_display().lower()}) på {_describe(application)}",
    )
    return application


def disability_grant_applications_of(*, person: Person) -> list[DisabilityGrantApplication]:
    """The person's applications, newest budget year first.

    ``person`` must come from ``people.selectors.person_get`` (reach, whole case, audit).
    """
    return list(DisabilityGrantApplication.objects.filter(person=person))


def disability_grant_application_of(
    *, person: Person, application_id: int
) -> DisabilityGrantApplication:
    """One application of the person; 404 when it is someone else's or does not exist."""
    application = DisabilityGrantApplication.objects.filter(
        person=person, pk=application_id
    ).first()
    if application is None:
        raise NotFound(NOT_FOUND)
    return application


def disability_grant_estimate(application: DisabilityGrantApplication) -> DisabilityGrantEstimate:
    """The rules' answer for an application, or why there is none (no rate with a source for the
    year; grant 2 without a documented need yet; the person no longer eligible)."""
    person = application.person
    settled_on = person.settlement_date
    if settled_on is None:
        return DisabilityGrantEstimate(None, None, None, False, None, NOT_SETTLED)
    try:
        result: DisabilityGrantResult = disability_grant_calculate(
            grant=application.grant,
            budget_year=application.budget_year,
            settled_on=settled_on,
            category=person.category,
            documented_need=application.documented_need,
            birth_date=person.birth_date,
        )
    except RulesError as exc:
        year = application.budget_year - settled_on.year + 1
        try:
            deadline = disability_grant_deadline(person=person, budget_year=application.budget_year)
        except RulesError:
            deadline = None
        return DisabilityGrantEstimate(year, None, None, False, deadline, str(exc))
    return DisabilityGrantEstimate(
        year_after_settlement=result.year_after_settlement,
        rate=result.rate,
        amount=result.amount,
        capped=result.capped,
        deadline=result.application_deadline,
        message="",
    )
