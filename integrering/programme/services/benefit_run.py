"""The monthly benefit run: every participant's introduction benefit for one municipality and
month, as a preview, then approved and locked, then exported to the payroll system.

Sources: seed 002 §3.2 (the benefit, day and hour rates, deduction for unapproved absence);
integreringsloven §§ 20-21 (benefit, deduction that needs a decision) and § 25 (repayment);
introduksjonsloven §§ 8-10. One participant's month is ``programme/benefit.py``
(``benefit_month``); this module only runs it for everyone and keeps the books:

- the run is computed in the background (django-tasks), never in the web request; it reads
  every table once, so 5 000 participants take a few seconds (``benchmarks/benefit_run.py``);
- one approved run per municipality and month (a unique constraint in the database). An
  approved run is locked: it is not computed again, deleted or approved again;
- what changes in an approved month afterwards (an absence registered late, a stop, a leave)
  is paid or taken back as a correction line (``BenefitLineKind.CORRECTION``) in a later run:
  the month is computed again with today's data and compared with everything approved for it,
  as far back as ``benefit/correction_lookback_months``.

Amounts of a correction line are differences from what was approved (gross, absence hours,
deduction, amount; negative when too much was paid); its days and monthly rate are those of the
month as computed now.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.http import content_disposition_header

from integrering.accounts.access import programme_municipality_ids
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_denied, audit_record_many
from integrering.concurrency import ConflictError
from integrering.exports import (
    AMOUNT,
    MONTH,
    Cell,
    Column,
    Heading,
    Sheet,
    csv_file_bytes,
    xlsx_bytes,
)
from integrering.jobs import job_enqueue
from integrering.organisations.models import Municipality
from integrering.rules.money import money_str

from .. import tasks
from ..models import (
    BenefitLine,
    BenefitLineKind,
    BenefitRun,
    BenefitRunStatus,
)
from .benefit_decisions import Blocking, reductions_blocking

NO_ACCESS = "Du arbeider ikke med introduksjonsprogrammet i denne kommunen."
ZERO = Decimal(0)


def approved_refusal(month: datetime.date) -> str:
    """The refusal for a month that is already approved (also used for the database constraint)."""
    return (
        f"Stønaden for {month:%m.%Y} er allerede godkjent; rettelser kommer som "
        "korreksjonslinjer i neste måned."
    )


# --- Input -----------------------------------------------------------------------------------------


_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_NO = re.compile(r"^(\d{1,2})[./](\d{4})$")


def month_parse(text: str) -> datetime.date:
    """A month as typed or sent: «2024-05» (what ``<input type=month>`` sends) or «05.2024»."""
    text = (text or "").strip()
    iso, nor = _MONTH_ISO.match(text), _MONTH_NO.match(text)
    year, month = (
        (int(iso[1]), int(iso[2])) if iso else (int(nor[2]), int(nor[1])) if nor else (0, 0)
    )
    if not 1 <= month <= 12 or year < 1900:
        raise ValidationError(
            {"month": [f"«{text}» er ikke en måned; skriv den som ÅÅÅÅ-MM, for eksempel 2024-05."]}
        )
    return datetime.date(year, month, 1)


def _check_month(month: datetime.date, today: datetime.date) -> None:
    if month.day != 1:
        raise ValidationError({"month": ["Måneden angis med den første dagen i måneden."]})
    if month > today.replace(day=1):
        raise ValidationError(
            {
                "month": [
                    f"Stønaden for {month:%m.%Y} kan ikke beregnes ennå; velg denne måneden "
                    f"({today:%m.%Y}) eller en tidligere."
                ]
            }
        )


def _require_access(
    ctx: AccessContext, municipality_id: int, run: BenefitRun | None = None
) -> None:
    """A person's user must work with the municipality's programme; a command (no user) may.
    A refusal is audited, on the run's participants when there is a run (issue 25)."""
    if ctx.user is None:
        return
    if municipality_id not in programme_municipality_ids(ctx.user):
        audit_denied(
            ctx=ctx,
            person_ids=_person_ids(run) if run is not None else [],
            action=AuditAction.UPDATE,
            detail=f"stønadskjøring, kommune-id {municipality_id}",
        )
        raise PermissionDenied(NO_ACCESS)


# --- Starting a run --------------------------------------------------------------------------------


@transaction.atomic
def benefit_run_prepare(
    *, ctx: AccessContext, municipality: Municipality, month: datetime.date
) -> BenefitRun:
    """Create a queued run for a month, replacing an earlier preview (or failed run) of it.

    Refused when the month is in the future or already approved (seed 002 §3.2: a month is
    paid once; a later change is a correction). Does not check the user: see
    ``benefit_run_start``; the command runs as the system.
    """
    _check_month(month, timezone.localdate())
    # Two starts of the same municipality take turns, so one preview replaces the other.
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    runs = BenefitRun.objects.filter(municipality=municipality, month=month)
    if runs.filter(status=BenefitRunStatus.APPROVED).exists():
        raise ValidationError({"month": [approved_refusal(month)]})
    # A run still queued or running is replaced too: its task finds it gone and stops.
    runs.delete()
    return BenefitRun.objects.create(
        municipality=municipality, month=month, created_by=ctx.acting_user
    )


@transaction.atomic
def benefit_run_start(
    *, ctx: AccessContext, municipality: Municipality, month: datetime.date
) -> BenefitRun:
    """Start the benefit run of a municipality for a month: checked, queued for the worker.

    The user must work with the municipality's programme (refugee service or municipal leader,
    ``programme_municipality_ids``). The task row is written in the same transaction as the run.
    """
    if municipality.pk not in programme_municipality_ids(ctx.user):
        audit_denied(
            ctx=ctx,
            person_ids=[],
            action=AuditAction.CREATE,
            detail=f"stønadskjøring {municipality.number} {month:%m.%Y}",
        )
        raise ValidationError({"municipality": [NO_ACCESS]})
    run = benefit_run_prepare(ctx=ctx, municipality=municipality, month=month)
    job_enqueue(tasks.benefit_run_compute, run)
    return run


# --- Approving -------------------------------------------------------------------------------------


class ReductionsUndecided(ConflictError):
    """The run has deductions whose individual decisions are not made (409 in the API)."""

    def __init__(self, run: BenefitRun, blocking: list[Blocking]) -> None:
        count = len(blocking)
        super().__init__(
            {
                "decisions": [
                    f"Stønaden for {run.month:%m.%Y} kan ikke godkjennes før "
                    + ("vedtaket" if count == 1 else f"{count} vedtak")
                    + " om trekk i stønaden er fattet (integreringsloven § 21):",
                    *(b.text for b in blocking),
                ]
            }
        )
        self.blocking = blocking


SAME_USER = (
    "Du beregnet denne kjøringen selv. Bekreft at du også godkjenner den, eller be en kollega "
    "godkjenne den."
)


def benefit_run_approve_check(
    *, ctx: AccessContext, run: BenefitRun, confirm_same_user: bool = False
) -> bool:
    """Everything ``benefit_run_approve`` checks before it writes, so that the page asks for
    the confirmation only of a run that can be approved (issue 23 item 2); raises as the
    approval would. Returns whether the user approving is the one who computed the run.
    """
    _require_access(ctx, run.municipality_id, run)
    run.refresh_from_db()
    if run.status == BenefitRunStatus.APPROVED:
        raise ValidationError(
            f"Stønaden for {run.month:%m.%Y} er allerede godkjent, og kan ikke endres."
        )
    if run.status != BenefitRunStatus.PREVIEW:
        raise ValidationError(
            f"Bare en ferdig beregnet forhåndsvisning kan godkjennes; denne er «{run.get_status_display().lower()}»."
        )
    later = (
        BenefitRun.objects.filter(
            municipality_id=run.municipality_id,
            status=BenefitRunStatus.APPROVED,
            approved_at__gt=run.computed_at or run.created_at,
        )
        .order_by("-approved_at")
        .first()
    )
    if later is not None:
        raise ValidationError(
            f"Stønaden for {later.month:%m.%Y} ble godkjent etter at denne forhåndsvisningen ble "
            f"beregnet. Beregn {run.month:%m.%Y} på nytt før du godkjenner, så korreksjonene blir riktige."
        )
    blocking = reductions_blocking(run)
    if blocking:
        raise ReductionsUndecided(run, blocking)
    user = ctx.acting_user
    same_user = user is not None and run.created_by_id == user.pk
    if same_user and not confirm_same_user:
        raise ValidationError({"confirm_same_user": [SAME_USER]})
    return same_user


def benefit_run_approve(
    *, ctx: AccessContext, run: BenefitRun, confirm_same_user: bool = False
) -> BenefitRun:
    """Approve a preview; from then on the run is locked (seed 002 §3.2: a month is paid once).

    Only a preview can be approved, and only if no other month was approved after it was
    computed (that month's corrections may overlap this one's: compute it again), and only when
    every deduction that needs an individual decision has one decided with the amount the line
    pays (integreringsloven § 21; ``ReductionsUndecided`` lists them). The user who computed the
    run may approve it only by confirming so (``confirm_same_user``), which is recorded. The
    status check and the write are one UPDATE; the database's unique constraint refuses a
    second approved run of the month even when two users approve at the same moment.
    """
    same_user = benefit_run_approve_check(ctx=ctx, run=run, confirm_same_user=confirm_same_user)
    user = ctx.acting_user
    try:
        with transaction.atomic():
            updated = BenefitRun.objects.filter(pk=run.pk, status=BenefitRunStatus.PREVIEW).update(
                status=BenefitRunStatus.APPROVED,
                approved_at=timezone.now(),
                approved_by=user,
                approved_by_computer_confirmed=same_user,
            )
    except IntegrityError:
        raise ValidationError(approved_refusal(run.month)) from None
    if updated != 1:
        raise ValidationError(
            "Stønadskjøringen ble endret av noen andre mens du så på den; last inn siden på nytt."
        )
    audit_record_many(
        ctx=ctx,
        person_ids=_person_ids(run),
        action=AuditAction.UPDATE,
        detail=f"introduksjonsstønad {run.month:%m.%Y} godkjent"
        + (" av den som beregnet den (bekreftet)" if same_user else ""),
    )
    run.refresh_from_db()
    return run


# --- Reading ---------------------------------------------------------------------------------------


def benefit_run_lines(run: BenefitRun) -> QuerySet[BenefitLine]:
    return (
        BenefitLine.objects.filter(run=run)
        .select_related("person", "decision")
        .defer("decision__letter_pdf")
    )


def _person_ids(run: BenefitRun) -> list[int]:
    return list(BenefitLine.objects.filter(run=run).values_list("person_id", flat=True).distinct())


@dataclass(frozen=True)
class RunTotals:
    lines: int
    regular: Decimal
    corrections: Decimal
    correction_lines: int
    total: Decimal
    needs_decision: int


def benefit_run_totals(run: BenefitRun) -> RunTotals:
    """The sums of a run: regular, corrections, all, and how many lines need a decision."""
    regular, correction = BenefitLineKind.REGULAR, BenefitLineKind.CORRECTION
    sums = BenefitLine.objects.filter(run=run).aggregate(
        lines=Count("pk"),
        regular=Sum("amount", filter=Q(kind=regular)),
        corrections=Sum("amount", filter=Q(kind=correction)),
        correction_lines=Count("pk", filter=Q(kind=correction)),
        total=Sum("amount"),
        needs_decision=Count("pk", filter=Q(needs_decision=True)),
    )
    return RunTotals(
        lines=sums["lines"],
        regular=Decimal(sums["regular"] or 0),
        corrections=Decimal(sums["corrections"] or 0),
        correction_lines=sums["correction_lines"],
        total=Decimal(sums["total"] or 0),
        needs_decision=sums["needs_decision"],
    )


def benefit_lines_shown(ctx: AccessContext, lines: Iterable[BenefitLine], run: BenefitRun) -> None:
    """Record that the persons of these lines were shown (a list, audited as such)."""
    audit_record_many(
        ctx=ctx,
        person_ids=sorted({line.person_id for line in lines}),
        action=AuditAction.LIST,
        detail=f"introduksjonsstønad {run.month:%m.%Y}",
    )


# --- Exports for the payroll system ----------------------------------------------------------------

EXPORT_COLUMNS = (
    "identity_number",
    "duf_number",
    "family_name",
    "given_name",
    "period",
    "kind",
    "days",
    "monthly_rate",
    "gross",
    "absence_hours",
    "deduction",
    "amount",
    "needs_decision",
    "note",
)
# The workbook's headers (for people); the payroll file keeps the names above.
XLSX_HEADERS = {
    "identity_number": "Fødselsnummer",
    "duf_number": "DUF-nummer",
    "family_name": "Etternavn",
    "given_name": "Fornavn",
    "period": "Periode",
    "kind": "Type",
    "days": "Dager med stønad",
    "monthly_rate": "Månedssats (kr)",
    "gross": "Brutto (kr)",
    "absence_hours": "Fravær uten godkjenning (timer)",
    "deduction": "Trekk (kr)",
    "amount": "Til utbetaling (kr)",
    "needs_decision": "Trekket krever vedtak",
    "note": "Merknad",
}
MONEY_COLUMNS = ("monthly_rate", "gross", "deduction", "amount")
XLSX_FORMATS = {"period": MONTH, **dict.fromkeys(MONEY_COLUMNS, AMOUNT)}
SUM_COLUMNS = ("gross", "absence_hours", "deduction", "amount")
KIND_LABELS = {BenefitLineKind.REGULAR: "ordinær", BenefitLineKind.CORRECTION: "korreksjon"}


def _exportable(run: BenefitRun) -> None:
    if run.status not in (BenefitRunStatus.PREVIEW, BenefitRunStatus.APPROVED):
        raise ValidationError(
            f"Stønaden for {run.month:%m.%Y} er ikke ferdig beregnet («{run.get_status_display().lower()}»); "
            "det er ingenting å eksportere."
        )


def export_rows(run: BenefitRun) -> list[dict[str, Any]]:
    """One row per line, with the values typed (Decimal amounts, int days, bool flag)."""
    return [
        {
            "identity_number": line.person.identity_number or "",
            "duf_number": line.person.duf_number or "",
            "family_name": line.person.family_name,
            "given_name": line.person.given_name,
            "period": f"{line.period:%Y-%m}",
            "kind": KIND_LABELS[BenefitLineKind(line.kind)],
            "days": line.days,
            "monthly_rate": line.monthly_rate,
            "gross": line.gross,
            "absence_hours": line.absence_hours,
            "deduction": line.deduction,
            "amount": line.amount,
            "needs_decision": line.needs_decision,
            "note": line.note,
        }
        for line in benefit_run_lines(run)
    ]


def export_filename(run: BenefitRun, extension: str) -> str:
    """«introduksjonsstonad-0301-2024-05.csv»; a preview says so: «…-FORHÅNDSVISNING.csv»."""
    preview = "" if run.status == BenefitRunStatus.APPROVED else "-FORHÅNDSVISNING"
    return f"introduksjonsstonad-{run.municipality.number}-{run.month:%Y-%m}{preview}.{extension}"


def export_disposition(run: BenefitRun, extension: str) -> str:
    """The Content-Disposition of a download (the name may have «Å»: RFC 6266 ``filename*``)."""
    return content_disposition_header(True, export_filename(run, extension)) or "attachment"


def _export_audit(ctx: AccessContext, run: BenefitRun, what: str) -> None:
    audit_record_many(
        ctx=ctx,
        person_ids=_person_ids(run),
        action=AuditAction.EXPORT,
        detail=f"introduksjonsstønad {run.month:%m.%Y} til lønnssystemet ({what})",
    )


def _csv_value(name: str, item: Any) -> str:
    if name in MONEY_COLUMNS:
        return money_str(item)
    if isinstance(item, bool):
        return "ja" if item else "nei"
    return str(item)


def benefit_run_csv(*, ctx: AccessContext, run: BenefitRun) -> bytes:
    """The run as CSV for the payroll system (format in ``views/benefit_runs.py``), audited."""
    _exportable(run)
    rows = [[_csv_value(name, row[name]) for name in EXPORT_COLUMNS] for row in export_rows(run)]
    content = csv_file_bytes(EXPORT_COLUMNS, rows, delimiter=";", bom=True)
    _export_audit(ctx, run, "CSV")
    return content


def benefit_run_xlsx(*, ctx: AccessContext, run: BenefitRun) -> bytes:
    """The run as an Excel workbook: a header row, numbers as numbers, a sum row; audited."""
    _exportable(run)
    rows = export_rows(run)

    def cell(name: str, value: Any) -> Cell:
        if name == "needs_decision":
            return "ja" if value else "nei"
        if name == "period":  # «2026-03» in the payroll file, a month (03.2026) for people
            year, month = str(value).split("-")
            return datetime.date(int(year), int(month), 1)
        return cast(Cell, value)

    lines: list[list[Cell]] = [[cell(n, row[n]) for n in EXPORT_COLUMNS] for row in rows]
    sums = {name: sum((row[name] for row in rows), ZERO) for name in SUM_COLUMNS}
    lines.append(["Sum", *[sums.get(name) for name in EXPORT_COLUMNS[1:]]])
    columns = [
        Column(XLSX_HEADERS[name], number_format=XLSX_FORMATS.get(name)) for name in EXPORT_COLUMNS
    ]
    municipality = run.municipality
    heading = Heading(
        f"Introduksjonsstønad for {run.month:%m.%Y}"
        + ("" if run.status == BenefitRunStatus.APPROVED else " (forhåndsvisning, ikke godkjent)"),
        f"{municipality.name} kommune ({municipality.number})",
    )
    sheet = Sheet(f"Stønad {run.month:%m.%Y}", columns, lines, sum_row=True)
    content = xlsx_bytes([sheet], heading=heading)
    _export_audit(ctx, run, "Excel")
    return content
