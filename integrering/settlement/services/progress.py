"""Progress of the year's settlement: need, requested, decided and settled, by group (seed 001,
«Bosetting 31.10 2018: Totalt 224 kommuner anmodet om å bosette 5 350 hvorav 270 enslige
mindreårige. Det er bosatt 3 600 personer ...»).

How the figures are read:

- **need**: the year's ``SettlementNeed``, by group (from reception, outside reception, transfer
  refugees; the total is their sum; unaccompanied minors are a part of it, shown apart).
- **requested** and **decided**: the sums of the year's requests (``SettlementRequest.requested``)
  and of the municipalities' decisions on them (``MunicipalDecision.decided``), with their
  unaccompanied minors. Requests and decisions are not split by group, so they are shown on the
  total and the unaccompanied minors' rows only.
- **settled**: persons in the register (``people.Person``) whose own ``settled_on`` or, when it is
  empty, their household's ``settled_on`` falls in the year, by ``Person.category``:
  ``from_reception`` → from reception; ``self_settled`` → outside reception (they found a place
  on their own and were settled there, with the municipality's consent); ``transfer_refugee`` →
  transfer refugees; ``unaccompanied_minor`` → from reception *and* the unaccompanied minors' row
  (they come from centres for minors; the need counts them within the total, and so does this).
  ``family_reunification``: family members who come to a person already settled are not part of
  the settlement need (the directorate does not ask municipalities for them); they are counted
  on their own row and left out of the total.

Counts only, computed by the database (aggregates, not personal data: no audit entry).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from integrering.charts import (
    MONTH_NAMES,
    ReferenceLine,
    Series,
    line_chart,
    month_labels,
)
from integrering.people.models import Category, Person
from integrering.ui.numbers import number_nb

from ..models import (
    MunicipalDecision,
    SettlementNeed,
    SettlementRequest,
    WaitingHousehold,
    WaitingStatus,
)

FROM_RECEPTION = "from_reception"
OUTSIDE_RECEPTION = "outside_reception"
TRANSFER_REFUGEES = "transfer_refugees"
TOTAL = "total"
UNACCOMPANIED_MINORS = "unaccompanied_minors"
FAMILY_REUNIFICATION = "family_reunification"

GROUP_LABELS = {
    FROM_RECEPTION: "Fra mottak",
    OUTSIDE_RECEPTION: "Utenfor mottak",
    TRANSFER_REFUGEES: "Overføringsflyktninger",
    TOTAL: "Totalt",
    UNACCOMPANIED_MINORS: "Hvorav enslige mindreårige",
    FAMILY_REUNIFICATION: "Familiegjenforente (utenom behovet)",
}
# The groups of the total (the need's three parts).
TOTAL_GROUPS = (FROM_RECEPTION, OUTSIDE_RECEPTION, TRANSFER_REFUGEES)
# Which rows a settled person of each category counts in (see the module docstring).
CATEGORY_GROUPS: dict[str, tuple[str, ...]] = {
    Category.FROM_RECEPTION: (FROM_RECEPTION,),
    Category.UNACCOMPANIED_MINOR: (FROM_RECEPTION, UNACCOMPANIED_MINORS),
    Category.SELF_SETTLED: (OUTSIDE_RECEPTION,),
    Category.TRANSFER_REFUGEE: (TRANSFER_REFUGEES,),
    Category.FAMILY_REUNIFICATION: (FAMILY_REUNIFICATION,),
}
ROW_ORDER = (
    FROM_RECEPTION,
    OUTSIDE_RECEPTION,
    TRANSFER_REFUGEES,
    TOTAL,
    UNACCOMPANIED_MINORS,
    FAMILY_REUNIFICATION,
)
# The lines of the chart, in the legend's order.
CHART_GROUPS = (TOTAL, FROM_RECEPTION, OUTSIDE_RECEPTION, TRANSFER_REFUGEES)


@dataclass(frozen=True)
class ProgressRow:
    key: str
    label: str
    need: int | None
    requested: int | None
    decided: int | None
    settled: int

    @property
    def in_total(self) -> bool:
        return self.key in TOTAL_GROUPS

    @property
    def settled_percent(self) -> float | None:
        """Settled as a share of the need, in per cent (None without a need to compare with)."""
        if not self.need:
            return None
        return 100 * self.settled / self.need


@dataclass(frozen=True)
class SettlementProgress:
    year: int
    need: SettlementNeed | None
    rows: list[ProgressRow]
    requested_municipalities: int
    decided_municipalities: int
    # Settled so far in the year, cumulative per month and row key; None for months to come.
    cumulative: dict[str, list[int | None]]
    through: datetime.date | None  # the last day counted (None: the year has not begun)

    def row(self, key: str) -> ProgressRow:
        return next(row for row in self.rows if row.key == key)

    @property
    def total(self) -> ProgressRow:
        return self.row(TOTAL)

    @property
    def months(self) -> list[str]:
        return month_labels()

    def monthly_rows(self) -> list[tuple[str, list[int | None]]]:
        """(month, cumulative settled per chart group) for the months counted so far."""
        counted = [i for i, v in enumerate(self.cumulative[TOTAL]) if v is not None]
        return [
            (MONTH_NAMES[i], [self.cumulative[key][i] for key in CHART_GROUPS]) for i in counted
        ]


def _settled_by_category_and_month(year: int) -> dict[tuple[str, int], int]:
    """Persons settled in the year, by category and month of settlement (one GROUP BY)."""
    rows = (
        Person.objects.annotate(settled=Coalesce("settled_on", "household__settled_on"))
        .filter(settled__gte=datetime.date(year, 1, 1), settled__lte=datetime.date(year, 12, 31))
        .order_by()
        .values("category", month=ExtractMonth("settled"))
        .annotate(persons=Count("pk"))
    )
    return {(row["category"], row["month"]): row["persons"] for row in rows}


def settlement_progress(*, year: int, today: datetime.date | None = None) -> SettlementProgress:
    """The year's progress: need, requested, decided and settled by group, and the settled
    persons month by month (cumulative) up to ``today`` (see the module docstring)."""
    today = today or timezone.localdate()
    need = SettlementNeed.objects.filter(year=year).first()
    requests = SettlementRequest.objects.filter(year=year).aggregate(
        sum_requested=Sum("requested"),
        sum_minors=Sum("unaccompanied_minors"),
        municipalities=Count("pk", filter=Q(requested__gt=0)),
    )
    decisions = MunicipalDecision.objects.filter(request__year=year).aggregate(
        sum_decided=Sum("decided"),
        sum_minors=Sum("unaccompanied_minors"),
        municipalities=Count("pk", filter=Q(decided__gt=0)),
    )

    monthly = {key: [0] * 12 for key in ROW_ORDER}
    for (category, month), persons in _settled_by_category_and_month(year).items():
        for key in CATEGORY_GROUPS.get(category, ()):
            monthly[key][month - 1] += persons
    monthly[TOTAL] = [sum(monthly[key][m] for key in TOTAL_GROUPS) for m in range(12)]
    settled = {key: sum(values) for key, values in monthly.items()}

    if year < today.year:
        months_counted, through = 12, datetime.date(year, 12, 31)
    elif year == today.year:
        months_counted, through = today.month, today
    else:
        months_counted, through = 0, None
    cumulative: dict[str, list[int | None]] = {}
    for key, values in monthly.items():
        running = 0
        cumulative[key] = []
        for month in range(12):
            running += values[month]
            cumulative[key].append(running if month < months_counted else None)

    def need_of(key: str) -> int | None:
        if need is None:
            return None
        return need.total if key == TOTAL else getattr(need, key)

    requested = {TOTAL: requests["sum_requested"], UNACCOMPANIED_MINORS: requests["sum_minors"]}
    decided = {TOTAL: decisions["sum_decided"], UNACCOMPANIED_MINORS: decisions["sum_minors"]}
    rows = [
        ProgressRow(
            key=key,
            label=GROUP_LABELS[key],
            need=None if key == FAMILY_REUNIFICATION else need_of(key),
            requested=requested.get(key),
            decided=decided.get(key),
            settled=settled[key],
        )
        for key in ROW_ORDER
    ]
    return SettlementProgress(
        year=year,
        need=need,
        rows=rows,
        requested_municipalities=requests["municipalities"],
        decided_municipalities=decisions["municipalities"],
        cumulative=cumulative,
        through=through,
    )


def waiting_households_count(year: int) -> int:
    """Households with a permit still waiting for a municipality in the year (a count only)."""
    return WaitingHousehold.objects.filter(year=year, status=WaitingStatus.WAITING).count()


def progress_chart_text(progress: SettlementProgress) -> str:
    """The chart's text alternative in one sentence; the table on the page has every figure."""
    total = progress.total
    parts = [f"Bosatte personer i {progress.year}, summert måned for måned."]
    if progress.through is None:
        parts.append("Året har ikke begynt, så ingen er bosatt ennå.")
    else:
        parts.append(
            f"Til og med {progress.through:%d.%m.%Y} er {number_nb(total.settled)} personer bosatt"
            + (f", mot et behov på {number_nb(total.need)}" if total.need is not None else "")
            + (f", {number_nb(total.requested)} anmodet" if total.requested is not None else "")
            + (f" og {number_nb(total.decided)} vedtatt" if total.decided is not None else "")
            + "."
        )
    return " ".join(parts)


def progress_chart_svg(progress: SettlementProgress) -> str:
    """Cumulative settled per month (total and by group) against the need, the requests and the
    decisions as horizontal lines."""
    series = [
        Series(name=f"Bosatt, {GROUP_LABELS[key].lower()}", values=progress.cumulative[key])
        for key in CHART_GROUPS
    ]
    total = progress.total
    references = [
        ReferenceLine(name=name, value=number)
        for name, number in (
            ("Behov", total.need),
            ("Anmodet", total.requested),
            ("Vedtatt", total.decided),
        )
        if number is not None
    ]
    return line_chart(
        title=f"Bosetting {progress.year}",
        labels=progress.months,
        series=series,
        reference_lines=references,
        value_label="Personer (summert)",
        description=progress_chart_text(progress),
        chart_id=f"fremdrift-{progress.year}",
    )
