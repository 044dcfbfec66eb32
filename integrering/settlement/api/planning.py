"""API for settlement planning's figures: the reception centres with their latest counts, the
year's settlement need (read and revise; its forecast of parts by group, a part's adjustment, the
printed total), and the year's progress.

The same services as the pages, for the directorate's settlement planners only: anyone else gets
403 on the list of centres and 404 on a year. A year outside the years a need can be entered for
is 404 too. The figures are aggregates (no personal data).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.accounts.access import planner_require, planner_require_or_404
from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut

from ..models import ReceptionCentre, SettlementNeed
from ..selectors import NOT_FOUND
from ..services.need import (
    PartValues,
    need_for,
    need_parts,
    need_printed_total_save,
    need_revisions,
    need_save,
    need_year_error,
)
from ..services.need_forecast import (
    GROUP_INPUTS,
    GROUPS,
    ForecastInput,
    GroupInput,
    input_name,
    need_forecast_save,
    need_part_adjust,
)
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


class NeedPartOut(Schema):
    part: str = Field(
        description="permit_in_reception, expected_permits, family_reunification eller "
        "resettlement_quota"
    )
    group: str = Field(
        description="adults_families, unaccompanied_minors (15–17 år) eller under_15"
    )
    basis: int | None = Field(description="Ventede vedtak (bare for expected_permits)")
    rate: str | None = Field(
        description="Andel som ventes å få tillatelse, i prosent med to desimaler («70.33»)"
    )
    computed: int = Field(description="Beregnet")
    adjusted: int | None = Field(description="Justert av planleggeren, eller null")
    reason: str = Field(description="Begrunnelsen for justeringen")
    value: int = Field(description="Gjeldende: justert om delen er justert, ellers beregnet")

    @staticmethod
    def of(part: PartValues) -> NeedPartOut:
        return NeedPartOut(**part.snapshot())


class NeedRevisionOut(Schema):
    revised_at: datetime.datetime
    revised_by: str | None
    reason: str
    from_reception: int
    outside_reception: int
    transfer_refugees: int
    unaccompanied_minors: int
    total: int
    printed_total: int | None
    parts: list[NeedPartOut] = Field(description="Delene slik de var i denne versjonen")


class NeedOut(Schema):
    year: int
    registered: bool = Field(description="false: behovet for året er ikke registrert ennå")
    from_reception: int
    outside_reception: int
    transfer_refugees: int
    unaccompanied_minors: int = Field(description="Hvorav enslige mindreårige (del av totalen)")
    total: int = Field(description="Summen av delene (som sum_of_parts)")
    sum_of_parts: int
    printed_total: int | None = Field(
        description="Totalen slik kilden trykker den, når den ikke er summen av delene"
    )
    printed_source: str
    stated_total: int = Field(description="Den trykte totalen om det er en, ellers summen")
    difference: int = Field(description="Trykt total minus summen av delene (0 uten trykt total)")
    parts: list[NeedPartOut] = Field(description="Prognosens deler per gruppe; tom uten prognose")
    counted_on: datetime.date | None = Field(
        description="Datoen for mottakstellingene prognosen bygger på (null: tallene er ført inn)"
    )
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
                printed_total=r.printed_total,
                parts=[NeedPartOut(**PartValues.of_snapshot(p).snapshot()) for p in r.parts],
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
                sum_of_parts=0,
                printed_total=None,
                printed_source="",
                stated_total=0,
                difference=0,
                parts=[],
                counted_on=None,
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
            sum_of_parts=need.total,
            printed_total=need.printed_total,
            printed_source=need.printed_source,
            stated_total=need.stated_total,
            difference=need.printed_difference,
            parts=[NeedPartOut.of(p) for p in need_parts(need)],
            counted_on=need.counted_on,
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


class ForecastIn(Schema):
    """The forecast's inputs, flat, named as the page's fields and the errors:
    ``<input>_<group>`` for the groups adults_families, unaccompanied_minors and under_15."""

    counted_on: datetime.date | None = Field(
        None, description="Mottakstellingene per denne dagen (siste telling til og med); tom: i dag"
    )
    permit_under_15: int = Field(0, description="Enslige mindreårige under 15 år med tillatelse")
    decisions_adults_families: int = Field(0, description="Ventede vedtak, voksne og familier")
    rate_adults_families: Decimal = Field(Decimal(0), description="Andel tillatelser (%)")
    family_adults_families: int = Field(0, description="Familiegjenforening")
    quota_adults_families: int = Field(0, description="Overføringsflyktninger")
    decisions_unaccompanied_minors: int = 0
    rate_unaccompanied_minors: Decimal = Decimal(0)
    family_unaccompanied_minors: int = 0
    quota_unaccompanied_minors: int = 0
    decisions_under_15: int = 0
    rate_under_15: Decimal = Decimal(0)
    family_under_15: int = 0
    quota_under_15: int = 0
    note: str = ""
    reason: str = Field("", description="Påkrevd når et registrert behov beregnes på nytt")
    version: int = Field(0, description="Versjonen du leste; 0 for et nytt behov")

    def forecast_input(self) -> ForecastInput:
        return ForecastInput(
            counted_on=self.counted_on or timezone.localdate(),
            permit_under_15=self.permit_under_15,
            groups={
                group: GroupInput(
                    **{name: getattr(self, input_name(name, group)) for name in GROUP_INPUTS}
                )
                for group in GROUPS
            },
        )


class PartAdjustIn(Schema):
    part: str = Field(description="Delen som justeres (se NeedPartOut.part)")
    group: str = Field(description="Gruppen (se NeedPartOut.group)")
    adjusted: int | None = Field(
        None, description="Det justerte tallet; null (eller det beregnede) fjerner justeringen"
    )
    reason: str = Field("", description="Påkrevd: hvorfor delen justeres")
    version: int = Field(description="Versjonen du leste")


class PrintedTotalIn(Schema):
    printed_total: int | None = Field(description="Den trykte totalen; null fjerner den")
    printed_source: str = Field("", description="Hvor totalen står trykt (påkrevd med en total)")
    reason: str = Field("", description="Påkrevd: hvorfor")
    version: int = Field(description="Versjonen du leste")


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


NEED_WRITE_ANSWERS = {
    200: NeedOut,
    201: NeedOut,
    401: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


@router.post(
    "needs/{year}/forecast",
    response=NEED_WRITE_ANSWERS,
    summary="Beregn bosettingsbehovet for et år fra mottakstallene og forventningene per gruppe",
)
def need_forecast_post(request: HttpRequest, year: int, payload: ForecastIn) -> Status[NeedOut]:
    """Saves the forecast's parts and the figures that follow from them (201 for a new need);
    a registered need needs ``reason`` and the ``version`` read (409 when it moved). The
    planner's adjustments of the parts are kept."""
    _year_or_404(request, year)
    existed = need_for(year) is not None
    need = need_forecast_save(
        ctx=AccessContext.from_request(request),
        year=year,
        inputs=payload.forecast_input(),
        note=payload.note,
        reason=payload.reason,
        version=payload.version,
    )
    return Status(200 if existed else 201, NeedOut.of(year, need_for(need.year)))


@router.put(
    "needs/{year}/parts",
    response={200: NeedOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Juster én del av prognosen for én gruppe, med begrunnelse",
)
def need_part_put(request: HttpRequest, year: int, payload: PartAdjustIn) -> NeedOut:
    _year_or_404(request, year)
    need = need_part_adjust(
        ctx=AccessContext.from_request(request), year=year, **payload.model_dump()
    )
    return NeedOut.of(year, need_for(need.year))


@router.put(
    "needs/{year}/printed-total",
    response={200: NeedOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Legg inn totalen slik kilden trykker den, når den ikke er summen av delene",
)
def need_printed_total_put(request: HttpRequest, year: int, payload: PrintedTotalIn) -> NeedOut:
    _year_or_404(request, year)
    need = need_printed_total_save(
        ctx=AccessContext.from_request(request), year=year, **payload.model_dump()
    )
    return NeedOut.of(year, need_for(need.year))


@router.get(
    "progress/{year}",
    response={200: ProgressOut, 401: ErrorOut, 404: ErrorOut},
    summary="Fremdrift i bosettingen: behov, anmodet, vedtatt og bosatt per gruppe",
)
def progress_detail(request: HttpRequest, year: int) -> ProgressOut:
    _year_or_404(request, year)
    return ProgressOut.of(settlement_progress(year=year))
