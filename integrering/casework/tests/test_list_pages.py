"""The deadline dashboard and the services' inboxes in pages with a count and filters that
matter (issue 23): status, service and due date (overdue, this week, this month)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone

from conftest import World, client_for
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import Deadline, Notice
from integrering.casework.selectors import deadlines_page, notices_page
from integrering.testing import make_user, municipality
from integrering.ui.filters import OVERDUE, THIS_MONTH, THIS_WEEK, due_q

D = datetime.date
DASH = "\u2013"
# Wednesday 12 June 2024: the week ends on Sunday the 16th, the month on the 30th.
TODAY = datetime.datetime(2024, 6, 12, 12, 0)
pytestmark = pytest.mark.usefixtures("db")


def _deadlines(world: World, dues: list[datetime.date], service: str = Service.NAV) -> None:
    Deadline.objects.bulk_create(
        Deadline(
            person=world.person,
            municipality=world.person.municipality,
            kind=f"test_{i}",
            service=service,
            start_on=D(2024, 1, 1),
            due_on=due,
        )
        for i, due in enumerate(dues)
    )


def test_due_means_before_today_or_from_today_to_the_end_of_the_week_or_month() -> None:
    today = D(2024, 6, 12)
    assert due_q("due_on", OVERDUE, today) == Q(due_on__lt=today)
    assert due_q("due_on", THIS_WEEK, today) == Q(due_on__gte=today, due_on__lte=D(2024, 6, 16))
    assert due_q("due_on", THIS_MONTH, today) == Q(due_on__gte=today, due_on__lte=D(2024, 6, 30))
    last = D(2024, 12, 31)
    assert due_q("due_on", THIS_MONTH, last) == Q(due_on__gte=last, due_on__lte=last)
    assert not due_q("due_on", "", today)


@time_machine.travel(TODAY, tick=False)
def test_the_dashboard_counts_all_its_deadlines_and_filters_by_due_date(world: World) -> None:
    overdue = [D(2024, 5, 1)] * 3
    this_week = [D(2024, 6, 12), D(2024, 6, 16)]
    this_month = [D(2024, 6, 17), D(2024, 6, 30)]
    later = [D(2024, 7, 1)] * 60
    _deadlines(world, overdue + this_week + this_month + later)
    ctx = AccessContext(user=world.owner, route="t")
    assert deadlines_page(ctx=ctx).count == 67
    assert deadlines_page(ctx=ctx, due=OVERDUE, today=D(2024, 6, 12)).count == 3
    assert deadlines_page(ctx=ctx, due=THIS_WEEK, today=D(2024, 6, 12)).count == 2
    assert deadlines_page(ctx=ctx, due=THIS_MONTH, today=D(2024, 6, 12)).count == 4

    client = client_for(world.owner)
    body = client.get("/frister/").content.decode()
    assert f"1{DASH}50 av 67" in body
    assert 'href="?side=2">Neste side' in body
    second = client.get("/frister/", {"service": "nav", "side": "2"}).content.decode()
    assert f"51{DASH}67 av 67" in second
    assert 'href="?service=nav">Forrige side' in second
    week = client.get("/frister/", {"due": THIS_WEEK}).content.decode()
    assert f"1{DASH}2 av 2" in week
    assert "Frist" in week and 'name="due"' in week


@time_machine.travel(TODAY, tick=False)
def test_the_outsider_gets_no_deadline_on_any_page(world: World) -> None:
    _deadlines(world, [D(2024, 5, 1)] * 5)
    ctx = AccessContext(user=world.outsider, route="t")
    assert deadlines_page(ctx=ctx).count == 0
    body = client_for(world.outsider).get("/frister/", {"due": OVERDUE}).content.decode()
    assert world.person.family_name not in body


def _notices(world: World, dues: list[datetime.date], service: str) -> list[Notice]:
    notices = Notice.objects.bulk_create(
        Notice(
            household=world.household,
            municipality=world.household.municipality,
            service=service,
            subject=f"Ny bosetting {i}",
            due_on=due,
        )
        for i, due in enumerate(dues)
    )
    for notice in notices:
        notice.persons.add(world.person)
    return notices


@time_machine.travel(TODAY, tick=False)
def test_nav_pages_its_inbox_and_filters_by_status_and_due_date(world: World) -> None:
    nav = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    new = _notices(world, [D(2024, 6, 1)] * 2 + [D(2024, 6, 14)] + [D(2024, 8, 1)] * 27, "nav")
    Notice.objects.filter(pk=new[0].pk).update(acknowledged_at=timezone.now())
    _notices(world, [D(2024, 6, 1)], "school")
    ctx = AccessContext(user=nav, route="t")
    assert notices_page(ctx=ctx).count == 29
    assert notices_page(ctx=ctx, status="mottatte").count == 1
    assert notices_page(ctx=ctx, status="alle").count == 30
    assert notices_page(ctx=ctx, due=OVERDUE, today=D(2024, 6, 12)).count == 1
    assert notices_page(ctx=ctx, due=THIS_WEEK, today=D(2024, 6, 12)).count == 1

    client = client_for(nav)
    body = client.get("/varsler/").content.decode()
    assert f"1{DASH}25 av 29" in body
    assert '<nav aria-label="Sider med varsler"' in body
    assert 'name="service"' not in body  # one service: nothing to choose
    later = client.get("/varsler/", {"status": "alle", "side": "2"}).content.decode()
    assert f"26{DASH}30 av 30" in later
    assert client.get("/varsler/", {"alle": "1"}).context["page"].count == 30
    listed = AuditEvent.objects.filter(username=nav.username, action=AuditAction.LIST).first()
    assert listed is not None and listed.detail.startswith("innboks for varsler")


@time_machine.travel(TODAY, tick=False)
def test_a_user_of_two_services_chooses_one_and_the_outsider_gets_nothing(world: World) -> None:
    both = make_user(
        municipality_number="0301", roles=[Role.NAV_CASEWORKER, Role.SCHOOL_CASEWORKER]
    )
    _notices(world, [D(2024, 6, 20)] * 2, "nav")
    _notices(world, [D(2024, 6, 20)] * 3, "school")
    body = client_for(both).get("/varsler/", {"service": "school"}).content.decode()
    assert 'name="service"' in body and f"1{DASH}3 av 3" in body
    outsider = make_user(municipality_number="4601", roles=[Role.NAV_CASEWORKER])
    assert municipality("4601") != world.household.municipality
    assert notices_page(ctx=AccessContext(user=outsider, route="t"), status="alle").count == 0
    assert "Ingen varsler" in client_for(outsider).get("/varsler/").content.decode()
