"""The national introduction register export: participants, programme periods, hours and results
in the documented JSON and CSV format (``docs/introduction-register.md``); the page, API and
command, and who may take it out."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from conftest import World, client_for
from integrering.accounts.roles import Role
from integrering.audit.models import AuditAction, AuditEvent
from integrering.organisations.models import Municipality
from integrering.programme.models import EndReason, LeaveReason, Participation
from integrering.programme.services.extensions import ExtensionInput, programme_extend
from integrering.programme.services.lifecycle import (
    LeaveInput,
    programme_absence,
    programme_end,
    programme_leave,
    programme_resume,
    programme_stop,
)
from integrering.programme.services.register_export import (
    CSV_COLUMNS,
    EXTENSION_KEYS,
    HOURS_KEYS,
    NORWEGIAN_HOURS_KEYS,
    NORWEGIAN_KEYS,
    NORWEGIAN_TEST_KEYS,
    PARTICIPANT_KEYS,
    PARTICIPATION_KEYS,
    PERIOD_KEYS,
    register_data,
)
from integrering.programme.testing import CTX, make_participation
from integrering.testing import make_user

D = datetime.date
OSLO = "0301"
DOCS = Path(settings.BASE_DIR) / "docs" / "introduction-register.md"
TOP_KEYS = ("format", "version", "municipality", "generated_at", "period", "participants")


@pytest.fixture
def programme(world: World) -> dict[str, Participation]:
    """A participant with a year of leave, absence, stop, extension and end; one still in it."""
    p = make_participation(world.person, starts_on=D(2024, 4, 1), planned_months=24)
    programme_leave(
        ctx=CTX,
        participation=p,
        data=LeaveInput(
            from_on=D(2024, 5, 6),
            to_on=D(2024, 5, 10),
            leave_reason=LeaveReason.SICK,
            with_benefit=True,
            reason="Sykmeldt",
        ),
    )
    for on, hours, approved in [
        (D(2024, 6, 3), "2", False),
        (D(2024, 6, 4), "1.5", True),
        (D(2024, 7, 1), "3", False),
    ]:
        programme_absence(ctx=CTX, participation=p, on=on, hours=Decimal(hours), approved=approved)
    programme_stop(ctx=CTX, participation=p, from_on=D(2024, 8, 1), reason="Uteble i fire uker")
    programme_resume(ctx=CTX, participation=p, resumed_on=D(2024, 9, 1))
    programme_extend(
        ctx=CTX,
        participation=p,
        data=ExtensionInput(
            months=3, assessment="Nær ved å nå sluttmålet", expected_to_reach_goal=True
        ),
    )
    p.refresh_from_db()
    programme_end(
        ctx=CTX, participation=p, ended_on=D(2025, 1, 31), reason=EndReason.WORK, version=p.version
    )
    second = world.household.members.order_by("pk")[1]
    still = make_participation(second, starts_on=D(2024, 10, 1), planned_months=12)
    outside = make_participation(world.outsider_person, starts_on=D(2024, 4, 1))
    return {"ended": p, "active": still, "outside": outside}


def _oslo() -> Municipality:
    return Municipality.objects.get(number=OSLO, valid_to__isnull=True)


def _by_ref(data: dict) -> dict[str, dict]:
    return {
        participation["participation_ref"]: {**participation, "person": participant}
        for participant in data["participants"]
        for participation in participant["participations"]
    }


def test_the_json_has_the_documented_keys_and_every_key_is_documented(
    programme: dict[str, Participation],
) -> None:
    data, _ = register_data(municipality=_oslo())
    assert tuple(data) == TOP_KEYS
    assert data["format"] == "integrering-introduksjonsregister" and data["version"] == 1
    assert data["municipality"] == OSLO
    assert len(data["participants"]) == 2  # Bergen's participant is not in Oslo's export
    for participant in data["participants"]:
        assert tuple(participant) == PARTICIPANT_KEYS
        for participation in participant["participations"]:
            assert tuple(participation) == PARTICIPATION_KEYS
            for extension in participation["extensions"]:
                assert tuple(extension) == EXTENSION_KEYS
            for period in participation["periods"]:
                assert tuple(period) == PERIOD_KEYS
            for month in participation["hours"]:
                assert tuple(month) == HOURS_KEYS
    documented = set(re.findall(r"^\| `([a-z_]+)`", DOCS.read_text(encoding="utf-8"), re.M))
    every_key = {
        *TOP_KEYS,
        "from",
        "to",
        *PARTICIPANT_KEYS,
        *PARTICIPATION_KEYS,
        *EXTENSION_KEYS,
        *PERIOD_KEYS,
        *HOURS_KEYS,
        *NORWEGIAN_KEYS,
        *NORWEGIAN_HOURS_KEYS,
        *NORWEGIAN_TEST_KEYS,
        *CSV_COLUMNS,
    }
    assert every_key - documented == set()
    # Serialisable as it is.
    json.dumps(data)


def test_the_participant_periods_hours_and_result_are_exported(
    world: World, programme: dict[str, Participation]
) -> None:
    data, person_ids = register_data(municipality=_oslo())
    rows = _by_ref(data)
    ended = next(r for r in rows.values() if r["starts_on"] == "2024-04-01")
    person = ended["person"]
    assert person["identity_number"] == world.person.identity_number
    assert person["birth_date"] == world.person.birth_date.isoformat()
    assert ended["planned_months"] == 24
    assert ended["planned_end"] == "2026-06-30"  # 24 + 3 months from 2024-04-01
    assert ended["extensions"] == [
        {
            "kind": "programme",
            "months": 3,
            "from_on": "2026-04-01",
            "integration_package": False,
            "package": None,
        }
    ]
    assert ended["periods"] == [
        {
            "kind": "leave",
            "from_on": "2024-05-06",
            "to_on": "2024-05-10",
            "leave_reason": "sick",
            "with_benefit": True,
        },
        {
            "kind": "stop",
            "from_on": "2024-08-01",
            "to_on": "2024-08-31",
            "leave_reason": None,
            "with_benefit": False,
        },
    ]
    assert ended["hours"] == [
        {"month": "2024-06", "approved_hours": "1.5", "unapproved_hours": "2.0"},
        {"month": "2024-07", "approved_hours": "0.0", "unapproved_hours": "3.0"},
    ]
    assert (ended["ended_on"], ended["end_reason"], ended["status"]) == (
        "2025-01-31",
        "work",
        "ended",
    )
    active = next(r for r in rows.values() if r["starts_on"] == "2024-10-01")
    assert (active["status"], active["ended_on"], active["end_reason"]) == ("active", None, None)
    assert set(person_ids) == {programme["ended"].person_id, programme["active"].person_id}


def test_a_period_narrows_the_participations_periods_and_hours(
    programme: dict[str, Participation],
) -> None:
    data, _ = register_data(municipality=_oslo(), from_on=D(2024, 6, 1), to_on=D(2024, 6, 30))
    rows = list(_by_ref(data).values())
    assert [r["starts_on"] for r in rows] == ["2024-04-01"]  # the second started in October
    assert rows[0]["hours"] == [
        {"month": "2024-06", "approved_hours": "1.5", "unapproved_hours": "2.0"}
    ]
    assert rows[0]["periods"] == []  # the leave was in May, the stop in August
    assert data["period"] == {"from": "2024-06-01", "to": "2024-06-30"}

    after_end, _ = register_data(municipality=_oslo(), from_on=D(2025, 2, 1))
    assert [r["starts_on"] for r in _by_ref(after_end).values()] == ["2024-10-01"]
    on_last_day, _ = register_data(municipality=_oslo(), from_on=D(2025, 1, 31))
    assert len(_by_ref(on_last_day)) == 2


def test_the_csv_has_one_row_per_record(programme: dict[str, Participation]) -> None:
    data, _ = register_data(municipality=_oslo())
    from integrering.programme.services.register_export import register_csv

    rows = list(csv.DictReader(io.StringIO(register_csv(data).decode("utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    kinds = [r["record_type"] for r in rows]
    assert kinds.count("participation") == 2
    assert kinds.count("extension") == 1
    assert kinds.count("leave") == 1 and kinds.count("stop") == 1
    assert kinds.count("hours") == 2
    ref = programme["ended"].municipality.number + f"-P{programme['ended'].pk:08d}"
    stop = next(r for r in rows if r["record_type"] == "stop")
    assert (stop["participation_ref"], stop["from_on"], stop["to_on"]) == (
        ref,
        "2024-08-01",
        "2024-08-31",
    )
    assert stop["identity_number"]  # every row stands alone
    head = next(
        r for r in rows if r["record_type"] == "participation" and r["participation_ref"] == ref
    )
    assert (head["end_reason"], head["status"], head["full_time"]) == ("work", "ended", "true")


def test_the_page_shows_counts_and_downloads_are_audited(
    world: World, programme: dict[str, Participation]
) -> None:
    client = client_for(world.owner)
    page = client.get("/introduksjonsregister/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "format=json" in body and "format=csv" in body
    assert world.person.identity_number not in body  # type: ignore[operator]
    download = client.get("/introduksjonsregister/", {"format": "json", "municipality": OSLO})
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["municipality"] == OSLO
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, person_id=world.person.pk, user_id=world.owner.pk
    ).exists()
    as_csv = client.get("/introduksjonsregister/", {"format": "csv", "from": "2024-01-01"})
    assert as_csv.status_code == 200
    assert as_csv.content.decode().startswith("record_type,")


def test_bad_parameters_are_refused(world: World) -> None:
    client = client_for(world.owner)
    page = client.get("/introduksjonsregister/", {"from": "2024-12-31", "to": "2024-01-01"})
    assert page.status_code == 422
    assert "Til-datoen kan ikke være før fra-datoen" in page.content.decode()
    assert client.get("/introduksjonsregister/", {"format": "xml"}).status_code == 400
    api = client.get("/api/v1/introduction-register/", {"format": "xml"})
    assert api.status_code == 422
    assert "Ukjent format" in api.json()["detail"]
    api_date = client.get("/api/v1/introduction-register/", {"from": "i fjor"})
    assert api_date.status_code == 422


def test_the_api_gives_json_and_csv(world: World, programme: dict[str, Participation]) -> None:
    client = client_for(world.owner)
    response = client.get(
        "/api/v1/introduction-register/", {"municipality": OSLO, "format": "json"}
    )
    assert response.status_code == 200
    data = response.json()
    assert tuple(data) == TOP_KEYS and len(data["participants"]) == 2
    as_csv = client.get("/api/v1/introduction-register/", {"format": "csv"})
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")


def test_an_outsider_gets_404_and_nav_gets_nothing(
    world: World, programme: dict[str, Participation]
) -> None:
    outsider = client_for(world.outsider)
    for url in ("/introduksjonsregister/", "/api/v1/introduction-register/"):
        response = outsider.get(url, {"municipality": OSLO, "format": "json"})
        assert response.status_code == 404, url
    own = outsider.get("/api/v1/introduction-register/")
    assert own.status_code == 200
    assert world.person.identity_number not in own.content.decode()  # type: ignore[operator]
    assert len(own.json()["participants"]) == 1  # Bergen's own participant
    nav = client_for(make_user(municipality_number=OSLO, roles=[Role.NAV_CASEWORKER]))
    for url in ("/introduksjonsregister/", "/api/v1/introduction-register/"):
        response = nav.get(url, {"format": "json"})
        assert response.status_code == 403, url
        assert world.person.identity_number not in response.content.decode()  # type: ignore[operator]


def test_the_command_writes_json_and_csv(
    programme: dict[str, Participation], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    call_command("introduction_register_export", "--municipality", OSLO, "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert tuple(data) == TOP_KEYS and len(data["participants"]) == 2
    out = tmp_path / "nir.csv"
    call_command(
        "introduction_register_export",
        "--municipality",
        OSLO,
        "--from",
        "2025-02-01",
        "--to",
        "2025-12-31",
        "--format",
        "csv",
        "--out",
        str(out),
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["record_type"] for r in rows] == ["participation"]
    assert "1 deltakere" in capsys.readouterr().err
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, route="command:introduction-register-export"
    ).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "abcd", "--format", "json"], "fire siffer"),
        (["--municipality", OSLO, "--format", "xml"], "invalid choice"),
        (["--municipality", OSLO, "--format", "json", "--from", "2024-13-01"], "ikke en dato"),
        (
            [
                "--municipality",
                OSLO,
                "--format",
                "json",
                "--from",
                "2024-05-01",
                "--to",
                "2024-01-01",
            ],
            "før --from",
        ),
    ],
)
def test_the_command_exits_2_with_one_line_on_bad_input(
    db: None, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as excinfo:
        call_command("introduction_register_export", *args)
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert message in err
