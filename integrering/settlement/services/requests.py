"""Requests to municipalities (anmodninger), seed 001: the municipalities' figures, spreading
the year's need, and adjusting one request.

Each year the directorate asks every municipality to settle a number of refugees: the year's
need is spread over the municipalities by the government's criteria from 2019
(``settlement/spreading.py``), from the municipalities' figures for the year
(``MunicipalityFacts``, loaded with ``integrering settlement-facts``); its unaccompanied minors
over the municipalities that have said yes to them (``spreading_groups.py``). The planner may
adjust a single request, with a reason. Each municipality answers with a decision
(``request_answers.py``), by a date (``answer_due``) after which it is reminded
(``request_reminders.py``); the year's table, sums and export are in ``request_tables.py``.

- ``requests_spread`` replaces the year's requests, and is refused once a decision is recorded
  for the year (the decisions answer those requests).
- ``request_adjust`` uses optimistic locking (``version_bump``).

«Anmodning» is kept in Norwegian in the UI; in code it is a ``SettlementRequest``. The figures are
aggregates per municipality, not personal data: nothing here is audit-logged.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrering.accounts.access import planner_or_system_require
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError, conflict_message, version_bump
from integrering.organisations.models import Municipality
from integrering.rules.parameters import RulesError, value

from ..models import MunicipalDecision, MunicipalityFacts, SettlementRequest
from ..selectors import MAX_YEAR, MIN_YEAR
from ..spreading import BELOW_MINIMUM, SpreadError, SpreadRow
from ..spreading_groups import no_municipality_accepts_minors, spread_with_minors

REQUEST = "anmodningen"
DECISION = "vedtaket"
REASON_MAX = 300
NOTE_MAX = 300
ANSWER_DAYS = "settlement/request_answer_days"
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
    """Replace the year's ``MunicipalityFacts`` with ``rows`` (``accepts_minors`` too), all or
    nothing; return how many.

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
                accepts_minors=row.accepts_minors,
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


def answer_due_from(day: datetime.date) -> datetime.date | None:
    """The answer date of requests sent on ``day``: ``settlement/request_answer_days`` later
    (None before the parameter has a value)."""
    try:
        days = int(value(ANSWER_DAYS, day))
    except RulesError:
        return None
    return day + datetime.timedelta(days=days)


def requests_spread(
    *,
    ctx: AccessContext,
    year: int,
    need: int,
    below_minimum: str,
    unaccompanied_minors: int = 0,
) -> list[SettlementRequest]:
    """Spread ``need`` persons, of which ``unaccompanied_minors``, over the municipalities with
    figures for ``year`` and save the result as the year's requests, replacing those there were
    (adjustments too).

    The criteria are those in force on 1 January of the year (seed 001, from 2019; method in
    ``spreading.py``); the minors go to the municipalities that accept them
    (``spreading_groups.py``). Every municipality with figures gets a request, 0 with the reason
    when it is not asked; ``computed`` and ``computed_minors`` keep what the method gave. The
    answer date is ``settlement/request_answer_days`` from today. Refused once any
    municipality's decision is recorded for the year: the decisions answer the requests as they
    were sent.
    """
    planner_or_system_require(ctx.user)
    minors = unaccompanied_minors
    errors: dict[str, list[str]] = {}
    if error := _year_error(year):
        errors["year"] = [error]
    if isinstance(need, bool) or not isinstance(need, int) or need < 1:
        errors["need"] = ["Behovet må være et positivt heltall (antall personer)."]
    if isinstance(minors, bool) or not isinstance(minors, int) or minors < 0:
        errors["unaccompanied_minors"] = [
            "Antallet enslige mindreårige må være et helt tall, 0 eller større."
        ]
    elif "need" not in errors and minors > need:
        errors["unaccompanied_minors"] = [
            f"Enslige mindreårige er en del av behovet og kan ikke være flere enn {need}."
        ]
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
            accepts_minors=f.accepts_minors,
        )
        for f in facts
    ]
    if minors and not any(row.accepts_minors for row in rows):
        raise ValidationError(
            {"unaccompanied_minors": [no_municipality_accepts_minors(minors, facts_command(year))]}
        )
    try:
        result = spread_with_minors(
            need, minors, rows, below_minimum=below_minimum, on=datetime.date(year, 1, 1)
        )
    except SpreadError as exc:
        raise ValidationError(str(exc)) from None
    answer_due = answer_due_from(timezone.localdate())
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
                unaccompanied_minors=line.minors,
                computed_minors=line.minors,
                reason=line.reason[:200],
                answer_due=answer_due,
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
