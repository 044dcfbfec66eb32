"""API of the quarterly capacity survey (seed 000), under ``/api/v1/capacity/``.

The same services as the pages (``services/capacity.py``): the rounds a user may see, a round
with its results (for its governor's officers and the directorate), the national figures of a
quarter, and the municipal leader's answer (``PUT`` with the version read: 409 when someone
saved in between, 422 for an unknown level or service, or after the closing date).
A round the user may not see is 404.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from integrering.accounts.access import capacity_reader_require, national_require
from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut, ObjectId

from ..capacity_summary import ServiceShare
from ..models import CapacityLevel, CapacityResponse, CapacityRound
from ..services.capacity import (
    Results,
    ServiceAnswer,
    capacity_answer_round_get,
    capacity_answer_save,
    capacity_round_get,
    capacity_rounds_visible,
    national_results,
    quarter_of,
    response_of,
    round_is_open,
    round_results,
    round_status,
)

router = Router(tags=["kapasitet"])


class RoundOut(Schema):
    id: int
    county_governor: str
    year: int
    quarter: int
    opened_on: datetime.date
    closes_on: datetime.date
    note: str
    open: bool = Field(description="Om kommunene kan svare nå")

    @staticmethod
    def of(round: CapacityRound) -> RoundOut:
        return RoundOut(
            id=round.pk,
            county_governor=str(round.county_governor),
            year=round.year,
            quarter=round.quarter,
            opened_on=round.opened_on,
            closes_on=round.closes_on,
            note=round.note,
            open=round_is_open(round),
        )


class ShareOut(Schema):
    name: str = Field(description="Fylket, eller hele området")
    answered: int = Field(description="Kommuner som har svart på tjenesten")
    challenging_or_critical: int
    percent: float | None = Field(description="Andel utfordrende eller kritisk, én desimal")
    change_points: float | None = Field(
        description="Endring i prosentpoeng fra forrige kartlegging; null uten sammenligning"
    )
    levels: dict[str, int] = Field(description="Antall kommuner per nivå")

    @staticmethod
    def of(name: str, share: ServiceShare, change: Decimal | None) -> ShareOut:
        return ShareOut(
            name=name,
            answered=share.answered,
            challenging_or_critical=share.challenging_or_critical,
            percent=float(share.percent) if share.percent is not None else None,
            change_points=float(change) if change is not None else None,
            levels={level: share.counts.get(level, 0) for level in CapacityLevel.values},
        )


class ServiceResultOut(Schema):
    service: str
    label: str
    total: ShareOut
    counties: list[ShareOut]


class CapacityResultsOut(Schema):
    label: str
    previous_label: str = Field(description="Kartleggingen det sammenlignes med; tom uten")
    services: list[ServiceResultOut]

    @staticmethod
    def of(results: Results) -> CapacityResultsOut:
        return CapacityResultsOut(
            label=results.label,
            previous_label=results.previous_label if results.has_previous else "",
            services=[
                ServiceResultOut(
                    service=s.service,
                    label=s.label,
                    total=ShareOut.of(s.total.name, s.total.share, s.total.change),
                    counties=[ShareOut.of(c.name, c.share, c.change) for c in s.counties],
                )
                for s in results.services
            ],
        )


class MunicipalityStatusOut(Schema):
    municipality: str
    name: str
    submitted_at: datetime.datetime | None
    draft: bool


class RoundDetailOut(RoundOut):
    municipalities: list[MunicipalityStatusOut]
    reminded_at: datetime.datetime | None
    reminders_sent: int
    results: CapacityResultsOut


class AnswerItem(Schema):
    service: str
    level: str = Field("", description="god, tilfredsstillende, utfordrende eller kritisk")
    comment: str = ""


class AnswerIn(Schema):
    version: int | None = Field(
        None, description="Versjonen svaret hadde da du leste det; 0 når det ikke finnes"
    )
    submit: bool = Field(False, description="Send inn (alle tjenester må ha nivå); ellers utkast")
    answers: list[AnswerItem] = Field(default_factory=list)


class AnswerOut(Schema):
    round: RoundOut
    municipality: str
    version: int = Field(description="0 når kommunen ikke har svart")
    submitted_at: datetime.datetime | None
    answers: list[AnswerItem]

    @staticmethod
    def of(
        round: CapacityRound, municipality_number: str, response: CapacityResponse | None
    ) -> AnswerOut:
        return AnswerOut(
            round=RoundOut.of(round),
            municipality=municipality_number,
            version=response.version if response else 0,
            submitted_at=response.submitted_at if response else None,
            answers=[
                AnswerItem(service=a.service, level=a.level, comment=a.comment)
                for a in (response.answers.all() if response else [])
            ],
        )


@router.get(
    "",
    response={200: list[RoundOut], 401: ErrorOut, 403: ErrorOut},
    summary="Kartleggingene du kan se, nyeste først",
)
def rounds_list(request: HttpRequest) -> list[RoundOut]:
    capacity_reader_require(request.user)
    return [RoundOut.of(r) for r in capacity_rounds_visible(request.user)]


@router.get(
    "national",
    response={200: CapacityResultsOut, 401: ErrorOut, 403: ErrorOut},
    summary="Hele landet i et kvartal: andel utfordrende eller kritisk per tjeneste og fylke",
)
def national_get(
    request: HttpRequest, year: int | None = None, quarter: int | None = None
) -> CapacityResultsOut:
    national_require(request.user)
    if year is None or quarter is None or not 1 <= quarter <= 4:
        year, quarter = quarter_of(timezone.localdate())
    return CapacityResultsOut.of(national_results(year, quarter))


@router.get(
    "{round_id}",
    response={200: RoundDetailOut, 401: ErrorOut, 404: ErrorOut},
    summary="Én kartlegging: hvem som har svart, og resultatene mot forrige kartlegging",
)
def round_get(request: HttpRequest, round_id: ObjectId) -> RoundDetailOut:
    round = capacity_round_get(request.user, round_id)
    base = RoundOut.of(round)
    return RoundDetailOut(
        **base.model_dump(),
        municipalities=[
            MunicipalityStatusOut(
                municipality=s.municipality.number,
                name=s.municipality.name,
                submitted_at=s.response.submitted_at if s.response else None,
                draft=bool(s.response and not s.response.submitted_at),
            )
            for s in round_status(round)
        ],
        reminded_at=round.reminded_at,
        reminders_sent=round.reminders_sent,
        results=CapacityResultsOut.of(round_results(round)),
    )


@router.get(
    "{answer_round_id}/answer",
    response={200: AnswerOut, 401: ErrorOut, 404: ErrorOut},
    summary="Kommunens svar på kartleggingen (for kommunens leder)",
)
def answer_get(request: HttpRequest, answer_round_id: ObjectId) -> AnswerOut:
    round, municipality = capacity_answer_round_get(request.user, answer_round_id)
    return AnswerOut.of(round, municipality.number, response_of(round, municipality))


@router.put(
    "{answer_round_id}/answer",
    response={200: AnswerOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Lagre kommunens svar som utkast eller send det inn, med versjonen du leste",
)
def answer_put(request: HttpRequest, answer_round_id: ObjectId, payload: AnswerIn) -> AnswerOut:
    round, municipality = capacity_answer_round_get(request.user, answer_round_id)
    capacity_answer_save(
        ctx=AccessContext.from_request(request),
        round=round,
        municipality=municipality,
        answers=[
            ServiceAnswer(service=a.service, level=a.level.strip().lower(), comment=a.comment)
            for a in payload.answers
        ],
        version=payload.version,
        submit=payload.submit,
    )
    return AnswerOut.of(round, municipality.number, response_of(round, municipality))
