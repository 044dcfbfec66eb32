"""Requests to municipalities (anmodninger) and their decisions (vedtak), seed 001.

Each year the directorate asks every municipality to settle a number of refugees: the year's
need is spread over the municipalities by the government's criteria from 2019
(``settlement/spreading.py``), from the municipalities' figures for the year
(``MunicipalityFacts``, loaded with ``integrering settlement-facts``). The planner may adjust a
single request, with a reason; each municipality answers with a decision: how many it will
settle, of which unaccompanied minors, and how many large dwellings it has. What the
municipalities decide below what they were asked «must be placed elsewhere»: the summaries
show it per county and for the country.

- ``requests_spread`` replaces the year's requests, and is refused once a decision is recorded
  for the year (the decisions answer those requests).
- ``request_adjust`` and ``decision_record`` use optimistic locking (``version_bump``).
- A decision may exceed the request: that is allowed (a municipality may settle more), and shown.

«Anmodning» is kept in Norwegian in the UI; in code it is a ``SettlementRequest``. The figures are
aggregates per municipality, not personal data: nothing here is audit-logged.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrering.accounts.access import planner_or_system_require
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError, conflict_message, version_bump
from integrering.exports import Cell, Sheet, xlsx_bytes
from integrering.organisations.models import Municipality

from ..models import (
    MunicipalDecision,
    MunicipalityFacts,
    SettlementNeed,
    SettlementRequest,
)
from ..selectors import MAX_YEAR, MIN_YEAR
from ..spreading import BELOW_MINIMUM, SpreadError, SpreadRow, percent_text, spread

REQUEST = "anmodningen"
DECISION = "vedtaket"
REASON_MAX = 300
NOTE_MAX = 300
# MunicipalityFacts: results_score DECIMAL(9, 4), immigrant_share DECIMAL(5, 4).
RESULTS_MAX = Decimal("99999.9999")
DECIMAL_PLACES = 4


def _year_error(year: int) -> str | None:
    if MIN_YEAR <= year <= MAX_YEAR:
        return None
    return f"Året må være fra {MIN_YEAR} til {MAX_YEAR}."


def facts_command(year: int) -> str:
    return f"integrering settlement-facts --year {year} --file kommunedata.csv"


# --- The municipalities' figures --------------------------------------------------------------


def municipality_facts_replace(
    *,
    ctx: AccessContext,
    year: int,
    rows: Sequence[SpreadRow],
    exception_reasons: Sequence[str],
    line_numbers: Sequence[int] | None = None,
) -> int:
    """Replace the year's ``MunicipalityFacts`` with ``rows``, all or nothing; return how many.

    Refused, with every problem listed (by the file's line number when given), for an unknown
    municipality number (the current municipalities), a figure the database cannot hold (more
    than four decimals), or an exception reason over 300 characters.
    """
    planner_or_system_require(ctx.user)
    problems = []
    if error := _year_error(year):
        problems.append(error)
    lines = list(line_numbers) if line_numbers is not None else list(range(1, len(rows) + 1))
    municipalities = {
        m.number: m
        for m in Municipality.objects.filter(
            valid_to__isnull=True, number__in=[row.municipality for row in rows]
        )
    }
    for row, reason, line in zip(rows, exception_reasons, lines, strict=True):
        where = f"Linje {line}"
        if row.municipality not in municipalities:
            problems.append(
                f"{where}: kommunenummeret {row.municipality} finnes ikke (blant dagens kommuner)."
            )
        if row.results_score > RESULTS_MAX or _places(row.results_score) > DECIMAL_PLACES:
            problems.append(
                f"{where}: results_score {row.results_score} kan ha høyst {DECIMAL_PLACES} desimaler og "
                f"være høyst {RESULTS_MAX}."
            )
        if _places(row.immigrant_share) > DECIMAL_PLACES:
            problems.append(
                f"{where}: immigrant_share {row.immigrant_share} kan ha høyst {DECIMAL_PLACES} desimaler."
            )
        if len(reason) > REASON_MAX:
            problems.append(f"{where}: exception_reason er lengre enn {REASON_MAX} tegn.")
    if not rows:
        problems.append("Filen har ingen kommuner.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        MunicipalityFacts.objects.filter(year=year).delete()
        MunicipalityFacts.objects.bulk_create(
            MunicipalityFacts(
                year=year,
                municipality=municipalities[row.municipality],
                population=row.population,
                results_score=row.results_score,
                immigrant_share=row.immigrant_share,
                exception=row.exception,
                exception_reason=reason,
            )
            for row, reason in zip(rows, exception_reasons, strict=True)
        )
    return len(rows)


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def facts_for(year: int) -> dict[int, MunicipalityFacts]:
    """The year's figures by municipality id."""
    return {f.municipality_id: f for f in MunicipalityFacts.objects.filter(year=year)}


# --- Spreading --------------------------------------------------------------------------------


def requests_spread(
    *, ctx: AccessContext, year: int, need: int, below_minimum: str
) -> list[SettlementRequest]:
    """Spread ``need`` persons over the municipalities with figures for ``year`` and save the
    result as the year's requests, replacing those there were (adjustments too).

    The criteria are those in force on 1 January of the year (seed 001, from 2019; method in
    ``spreading.py``). Every municipality with figures gets a request, 0 with the reason when it
    is not asked. Refused once any municipality's decision is recorded for the year: the
    decisions answer the requests as they were sent.
    """
    planner_or_system_require(ctx.user)
    errors: dict[str, list[str]] = {}
    if error := _year_error(year):
        errors["year"] = [error]
    if isinstance(need, bool) or not isinstance(need, int) or need < 1:
        errors["need"] = ["Behovet må være et positivt heltall (antall personer)."]
    if below_minimum not in BELOW_MINIMUM:
        errors["below_minimum"] = ["Velg drop eller raise."]
    if errors:
        raise ValidationError(errors)
    facts = list(
        MunicipalityFacts.objects.filter(year=year)
        .select_related("municipality")
        .order_by("municipality__number")
    )
    if not facts:
        raise ValidationError(
            f"Det er ingen kommunedata for {year}, så behovet kan ikke fordeles. Last dem inn "
            f"med «{facts_command(year)}»."
        )
    rows = [
        SpreadRow(
            municipality=f.municipality.number,
            population=f.population,
            results_score=f.results_score,
            immigrant_share=f.immigrant_share,
            exception=f.exception,
        )
        for f in facts
    ]
    try:
        result = spread(need, rows, below_minimum=below_minimum, on=datetime.date(year, 1, 1))
    except SpreadError as exc:
        raise ValidationError(str(exc)) from None
    with transaction.atomic():
        decided = MunicipalDecision.objects.filter(request__year=year).count()
        if decided:
            raise ValidationError(
                f"Anmodningene for {year} kan ikke fordeles på nytt: {decided} "
                f"{'kommune' if decided == 1 else 'kommuner'} har allerede svart med vedtak. "
                "Juster enkeltanmodninger i stedet."
            )
        SettlementRequest.objects.filter(year=year).delete()
        SettlementRequest.objects.bulk_create(
            SettlementRequest(
                year=year,
                municipality=f.municipality,
                computed=line.request,
                requested=line.request,
                reason=line.reason[:200],
            )
            for f, line in zip(facts, result.lines, strict=True)
        )
    return list(SettlementRequest.objects.filter(year=year).select_related("municipality__county"))


# --- Adjusting one request --------------------------------------------------------------------


def request_adjust(
    *,
    ctx: AccessContext,
    request: SettlementRequest,
    requested: int | None,
    unaccompanied_minors: int | None,
    reason: str,
    version: int,
) -> SettlementRequest:
    """Change what one municipality is asked for (and of which unaccompanied minors), with a reason.

    The computed number is kept, so the page shows both. Refused when nothing changes, without
    a reason, with minors above the request, or when someone else saved the request since
    ``version`` (``ConflictError``).
    """
    planner_or_system_require(ctx.user)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if requested is None:
        errors["requested"] = ["Oppgi hvor mange personer kommunen anmodes om (0 hvis ingen)."]
    elif requested < 0:
        errors["requested"] = ["Antallet kan ikke være negativt."]
    if unaccompanied_minors is None:
        errors["unaccompanied_minors"] = [
            "Oppgi hvor mange av dem som er enslige mindreårige (0 hvis ingen)."
        ]
    elif unaccompanied_minors < 0:
        errors["unaccompanied_minors"] = ["Antallet kan ikke være negativt."]
    elif requested is not None and requested >= 0 and unaccompanied_minors > requested:
        errors["unaccompanied_minors"] = [
            f"Enslige mindreårige er en del av anmodningen og kan ikke være flere enn {requested}."
        ]
    if len(reason) > REASON_MAX:
        errors["reason"] = [f"Begrunnelsen kan være høyst {REASON_MAX} tegn."]
    if errors:
        raise ValidationError(errors)
    assert requested is not None and unaccompanied_minors is not None
    if request.version != version:
        raise ConflictError(conflict_message(REQUEST))
    if requested == request.requested and unaccompanied_minors == request.unaccompanied_minors:
        raise ValidationError({"requested": ["Ingenting er endret: anmodningen er allerede slik."]})
    if not reason:
        raise ValidationError({"reason": ["Skriv hvorfor anmodningen endres."]})
    version_bump(
        SettlementRequest.objects.filter(pk=request.pk),
        expected=version,
        what=REQUEST,
        requested=requested,
        unaccompanied_minors=unaccompanied_minors,
        adjustment_reason=reason,
        adjusted_at=timezone.now(),
        adjusted_by=ctx.acting_user,
    )
    return SettlementRequest.objects.select_related("municipality__county", "adjusted_by").get(
        pk=request.pk
    )


# --- The municipality's decision ------------------------------------------------------------------


def decision_of(request: SettlementRequest) -> MunicipalDecision | None:
    try:
        return request.decision
    except MunicipalDecision.DoesNotExist:
        return None


def decision_record(
    *,
    ctx: AccessContext,
    request: SettlementRequest,
    decided: int | None,
    unaccompanied_minors: int | None,
    large_dwellings: int | None,
    decided_on: datetime.date | None,
    note: str,
    version: int,
) -> MunicipalDecision:
    """Record (or correct) a municipality's decision on its request.

    ``version`` is the decision's version, 0 when none is recorded yet. The decided number may
    exceed the request (allowed; the pages show it); unaccompanied minors are part of it.
    ``large_dwellings`` None means no limit. The decision date cannot be in the future.
    """
    planner_or_system_require(ctx.user)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if decided is None:
        errors["decided"] = [
            "Oppgi hvor mange personer kommunen har vedtatt å bosette (0 hvis ingen)."
        ]
    elif decided < 0:
        errors["decided"] = ["Antallet kan ikke være negativt."]
    if unaccompanied_minors is None:
        errors["unaccompanied_minors"] = [
            "Oppgi hvor mange av dem som er enslige mindreårige (0 hvis ingen)."
        ]
    elif unaccompanied_minors < 0:
        errors["unaccompanied_minors"] = ["Antallet kan ikke være negativt."]
    elif decided is not None and decided >= 0 and unaccompanied_minors > decided:
        errors["unaccompanied_minors"] = [
            f"Enslige mindreårige er en del av vedtaket og kan ikke være flere enn {decided}."
        ]
    if large_dwellings is not None and large_dwellings < 0:
        errors["large_dwellings"] = ["Antallet kan ikke være negativt (tomt betyr ingen grense)."]
    today = timezone.localdate()
    if decided_on is None:
        errors["decided_on"] = ["Oppgi vedtaksdatoen."]
    elif decided_on > today:
        errors["decided_on"] = [f"Vedtaksdatoen kan ikke være etter i dag ({today:%d.%m.%Y})."]
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Merknaden kan være høyst {NOTE_MAX} tegn."]
    if errors:
        raise ValidationError(errors)
    assert decided is not None and unaccompanied_minors is not None and decided_on is not None
    values = {
        "decided": decided,
        "unaccompanied_minors": unaccompanied_minors,
        "large_dwellings": large_dwellings,
        "decided_on": decided_on,
        "note": note,
        "recorded_at": timezone.now(),
        "recorded_by": ctx.acting_user,
    }
    existing = MunicipalDecision.objects.filter(request=request)
    if version == 0:
        if existing.exists():
            raise ConflictError(conflict_message(DECISION))
        try:
            with transaction.atomic():
                decision = MunicipalDecision.objects.create(request=request, **values)
        except IntegrityError:
            raise ConflictError(conflict_message(DECISION)) from None
        return decision
    version_bump(existing, expected=version, what=DECISION, **values)
    return MunicipalDecision.objects.get(request=request)


# --- The year's requests as a table and as sums -----------------------------------------------


@dataclass
class RequestRow:
    """One request as the planner's table shows it, with the figures the spreading used."""

    request: SettlementRequest
    facts: MunicipalityFacts | None
    decision: MunicipalDecision | None

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


def request_rows(*, year: int, county: str = "", not_answered: bool = False) -> list[RequestRow]:
    """The year's requests by municipality number, with their figures and decisions.

    ``county``: only that county's (its number); ``not_answered``: only municipalities asked
    for persons that have not answered with a decision yet.
    """
    requests = (
        SettlementRequest.objects.filter(year=year)
        .select_related("municipality__county", "decision", "adjusted_by")
        .order_by("municipality__number")
    )
    if county:
        requests = requests.filter(municipality__county__number=county)
    facts = facts_for(year)
    rows = [RequestRow(r, facts.get(r.municipality_id), decision_of(r)) for r in requests]
    if not_answered:
        rows = [row for row in rows if row.request.requested > 0 and not row.answered]
    return rows


@dataclass
class RequestSummary:
    """Sums of the requests and decisions of a county, or of the country (``county`` empty).

    ``difference`` is decided minus requested over the municipalities that have answered: below
    zero, that many persons must be placed elsewhere. ``outstanding`` is what the municipalities
    that have not answered yet were asked for.
    """

    county: str = ""
    county_name: str = ""
    municipalities: int = 0
    asked: int = 0
    requested: int = 0
    requested_minors: int = 0
    answered: int = 0
    not_answered: int = 0
    decided: int = 0
    decided_minors: int = 0
    difference: int = 0
    outstanding: int = 0
    above_request: int = 0  # municipalities that decided more than they were asked for

    def add(self, row: RequestRow) -> None:
        request = row.request
        self.municipalities += 1
        self.requested += request.requested
        self.requested_minors += request.unaccompanied_minors
        if request.requested > 0:
            self.asked += 1
        if row.decision is not None:
            self.answered += 1
            self.decided += row.decision.decided
            self.decided_minors += row.decision.unaccompanied_minors
            self.difference += row.decision.decided - request.requested
            if row.decision.decided > request.requested:
                self.above_request += 1
        elif request.requested > 0:
            self.not_answered += 1
            self.outstanding += request.requested


@dataclass
class YearSummary:
    year: int
    national: RequestSummary
    counties: list[RequestSummary] = field(default_factory=list)
    need: SettlementNeed | None = None

    @property
    def need_total(self) -> int | None:
        return self.need.total if self.need else None

    @property
    def requested_minus_need(self) -> int | None:
        return self.national.requested - self.need.total if self.need else None


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
    "Beregnet",
    "Anmodet",
    "Hvorav enslige mindreårige",
    "Justert",
    "Begrunnelse for justering",
    "Årsak",
    "Vedtatt",
    "Hvorav enslige mindreårige (vedtak)",
    "Store boliger",
    "Vedtaksdato",
    "Vedtatt minus anmodet",
)


def requests_xlsx(year: int, rows: Sequence[RequestRow]) -> bytes:
    """The requests table as an Excel workbook (one row per municipality)."""
    lines: list[list[Cell]] = []
    for row in rows:
        request, facts, decision = row.request, row.facts, row.decision
        lines.append(
            [
                request.municipality.number,
                request.municipality.name,
                request.municipality.county.name,
                facts.population if facts else None,
                float(facts.results_score) if facts else None,
                float(facts.immigrant_share) if facts else None,
                ("ja" if facts.exception else "nei") if facts else None,
                request.computed,
                request.requested,
                request.unaccompanied_minors,
                "ja" if request.adjusted else "nei",
                request.adjustment_reason,
                request.reason,
                decision.decided if decision else None,
                decision.unaccompanied_minors if decision else None,
                decision.large_dwellings if decision else None,
                decision.decided_on if decision else None,
                row.difference,
            ]
        )
    return xlsx_bytes([Sheet(f"Anmodninger {year}", EXPORT_COLUMNS, lines, freeze="C2")])
