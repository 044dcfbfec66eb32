"""What the participant page and the API show of one participation: its dates, its status on a
day, its periods, absence by month, extensions, decisions and history, read once."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .models import (
    Absence,
    Decision,
    Extension,
    Participation,
    PeriodKind,
    ProgrammeEvent,
    ProgrammePeriod,
)
from .periods import GoalLimits, extension_months, goal_limits, planned_end


@dataclass(frozen=True)
class AbsenceMonth:
    month: datetime.date
    approved: Decimal
    unapproved: Decimal


@dataclass
class ParticipationOverview:
    participation: Participation
    limits: GoalLimits
    planned_end: datetime.date
    status: str
    periods: list[ProgrammePeriod]
    extensions: list[Extension]
    absences: list[Absence]
    absence_months: list[AbsenceMonth]
    # Deleted entries stay in the history (``services/absences.py``), out of every sum.
    deleted_absences: list[Absence]
    decisions: list[Decision]
    events: list[ProgrammeEvent]
    extension_left: int = field(default=0)

    @property
    def open_stop(self) -> ProgrammePeriod | None:
        return next(
            (p for p in self.periods if p.kind == PeriodKind.STOP and p.to_on is None), None
        )


def status_on(
    participation: Participation,
    periods: list[ProgrammePeriod],
    end: datetime.date,
    on: datetime.date,
) -> str:
    """The participant's status on a day, in the words of the page."""
    if participation.ended_on is not None and participation.ended_on < on:
        return f"Avsluttet ({participation.get_end_reason_display().lower()})"
    if on < participation.starts_on:
        return "Ikke startet"
    for period in periods:
        if period.covers(on):
            return "Stanset" if period.kind == PeriodKind.STOP else "Permisjon"
    if on > end:
        return "Planlagt slutt er passert"
    return "I programmet"


def participation_overview(
    participation: Participation, *, today: datetime.date
) -> ParticipationOverview:
    periods = list(participation.periods.all())
    extensions = list(participation.extensions.select_related("decision"))
    absences = list(participation.absences.all())
    by_month: dict[datetime.date, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for absence in absences:
        by_month[absence.on.replace(day=1)][0 if absence.approved else 1] += absence.hours
    end = planned_end(participation, extensions)
    limits = goal_limits(
        act=participation.act,
        final_goal=participation.final_goal,
        starts_on=participation.starts_on,
    )
    return ParticipationOverview(
        participation=participation,
        limits=limits,
        planned_end=end,
        status=status_on(participation, periods, end, today),
        periods=periods,
        extensions=extensions,
        absences=absences,
        deleted_absences=list(
            Absence.all_objects.filter(participation=participation, deleted_at__isnull=False)
        ),
        absence_months=[
            AbsenceMonth(month, sums[0], sums[1]) for month, sums in sorted(by_month.items())
        ],
        decisions=list(participation.decisions.order_by("created_at", "id")),
        events=list(participation.events.select_related("created_by").order_by("-on", "-id")),
        extension_left=limits.extension_max_months - extension_months(extensions, package=False),
    )
