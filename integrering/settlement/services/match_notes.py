"""What the planner reads beside a placement's scores: the household's adaptation needs (only
municipalities that said they can meet them were considered), why a household is not placed,
and the warnings of the municipality's latest capacity survey (issue 21 item 5).

The capacity survey belongs to ``surveys``, a layer above settlement, which settlement must not
import. So the survey hands its warnings in: ``SurveysConfig.ready`` registers a provider here
(``capacity_warning_provider_register``), and ``capacity_warnings`` asks every provider
registered. Without one (settlement alone) there are no warnings. The warnings are shown only:
they change no score and no placement.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..models import Placement
from .match_capacity import municipality_capabilities, needs_text, needs_unmet

CapacityWarningProvider = Callable[[Collection[int]], Mapping[int, list[str]]]

# name -> provider; by name, so registering again (a second ``ready``) replaces, never doubles.
_providers: dict[str, CapacityWarningProvider] = {}


def capacity_warning_provider_register(name: str, provider: CapacityWarningProvider) -> None:
    """Register ``provider(municipality_ids) -> {municipality_id: [warning, ...]}``: short
    Norwegian lines about a municipality's capacity («boliger: kritisk (2. kvartal 2026)»),
    shown with the placements there. Called by the app that knows them, when it starts."""
    _providers[name] = provider


def capacity_warnings(municipality_ids: Iterable[int]) -> dict[int, list[str]]:
    """Every registered provider's warnings for the municipalities, by municipality id (a
    municipality without any is left out)."""
    ids = sorted(set(municipality_ids))
    warnings: dict[int, list[str]] = {}
    if not ids:
        return warnings
    for name in sorted(_providers):
        for municipality_id, lines in _providers[name](ids).items():
            if lines:
                warnings.setdefault(municipality_id, []).extend(lines)
    return warnings


@dataclass
class PlacementNotes:
    """The lines shown with a placement besides its options (each may be empty)."""

    needs: str = ""  # the household's adaptation needs and what they limited
    reason: str = ""  # why the household is not placed
    warnings: list[str] = field(default_factory=list)  # the municipality's capacity warnings


def placement_needs_line(codes: Sequence[str]) -> str:
    """«Husstanden trenger: rullestol / tilrettelagt bolig; bare kommuner som har sagt at de kan
    møte behovet er vurdert.» (empty without needs)."""
    if not codes:
        return ""
    return (
        f"Husstanden trenger: {needs_text(list(codes))}; bare kommuner som har sagt at de kan "
        "møte behovet er vurdert."
    )


def _unplaced_reason(placement: Placement, capable: Mapping[int, frozenset[str]]) -> str:
    """Why the household is not placed: a tie to a municipality that cannot take it, needs no
    deciding municipality has said it can meet, no room, or the planner took it out."""
    household = placement.household
    year = placement.run.year
    if placement.changed_by_planner:
        return "Planleggeren tok husstanden ut av forslaget; den venter videre."
    if placement.allowed:
        if placement.allowed == 1:
            return "Den eneste kommunen husstanden kan bosettes i, hadde ikke plass til den."
        return (
            f"Ingen av de {placement.allowed} kommunene husstanden kan bosettes i, hadde plass "
            "til den."
        )
    tie = household.required_municipality
    needs = list(household.adaptation_needs or ())
    if tie is not None:
        kind = household.get_tie_kind_display().lower() or "tilknytning"
        if tie.pk not in capable:
            return (
                f"Husstanden kan bare bosettes i {tie} ({kind}), og kommunen har ikke vedtatt å "
                f"bosette i {year}."
            )
        unmet = needs_unmet(household, capable[tie.pk])
        if unmet:
            return (
                f"Husstanden kan bare bosettes i {tie} ({kind}), og kommunen har ikke sagt at "
                f"den kan møte behovet: {needs_text(unmet)}."
            )
    if needs:
        return (
            f"Ingen kommune som har vedtatt å bosette i {year}, har sagt at den kan møte "
            f"behovet: {needs_text(needs)}. Husstanden venter videre."
        )
    return f"Ingen kommune som har vedtatt å bosette i {year}, kunne ta imot husstanden."


RANK_TOLERANCE = 1e-9  # scores equal up to rounding share a place


def rank_text(first: int, last: int) -> str:
    """A place among the household's options, ties counted as equal: «2. plass», or «delt
    1.–156. plass» when 156 municipalities share the score."""
    if last > first:
        return f"delt {first}.–{last}. plass"
    return f"{first}. plass"


def placement_rank_text(placement: Placement) -> str:
    """Where the placement's municipality ranks by score among the municipalities the household
    may go to, ties counted as equal (issue 23 item 10): «delt 1.–156. plass». Only the first
    place of a tie is stored (``Placement.rank``), so the household's scores are computed again
    as the planner's move does; empty when the household is not placed."""
    if placement.score is None or placement.rank is None:
        return ""
    # Scoring needs the matcher's numpy problem: imported here, not by every page.
    from .matching_compute import match_input_build

    data = match_input_build(year=placement.run.year, households=[placement.household])
    scores = data.problem.pair_score
    first = 1 + int((scores > placement.score + RANK_TOLERANCE).sum())
    last = int((scores >= placement.score - RANK_TOLERANCE).sum())
    if last < first:  # the scores changed since the run: say what the run found
        return rank_text(placement.rank, placement.rank)
    return rank_text(first, last)


def placement_notes(placements: Sequence[Placement]) -> dict[int, PlacementNotes]:
    """The notes of each placement, by placement id (the placements' households, municipalities
    and runs are read, so select them with the placements). One query for the warnings of all
    the municipalities, one for the decisions if some household is not placed."""
    warnings = capacity_warnings(
        p.municipality_id for p in placements if p.municipality_id is not None
    )
    unplaced_years = {p.run.year for p in placements if p.municipality_id is None}
    capable = {year: municipality_capabilities(year) for year in unplaced_years}
    notes = {}
    for placement in placements:
        household = placement.household
        note = PlacementNotes(needs=placement_needs_line(household.adaptation_needs or ()))
        if placement.municipality_id is None:
            note.reason = _unplaced_reason(placement, capable[placement.run.year])
        else:
            note.warnings = list(warnings.get(placement.municipality_id, []))
        notes[placement.pk] = note
    return notes
