"""The export to the national introduction register (Nasjonalt introduksjonsregister, NIR):
participants, programme periods, hours and results in an open format, documented field by field
in ``docs/introduction-register.md``.

Persons are registered in the register within 2 months of the right arising (DOMAIN.md); the
register identifies them by identity number or DUF number, so the export carries those, not
a pseudonym. Two forms of the same content:

- JSON: ``{"format": "integrering-introduksjonsregister", "version": 1, ...,
  "participants": [{person, "participations": [...]}]}``;
- CSV: a flat file, one row per record, the record type in the first column
  (``participation``, ``extension``, ``leave``, ``stop``, ``hours``, and for Norwegian training
  ``norwegian_training``, ``norwegian_hours``, ``norwegian_test``), each row carrying the
  participation reference (empty for Norwegian training) and the person's identity so it stands
  alone.

A person's Norwegian and social studies training (``norwegian_training``: the right, its status,
hours per month and the final tests) comes with them, also for a person in Norwegian training
only.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.exports import csv_file_bytes
from integrering.organisations.models import Municipality
from integrering.people.models import Person

from ..models import Absence, NorwegianTraining, Participation, PeriodKind
from ..periods import month_bounds, planned_end

FORMAT = "integrering-introduksjonsregister"
VERSION = 1
FORMATS = ("json", "csv")

PARTICIPANT_KEYS = (
    "identity_number",
    "duf_number",
    "birth_date",
    "sex",
    "citizenship",
    "participations",
    "norwegian_training",
)
PARTICIPATION_KEYS = (
    "participation_ref",
    "municipality",
    "act",
    "final_goal",
    "full_time",
    "starts_on",
    "planned_months",
    "planned_end",
    "extensions",
    "periods",
    "hours",
    "ended_on",
    "end_reason",
    "status",
)
EXTENSION_KEYS = ("kind", "months", "from_on", "integration_package", "package")
PERIOD_KEYS = ("kind", "from_on", "to_on", "leave_reason", "with_benefit")
HOURS_KEYS = ("month", "approved_hours", "unapproved_hours")
NORWEGIAN_KEYS = (
    "act",
    "basis",
    "right_from",
    "status",
    "starts_on",
    "ended_on",
    "hours",
    "tests",
)
NORWEGIAN_HOURS_KEYS = ("month", "taught_hours", "attended_hours")
NORWEGIAN_TEST_KEYS = ("test", "taken_on", "level", "passed")

CSV_COLUMNS = (
    "record_type",
    "participation_ref",
    "identity_number",
    "duf_number",
    "birth_date",
    "sex",
    "citizenship",
    "municipality",
    "act",
    "final_goal",
    "full_time",
    "starts_on",
    "planned_months",
    "planned_end",
    "ended_on",
    "end_reason",
    "status",
    "kind",
    "months",
    "from_on",
    "to_on",
    "integration_package",
    "package",
    "leave_reason",
    "with_benefit",
    "month",
    "approved_hours",
    "unapproved_hours",
    "basis",
    "right_from",
    "taught_hours",
    "attended_hours",
    "test",
    "taken_on",
    "level",
    "passed",
)


@dataclass(frozen=True)
class RegisterExport:
    municipality: Municipality
    from_on: datetime.date | None
    to_on: datetime.date | None
    data: dict[str, Any]
    person_ids: list[int]

    @property
    def participant_count(self) -> int:
        return len(self.data["participants"])

    @property
    def participation_count(self) -> int:
        return sum(len(p["participations"]) for p in self.data["participants"])


def participation_ref(participation: Participation) -> str:
    """A participation's stable reference in the export (the municipality's own key)."""
    return f"{participation.municipality.number}-P{participation.pk:08d}"


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _hours(value: Decimal) -> str:
    return f"{value:.1f}"


def _status(participation: Participation) -> str:
    return "ended" if participation.ended_on is not None else "active"


def _participations(
    municipality: Municipality, from_on: datetime.date | None, to_on: datetime.date | None
) -> list[Participation]:
    query = Participation.objects.filter(municipality=municipality)
    if to_on is not None:
        query = query.filter(starts_on__lte=to_on)
    if from_on is not None:
        # The planned end needs the extensions; ended participations are filtered here, open
        # ones below once their extensions are loaded.
        query = query.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=from_on))
    participations = list(
        query.select_related("person", "municipality")
        .prefetch_related("extensions", "periods")
        .order_by("person__family_name", "person__given_name", "person_id", "starts_on", "pk")
    )
    if from_on is None:
        return participations
    return [
        p
        for p in participations
        if p.ended_on is not None or planned_end(p, list(p.extensions.all())) >= from_on
    ]


def _hours_by_month(
    participations: list[Participation],
    from_on: datetime.date | None,
    to_on: datetime.date | None,
) -> dict[int, list[dict[str, str]]]:
    absences = Absence.objects.filter(participation__in=participations)
    if from_on is not None:
        absences = absences.filter(on__gte=from_on)
    if to_on is not None:
        absences = absences.filter(on__lte=to_on)
    sums: dict[int, dict[datetime.date, list[Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: [Decimal(0), Decimal(0)])
    )
    for absence in absences.order_by("on"):
        month = month_bounds(absence.on)[0]
        sums[absence.participation_id][month][0 if absence.approved else 1] += absence.hours
    return {
        pid: [
            {
                "month": f"{month:%Y-%m}",
                "approved_hours": _hours(approved),
                "unapproved_hours": _hours(unapproved),
            }
            for month, (approved, unapproved) in sorted(months.items())
        ]
        for pid, months in sums.items()
    }


def _identity(person: Person) -> dict[str, Any]:
    return {
        "identity_number": person.identity_number or None,
        "duf_number": person.duf_number or None,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex or None,
        "citizenship": person.citizenship or None,
        "participations": [],
        "norwegian_training": None,
    }


def _trainings(
    municipality: Municipality, from_on: datetime.date | None, to_on: datetime.date | None
) -> list[NorwegianTraining]:
    """The municipality's Norwegian training that overlaps the period (from the right arising to
    its end)."""
    query = NorwegianTraining.objects.filter(municipality=municipality)
    if to_on is not None:
        query = query.filter(right_from__lte=to_on)
    if from_on is not None:
        query = query.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=from_on))
    return list(
        query.select_related("person").prefetch_related("months", "tests").order_by("person_id")
    )


def _in_period(
    day: datetime.date, from_on: datetime.date | None, to_on: datetime.date | None
) -> bool:
    return (from_on is None or day >= from_on.replace(day=1)) and (to_on is None or day <= to_on)


def _norwegian(
    training: NorwegianTraining, from_on: datetime.date | None, to_on: datetime.date | None
) -> dict[str, Any]:
    return {
        "act": training.act,
        "basis": training.basis,
        "right_from": training.right_from.isoformat(),
        "status": training.status,
        "starts_on": _iso(training.starts_on),
        "ended_on": _iso(training.ended_on),
        "hours": [
            {
                "month": f"{row.month:%Y-%m}",
                "taught_hours": _hours(row.taught),
                "attended_hours": _hours(row.attended),
            }
            for row in training.months.all()
            if _in_period(row.month, from_on, to_on)
        ],
        "tests": [
            {
                "test": test.kind,
                "taken_on": test.taken_on.isoformat(),
                "level": test.level or None,
                "passed": test.passed,
            }
            for test in training.tests.all()
            if _in_period(test.taken_on, from_on, to_on)
        ],
    }


def register_data(
    *,
    municipality: Municipality,
    from_on: datetime.date | None = None,
    to_on: datetime.date | None = None,
    generated_at: datetime.datetime | None = None,
) -> tuple[dict[str, Any], list[int]]:
    """The export's content (as JSON) and the persons in it, not audited.

    A participation is in the export when it overlaps the period (from its start to its end,
    or its planned end while it is open); its leave and stop periods that overlap the period
    and its absence hours in the period come with it; its extensions always do.
    """
    if from_on is not None and to_on is not None and to_on < from_on:
        raise ValueError("Til-datoen kan ikke være før fra-datoen.")
    participations = _participations(municipality, from_on, to_on)
    hours = _hours_by_month(participations, from_on, to_on)
    persons: dict[int, dict[str, Any]] = {}
    for participation in participations:
        person = participation.person
        if person.pk not in persons:
            persons[person.pk] = _identity(person)
        extensions = list(participation.extensions.all())
        periods = [
            period
            for period in participation.periods.all()
            if (from_on is None or period.to_on is None or period.to_on >= from_on)
            and (to_on is None or period.from_on <= to_on)
        ]
        persons[person.pk]["participations"].append(
            {
                "participation_ref": participation_ref(participation),
                "municipality": participation.municipality.number,
                "act": participation.act,
                "final_goal": participation.final_goal,
                "full_time": participation.full_time,
                "starts_on": participation.starts_on.isoformat(),
                "planned_months": participation.planned_months,
                "planned_end": planned_end(participation, extensions).isoformat(),
                "extensions": [
                    {
                        "kind": e.kind,
                        "months": e.months,
                        "from_on": e.from_on.isoformat(),
                        "integration_package": bool(e.integration_package),
                        "package": e.integration_package or None,
                    }
                    for e in extensions
                ],
                "periods": [
                    {
                        "kind": p.kind,
                        "from_on": p.from_on.isoformat(),
                        "to_on": _iso(p.to_on),
                        "leave_reason": (p.leave_reason or None)
                        if p.kind == PeriodKind.LEAVE
                        else None,
                        "with_benefit": p.with_benefit if p.kind == PeriodKind.LEAVE else False,
                    }
                    for p in periods
                ],
                "hours": hours.get(participation.pk, []),
                "ended_on": _iso(participation.ended_on),
                "end_reason": participation.end_reason or None,
                "status": _status(participation),
            }
        )
    for training in _trainings(municipality, from_on, to_on):
        person = training.person
        if person.pk not in persons:
            persons[person.pk] = _identity(person)
        persons[person.pk]["norwegian_training"] = _norwegian(training, from_on, to_on)
    generated = generated_at or timezone.now()
    data = {
        "format": FORMAT,
        "version": VERSION,
        "municipality": municipality.number,
        "generated_at": generated.isoformat(timespec="seconds"),
        "period": {"from": _iso(from_on), "to": _iso(to_on)},
        "participants": list(persons.values()),
    }
    return data, list(persons)


def register_export(
    *,
    ctx: AccessContext,
    municipality: Municipality,
    from_on: datetime.date | None = None,
    to_on: datetime.date | None = None,
    action: str = AuditAction.EXPORT,
) -> RegisterExport:
    """The register export of a municipality (and period), every person in it audited."""
    data, person_ids = register_data(municipality=municipality, from_on=from_on, to_on=to_on)
    audit_record_many(
        ctx=ctx,
        person_ids=person_ids,
        action=action,
        detail=f"introduksjonsregister {municipality.number}",
    )
    return RegisterExport(municipality, from_on, to_on, data, person_ids)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def register_csv(data: dict[str, Any]) -> bytes:
    """The export as flat CSV (UTF-8, comma, RFC 4180): one row per record, see the module doc.
    Free text that a spreadsheet would take for a formula is neutralised (``csv_file_bytes``)."""
    lines: list[list[str]] = []
    for participant in data["participants"]:
        identity = {
            key: participant[key]
            for key in PARTICIPANT_KEYS
            if key not in ("participations", "norwegian_training")
        }
        for participation in participant["participations"]:
            base = {**identity, "participation_ref": participation["participation_ref"]}
            head = {
                key: participation[key]
                for key in PARTICIPATION_KEYS
                if key not in ("extensions", "periods", "hours")
            }
            rows: list[dict[str, Any]] = [{**base, **head, "record_type": "participation"}]
            rows += [{**base, **e, "record_type": "extension"} for e in participation["extensions"]]
            rows += [{**base, **p, "record_type": p["kind"]} for p in participation["periods"]]
            rows += [{**base, **h, "record_type": "hours"} for h in participation["hours"]]
            lines += [[_csv_cell(row.get(key)) for key in CSV_COLUMNS] for row in rows]
        training = participant.get("norwegian_training")
        if training is not None:
            head = {k: training[k] for k in NORWEGIAN_KEYS if k not in ("hours", "tests")}
            rows = [{**identity, **head, "record_type": "norwegian_training"}]
            rows += [{**identity, **h, "record_type": "norwegian_hours"} for h in training["hours"]]
            rows += [{**identity, **t, "record_type": "norwegian_test"} for t in training["tests"]]
            lines += [[_csv_cell(row.get(key)) for key in CSV_COLUMNS] for row in rows]
    return csv_file_bytes(CSV_COLUMNS, lines)


def register_json(data: dict[str, Any]) -> bytes:
    """The export as JSON (UTF-8, indented)."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def register_filename(export: RegisterExport, fmt: str) -> str:
    period = ""
    if export.from_on or export.to_on:
        period = f"-{_iso(export.from_on) or 'start'}-{_iso(export.to_on) or 'slutt'}"
    return f"introduksjonsregister-{export.municipality.number}{period}.{fmt}"
