"""The rows of a deadline table (the dashboard and a person's page), their text worked out once.

The dashboard shows 50 deadlines with a form each. Every lookup and filter in a template costs
several times what the same step costs here, and rendering the rows was most of the dashboard's
time under load (issue 9, ``benchmarks/load.py``), so the template gets plain strings.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from integrering.ui.links import id_url_format

from .deadline_labels import deadline_label
from .models import Deadline


@dataclass(frozen=True)
class DeadlineRow:
    field_id: str  # the id of the row's date field, "met-<pk>"
    label: str
    service: str
    due: str
    status: str
    overdue: bool
    person_name: str
    # Empty when the viewer may not open the person's page, or the deadline is met.
    person_url: str
    meet_url: str
    # What a screen reader hears after the button's text: the deadline, and whose it is.
    described: str
    caseworker: str


def _date(on: datetime.date) -> str:
    return f"{on:%d.%m.%Y}"


def deadline_rows(
    deadlines: Iterable[Deadline], *, today: datetime.date, with_person: bool, whole_case: bool
) -> list[DeadlineRow]:
    """One row per deadline. ``with_person`` adds the person and the household's contact
    person (the dashboard), ``whole_case`` links the person's page."""
    person_url = id_url_format("casework:person-detail") if with_person and whole_case else ""
    meet_url = id_url_format("casework:deadline-meet")
    rows = []
    for deadline in deadlines:
        label = deadline_label(deadline.kind)
        overdue = deadline.is_overdue(today)
        if deadline.met_on is not None:
            met_by = deadline.met_by.display_name if deadline.met_by else ""
            status = f"Oppfylt {_date(deadline.met_on)}" + (f" av {met_by}" if met_by else "")
        else:
            status = "Forfalt" if overdue else "Åpen"
        person_name = caseworker = ""
        if with_person:
            person_name = deadline.person.full_name
            contact = deadline.person.household.caseworker
            caseworker = contact.display_name if contact else "–"
        rows.append(
            DeadlineRow(
                field_id=f"met-{deadline.pk}",
                label=label,
                service=deadline.get_service_display(),
                due=_date(deadline.due_on),
                status=status,
                overdue=overdue,
                person_name=person_name,
                person_url=person_url.format(deadline.person_id),
                meet_url="" if deadline.met_on else meet_url.format(deadline.pk),
                described=label.lower() + (f", {person_name}" if with_person else ""),
                caseworker=caseworker,
            )
        )
    return rows
