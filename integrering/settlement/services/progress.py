"""Progress of the year's settlement: need, requested, decided and settled, by group (seed 001,
«Bosetting 31.10 2018: Totalt 224 kommuner anmodet om å bosette 5 350 hvorav 270 enslige
mindreårige. Det er bosatt 3 600 personer ...»).

How the figures are read:

- **need**: the year's ``SettlementNeed``, by group (from reception, outside reception, transfer
  refugees; the total is their sum, or the printed total where one is entered; unaccompanied minors are a part of it, shown apart).
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

Each municipality's own progress, settled against its decision (``municipal_progress``), is
read the same way; see ``MunicipalProgress``.

Counts only, computed by the database (aggregates, not personal data: no audit entry).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
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
    WaitingPerson,
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
        # The total as stated: a printed total where the source prints one (seed 001, 2019:
        # 5 350 over parts of 5 300), as the requests are spread from it.
        return need.stated_total if key == TOTAL else getattr(need, key)

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


# --- One municipality's progress: settled against decided (issue 21 item 4) -------------------

# The categories that count against a municipality's decision: those of the need's total
# (family reunification is outside the need, see the module docstring).
DECISION_CATEGORIES = tuple(
    category
    for category, groups in CATEGORY_GROUPS.items()
    if any(group in TOTAL_GROUPS for group in groups)
)


@dataclass(frozen=True)
class MunicipalProgress:
    """How far one municipality has come with the year's decision.

    - ``decided``: its decision (None: it has not answered), of which ``decided_minors``;
    - ``settled``: persons in the register settled in the municipality in the year (by
      ``settled_on``, the person's own or the household's; the categories of the need's total),
      of which ``settled_minors`` unaccompanied minors;
    - ``confirmed``: persons of households the matcher's confirmation placed in the municipality
      for the year whose household is not settled yet;
    - ``left``: decided minus settled minus confirmed, never below 0 (``beyond`` says by how
      much settled and confirmed passed the decision).
    """

    municipality_id: int
    year: int
    requested: int = 0
    decided: int | None = None
    decided_minors: int | None = None
    settled: int = 0
    settled_minors: int = 0
    confirmed: int = 0

    @property
    def answered(self) -> bool:
        return self.decided is not None

    @property
    def left(self) -> int | None:
        if self.decided is None:
            return None
        return max(self.decided - self.settled - self.confirmed, 0)

    @property
    def beyond(self) -> int:
        if self.decided is None:
            return 0
        return max(self.settled + self.confirmed - self.decided, 0)

    @property
    def settled_percent(self) -> float | None:
        """Settled as a share of the decision, in per cent (None without a decision above 0)."""
        if not self.decided:
            return None
        return 100 * self.settled / self.decided


def municipal_progress(
    *, year: int, municipality_ids: Iterable[int] | None = None
) -> dict[int, MunicipalProgress]:
    """Each municipality's progress in the year (``MunicipalProgress``), by municipality id: every
    municipality with a request, a settled person or a confirmed household in the year (or only
    ``municipality_ids``). Counts only, in three grouped queries."""
    only = set(municipality_ids) if municipality_ids is not None else None
    requests = SettlementRequest.objects.filter(year=year)
    settled = Person.objects.annotate(
        settled=Coalesce("settled_on", "household__settled_on")
    ).filter(
        settled__gte=datetime.date(year, 1, 1),
        settled__lte=datetime.date(year, 12, 31),
        category__in=DECISION_CATEGORIES,
    )
    confirmed = WaitingPerson.objects.filter(
        household__year=year,
        household__status=WaitingStatus.CONFIRMED,
        household__confirmed_municipality__isnull=False,
    ).filter(
        Q(household__household__isnull=True) | Q(household__household__settled_on__isnull=True)
    )
    if only is not None:
        requests = requests.filter(municipality_id__in=only)
        settled = settled.filter(municipality_id__in=only)
        confirmed = confirmed.filter(household__confirmed_municipality_id__in=only)

    figures: dict[int, dict[str, int | None]] = defaultdict(dict)
    for pk, requested, decided, decided_minors in requests.values_list(
        "municipality_id", "requested", "decision__decided", "decision__unaccompanied_minors"
    ):
        figures[pk].update(requested=requested, decided=decided, decided_minors=decided_minors)
    for pk, persons, minors in (
        settled.order_by()
        .values("municipality_id")
        .annotate(
            persons=Count("pk"),
            minors=Count("pk", filter=Q(category=Category.UNACCOMPANIED_MINOR)),
        )
        .values_list("municipality_id", "persons", "minors")
    ):
        figures[pk].update(settled=persons, settled_minors=minors)
    for pk, persons in (
        confirmed.order_by()
        .values(municipality=F("household__confirmed_municipality_id"))
        .annotate(persons=Count("pk"))
        .values_list("municipality", "persons")
    ):
        figures[pk]["confirmed"] = persons
    return {
        pk: MunicipalProgress(municipality_id=pk, year=year, **values)  # type: ignore[arg-type]
        for pk, values in figures.items()
    }


def municipality_progress(*, year: int, municipality_id: int) -> MunicipalProgress:
    """One municipality's progress in the year (zeros when nothing has happened yet)."""
    found = municipal_progress(year=year, municipality_ids=[municipality_id])
    return found.get(municipality_id) or MunicipalProgress(
        municipality_id=municipality_id, year=year
    )
