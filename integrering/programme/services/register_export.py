"""The export to the national introduction register (Nasjonalt introduksjonsregister, NIR):
participants, programme periods, hours and results in an open format, documented field by field
in ``docs/introduction-register.md``.

Persons are registered in the register within 2 months of the right arising (DOMAIN.md); the
register identifies them by identity number or DUF number, so the export carries those, not
a pseudonym. Two forms of the same content:

- JSON: ``{"format": "integrering-introduksjonsregister", "version": 1, ...,
  "participants": [{person, "participations": [...]}]}``;
- CSV: a flat file, one row per record, the record type in the first column
  (``participation``, ``extension``, ``leave``, ``stop``, ``hours``), each row carrying the
  participation reference and the person's identity so it stands alone.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.organisations.models import Municipality

from ..models import Absence, Participation, PeriodKind
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
            persons[person.pk] = {
                "identity_number": person.identity_number or None,
                "duf_number": person.duf_number or None,
                "birth_date": person.birth_date.isoformat(),
                "sex": person.sex or None,
                "citizenship": person.citizenship or None,
                "participations": [],
            }
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
    """The export as flat CSV (UTF-8, comma, RFC 4180): one row per record, see the module doc."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for participant in data["participants"]:
        identity = {key: participant[key] for key in PARTICIPANT_KEYS if key != "participations"}
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
            for row in rows:
                writer.writerow({key: _csv_cell(row.get(key)) for key in CSV_COLUMNS})
    return out.getvalue().encode("utf-8")


def register_json(data: dict[str, Any]) -> bytes:
    """The export as JSON (UTF-8, indented)."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def register_filename(export: RegisterExport, fmt: str) -> str:
    period = ""
    if export.from_on or export.to_on:
        period = f"-{_iso(export.from_on) or 'start'}-{_iso(export.to_on) or 'slutt'}"
    return f"introduksjonsregister-{export.municipality.number}{period}.{fmt}"
