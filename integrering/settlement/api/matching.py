"""API for the matcher (utsøking): start a run (computed in the background), read it with its
placements and their explanations (better options, adaptation needs, why not placed, and the
municipality's capacity-survey ``warnings``), lock or change a placement, confirm the proposal (queued for
the worker, like the computation: 202, then follow the run's ``confirm`` with GET).

The same services and selectors as the pages: for anyone but a settlement planner every run and
placement is 404.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import planner_require
from integrering.audit.services import AccessContext
from integrering.organisations.models import Municipality
from integrering.schemas import ErrorOut, ObjectId

from ..models import MatchRun, MatchRunStatus, Placement
from ..selectors import audit_waiting_list, match_run_get, placement_get
from ..services.match_capacity import options_in_words
from ..services.match_notes import PlacementNotes, placement_notes
from ..services.matching import match_run_confirm_start, match_run_start, placement_change

router = Router(tags=["bosetting"])


class MatchRunIn(Schema):
    year: int = Field(ge=2000, le=2100)
    time_limit: int = 60


class OptionOut(Schema):
    municipality: str
    name: str
    score: float
    stopped_by: list[str]
    price: float | None = Field(
        None,
        description="Pris for en plass denne uken for husstanden i denne kommunen (null når "
        "utsøkingen ikke satte pris på plassene)",
    )


class PlacementOut(Schema):
    id: int
    household: str
    persons: int
    municipality: str | None
    score: float | None
    rank: int | None
    allowed: int
    best_score: float | None
    locked: bool
    changed_by_planner: bool
    better: list[OptionOut]
    place_price: float | None = Field(
        description="Pris for plassen denne uken: hvor mye skår plassen i kommunen ventes å gi "
        "husstander som blir klare senere i år (personene ganger prisen per person, pluss "
        "prisen for stor bolig, skoleplasser eller plasser for enslige mindreårige den "
        "trenger); husstanden er plassert der skår minus pris er høyest. Null når utsøkingen "
        "ikke satte pris på plassene"
    )
    adaptation_needs: list[str] = Field(
        description="Husstandens behov for tilpasning (koder fra settlement/adaptation_needs); "
        "bare kommuner som har sagt at de kan møte alle er vurdert"
    )
    needs_note: str = Field(description="Behovene forklart, tom uten behov")
    reason: str = Field(description="Hvorfor husstanden ikke er plassert; tom når den er plassert")
    warnings: list[str] = Field(
        description="Kommunens siste svar på kapasitetskartleggingen for tjenester som er "
        "utfordrende eller kritiske, f.eks. «boliger: kritisk (2. kvartal 2026)»; endrer ikke skåren"
    )
    version: int


class MatchRunConfirmOut(Schema):
    state: str = Field(
        description="Bekreftelsen: «» (ikke startet), queued (i kø), running (overføres), "
        "done (overført) eller failed (ikke overført; se problems)"
    )
    stage: str = Field(description="Steget bekreftelsen er i mens den kjøres")
    total: int = Field(description="Husstander som skal overføres")
    done: int = Field(description="Husstander kontrollert så langt")
    transferred: int = Field(description="Husstander overført til kommunene (0 til den er ferdig)")
    problems: list[str] = Field(
        description="Hvorfor ingen husstander ble overført, én linje per problem"
    )
    requested_at: datetime.datetime | None
    finished_at: datetime.datetime | None


class MatchRunOut(Schema):
    id: int
    year: int
    status: str
    stage: str
    progress: int
    households: int
    placed: int
    persons_placed: int
    objective: float | None
    lp_bound: float | None
    gap_percent: float | None
    greedy_objective: float | None
    seconds: float | None
    solver_status: str
    policy: str = Field(
        description="dynamic: plassene prises etter hva husstander som ventes senere i år "
        "trenger; myopic: ukens optimum alene (ingen flere ventet ut over behovet); tom for "
        "eldre kjøringer"
    )
    expected_flow: int | None = Field(
        description="Personer som ventes senere i år: årets bosettingsbehov minus de som er "
        "bosatt eller bekreftet og de som venter nå (null uten registrert behov)"
    )
    myopic_objective: float | None = Field(description="Samlet skår for ukens optimum alene")
    place_prices: dict[str, dict[str, float]] = Field(
        description="Per kommunenummer: pris for en plass denne uken, per person («persons») "
        "og per enhet av hver annen kapasitet som har en pris"
    )
    error: str
    confirm: MatchRunConfirmOut


class MatchRunDetailOut(MatchRunOut):
    placements: list[PlacementOut]


class PlacementIn(Schema):
    municipality: str | None = Field(
        None,
        description="Kommunenummer; null tar husstanden ut av forslaget, uten feltet beholdes kommunen",
    )
    locked: bool = False
    version: int


def _confirm_out(run: MatchRun) -> dict[str, object]:
    return {
        "state": run.confirm_state,
        "stage": run.confirm_stage,
        "total": run.confirm_total,
        "done": run.confirm_done,
        "transferred": run.confirm_done if run.status == MatchRunStatus.CONFIRMED else 0,
        "problems": run.confirm_problems,
        "requested_at": run.confirm_requested_at,
        "finished_at": run.confirm_finished_at,
    }


def _run_out(run: MatchRun) -> dict[str, object]:
    out = {name: getattr(run, name) for name in MatchRunOut.model_fields if name != "confirm"}
    return {**out, "confirm": _confirm_out(run)}


def _placement_out(p: Placement, notes: PlacementNotes | None = None) -> dict[str, object]:
    notes = notes or placement_notes([p])[p.pk]
    return {
        "id": p.pk,
        "household": p.household.reference,
        "persons": p.household.members.count(),
        "municipality": p.municipality.number if p.municipality else None,
        "score": p.score,
        "rank": p.rank,
        "allowed": p.allowed,
        "best_score": p.best_score,
        "locked": p.locked,
        "changed_by_planner": p.changed_by_planner,
        "better": options_in_words(p.explanation),
        "place_price": p.place_price,
        "adaptation_needs": list(p.household.adaptation_needs or ()),
        "needs_note": notes.needs,
        "reason": notes.reason,
        "warnings": notes.warnings,
        "version": p.version,
    }


@router.get(
    "/match-runs", response={200: list[MatchRunOut], 403: ErrorOut}, summary="Utsøkinger i et år"
)
def match_runs_list(request: HttpRequest, year: int) -> list[dict[str, object]]:
    planner_require(request.user)
    return [_run_out(run) for run in MatchRun.objects.filter(year=year)]


@router.post(
    "/match-runs",
    response={201: MatchRunOut, 403: ErrorOut, 422: ErrorOut},
    summary="Start en utsøking (beregnes i bakgrunnen)",
)
def match_runs_start(request: HttpRequest, payload: MatchRunIn) -> Status:
    run = match_run_start(
        ctx=AccessContext.from_request(request), year=payload.year, time_limit=payload.time_limit
    )
    return Status(201, _run_out(run))


@router.get(
    "/match-runs/{match_run_id}",
    response={200: MatchRunDetailOut, 404: ErrorOut},
    summary="En utsøking med plasseringene og forklaringene",
)
def match_run_read(request: HttpRequest, match_run_id: ObjectId) -> dict[str, object]:
    run = match_run_get(request.user, match_run_id)
    placements = list(
        run.placements.select_related(
            "household", "household__required_municipality", "municipality"
        )
    )
    audit_waiting_list(
        ctx=AccessContext.from_request(request),
        references=[p.household.reference for p in placements],
        what=f"utsøking {run.pk} (API)",
    )
    notes = placement_notes(placements)
    return {**_run_out(run), "placements": [_placement_out(p, notes[p.pk]) for p in placements]}


@router.post(
    "/match-runs/{match_run_id}/again",
    response={201: MatchRunOut, 404: ErrorOut, 422: ErrorOut},
    summary="Kjør utsøkingen på nytt rundt de låste plasseringene",
)
def match_run_again(request: HttpRequest, match_run_id: ObjectId) -> Status:
    run = match_run_get(request.user, match_run_id)
    new = match_run_start(
        ctx=AccessContext.from_request(request),
        year=run.year,
        time_limit=run.time_limit,
        previous=run,
    )
    return Status(201, _run_out(new))


@router.post(
    "/match-runs/{match_run_id}/confirm",
    response={202: MatchRunOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Bekreft forslaget: husstandene overføres til kommunene (i bakgrunnen; følg den med GET)",
)
def match_run_confirm_api(request: HttpRequest, match_run_id: ObjectId) -> Status:
    """All or nothing: when one household cannot be registered none is, and the run's
    ``confirm.problems`` lists why. A run already being confirmed is 409."""
    run = match_run_get(request.user, match_run_id)
    run = match_run_confirm_start(ctx=AccessContext.from_request(request), run=run)
    return Status(202, _run_out(run))


@router.get(
    "/placements/{placement_id}",
    response={200: PlacementOut, 404: ErrorOut},
    summary="En plassering med forklaring",
)
def placement_read(request: HttpRequest, placement_id: ObjectId) -> dict[str, object]:
    return _placement_out(placement_get(ctx=AccessContext.from_request(request), pk=placement_id))


@router.patch(
    "/placements/{placement_id}",
    response={200: PlacementOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Lås eller endre en plassering",
)
def placement_update(
    request: HttpRequest, placement_id: ObjectId, payload: PlacementIn
) -> dict[str, object]:
    ctx = AccessContext.from_request(request)
    placement = placement_get(ctx=ctx, pk=placement_id)
    municipality = None
    if payload.municipality:
        municipality = Municipality.objects.filter(
            number=payload.municipality, valid_to__isnull=True
        ).first()
        if municipality is None:
            raise ValidationError(
                {"municipality": [f"Ukjent kommunenummer {payload.municipality}."]}
            )
    placement = placement_change(
        ctx=ctx,
        placement=placement,
        municipality=municipality,
        locked=payload.locked,
        version=payload.version,
        unplace="municipality" in payload.model_fields_set and not payload.municipality,
    )
    return _placement_out(placement)
