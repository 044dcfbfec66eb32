"""Spreading a need that includes unaccompanied minors (issue 21 item 3): the minors over the
municipalities that have said yes to them, everyone else over every municipality.

The need is spread in two parts, each by the method of ``spreading.py``:

- **adults and families**: ``need - minors`` persons over every municipality with figures, by
  the criteria in force (``Criteria.in_force``: 60/40 weights, the minimum of 10, the
  immigrant-share limit; seed 001);
- **unaccompanied minors**: ``minors`` persons over the municipalities with ``accepts_minors``
  only, by ``Criteria.for_minors``: the same weights and immigrant-share limit (the weights are
  shares of the sums over the accepting municipalities), with the minors' own minimum.

A municipality's request is its adults part plus its minors part, and ``unaccompanied_minors``
is the minors part. Each part is rounded by largest remainder on its own, so the requests sum to
the need and their minors to the minors exactly; a county's sums are those of its municipalities.

**The minimum and the minors.** Seed 001 sets the minimum for the request as a whole: «Ingen
kommune skal anmodes om færre enn 10 personer, med mindre det foreligger særskilte forhold». It is
applied, as before, to the adults part. For unaccompanied minors no minimum is published; they are
settled in small numbers by the municipalities that said yes (2018: 270 of the 5 350 asked for),
and a minimum of 10 each would put them all in a handful of large municipalities. Their minimum is
therefore a parameter of its own, ``settlement/request_minors_minimum``, 0 (none) from 2019 as
Integrering's own choice. A municipality whose adults part falls under the minimum may so be asked
for minors only (fewer than 10 persons): its yes to minors is the special circumstance the rule
allows for, and the reason of its line says so.

If there are minors to spread and no municipality has said yes to them, the need is refused
(``SpreadError``) rather than spread over municipalities that have not said yes.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from integrering.rules.parameters import RulesError

from .spreading import DROP, Criteria, SpreadError, SpreadLine, SpreadResult, SpreadRow, spread


@dataclass(frozen=True)
class GroupLine:
    """One municipality's request: both parts added, with the line of each part."""

    municipality: str
    request: int  # adults part + minors part
    minors: int  # the minors part (unaccompanied minors of the request)
    reason: str
    adults: SpreadLine
    minors_line: SpreadLine | None  # None: not among the minors' municipalities, or no minors

    @property
    def adults_request(self) -> int:
        return self.request - self.minors


@dataclass(frozen=True)
class GroupSpreadResult:
    need: int
    minors: int
    below_minimum: str
    lines: list[GroupLine]  # one per input row, in the input's order
    adults: SpreadResult | None  # None when every person of the need is a minor
    minors_result: SpreadResult | None  # None without minors

    @property
    def requested_municipalities(self) -> int:
        return sum(1 for line in self.lines if line.request > 0)

    @property
    def minors_municipalities(self) -> int:
        return sum(1 for line in self.lines if line.minors > 0)

    @property
    def total(self) -> int:
        return sum(line.request for line in self.lines)

    @property
    def minors_total(self) -> int:
        return sum(line.minors for line in self.lines)


def no_municipality_accepts_minors(minors: int, how: str = "") -> str:
    """Why minors cannot be spread when no municipality has said yes to them; ``how``: the
    command that loads the figures, when there is one to name."""
    load = f" med «{how}»" if how else ""
    return (
        f"Behovet har {minors_text(minors)}, men ingen kommune har sagt ja til å bosette "
        "enslige mindreårige i kommunedataene for året. Merk kommunene som tar imot dem "
        f"(kolonnen accepts_minors i kommunedataene{load}), eller sett antallet enslige "
        "mindreårige til 0."
    )


def minors_criteria_lines(criteria: Criteria) -> list[str]:
    """How the minors are spread, as the planner's page explains it (none without a minimum in
    force for them)."""
    try:
        minors = Criteria.for_minors(criteria.on)
    except RulesError:
        return []
    rule = (
        "uten minsteanmodning"
        if minors.minimum == 0
        else f"med en minsteanmodning på {minors.minimum}"
    )
    return [
        "Enslige mindreårige fordeles med de samme vektene, men bare på kommunene som har sagt ja "
        f"til å bosette dem, {rule}. Minsteanmodningen på {criteria.minimum} gjelder delen for "
        "voksne og familier.",
    ]


def minors_text(n: int) -> str:
    """«1 enslig mindreårig», «3 enslige mindreårige»."""
    return f"{n} enslig mindreårig" if n == 1 else f"{n} enslige mindreårige"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _reason(adults: SpreadLine, minors: SpreadLine | None) -> str:
    """The line's reason: the adults part's, and what differs for the minors part."""
    if minors is None or (minors.request == 0 and minors.reason in {"", adults.reason}):
        return adults.reason
    parts = []
    if adults.request == 0 and adults.reason:
        parts.append(f"Voksne og familier: {_lower_first(adults.reason)}")
        parts.append(
            f"Anmodes om {minors_text(minors.request)} (kommunen tar imot enslige mindreårige)."
        )
    elif adults.reason:
        parts.append(adults.reason)
    if minors.reason and minors.reason != adults.reason:
        parts.append(f"Enslige mindreårige: {_lower_first(minors.reason)}")
    return " ".join(parts)


def spread_with_minors(
    need: int,
    minors: int,
    rows: Sequence[SpreadRow],
    *,
    below_minimum: str = DROP,
    on: datetime.date | None = None,
) -> GroupSpreadResult:
    """Spread ``need`` persons, of which ``minors`` unaccompanied minors, over ``rows`` (see the
    module docstring); the criteria are those in force on ``on``.

    Raises ``SpreadError`` (in Norwegian) for bad input, for minors with no municipality that
    accepts them, or for a part the method cannot spread.
    """
    if isinstance(need, bool) or not isinstance(need, int) or need < 1:
        raise SpreadError("Behovet må være et positivt heltall (antall personer).")
    if isinstance(minors, bool) or not isinstance(minors, int) or minors < 0:
        raise SpreadError("Antallet enslige mindreårige må være et helt tall, 0 eller større.")
    if minors > need:
        raise SpreadError(
            f"Enslige mindreårige er en del av behovet og kan ikke være flere enn {need}."
        )
    seen: set[str] = set()
    for row in rows:
        if row.municipality in seen:
            raise SpreadError(f"Kommune {row.municipality} er med flere ganger.")
        seen.add(row.municipality)
    on = on or timezone.localdate()

    adults = (
        spread(need - minors, rows, below_minimum=below_minimum, on=on) if need > minors else None
    )
    minors_result = None
    minors_lines: dict[str, SpreadLine] = {}
    if minors:
        accepting = [row for row in rows if row.accepts_minors]
        if not accepting:
            raise SpreadError(no_municipality_accepts_minors(minors))
        try:
            minors_result = spread(
                minors, accepting, below_minimum=below_minimum, criteria=Criteria.for_minors(on)
            )
        except SpreadError as exc:
            raise SpreadError(
                f"{minors_text(minors).capitalize()} kan ikke fordeles på "
                f"{len(accepting)} {'kommune' if len(accepting) == 1 else 'kommuner'} som tar "
                f"imot enslige mindreårige: {_lower_first(str(exc))}"
            ) from None
        minors_lines = {line.municipality: line for line in minors_result.lines}

    lines = []
    for i, row in enumerate(rows):
        adult = adults.lines[i] if adults else SpreadLine(row.municipality, 0, "")
        minor = minors_lines.get(row.municipality)
        count = minor.request if minor else 0
        lines.append(
            GroupLine(
                municipality=row.municipality,
                request=adult.request + count,
                minors=count,
                reason=_reason(adult, minor),
                adults=adult,
                minors_line=minor,
            )
        )
    return GroupSpreadResult(
        need=need,
        minors=minors,
        below_minimum=below_minimum,
        lines=lines,
        adults=adults,
        minors_result=minors_result,
    )
