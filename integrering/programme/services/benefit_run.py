"""The monthly benefit run: every participant's introduction benefit for one municipality and
month, as a preview, then approved and locked, then exported to the payroll system.

Sources: seed 002 §3.2 (the benefit, day and hour rates, deduction for unapproved absence);
integreringsloven §§ 20-21 (benefit, deduction that needs a decision) and § 25 (repayment);
introduksjonsloven §§ 8-10. One participant's month is ``programme/benefit.py``
(``benefit_month``); this module only runs it for everyone and keeps the books:

- the run is computed in the background (django-tasks), never in the web request; it reads
  every table once, so 5 000 participants take a few seconds (``benchmarks/benefit_run.py``);
- one approved run per municipality and month (a unique constraint in the database). An
  approved run is locked: it is not computed again, deleted or approved again;
- what changes in an approved month afterwards (an absence registered late, a stop, a leave)
  is paid or taken back as a correction line (``BenefitLineKind.CORRECTION``) in a later run:
  the month is computed again with today's data and compared with everything approved for it,
  as far back as ``benefit/correction_lookback_months``.

Amounts of a correction line are differences from what was approved (gross, absence hours,
deduction, amount; negative when too much was paid); its days and monthly rate are those of the
month as computed now.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.http import content_disposition_header

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.organisations.models import Municipality
from integrering.rules.benefit import age_on
from integrering.rules.deadlines import add_months
from integrering.rules.money import money_str
from integrering.rules.parameters import RulesError, value

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
from ..periods import last_day, month_bounds
from ..selectors import programme_municipality_ids

Progress = Callable[[int, int], None]  # (participants done, participants in all)

LOOKBACK = "benefit/correction_lookback_months"
PROGRESS_EVERY = 500  # how often the run row's progress is written while computing
NO_ACCESS = "Du arbeider ikke med introduksjonsprogrammet i denne kommunen."
SYSTEM_ERROR = "Beregningen stoppet på grunn av en feil i systemet. Ingenting er lagret."
ZERO = Decimal(0)


def approved_refusal(month: datetime.date) -> str:
    """The refusal for a month that is already approved (also used for the database constraint)."""
    return (
        f"Stønaden for {month:%m.%Y} er allerede godkjent; rettelser kommer som "
        "korreksjonslinjer i neste måned."
    )


# --- Input -----------------------------------------------------------------------------------------


_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_NO = re.compile(r"^(\d{1,2})[./](\d{4})$")


def month_parse(text: str) -> datetime.date:
    """A month as typed or sent: «2024-05» (what ``<input type=month>`` sends) or «05.2024»."""
    text = (text or "").strip()
    iso, nor = _MONTH_ISO.match(text), _MONTH_NO.match(text)
    year, month = (
        (int(iso[1]), int(iso[2])) if iso else (int(nor[2]), int(nor[1])) if nor else (0, 0)
    )
    if not 1 <= month <= 12 or year < 1900:
        raise ValidationError(
            {"month": [f"«{text}» er ikke en måned; skriv den som ÅÅÅÅ-MM, for eksempel 2024-05."]}
        )
    return datetime.date(year, month, 1)


def _check_month(month: datetime.date, today: datetime.date) -> None:
    if month.day != 1:
        raise ValidationError({"month": ["Måneden angis med den første dagen i måneden."]})
    if month > today.replace(day=1):
        raise ValidationError(
            {
                "month": [
                    f"Stønaden for {month:%m.%Y} kan ikke beregnes ennå; velg denne måneden "
                    f"({today:%m.%Y}) eller en tidligere."
                ]
            }
        )


def _require_access(ctx: AccessContext, municipality_id: int) -> None:
    """A person's user must work with the municipality's programme; a command (no user) may."""
    if ctx.user is None:
        return
    if municipality_id not in programme_municipality_ids(ctx.user):
        raise PermissionDenied(NO_ACCESS)


# --- Starting a run --------------------------------------------------------------------------------


@transaction.atomic
def benefit_run_prepare(
    *, ctx: AccessContext, municipality: Municipality, month: datetime.date
) -> BenefitRun:
    """Create a queued run for a month, replacing an earlier preview (or failed run) of it.

    Refused when the month is in the future or already approved (seed 002 §3.2: a month is
    paid once; a later change is a correction). Does not check the user: see
    ``benefit_run_start``; the command runs as the system.
    """
    _check_month(month, timezone.localdate())
    # Two starts of the same municipality take turns, so one preview replaces the other.
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    runs = BenefitRun.objects.filter(municipality=municipality, month=month)
    if runs.filter(status=BenefitRunStatus.APPROVED).exists():
        raise ValidationError({"month": [approved_refusal(month)]})
    # A run still queued or running is replaced too: its task finds it gone and stops.
    runs.delete()
    return BenefitRun.objects.create(
        municipality=municipality, month=month, created_by=ctx.acting_user
    )


@transaction.atomic
def benefit_run_start(
    *, ctx: AccessContext, municipality: Municipality, month: datetime.date
) -> BenefitRun:
    """Start the benefit run of a municipality for a month: checked, queued for the worker.

    The user must work with the municipality's programme (refugee service or municipal leader,
    ``programme_municipality_ids``). The task row is written in the same transaction as the run.
    """
    if municipality.pk not in programme_municipality_ids(ctx.user):
        raise ValidationError({"municipality": [NO_ACCESS]})
    run = benefit_run_prepare(ctx=ctx, municipality=municipality, month=month)
    from ..tasks import benefit_run_compute  # the task module imports this one

    result = benefit_run_compute.enqueue(run.pk)
    run.task_id = str(result.id)
    run.save(update_fields=["task_id"])
    return run


# --- Computing -------------------------------------------------------------------------------------


MonthCache = dict[tuple[Any, ...], MonthBenefit | None]
DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=4096)
def _full_rate_age(on: datetime.date) -> int:
    return int(value("benefit/full_rate_age", on))


def _full_rate(birth_date: datetime.date, on: datetime.date) -> bool:
    return age_on(birth_date, on) >= _full_rate_age(on)


_month_bounds = lru_cache(maxsize=512)(month_bounds)


@dataclass
class _Participant:
    """A participation with its rows, loaded in bulk."""

    participation: Participation
    periods: list[ProgrammePeriod]
    extensions: list[Extension]
    absences: list[Absence]

    def __post_init__(self) -> None:
        self.last_day = last_day(self.participation, self.extensions)
        self.absences_by_month: dict[datetime.date, list[Absence]] = {}
        for absence in self.absences:
            self.absences_by_month.setdefault(absence.on.replace(day=1), []).append(absence)

    def month_key(self, month: datetime.date) -> tuple[Any, ...]:
        """Everything one month's benefit can depend on, seen from inside that month.

        ``benefit_month`` computes a month from the days the participant is in the programme in
        it, so every date is clipped to one day either side of those days (which keeps each
        comparison with a day of the month), the extensions enter through the last day, the
        absences through their unapproved hours (``unapproved_hours``, the engine's own sum),
        the birth date through whether the full-rate age is reached (as in the engine's rate
        cache; the same on every day when it is the same on the first and the last), and the
        rest of the participation is taken as it is. Participants whose months look the same
        from inside get the same key, and the month is computed once.
        """
        p = self.participation
        first, last = _month_bounds(month)
        start, end = max(first, p.starts_on), min(last, self.last_day)
        if end < start:
            return (month, "not in the programme")
        absences = self.absences_by_month.get(month)
        low, high = start - DAY, end + DAY

        def clip(day: datetime.date | None) -> datetime.date | None:
            return None if day is None else min(max(day, low), high)

        periods = (
            ()
            if not self.periods
            else tuple(
                sorted(
                    (
                        x.kind,
                        x.with_benefit,
                        x.leave_reason,
                        x.sick_percent or 0,
                        clip(x.from_on),
                        clip(x.to_on) or high,
                    )
                    for x in self.periods
                    if x.from_on <= end and (x.to_on is None or x.to_on >= start)
                )
            )
        )
        birth = p.person.birth_date
        full_rate = (_full_rate(birth, start), _full_rate(birth, end))
        return (
            month,
            start,
            end,
            periods,
            unapproved_hours(absences, month) if absences else ZERO,
            full_rate if full_rate[0] == full_rate[1] else birth,
            p.act,
            p.final_goal,
            p.full_time,
            p.collective_protection,
            p.lives_with_parent,
            p.end_reason,
            clip(p.permit_date),
            clip(p.norwegian_training_ends_on),
        )

    def month(self, month: datetime.date, cache: MonthCache | None = None) -> MonthBenefit | None:
        """``benefit_month`` for this participant, once per distinct case when given a cache."""
        key = self.month_key(month) if cache is not None else None
        if cache is not None and key in cache:
            return cache[key]
        try:
            result = benefit_month(
                self.participation,
                month,
                birth_date=self.participation.person.birth_date,
                periods=self.periods,
                extensions=self.extensions,
                absences=self.absences_by_month.get(month, []),
            )
        except RulesError as exc:
            person = self.participation.person
            raise RulesError(
                f"{person.given_name} {person.family_name} (født {person.birth_date:%d.%m.%Y}): {exc}"
            ) from None
        if cache is not None and key is not None:
            cache[key] = result
        return result


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
    and every one paid in a month that may be corrected, with their rows: four queries."""
    in_window = Q(starts_on__lte=last) & (Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    paid = _approved_lines(municipality_id, correction_for).values("participation_id")
    participations = Participation.objects.filter(municipality_id=municipality_id).filter(
        in_window | Q(pk__in=paid)
    )
    ids = participations.values("pk")
    periods: dict[int, list[ProgrammePeriod]] = defaultdict(list)
    for period in ProgrammePeriod.objects.filter(participation_id__in=ids).order_by("from_on"):
        periods[period.participation_id].append(period)
    extensions: dict[int, list[Extension]] = defaultdict(list)
    for extension in Extension.objects.filter(participation_id__in=ids):
        extensions[extension.participation_id].append(extension)
    absences: dict[int, list[Absence]] = defaultdict(list)
    for absence in Absence.objects.filter(
        participation_id__in=ids, on__gte=first, on__lte=last
    ).only("participation_id", "on", "hours", "approved"):
        absences[absence.participation_id].append(absence)
    return [
        _Participant(p, periods[p.pk], extensions[p.pk], absences[p.pk])
        for p in participations.select_related("person").only(
            *(f.name for f in Participation._meta.concrete_fields),
            "person__given_name",
            "person__family_name",
            "person__birth_date",
        )
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
    return f"{hours:+}".replace(".", ",")


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
    BenefitRun.objects.filter(pk=run.pk).update(participants=count)
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
            BenefitRun.objects.filter(pk=run.pk).update(processed=done)
            if progress is not None:
                progress(done, count)
    return lines, count


def _fail(run_id: int, message: str) -> None:
    BenefitRun.objects.filter(pk=run_id, status=BenefitRunStatus.RUNNING).update(
        status=BenefitRunStatus.FAILED, error=message, computed_at=timezone.now()
    )


def benefit_run_compute(*, run_id: int, progress: Progress | None = None) -> BenefitRun | None:
    """Compute a queued run into a preview (the body of the background task).

    Runs once: a run that is no longer queued is left alone, and one replaced while it was
    computed is not written. Any error leaves the run FAILED with a message for the user (the
    rules' messages are Norwegian and name the participant) and no lines.
    """
    claimed = BenefitRun.objects.filter(pk=run_id, status=BenefitRunStatus.QUEUED).update(
        status=BenefitRunStatus.RUNNING, processed=0, error=""
    )
    run = BenefitRun.objects.select_related("municipality").filter(pk=run_id).first()
    if not claimed or run is None:
        return run
    try:
        lines, _ = benefit_run_lines_compute(run, progress)
        with transaction.atomic():
            locked = BenefitRun.objects.select_for_update().filter(
                pk=run_id, status=BenefitRunStatus.RUNNING
            )
            if not locked.exists():
                return None
            BenefitLine.objects.bulk_create(lines, batch_size=1000)
            locked.update(
                status=BenefitRunStatus.PREVIEW,
                participants=len({line.participation_id for line in lines}),
                total=sum((line.amount for line in lines), ZERO),
                computed_at=timezone.now(),
            )
    except RulesError as exc:
        _fail(run_id, str(exc))
    except BaseException as exc:  # an error, or SystemExit: the worker was stopped mid-task
        _fail(run_id, f"{SYSTEM_ERROR} ({type(exc).__name__}: {exc})"[:2000])
        raise
    return BenefitRun.objects.select_related("municipality").filter(pk=run_id).first()


# --- Approving -------------------------------------------------------------------------------------


def benefit_run_approve(*, ctx: AccessContext, run: BenefitRun) -> BenefitRun:
    """Approve a preview; from then on the run is locked (seed 002 §3.2: a month is paid once).

    Only a preview can be approved, and only if no other month was approved after it was
    computed (that month's corrections may overlap this one's: compute it again). The status
    check and the write are one UPDATE; the database's unique constraint refuses a second
    approved run of the month even when two users approve at the same moment.
    """
    _require_access(ctx, run.municipality_id)
    run.refresh_from_db()
    if run.status == BenefitRunStatus.APPROVED:
        raise ValidationError(
            f"Stønaden for {run.month:%m.%Y} er allerede godkjent, og kan ikke endres."
        )
    if run.status != BenefitRunStatus.PREVIEW:
        raise ValidationError(
            f"Bare en ferdig beregnet forhåndsvisning kan godkjennes; denne er «{run.get_status_display().lower()}»."
        )
    later = (
        BenefitRun.objects.filter(
            municipality_id=run.municipality_id,
            status=BenefitRunStatus.APPROVED,
            approved_at__gt=run.computed_at or run.created_at,
        )
        .order_by("-approved_at")
        .first()
    )
    if later is not None:
        raise ValidationError(
            f"Stønaden for {later.month:%m.%Y} ble godkjent etter at denne forhåndsvisningen ble "
            f"beregnet. Beregn {run.month:%m.%Y} på nytt før du godkjenner, så korreksjonene blir riktige."
        )
    try:
        with transaction.atomic():
            updated = BenefitRun.objects.filter(pk=run.pk, status=BenefitRunStatus.PREVIEW).update(
                status=BenefitRunStatus.APPROVED,
                approved_at=timezone.now(),
                approved_by=ctx.acting_user,
            )
    except IntegrityError:
        raise ValidationError(approved_refusal(run.month)) from None
    if updated != 1:
        raise ValidationError(
            "Stønadskjøringen ble endret av noen andre mens du så på den; last inn siden på nytt."
        )
    audit_record_many(
        ctx=ctx,
        person_ids=_person_ids(run),
        action=AuditAction.UPDATE,
        detail=f"introduksjonsstønad {run.month:%m.%Y} godkjent",
    )
    run.refresh_from_db()
    return run


def benefit_run_delete(*, ctx: AccessContext, run: BenefitRun) -> None:
    """Delete a run that is not approved (an approved run is the record of what was paid)."""
    _require_access(ctx, run.municipality_id)
    deleted, _ = (
        BenefitRun.objects.filter(pk=run.pk).exclude(status=BenefitRunStatus.APPROVED).delete()
    )
    if not deleted:
        raise ValidationError(
            f"Stønaden for {run.month:%m.%Y} er godkjent; en godkjent kjøring kan ikke slettes."
        )


# --- Reading ---------------------------------------------------------------------------------------


def benefit_run_lines(run: BenefitRun) -> QuerySet[BenefitLine]:
    return BenefitLine.objects.filter(run=run).select_related("person")


def _person_ids(run: BenefitRun) -> list[int]:
    return list(BenefitLine.objects.filter(run=run).values_list("person_id", flat=True).distinct())


@dataclass(frozen=True)
class RunTotals:
    lines: int
    regular: Decimal
    corrections: Decimal
    correction_lines: int
    total: Decimal
    needs_decision: int


def benefit_run_totals(run: BenefitRun) -> RunTotals:
    """The sums of a run: regular, corrections, all, and how many lines need a decision."""
    regular, correction = BenefitLineKind.REGULAR, BenefitLineKind.CORRECTION
    sums = BenefitLine.objects.filter(run=run).aggregate(
        lines=Count("pk"),
        regular=Sum("amount", filter=Q(kind=regular)),
        corrections=Sum("amount", filter=Q(kind=correction)),
        correction_lines=Count("pk", filter=Q(kind=correction)),
        total=Sum("amount"),
        needs_decision=Count("pk", filter=Q(needs_decision=True)),
    )
    return RunTotals(
        lines=sums["lines"],
        regular=Decimal(sums["regular"] or 0),
        corrections=Decimal(sums["corrections"] or 0),
        correction_lines=sums["correction_lines"],
        total=Decimal(sums["total"] or 0),
        needs_decision=sums["needs_decision"],
    )


def benefit_lines_shown(ctx: AccessContext, lines: Iterable[BenefitLine], run: BenefitRun) -> None:
    """Record that the persons of these lines were shown (a list, audited as such)."""
    audit_record_many(
        ctx=ctx,
        person_ids=sorted({line.person_id for line in lines}),
        action=AuditAction.LIST,
        detail=f"introduksjonsstønad {run.month:%m.%Y}",
    )


# --- Exports for the payroll system ----------------------------------------------------------------

EXPORT_COLUMNS = (
    "identity_number",
    "duf_number",
    "family_name",
    "given_name",
    "period",
    "kind",
    "days",
    "monthly_rate",
    "gross",
    "absence_hours",
    "deduction",
    "amount",
    "needs_decision",
    "note",
)
MONEY_COLUMNS = ("monthly_rate", "gross", "deduction", "amount")
SUM_COLUMNS = ("gross", "absence_hours", "deduction", "amount")
KIND_LABELS = {BenefitLineKind.REGULAR: "ordinær", BenefitLineKind.CORRECTION: "korreksjon"}


def _exportable(run: BenefitRun) -> None:
    if run.status not in (BenefitRunStatus.PREVIEW, BenefitRunStatus.APPROVED):
        raise ValidationError(
            f"Stønaden for {run.month:%m.%Y} er ikke ferdig beregnet («{run.get_status_display().lower()}»); "
            "det er ingenting å eksportere."
        )


def export_rows(run: BenefitRun) -> list[dict[str, Any]]:
    """One row per line, with the values typed (Decimal amounts, int days, bool flag)."""
    return [
        {
            "identity_number": line.person.identity_number or "",
            "duf_number": line.person.duf_number or "",
            "family_name": line.person.family_name,
            "given_name": line.person.given_name,
            "period": f"{line.period:%Y-%m}",
            "kind": KIND_LABELS[BenefitLineKind(line.kind)],
            "days": line.days,
            "monthly_rate": line.monthly_rate,
            "gross": line.gross,
            "absence_hours": line.absence_hours,
            "deduction": line.deduction,
            "amount": line.amount,
            "needs_decision": line.needs_decision,
            "note": line.note,
        }
        for line in benefit_run_lines(run)
    ]


def export_filename(run: BenefitRun, extension: str) -> str:
    """«introduksjonsstonad-0301-2024-05.csv»; a preview says so: «…-FORHÅNDSVISNING.csv»."""
    preview = "" if run.status == BenefitRunStatus.APPROVED else "-FORHÅNDSVISNING"
    return f"introduksjonsstonad-{run.municipality.number}-{run.month:%Y-%m}{preview}.{extension}"


def export_disposition(run: BenefitRun, extension: str) -> str:
    """The Content-Disposition of a download (the name may have «Å»: RFC 6266 ``filename*``)."""
    return content_disposition_header(True, export_filename(run, extension)) or "attachment"


def _export_audit(ctx: AccessContext, run: BenefitRun, what: str) -> None:
    audit_record_many(
        ctx=ctx,
        person_ids=_person_ids(run),
        action=AuditAction.EXPORT,
        detail=f"introduksjonsstønad {run.month:%m.%Y} til lønnssystemet ({what})",
    )


def _csv_value(name: str, item: Any) -> str:
    if name in MONEY_COLUMNS:
        return money_str(item)
    if isinstance(item, bool):
        return "ja" if item else "nei"
    return str(item)


def benefit_run_csv(*, ctx: AccessContext, run: BenefitRun) -> bytes:
    """The run as CSV for the payroll system (format in ``views/benefit_runs.py``), audited."""
    _exportable(run)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in export_rows(run):
        writer.writerow([_csv_value(name, row[name]) for name in EXPORT_COLUMNS])
    _export_audit(ctx, run, "CSV")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def benefit_run_xlsx(*, ctx: AccessContext, run: BenefitRun) -> bytes:
    """The run as an Excel workbook: a header row, numbers as numbers, a sum row; audited."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _exportable(run)
    rows = export_rows(run)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"Stønad {run.month:%m.%Y}"
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        sheet.append(
            [
                ("ja" if row[n] else "nei") if n == "needs_decision" else row[n]
                for n in EXPORT_COLUMNS
            ]
        )
    sums = {name: sum((row[name] for row in rows), ZERO) for name in SUM_COLUMNS}
    sheet.append(["Sum"])
    last = sheet.max_row
    for index, name in enumerate(EXPORT_COLUMNS, start=1):
        if name in sums:
            sheet.cell(row=last, column=index, value=sums[name])
        if name in MONEY_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "#,##0.00"
    bold = Font(bold=True)
    for cell in (*sheet[1], *sheet[last]):
        cell.font = bold
    sheet.freeze_panes = "A2"
    _export_audit(ctx, run, "Excel")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
