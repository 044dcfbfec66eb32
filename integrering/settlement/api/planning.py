"""API for settlement planning's figures: the reception centres with their latest counts, the
year's settlement need (read and revise), and the year's progress.

The same services as the pages, for the directorate's settlement planners only: anyone else gets
403 on the list of centres and 404 on a year. A year outside the years a need can be entered for
is 404 too. The figures are aggregates (no personal data).
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import planner_require, planner_require_or_404
from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut

from ..models import ReceptionCentre, SettlementNeed
from ..selectors import NOT_FOUND
from ..services.need import need_for, need_revisions, need_save, need_year_error
from ..services.progress import ProgressRow, SettlementProgress, settlement_progress
from ..services.reception import reception_centres_with_latest

router = Router(tags=["bosetting"])


class ReceptionCountOut(Schema):
    counted_on: datetime.date
    residents: int
    asylum_seekers: int = Field(description="Asylsøkere under behandling")
    permit_to_settle: int = Field(description="Med tillatelse, skal bosettes")
    permit_not_to_settle: int = Field(description="Med tillatelse, skal ikke bosettes")
    other_status: int = Field(description="Henlagt, trukket, annen status")
    departure_obligation: int = Field(description="Med utreiseplikt")


class ReceptionCentreOut(Schema):
    id: int
    name: str
    kind: str = Field(description="ordinary, integration, transit eller unaccompanied_minors")
    municipality: str = Field(description="Kommunenummeret")
    municipality_name: str
    operator: str
    places: int
    opened_on: datetime.date | None
    closed_on: datetime.date | None
    latest_count: ReceptionCountOut | None = Field(
        description="Siste telling til og med i dag, eller null"
    )
    over_capacity: int = Field(description="Beboere utover plassene på siste telling (0 om ingen)")

    @staticmethod
    def of(centre: ReceptionCentre) -> ReceptionCentreOut:
        latest = None
        counted_on = getattr(centre, "latest_counted_on", None)
        if counted_on is not None:
            latest = ReceptionCountOut(
                counted_on=counted_on,
                residents=centre.latest_residents,  # type: ignore[attr-defined]
                asylum_seekers=centre.latest_asylum_seekers,  # type: ignore[attr-defined]
                permit_to_settle=centre.latest_permit_to_settle,  # type: ignore[attr-defined]
                permit_not_to_settle=centre.latest_permit_not_to_settle,  # type: ignore[attr-defined]
                other_status=centre.latest_other_status,  # type: ignore[attr-defined]
                departure_obligation=centre.latest_departure_obligation,  # type: ignore[attr-defined]
            )
        return ReceptionCentreOut(
            id=centre.pk,
            name=centre.name,
            kind=centre.kind,
            municipality=centre.municipality.number,
            municipality_name=centre.municipality.name,
            operator=centre.operator,
            places=centre.places,
            opened_on=centre.opened_on,
            closed_on=centre.closed_on,
            latest_count=latest,
            over_capacity=max(0, latest.residents - centre.places) if latest else 0,
        )


class NeedRevisionOut(Schema):
    revised_at: datetime.datetime
    revised_by: str | None
    reason: str
    from_reception: int
    outside_reception: int
    transfer_refugees: int
    unaccompanied_minors: int
    total: int


class NeedOut(Schema):
    year: int
    registered: bool = Field(description="false: behovet for året er ikke registrert ennå")
    from_reception: int
    outside_reception: int
    transfer_refugees: int
    unaccompanied_minors: int = Field(description="Hvorav enslige mindreårige (del av totalen)")
    total: int
    note: str
    version: int = Field(description="Send med ved PUT; 0 når behovet ikke er registrert")
    updated_at: datetime.datetime | None
    revisions: list[NeedRevisionOut]

    @staticmethod
    def of(year: int, need: SettlementNeed | None) -> NeedOut:
        revisions = [
            NeedRevisionOut(
                revised_at=r.revised_at,
                revised_by=r.revised_by.get_username() if r.revised_by else None,
                reason=r.reason,
                from_reception=r.from_reception,
                outside_reception=r.outside_reception,
                transfer_refugees=r.transfer_refugees,
                unaccompanied_minors=r.unaccompanied_minors,
                total=r.total,
            )
            for r in need_revisions(need)
        ]
        if need is None:
            return NeedOut(
                year=year,
                registered=False,
                from_reception=0,
                outside_reception=0,
                transfer_refugees=0,
                unaccompanied_minors=0,
                total=0,
                note="",
                version=0,
                updated_at=None,
                revisions=[],
            )
        return NeedOut(
            year=year,
            registered=True,
            from_reception=need.from_reception,
            outside_reception=need.outside_reception,
            transfer_refugees=need.transfer_refugees,
            unaccompanied_minors=need.unaccompanied_minors,
            total=need.total,
            note=need.note,
            version=need.version,
            updated_at=need.updated_at,
            revisions=revisions,
        )


class NeedIn(Schema):
    from_reception: int = Field(description="Fra mottak")
    outside_reception: int = Field(description="Utenfor mottak")
    transfer_refugees: int = Field(description="Overføringsflyktninger")
    unaccompanied_minors: int = Field(0, description="Hvorav enslige mindreårige")
    note: str = ""
    reason: str = Field("", description="Påkrevd når et registrert behov endres")
    version: int = Field(0, description="Versjonen du leste; 0 for å registrere et nytt behov")


class ProgressRowOut(Schema):
    group: str = Field(
        description="from_reception, outside_reception, transfer_refugees, total, "
        "unaccompanied_minors (del av totalen) eller family_reunification (utenom behovet)"
    )
    label: str
    need: int | None
    requested: int | None = Field(description="Bare for total og enslige mindreårige")
    decided: int | None = Field(description="Bare for total og enslige mindreårige")
    settled: int
    settled_percent: float | None = Field(description="Bosatt i prosent av behovet")

    @staticmethod
    def of(row: ProgressRow) -> ProgressRowOut:
        percent = row.settled_percent
        return ProgressRowOut(
            group=row.key,
            label=row.label,
            need=row.need,
            requested=row.requested,
            decided=row.decided,
            settled=row.settled,
            settled_percent=round(percent, 1) if percent is not None else None,
        )


class ProgressOut(Schema):
    year: int
    through: datetime.date | None = Field(description="Bosatte er talt til og med denne dagen")
    requested_municipalities: int
    decided_municipalities: int
    rows: list[ProgressRowOut]
    cumulative_settled: dict[str, list[int | None]] = Field(
        description="Bosatte summert per måned (januar først) per gruppe; null for måneder "
        "som ikke er kommet"
    )

    @staticmethod
    def of(progress: SettlementProgress) -> ProgressOut:
        return ProgressOut(
            year=progress.year,
            through=progress.through,
            requested_municipalities=progress.requested_municipalities,
            decided_municipalities=progress.decided_municipalities,
            rows=[ProgressRowOut.of(row) for row in progress.rows],
            cumulative_settled=progress.cumulative,
        )


def _year_or_404(request: HttpRequest, year: int) -> None:
    planner_require_or_404(request.user)
    if need_year_error(year) is not None:
        raise Http404(NOT_FOUND)


@router.get(
    "reception-centres",
    response={200: list[ReceptionCentreOut], 401: ErrorOut, 403: ErrorOut},
    summary="Mottakene med siste telling av beboere",
)
def reception_centre_list(request: HttpRequest) -> list[ReceptionCentreOut]:
    planner_require(request.user)
    return [ReceptionCentreOut.of(c) for c in reception_centres_with_latest()]


@router.get(
    "needs/{year}",
    response={200: NeedOut, 401: ErrorOut, 404: ErrorOut},
    summary="Bosettingsbehovet for et år, med endringshistorikken",
)
def need_detail(request: HttpRequest, year: int) -> NeedOut:
    """A year without a registered need answers ``registered: false`` and version 0."""
    _year_or_404(request, year)
    return NeedOut.of(year, need_for(year))


@router.put(
    "needs/{year}",
    response={
        200: NeedOut,
        201: NeedOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Registrer (version 0) eller revider bosettingsbehovet for et år",
)
def need_update(request: HttpRequest, year: int, payload: NeedIn) -> Status[NeedOut]:
    """A revision needs ``reason``; a stale ``version`` is 409 and nothing is saved."""
    _year_or_404(request, year)
    existed = need_for(year) is not None
    need = need_save(ctx=AccessContext.from_request(request), year=year, **payload.model_dump())
    return Status(200 if existed else 201, NeedOut.of(year, need_for(need.year)))


@router.get(
    "progress/{year}",
    response={200: ProgressOut, 401: ErrorOut, 404: ErrorOut},
    summary="Fremdrift i bosettingen: behov, anmodet, vedtatt og bosatt per gruppe",
)
def progress_detail(request: HttpRequest, year: int) -> ProgressOut:
    _year_or_404(request, year)
    return ProgressOut.of(settlement_progress(year=year))
