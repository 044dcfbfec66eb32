"""The monthly benefit run: computed by the worker into a preview, approved and locked, corrected
in a later month, exported for the payroll system (issue 6, part 2).

The amounts are worked out by hand here from G and the fractions of seed 002 §3.2, not from the
engine: G is 124 028 from 2024-05-01, so a participant of 25 or more gets 2 G / 12 = 20 671.33 a
month, one under 25 two thirds of that; a day is 1/30 of the month, an hour 1/1850 of the year.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from conftest import World, client_for
from integrering.accounts.roles import Role
from integrering.accounts.services import token_create
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.tests.test_household_import import WORKER_DB, run_worker
from integrering.people.identity import synthetic_identity_number
from integrering.people.models import Person
from integrering.people.services import PersonInput, household_register
from integrering.programme.benefit import benefit_month
from integrering.programme.models import (
    BenefitLine,
    BenefitLineKind,
    BenefitRun,
    BenefitRunStatus,
    LeaveReason,
    Participation,
)
from integrering.programme.services.benefit_compute import (
    benefit_month_compute,
    benefit_run_compute,
)
from integrering.programme.services.benefit_run import (
    approved_refusal,
    benefit_run_approve,
    benefit_run_prepare,
    benefit_run_start,
    month_parse,
)
from integrering.programme.services.lifecycle import (
    LeaveInput,
    programme_absence,
    programme_leave,
    programme_stop,
)
from integrering.programme.testing import CTX, make_participation
from integrering.testing import confirmation_of, make_user, municipality, post_confirmed
from integrering.ui.numbers import kroner_nb

D = datetime.date
ORE = Decimal("0.01")
YEARLY = Decimal(2 * 124028)  # 2 G from 2024-05-01
MONTHLY = Decimal("20671.33")  # 248 056 / 12 = 20 671.333…
UNDER_25 = Decimal("13780.89")  # two thirds: 165 370.67 / 12 = 13 780.888…
MAY, JUNE, JULY = D(2024, 5, 1), D(2024, 6, 1), D(2024, 7, 1)
TODAY = datetime.datetime(2024, 7, 15, 12, 0, tzinfo=datetime.UTC)
LIST_URL = "/stonad/"
API = "/api/v1/benefit-runs/"
_rng = random.Random(61)


def ore(amount: Decimal) -> Decimal:
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def days(n: int) -> Decimal:
    """``n`` days at the day rate: 1/30 of the monthly amount (seed 002 §3.2)."""
    return ore(YEARLY / 12 / 30 * n)


def hours(h: str) -> Decimal:
    """The deduction for ``h`` hours of unapproved absence: 1/1850 of the yearly amount per hour."""
    return ore(YEARLY / 1850 * Decimal(h))


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(TODAY):
        yield


def oslo_ctx(world: World) -> AccessContext:
    return AccessContext(user=world.owner, route="test", method="TEST")


def participant(family: str, born: datetime.date, **kwargs: object) -> Participation:
    """A person settled in Oslo 2024-03-01, in the programme from 2024-04-01."""
    household = household_register(
        ctx=CTX,
        municipality=municipality("0301"),
        reference=f"H-BEN-{family}",
        members=[
            PersonInput(
                given_name="Deltaker",
                family_name=family,
                birth_date=born,
                identity_number=synthetic_identity_number(born, _rng),
            )
        ],
        settled_on=D(2024, 3, 1),
    )
    person = household.members.get()
    return make_participation(person, **kwargs)  # type: ignore[arg-type]


def computed(world: World, month: datetime.date) -> BenefitRun:
    """A run computed at once (the task body), as the worker does it."""
    run = benefit_run_prepare(ctx=oslo_ctx(world), municipality=municipality("0301"), month=month)
    result = benefit_run_compute(run_id=run.pk)
    assert result is not None
    assert result.status == BenefitRunStatus.PREVIEW, result.error
    return result


def line(run: BenefitRun, p: Participation, kind: str = BenefitLineKind.REGULAR) -> BenefitLine:
    return BenefitLine.objects.get(run=run, participation=p, kind=kind)


# --- Through the real worker -----------------------------------------------------------------------


@WORKER_DB
def test_a_run_started_on_the_page_is_computed_by_the_worker(world: World) -> None:
    make_participation(world.person)
    owner = client_for(world.owner)

    response = owner.post(LIST_URL, {"municipality": municipality("0301").pk, "month": "2024-05"})

    run = BenefitRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/stonad/{run.pk}/"
    assert run.status == BenefitRunStatus.QUEUED
    assert not run.lines.exists()  # never computed in the request
    assert DBTaskResult.objects.filter(pk=run.task_id, status="READY").exists()
    queued = owner.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in queued

    run_worker()

    run.refresh_from_db()
    assert run.status == BenefitRunStatus.PREVIEW, run.error
    assert (run.participants, run.processed, run.total) == (1, 1, MONTHLY)
    assert DBTaskResult.objects.get(pk=run.task_id).status == "SUCCESSFUL"
    poll = owner.get(response["Location"], headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"  # done: the page reloads itself with the lines
    page = owner.get(response["Location"]).content.decode()
    assert "hx-trigger" not in page
    assert "20 671,33" in page or "20\xa0671,33" in page
    assert "Godkjenn" in page


# --- The amounts -----------------------------------------------------------------------------------


def test_the_lines_have_the_amounts_worked_out_by_hand(world: World) -> None:
    adult = make_participation(world.person)
    young = participant("Ung", D(2002, 1, 10))
    on_leave = participant("Permisjon", D(1990, 3, 3))
    stopped = participant("Stans", D(1991, 4, 4))
    absent = participant("Fravaer", D(1992, 5, 5))
    programme_leave(
        ctx=CTX,
        participation=on_leave,
        data=LeaveInput(
            from_on=D(2024, 5, 6),
            to_on=D(2024, 5, 15),
            leave_reason=LeaveReason.WELFARE,
            with_benefit=False,
            reason="Reise til familie",
        ),
    )
    programme_stop(ctx=CTX, participation=stopped, from_on=D(2024, 5, 25), reason="Uteblir")
    programme_absence(
        ctx=CTX, participation=absent, on=D(2024, 5, 7), hours=Decimal("3"), approved=False
    )
    programme_absence(
        ctx=CTX, participation=absent, on=D(2024, 5, 8), hours=Decimal("2"), approved=True
    )

    run = computed(world, MAY)

    assert line(run, adult).amount == MONTHLY
    assert line(run, adult).period == MAY
    assert line(run, young).amount == UNDER_25
    # Leave without benefit 6-15 May: 21 of 31 days with benefit, at the day rate.
    assert (line(run, on_leave).days, line(run, on_leave).amount) == (21, days(21))
    assert days(21) == Decimal("14469.93")
    # Stopped from 25 May: 24 days.
    assert (line(run, stopped).days, line(run, stopped).amount) == (24, Decimal("16537.07"))
    assert "stans 25.05." in line(run, stopped).note
    # 3 unapproved hours deducted at the hour rate; the approved 2 hours are not.
    absent_line = line(run, absent)
    assert absent_line.absence_hours == Decimal("3.0")
    assert absent_line.deduction == hours("3") == Decimal("402.25")
    assert absent_line.amount == MONTHLY - Decimal("402.25")
    total = MONTHLY + UNDER_25 + days(21) + Decimal("16537.07") + MONTHLY - Decimal("402.25")
    assert run.total == total
    assert run.participants == 5
    # The lines are what the engine says for each participant, and what the API's preview says.
    for p in (adult, young, on_leave, stopped, absent):
        expected = benefit_month(
            p,
            MAY,
            birth_date=p.person.birth_date,
            periods=list(p.periods.all()),
            extensions=list(p.extensions.all()),
            absences=list(p.absences.all()),
        )
        assert expected is not None and line(run, p).amount == expected.amount
        assert benefit_month_compute(participation=p, month=MAY) == expected


def test_the_rate_follows_the_age_on_the_first_day_even_when_participants_look_alike(
    world: World,
) -> None:
    """Participants alike but for the birth date are computed apart where the age matters."""
    turned_before = participant("Foer", D(1999, 4, 30))  # 25 on 30 April: full rate in May
    turns_first = participant("Forste", D(1999, 5, 1))  # 25 on 1 May: full rate in May
    turns_during = participant("Under", D(1999, 5, 15))  # 25 on 15 May: full rate from June
    twin = participant("Tvilling", D(1999, 5, 15))

    may, june = computed(world, MAY), computed(world, JUNE)

    assert line(may, turned_before).amount == line(may, turns_first).amount == MONTHLY
    assert line(may, turns_during).amount == line(may, twin).amount == UNDER_25
    assert line(june, turns_during).amount == MONTHLY


def test_a_stop_for_the_whole_month_and_a_programme_ended_before_it_pay_nothing(
    world: World,
) -> None:
    stopped = participant("Stanset", D(1990, 1, 1))
    programme_stop(ctx=CTX, participation=stopped, from_on=D(2024, 4, 20), reason="Uteblir")
    ended = participant("Ferdig", D(1990, 2, 2))
    Participation.objects.filter(pk=ended.pk).update(ended_on=D(2024, 4, 30), end_reason="work")
    later = participant("Senere", D(1990, 3, 3), starts_on=D(2024, 6, 1))

    run = computed(world, MAY)

    assert (line(run, stopped).days, line(run, stopped).amount) == (0, 0)
    assert not BenefitLine.objects.filter(participation__in=[ended, later]).exists()
    assert run.total == 0


def test_a_large_deduction_is_flagged_as_needing_a_decision(world: World) -> None:
    p = make_participation(world.person)
    workdays = [D(2024, 5, d) for d in (2, 3, 6, 7, 8, 13, 14, 15, 16, 21, 22)]
    for day in workdays:
        programme_absence(ctx=CTX, participation=p, on=day, hours=Decimal("7.5"), approved=False)

    run = computed(world, MAY)

    flagged = line(run, p)
    # 82.5 hours: 11 061.96, more than half the month and more than G/12 (integreringsloven § 21)
    assert flagged.deduction == hours("82.5") == Decimal("11061.96")
    assert flagged.amount == MONTHLY - Decimal("11061.96")
    assert flagged.needs_decision
    page = client_for(world.owner).get(f"/stonad/{run.pk}/").content.decode()
    assert "Trekket krever vedtak" in page
    only = client_for(world.owner).get(f"/stonad/{run.pk}/", {"krever_vedtak": "1"})
    assert only.context["page"].count == 1


def test_a_rules_error_fails_the_run_with_a_message_naming_the_participant(world: World) -> None:
    p = make_participation(world.person)
    Participation.objects.filter(pk=p.pk).update(permit_date=D(2024, 5, 10))
    run = benefit_run_prepare(ctx=oslo_ctx(world), municipality=municipality("0301"), month=MAY)

    failed = benefit_run_compute(run_id=run.pk)

    assert failed is not None and failed.status == BenefitRunStatus.FAILED
    assert world.person.family_name in failed.error
    assert "før oppholdstillatelsen" in failed.error
    assert not failed.lines.exists()
    page = client_for(world.owner).get(f"/stonad/{run.pk}/").content.decode()
    assert "før oppholdstillatelsen" in page


# --- Preview, approval, lock -----------------------------------------------------------------------


def test_preview_then_approve_then_a_second_approved_run_is_refused(world: World) -> None:
    make_participation(world.person)
    ctx = oslo_ctx(world)
    first = computed(world, MAY)
    recomputed = computed(world, MAY)  # a preview may be computed again: it replaces the first
    assert not BenefitRun.objects.filter(pk=first.pk).exists()

    approved = benefit_run_approve(ctx=ctx, run=recomputed, confirm_same_user=True)

    assert approved.status == BenefitRunStatus.APPROVED
    assert approved.approved_by == world.owner and approved.approved_at is not None
    with pytest.raises(ValidationError) as refused:
        benefit_run_start(ctx=ctx, municipality=municipality("0301"), month=MAY)
    assert refused.value.messages == [
        "Stønaden for 05.2024 er allerede godkjent; rettelser kommer som korreksjonslinjer i "
        "neste måned."
    ]
    with pytest.raises(ValidationError, match="allerede godkjent"):
        benefit_run_approve(ctx=ctx, run=approved)
    # A second preview of the month that slipped past the check: the database refuses it.
    stray = BenefitRun.objects.create(
        municipality=municipality("0301"),
        month=MAY,
        status=BenefitRunStatus.PREVIEW,
        finished_at=timezone.now(),
    )
    with pytest.raises(ValidationError) as constraint:
        benefit_run_approve(ctx=ctx, run=stray)
    assert constraint.value.messages == [approved_refusal(MAY)]
    assert BenefitRun.objects.filter(status=BenefitRunStatus.APPROVED).count() == 1


def test_a_preview_computed_before_another_month_was_approved_must_be_computed_again(
    world: World,
) -> None:
    make_participation(world.person)
    may = computed(world, MAY)
    june = computed(world, JUNE)
    benefit_run_approve(ctx=oslo_ctx(world), run=may, confirm_same_user=True)

    with pytest.raises(ValidationError, match=r"Beregn 06\.2024 på nytt"):
        benefit_run_approve(ctx=oslo_ctx(world), run=june, confirm_same_user=True)


def test_the_month_must_not_be_in_the_future_and_must_be_a_month(world: World) -> None:
    ctx = oslo_ctx(world)
    with pytest.raises(ValidationError, match="kan ikke beregnes ennå"):
        benefit_run_start(ctx=ctx, municipality=municipality("0301"), month=D(2024, 8, 1))
    with pytest.raises(ValidationError, match="første dagen"):
        benefit_run_start(ctx=ctx, municipality=municipality("0301"), month=D(2024, 5, 2))
    with pytest.raises(ValidationError, match="ÅÅÅÅ-MM"):
        month_parse("2024-13")
    assert month_parse("05.2024") == month_parse("2024-05") == MAY
    with pytest.raises(ValidationError, match="arbeider ikke"):
        benefit_run_start(
            ctx=AccessContext(user=world.outsider, route="t"),
            municipality=municipality("0301"),
            month=MAY,
        )
    assert not BenefitRun.objects.exists()


def test_approving_from_the_page_locks_the_month(world: World) -> None:
    p = make_participation(world.person)
    run = computed(world, MAY)
    owner = client_for(world.owner)

    asked = owner.post(f"/stonad/{run.pk}/godkjenn/", {"confirm_same_user": "on"})
    confirmation = confirmation_of(asked)
    assert confirmation.summary == (
        f"Introduksjonsstønaden for 05.2024 til 1 deltaker i Oslo godkjennes og låses: "
        f"{kroner_nb(line(run, p).amount)} til utbetaling i alt."
    )
    run.refresh_from_db()
    assert run.status == BenefitRunStatus.PREVIEW  # asked, not done
    response = post_confirmed(
        owner, f"/stonad/{run.pk}/godkjenn/", {"confirm_same_user": "on"}, follow=True
    )

    run.refresh_from_db()
    assert run.status == BenefitRunStatus.APPROVED
    body = response.content.decode()
    assert "er godkjent og låst" in body
    assert 'action="/stonad/' not in body  # no approve button on an approved run
    again = owner.post(LIST_URL, {"municipality": municipality("0301").pk, "month": "2024-05"})
    assert again.status_code == 422
    assert "allerede godkjent" in again.content.decode()


# --- Corrections -----------------------------------------------------------------------------------


def test_an_absence_registered_after_approval_is_a_correction_in_the_next_month(
    world: World,
) -> None:
    p = make_participation(world.person)
    other = participant("Annen", D(1989, 8, 8))
    benefit_run_approve(ctx=oslo_ctx(world), run=computed(world, MAY), confirm_same_user=True)
    programme_absence(
        ctx=CTX, participation=p, on=D(2024, 5, 14), hours=Decimal("4"), approved=False
    )

    june = computed(world, JUNE)

    correction = line(june, p, BenefitLineKind.CORRECTION)
    assert correction.period == MAY
    assert correction.amount == -hours("4") == Decimal("-536.34")
    assert (correction.gross, correction.deduction) == (0, Decimal("536.34"))
    assert correction.absence_hours == Decimal("4.0")
    assert correction.note.startswith("Korreksjon for 05.2024: fravær registrert etter godkjenning")
    assert line(june, p).amount == MONTHLY  # June itself is paid in full
    assert not BenefitLine.objects.filter(
        run=june, participation=other, kind=BenefitLineKind.CORRECTION
    ).exists()
    assert june.total == 2 * MONTHLY - Decimal("536.34")

    # Once June (with its correction) is approved, July does not correct May again.
    benefit_run_approve(ctx=oslo_ctx(world), run=june, confirm_same_user=True)
    july = computed(world, JULY)
    assert not july.lines.filter(kind=BenefitLineKind.CORRECTION).exists()


def test_a_participant_stopped_after_approval_is_corrected_even_when_out_of_the_programme(
    world: World,
) -> None:
    p = make_participation(world.person)
    benefit_run_approve(ctx=oslo_ctx(world), run=computed(world, MAY), confirm_same_user=True)
    # Stopped from 21 May, registered in June, and still stopped: nothing for June.
    programme_stop(ctx=CTX, participation=p, from_on=D(2024, 5, 21), reason="Uteblir")

    june = computed(world, JUNE)

    assert line(june, p).amount == 0
    correction = line(june, p, BenefitLineKind.CORRECTION)
    # 20 days instead of the whole month: 13 780.89 instead of 20 671.33
    assert correction.amount == days(20) - MONTHLY == Decimal("-6890.44")
    assert correction.days == 20
    assert correction.period == MAY


# --- Exports ---------------------------------------------------------------------------------------


def test_csv_and_excel_exports_parse_with_the_right_sums_and_are_audited(world: World) -> None:
    adult = make_participation(world.person)
    young = participant("Ung", D(2002, 1, 10))
    programme_absence(
        ctx=CTX, participation=young, on=D(2024, 5, 7), hours=Decimal("3"), approved=False
    )
    run = computed(world, MAY)
    owner = client_for(world.owner)
    young_amount = UNDER_25 - ore(YEARLY * 2 / 3 / 1850 * 3)

    preview = owner.get(f"/stonad/{run.pk}/eksport.csv")
    assert preview.status_code == 200
    assert "FORH%C3%85NDSVISNING" in preview["Content-Disposition"]

    benefit_run_approve(ctx=oslo_ctx(world), run=run, confirm_same_user=True)
    response = owner.get(f"/stonad/{run.pk}/eksport.csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="introduksjonsstonad-0301-2024-05.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffidentity_number;duf_number;family_name;given_name;period;kind;")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 2
    by_name = {r["family_name"]: r for r in rows}
    mine = by_name[world.person.family_name]
    assert (mine["identity_number"], mine["period"], mine["kind"]) == (
        world.person.identity_number,
        "2024-05",
        "ordinær",
    )
    assert (mine["amount"], mine["monthly_rate"], mine["needs_decision"]) == (
        "20671.33",
        "20671.33",
        "nei",
    )
    assert by_name["Ung"]["amount"] == f"{young_amount:.2f}"
    assert by_name["Ung"]["absence_hours"] == "3.0"
    assert sum(Decimal(r["amount"]) for r in rows) == run.total == MONTHLY + young_amount

    xlsx = owner.get(f"/stonad/{run.pk}/eksport.xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == (
        "Introduksjonsstønad for 05.2024 – Oslo kommune (0301) – laget 15.07.2024 kl. 14.00"
    )
    header = list(values[1])  # for people: Norwegian headers below the title row
    assert header[:6] == ["Fødselsnummer", "DUF-nummer", "Etternavn", "Fornavn", "Periode", "Type"]
    assert "Merknad" in header and "Trekket krever vedtak" in header
    amount = header.index("Til utbetaling (kr)")
    body, sums = values[2:-1], values[-1]
    assert len(body) == 2
    assert all(isinstance(row[amount], int | float) for row in body)
    assert sums[0] == "Sum"
    assert round(Decimal(str(sums[amount])), 2) == run.total
    assert round(sum(Decimal(str(row[amount])) for row in body), 2) == run.total
    assert isinstance(body[0][header.index("Fødselsnummer")], str)  # leading zeros kept
    assert body[0][header.index("Periode")] == datetime.datetime(2024, 5, 1)  # a month: 05.2024
    assert sheet.cell(row=3, column=header.index("Periode") + 1).number_format == "MM.YYYY"

    exported = AuditEvent.objects.filter(action=AuditAction.EXPORT, user_id=world.owner.pk)
    assert set(exported.values_list("person_id", flat=True)) == {adult.person_id, young.person_id}
    assert exported.count() == 6  # two persons in each of three downloads


def test_nothing_to_export_before_the_run_is_computed(world: World) -> None:
    run = benefit_run_prepare(ctx=oslo_ctx(world), municipality=municipality("0301"), month=MAY)
    response = client_for(world.owner).get(f"/stonad/{run.pk}/eksport.csv", follow=True)
    assert "ikke ferdig beregnet" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- API -------------------------------------------------------------------------------------------


def api_client(user: object) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user).token}"})  # type: ignore[arg-type]


def test_the_api_starts_reads_approves_and_refuses_a_second_approval(world: World) -> None:
    make_participation(world.person)
    api = api_client(world.owner)

    started = api.post(API, {"municipality": "0301", "month": "2024-05"}, "application/json")

    assert started.status_code == 202, started.content
    body = started.json()
    assert (body["status"], body["month"], body["municipality"]) == ("queued", "2024-05", "0301")
    assert benefit_run_compute(run_id=body["id"]) is not None
    detail = api.get(body["url"]).json()
    assert detail["status"] == "preview"
    assert detail["total"] == "20671.33"
    assert [(ln["kind"], ln["period"], ln["amount"]) for ln in detail["lines"]] == [
        ("regular", "2024-05", "20671.33")
    ]
    assert [r["id"] for r in api.get(API).json()] == [body["id"]]

    approve = {"confirm_same_user": True}
    approved = api.post(f"{API}{body['id']}/approve", approve, "application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = api.post(f"{API}{body['id']}/approve", approve, "application/json")
    assert again.status_code == 422
    second = api.post(API, {"municipality": "0301", "month": "2024-05"}, "application/json")
    assert second.status_code == 422
    assert second.json()["detail"] == approved_refusal(MAY)
    exported = api.get(detail["csv_url"])
    assert exported.status_code == 200
    assert "20671.33" in exported.content.decode()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"municipality": "0301", "month": "mai"}, "month"),
        ({"municipality": "0301", "month": "2024-09"}, "month"),
        ({"municipality": "4601", "month": "2024-05"}, "municipality"),
        ({"municipality": "9999", "month": "2024-05"}, "municipality"),
        ({}, "month"),
    ],
)
def test_the_api_answers_bad_input_with_422_and_a_message(
    world: World, payload: dict[str, str], field: str
) -> None:
    response = api_client(world.owner).post(API, payload, "application/json")
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert response.json()["detail"]
    assert not BenefitRun.objects.exists()


# --- Who sees a run --------------------------------------------------------------------------------


def test_an_outsider_gets_404_on_every_run_route(world: World) -> None:
    make_participation(world.person)
    run = computed(world, MAY)
    outsider, api = client_for(world.outsider), api_client(world.outsider)
    for url in (
        f"/stonad/{run.pk}/",
        f"/stonad/{run.pk}/eksport.csv",
        f"/stonad/{run.pk}/eksport.xlsx",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/stonad/{run.pk}/godkjenn/").status_code == 404
    for url in (f"{API}{run.pk}", f"{API}{run.pk}/export.csv"):
        assert api.get(url).status_code == 404, url
    assert api.post(f"{API}{run.pk}/approve", {}, "application/json").status_code == 404
    assert api.get(API).json() == []
    assert world.person.family_name not in outsider.get(LIST_URL).content.decode()
    run.refresh_from_db()
    assert run.status == BenefitRunStatus.PREVIEW
    with pytest.raises(PermissionDenied):
        benefit_run_approve(ctx=AccessContext(user=world.outsider, route="t"), run=run)


def test_a_municipal_nav_caseworker_cannot_see_or_start_runs(world: World) -> None:
    make_participation(world.person)
    run = computed(world, MAY)
    nav = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    client = client_for(nav)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(f"/stonad/{run.pk}/").status_code == 404
    assert client.get(f"/stonad/{run.pk}/eksport.csv").status_code == 404
    assert client.post(f"/stonad/{run.pk}/godkjenn/").status_code == 404
    assert api_client(nav).get(API).status_code == 403
    started = api_client(nav).post(
        API, {"municipality": "0301", "month": "2024-05"}, "application/json"
    )
    assert started.status_code == 403


def test_a_municipal_leader_sees_and_approves_the_runs(world: World) -> None:
    make_participation(world.person)
    run = computed(world, MAY)
    leader = make_user(municipality_number="0301", roles=[Role.MUNICIPAL_LEADER])
    page = client_for(leader).get(LIST_URL)
    assert page.status_code == 200
    assert f"/stonad/{run.pk}/" in page.content.decode()
    post_confirmed(client_for(leader), f"/stonad/{run.pk}/godkjenn/")
    run.refresh_from_db()
    assert (run.status, run.approved_by) == (BenefitRunStatus.APPROVED, leader)


def test_showing_the_lines_is_in_the_audit_log(world: World) -> None:
    make_participation(world.person)
    run = computed(world, MAY)
    client_for(world.owner).get(f"/stonad/{run.pk}/")
    assert AuditEvent.objects.filter(
        action=AuditAction.LIST, person_id=world.person.pk, user_id=world.owner.pk
    ).exists()


# --- The command -----------------------------------------------------------------------------------


def test_the_command_computes_and_approves_a_month(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    make_participation(world.person)

    call_command("benefit_run", municipality="0301", month="2024-05", approve=True, json=True)

    data = json.loads(capsys.readouterr().out)
    assert (data["status"], data["total"], len(data["lines"])) == ("approved", "20671.33", 1)
    assert BenefitRun.objects.get().status == BenefitRunStatus.APPROVED

    with pytest.raises(SystemExit) as refused:
        call_command("benefit_run", municipality="0301", month="2024-05")
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "allerede godkjent" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"municipality": "0301", "month": "13.2024"}, "ÅÅÅÅ-MM"),
        ({"municipality": "0000", "month": "2024-05"}, "finnes ikke"),
    ],
)
def test_the_command_refuses_bad_input_with_one_line_and_exit_2(
    world: World, capsys: pytest.CaptureFixture[str], args: dict[str, str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        call_command("benefit_run", **args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_the_command_prints_a_summary(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    make_participation(world.person)
    call_command("benefit_run", municipality="0301", month="2024-05")
    out = capsys.readouterr().out
    assert "forhåndsvisning" in out and "1 deltakere" in out and "20671.33" in out


def test_people_are_not_looked_up_one_by_one(
    world: World, django_assert_max_num_queries: object
) -> None:
    for i in range(6):
        p = participant(f"Mange{i}", D(1980 + i, 2, 2))
        programme_absence(
            ctx=CTX, participation=p, on=D(2024, 5, 7), hours=Decimal("1"), approved=False
        )
    benefit_run_approve(ctx=oslo_ctx(world), run=computed(world, MAY), confirm_same_user=True)
    run = benefit_run_prepare(ctx=oslo_ctx(world), municipality=municipality("0301"), month=JUNE)
    # 21: one more than before moves within five years, for the moves (``stays.py``).
    with django_assert_max_num_queries(21):  # type: ignore[operator]
        result = benefit_run_compute(run_id=run.pk)
    assert result is not None and result.lines.count() == 6
    assert Person.objects.filter(family_name__startswith="Mange").count() == 6
