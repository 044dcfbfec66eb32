"""The settlement need forecast (issue 21 item 2; seed 001 «Bosettingsbehov 2019 (beregnet pr
oktober)»): the year's need from the reception figures and the planner's expectations, in four
parts, each split by group.

The parts (``NeedPart``), for each group (``NeedGroup``: adults and families, unaccompanied minors
15-17, unaccompanied minors under 15):

- **residents with a permit in reception** (*med tillatelse, skal bosettes*): the latest count
  on or before a date of every centre open on it (``reception.reception_overview``). Residents of
  the centres for unaccompanied minors are the minors 15-17; the residents of every other centre
  are adults and families. Minors under 15 do not live in asylum reception (the child welfare
  service's care centres house them), so the counts do not have them: the planner enters how many
  with a permit wait for settlement.
- **asylum seekers expected to get a permit**: expected decisions × the share expected to be
  permits (%), per group. Rounded half up to whole persons, per part and group, before any sum
  (seed 001: 3 000 asylum seekers × 70,33 % = 2 109,9 → 2 110 permits).
- **family reunification** (and others outside reception) and **the resettlement quota**
  (*overføringsflyktninger*): the planner's figures per group.

The four figures of the need follow from the parts (``need.need_figures_from_parts``) and are
saved with them through ``need.need_write`` (versioned, a revision row with the parts). The
planner may adjust one part with a reason (``need_part_adjust``); forecasting again keeps the
adjustments, except those the new computed figure has caught up with.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils import timezone

from integrering.accounts.access import planner_or_system_require
from integrering.audit.services import AccessContext
from integrering.ui.numbers import round_half_up

from ..models import NeedGroup, NeedPart, ReceptionKind, SettlementNeed
from .need import (
    COUNT_MAX,
    REASON_MAX,
    TOO_LARGE,
    PartValues,
    need_figures_from_parts,
    need_input_errors,
    need_parts,
    need_write,
)
from .reception import reception_overview

GROUPS: tuple[str, ...] = tuple(NeedGroup.values)
PARTS: tuple[str, ...] = tuple(NeedPart.values)
# The planner's inputs per group, named ``<input>_<group>`` in forms, the API and errors.
GROUP_INPUTS = ("decisions", "rate", "family", "quota")
INPUT_LABELS = {
    "decisions": "Asylsøkere som ventes å få vedtak",
    "rate": "Andel som ventes å få tillatelse (%)",
    "family": "Familiegjenforening og andre utenfor mottak",
    "quota": "Overføringsflyktninger (kvoten)",
}
PERMIT_UNDER_15 = "permit_under_15"
RATE_DECIMALS = 2


def input_name(name: str, group: str) -> str:
    """The field name of one of a group's inputs: ``rate_adults_families``."""
    return f"{name}_{group}"


@dataclass(frozen=True)
class GroupInput:
    """What the planner expects for one group in the year."""

    decisions: int | None = 0
    rate: Decimal | None = Decimal(0)
    family: int | None = 0
    quota: int | None = 0


@dataclass(frozen=True)
class ForecastInput:
    """A forecast's inputs: the date of the reception counts, the minors under 15 with a permit
    (not in the counts), and each group's expectations."""

    counted_on: datetime.date | None
    permit_under_15: int | None = 0
    groups: Mapping[str, GroupInput] = field(default_factory=dict)

    def group(self, group: str) -> GroupInput:
        return self.groups.get(group) or GroupInput()


@dataclass(frozen=True)
class ReceptionBasis:
    """What the reception counts on a date give the forecast, per group."""

    on: datetime.date
    counted_on: datetime.date | None  # the newest count it rests on
    permits: dict[str, int]  # residents with a permit, to be settled
    asylum_seekers: dict[str, int]  # residents whose application is not decided
    uncounted: int  # open centres without a count: their residents are missing


def reception_basis(on: datetime.date) -> ReceptionBasis:
    """The residents with a permit and the asylum seekers of every centre open on ``on``, from
    each centre's latest count on or before it: those of the centres for unaccompanied minors as
    minors 15-17, the rest as adults and families (none under 15: they are not in reception)."""
    overview = reception_overview(on=on)
    permits = dict.fromkeys(GROUPS, 0)
    seekers = dict.fromkeys(GROUPS, 0)
    for kind, figures in zip(ReceptionKind, overview.kinds, strict=True):
        group = (
            NeedGroup.UNACCOMPANIED_MINORS
            if kind == ReceptionKind.UNACCOMPANIED_MINORS
            else NeedGroup.ADULTS_FAMILIES
        )
        permits[group] += figures.by_status["permit_to_settle"]
        seekers[group] += figures.by_status["asylum_seekers"]
    return ReceptionBasis(
        on=on,
        counted_on=overview.counted_on,
        permits=permits,
        asylum_seekers=seekers,
        uncounted=overview.uncounted,
    )


def expected_permits(decisions: int, rate: Decimal) -> int:
    """``decisions`` × ``rate`` %, rounded half up to whole persons, exactly (no binary float):
    3 000 × 70,33 % = 2 109,9 → 2 110."""
    return int(round_half_up(Fraction(decisions) * Fraction(rate) / 100, 0))


def _count_error(number: int | None) -> str | None:
    if number is None:
        return "Fyll inn antallet (0 hvis ingen)."
    if number < 0:
        return "Antallet kan ikke være negativt."
    if number > COUNT_MAX:
        return TOO_LARGE
    return None


def _rate_error(rate: Decimal | None) -> str | None:
    if rate is None:
        return "Fyll inn andelen i prosent (0 hvis ingen)."
    if not rate.is_finite() or rate < 0 or rate > 100:
        return "Andelen må være fra 0 til 100 %."
    exponent = rate.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -RATE_DECIMALS:
        return "Skriv andelen med høyst to desimaler, for eksempel 70,33."
    return None


def forecast_input_errors(inputs: ForecastInput) -> dict[str, list[str]]:
    """Every problem with a forecast's inputs, by field (``rate_adults_families`` ...)."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if inputs.counted_on is None:
        errors["counted_on"] = ["Fyll inn datoen for mottakstellingene."]
    elif inputs.counted_on > today:
        errors["counted_on"] = [
            f"Tellingene kan ikke være fra fremtiden (i dag er {today:%d.%m.%Y})."
        ]
    problem = _count_error(inputs.permit_under_15)
    if problem:
        errors[PERMIT_UNDER_15] = [problem]
    unknown = set(inputs.groups) - set(GROUPS)
    if unknown:
        errors["__all__"] = [f"Ukjent gruppe: {', '.join(sorted(unknown))}."]
    for group in GROUPS:
        given = inputs.group(group)
        for name in ("decisions", "family", "quota"):
            problem = _count_error(getattr(given, name))
            if problem:
                errors[input_name(name, group)] = [problem]
        problem = _rate_error(given.rate)
        if problem:
            errors[input_name("rate", group)] = [problem]
    return errors


def forecast_compute(inputs: ForecastInput) -> list[PartValues]:
    """The forecast's parts from valid inputs (``forecast_input_errors`` empty), four parts for
    each of the three groups, without adjustments."""
    assert inputs.counted_on is not None
    basis = reception_basis(inputs.counted_on)
    in_reception = {**basis.permits, NeedGroup.UNDER_15: int(inputs.permit_under_15 or 0)}
    parts = []
    for group in GROUPS:
        given = inputs.group(group)
        decisions, rate = int(given.decisions or 0), Decimal(given.rate or 0)
        parts += [
            PartValues(NeedPart.PERMIT_IN_RECEPTION, group, None, None, in_reception[group]),
            PartValues(
                NeedPart.EXPECTED_PERMITS, group, decisions, rate, expected_permits(decisions, rate)
            ),
            PartValues(NeedPart.FAMILY_REUNIFICATION, group, None, None, int(given.family or 0)),
            PartValues(NeedPart.RESETTLEMENT_QUOTA, group, None, None, int(given.quota or 0)),
        ]
    return parts


def _keep_adjustments(
    parts: Sequence[PartValues], before: Sequence[PartValues]
) -> list[PartValues]:
    """The planner's adjustments of the saved forecast, carried over to a new one; an adjustment
    the new computed figure equals is no longer one, and is cleared."""
    adjusted = {(p.part, p.group): p for p in before if p.adjusted is not None}
    kept = []
    for part in parts:
        old = adjusted.get((part.part, part.group))
        if old is not None and old.adjusted != part.computed:
            part = PartValues(
                part.part,
                part.group,
                part.basis,
                part.rate,
                part.computed,
                old.adjusted,
                old.reason,
            )
        kept.append(part)
    return kept


def need_forecast_save(
    *,
    ctx: AccessContext,
    year: int,
    inputs: ForecastInput,
    note: str = "",
    reason: str = "",
    version: int = 0,
) -> SettlementNeed:
    """Forecast the year's need from the reception counts on ``inputs.counted_on`` and the
    planner's expectations, and save it with its parts: a first forecast (``version`` 0), or a
    new one in place of the saved need (``version`` as read, with a reason). The need's four
    figures follow from the parts; its printed total, if any, is kept. Adjustments of the saved
    forecast stay on the new one (see ``_keep_adjustments``).
    """
    planner_or_system_require(ctx.user)
    existing = SettlementNeed.objects.filter(year=year).first()
    errors = forecast_input_errors(inputs)
    if errors:
        for name, messages in need_input_errors(
            year=year,
            note=(note or "").strip(),
            reason=(reason or "").strip(),
            revising=existing is not None,
        ).items():
            errors.setdefault(name, []).extend(messages)
        raise ValidationError(errors)
    parts = _keep_adjustments(forecast_compute(inputs), need_parts(existing))
    return need_write(
        ctx=ctx,
        year=year,
        figures=need_figures_from_parts(parts),
        note=note,
        reason=reason,
        version=version,
        printed_total=existing.printed_total if existing else None,
        printed_source=existing.printed_source if existing else "",
        parts=parts,
        counted_on=inputs.counted_on,
    )


def need_part_adjust(
    *,
    ctx: AccessContext,
    year: int,
    part: str,
    group: str,
    adjusted: int | None,
    reason: str = "",
    version: int,
) -> SettlementNeed:
    """Set one part of the year's forecast for one group to ``adjusted`` instead of its computed
    figure, with a reason (kept on the part and on the revision); ``adjusted`` None, or equal to
    the computed figure, takes the adjustment away (with a reason too). The need's figures follow.
    """
    planner_or_system_require(ctx.user)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if part not in PARTS:
        errors["part"] = ["Velg en del av behovet fra listen."]
    if group not in GROUPS:
        errors["group"] = ["Velg en gruppe fra listen."]
    problem = _count_error(adjusted) if adjusted is not None else None
    if problem:
        errors["adjusted"] = [problem]
    if not reason:
        errors["reason"] = [
            "Skriv hvorfor delen justeres, for eksempel «kvoten er økt i revidert budsjett»."
        ]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [f"Begrunnelsen kan ha høyst {REASON_MAX} tegn."]
    existing = SettlementNeed.objects.filter(year=year).first()
    parts = need_parts(existing)
    if existing is None or not parts:
        raise ValidationError(
            f"Behovet for {year} er ikke beregnet fra en prognose, så det har ingen deler å "
            "justere. Beregn prognosen først."
        )
    if errors:
        raise ValidationError(errors)
    current = next((p for p in parts if (p.part, p.group) == (part, group)), None)
    if current is None:
        raise ValidationError({"part": ["Prognosen har ikke denne delen for denne gruppen."]})
    if adjusted == current.computed:
        adjusted = None  # the computed figure: no adjustment
    if adjusted is None and current.adjusted is None:
        raise ValidationError(
            {
                "adjusted": [
                    f"Delen er ikke justert, og {current.computed} er det beregnede tallet: "
                    "det er ingenting å justere."
                ]
            }
        )
    changed = PartValues(
        current.part,
        current.group,
        current.basis,
        current.rate,
        current.computed,
        adjusted,
        reason if adjusted is not None else "",
    )
    parts = [changed if p is current else p for p in parts]
    return need_write(
        ctx=ctx,
        year=year,
        figures=need_figures_from_parts(parts),
        note=existing.note,
        reason=reason,
        version=version,
        printed_total=existing.printed_total,
        printed_source=existing.printed_source,
        parts=parts,
    )


def forecast_input_of(need: SettlementNeed | None, on: datetime.date) -> ForecastInput:
    """The inputs a saved forecast was made from (to fill the form again), with the counts of
    ``on``; zeros for a need without parts."""
    by_key = {(p.part, p.group): p for p in need_parts(need)}

    def computed(part: str, group: str) -> int:
        found = by_key.get((part, group))
        return found.computed if found else 0

    groups = {}
    for group in GROUPS:
        expected = by_key.get((NeedPart.EXPECTED_PERMITS, group))
        groups[group] = GroupInput(
            decisions=(expected.basis or 0) if expected else 0,
            rate=(expected.rate or Decimal(0)) if expected else Decimal(0),
            family=computed(NeedPart.FAMILY_REUNIFICATION, group),
            quota=computed(NeedPart.RESETTLEMENT_QUOTA, group),
        )
    return ForecastInput(
        counted_on=on,
        permit_under_15=computed(NeedPart.PERMIT_IN_RECEPTION, NeedGroup.UNDER_15),
        groups=groups,
    )


# --- The table of parts × groups ---------------------------------------------------------------


@dataclass(frozen=True)
class PartSection:
    """One part with its row per group and its total."""

    part: str
    label: str
    rows: list[PartValues]

    @property
    def computed(self) -> int:
        return sum(p.computed for p in self.rows)

    @property
    def total(self) -> int:
        return sum(p.value for p in self.rows)


@dataclass(frozen=True)
class PartTable:
    """A forecast's parts as the page shows them: per part (with its total), per group, in all."""

    sections: list[PartSection]
    group_totals: list[tuple[str, int]]
    figures: dict[str, int]

    @property
    def total(self) -> int:
        return sum(section.total for section in self.sections)

    @property
    def adjusted(self) -> int:
        return sum(1 for s in self.sections for p in s.rows if p.adjusted is not None)


def part_table(parts: Sequence[PartValues]) -> PartTable | None:
    """The table of ``parts`` (a need's, or a revision's snapshot); None when there are none."""
    if not parts:
        return None
    sections = [
        PartSection(part, str(NeedPart(part).label), [p for p in parts if p.part == part])
        for part in PARTS
    ]
    group_totals = [
        (str(NeedGroup(group).label), sum(p.value for p in parts if p.group == group))
        for group in GROUPS
    ]
    return PartTable(
        sections=[s for s in sections if s.rows],
        group_totals=group_totals,
        figures=need_figures_from_parts(parts),
    )


def revision_part_table(snapshot: Sequence[Mapping[str, object]]) -> PartTable | None:
    """The table of a revision's ``parts`` snapshot."""
    return part_table([PartValues.of_snapshot(item) for item in snapshot or []])
