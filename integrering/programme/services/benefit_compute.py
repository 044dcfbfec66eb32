"""Computing a benefit run in the worker: every participant's month, and the corrections of
approved months (the body of the background task ``programme.tasks.benefit_run_compute``).

Started by ``services/benefit_run.py`` (``benefit_run_start``); the rules of the run are
described there.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum

from integrering.jobs import Progress, job_done, job_fail, job_progress, job_start
from integrering.rules.benefit import age_on, full_rate_reached
from integrering.rules.deadlines import add_months
from integrering.rules.parameters import RulesError, value
from integrering.ui.numbers import number_nb

from ..benefit import MonthBenefit, benefit_month, unapproved_hours
from ..models import (
    Absence,
    BenefitLine,
    BenefitLineKind,
    BenefitRun,
    BenefitRunStatus,
    Extension,
    Participation,
    ProgrammePeriod,
)
from ..periods import Stay, last_day, month_bounds
from ..stays import in_stay, moved_from, participation_stays
from .benefit_decisions import reduction_amounts, reduction_decisions_attach

LOOKBACK = "benefit/correction_lookback_months"
PROGRESS_EVERY = 500  # how often the run row's progress is written while computing
SYSTEM_ERROR = "Beregningen stoppet på grunn av en feil i systemet. Ingenting er lagret."
ZERO = Decimal(0)


# --- Computing -------------------------------------------------------------------------------------


MonthCache = dict[tuple[Any, ...], MonthBenefit | None]
DAY = datetime.timedelta(days=1)

# What a month's benefit reads (``benefit_month`` and ``periods.month_days``), and how the month's
# key carries it (``_Participant.month_key``). ``tests/test_benefit_cache.py`` (in programme) records every
# field the computation reads and fails on one that is not named here.
KEY_AS_IS = (
    "act",
    "final_goal",
    "full_time",
    "collective_protection",
    "lives_with_parent",
    "end_reason",
)
KEY_CLIPPED = ("permit_date", "norwegian_training_ends_on")  # dates, seen from inside the month
# Read through other parts of the key: the first day (``starts_on``), the last day (``ended_on``,
# ``planned_months`` and the extensions), the birth date (``person``).
KEY_THROUGH_DAYS = ("starts_on", "ended_on", "planned_months", "person")
PERIOD_KEY = ("kind", "with_benefit", "leave_reason", "sick_percent")  # with the clipped dates
PERIOD_DATES = ("from_on", "to_on")


def _full_rate(birth_date: datetime.date, on: datetime.date) -> bool:
    return full_rate_reached(age=age_on(birth_date, on), on=on)


_month_bounds = lru_cache(maxsize=512)(month_bounds)


def _none_as_zero(value: Any) -> Any:
    """A key's field sorts beside its kind: no sick percentage is 0."""
    return 0 if value is None else value


@dataclass
class _Participant:
    """A participation with its rows, loaded in bulk."""

    participation: Participation
    periods: list[ProgrammePeriod]
    extensions: list[Extension]
    absences: list[Absence]
    # The deduction a reduction decision in force set for a month (``benefit_decisions``).
    reductions: dict[datetime.date, Decimal] = field(default_factory=dict)
    # The stay in the paying municipality (seed 002 §2.1): open unless the participant moved.
    within: Stay = (None, None)

    def __post_init__(self) -> None:
        self.last_day = last_day(self.participation, self.extensions)
        self.absences_by_month: dict[datetime.date, list[Absence]] = {}
        for absence in self.absences:
            if not in_stay(absence.on, self.within):
                continue  # the other municipality's day
            self.absences_by_month.setdefault(absence.on.replace(day=1), []).append(absence)

    def month_key(self, month: datetime.date) -> tuple[Any, ...]:
        """Everything one month's benefit can depend on, seen from inside that month.

        ``benefit_month`` computes a month from the days the participant is in the programme in
        it, so every date is clipped to one day either side of those days (which keeps each
        comparison with a day of the month), the extensions enter through the last day, the
        absences through their unapproved hours (``unapproved_hours``, the engine's own sum),
        the birth date through whether the full-rate age is reached (as in the rules'
        ``BenefitInputs``; the same on every day when it is the same on the first and the last),
        and the rest of the participation is taken as it is. Participants whose months look the
        same from inside get the same key, and the month is computed once.
        """
        p = self.participation
        first, last = _month_bounds(month)
        start = max(first, p.starts_on, self.within[0] or first)
        end = min(last, self.last_day, self.within[1] or last)
        if end < start:
            return (month, "not in the programme")
        absences = self.absences_by_month.get(month)
        low, high = start - DAY, end + DAY

        def clip(day: datetime.date | None) -> datetime.date | None:
            return None if day is None else min(max(day, low), high)

        periods = tuple(
            sorted(
                (
                    *(_none_as_zero(getattr(x, name)) for name in PERIOD_KEY),
                    clip(x.from_on),
                    clip(x.to_on) or high,
                )
                for x in self.periods
                if x.from_on <= end and (x.to_on is None or x.to_on >= start)
            )
        )
        birth = p.person.birth_date
        full_rate = (_full_rate(birth, start), _full_rate(birth, end))
        return (
            month,
            start,
            end,
            self.within,
            periods,
            unapproved_hours(absences, month) if absences else ZERO,
            self.reductions.get(month),
            full_rate if full_rate[0] == full_rate[1] else birth,
            *(getattr(p, name) for name in KEY_AS_IS),
            *(clip(getattr(p, name)) for name in KEY_CLIPPED),
        )

    def month(self, month: datetime.date, cache: MonthCache | None = None) -> MonthBenefit | None:
        """``benefit_month`` for this participant, once per distinct case when given a cache."""
        key = self.month_key(month) if cache is not None else None
        if cache is not None and key in cache:
            return cache[key]
        try:
            result = self.compute(month)
        except RulesError as exc:
            person = self.participation.person
            raise RulesError(
                f"{person.given_name} {person.family_name} (født {person.birth_date:%d.%m.%Y}): {exc}"
            ) from None
        if cache is not None and key is not None:
            cache[key] = result
        return result

    def compute(self, month: datetime.date) -> MonthBenefit | None:
        """``benefit_month`` from the rows loaded with the participation, with the deduction
        that a reduction decision in force set for the month (integreringsloven § 21: the
        decision, or the county governor's change of it, says what is deducted)."""
        result = benefit_month(
            self.participation,
            month,
            birth_date=self.participation.person.birth_date,
            periods=self.periods,
            extensions=self.extensions,
            absences=self.absences_by_month.get(month, []),
            within=self.within,
        )
        decided = self.reductions.get(month)
        if result is None or decided is None or decided == result.deduction:
            return result
        deduction = min(decided, result.gross)
        return dataclasses.replace(
            result,
            deduction=deduction,
            amount=result.gross - deduction,
            note="; ".join(
                x for x in (result.note, f"trekk etter vedtak kr {number_nb(deduction, 2)}") if x
            ),
        )


def benefit_month_compute(
    *, participation: Participation, month: datetime.date
) -> MonthBenefit | None:
    """One participant's benefit for one month as the benefit run computes it, without paying it
    (the API's preview): the same rows, ``benefit_month`` and its one rate cache. None when the
    participant had no day in the programme that month. Seed 002 §3.2 (``programme/benefit.py``).
    """
    first, last = month_bounds(month)
    participant = _Participant(
        participation,
        list(participation.periods.all()),
        list(participation.extensions.all()),
        list(participation.absences.filter(on__gte=first, on__lte=last)),
        reduction_amounts([participation.pk], [first]).get(participation.pk, {}),
    )
    return participant.compute(first)


@dataclass(frozen=True)
class _Paid:
    """What was approved for one participation and month, regular and corrections together."""

    gross: Decimal = ZERO
    absence_hours: Decimal = ZERO
    deduction: Decimal = ZERO
    amount: Decimal = ZERO


def correction_months(municipality_id: int, month: datetime.date) -> list[datetime.date]:
    """Earlier months with an approved run, within ``benefit/correction_lookback_months``."""
    back = int(value(LOOKBACK, month))
    return list(
        BenefitRun.objects.filter(
            municipality_id=municipality_id,
            status=BenefitRunStatus.APPROVED,
            month__gte=add_months(month, -back),
            month__lt=month,
        )
        .order_by("month")
        .values_list("month", flat=True)
    )


def _approved_lines(municipality_id: int, months: list[datetime.date]) -> QuerySet[BenefitLine]:
    return BenefitLine.objects.filter(
        run__municipality_id=municipality_id,
        run__status=BenefitRunStatus.APPROVED,
        period__in=months,
    )


def _paid(
    municipality_id: int, months: list[datetime.date]
) -> dict[tuple[int, datetime.date], _Paid]:
    """Everything approved per participation and month, in one query."""
    rows = (
        _approved_lines(municipality_id, months)
        .values("participation_id", "period")
        .annotate(
            gross=Sum("gross"),
            hours=Sum("absence_hours"),
            deduction=Sum("deduction"),
            amount=Sum("amount"),
        )
        .values_list("participation_id", "period", "gross", "hours", "deduction", "amount")
    )
    return {(pid, period): _Paid(*sums) for pid, period, *sums in rows}


def _participants(
    municipality_id: int,
    first: datetime.date,
    last: datetime.date,
    correction_for: list[datetime.date],
) -> list[_Participant]:
    """Every participation of the municipality in the programme between ``first`` and ``last``,
    and every one paid in a month that may be corrected, with their rows: a few queries.

    After a move within five years (seed 002 §2.1) the participation goes on in the new
    municipality; the old one still has it for the days before the moving date, and each pays
    only its own days (``stays.participation_stays``)."""
    in_window = Q(starts_on__lte=last) & (Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    paid = _approved_lines(municipality_id, correction_for).values("participation_id")
    participations = Participation.objects.filter(
        Q(municipality_id=municipality_id) | Q(person_id__in=moved_from(municipality_id))
    ).filter(in_window | Q(pk__in=paid))
    ids = participations.values("pk")
    periods: dict[int, list[ProgrammePeriod]] = defaultdict(list)
    for period in ProgrammePeriod.objects.filter(participation_id__in=ids).order_by("from_on"):
        periods[period.participation_id].append(period)
    extensions: dict[int, list[Extension]] = defaultdict(list)
    for extension in Extension.objects.filter(participation_id__in=ids):
        assert extension.participation_id is not None  # filtered on it
        extensions[extension.participation_id].append(extension)
    absences: dict[int, list[Absence]] = defaultdict(list)
    for absence in Absence.objects.filter(
        participation_id__in=ids, on__gte=first, on__lte=last
    ).only("participation_id", "on", "hours", "approved"):
        absences[absence.participation_id].append(absence)
    reductions = reduction_amounts(
        ids, [*correction_for, first.replace(day=1), last.replace(day=1)]
    )
    loaded = list(
        participations.select_related("person").only(
            *(f.name for f in Participation._meta.concrete_fields),
            "person__given_name",
            "person__family_name",
            "person__birth_date",
        )
    )
    stays = participation_stays(loaded, municipality_id)
    return [
        _Participant(
            p, periods[p.pk], extensions[p.pk], absences[p.pk], reductions.get(p.pk, {}), stay
        )
        for p in loaded
        for stay in stays[p.pk]
    ]


def _line(
    run: BenefitRun, participant: _Participant, kind: str, result: MonthBenefit, **changes: Any
) -> BenefitLine:
    fields: dict[str, Any] = {
        "days": result.days,
        "monthly_rate": result.monthly_rate,
        "gross": result.gross,
        "absence_hours": result.absence_hours,
        "deduction": result.deduction,
        "amount": result.amount,
        "needs_decision": result.needs_decision,
        "note": result.note,
        **changes,
    }
    fields["note"] = fields["note"][:300]
    return BenefitLine(
        run=run,
        person_id=participant.participation.person_id,
        participation=participant.participation,
        kind=kind,
        period=result.period,
        **fields,
    )


def _hours(hours: Decimal) -> str:
    return f"{hours:+}".replace(".", ",").replace("-", "\u2212")


def _correction_note(period: datetime.date, now: MonthBenefit, paid: _Paid) -> str:
    """Why a month is corrected, in words the payroll and the participant can follow."""
    reasons = []
    hours = now.absence_hours - paid.absence_hours
    if hours > 0:
        reasons.append(f"fravær registrert etter godkjenning ({_hours(hours)} t)")
    elif hours < 0:
        reasons.append(f"fravær fjernet eller godkjent etter godkjenning ({_hours(hours)} t)")
    if now.gross != paid.gross:
        reasons.append(f"{now.days} dager med stønad etter endring")
    if now.note:
        reasons.append(now.note)
    return f"Korreksjon for {period:%m.%Y}" + (": " + "; ".join(reasons) if reasons else "")


def correction_line(
    run: BenefitRun,
    participant: _Participant,
    period: datetime.date,
    paid: _Paid,
    cache: MonthCache | None = None,
) -> BenefitLine | None:
    """The difference between a month as it is computed today and what was approved for it."""
    now = participant.month(period, cache) or MonthBenefit(
        period, 0, ZERO, ZERO, ZERO, ZERO, ZERO, False, "ikke i programmet"
    )
    difference = now.amount - paid.amount
    if difference == 0:
        return None
    deduction = now.deduction - paid.deduction
    return _line(
        run,
        participant,
        BenefitLineKind.CORRECTION,
        now,
        gross=now.gross - paid.gross,
        absence_hours=now.absence_hours - paid.absence_hours,
        deduction=deduction,
        amount=difference,
        needs_decision=now.needs_decision and deduction > 0,
        note=_correction_note(period, now, paid),
    )


def benefit_run_lines_compute(
    run: BenefitRun, progress: Progress | None = None
) -> tuple[list[BenefitLine], int]:
    """The lines of a run (not saved) and how many participants were looked at.

    Regular lines for everyone in the programme during the month; correction lines for every
    earlier approved month within the lookback (module docstring). Each distinct case of a
    month is computed once (``_Participant.month_key``): with a year of approved months, most
    participants' earlier months are whole months without events.
    """
    first, last = month_bounds(run.month)
    earlier = correction_months(run.municipality_id, run.month)
    paid = _paid(run.municipality_id, earlier)
    participants = _participants(
        run.municipality_id, earlier[0] if earlier else first, last, earlier
    )
    count = len(participants)
    job_progress(run, 0, count)
    lines: list[BenefitLine] = []
    cache: MonthCache = {}
    for done, participant in enumerate(participants, start=1):
        result = participant.month(run.month, cache)
        if result is not None:
            lines.append(_line(run, participant, BenefitLineKind.REGULAR, result))
        for period in earlier:
            key = (participant.participation.pk, period)
            correction = correction_line(run, participant, period, paid.get(key, _Paid()), cache)
            if correction is not None:
                lines.append(correction)
        if done % PROGRESS_EVERY == 0 or done == count:
            job_progress(run, done, count)
            if progress is not None:
                progress(done, count)
    return lines, count


def benefit_run_compute(*, run_id: int, progress: Progress | None = None) -> BenefitRun | None:
    """Compute a queued run into a preview (the body of the background task).

    Runs once: a run that is no longer queued is left alone, and one replaced while it was
    computed is not written. Any error leaves the run FAILED with a message for the user (the
    rules' messages are Norwegian and name the participant) and no lines.
    """
    run = BenefitRun.objects.select_related("municipality").filter(pk=run_id).first()
    if run is None or not job_start(run, processed=0, error=""):
        return run
    try:
        lines, _ = benefit_run_lines_compute(run, progress)
        with transaction.atomic():
            locked = BenefitRun.objects.select_for_update().filter(
                pk=run_id, status=BenefitRunStatus.RUNNING
            )
            if not locked.exists():
                return None
            reduction_decisions_attach(
                run, lines, [run.month, *correction_months(run.municipality_id, run.month)]
            )
            BenefitLine.objects.bulk_create(lines, batch_size=1000)
            job_done(
                run,
                participants=len({line.participation_id for line in lines}),
                total=sum((line.amount for line in lines), ZERO),
            )
    except RulesError as exc:
        job_fail(run, str(exc))
    except BaseException as exc:  # an error, or SystemExit: the worker was stopped mid-task
        job_fail(run, f"{SYSTEM_ERROR} ({type(exc).__name__}: {exc})"[:2000])
        raise
    return BenefitRun.objects.select_related("municipality").filter(pk=run_id).first()
