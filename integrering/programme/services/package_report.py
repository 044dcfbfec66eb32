"""The integration packages reported to the directorate: how many participants of a municipality
«har fått eller skal få» each measure, per package and period, with the directorate's deadline.

Seed 003: the directorate asked each municipality for the number of participants who «har fått
eller skal få tiltakene våren 2021 (Integreringspakke II) og høsten 2021 (Integreringspakke
III)»; the form for package III went out 12 November 2021 with the deadline 26 November 2021,
and it also took the package II measures «som ikke ble rapportert inn til IMDi i juni 2021» (a
late report of II). The rounds, periods and deadlines are the parameter
``integration_packages/reporting``; the windows and the grant per participant are the packages'
own parameters, and every registered measure is checked against them again (one reading of the
rules: ``rules.integration_packages``).

A measure counts when its extension is registered (the decision drafted or made): «har fått»
when it starts on or before the round's deadline, «skal få» when it starts later. A package II
measure is a late report in the package III round when it was registered after package II's
deadline, so it could not have been in the June report. Extended Norwegian training given to
someone outside the programme counts for the municipality the person lives in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.exports import (
    AMOUNT,
    DATE,
    INTEGER,
    Column,
    Heading,
    Sheet,
    csv_bytes,
    xlsx_bytes,
)
from integrering.organisations.models import Municipality
from integrering.rules.integration_packages import (
    NORWEGIAN,
    PROGRAMME,
    REPORTING,
    norwegian_extension,
    programme_extension,
    reporting_rounds,
)
from integrering.rules.money import money_str
from integrering.rules.parameters import parameter
from integrering.rules.references import reference

from ..models import Extension, ExtensionKind
from ..periods import last_day

MEASURES: dict[str, str] = {
    ExtensionKind.PROGRAMME: "Utvidet programtid",
    ExtensionKind.NORWEGIAN_TRAINING: "Utvidet opplæring i norsk",
}
FORMATS = ("csv", "xlsx")
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class ReportLine:
    """One participant given one measure under one package."""

    person_id: int
    name: str
    birth_date: datetime.date | None
    participation_id: int | None
    package: str
    measure: str
    months: int
    from_on: datetime.date
    registered_on: datetime.date
    decision_status: str
    given: bool  # «har fått» by the deadline; else «skal få»
    late: bool  # a package reported in a later round


@dataclass(frozen=True)
class ReportCount:
    package: str
    measure: str
    label: str
    target_group: str
    participants: int
    given: int
    to_be_given: int
    rate: Decimal
    late: bool

    @property
    def amount(self) -> Decimal:
        return self.rate * self.participants


@dataclass
class PackageReport:
    municipality: Municipality
    package: str
    period: str
    sent_on: datetime.date | None
    deadline: datetime.date
    payout: str | None
    late_packages: list[str]
    counts: list[ReportCount] = field(default_factory=list)
    lines: list[ReportLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    references: list[dict[str, str]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.counts), Decimal(0))

    @property
    def person_ids(self) -> list[int]:
        return sorted({line.person_id for line in self.lines})

    def to_json(self) -> dict[str, Any]:
        return {
            "municipality": self.municipality.number,
            "municipality_name": self.municipality.name,
            "package": self.package,
            "period": self.period,
            "sent_on": self.sent_on,
            "deadline": self.deadline,
            "payout": self.payout,
            "late_packages": self.late_packages,
            "total": money_str(self.total),
            "counts": [
                {
                    "package": c.package,
                    "measure": c.measure,
                    "label": c.label,
                    "target_group": c.target_group,
                    "participants": c.participants,
                    "given": c.given,
                    "to_be_given": c.to_be_given,
                    "rate": money_str(c.rate),
                    "amount": money_str(c.amount),
                    "late": c.late,
                }
                for c in self.counts
            ],
            "participants": [
                {
                    "person": line.person_id,
                    "participation": line.participation_id,
                    "package": line.package,
                    "measure": line.measure,
                    "months": line.months,
                    "from_on": line.from_on,
                    "given": line.given,
                    "late": line.late,
                    "decision_status": line.decision_status,
                }
                for line in self.lines
            ],
            "problems": self.problems,
            "references": self.references,
        }


def report_packages() -> list[str]:
    """The packages the directorate asked reports for, in order (II, III)."""
    return list(reporting_rounds())


def _windows(name: str) -> dict[str, dict[str, Any]]:
    return {str(w["package"]): w for w in parameter(name).values[-1]["windows"]}


def _target_group(measure: str, package: str) -> str:
    """The target group of a package's measure in the words of the directorate's form."""
    if measure == ExtensionKind.PROGRAMME:
        w = _windows(PROGRAMME)[package]
        started = (
            f"startet {w['started_from']:%d.%m.%Y}–{w['started_before'] - DAY:%d.%m.%Y}"
            if w["started_from"] is not None
            else f"startet før {w['started_before']:%d.%m.%Y}"
        )
        return f"Deltakere som {started} og var i programmet per {w['in_programme_on']:%d.%m.%Y}"
    w = _windows(NORWEGIAN)[package]
    return (
        f"Deltakere som avslutter opplæringen {w['ended_from']:%d.%m.%Y}–"
        f"{w['ended_before'] - DAY:%d.%m.%Y}"
        + (
            " (rett og plikt etter introduksjonsloven § 17 første ledd)"
            if w.get("requires_right_and_duty")
            else ""
        )
    )


def _extensions(municipality: Municipality, packages: list[str]) -> list[Extension]:
    in_municipality = Q(participation__municipality=municipality) | Q(
        participation__isnull=True, person__municipality=municipality
    )
    return list(
        Extension.objects.filter(in_municipality, integration_package__in=packages)
        .select_related("person", "participation", "decision")
        .prefetch_related("participation__extensions")
        .order_by("person__family_name", "person__given_name", "pk")
    )


def _checked_package(extension: Extension) -> tuple[str | None, Decimal | None, str]:
    """The package the rules give for the extension's dates, its grant, and why not."""
    participation = extension.participation
    if extension.kind == ExtensionKind.PROGRAMME:
        assert participation is not None  # a programme extension always has one
        end = last_day(participation, list(participation.extensions.all()))
        answer = programme_extension(start=participation.starts_on, end=end)
    else:
        ends_on = extension.norwegian_training_ends_on or (
            participation.norwegian_training_ends_on if participation is not None else None
        )
        answer = norwegian_extension(end=ends_on, right_and_duty=extension.right_and_duty)
    return answer.package, answer.grant, answer.reason


def package_report_compute(*, municipality: Municipality, package: str) -> PackageReport:
    """The report of one round (a package) for a municipality (not audited: see
    ``package_report_for``)."""
    rounds = reporting_rounds()
    if package not in rounds:
        raise ValidationError(
            {"package": [f"Ukjent rapportering «{package}»; velg {' eller '.join(rounds)}."]}
        )
    info = rounds[package]
    late_packages = [str(p) for p in info.get("late_packages") or []]
    report = PackageReport(
        municipality=municipality,
        package=package,
        period=str(info["period"]),
        sent_on=info.get("sent_on"),
        deadline=info["deadline"],
        payout=info.get("payout"),
        late_packages=late_packages,
    )
    report.references = [
        reference(REPORTING, info["deadline"]),
        reference(PROGRAMME, parameter(PROGRAMME).first_date),
        reference(NORWEGIAN, parameter(NORWEGIAN).first_date),
    ]
    groups: dict[tuple[str, str], dict[int, ReportLine]] = {}
    rates: dict[tuple[str, str], Decimal] = {}
    for extension in _extensions(municipality, [package, *late_packages]):
        person = extension.person or (
            extension.participation.person if extension.participation is not None else None
        )
        if person is None:
            continue
        recorded = extension.integration_package
        registered_on = extension.created_at.date()
        late = recorded != package
        if late and registered_on <= rounds[recorded]["deadline"]:
            continue  # could be in that package's own report: not a late report
        measure = MEASURES[extension.kind]
        checked, grant, reason = _checked_package(extension)
        if checked != recorded or grant is None:
            report.problems.append(
                f"{person.full_name}: {measure.lower()} er registrert som pakke {recorded}, men "
                f"datoene gir {f'pakke {checked}' if checked else 'ingen pakke'} ({reason}); "
                "ikke tatt med."
            )
            continue
        key = (recorded, extension.kind)
        rates[key] = grant
        decision = extension.decision
        by_person = groups.setdefault(key, {})
        earlier = by_person.get(person.pk)  # a second extension of the same measure: one person
        by_person[person.pk] = ReportLine(
            person_id=person.pk,
            name=person.full_name,
            birth_date=person.birth_date,
            participation_id=extension.participation_id,
            package=recorded,
            measure=extension.kind,
            months=extension.months + (earlier.months if earlier else 0),
            from_on=min(extension.from_on, earlier.from_on) if earlier else extension.from_on,
            registered_on=registered_on,
            decision_status=decision.get_status_display() if decision is not None else "",
            given=False,
            late=late,
        )
    # The round's own package first, then the late ones; the programme before Norwegian.
    order = sorted(groups, key=lambda k: (k[0] != package, k[0], k[1] != ExtensionKind.PROGRAMME))
    for recorded, kind in order:
        lines = [
            replace(line, given=line.from_on <= report.deadline)
            for line in groups[(recorded, kind)].values()
        ]
        report.lines.extend(lines)
        given = sum(1 for line in lines if line.given)
        report.counts.append(
            ReportCount(
                package=recorded,
                measure=kind,
                label=MEASURES[kind],
                target_group=_target_group(kind, recorded),
                participants=len(lines),
                given=given,
                to_be_given=len(lines) - given,
                rate=rates[(recorded, kind)],
                late=recorded != package,
            )
        )
    return report


def package_report_for(
    *,
    ctx: AccessContext,
    municipality: Municipality,
    package: str,
    action: str = AuditAction.LIST,
) -> PackageReport:
    """The report, with every participant in it written to the audit log."""
    report = package_report_compute(municipality=municipality, package=package)
    audit_record_many(
        ctx=ctx,
        person_ids=report.person_ids,
        action=action,
        detail=f"integreringspakker {municipality.number} pakke {package}",
    )
    return report


# --- Exports -----------------------------------------------------------------------------------

COUNT_COLUMNS = [
    Column("Pakke", width=8),
    Column("Periode", width=14),
    Column("Tiltak", width=26),
    Column("Målgruppe", width=60, wrap=True),
    Column("Deltakere som har fått eller skal få tiltaket", width=18, number_format=INTEGER),
    Column("Herav fått innen svarfristen", width=14, number_format=INTEGER),
    Column("Herav skal få", width=12, number_format=INTEGER),
    Column("Sats per deltaker", width=14, number_format=AMOUNT),
    Column("Beløp", width=16, number_format=AMOUNT),
    Column("Merknad", width=40, wrap=True),
]
LINE_COLUMNS = [
    Column("Navn", width=28),
    Column("Fødselsdato", width=12, number_format=DATE),
    Column("Pakke", width=8),
    Column("Tiltak", width=26),
    Column("Måneder", width=9, number_format=INTEGER),
    Column("Fra og med", width=12, number_format=DATE),
    Column("Registrert", width=12, number_format=DATE),
    Column("Vedtak", width=12),
    Column("Fått innen svarfristen", width=12),
    Column("Sen rapportering", width=12),
]


def _periods() -> dict[str, str]:
    return {p: str(info["period"]) for p, info in reporting_rounds().items()}


def _count_rows(report: PackageReport) -> list[list[Any]]:
    periods = _periods()
    rows: list[list[Any]] = []
    for c in report.counts:
        note = (
            f"Sen rapportering av pakke {c.package}: registrert etter svarfristen for pakke "
            f"{c.package}"
            if c.late
            else ""
        )
        rows.append(
            [
                c.package,
                periods.get(c.package, ""),
                c.label,
                c.target_group,
                c.participants,
                c.given,
                c.to_be_given,
                c.rate,
                c.amount,
                note,
            ]
        )
    return rows


def _sum_row(report: PackageReport) -> list[Any]:
    participants = sum(c.participants for c in report.counts)
    return ["Sum", "", "", "", participants, None, None, None, report.total, ""]


def package_report_csv(report: PackageReport) -> bytes:
    """The counts as the directorate's form asks for them (no person in it)."""
    rows = [*_count_rows(report), _sum_row(report)]
    return csv_bytes(COUNT_COLUMNS, rows, heading=package_report_heading(report))


def package_report_heading(report: PackageReport) -> Heading:
    """The files' title row: the package and period, and the municipality."""
    municipality = report.municipality
    return Heading(
        f"Rapport om integreringspakke {report.package}, {report.period}",
        f"{municipality.name} kommune ({municipality.number})",
    )


def package_report_xlsx(report: PackageReport) -> bytes:
    """The counts, and the participants behind them for the municipality's own control."""
    rows = [*_count_rows(report), _sum_row(report)]
    lines = [
        [
            line.name,
            line.birth_date,
            line.package,
            MEASURES[line.measure],
            line.months,
            line.from_on,
            line.registered_on,
            line.decision_status,
            "ja" if line.given else "nei",
            "ja" if line.late else "nei",
        ]
        for line in report.lines
    ]
    return xlsx_bytes(
        [
            Sheet("Rapport", COUNT_COLUMNS, rows, sum_row=True),
            Sheet("Deltakere", LINE_COLUMNS, lines),
        ],
        heading=package_report_heading(report),
    )


def package_report_filename(report: PackageReport, fmt: str) -> str:
    return f"integreringspakke-{report.package}-{report.municipality.number}.{fmt}"
