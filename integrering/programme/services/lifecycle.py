"""The introduction programme from start to end: start, leave, stop and resumption, absence,
extension, end. Each is dated, leaves an event in the history, and is audited; the events
that are individual decisions draft their decision (``services/decisions.py``).

Sources: seed 000 (extension only when there is «grunn til å forvente» that the participant
reaches the final goal, and it is an individual decision; stop when «saklig begrunnet i den
enkeltes forhold»; a full-time participant with collective protection cannot be partly on sick
leave); seed 002 §3.2; integreringsloven §§ 13-18 a; seed 003 (the covid integration packages:
extended programme time tested by the need for work or education, extended Norwegian training for
everyone in its target group, the reinforced programme by a revised final goal, the assessment of
the need for career guidance; their decisions name the temporary law).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.casework.services.arrival import person_facts
from integrering.casework.services.deadlines import deadlines_bring_forward
from integrering.concurrency import version_bump
from integrering.people.models import Person
from integrering.rules.benefit import INTEGRATION_ACT, INTRODUCTION_ACT, act_for, age_on
from integrering.rules.deadlines import in_group
from integrering.rules.integration_packages import (
    norwegian_extension,
    programme_extension,
    reinforced_programme,
)
from integrering.rules.parameters import RulesError, value

from ..models import (
    Absence,
    DecisionKind,
    EndReason,
    EventKind,
    Extension,
    ExtensionKind,
    ExtensionTest,
    LeaveReason,
    Participation,
    PeriodKind,
    ProgrammeEvent,
    ProgrammePeriod,
)
from ..periods import (
    DAY,
    extension_months,
    goal_limits,
    last_day,
    overlaps,
    planned_end,
)
from .decisions import decision_draft

WHAT = "deltakelsen i introduksjonsprogrammet"
REINFORCED_GOAL = "upper_secondary"  # the final goal of the reinforced programme (periods.py)


def _event(
    ctx: AccessContext, participation: Participation, kind: str, on: datetime.date, summary: str
) -> ProgrammeEvent:
    event = ProgrammeEvent.objects.create(
        participation=participation,
        kind=kind,
        on=on,
        summary=summary[:300],
        created_by=ctx.acting_user,
    )
    audit_record(
        ctx=ctx,
        person_id=participation.person_id,
        action=AuditAction.UPDATE if kind != EventKind.START else AuditAction.CREATE,
        allowed=True,
        detail=f"introduksjonsprogram: {kind}",
    )
    return event


def _require_open(participation: Participation) -> None:
    if participation.ended_on is not None:
        raise ValidationError(
            f"Programmet ble avsluttet {participation.ended_on:%d.%m.%Y}; det kan ikke endres."
        )


def _lock(participation: Participation) -> Participation:
    """Re-read the participation under a row lock so two writers take turns."""
    return Participation.objects.select_for_update().get(pk=participation.pk)


def _check_in_programme(
    participation: Participation, day: datetime.date, field: str, what: str
) -> None:
    extensions = list(participation.extensions.all())
    end = last_day(participation, extensions)
    if day < participation.starts_on or day > end:
        raise ValidationError(
            {
                field: [
                    f"Deltakeren var ikke i programmet {day:%d.%m.%Y} ({what}): programmet "
                    f"gjelder fra {participation.starts_on:%d.%m.%Y} til {end:%d.%m.%Y}."
                ]
            }
        )


def _overlapping_period(
    participation: Participation, from_on: datetime.date, to_on: datetime.date | None
) -> ProgrammePeriod | None:
    for period in participation.periods.all():
        if overlaps(from_on, to_on, period.from_on, period.to_on):
            return period
    return None


def _period_text(period: ProgrammePeriod) -> str:
    name = "stansen" if period.kind == PeriodKind.STOP else "permisjonen"
    until = f"til {period.to_on:%d.%m.%Y}" if period.to_on else "og er ikke gjenopptatt"
    return f"{name} fra {period.from_on:%d.%m.%Y} {until}"


@dataclass(frozen=True)
class StartInput:
    starts_on: datetime.date
    final_goal: str
    planned_months: int
    full_time: bool = True
    collective_protection: bool = False
    lives_with_parent: bool = False
    permit_date: datetime.date | None = None
    norwegian_training_ends_on: datetime.date | None = None
    reasoning: str = ""


@transaction.atomic
def programme_start(*, ctx: AccessContext, person: Person, data: StartInput) -> Participation:
    """Start a person's introduction programme and draft the decision on it.

    The person must be settled and in the programme's age group (``deadlines/arrival``), have
    no open programme, and the planned length must be within the final goal's limits
    (``programme/length_by_final_goal``). The Act follows the permit date.
    """
    settled = person.settlement_date
    if settled is None:
        raise ValidationError(
            {"starts_on": ["Personen er ikke bosatt ennå; registrer bosettingsdatoen først."]}
        )
    if data.starts_on < settled:
        raise ValidationError(
            {"starts_on": [f"Programmet kan ikke starte før bosettingen ({settled:%d.%m.%Y})."]}
        )
    if data.permit_date is not None and data.permit_date > data.starts_on:
        raise ValidationError(
            {"permit_date": ["Oppholdstillatelsen må være gitt før programmet starter."]}
        )
    if not in_group("programme", person_facts(person), data.starts_on):
        group = value("deadlines/arrival", data.starts_on)["groups"]["programme"]
        raise ValidationError(
            {
                "starts_on": [
                    f"{person.full_name} er {age_on(person.birth_date, data.starts_on)} år ved "
                    f"start; introduksjonsprogrammet gjelder fra {group['min_age']} til "
                    f"{group['max_age']} år."
                ]
            }
        )
    if Participation.objects.filter(person=person, ended_on__isnull=True).exists():
        raise ValidationError(
            "Personen er allerede i introduksjonsprogrammet; avslutt det før et nytt startes."
        )
    act = act_for(on=data.starts_on, permit_date=data.permit_date)
    try:
        limits = goal_limits(act=act, final_goal=data.final_goal, starts_on=data.starts_on)
    except RulesError as exc:
        raise ValidationError({"final_goal": [str(exc)]}) from None
    if not limits.min_months <= data.planned_months <= limits.max_months:
        raise ValidationError(
            {
                "planned_months": [
                    f"Sluttmålet «{limits.description}» gir et program på {limits.min_months} "
                    f"til {limits.max_months} måneder; {data.planned_months} er utenfor."
                ]
            }
        )
    participation = Participation.objects.create(
        person=person,
        municipality_id=person.municipality_id,
        act=act,
        permit_date=data.permit_date,
        final_goal=data.final_goal,
        starts_on=data.starts_on,
        planned_months=data.planned_months,
        full_time=data.full_time,
        collective_protection=data.collective_protection,
        lives_with_parent=data.lives_with_parent,
        norwegian_training_ends_on=data.norwegian_training_ends_on,
        created_by=ctx.acting_user,
    )
    end = planned_end(participation, [])
    # The children's kindergarten place is due by the start of the programme (seed 002).
    deadlines_bring_forward(household=person.household, event="programme_start", on=data.starts_on)
    _event(
        ctx,
        participation,
        EventKind.START,
        data.starts_on,
        f"Start, sluttmål «{limits.description}», {data.planned_months} måneder "
        f"(til {end:%d.%m.%Y}), {'heltid' if data.full_time else 'deltid'}",
    )
    decision_draft(
        ctx=ctx,
        person=person,
        participation=participation,
        kind=DecisionKind.START,
        act=act,
        effective_on=data.starts_on,
        facts=(
            f"{person.full_name} ble bosatt i {person.municipality.name} kommune "
            f"{settled:%d.%m.%Y} og er i målgruppen for introduksjonsprogrammet. "
            f"Sluttmålet er «{limits.description}»."
        ),
        reasoning=data.reasoning
        or (
            "Programmet er tilpasset ditt behov for grunnleggende kvalifisering slik det går "
            "fram av kartleggingen og den individuelle planen."
        ),
        conclusion=(
            f"Du får tilbud om introduksjonsprogram på {'heltid' if data.full_time else 'deltid'} "
            f"fra {data.starts_on:%d.%m.%Y} til {end:%d.%m.%Y} ({data.planned_months} måneder). "
            "Du har rett til introduksjonsstønad mens du deltar."
        ),
    )
    return participation


@dataclass(frozen=True)
class LeaveInput:
    from_on: datetime.date
    to_on: datetime.date
    leave_reason: str
    with_benefit: bool
    reason: str
    sick_percent: int | None = None


@transaction.atomic
def programme_leave(
    *, ctx: AccessContext, participation: Participation, data: LeaveInput
) -> ProgrammePeriod:
    """Grant a leave (permisjon), with or without benefit (integreringsloven § 17).

    It must lie within the programme and not overlap a stop or another leave. A full-time
    participant with collective protection cannot be partly on sick leave (seed 000): their
    sick leave is for whole days.
    """
    participation = _lock(participation)
    _require_open(participation)
    if data.to_on < data.from_on:
        raise ValidationError({"to_on": ["Til-datoen kan ikke være før fra-datoen."]})
    if data.leave_reason not in LeaveReason.values:
        raise ValidationError({"leave_reason": ["Velg årsak til permisjonen."]})
    if not data.reason.strip():
        raise ValidationError({"reason": ["Skriv hvorfor permisjonen gis."]})
    if data.leave_reason == LeaveReason.SICK and data.sick_percent is not None:
        if not 0 < data.sick_percent <= 100:
            raise ValidationError({"sick_percent": ["Sykmeldingen må være 1-100 prosent."]})
        if (
            data.sick_percent < 100
            and participation.full_time
            and participation.collective_protection
        ):
            raise ValidationError(
                {
                    "sick_percent": [
                        "En deltaker på heltid med kollektiv beskyttelse kan ikke være delvis "
                        "sykmeldt (seed 000): registrer sykepermisjon for hele dager, eller "
                        "vurder stans eller et program på deltid."
                    ]
                }
            )
    _check_in_programme(participation, data.from_on, "from_on", "permisjonens første dag")
    _check_in_programme(participation, data.to_on, "to_on", "permisjonens siste dag")
    clash = _overlapping_period(participation, data.from_on, data.to_on)
    if clash is not None:
        raise ValidationError({"from_on": [f"Permisjonen overlapper {_period_text(clash)}."]})
    if data.with_benefit is False:
        absent = participation.absences.filter(on__gte=data.from_on, on__lte=data.to_on).first()
        if absent is not None:
            raise ValidationError(
                {
                    "from_on": [
                        f"Det er registrert fravær {absent.on:%d.%m.%Y} i permisjonen; "
                        "slett fraværet eller velg andre datoer."
                    ]
                }
            )
    period = ProgrammePeriod.objects.create(
        participation=participation,
        kind=PeriodKind.LEAVE,
        leave_reason=data.leave_reason,
        with_benefit=data.with_benefit,
        sick_percent=data.sick_percent,
        from_on=data.from_on,
        to_on=data.to_on,
        reason=data.reason.strip(),
        created_by=ctx.acting_user,
    )
    _event(
        ctx,
        participation,
        EventKind.LEAVE,
        data.from_on,
        f"Permisjon ({LeaveReason(data.leave_reason).label.lower()}) "
        f"{data.from_on:%d.%m.%Y}–{data.to_on:%d.%m.%Y}, "
        f"{'med' if data.with_benefit else 'uten'} stønad",
    )
    return period


@transaction.atomic
def programme_stop(
    *, ctx: AccessContext, participation: Participation, from_on: datetime.date, reason: str
) -> ProgrammePeriod:
    """Stop (stans) the programme from a date, when «saklig begrunnet i den enkeltes forhold»
    (seed 000; integreringsloven § 18), and draft the decision. No benefit while stopped."""
    participation = _lock(participation)
    _require_open(participation)
    if not reason.strip():
        raise ValidationError(
            {"reason": ["Skriv hvorfor stans er saklig begrunnet i deltakerens forhold."]}
        )
    _check_in_programme(participation, from_on, "from_on", "første dag med stans")
    clash = _overlapping_period(participation, from_on, None)
    if clash is not None:
        raise ValidationError({"from_on": [f"Stansen overlapper {_period_text(clash)}."]})
    decision = decision_draft(
        ctx=ctx,
        person=participation.person,
        participation=participation,
        kind=DecisionKind.STOP,
        act=participation.act,
        effective_on=from_on,
        facts=reason.strip(),
        reasoning=(
            "Kommunen mener at stans er saklig begrunnet i dine forhold. Du får ikke "
            "introduksjonsstønad mens programmet er stanset."
        ),
        conclusion=f"Introduksjonsprogrammet ditt stanses fra {from_on:%d.%m.%Y}.",
    )
    period = ProgrammePeriod.objects.create(
        participation=participation,
        kind=PeriodKind.STOP,
        from_on=from_on,
        reason=reason.strip(),
        decision=decision,
        created_by=ctx.acting_user,
    )
    _event(ctx, participation, EventKind.STOP, from_on, f"Stans fra {from_on:%d.%m.%Y}")
    return period


@transaction.atomic
def programme_resume(
    *, ctx: AccessContext, participation: Participation, resumed_on: datetime.date
) -> ProgrammePeriod:
    """Resume a stopped programme: the stop ends the day before ``resumed_on``."""
    participation = _lock(participation)
    _require_open(participation)
    stop = participation.periods.filter(kind=PeriodKind.STOP, to_on__isnull=True).first()
    if stop is None:
        raise ValidationError("Programmet er ikke stanset.")
    if resumed_on <= stop.from_on:
        raise ValidationError(
            {"resumed_on": [f"Programmet må gjenopptas etter stansen ({stop.from_on:%d.%m.%Y})."]}
        )
    _check_in_programme(participation, resumed_on, "resumed_on", "gjenopptatt")
    stop.to_on = resumed_on - DAY
    stop.save(update_fields=["to_on"])
    _event(
        ctx,
        participation,
        EventKind.RESUMPTION,
        resumed_on,
        f"Gjenopptatt {resumed_on:%d.%m.%Y} etter stans fra {stop.from_on:%d.%m.%Y}",
    )
    return stop


@transaction.atomic
def programme_absence(
    *,
    ctx: AccessContext,
    participation: Participation,
    on: datetime.date,
    hours: Decimal,
    approved: bool,
    reason: str = "",
) -> Absence:
    """Record absence on one day; unapproved hours reduce the benefit by the hour rate.

    The day must be in the programme, not in a stop or a leave without benefit, and the hours of
    a day are at most a full day (``programme/max_absence_hours_per_day``).
    """
    participation = _lock(participation)
    if hours <= 0:
        raise ValidationError({"hours": ["Fraværet må være mer enn 0 timer."]})
    _check_in_programme(participation, on, "on", "fraværsdagen")
    if on > timezone.localdate():
        raise ValidationError({"on": ["Fravær kan ikke registreres fram i tid."]})
    for period in participation.periods.all():
        if period.covers(on) and not (period.kind == PeriodKind.LEAVE and period.with_benefit):
            raise ValidationError(
                {
                    "on": [
                        f"{on:%d.%m.%Y} er i {_period_text(period)}; fravær kan ikke registreres da."
                    ]
                }
            )
    limit = Decimal(value("programme/max_absence_hours_per_day", on))
    already = sum((a.hours for a in participation.absences.filter(on=on)), Decimal(0))
    if already + hours > limit:
        raise ValidationError(
            {
                "hours": [
                    f"Høyst {limit} timer fravær per dag; {already} er registrert for {on:%d.%m.%Y}."
                ]
            }
        )
    absence = Absence.objects.create(
        participation=participation,
        on=on,
        hours=hours,
        approved=approved,
        reason=reason.strip()[:300],
        created_by=ctx.acting_user,
    )
    _event(
        ctx,
        participation,
        EventKind.ABSENCE,
        on,
        f"Fravær {on:%d.%m.%Y}: {hours} t, {'godkjent' if approved else 'ikke godkjent'}",
    )
    return absence


@dataclass(frozen=True)
class ExtensionInput:
    """An extension as the caseworker assessed it.

    The ordinary extension of the programme needs ``expected_to_reach_goal`` (seed 000); an
    extension of the programme under the integration packages needs
    ``needed_for_work_or_education`` instead (seed 003); extended Norwegian training needs
    neither, only the facts of its target group (when the training ended, and the right and
    duty to it).
    """

    months: int
    assessment: str
    expected_to_reach_goal: bool = False
    kind: str = ExtensionKind.PROGRAMME
    integration_package: bool = False
    needed_for_work_or_education: bool = False
    norwegian_training_ends_on: datetime.date | None = None
    right_and_duty: bool | None = None
    from_on: datetime.date | None = None


@transaction.atomic
def programme_extend(
    *, ctx: AccessContext, participation: Participation, data: ExtensionInput
) -> Extension:
    """Extend the programme (forlengelse) after an individual assessment, and draft the decision.

    The ordinary extension: only if there is «grunn til å forvente» that the participant reaches
    the final goal (seed 000), and within the final goal's maximum extension. An extension of the
    programme under the covid integration packages (seed 003; the temporary law § 2) is tested by
    the participant's «behov for utvidelse av programtiden for å komme i jobb eller utdanning», not
    by the expectation, needs the participant to be in a package's window and has the package's
    own limit; its decision names the temporary law. Extended Norwegian training is always a
    package measure and is not needs-tested: see ``norwegian_extension_grant``, which it goes to
    (also when the programme has ended).
    """
    if data.kind == ExtensionKind.NORWEGIAN_TRAINING:
        return norwegian_extension_grant(
            ctx=ctx,
            person=participation.person,
            participation=participation,
            data=NorwegianExtensionInput(
                months=data.months,
                assessment=data.assessment,
                norwegian_training_ends_on=data.norwegian_training_ends_on,
                right_and_duty=data.right_and_duty,
                from_on=data.from_on,
            ),
        )
    if data.kind not in ExtensionKind.values:
        raise ValidationError({"kind": ["Velg hva som forlenges."]})
    participation = _lock(participation)
    _require_open(participation)
    if not data.assessment.strip():
        raise ValidationError({"assessment": ["Skriv den individuelle vurderingen."]})
    if data.months < 1:
        raise ValidationError({"months": ["En forlengelse er minst én måned."]})
    extensions = list(participation.extensions.all())
    end = planned_end(participation, extensions)
    package = ""
    basis = ""
    if data.integration_package:
        answer = programme_extension(start=participation.starts_on, end=end)
        if not answer.eligible or answer.max_months is None:
            raise ValidationError(
                {
                    "integration_package": [
                        f"Ikke i målgruppen for integreringspakkene: {answer.reason}."
                    ]
                }
            )
        if not data.needed_for_work_or_education:
            raise ValidationError(
                {
                    "needed_for_work_or_education": [
                        "Utvidet programtid etter integreringspakkene gis når deltakeren etter "
                        f"kommunens vurdering har {answer.needs_test}. Lag et vedtak om avslag "
                        "i stedet."
                    ]
                }
            )
        package = str(answer.package)
        basis = answer.legal_basis or ""
        used = extension_months(extensions, package=True)
        limit = answer.max_months
        what = f"integreringspakke {package}"
        needs_test = ExtensionTest.WORK_OR_EDUCATION
    else:
        if not data.expected_to_reach_goal:
            raise ValidationError(
                {
                    "expected_to_reach_goal": [
                        "Programmet kan bare forlenges hvis det er grunn til å forvente at "
                        "deltakeren når sluttmålet med en forlengelse. Lag et vedtak om avslag i "
                        "stedet."
                    ]
                }
            )
        limits = goal_limits(
            act=participation.act,
            final_goal=participation.final_goal,
            starts_on=participation.starts_on,
        )
        used = extension_months(extensions, package=False)
        limit = limits.extension_max_months
        what = f"sluttmålet «{limits.description}»"
        needs_test = ExtensionTest.EXPECTED_TO_REACH_GOAL
    if used + data.months > limit:
        raise ValidationError(
            {
                "months": [
                    f"For {what} kan programmet forlenges med høyst {limit} måneder; "
                    f"{used} er allerede gitt, så {data.months} til er for mye."
                ]
            }
        )
    from_on = end + DAY
    new_end = planned_end(
        participation, [*extensions, Extension(kind=data.kind, months=data.months)]
    )
    decision = decision_draft(
        ctx=ctx,
        person=participation.person,
        participation=participation,
        kind=DecisionKind.EXTENSION,
        act=participation.act,
        effective_on=from_on,
        subject=(
            f"Vedtak om utvidet introduksjonsprogram (integreringspakke {package})"
            if package
            else ""
        ),
        basis=basis,
        facts=(
            f"Programmet ditt startet {participation.starts_on:%d.%m.%Y} og skulle vare til "
            f"{end:%d.%m.%Y}."
            + (
                f" Du er i målgruppen for utvidet introduksjonsprogram i integreringspakke "
                f"{package}."
                if package
                else ""
            )
        ),
        reasoning=(
            (
                f"Kommunen har vurdert at du har {ExtensionTest.WORK_OR_EDUCATION.label.lower()}. "
                if package
                else ""
            )
            + data.assessment.strip()
        ),
        conclusion=(
            f"Du får {'utvidet introduksjonsprogram' if package else 'forlenget programtid'} "
            f"med {data.months} måneder, til {new_end:%d.%m.%Y}."
        ),
    )
    extension = Extension.objects.create(
        participation=participation,
        person_id=participation.person_id,
        kind=data.kind,
        months=data.months,
        from_on=from_on,
        assessment=data.assessment.strip(),
        needs_test=needs_test,
        integration_package=package,
        decision=decision,
        created_by=ctx.acting_user,
    )
    _event(
        ctx,
        participation,
        EventKind.EXTENSION,
        from_on,
        f"{ExtensionKind(data.kind).label}: {data.months} måneder"
        + (f" (integreringspakke {package})" if package else ""),
    )
    return extension


@dataclass(frozen=True)
class NorwegianExtensionInput:
    """Extended Norwegian training: the length the municipality sets, its assessment of the
    length, and the facts of the target group."""

    months: int
    assessment: str
    norwegian_training_ends_on: datetime.date | None = None
    right_and_duty: bool | None = None
    from_on: datetime.date | None = None


@transaction.atomic
def norwegian_extension_grant(
    *,
    ctx: AccessContext,
    person: Person,
    data: NorwegianExtensionInput,
    participation: Participation | None = None,
) -> Extension:
    """Give extended Norwegian training under the integration packages, and draft the decision.

    Not needs-tested (seed 003: «Tiltaket er IKKE behovsprøvd ... kommunen er pliktig å tilby
    alle deltakerne i målgruppa»): anyone in the target group gets it, also someone who is only in
    Norwegian training (no ``participation``) or whose programme has ended. There is no
    expectation to meet and no open programme to require; the municipality assesses only the
    length, up to the package's maximum (``rules.integration_packages.norwegian_extension``).
    The decision names the temporary law § 3.

    The right and duty under introduksjonsloven § 17 første ledd (packages II and III) is taken
    as given for a participant in the programme under the Introduction Act (the programme's
    target group, § 2, lies within § 17 første ledd) unless the caseworker says otherwise; for
    someone outside the programme it must be stated.
    """
    if participation is not None:
        participation = _lock(participation)
        if participation.act == INTEGRATION_ACT:
            raise ValidationError(
                {
                    "kind": [
                        "Utvidet opplæring i norsk etter integreringspakkene gjelder den som har "
                        "rettigheter etter introduksjonsloven; deltakeren følger integreringsloven."
                    ]
                }
            )
    errors: dict[str, list[str]] = {}
    if not data.assessment.strip():
        errors["assessment"] = ["Skriv kommunens vurdering av hvor lang utvidelsen skal være."]
    if data.months < 1:
        errors["months"] = ["En utvidelse er minst én måned."]
    ends_on = data.norwegian_training_ends_on or (
        participation.norwegian_training_ends_on if participation is not None else None
    )
    if ends_on is None:
        errors["norwegian_training_ends_on"] = [
            "Oppgi når opplæringen i norsk og samfunnskunnskap ble eller blir avsluttet."
        ]
    if errors:
        raise ValidationError(errors)
    assert ends_on is not None  # for mypy: checked above
    right_and_duty = data.right_and_duty
    if right_and_duty is None and participation is not None:
        right_and_duty = True
    answer = norwegian_extension(end=ends_on, right_and_duty=right_and_duty)
    # Not stated, and the package asks for it: the caseworker must say (asked by answering no).
    if (
        answer.eligible
        and right_and_duty is None
        and not norwegian_extension(end=ends_on, right_and_duty=False).eligible
    ):
        raise ValidationError(
            {
                "right_and_duty": [
                    f"Pakke {answer.package} gjelder bare den som har rett og plikt til "
                    "opplæring etter introduksjonsloven § 17 første ledd: oppgi om personen "
                    "har det."
                ]
            }
        )
    if not answer.eligible or answer.max_months is None:
        raise ValidationError(
            {
                "norwegian_training_ends_on": [
                    f"Ikke i målgruppen for utvidet opplæring i norsk: {answer.reason}."
                ]
            }
        )
    package = str(answer.package)
    given = Extension.objects.filter(
        Q(person=person) | Q(participation__person=person),
        kind=ExtensionKind.NORWEGIAN_TRAINING,
    ).exclude(integration_package="")
    used = sum(e.months for e in given)
    if used + data.months > answer.max_months:
        raise ValidationError(
            {
                "months": [
                    f"For integreringspakke {package} kan opplæringen i norsk utvides med høyst "
                    f"{answer.max_months} måneder; {used} er allerede gitt, så {data.months} til "
                    "er for mye."
                ]
            }
        )
    from_on = data.from_on or ends_on + DAY
    decision = decision_draft(
        ctx=ctx,
        person=person,
        participation=participation,
        kind=DecisionKind.EXTENSION,
        act=participation.act if participation is not None else INTRODUCTION_ACT,
        effective_on=from_on,
        subject=f"Vedtak om utvidet opplæring i norsk (integreringspakke {package})",
        basis=answer.legal_basis or "",
        facts=(
            f"Opplæringen din i norsk og samfunnskunnskap ble avsluttet {ends_on:%d.%m.%Y}. Du er "
            f"i målgruppen for utvidet opplæring i norsk i integreringspakke {package}."
        ),
        reasoning=(
            "Utvidet opplæring i norsk er en rett for alle i målgruppen og er ikke behovsprøvd. "
            f"Kommunen har vurdert hvor lang utvidelsen skal være (inntil {answer.max_months} "
            f"måneder): {data.assessment.strip()}"
        ),
        conclusion=(
            f"Du får utvidet opplæring i norsk i {data.months} måneder fra {from_on:%d.%m.%Y}."
        ),
    )
    extension = Extension.objects.create(
        participation=participation,
        person=person,
        kind=ExtensionKind.NORWEGIAN_TRAINING,
        months=data.months,
        from_on=from_on,
        assessment=data.assessment.strip(),
        needs_test=ExtensionTest.NONE,
        integration_package=package,
        norwegian_training_ends_on=ends_on,
        right_and_duty=right_and_duty,
        decision=decision,
        created_by=ctx.acting_user,
    )
    summary = (
        f"{ExtensionKind.NORWEGIAN_TRAINING.label}: {data.months} måneder "
        f"(integreringspakke {package})"
    )
    if participation is not None:
        _event(ctx, participation, EventKind.EXTENSION, from_on, summary)
    else:
        audit_record(
            ctx=ctx,
            person_id=person.pk,
            action=AuditAction.UPDATE,
            allowed=True,
            detail=f"introduksjonsprogram: {summary.lower()}",
        )
    return extension


@transaction.atomic
def programme_final_goal_revise(
    *,
    ctx: AccessContext,
    participation: Participation,
    final_goal: str,
    planned_months: int,
    reasoning: str,
    version: int,
) -> Participation:
    """Revise the final goal after the start (the individual plan is revised), with the planned
    length within the new goal's limits, and draft the decision.

    The reinforced programme (seed 003: «deltakere som startet introduksjonsprogrammet etter
    1. januar 2019, har rett til å få revidert sin individuelle plan og få fastsatt et sluttmål»
    of completed upper secondary, up to three years) is the goal ``upper_secondary`` for a
    participant under the Introduction Act; its decision names the temporary law. A programme
    cannot be planned to end before the extensions already given or the day it is revised.
    """
    participation = _lock(participation)
    _require_open(participation)
    if not reasoning.strip():
        raise ValidationError({"reasoning": ["Skriv hvorfor sluttmålet endres."]})
    try:
        limits = goal_limits(
            act=participation.act, final_goal=final_goal, starts_on=participation.starts_on
        )
    except RulesError as exc:
        raise ValidationError({"final_goal": [str(exc)]}) from None
    if final_goal == participation.final_goal and planned_months == participation.planned_months:
        raise ValidationError({"final_goal": ["Sluttmålet og varigheten er de samme som før."]})
    if not limits.min_months <= planned_months <= limits.max_months:
        raise ValidationError(
            {
                "planned_months": [
                    f"Sluttmålet «{limits.description}» gir et program på {limits.min_months} "
                    f"til {limits.max_months} måneder; {planned_months} er utenfor."
                ]
            }
        )
    extensions = list(participation.extensions.all())
    given = extension_months(extensions, package=False)
    if given > limits.extension_max_months:
        raise ValidationError(
            {
                "final_goal": [
                    f"Det er allerede gitt {given} måneders forlengelse; sluttmålet "
                    f"«{limits.description}» tillater høyst {limits.extension_max_months}."
                ]
            }
        )
    today = timezone.localdate()
    revised = Participation(starts_on=participation.starts_on, planned_months=planned_months)
    new_end = planned_end(revised, extensions)
    if new_end < today:
        raise ValidationError(
            {
                "planned_months": [
                    f"Med {planned_months} måneder ville programmet slutte {new_end:%d.%m.%Y}, "
                    "før i dag."
                ]
            }
        )
    reinforced = reinforced_programme(start=participation.starts_on, act=participation.act)
    is_reinforced = final_goal == REINFORCED_GOAL and reinforced.eligible
    old = goal_limits(
        act=participation.act,
        final_goal=participation.final_goal,
        starts_on=participation.starts_on,
    )
    participation.version = version_bump(
        Participation.objects.filter(pk=participation.pk),
        expected=version,
        what=WHAT,
        final_goal=final_goal,
        planned_months=planned_months,
    )
    participation.refresh_from_db()
    _event(
        ctx,
        participation,
        EventKind.CHANGE,
        today,
        f"Nytt sluttmål «{limits.description}» (var «{old.description}»), "
        f"{planned_months} måneder, til {new_end:%d.%m.%Y}",
    )
    decision_draft(
        ctx=ctx,
        person=participation.person,
        participation=participation,
        kind=DecisionKind.FINAL_GOAL,
        act=participation.act,
        effective_on=today,
        subject=(
            "Vedtak om forsterket introduksjonsprogram (nytt sluttmål)" if is_reinforced else ""
        ),
        basis=(reinforced.legal_basis or "") if is_reinforced else "",
        facts=(
            f"Programmet ditt startet {participation.starts_on:%d.%m.%Y} med sluttmålet "
            f"«{old.description}». Den individuelle planen er revidert."
            + (
                " Du startet i programmet etter 1. januar 2019 og har rett til forsterket "
                "introduksjonsprogram."
                if is_reinforced
                else ""
            )
        ),
        reasoning=reasoning.strip(),
        conclusion=(
            f"Sluttmålet ditt er nå «{limits.description}». Programmet varer {planned_months} "
            f"måneder fra start, til {new_end:%d.%m.%Y}."
        ),
    )
    return participation


@transaction.atomic
def programme_career_guidance(
    *,
    ctx: AccessContext,
    participation: Participation,
    assessed_on: datetime.date,
    needed: bool,
    note: str = "",
    given_on: datetime.date | None = None,
    version: int,
) -> Participation:
    """Record the assessment of the participant's need for career guidance, and when it was given.

    Every participant has the right to have the need assessed and to get the guidance when it is
    needed (seed 003 «Karriereveiledning»; the temporary law's chapter 1 for the Introduction
    Act, integreringsloven § 11 for the Integration Act: ``career_guidance_basis``). Not an
    individual decision; the record and the event are the trace.
    """
    participation = _lock(participation)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if assessed_on is None:
        errors["career_guidance_assessed_on"] = ["Oppgi når behovet ble vurdert."]
    elif assessed_on > today:
        errors["career_guidance_assessed_on"] = ["Vurderingen kan ikke være fram i tid."]
    elif assessed_on < participation.starts_on:
        errors["career_guidance_assessed_on"] = [
            f"Vurderingen kan ikke være før programmet startet ({participation.starts_on:%d.%m.%Y})."
        ]
    if given_on is not None:
        if not needed:
            errors["career_guidance_given_on"] = [
                "Karriereveiledning gitt, men behovet er vurdert til nei: rett det ene eller det "
                "andre."
            ]
        elif assessed_on is not None and given_on < assessed_on:
            errors["career_guidance_given_on"] = [
                "Veiledningen kan ikke være gitt før behovet ble vurdert."
            ]
        elif given_on > today:
            errors["career_guidance_given_on"] = ["Datoen kan ikke være fram i tid."]
    if errors:
        raise ValidationError(errors)
    participation.version = version_bump(
        Participation.objects.filter(pk=participation.pk),
        expected=version,
        what=WHAT,
        career_guidance_assessed_on=assessed_on,
        career_guidance_needed=needed,
        career_guidance_note=note.strip()[:500],
        career_guidance_given_on=given_on,
    )
    participation.refresh_from_db()
    _event(
        ctx,
        participation,
        EventKind.CHANGE,
        assessed_on,
        f"Behovet for karriereveiledning vurdert {assessed_on:%d.%m.%Y}: "
        + ("behov" if needed else "ikke behov")
        + (f", veiledning gitt {given_on:%d.%m.%Y}" if given_on else ""),
    )
    return participation


@transaction.atomic
def programme_end(
    *,
    ctx: AccessContext,
    participation: Participation,
    ended_on: datetime.date,
    reason: str,
    note: str = "",
    version: int,
) -> Participation:
    """End the programme with a reason (work, education, other). An open stop ends with it.

    The end cannot be later than the planned end (extend first), nor before a recorded absence.
    """
    participation = _lock(participation)
    _require_open(participation)
    if reason not in EndReason.values:
        raise ValidationError({"end_reason": ["Velg årsak: arbeid, utdanning eller annet."]})
    if reason == EndReason.OTHER and not note.strip():
        raise ValidationError({"end_note": ["Skriv hva årsaken er når du velger «Annet»."]})
    extensions = list(participation.extensions.all())
    end = planned_end(participation, extensions)
    if ended_on < participation.starts_on:
        raise ValidationError(
            {
                "ended_on": [
                    f"Programmet kan ikke slutte før det startet ({participation.starts_on:%d.%m.%Y})."
                ]
            }
        )
    if ended_on > end:
        raise ValidationError(
            {
                "ended_on": [
                    f"Programmet er planlagt til {end:%d.%m.%Y}; forleng det før du avslutter senere."
                ]
            }
        )
    later = participation.absences.filter(on__gt=ended_on).order_by("on").first()
    if later is not None:
        raise ValidationError(
            {"ended_on": [f"Det er registrert fravær {later.on:%d.%m.%Y}, etter sluttdatoen."]}
        )
    late_period = participation.periods.filter(from_on__gt=ended_on).first()
    if late_period is not None:
        raise ValidationError(
            {"ended_on": [f"Det er registrert {_period_text(late_period)}, etter sluttdatoen."]}
        )
    participation.periods.filter(to_on__isnull=True).update(to_on=ended_on)
    participation.periods.filter(to_on__gt=ended_on).update(to_on=ended_on)
    version_bump(
        Participation.objects.filter(pk=participation.pk),
        expected=version,
        what=WHAT,
        ended_on=ended_on,
        end_reason=reason,
        end_note=note.strip()[:300],
    )
    participation.refresh_from_db()
    _event(
        ctx,
        participation,
        EventKind.END,
        ended_on,
        f"Avsluttet {ended_on:%d.%m.%Y}: {EndReason(reason).label.lower()}"
        + (f" ({note.strip()})" if note.strip() else ""),
    )
    return participation


@transaction.atomic
def programme_update(
    *,
    ctx: AccessContext,
    participation: Participation,
    lives_with_parent: bool,
    norwegian_training_ends_on: datetime.date | None,
    version: int,
) -> Participation:
    """Change the facts that can change during the programme (whether the participant lives
    with a parent, when the Norwegian training ends), with the version seen."""
    _require_open(participation)
    version_bump(
        Participation.objects.filter(pk=participation.pk),
        expected=version,
        what=WHAT,
        lives_with_parent=lives_with_parent,
        norwegian_training_ends_on=norwegian_training_ends_on,
    )
    participation.refresh_from_db()
    changes = [f"bor med forelder: {'ja' if lives_with_parent else 'nei'}"]
    if norwegian_training_ends_on:
        changes.append(f"norskopplæringen slutter {norwegian_training_ends_on:%d.%m.%Y}")
    _event(
        ctx, participation, EventKind.CHANGE, timezone.localdate(), "Endret: " + ", ".join(changes)
    )
    return participation
