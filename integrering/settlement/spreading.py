"""Spreading the year's settlement need over municipalities as requests (anmodninger).

The government's criteria from 2019 (seed 001, «2019 – bosettingskriterier»), as dated
parameters under ``rules/parameters/settlement/request_*.yaml``: results and labour market weigh
60 %, capacity measured by population 40 %; no municipality is asked for fewer than 10; as a rule
no settlement where immigrants are over 30 % of the population; municipalities with an
integration reception centre (and their neighbours) are considered specially (``exception``).

The exact method (issue 7), so that every result can be checked by hand:

1. Eligible: immigrant share <= the limit, or ``exception``. The others get 0.
2. Weight ``w_i = 0.6 * results_i / sum(results) + 0.4 * population_i / sum(population)``, the
   sums over the eligible (a term whose sum is 0 counts 0 for everyone).
3. ``drop`` (the default): repeat { ``raw_i = need * w_i / sum of w over those still asked``;
   stop asking every municipality with ``raw_i`` < 10 } until nothing changes.
   ``raise``: repeat { those with ``raw_i`` < 10 are fixed at 10; the rest of the need is spread
   over the others in proportion to ``w`` } until nothing changes.
4. Round to whole persons by largest remainder: floor, then one more to the largest fractional
   parts, ties by municipality number ascending, so the requests sum to the need exactly.

The arithmetic is exact (``Fraction``): a tie in step 4 is a true tie, never float noise.

Two needs cannot be spread, and are refused with ``SpreadError`` rather than bent:

- ``drop`` when every municipality falls under the minimum (the need is too small for the
  number of eligible municipalities: the rule stops asking all of them at once);
- ``raise`` when the minimum for every eligible municipality is more than the need
  (10 x eligible > need): fixing them all at 10 would ask for more persons than there are.

The reason of a line says why a municipality is not asked, and for an asked one what was
special (raised to the minimum, considered specially above the immigrant-share limit); it is
empty for an ordinary request.

The year's unaccompanied minors are spread apart, by the same method, over the municipalities
that have said yes to them (``spreading_groups.py``, with ``Criteria.for_minors``).

This module knows nothing of Django: the planner's pages (``services/requests.py``) and the
command ``integrering settlement spread`` (``cli/spread.py``) both call ``spread``.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.utils import timezone

from integrering.rules.parameters import value

DROP = "drop"
RAISE = "raise"
BELOW_MINIMUM: dict[str, str] = {
    DROP: "Kommuner som beregnes til færre enn minsteanmodningen, anmodes ikke; behovet fordeles "
    "på de andre.",
    RAISE: "Kommuner som beregnes til færre enn minsteanmodningen, anmodes om minsteanmodningen; "
    "resten av behovet fordeles på de andre.",
}

PARAMETERS = (
    "settlement/request_results_weight",
    "settlement/request_population_weight",
    "settlement/request_minimum",
    "settlement/request_max_immigrant_share",
)
# The minimum of the minors' part, in place of ``settlement/request_minimum`` (see that file).
MINORS_MINIMUM = "settlement/request_minors_minimum"

COLUMNS = ("municipality_number", "population", "results_score", "immigrant_share", "exception")
OPTIONAL_COLUMNS = ("exception_reason", "accepts_minors")
# ``accepts_minors``: has said yes to settling unaccompanied minors. An empty cell is «nei».
YES_NO = {"ja": True, "1": True, "true": True, "nei": False, "0": False, "false": False, "": False}
MUNICIPALITY_NUMBER = re.compile(r"^\d{4}$")


class SpreadError(ValueError):
    """A need the method cannot spread; the message says why, in Norwegian."""


@dataclass(frozen=True)
class SpreadRow:
    municipality: str  # four-digit municipality number
    population: int
    results_score: Decimal  # >= 0
    immigrant_share: Decimal  # 0..1
    exception: bool
    accepts_minors: bool = False  # has said yes to settling unaccompanied minors


@dataclass(frozen=True)
class SpreadLine:
    municipality: str
    request: int  # whole persons, 0 when not asked
    reason: str  # why (Norwegian, short); empty for an ordinary request
    eligible: bool = True
    weight: Fraction = Fraction(0)  # w_i of step 2 (0 when not eligible)
    raw: Fraction = Fraction(0)  # the exact share before rounding (0 when not asked)


@dataclass(frozen=True)
class Criteria:
    """The request criteria in force on a date (the parameters ``settlement/request_*``)."""

    on: datetime.date
    results_weight: Fraction
    population_weight: Fraction
    minimum: int
    max_immigrant_share: Fraction

    @classmethod
    def in_force(cls, on: datetime.date) -> Criteria:
        results, population, minimum, share = (value(name, on) for name in PARAMETERS)
        return cls(
            on=on,
            results_weight=Fraction(results),
            population_weight=Fraction(population),
            minimum=int(minimum),
            max_immigrant_share=Fraction(share),
        )

    @classmethod
    def for_minors(cls, on: datetime.date) -> Criteria:
        """The criteria of the unaccompanied minors' part: the same weights and immigrant-share
        limit, with the minors' own minimum (``settlement/request_minors_minimum``)."""
        return replace(cls.in_force(on), minimum=int(value(MINORS_MINIMUM, on)))


@dataclass(frozen=True)
class SpreadResult:
    need: int
    below_minimum: str  # "drop" | "raise"
    lines: list[SpreadLine]  # one per input row, in the input's order
    criteria: Criteria | None = None
    iterations: int = 0  # rounds of step 3 until nothing changed

    @property
    def requested_municipalities(self) -> int:
        return sum(1 for line in self.lines if line.request > 0)

    @property
    def total(self) -> int:
        return sum(line.request for line in self.lines)


def percent_text(share: Fraction | Decimal) -> str:
    """A share as Norwegian percent, as exact as the data: 0.3 → «30 %», 0.3001 → «30,01 %»."""
    if isinstance(share, Decimal):
        percent = share * 100
    else:
        percent = Decimal(share.numerator) * 100 / Decimal(share.denominator)
    text = f"{percent.normalize():f}" if percent != percent.to_integral() else f"{int(percent)}"
    return f"{text.replace('.', ',')} %"


def persons_text(raw: Fraction) -> str:
    """A computed share of persons, cut (not rounded) to two decimals: 9.999 is «9,99», never «10,00»."""
    hundredths = math.floor(raw * 100)
    return f"{hundredths // 100},{hundredths % 100:02d}"


def _weights(rows: Sequence[SpreadRow], eligible: list[int], c: Criteria) -> dict[int, Fraction]:
    results = sum((Fraction(rows[i].results_score) for i in eligible), Fraction(0))
    population = sum(rows[i].population for i in eligible)
    weights = {}
    for i in eligible:
        w = Fraction(0)
        if results:
            w += c.results_weight * Fraction(rows[i].results_score) / results
        if population:
            w += c.population_weight * Fraction(rows[i].population, population)
        weights[i] = w
    return weights


def _drop(
    need: int, weights: dict[int, Fraction], minimum: int
) -> tuple[dict[int, Fraction], dict[int, Fraction], int]:
    """Step 3, ``drop``: (raw of those asked, raw of the dropped when dropped, iterations)."""
    asked = set(weights)
    dropped: dict[int, Fraction] = {}
    iterations = 0
    while True:
        iterations += 1
        total = sum(weights[i] for i in asked)
        raw = {i: need * weights[i] / total for i in asked}
        below = {i for i in asked if raw[i] < minimum}
        if not below:
            return raw, dropped, iterations
        dropped.update({i: raw[i] for i in below})
        asked -= below
        if not asked:
            raise SpreadError(
                f"Ingen kommune kommer opp i minsteanmodningen på {minimum} personer: behovet på "
                f"{need} er for lite til å fordeles på {len(weights)} kommuner etter regelen. "
                "Øk behovet, eller fordel det for hånd."
            )


def _raise(
    need: int, weights: dict[int, Fraction], minimum: int
) -> tuple[dict[int, Fraction], dict[int, Fraction], int]:
    """Step 3, ``raise``: (raw of everyone asked, raw of the raised when raised, iterations)."""
    if minimum * len(weights) > need:
        # The iteration would fix more municipalities at the minimum than the need can pay for
        # exactly when this holds (and never otherwise), so it is refused up front.
        raise SpreadError(
            f"Med «raise» skal hver av de {len(weights)} kommunene som kan anmodes, ha minst "
            f"{minimum} personer, til sammen {minimum * len(weights)}, men behovet er {need}. "
            "Bruk «drop», eller øk behovet."
        )
    free = set(weights)
    raised: dict[int, Fraction] = {}
    iterations = 0
    while True:
        iterations += 1
        rest = need - minimum * len(raised)
        total = sum(weights[i] for i in free)
        raw = {i: rest * weights[i] / total for i in free}
        below = {i for i in free if raw[i] < minimum}
        if not below:
            return {**raw, **{i: Fraction(minimum) for i in raised}}, raised, iterations
        raised.update({i: raw[i] for i in below})
        free -= below


def _largest_remainder(
    need: int, raw: dict[int, Fraction], numbers: Sequence[str]
) -> dict[int, int]:
    """Step 4: floor, then one more to the largest fractional parts (ties: lowest number first)."""
    whole = {i: math.floor(share) for i, share in raw.items()}
    left = need - sum(whole.values())
    order = sorted(raw, key=lambda i: (-(raw[i] - whole[i]), numbers[i]))
    for i in order[:left]:
        whole[i] += 1
    return whole


def spread(
    need: int,
    rows: Sequence[SpreadRow],
    *,
    below_minimum: str = DROP,
    on: datetime.date | None = None,
    criteria: Criteria | None = None,
) -> SpreadResult:
    """Spread ``need`` persons over ``rows`` by the request criteria in force on ``on`` (or by
    ``criteria``, e.g. ``Criteria.for_minors``).

    Implements steps 1-4 of the module docstring (seed 001, the criteria from 2019). Every row
    gets one line, in the input's order; the requests sum to ``need`` exactly. Raises
    ``SpreadError`` for a need that cannot be spread (see the module docstring) or bad input.
    """
    if below_minimum not in BELOW_MINIMUM:
        raise SpreadError(
            f"Ukjent regel for små anmodninger «{below_minimum}»: bruk drop eller raise."
        )
    if isinstance(need, bool) or not isinstance(need, int) or need < 1:
        raise SpreadError("Behovet må være et positivt heltall (antall personer).")
    seen: set[str] = set()
    for row in rows:
        if row.municipality in seen:
            raise SpreadError(f"Kommune {row.municipality} er med flere ganger.")
        seen.add(row.municipality)
    criteria = criteria or Criteria.in_force(on or timezone.localdate())
    minimum = criteria.minimum
    eligible = [
        i
        for i, row in enumerate(rows)
        if Fraction(row.immigrant_share) <= criteria.max_immigrant_share or row.exception
    ]
    if not eligible:
        raise SpreadError(
            "Ingen kommune kan anmodes: alle har innvandrerandel over "
            f"{percent_text(criteria.max_immigrant_share)}, og ingen vurderes særskilt."
        )
    weights = _weights(rows, eligible, criteria)
    if not any(weights.values()):
        raise SpreadError(
            "Ingen kommune som kan anmodes, har innbyggere eller resultatskår: behovet kan ikke "
            "fordeles."
        )
    if below_minimum == DROP:
        raw, below, iterations = _drop(need, weights, minimum)
    else:
        raw, below, iterations = _raise(need, weights, minimum)
    numbers = [row.municipality for row in rows]
    persons_requested = _largest_remainder(need, raw, numbers)

    limit = percent_text(criteria.max_immigrant_share)
    lines = []
    for i, row in enumerate(rows):
        above_limit = Fraction(row.immigrant_share) > criteria.max_immigrant_share
        share = percent_text(row.immigrant_share)
        if i not in weights:
            lines.append(
                SpreadLine(
                    row.municipality,
                    0,
                    f"Innvandrerandel {share} er over grensen på {limit}.",
                    eligible=False,
                )
            )
            continue
        reasons = []
        if above_limit:
            reasons.append(f"Vurderes særskilt (innvandrerandel {share}, over grensen på {limit}).")
        if i in below and below_minimum == DROP:
            reasons.append(
                f"Beregnet til {persons_text(below[i])} personer, under minsteanmodningen på "
                f"{minimum}: anmodes ikke."
            )
        elif i in below:
            reasons.append(
                f"Hevet til minsteanmodningen på {minimum} (beregnet til "
                f"{persons_text(below[i])} personer)."
            )
        lines.append(
            SpreadLine(
                row.municipality,
                persons_requested.get(i, 0),
                " ".join(reasons),
                weight=weights[i],
                raw=raw.get(i, Fraction(0)),
            )
        )
    return SpreadResult(
        need=need,
        below_minimum=below_minimum,
        lines=lines,
        criteria=criteria,
        iterations=iterations,
    )


# --- The municipalities' figures as a file ----------------------------------------------------


@dataclass
class SpreadFile:
    """A facts file read: its rows (with the optional ``exception_reason`` of each, and the line
    number it was on), or every problem found."""

    rows: list[SpreadRow] = field(default_factory=list)
    exception_reasons: list[str] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def spread_file_read(text: str) -> SpreadFile:
    """Read a file with the columns ``municipality_number,population,results_score,
    immigrant_share,exception`` (and optionally ``exception_reason`` and ``accepts_minors``: ja,
    nei, 1, 0, true or false, empty for nei; other columns are ignored).

    Comma-separated (a file saved by Norwegian Excel with semicolons is read too; a decimal comma
    is accepted). Every problem is listed with its line number; with any problem, no rows.
    """
    result = SpreadFile()
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        result.problems.append(
            "Filen er tom: første linje skal være overskriften " + ",".join(COLUMNS) + "."
        )
        return result
    header_line = lines[0]
    delimiter = ";" if ";" in header_line and "," not in header_line else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in next(reader)]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        result.problems.append(
            f"Filen mangler {'kolonnen' if len(missing) == 1 else 'kolonnene'} "
            + ", ".join(missing)
            + ". Overskriften skal være "
            + ",".join(COLUMNS)
            + "."
        )
        return result
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        result.problems.append(
            "Kolonnen står flere ganger i overskriften: " + ", ".join(doubled) + "."
        )
        return result
    index = {name: header.index(name) for name in (*COLUMNS, *OPTIONAL_COLUMNS) if name in header}
    lines_of: dict[str, list[int]] = defaultdict(list)

    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        problems = []
        if any(extra.strip() for extra in cells[len(header) :]):
            problems.append(
                f"Linje {line}: flere felt ({len(cells)}) enn i overskriften ({len(header)})."
            )

        def cell(name: str, cells: list[str] = cells) -> str:
            position = index.get(name)
            return cells[position].strip() if position is not None and position < len(cells) else ""

        number = cell("municipality_number")
        if not MUNICIPALITY_NUMBER.match(number):
            problems.append(
                f"Linje {line}: municipality_number «{number}» er ikke et kommunenummer med fire siffer."
            )
        else:
            lines_of[number].append(line)
        population_text = cell("population")
        population = int(population_text) if population_text.isdigit() else None
        if population is None or population < 1:
            problems.append(
                f"Linje {line}: population «{population_text}» må være et positivt heltall (innbyggertallet)."
            )
        results = _decimal(cell("results_score"))
        if results is None or results < 0:
            problems.append(
                f"Linje {line}: results_score «{cell('results_score')}» må være et tall, 0 eller større."
            )
        share = _decimal(cell("immigrant_share"))
        if share is None or not 0 <= share <= 1:
            problems.append(
                f"Linje {line}: immigrant_share «{cell('immigrant_share')}» må være en andel mellom 0 og 1 "
                "(0,25 betyr 25 %)."
            )
        exception = cell("exception")
        if exception not in {"0", "1"}:
            problems.append(
                f"Linje {line}: exception «{exception}» må være 0 eller 1 (1: vurderes særskilt)."
            )
        accepts = cell("accepts_minors").lower()
        if accepts not in YES_NO:
            problems.append(
                f"Linje {line}: accepts_minors «{cell('accepts_minors')}» må være ja eller nei "
                "(også 1/0 eller true/false): har kommunen sagt ja til enslige mindreårige?"
            )
        if problems:
            result.problems += problems
            continue
        assert population is not None and results is not None and share is not None
        result.rows.append(
            SpreadRow(number, population, results, share, exception == "1", YES_NO[accepts])
        )
        result.exception_reasons.append(cell("exception_reason"))
        result.line_numbers.append(line)

    for number, where in sorted(lines_of.items()):
        if len(where) > 1:
            result.problems.append(
                f"Kommune {number} står på flere linjer: {', '.join(str(n) for n in where)}."
            )
    if not lines_of and not result.problems:
        result.problems.append("Filen har ingen kommuner, bare overskriften.")
    if result.problems:
        result.rows, result.exception_reasons, result.line_numbers = [], [], []
    return result
