"""The quarterly capacity survey (seed 000): rounds, the municipalities' answers, reminders and
results.

Who does what:

- a county governor officer opens a round for a quarter (one per governor and quarter), for the
  municipalities of the governor's counties valid on the opening date, sends reminders and reads
  the results of its own rounds;
- a municipality's leader (``Role.MUNICIPAL_LEADER``) answers for the municipality: a level and
  a comment per service, as a draft and then submitted, editable until the closing date;
- the directorate's analysts (and settlement planners) read every round and the national
  figures.

Reads that decide who may see a round are here too (``capacity_round_get`` ...): a round the
user may not see is 404, so an id reveals nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from integrering.accounts.access import (
    county_governor_of,
    governor_require,
    is_national_reader,
    leader_municipality,
)
from integrering.accounts.models import User
from integrering.accounts.roles import Role
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError, conflict_message, version_bump
from integrering.errors import NotFound
from integrering.exports import Cell, Heading, Sheet, xlsx_bytes
from integrering.jobs import Progress
from integrering.organisations.models import County, Municipality
from integrering.rules.parameters import value

from ..capacity_summary import (
    AnswerRow,
    ServiceShare,
    change_points,
    service_shares,
    shares_by_group,
)
from ..models import (
    CapacityAnswer,
    CapacityLevel,
    CapacityResponse,
    CapacityRound,
    CapacityService,
)

NOT_FOUND = "Finner ikke kartleggingen, eller du har ikke tilgang til den."
CLOSED = (
    "Svarfristen for kartleggingen gikk ut {closes_on:%d.%m.%Y}. Svaret kan ikke lenger endres; "
    "kontakt Statsforvalteren hvis noe må rettes."
)
NOTE_MAX = 2000
COMMENT_MAX = 1000
MIN_YEAR, MAX_YEAR = 2000, 2100


# --- Reads ---------------------------------------------------------------------------------


def round_municipalities(round: CapacityRound) -> QuerySet[Municipality]:
    """The municipalities asked in a round: those of the governor's counties, both valid on the
    opening date (a merger later does not change who was asked)."""
    counties = County.objects.valid_on(round.opened_on).filter(
        county_governor_id=round.county_governor_id
    )
    return (
        Municipality.objects.valid_on(round.opened_on)
        .filter(county__in=counties)
        .select_related("county")
        .order_by("number")
    )


def capacity_rounds_visible(user: Any) -> QuerySet[CapacityRound]:
    """The rounds a user may see: the governor's own, the rounds that ask the leader's
    municipality, every round for the directorate's readers; none for anyone else."""
    rounds = CapacityRound.objects.select_related("county_governor")
    if is_national_reader(user):
        return rounds.all()
    governor = county_governor_of(user)
    municipality = leader_municipality(user)
    condition = Q(pk__in=[])
    if governor is not None:
        condition |= Q(county_governor=governor)
    if municipality is not None:
        condition |= Q(pk__in=_round_ids_asking(municipality))
    return rounds.filter(condition)


def _round_ids_asking(municipality: Municipality) -> list[int]:
    """Rounds whose governor had the municipality's county on the opening date."""
    ids = []
    candidates = CapacityRound.objects.filter(
        county_governor__counties__number=municipality.county.number
    ).distinct()
    for round in candidates:
        if round_municipalities(round).filter(pk=municipality.pk).exists():
            ids.append(round.pk)
    return ids


def capacity_round_get(user: Any, round_id: int) -> CapacityRound:
    """A round for its results page: its governor's officers and the directorate; 404 else."""
    round = CapacityRound.objects.select_related("county_governor").filter(pk=round_id).first()
    if round is None:
        raise NotFound(NOT_FOUND)
    if is_national_reader(user) or county_governor_of(user) == round.county_governor:
        return round
    raise NotFound(NOT_FOUND)


def capacity_round_manage_get(user: Any, round_id: int) -> CapacityRound:
    """A round its governor's officer acts on (reminders); 404 for anyone else."""
    round = capacity_round_get(user, round_id)
    if county_governor_of(user) != round.county_governor:
        raise NotFound(NOT_FOUND)
    return round


def capacity_answer_round_get(
    user: Any, answer_round_id: int
) -> tuple[CapacityRound, Municipality]:
    """A round and the municipality the user answers it for: only the leader of a municipality
    asked in the round reaches it; 404 for anyone else."""
    municipality = leader_municipality(user)
    round = (
        CapacityRound.objects.select_related("county_governor").filter(pk=answer_round_id).first()
    )
    if (
        round is None
        or municipality is None
        or not round_municipalities(round).filter(pk=municipality.pk).exists()
    ):
        raise NotFound(NOT_FOUND)
    return round, municipality


def round_is_open(round: CapacityRound, today: datetime.date | None = None) -> bool:
    """Answers are taken from the opening date to the closing date, inclusive."""
    today = today or timezone.localdate()
    return round.closed_at is None and round.opened_on <= today <= round.closes_on


def response_of(round: CapacityRound, municipality: Municipality) -> CapacityResponse | None:
    return (
        CapacityResponse.objects.filter(round=round, municipality=municipality)
        .prefetch_related("answers")
        .first()
    )


def open_rounds_for_leader(user: Any) -> list[tuple[CapacityRound, CapacityResponse | None]]:
    """The rounds the leader's municipality can answer now, with its response so far (for the
    capacity page and the municipal start page)."""
    municipality = leader_municipality(user)
    if municipality is None:
        return []
    today = timezone.localdate()
    rounds = (
        CapacityRound.objects.filter(
            pk__in=_round_ids_asking(municipality),
            opened_on__lte=today,
            closes_on__gte=today,
            closed_at__isnull=True,
        )
        .select_related("county_governor")
        .order_by("closes_on", "-year", "-quarter", "pk")  # the nearest deadline first
    )
    return [(round, response_of(round, municipality)) for round in rounds]


def closed_rounds_for_leader(
    user: Any,
) -> list[tuple[CapacityRound, CapacityResponse | None]]:
    """The rounds that asked the leader's municipality and no longer take answers, newest
    first (they follow the open ones, which are the urgent part of the leader's list)."""
    municipality = leader_municipality(user)
    if municipality is None:
        return []
    today = timezone.localdate()
    rounds = (
        CapacityRound.objects.filter(pk__in=_round_ids_asking(municipality))
        .filter(Q(closed_at__isnull=False) | Q(closes_on__lt=today))
        .select_related("county_governor")
        .order_by("-year", "-quarter", "-closes_on", "-pk")
    )
    return [(round, response_of(round, municipality)) for round in rounds]


def default_closes_on(opened_on: datetime.date) -> datetime.date:
    days = int(value("surveys/capacity_answer_window_days", opened_on))
    return opened_on + datetime.timedelta(days=days)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


# --- Opening a round -----------------------------------------------------------------------


def capacity_round_open(
    *,
    ctx: AccessContext,
    year: int | None,
    quarter: int | None,
    closes_on: datetime.date | None,
    note: str = "",
    opened_on: datetime.date | None = None,
) -> CapacityRound:
    """Open the quarter's capacity survey for the municipalities of the officer's governor.

    One round per governor and quarter (seed 000: «kartlegging 2. kvartal»); the closing date is
    on or after the opening date (today by default). Refusals name the field.
    """
    governor = governor_require(ctx.user)
    opened_on = opened_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        errors["year"] = [f"Oppgi et årstall fra {MIN_YEAR} til {MAX_YEAR}."]
    if quarter is None or not 1 <= quarter <= 4:
        errors["quarter"] = ["Velg kvartal 1, 2, 3 eller 4."]
    if closes_on is None:
        errors["closes_on"] = ["Oppgi svarfristen."]
    elif closes_on < opened_on:
        errors["closes_on"] = [
            f"Svarfristen kan ikke være før kartleggingen åpnes ({opened_on:%d.%m.%Y})."
        ]
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Meldingen kan være høyst {NOTE_MAX} tegn."]
    if not errors and (
        CapacityRound.objects.filter(
            county_governor=governor, year=year or 0, quarter=quarter or 0
        ).exists()
    ):
        errors["quarter"] = [
            f"{governor} har allerede åpnet kartleggingen for {quarter}. kvartal {year}. "
            "Det kan bare være én kartlegging per kvartal; åpne den som finnes."
        ]
    if errors:
        raise ValidationError(errors)
    assert year is not None and quarter is not None and closes_on is not None
    try:
        with transaction.atomic():
            return CapacityRound.objects.create(
                county_governor=governor,
                year=year,
                quarter=quarter,
                opened_on=opened_on,
                closes_on=closes_on,
                note=note.strip(),
                opened_by=ctx.acting_user,
            )
    except IntegrityError:  # opened by a colleague at the same moment
        raise ValidationError(
            {
                "quarter": [
                    f"{governor} har allerede åpnet kartleggingen for {quarter}. kvartal {year}."
                ]
            }
        ) from None


@dataclass(frozen=True)
class CloseSummary:
    """Where a round stands when it is closed: its municipalities, those that submitted, and
    those with a draft not submitted (the draft is never sent in)."""

    municipalities: int
    submitted: int
    drafts: int

    @property
    def not_submitted(self) -> int:
        return self.municipalities - self.submitted


def capacity_round_close_check(*, ctx: AccessContext, round: CapacityRound) -> CloseSummary:
    """What ``capacity_round_close`` checks before it writes, with the figures the page asks
    for the confirmation with (issue 23 item 2): only the round's governor's officers close it,
    and only an open round."""
    if county_governor_of(ctx.user) != round.county_governor:
        raise NotFound(NOT_FOUND)
    if round.closed_at is not None:
        raise ValidationError(
            f"Kartleggingen for {round.label} ble avsluttet "
            f"{timezone.localtime(round.closed_at):%d.%m.%Y}."
        )
    if not round_is_open(round):
        raise ValidationError(
            f"Kartleggingen for {round.label} tar ikke imot svar nå (svarfrist "
            f"{round.closes_on:%d.%m.%Y}), og kan ikke avsluttes."
        )
    statuses = round_status(round)
    return CloseSummary(
        municipalities=len(statuses),
        submitted=sum(1 for s in statuses if s.submitted),
        drafts=sum(1 for s in statuses if s.response is not None and not s.submitted),
    )


def capacity_round_close(*, ctx: AccessContext, round: CapacityRound) -> CapacityRound:
    """Close an open round before its deadline: from then on no municipality answers or submits
    (drafts stay unsubmitted), no reminders go, and its results are final. One conditional
    UPDATE, so two officers closing it at the same moment close it once."""
    capacity_round_close_check(ctx=ctx, round=round)
    closed = CapacityRound.objects.filter(pk=round.pk, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )
    if not closed:
        raise ConflictError(f"Kartleggingen for {round.label} er allerede avsluttet.")
    round.refresh_from_db()
    return round


# --- Answering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceAnswer:
    """One service's answer as the leader gives it: level may be empty in a draft."""

    service: str
    level: str = ""
    comment: str = ""


def capacity_answer_save(
    *,
    ctx: AccessContext,
    round: CapacityRound,
    municipality: Municipality,
    answers: Sequence[ServiceAnswer],
    version: int | None,
    submit: bool,
) -> CapacityResponse:
    """Save the municipality's answer to a round: a draft (levels may be missing) or submitted
    (every service needs a level). A submitted answer can be changed, and stays submitted,
    until the closing date.

    ``version`` is the response's version when the form was opened (0 when there was none): a
    save over someone else's newer save is refused with ``ConflictError`` and nothing changes.
    """
    if leader_municipality(ctx.user) != municipality:
        raise ValidationError(NOT_FOUND)
    if not round_is_open(round):
        if timezone.localdate() < round.opened_on:
            raise ValidationError(
                f"Kartleggingen åpner {round.opened_on:%d.%m.%Y}; du kan svare fra da."
            )
        if round.closed_at is not None:
            raise ValidationError(
                f"Statsforvalteren avsluttet kartleggingen "
                f"{timezone.localtime(round.closed_at):%d.%m.%Y}; svar tas ikke lenger imot."
            )
        raise ValidationError(CLOSED.format(closes_on=round.closes_on))
    if version is None:
        raise ValidationError({"version": ["Oppgi versjonen svaret hadde da du åpnet det."]})
    by_service: dict[str, ServiceAnswer] = {}
    errors: dict[str, list[str]] = {}
    for answer in answers:
        if answer.service not in CapacityService.values:
            errors.setdefault("__all__", []).append(
                f"Ukjent tjeneste «{answer.service}» (bruk {', '.join(CapacityService.values)})."
            )
            continue
        if answer.service in by_service:
            errors.setdefault(answer.service, []).append("Tjenesten er oppgitt to ganger.")
            continue
        if answer.level and answer.level not in CapacityLevel.values:
            errors.setdefault(answer.service, []).append(
                f"Ukjent nivå «{answer.level}» (bruk god, tilfredsstillende, utfordrende eller "
                "kritisk)."
            )
        if len(answer.comment) > COMMENT_MAX:
            errors.setdefault(answer.service, []).append(
                f"Kommentaren kan være høyst {COMMENT_MAX} tegn."
            )
        by_service[answer.service] = answer
    existing = response_of(round, municipality)
    submitting = submit or bool(existing and existing.submitted_at)
    if submitting and not errors:
        for service in CapacityService:
            if not by_service.get(service.value, ServiceAnswer(service.value)).level:
                errors.setdefault(service.value, []).append(
                    f"Velg kapasiteten for {service.label.lower()} før du sender inn."
                )
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    values: dict[str, Any] = {"updated_at": now}
    if submitting:
        values.update(submitted_at=now, submitted_by=ctx.acting_user)
    with transaction.atomic():
        if existing is None:
            if version != 0:
                raise ConflictError(conflict_message("svaret"))
            try:
                with transaction.atomic():
                    response = CapacityResponse.objects.create(
                        round=round, municipality=municipality, **values
                    )
            except IntegrityError:  # a colleague saved the first answer at the same moment
                raise ConflictError(conflict_message("svaret")) from None
        else:
            version_bump(
                CapacityResponse.objects.filter(pk=existing.pk),
                expected=version,
                what="svaret",
                **values,
            )
            response = CapacityResponse.objects.get(pk=existing.pk)
            response.answers.all().delete()
        CapacityAnswer.objects.bulk_create(
            CapacityAnswer(
                response=response,
                service=answer.service,
                level=answer.level,
                comment=answer.comment.strip(),
            )
            for answer in by_service.values()
            if answer.level or answer.comment.strip()
        )
    return response


# --- Reminders -----------------------------------------------------------------------------


def leaders_to_remind(round: CapacityRound) -> dict[Municipality, list[User]]:
    """The municipalities of the round that have not submitted, with their leaders (active,
    with an e-mail address; an empty list when there is none)."""
    submitted = CapacityResponse.objects.filter(
        round=round, submitted_at__isnull=False
    ).values_list("municipality_id", flat=True)
    municipalities = list(round_municipalities(round).exclude(pk__in=list(submitted)))
    leaders: dict[int, list[User]] = {m.pk: [] for m in municipalities}
    users = (
        User.objects.filter(
            is_active=True,
            roles__role=Role.MUNICIPAL_LEADER,
            organisation__municipality__in=municipalities,
        )
        .exclude(email="")
        .select_related("organisation")
        .distinct()
        .order_by("username")
    )
    for user in users:
        organisation = user.organisation
        if organisation is not None and organisation.municipality_id is not None:
            leaders[organisation.municipality_id].append(user)
    return {m: leaders[m.pk] for m in municipalities}


def reminder_message(
    round: CapacityRound, municipality: Municipality, to: list[str]
) -> EmailMessage:
    link = settings.BASE_URL + reverse(
        "surveys:capacity-answer", kwargs={"answer_round_id": round.pk}
    )
    body = (
        "Hei,\n\n"
        f"Vi har ikke fått svaret fra {municipality.name} på kartleggingen av tjenestekapasitet "
        f"for {round.label}.\n\n"
        f"Svarfristen er {round.closes_on:%d.%m.%Y}. Logg inn og svar her:\n{link}\n\n"
    )
    if round.note:
        body += f"Melding fra Statsforvalteren:\n{round.note}\n\n"
    body += f"Med vennlig hilsen\n{round.county_governor}\n"
    return EmailMessage(
        subject=f"Påminnelse: kartlegging av tjenestekapasitet {round.label} – {municipality.name}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )


def capacity_reminders_send(*, round_id: int, progress: Progress | None = None) -> dict[str, Any]:
    """E-mail the leaders of every municipality in the round that has not submitted (one message
    per municipality, to all its leaders with an address). Runs in the background worker
    (``mailing.mailing_run``), which ``progress`` tells how many are sent of how many.
    Records when and how many; returns the counts."""
    round = CapacityRound.objects.select_related("county_governor").get(pk=round_id)
    if not round_is_open(round):
        return {
            "round_id": round_id,
            "municipalities": 0,
            "sent": 0,
            "without_address": 0,
            "closed": True,
        }
    targets = leaders_to_remind(round)
    messages = [
        reminder_message(round, municipality, [user.email for user in users])
        for municipality, users in targets.items()
        if users
    ]
    sent = 0
    with get_connection() as connection:
        for done, message in enumerate(messages, start=1):
            sent += int(connection.send_messages([message]) or 0)
            if progress is not None:
                progress(done, len(messages))
    CapacityRound.objects.filter(pk=round.pk).update(
        reminded_at=timezone.now(), reminders_sent=F("reminders_sent") + sent
    )
    return {
        "round_id": round_id,
        "municipalities": len(targets),
        "sent": sent,
        "without_address": sum(1 for users in targets.values() if not users),
        "closed": False,
    }


# --- Results -------------------------------------------------------------------------------


def _rows(rounds: Iterable[CapacityRound]) -> list[AnswerRow]:
    answers = CapacityAnswer.objects.filter(
        response__round__in=list(rounds), response__submitted_at__isnull=False
    ).values_list(
        "response__municipality__number",
        "response__municipality__county__number",
        "response__municipality__county__name",
        "service",
        "level",
    )
    return [
        AnswerRow(municipality=number, county=f"{county} {county_name}", service=s, level=level)
        for number, county, county_name, s, level in answers
    ]


@dataclass(frozen=True)
class ShareLine:
    """One row of a results table: a county (or the total) for one service."""

    name: str
    share: ServiceShare
    change: Decimal | None


@dataclass
class ServiceResult:
    service: str
    label: str
    total: ShareLine
    counties: list[ShareLine] = field(default_factory=list)


@dataclass
class Results:
    """A round's (or a quarter's) figures per service: the total and per county, with the
    change from the previous round in percentage points."""

    label: str
    previous_label: str
    has_previous: bool
    services: list[ServiceResult]


def _results(
    rows: list[AnswerRow],
    previous_rows: list[AnswerRow] | None,
    *,
    label: str,
    previous_label: str,
    total_name: str,
) -> Results:
    current_total = service_shares(rows)
    previous_total = service_shares(previous_rows) if previous_rows is not None else None
    current_counties = shares_by_group(rows, key=lambda r: r.county)
    previous_counties = (
        shares_by_group(previous_rows, key=lambda r: r.county) if previous_rows is not None else {}
    )
    services = []
    for index, share in enumerate(current_total):
        before = previous_total[index] if previous_total is not None else None
        counties = []
        for county, shares in current_counties.items():
            county_before = previous_counties.get(county)
            counties.append(
                ShareLine(
                    name=county,
                    share=shares[index],
                    change=change_points(
                        shares[index], county_before[index] if county_before else None
                    ),
                )
            )
        services.append(
            ServiceResult(
                service=share.service,
                label=share.label,
                total=ShareLine(name=total_name, share=share, change=change_points(share, before)),
                counties=counties,
            )
        )
    return Results(
        label=label,
        previous_label=previous_label,
        has_previous=previous_rows is not None,
        services=services,
    )


def previous_round(round: CapacityRound) -> CapacityRound | None:
    """The governor's round of the quarter before (seed 000 compares with the last round)."""
    year, quarter = previous_quarter(round.year, round.quarter)
    return CapacityRound.objects.filter(
        county_governor_id=round.county_governor_id, year=year, quarter=quarter
    ).first()


def round_results(round: CapacityRound) -> Results:
    """The round's figures for the governor's area, per county, against its previous round."""
    before = previous_round(round)
    return _results(
        _rows([round]),
        _rows([before]) if before is not None else None,
        label=round.label,
        previous_label=before.label if before is not None else "",
        total_name=f"Alle kommuner hos {round.county_governor}",
    )


def national_results(year: int, quarter: int) -> Results:
    """The nation's figures for a quarter: every governor's round of that quarter, per county,
    against the quarter before."""
    rounds = list(CapacityRound.objects.filter(year=year, quarter=quarter))
    before_year, before_quarter = previous_quarter(year, quarter)
    before = list(CapacityRound.objects.filter(year=before_year, quarter=before_quarter))
    return _results(
        _rows(rounds),
        _rows(before) if before else None,
        label=f"{quarter}. kvartal {year}",
        previous_label=f"{before_quarter}. kvartal {before_year}",
        total_name="Hele landet",
    )


def newest_answered_quarter() -> tuple[int, int] | None:
    """The newest quarter with at least one submitted answer, or ``None``: the national page
    opens on it, not on a just-opened round no one has answered yet."""
    return (
        CapacityRound.objects.filter(responses__submitted_at__isnull=False)
        .order_by("-year", "-quarter")
        .values_list("year", "quarter")
        .first()
    )


def quarters_with_rounds() -> list[tuple[int, int]]:
    """The quarters with at least one round, newest first."""
    return list(
        CapacityRound.objects.order_by("-year", "-quarter")
        .values_list("year", "quarter")
        .distinct()
    )


@dataclass(frozen=True)
class MunicipalityStatus:
    municipality: Municipality
    response: CapacityResponse | None

    @property
    def submitted(self) -> bool:
        return bool(self.response and self.response.submitted_at)


def round_status(round: CapacityRound) -> list[MunicipalityStatus]:
    """Every municipality of the round with its response (submitted, draft, or none)."""
    responses = {
        r.municipality_id: r
        for r in CapacityResponse.objects.filter(round=round).select_related("submitted_by")
    }
    return [MunicipalityStatus(m, responses.get(m.pk)) for m in round_municipalities(round)]


XLSX_COLUMNS = (
    "Kommunenummer",
    "Kommune",
    "Fylke",
    "Tjeneste",
    "Kapasitet",
    "Kommentar",
    "Sendt inn",
)


def capacity_round_xlsx(round: CapacityRound) -> bytes:
    """The round's submitted answers as an Excel workbook: one row per municipality and service."""
    order = {service: i for i, service in enumerate(CapacityService.values)}
    answers = sorted(
        CapacityAnswer.objects.filter(
            response__round=round, response__submitted_at__isnull=False
        ).select_related("response__municipality__county"),
        key=lambda a: (a.response.municipality.number, order.get(a.service, 99)),
    )
    rows: list[list[Cell]] = []
    for answer in answers:
        municipality = answer.response.municipality
        submitted = answer.response.submitted_at
        rows.append(
            [
                municipality.number,
                municipality.name,
                municipality.county.name,
                answer.get_service_display(),
                answer.get_level_display(),
                answer.comment,
                timezone.localtime(submitted).replace(tzinfo=None) if submitted else None,
            ]
        )
    title = f"Kapasitet {round.quarter}. kv {round.year}"
    heading = Heading(
        f"Kapasitetsundersøkelsen {round.quarter}. kvartal {round.year}: svar som er sendt inn",
        str(round.county_governor),
    )
    return xlsx_bytes([Sheet(title, XLSX_COLUMNS, rows, freeze_columns=2)], heading=heading)
