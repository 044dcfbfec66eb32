"""The introduction programme from start to end: start, leave, stop and resumption, absence, end,
and the facts that change on the way. Each is dated, leaves an event in the history, and is
audited; the events that are individual decisions draft their decision (``decisions.py``).
Extending the programme, revising its final goal and the covid integration packages' measures
are in ``extensions.py``.

Sources: seed 000 (stop when «saklig begrunnet i den enkeltes forhold»; a full-time participant
with collective protection cannot be partly on sick leave); seed 002 §3.2; integreringsloven
§§ 13-18 a.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.audit.services import AccessContext
from integrering.casework.services.arrival import person_facts
from integrering.casework.services.deadlines import deadlines_bring_forward
from integrering.concurrency import version_bump
from integrering.people.models import Person
from integrering.rules.benefit import act_for, age_on
from integrering.rules.deadlines import in_group
from integrering.rules.parameters import RulesError, value
from integrering.ui.numbers import number_nb

from ..models import (
    Absence,
    DecisionKind,
    EndReason,
    EventKind,
    LeaveReason,
    Participation,
    PeriodKind,
    ProgrammePeriod,
)
from ..periods import DAY, goal_limits, last_day, overlaps, planned_end
from .decisions import decision_draft, draft_mode, draft_text
from .participation_steps import (
    WHAT,
    participation_lock,
    participation_require_open,
    programme_event_record,
)
from .programme_deadlines import programme_deadlines_sync


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
    programme_event_record(
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
        facts=draft_text(
            person,
            "start",
            "facts",
            name=person.full_name,
            municipality=person.municipality.name,
            settled=settled,
            goal=limits.description,
        ),
        reasoning=data.reasoning or draft_text(person, "start", "reasoning"),
        conclusion=draft_text(
            person,
            "start",
            "conclusion",
            mode=draft_mode(person, full_time=data.full_time),
            starts=data.starts_on,
            ends=end,
            months=data.planned_months,
        ),
    )
    programme_deadlines_sync(ctx=ctx, participation=participation)
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
    participation = participation_lock(participation)
    participation_require_open(participation)
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
    programme_event_record(
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
    participation = participation_lock(participation)
    participation_require_open(participation)
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
        reasoning=draft_text(participation.person, "stop", "reasoning"),
        conclusion=draft_text(participation.person, "stop", "conclusion", from_on=from_on),
    )
    period = ProgrammePeriod.objects.create(
        participation=participation,
        kind=PeriodKind.STOP,
        from_on=from_on,
        reason=reason.strip(),
        decision=decision,
        created_by=ctx.acting_user,
    )
    programme_event_record(
        ctx, participation, EventKind.STOP, from_on, f"Stans fra {from_on:%d.%m.%Y}"
    )
    return period


@transaction.atomic
def programme_resume(
    *, ctx: AccessContext, participation: Participation, resumed_on: datetime.date
) -> ProgrammePeriod:
    """Resume a stopped programme: the stop ends the day before ``resumed_on``."""
    participation = participation_lock(participation)
    participation_require_open(participation)
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
    programme_event_record(
        ctx,
        participation,
        EventKind.RESUMPTION,
        resumed_on,
        f"Gjenopptatt {resumed_on:%d.%m.%Y} etter stans fra {stop.from_on:%d.%m.%Y}",
    )
    return stop


def absence_day_check(
    participation: Participation,
    *,
    on: datetime.date,
    hours: Decimal,
    excluding: Absence | None = None,
) -> None:
    """The checks of an absence entry, new or corrected: more than 0 hours, a day in the
    programme and not in the future, not in a stop or a leave without benefit, and the day's
    hours at most a full day (``programme/max_absence_hours_per_day``), the entry corrected
    (``excluding``) left out of the day's sum."""
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
    same_day = participation.absences.filter(on=on)
    if excluding is not None:
        same_day = same_day.exclude(pk=excluding.pk)
    already = sum((a.hours for a in same_day), Decimal(0))
    if already + hours > limit:
        raise ValidationError(
            {
                "hours": [
                    f"Høyst {number_nb(limit, 1).removesuffix(',0')} timer fravær per dag; "
                    f"{number_nb(already, 1).removesuffix(',0')} er registrert for {on:%d.%m.%Y}."
                ]
            }
        )


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
    participation = participation_lock(participation)
    absence_day_check(participation, on=on, hours=hours)
    absence = Absence.objects.create(
        participation=participation,
        on=on,
        hours=hours,
        approved=approved,
        reason=reason.strip()[:300],
        created_by=ctx.acting_user,
    )
    programme_event_record(
        ctx,
        participation,
        EventKind.ABSENCE,
        on,
        f"Fravær {on:%d.%m.%Y}: {number_nb(hours, 1).removesuffix(',0')} t, "
        f"{'godkjent' if approved else 'ikke godkjent'}",
    )
    return absence


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
    participation = participation_lock(participation)
    participation_require_open(participation)
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
    programme_event_record(
        ctx,
        participation,
        EventKind.END,
        ended_on,
        f"Avsluttet {ended_on:%d.%m.%Y}: {EndReason(reason).label.lower()}"
        + (f" ({note.strip()})" if note.strip() else ""),
    )
    programme_deadlines_sync(ctx=ctx, participation=participation)
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
    participation_require_open(participation)
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
    programme_event_record(
        ctx, participation, EventKind.CHANGE, timezone.localdate(), "Endret: " + ", ".join(changes)
    )
    return participation
