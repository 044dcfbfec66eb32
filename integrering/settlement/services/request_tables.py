"""The year's requests as the planner reads them: one row per municipality (its figures, request,
decision and progress), the national and county sums, and the Excel export (seed 001: what the
municipalities decide below what they were asked «must be placed elsewhere»).

The sums of a county are the sums of its municipalities' rows, and the national sums those of
every row: requests, their unaccompanied minors, decisions, and settled against decided
(``progress.municipal_progress``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from integrering.exports import Cell, Heading, Sheet, xlsx_bytes

from ..models import MunicipalDecision, MunicipalityFacts, SettlementNeed, SettlementRequest
from ..spreading import percent_text
from .progress import MunicipalProgress, municipal_progress
from .request_answers import answer_request_overdue, decision_of
from .requests import facts_for
from .waiting import adaptation_need_label


@dataclass
class RequestRow:
    """One request as the planner's table shows it, with the figures the spreading used."""

    request: SettlementRequest
    facts: MunicipalityFacts | None
    decision: MunicipalDecision | None
    progress: MunicipalProgress | None = None
    overdue: bool = False  # asked, not answered, past the answer date

    @property
    def answered(self) -> bool:
        return self.decision is not None

    @property
    def decided(self) -> int | None:
        return self.decision.decided if self.decision else None

    @property
    def difference(self) -> int | None:
        """Decided minus requested (negative: persons who must be placed elsewhere)."""
        return self.decision.decided - self.request.requested if self.decision else None

    @property
    def immigrant_share_text(self) -> str:
        return percent_text(self.facts.immigrant_share) if self.facts else ""

    @property
    def settled(self) -> int:
        return self.progress.settled if self.progress else 0

    @property
    def confirmed(self) -> int:
        return self.progress.confirmed if self.progress else 0

    @property
    def left(self) -> int | None:
        return self.progress.left if self.progress and self.decision else None


def request_rows(
    *,
    year: int,
    county: str = "",
    not_answered: bool = False,
    today: datetime.date | None = None,
) -> list[RequestRow]:
    """The year's requests by municipality number, with their figures, decisions and progress.

    ``county``: only that county's (its number); ``not_answered``: only municipalities asked
    for persons that have not answered with a decision yet.
    """
    today = today or timezone.localdate()
    requests = (
        SettlementRequest.objects.filter(year=year)
        .select_related("municipality__county", "decision", "adjusted_by")
        .order_by("municipality__number")
    )
    if county:
        requests = requests.filter(municipality__county__number=county)
    facts = facts_for(year)
    progress = municipal_progress(
        year=year, municipality_ids=None if not county else [r.municipality_id for r in requests]
    )
    rows = []
    for r in requests:
        decision = decision_of(r)
        rows.append(
            RequestRow(
                r,
                facts.get(r.municipality_id),
                decision,
                progress.get(r.municipality_id),
                answer_request_overdue(r, decision, today),
            )
        )
    if not_answered:
        rows = [row for row in rows if row.request.requested > 0 and not row.answered]
    return rows


@dataclass
class RequestSummary:
    """Sums of the requests and decisions of a county, or of the country (``county`` empty).

    ``difference`` is decided minus requested over the municipalities that have answered: below
    zero, that many persons must be placed elsewhere. ``outstanding`` is what the municipalities
    that have not answered yet were asked for. ``settled``, ``confirmed`` and ``left`` add up the
    municipalities' progress (``left`` over those that have answered).
    """

    county: str = ""
    county_name: str = ""
    municipalities: int = 0
    asked: int = 0
    requested: int = 0
    requested_minors: int = 0
    computed_minors: int = 0
    answered: int = 0
    not_answered: int = 0
    overdue: int = 0
    decided: int = 0
    decided_minors: int = 0
    difference: int = 0
    outstanding: int = 0
    above_request: int = 0  # municipalities that decided more than they were asked for
    settled: int = 0
    confirmed: int = 0
    left: int = 0

    def add(self, row: RequestRow) -> None:
        request = row.request
        self.municipalities += 1
        self.requested += request.requested
        self.requested_minors += request.unaccompanied_minors
        self.computed_minors += request.computed_minors
        self.settled += row.settled
        self.confirmed += row.confirmed
        if request.requested > 0:
            self.asked += 1
        if row.decision is not None:
            self.answered += 1
            self.decided += row.decision.decided
            self.decided_minors += row.decision.unaccompanied_minors
            self.difference += row.decision.decided - request.requested
            self.left += row.left or 0
            if row.decision.decided > request.requested:
                self.above_request += 1
        elif request.requested > 0:
            self.not_answered += 1
            self.outstanding += request.requested
        if row.overdue:
            self.overdue += 1


@dataclass
class YearSummary:
    year: int
    national: RequestSummary
    counties: list[RequestSummary] = field(default_factory=list)
    need: SettlementNeed | None = None

    @property
    def need_total(self) -> int | None:
        return self.need.stated_total if self.need else None

    @property
    def requested_minus_need(self) -> int | None:
        return self.national.requested - self.need.stated_total if self.need else None

    @property
    def minors_minus_need(self) -> int | None:
        if self.need is None:
            return None
        return self.national.requested_minors - self.need.unaccompanied_minors


def _summaries(rows: Iterable[RequestRow]) -> tuple[RequestSummary, list[RequestSummary]]:
    national = RequestSummary()
    counties: dict[str, RequestSummary] = defaultdict(RequestSummary)
    for row in rows:
        county = row.request.municipality.county
        summary = counties[county.number]
        summary.county, summary.county_name = county.number, county.name
        summary.add(row)
        national.add(row)
    return national, [counties[number] for number in sorted(counties)]


def requests_summary(year: int, rows: Iterable[RequestRow] | None = None) -> YearSummary:
    """The national and county sums in one read (``rows``: the year's rows, when at hand)."""
    national, counties = _summaries(rows if rows is not None else request_rows(year=year))
    return YearSummary(
        year=year,
        national=national,
        counties=counties,
        need=SettlementNeed.objects.filter(year=year).first(),
    )


# --- Export -----------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "Kommunenummer",
    "Kommune",
    "Fylke",
    "Innbyggertall",
    "Resultatskår",
    "Innvandrerandel",
    "Vurderes særskilt",
    "Tar imot enslige mindreårige",
    "Beregnet",
    "Beregnet, hvorav enslige mindreårige",
    "Anmodet",
    "Hvorav enslige mindreårige",
    "Justert",
    "Begrunnelse for justering",
    "Årsak",
    "Svarfrist",
    "Purringer",
    "Vedtatt",
    "Hvorav enslige mindreårige (vedtak)",
    "Hvorav under 15 år (vedtak)",
    "Store boliger",
    "Plasser for barn i skolealder",
    "Kan møte behov for tilpasning",
    "Vedtaksdato",
    "Svart av",
    "Vedtatt minus anmodet",
    "Bosatt i år",
    "Bekreftet, ikke bosatt",
    "Gjenstår av vedtaket",
)

COUNTY_COLUMNS = (
    "Fylkesnummer",
    "Fylke",
    "Kommuner",
    "Kommuner anmodet",
    "Anmodet",
    "Hvorav enslige mindreårige",
    "Har svart",
    "Har ikke svart",
    "Vedtatt",
    "Hvorav enslige mindreårige (vedtak)",
    "Vedtatt minus anmodet",
    "Bosatt i år",
    "Bekreftet, ikke bosatt",
    "Gjenstår av vedtaket",
)


def _yes_no(flag: bool) -> str:
    return "ja" if flag else "nei"


def _municipality_line(row: RequestRow) -> list[Cell]:
    request, facts, decision = row.request, row.facts, row.decision
    return [
        request.municipality.number,
        request.municipality.name,
        request.municipality.county.name,
        facts.population if facts else None,
        float(facts.results_score) if facts else None,
        float(facts.immigrant_share) if facts else None,
        _yes_no(facts.exception) if facts else None,
        _yes_no(facts.accepts_minors) if facts else None,
        request.computed,
        request.computed_minors,
        request.requested,
        request.unaccompanied_minors,
        _yes_no(request.adjusted),
        request.adjustment_reason,
        request.reason,
        request.answer_due,
        request.reminders,
        decision.decided if decision else None,
        decision.unaccompanied_minors if decision else None,
        decision.minors_under_15 if decision else None,
        decision.large_dwellings if decision else None,
        decision.school_children if decision else None,
        (
            ", ".join(adaptation_need_label(code) for code in decision.adaptation_capabilities)
            if decision
            else None
        ),
        decision.decided_on if decision else None,
        decision.get_source_display() if decision else None,
        row.difference,
        row.settled,
        row.confirmed,
        row.left,
    ]


def _county_line(summary: RequestSummary, number: str, name: str) -> list[Cell]:
    return [
        number,
        name,
        summary.municipalities,
        summary.asked,
        summary.requested,
        summary.requested_minors,
        summary.answered,
        summary.not_answered,
        summary.decided,
        summary.decided_minors,
        summary.difference,
        summary.settled,
        summary.confirmed,
        summary.left,
    ]


def requests_xlsx(year: int, rows: Sequence[RequestRow], whom: str = "Hele landet") -> bytes:
    """The requests table as an Excel workbook: one row per municipality, and a sheet of the
    county sums with the national sum last (of the rows given: a filtered table sums itself).
    ``whom``: the title row's words for the rows given (a filtered table: its filter)."""
    national, counties = _summaries(rows)
    county_lines = [_county_line(c, c.county, c.county_name) for c in counties]
    county_lines.append(_county_line(national, "", "Sum"))
    return xlsx_bytes(
        [
            Sheet(
                f"Anmodninger {year}",
                EXPORT_COLUMNS,
                [_municipality_line(row) for row in rows],
                freeze_columns=2,
            ),
            Sheet(
                f"Per fylke {year}", COUNTY_COLUMNS, county_lines, freeze_columns=2, sum_row=True
            ),
        ],
        heading=Heading(f"Anmodninger om bosetting for {year}", whom),
    )
