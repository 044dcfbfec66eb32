"""From reception to a settled household, with no demo shortcut (issue 21 item 7).

One journey through the product as its users walk it, each step through its page or API and the
real background worker: the planner imports the reception list, forecasts the need from the
reception counts, spreads the requests (unaccompanied minors over the municipalities that accept
them), a municipality answers its request itself, the matcher places every household where its
needs can be met, the planner confirms, the services that prepare are told at once that the
household is matched, and the municipality's settlement date then starts the notices, deadlines
and the first team meeting. Each step asserts the values it produced.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import client_for
from integrering.accounts.roles import Role
from integrering.audit.models import AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import Deadline, Meeting, MeetingKind, Notice, NoticeOccasion
from integrering.casework.tests.test_household_import import WORKER_DB, run_worker
from integrering.people.models import Category, Household, ImportStatus, Person
from integrering.settlement.models import (
    MatchRun,
    MatchRunStatus,
    ReceptionKind,
    SettlementRequest,
    WaitingHousehold,
    WaitingHouseholdImport,
    WaitingStatus,
)
from integrering.settlement.services.reception import reception_count_record
from integrering.settlement.services.requests import municipality_facts_replace
from integrering.settlement.spreading import SpreadRow
from integrering.settlement.testing import make_centre
from integrering.settlement.tests.test_waiting_import import csv_bytes, person_row
from integrering.testing import make_user

D = datetime.date
TODAY = D(2026, 3, 2)
YEAR = 2026
SETTLED_ON = D(2026, 3, 16)
OSLO, BERGEN, TRONDHEIM, STAVANGER = "0301", "4601", "5001", "1103"


def _json(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
    assert response.status_code in {200, 201, 202}, (url, response.status_code, response.content)
    return response.json()


def _reception_list(centre: str, minors_centre: str) -> bytes:
    """Three households in reception: a family of four with a school child, a toddler and a need
    for a wheelchair-adapted dwelling; a man with family in Bergen; an unaccompanied minor."""
    return csv_bytes(
        [
            person_row(
                "MOT-1",
                11,
                mottak=centre,
                klar_dato="01.03.2026",
                bosettingsar="2026",
                tilpasning="rullestol",
                relasjon="hovedperson",
                kjonn="kvinne",
                fodselsdato="12.04.1986",
                morsmal="arabisk",
                tolk="ja",
            ),
            person_row("MOT-1", 12, relasjon="ektefelle", kjonn="mann", fodselsdato="02.02.1984"),
            person_row("MOT-1", 13, relasjon="barn", fodselsdato="21.06.2016"),
            person_row("MOT-1", 14, relasjon="barn", fodselsdato="05.05.2023"),
            person_row(
                "MOT-2",
                21,
                mottak=centre,
                klar_dato="15.02.2026",
                bosettingsar="2026",
                tilknytning_kommune=BERGEN,
                tilknytning="familie",
                relasjon="hovedperson",
                kjonn="mann",
                fodselsdato="30.09.1979",
            ),
            person_row(
                "MOT-3",
                31,
                mottak=minors_centre,
                klar_dato="20.02.2026",
                bosettingsar="2026",
                enslig_mindrearig="ja",
                relasjon="hovedperson",
                fodselsdato="27.02.2010",
            ),
        ]
    )


@WORKER_DB
def test_a_household_goes_from_the_reception_list_to_a_settled_case(db: None) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0), tick=True):
        _journey()


def _journey() -> None:
    planner = make_user(username="planlegger")
    leader = make_user(municipality_number=OSLO, username="leder", roles=[Role.MUNICIPAL_LEADER])
    caseworker = make_user(municipality_number=OSLO, username="flyktningkonsulent")
    planner_client, leader_client = client_for(planner), client_for(leader)
    ctx = AccessContext.command("test")

    # --- 1. The reception list is imported (a file, by the worker, all or nothing). ---------
    centre = make_centre(STAVANGER)
    minors_centre = make_centre(TRONDHEIM, kind=ReceptionKind.UNACCOMPANIED_MINORS)
    response = planner_client.post(
        "/bosetting/venter/import/",
        {
            "file": SimpleUploadedFile(
                "mottaksliste.csv",
                _reception_list(centre.name, minors_centre.name),
                content_type="text/csv",
            )
        },
    )
    assert response.status_code == 302
    run_worker()
    upload = WaitingHouseholdImport.objects.get()
    assert upload.status == ImportStatus.SUCCEEDED, upload.errors
    assert (upload.households_created, upload.persons_created) == (3, 6)
    family = WaitingHousehold.objects.get(reference="MOT-1")
    assert (family.adaptation_needs, family.school_children) == (["wheelchair"], 1)
    assert WaitingHousehold.objects.get(reference="MOT-3").unaccompanied_minors == 1

    # --- 2. The need is forecast from the reception counts. ----------------------------------
    reception_count_record(
        ctx=ctx,
        centre=centre,
        counted_on=D(2026, 3, 1),
        asylum_seekers=120,
        permit_to_settle=40,
    )
    reception_count_record(
        ctx=ctx, centre=minors_centre, counted_on=D(2026, 3, 1), permit_to_settle=6
    )
    need = _json(
        planner_client,
        "post",
        f"/api/v1/settlement/needs/{YEAR}/forecast",
        {
            "counted_on": "2026-03-01",
            "decisions_adults_families": 100,
            "rate_adults_families": "50",
            "family_adults_families": 10,
            "quota_adults_families": 20,
            "decisions_unaccompanied_minors": 10,
            "rate_unaccompanied_minors": "80",
        },
    )
    # 40 with a permit + 100 x 50 % expected + 10 family + 20 quota; minors 6 + 10 x 80 %.
    assert (need["from_reception"], need["outside_reception"], need["transfer_refugees"]) == (
        40 + 6 + 50 + 8,
        10,
        20,
    )
    assert (need["stated_total"], need["unaccompanied_minors"]) == (134, 14)
    assert need["counted_on"] == "2026-03-01"

    # --- 3. The requests are spread; minors only where they are accepted. --------------------
    municipality_facts_replace(
        ctx=ctx,
        year=YEAR,
        rows=[
            SpreadRow(OSLO, 700_000, Decimal("55"), Decimal("0.20"), False, accepts_minors=True),
            SpreadRow(BERGEN, 290_000, Decimal("50"), Decimal("0.12"), False),
            SpreadRow(
                TRONDHEIM, 210_000, Decimal("52"), Decimal("0.10"), False, accepts_minors=True
            ),
            SpreadRow(STAVANGER, 145_000, Decimal("48"), Decimal("0.13"), False),
        ],
        exception_reasons=["", "", "", ""],
    )
    spread = _json(
        planner_client,
        "post",
        "/api/v1/settlement/requests/spread",
        {"year": YEAR, "need": need["stated_total"], "unaccompanied_minors": 14},
    )
    by_number = {r["municipality"]: r for r in spread["requests"]}
    assert sum(r["requested"] for r in spread["requests"]) == 134
    assert sum(r["unaccompanied_minors"] for r in spread["requests"]) == 14
    assert by_number[BERGEN]["unaccompanied_minors"] == 0
    assert by_number[STAVANGER]["unaccompanied_minors"] == 0
    summary = planner_client.get(f"/api/v1/settlement/requests/summary?year={YEAR}").json()
    assert sum(c["requested"] for c in summary["counties"]) == summary["national"]["requested"]
    due = SettlementRequest.objects.get(year=YEAR, municipality__number=OSLO).answer_due
    assert due is not None and due > TODAY

    # --- 4. Oslo answers itself; the planner records Bergen's and Trondheim's answers. -------
    oslo = by_number[OSLO]
    answer = _json(
        leader_client,
        "put",
        f"/api/v1/settlement/requests/{YEAR}/answer",
        {
            "decided": oslo["requested"],
            "unaccompanied_minors": oslo["unaccompanied_minors"],
            "school_children": 10,
            "adaptation_capabilities": ["wheelchair"],
            "decided_on": "2026-03-02",
            "note": "Vedtatt i bystyret.",
            "version": 0,
        },
    )
    assert answer["decision"]["source"] == "municipality"
    assert answer["progress"]["decided"] == oslo["requested"]
    for number in (BERGEN, TRONDHEIM):
        _json(
            planner_client,
            "put",
            f"/api/v1/settlement/requests/{by_number[number]['id']}/decision",
            {
                "decided": by_number[number]["requested"],
                "unaccompanied_minors": by_number[number]["unaccompanied_minors"],
                "decided_on": "2026-03-02",
                "version": 0,
            },
        )
    assert summary["national"]["answered"] == 0  # before the answers
    after = planner_client.get(f"/api/v1/settlement/requests/summary?year={YEAR}").json()
    assert (after["national"]["answered"], after["national"]["not_answered"]) == (3, 1)

    # --- 5. The matcher places every household where it can be. -------------------------------
    run = _json(planner_client, "post", "/api/v1/settlement/match-runs", {"year": YEAR})
    run_worker()
    detail = planner_client.get(f"/api/v1/settlement/match-runs/{run['id']}").json()
    assert detail["status"] == MatchRunStatus.PROPOSED
    placed = {p["household"]: p["municipality"] for p in detail["placements"]}
    assert placed["MOT-1"] == OSLO  # the only municipality that can meet the wheelchair need
    assert placed["MOT-2"] == BERGEN  # family ties
    assert placed["MOT-3"] in {OSLO, TRONDHEIM}  # accepts minors, and decided some
    assert (detail["placed"], detail["persons_placed"]) == (3, 6)

    # --- 6. The planner confirms: the households are registered and the services told. -------
    _json(planner_client, "post", f"/api/v1/settlement/match-runs/{run['id']}/confirm", {})
    run_worker()
    confirmed = MatchRun.objects.get(pk=run["id"])
    assert confirmed.status == MatchRunStatus.CONFIRMED, confirmed.confirm_problems
    waiting = WaitingHousehold.objects.get(reference="MOT-1")
    assert waiting.status == WaitingStatus.CONFIRMED
    assert waiting.household_id is not None
    household = Household.objects.get(pk=waiting.household_id)
    assert household.municipality.number == OSLO and household.settled_on is None
    assert household.members.count() == 4
    minor = Person.objects.get(household__waiting_household__reference="MOT-3")
    assert minor.category == Category.UNACCOMPANIED_MINOR
    matched = Notice.objects.filter(household=household, occasion=NoticeOccasion.MATCHED)
    assert set(matched.values_list("service", flat=True)) == {
        "refugee_service",
        "kindergarten",
        "housing",
    }
    housing = matched.get(service="housing")
    assert "behov for tilpasning: rullestol" in housing.body
    kindergarten = matched.get(service="kindergarten")
    assert [p.birth_date for p in kindergarten.persons.all()] == [D(2023, 5, 5)]
    assert not Deadline.objects.filter(person__household=household).exists()

    # --- 7. Oslo sets the settlement date: notices, deadlines and the first team meeting. ------
    response = client_for(caseworker).post(
        f"/husstander/{household.pk}/bosetting/", {"settled_on": SETTLED_ON.isoformat()}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.settled_on == SETTLED_ON
    settled = Notice.objects.filter(household=household, occasion=NoticeOccasion.SETTLED)
    services = set(settled.values_list("service", flat=True))
    assert {"nav", "adult_education", "kindergarten", "school", "health", "housing"} <= services
    deadlines = Deadline.objects.filter(person__household=household)
    school = deadlines.get(kind="school_start")
    assert (school.person.birth_date, school.due_on) == (D(2016, 6, 21), D(2026, 6, 16))
    assert deadlines.get(kind="kindergarten_place").due_on == D(2026, 6, 16)
    team = deadlines.filter(kind="team_first_meeting")
    assert team.count() == 2 and {d.due_on for d in team} == {D(2026, 6, 16)}
    meeting = Meeting.objects.get(household=household, kind=MeetingKind.TEAM_FIRST)
    assert SETTLED_ON < meeting.scheduled_on <= D(2026, 6, 16)
    assert meeting.persons.count() == 2

    # Every step that touched the persons is in the audit log.
    audited = AuditEvent.objects.filter(person_id__in=household.members.values("pk"))
    assert audited.filter(detail__startswith="utsøkt").exists()
    assert audited.filter(detail__startswith="bosatt 16.03.2026").exists()
