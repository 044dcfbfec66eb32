"""Audit completeness (issue 9 part 3): every route that shows a person writes an audit record.

The sweep visits every GET route (HTML and API, found by the URL resolver, so new routes are
covered) as each user who may reach it. A route shows a person when its path names a person's
case (a person, household, consent, decision, ...) or when the person's identity number or
name is in what it returns: the HTML, the JSON, the text of a PDF or the cells of an Excel file.
For every person it shows, the request must have written an audit record naming that person.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.db.models import Max
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import World, client_for
from integrering.accounts.models import User
from integrering.audit.models import AuditEvent
from integrering.people.models import Person
from tests.routes import Route
from tests.test_isolation import (
    CAPABILITY_KWARGS,
    OBJECT_KWARGS,
    OWNER_FOR_KWARG,
    ROUTES,
    _analyst,
    _governor,
    _leader,
    _planner,
    route_owner,
)

# Path kwargs that name one person's case: a 200 on such a route shows that person's data.
PERSON_KWARGS = frozenset(
    {
        "person_id",
        "household_id",
        "consent_id",
        "deadline_id",
        "notice_id",
        "meeting_id",
        "contract_id",
        "participation_id",
        "absence_id",
        "decision_id",
        "appeal_id",
        "governor_appeal_id",
    }
)

SWEPT = [r for r in ROUTES if not CAPABILITY_KWARGS & set(r.kwargs)]

VIEWERS: dict[str, Callable[[World], User]] = {
    "caseworker": lambda w: w.owner,
    "leader": _leader,
    "county governor": _governor,
    "planner": _planner,
    "analyst": _analyst,
}


def _text(content: bytes, content_type: str) -> str:
    """What a reader of the response sees, whatever its format."""
    if content_type.startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if "spreadsheetml" in content_type:
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return content.decode(errors="replace")


def _markers(person: Person) -> list[str]:
    markers = [
        f"{person.given_name} {person.family_name}",
        f"{person.family_name}, {person.given_name}",
    ]
    if person.identity_number:
        number = person.identity_number
        markers += [number, f"{number[:6]} {number[6:]}"]
    return markers


def _prepare(world: World, route: Route) -> dict[str, object]:
    """The route's objects; for a list, every kind of object, so that it has something to show."""
    kwargs = route.kwargs or tuple(OBJECT_KWARGS)
    return {k: OBJECT_KWARGS[k](world) for k in kwargs}


@pytest.mark.parametrize("route", SWEPT, ids=lambda r: r.name)
def test_every_route_that_shows_a_person_writes_an_audit_record(world: World, route: Route) -> None:
    values = _prepare(world, route)
    persons = list(world.household.members.all())
    viewers = dict(VIEWERS)
    if OWNER_FOR_KWARG.keys() & set(route.kwargs):  # someone else's object: its owner only
        viewers = {"owner": route_owner(route)}
    url = route.build(values)

    reached = []
    for name, viewer in viewers.items():
        client: Client = client_for(viewer(world))
        before = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
        response = client.get(url)
        if response.status_code != 200:
            continue
        reached.append(name)
        body = _text(response.content, response.get("Content-Type", ""))
        logged = set(
            AuditEvent.objects.filter(id__gt=before, allowed=True).values_list(
                "person_id", flat=True
            )
        )
        shown = {p.pk for p in persons if any(m in body for m in _markers(p))}
        missing = sorted(shown - logged)
        assert not missing, f"{url} as {name} showed persons {missing} without an audit record"
        if PERSON_KWARGS & set(route.kwargs):
            assert logged & {p.pk for p in persons}, (
                f"{url} as {name} showed a person's case without an audit record"
            )
    if route.kwargs and not {"year"} >= set(route.kwargs):
        # An object route must be reachable by its owner, or the check above proved nothing
        # (POST-only routes answer 405 and have nothing to show).
        statuses = {client_for(v(world)).get(url).status_code for v in viewers.values()}
        assert reached or 405 in statuses, f"{url}: nobody reached it ({statuses})"
