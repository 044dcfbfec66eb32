"""The municipality's register of establishment support per year: granted and paid, by household."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from integrering.accounts.access import municipality_ids_served_by, sees_whole_case
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.people.models import Person

from ..models import (
    EstablishmentApplication,
    EstablishmentPurchase,
    EstablishmentStatus,
    PurchasePayment,
    PurchaseStatus,
)


@dataclass(frozen=True)
class RegisterRow:
    application: EstablishmentApplication
    granted: Decimal
    paid_in_year: Decimal
    paid_to_shops_in_year: Decimal


@dataclass(frozen=True)
class Register:
    year: int
    rows: list[RegisterRow]

    @property
    def granted(self) -> Decimal:
        return sum((r.granted for r in self.rows), Decimal(0))

    @property
    def paid(self) -> Decimal:
        return sum((r.paid_in_year for r in self.rows), Decimal(0))

    @property
    def paid_to_shops(self) -> Decimal:
        return sum((r.paid_to_shops_in_year for r in self.rows), Decimal(0))


def register_years(on: datetime.date | None = None) -> range:
    today = on or timezone.localdate()
    return range(2018, today.year + 1)


def establishment_register(*, ctx: AccessContext, year: int) -> Register:
    """The applications of the user's municipalities decided in ``year`` or with a payment in it:
    what was granted (in the year's decisions) and paid in the year, by household; audited as
    a list of the households' members."""
    _register_require(ctx)
    municipalities = municipality_ids_served_by(ctx.user)
    paid = EstablishmentPurchase.objects.filter(status=PurchaseStatus.PAID, paid_on__year=year)
    applications: QuerySet[EstablishmentApplication] = (
        EstablishmentApplication.objects.filter(municipality_id__in=municipalities)
        .filter(Q(decided_on__year=year) | Exists(paid.filter(application=OuterRef("pk"))))
        .select_related("household", "municipality")
        .order_by("municipality__number", "household__reference", "applied_on")
    )
    sums = {
        row["application_id"]: row
        for row in paid.filter(application__in=applications)
        .values("application_id")
        .annotate(
            paid=Sum("amount"), to_shops=Sum("amount", filter=Q(payment=PurchasePayment.SHOP))
        )
    }
    rows = []
    for application in applications:
        decided_this_year = (
            application.decided_on is not None
            and application.decided_on.year == year
            and application.status == EstablishmentStatus.APPROVED
        )
        paid_sums = sums.get(application.pk, {})
        rows.append(
            RegisterRow(
                application=application,
                granted=(application.granted("furniture") + application.granted("clothes"))
                if decided_this_year
                else Decimal(0),
                paid_in_year=paid_sums.get("paid") or Decimal(0),
                paid_to_shops_in_year=paid_sums.get("to_shops") or Decimal(0),
            )
        )
    person_ids = list(
        Person.objects.filter(household__in=[r.application.household_id for r in rows]).values_list(
            "pk", flat=True
        )
    )
    audit_record_many(
        ctx=ctx,
        person_ids=person_ids,
        action=AuditAction.LIST,
        detail=f"etableringsregister {year}",
    )
    return Register(year=year, rows=rows)


def _register_require(ctx: AccessContext) -> None:
    if not sees_whole_case(ctx.user):
        raise PermissionDenied(
            "Registeret over etableringsstønad er for flyktningtjenesten og kommunens ledelse."
        )


def establishment_register_xlsx(register: Register) -> bytes:
    """The year's register as a workbook, Norwegian headers, numbers as numbers."""
    from integrering.exports import AMOUNT, DATE, Cell, Column, Heading, Sheet, xlsx_bytes

    columns = [
        Column("Kommune", 18),
        Column("Husstand", 14),
        Column("Søknadsdato", 12, DATE),
        Column("Gjelder", 26),
        Column("Status", 12),
        Column("Vedtaksdato", 12, DATE),
        Column("Innvilget i året (kr)", 18, AMOUNT),
        Column("Betalt i året (kr)", 16, AMOUNT),
        Column("Av det til butikker (kr)", 20, AMOUNT),
    ]
    rows: list[list[Cell]] = [
        [
            r.application.municipality.name,
            r.application.household.reference,
            r.application.applied_on,
            "Familieinnvandring" if r.application.family_reunification else "Førstegangsetablering",
            r.application.get_status_display(),
            r.application.decided_on,
            r.granted,
            r.paid_in_year,
            r.paid_to_shops_in_year,
        ]
        for r in register.rows
    ]
    rows.append(
        ["Sum", "", None, "", "", None, register.granted, register.paid, register.paid_to_shops]
    )
    names = sorted({r.application.municipality.name for r in register.rows})
    whom = ", ".join(names) if names else "Ingen søknader i året"
    return xlsx_bytes(
        [
            Sheet(
                title=f"Etableringsstønad {register.year}",
                columns=columns,
                rows=rows,
                sum_row=True,
            )
        ],
        heading=Heading(f"Register over etableringsstønad {register.year}", whom),
    )


def establishment_register_filename(year: int) -> str:
    return f"etableringsstonad-{year}.xlsx"
