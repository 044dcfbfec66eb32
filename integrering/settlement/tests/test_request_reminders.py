"""Reminders on unanswered requests (issue 21 item 4): «Send purring» queues a job that e-mails
the leaders of the municipalities past their answer date without a decision, and records it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from conftest import client_for
from integrering.accounts.models import User
from integrering.accounts.roles import Role
from integrering.jobs import job_start, jobs_stale_fail
from integrering.settlement.models import (
    REMINDER_STALE_MESSAGE,
    RequestReminder,
    SettlementRequest,
)
from integrering.settlement.services.request_reminder_send import request_reminder_run
from integrering.settlement.testing import make_request
from integrering.testing import make_user

YEAR = 2026
LIST = f"/bosetting/{YEAR}/anmodninger/"
REMIND = f"/bosetting/{YEAR}/anmodninger/purring/"
TODAY = datetime.datetime(2026, 6, 2, 9, 0, tzinfo=datetime.UTC)
PAST = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def today() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def leader(number: str, email: str, *, active: bool = True) -> User:
    user = make_user(municipality_number=number, roles=[Role.MUNICIPAL_LEADER])
    User.objects.filter(pk=user.pk).update(email=email, is_active=active)
    return user


def request(number: str, *, due: datetime.date = PAST, requested: int = 50, **values: Any) -> Any:
    made = make_request(number, year=YEAR, requested=requested, decided=values.pop("decided", None))
    SettlementRequest.objects.filter(pk=made.pk).update(answer_due=due, **values)
    return made


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """Who is past the answer date without answering, and who is not."""
    leader("0301", "leder@oslo.kommune.no")
    leader("0301", "nestleder@oslo.kommune.no")
    leader("0301", "sluttet@oslo.kommune.no", active=False)
    for number in ("4601", "5001", "1103", "1108"):
        leader(number, f"leder@{number}.kommune.no")
    leader("4621", "ordforar@voss.kommune.no")
    caseworker = make_user(municipality_number="4602")  # not a leader: never written to
    User.objects.filter(pk=caseworker.pk).update(email="saksbehandler@kinn.kommune.no")
    return {
        "oslo": request("0301", unaccompanied_minors=6),  # overdue, unanswered
        "bergen": request("4601", decided=70),  # answered
        "voss": request("4621", requested=12, unaccompanied_minors=1),  # nynorsk, overdue
        "trondheim": request("5001", due=datetime.date(2026, 6, 2)),  # due today: not yet
        "stavanger": request("1103", requested=0),  # not asked
        "kinn": request("4602"),  # overdue, but no leader with an e-mail address
        "sandnes": request(  # overdue, reminded three days ago
            "1108", reminders=1, reminded_at=TODAY - datetime.timedelta(days=3)
        ),
    }


def test_send_purring_queues_one_job_at_a_time(world: dict[str, Any]) -> None:
    planner_user = make_user()
    planner = client_for(planner_user)
    response = planner.post(REMIND)
    assert response.status_code == 302
    assert response["Location"] == LIST + "#reminders-heading"
    reminder = RequestReminder.objects.get()
    assert reminder.status == "queued" and reminder.task_id and reminder.year == YEAR
    assert reminder.requested_by == planner_user
    assert not mail.outbox  # the worker sends, not the web request
    page = planner.get(response["Location"]).content.decode()
    assert "Purringen er lagt i kø" in page and "Purringen står i kø" in page
    again = planner.post(REMIND, follow=True).content.decode()
    assert "En purring for 2026 pågår allerede." in again
    assert RequestReminder.objects.count() == 1
    leader_client = client_for(User.objects.get(email="leder@oslo.kommune.no"))
    assert leader_client.post(REMIND).status_code == 404


def test_the_job_mails_only_the_unanswered_past_their_date_and_records_it(
    world: dict[str, Any],
) -> None:
    reminder = RequestReminder.objects.create(year=YEAR)
    result = request_reminder_run(reminder.pk)
    assert result == {
        "year": YEAR,
        "overdue": 4,  # Oslo, Voss, Kinn, Sandnes
        "recent": 1,  # Sandnes
        "municipalities": 2,
        "sent": 2,
        "without_address": 1,  # Kinn
    }
    assert sorted(tuple(sorted(m.to)) for m in mail.outbox) == [
        ("leder@oslo.kommune.no", "nestleder@oslo.kommune.no"),
        ("ordforar@voss.kommune.no",),
    ]
    oslo = next(m for m in mail.outbox if "Oslo" in m.subject)
    assert oslo.subject == "Påminnelse: svar på anmodningen om bosetting i 2026 – Oslo"
    assert "om å bosette 50 flyktninger i 2026, hvorav 6 enslige mindreårige" in oslo.body
    assert "Svarfristen var 01.06.2026" in oslo.body
    assert "/bosetting/anmodning/2026/" in oslo.body
    voss = next(m for m in mail.outbox if "Voss" in m.subject)
    assert voss.subject == "Påminning: svar på oppmodinga om busetjing i 2026 – Voss"
    assert "om å busetje 12 flyktningar i 2026, av dei 1 einsleg mindreårig" in voss.body

    counts = dict(
        SettlementRequest.objects.filter(year=YEAR).values_list("municipality__number", "reminders")
    )
    assert counts == {
        "0301": 1,
        "4601": 0,
        "4621": 1,
        "5001": 0,
        "1103": 0,
        "4602": 0,
        "1108": 1,
    }
    world["oslo"].refresh_from_db()
    assert world["oslo"].reminded_at == TODAY
    reminder.refresh_from_db()
    assert reminder.status == "done" and reminder.result == result
    assert (reminder.sent, reminder.total) == (2, 3)
    assert request_reminder_run(reminder.pk) == result  # a task run twice sends once
    assert len(mail.outbox) == 2


def test_the_page_shows_how_the_reminder_went(world: dict[str, Any]) -> None:
    planner = client_for(make_user())
    assert planner.post(REMIND).status_code == 302
    request_reminder_run(RequestReminder.objects.get().pk)
    status = planner.get(LIST, {"del": "purring"}, headers={"HX-Request": "true"})
    text = status.content.decode()
    assert 'id="reminder-status"' in text and "<html" not in text
    assert "e-post til lederne i 2 kommuner som ikke hadde svart innen fristen." in text
    assert "1 kommune har ingen leder med e-postadresse i Integrering." in text
    assert "1 kommune var purret nylig og ble ikke purret igjen." in text
    assert 'hx-trigger="every' not in text  # nothing left to poll
    page = planner.get(LIST).content.decode()
    assert "01.06.2026 (passert, purret 1 gang)" in page


def test_a_reminder_whose_worker_died_is_failed_and_says_so(world: dict[str, Any]) -> None:
    planner = client_for(make_user())
    assert planner.post(REMIND).status_code == 302
    reminder = RequestReminder.objects.get()
    assert job_start(reminder)
    RequestReminder.objects.filter(pk=reminder.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert jobs_stale_fail() == 1
    reminder.refresh_from_db()
    assert reminder.status == "failed" and reminder.error == REMINDER_STALE_MESSAGE
    page = planner.get(LIST).content.decode()
    assert "Purringen feilet: Purringen stoppet uten å bli ferdig" in page
    assert planner.post(REMIND).status_code == 302  # a new one may start
    assert RequestReminder.objects.filter(status="queued").count() == 1


def test_nobody_to_remind_is_refused_with_a_reason(db: None) -> None:
    planner = client_for(make_user())
    text = planner.post(REMIND, follow=True).content.decode()
    assert "Det er ingen anmodninger for 2026 å purre på." in text
    request("0301", due=datetime.date(2026, 7, 1))
    text = planner.post(REMIND, follow=True).content.decode()
    assert "Ingen kommuner har latt svarfristen gå ut uten å svare: ingen å purre på." in text
    assert not RequestReminder.objects.exists()


def test_the_api_queues_and_reads_a_reminder(world: dict[str, Any]) -> None:
    planner = client_for(make_user())
    response = planner.post(
        "/api/v1/settlement/request-reminders", {"year": YEAR}, content_type="application/json"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["year"] == YEAR and body["task_id"]
    request_reminder_run(body["reminder_id"])
    read = planner.get(f"/api/v1/settlement/request-reminders/{body['reminder_id']}").json()
    assert read["status"] == "done" and read["result"]["municipalities"] == 2
    leader_client = client_for(User.objects.get(email="leder@oslo.kommune.no"))
    url = f"/api/v1/settlement/request-reminders/{body['reminder_id']}"
    assert leader_client.get(url).status_code == 404
    # Oslo and Voss were just reminded; Kinn, with no leader's address, is still past the date.
    again = planner.post(
        "/api/v1/settlement/request-reminders", {"year": YEAR}, content_type="application/json"
    )
    assert again.status_code == 202
    assert request_reminder_run(again.json()["reminder_id"])["municipalities"] == 0
    assert len(mail.outbox) == 2
    assert (
        planner.post(
            "/api/v1/settlement/request-reminders", {"year": 2099}, content_type="application/json"
        ).json()["detail"]
        == "Det er ingen anmodninger for 2099 å purre på."
    )


def test_the_command_reminds_now_and_again_after_the_interval(
    world: dict[str, Any], today: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("settlement", "remind-requests", "--year", str(YEAR))
    out = capsys.readouterr().out
    assert out.startswith("Purring for 2026: e-post til lederne i 2 kommuner")
    assert "1 har ingen leder med e-postadresse i Integrering." in out
    assert len(mail.outbox) == 2
    reminder = RequestReminder.objects.get()
    assert reminder.status == "done" and reminder.requested_by is None

    call_command("settlement", "remind-requests", "--year", str(YEAR))  # the next run, same day
    assert "e-post til lederne i 0 kommuner" in capsys.readouterr().out
    assert len(mail.outbox) == 2

    today.move_to(TODAY + datetime.timedelta(days=7))  # the interval has passed
    call_command("settlement", "remind-requests", "--year", str(YEAR))
    # Oslo and Voss again, Sandnes now, and Trondheim, whose date has passed meanwhile.
    assert "e-post til lederne i 4 kommuner" in capsys.readouterr().out
    assert len(mail.outbox) == 6
    oslo = SettlementRequest.objects.get(year=YEAR, municipality__number="0301")
    assert oslo.reminders == 2


def test_the_command_says_so_when_nobody_is_past_the_date(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    request("0301", due=datetime.date(2026, 7, 1))
    call_command("settlement", "remind-requests")  # this year by default
    assert capsys.readouterr().out.startswith("Ingen kommuner har latt svarfristen gå ut")
    with pytest.raises(SystemExit) as excinfo:
        call_command("settlement", "remind-requests", "--year", "tjuetjueseks")
    assert excinfo.value.code == 2
    assert "--year må være et årstall" in capsys.readouterr().err
