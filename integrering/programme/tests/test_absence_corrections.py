"""Correcting and deleting absence (issue 23 item 4): with a reason, versioned, audited, soft,
and paid right by the next benefit run as a correction line for the month it changes.

The figures are worked out by hand: in March 2024 G is 118 620 (from 2023-05-01), so the yearly
benefit is 2 G = 237 240 and an hour of unapproved absence 237 240 / 1850 = 128.2378…; two hours
are 256.48 (seed 002 §3.2).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from conftest import World, client_for
from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError
from integrering.programme.models import (
    Absence,
    AbsenceChange,
    AbsenceVersion,
    BenefitLine,
    BenefitLineKind,
    BenefitRun,
    BenefitRunStatus,
    Decision,
    DecisionKind,
    DecisionStatus,
    Participation,
)
from integrering.programme.overview import participation_overview
from integrering.programme.services.absences import (
    absence_change_notices,
    absence_correct,
    absence_delete,
)
from integrering.programme.services.benefit_compute import benefit_run_compute
from integrering.programme.services.benefit_run import benefit_run_approve, benefit_run_prepare
from integrering.programme.services.lifecycle import programme_absence
from integrering.programme.testing import CTX, make_participation
from integrering.testing import municipality

D = datetime.date
MARCH, APRIL, MAY = D(2024, 3, 1), D(2024, 4, 1), D(2024, 5, 1)
YEARLY_MARCH = Decimal(2 * 118620)  # 2 G before 2024-05-01
TWO_HOURS = Decimal("256.48")  # 237 240 / 1850 x 2 = 256.4757, rounded half up
API = "/api/v1/programmes"


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2024, 5, 15, 12, 0, tzinfo=datetime.UTC)):
        yield


def ctx(world: World) -> AccessContext:
    return AccessContext(user=world.owner, route="test", method="TEST")


def in_programme(world: World) -> Participation:
    return make_participation(world.person, starts_on=MARCH)


def absent(
    p: Participation, on: datetime.date | None = None, hours: str = "2", approved: bool = False
) -> Absence:
    """Absence recorded as the page does; by default 2 hours, not approved, on 12.03.2024."""
    return programme_absence(
        ctx=CTX,
        participation=p,
        on=on or D(2024, 3, 12),
        hours=Decimal(hours),
        approved=approved,
    )


def computed(world: World, month: datetime.date) -> BenefitRun:
    run = benefit_run_prepare(ctx=ctx(world), municipality=municipality("0301"), month=month)
    result = benefit_run_compute(run_id=run.pk)
    assert result is not None and result.status == BenefitRunStatus.PREVIEW, result
    return result


def approved(world: World, month: datetime.date) -> BenefitRun:
    return benefit_run_approve(ctx=ctx(world), run=computed(world, month), confirm_same_user=True)


def corrections(run: BenefitRun, p: Participation) -> list[BenefitLine]:
    return list(run.lines.filter(participation=p, kind=BenefitLineKind.CORRECTION))


def hour_deduction(hours: str, yearly: Decimal = YEARLY_MARCH) -> Decimal:
    return (yearly / 1850 * Decimal(hours)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- The services ----------------------------------------------------------------------------------


def test_correcting_an_absence_keeps_the_old_and_new_values_as_a_version(world: World) -> None:
    p = in_programme(world)
    absence = absent(p)

    corrected = absence_correct(
        ctx=ctx(world),
        absence=absence,
        on=D(2024, 3, 13),
        hours=Decimal("1.5"),
        approved=True,
        reason="Legetime",
        change_reason="Feil dag, og legetimen var avtalt",
        version=1,
    )

    assert (corrected.on, corrected.hours, corrected.approved, corrected.version) == (
        D(2024, 3, 13),
        Decimal("1.5"),
        True,
        2,
    )
    version = AbsenceVersion.objects.get(absence=absence)
    assert version.version == 2 and version.change == AbsenceChange.CORRECTED
    assert (version.old_on, version.old_hours, version.old_approved) == (
        D(2024, 3, 12),
        Decimal("2.0"),
        False,
    )
    assert (version.new_on, version.new_hours, version.new_approved, version.new_reason) == (
        D(2024, 3, 13),
        Decimal("1.5"),
        True,
        "Legetime",
    )
    assert version.change_reason == "Feil dag, og legetimen var avtalt"
    assert version.created_by == world.owner
    event = p.events.order_by("-id").first()
    assert event is not None
    assert event.summary.startswith(
        "Fravær endret fra 12.03.2024, 2 t, ikke godkjent til 13.03.2024, 1,5 t, godkjent"
    )


def test_a_change_without_a_reason_is_refused(world: World) -> None:
    absence = absent(in_programme(world))

    with pytest.raises(ValidationError) as corrected:
        absence_correct(
            ctx=ctx(world),
            absence=absence,
            on=absence.on,
            hours=Decimal("1"),
            approved=False,
            change_reason="  ",
            version=1,
        )
    with pytest.raises(ValidationError) as deleted:
        absence_delete(ctx=ctx(world), absence=absence, change_reason="", version=1)

    assert corrected.value.message_dict == {"change_reason": ["Skriv hvorfor fraværet endres."]}
    assert deleted.value.message_dict == {"change_reason": ["Skriv hvorfor fraværet slettes."]}
    absence.refresh_from_db()
    assert (absence.hours, absence.version, absence.deleted_at) == (Decimal("2.0"), 1, None)
    assert not AbsenceVersion.objects.exists()


def test_a_change_from_an_old_version_is_a_conflict_and_changes_nothing(world: World) -> None:
    absence = absent(in_programme(world))
    absence_correct(
        ctx=ctx(world),
        absence=absence,
        on=absence.on,
        hours=Decimal("3"),
        approved=False,
        change_reason="Var tre timer",
        version=1,
    )

    with pytest.raises(ConflictError):
        absence_correct(
            ctx=ctx(world),
            absence=absence,
            on=absence.on,
            hours=Decimal("1"),
            approved=False,
            change_reason="Var én time",
            version=1,
        )
    with pytest.raises(ConflictError):
        absence_delete(ctx=ctx(world), absence=absence, change_reason="Feilregistrert", version=1)

    absence.refresh_from_db()
    assert (absence.hours, absence.version, absence.deleted_at) == (Decimal("3.0"), 2, None)
    assert AbsenceVersion.objects.filter(absence=absence).count() == 1


def test_deleting_is_soft_keeps_a_version_and_leaves_every_sum(world: World) -> None:
    p = in_programme(world)
    absence = absent(p)
    kept = absent(p, on=D(2024, 3, 14), hours="1")

    deleted = absence_delete(
        ctx=ctx(world), absence=absence, change_reason="Registrert på feil deltaker", version=1
    )

    assert deleted.deleted_at is not None and deleted.deleted_by == world.owner
    assert deleted.version == 2
    assert Absence.all_objects.filter(pk=absence.pk).exists()  # the row is not gone
    assert list(p.absences.all()) == [kept]
    assert list(Absence.objects.filter(participation=p)) == [kept]
    version = AbsenceVersion.objects.get(absence=absence)
    assert version.change == AbsenceChange.DELETED
    assert (version.old_on, version.old_hours, version.new_on, version.new_hours) == (
        D(2024, 3, 12),
        Decimal("2.0"),
        None,
        None,
    )
    overview = participation_overview(p, today=D(2024, 5, 15))
    assert [(m.month, m.unapproved) for m in overview.absence_months] == [(MARCH, Decimal("1.0"))]
    assert [a.pk for a in overview.deleted_absences] == [absence.pk]
    # The day's hours no longer count against the daily limit either.
    absent(p, on=D(2024, 3, 12), hours="7.5")


def test_a_deleted_absence_is_neither_corrected_nor_deleted_again(world: World) -> None:
    absence = absent(in_programme(world))
    absence_delete(ctx=ctx(world), absence=absence, change_reason="Feil", version=1)

    with pytest.raises(ValidationError, match=r"slettet 15\.05\.2024"):
        absence_delete(ctx=ctx(world), absence=absence, change_reason="Feil igjen", version=2)
    with pytest.raises(ValidationError, match="kan ikke endres"):
        absence_correct(
            ctx=ctx(world),
            absence=absence,
            on=absence.on,
            hours=Decimal("1"),
            approved=False,
            change_reason="Tilbake",
            version=2,
        )
    assert AbsenceVersion.objects.filter(absence=absence).count() == 1


def test_a_correction_is_checked_like_a_new_absence(world: World) -> None:
    p = in_programme(world)
    absence = absent(p)
    absent(p, on=D(2024, 3, 13), hours="6")

    def correct(**values: object) -> None:
        data: dict[str, object] = {
            "on": absence.on,
            "hours": Decimal("2"),
            "approved": False,
            "change_reason": "Retting",
            "version": 1,
            **values,
        }
        absence_correct(ctx=ctx(world), absence=absence, **data)  # type: ignore[arg-type]

    with pytest.raises(ValidationError) as too_many:
        correct(on=D(2024, 3, 13), hours=Decimal("2"))  # 6 + 2 > 7.5 hours on that day
    with pytest.raises(ValidationError) as future:
        correct(on=D(2024, 5, 20))
    with pytest.raises(ValidationError) as before_start:
        correct(on=D(2024, 2, 28))
    with pytest.raises(ValidationError, match="ikke endret noe"):
        correct()

    assert "Høyst 7,5 timer" in too_many.value.message_dict["hours"][0]
    assert future.value.message_dict == {"on": ["Fravær kan ikke registreres fram i tid."]}
    assert "ikke i programmet" in before_start.value.message_dict["on"][0]
    # Its own hours do not count against it: 2 hours become 7.5 on the same day.
    correct(hours=Decimal("7.5"))


def test_every_change_is_audited_on_the_person(world: World) -> None:
    p = in_programme(world)
    absence = absent(p)
    before = AuditEvent.objects.count()

    absence_correct(
        ctx=ctx(world),
        absence=absence,
        on=absence.on,
        hours=Decimal("1"),
        approved=False,
        change_reason="Én time",
        version=1,
    )
    absence_delete(ctx=ctx(world), absence=absence, change_reason="Feilregistrert", version=2)

    rows = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(r.action, r.person_id, r.user_id, r.allowed) for r in rows] == [
        (AuditAction.UPDATE, p.person_id, world.owner.pk, True),
        (AuditAction.DELETE, p.person_id, world.owner.pk, True),
    ]
    assert "Fravær endret" in rows[0].detail and "Én time" in rows[0].detail
    assert "Fravær slettet" in rows[1].detail and "Feilregistrert" in rows[1].detail


# --- The benefit run --------------------------------------------------------------------------------


def test_two_hours_deleted_in_march_after_its_run_are_paid_back_in_april_once(
    world: World,
) -> None:
    p = in_programme(world)
    absence = absent(p)
    march = approved(world, MARCH)
    assert march.lines.get(participation=p).deduction == TWO_HOURS == hour_deduction("2")

    deleted = absence_delete(
        ctx=ctx(world), absence=absence, change_reason="Deltakeren var til stede", version=1
    )
    april = computed(world, APRIL)

    [correction] = corrections(april, p)
    assert correction.period == MARCH
    assert correction.amount == TWO_HOURS  # paid back: + 256.48
    assert (correction.deduction, correction.absence_hours, correction.gross) == (
        -TWO_HOURS,
        Decimal("-2.0"),
        0,
    )
    assert correction.note.startswith("Korreksjon for 03.2024: fravær fjernet")
    assert not correction.needs_decision
    assert absence_change_notices(deleted, {MARCH}) == [
        "Stønaden for 03.2024 er allerede godkjent; endringen kommer som en korreksjonslinje "
        "for den måneden i neste stønadskjøring."
    ]

    owner = client_for(world.owner)
    page = owner.get(f"/stonad/{april.pk}/").content.decode()
    assert "03.2024" in page and "Korreksjon" in page
    text = owner.get(f"/stonad/{april.pk}/eksport.csv").content.decode("utf-8").lstrip("\ufeff")
    rows = [
        r for r in csv.DictReader(io.StringIO(text), delimiter=";") if r["kind"] == "korreksjon"
    ]
    assert [(r["period"], r["amount"], r["deduction"]) for r in rows] == [
        ("2024-03", "256.48", "-256.48")
    ]
    sheet = load_workbook(io.BytesIO(owner.get(f"/stonad/{april.pk}/eksport.xlsx").content)).active
    assert sheet is not None
    [xlsx_row] = [row for row in sheet.iter_rows(values_only=True) if "korreksjon" in row]
    # The month it corrects, as text or as a date cell (the workbook's format is for people).
    assert any(
        x in ("2024-03", "03.2024")
        or (isinstance(x, datetime.date) and (x.year, x.month) == (2024, 3))
        for x in xlsx_row
    )
    numbers = [round(Decimal(str(x)), 2) for x in xlsx_row if isinstance(x, int | float)]
    assert TWO_HOURS in numbers and -TWO_HOURS in numbers

    # Approved in April, the correction is not made again in May.
    benefit_run_approve(ctx=ctx(world), run=april, confirm_same_user=True)
    may = computed(world, MAY)
    assert corrections(may, p) == []


def test_hours_corrected_up_after_the_run_are_taken_back_next_month(world: World) -> None:
    p = in_programme(world)
    absence = absent(p)
    approved(world, MARCH)

    absence_correct(
        ctx=ctx(world),
        absence=absence,
        on=absence.on,
        hours=Decimal("5"),
        approved=False,
        change_reason="Var borte hele dagen",
        version=1,
    )
    april = computed(world, APRIL)

    [correction] = corrections(april, p)
    assert correction.period == MARCH
    # 5 hours are due, 2 were deducted: 3 hours more, 384.71 taken back.
    assert correction.amount == -(hour_deduction("5") - TWO_HOURS) == Decimal("-384.71")
    assert correction.absence_hours == Decimal("3.0")
    assert correction.note.startswith("Korreksjon for 03.2024: fravær registrert etter godkjenning")


def test_absence_approved_afterwards_is_paid_back_and_a_move_corrects_both_months(
    world: World,
) -> None:
    p = in_programme(world)
    approved_later = absent(p)
    moved = absent(p, on=D(2024, 3, 20), hours="1")
    approved(world, MARCH)
    absence_correct(
        ctx=ctx(world),
        absence=approved_later,
        on=approved_later.on,
        hours=approved_later.hours,
        approved=True,
        change_reason="Legeerklæring levert",
        version=1,
    )
    absence_correct(
        ctx=ctx(world),
        absence=moved,
        on=D(2024, 4, 3),
        hours=moved.hours,
        approved=False,
        change_reason="Feil måned",
        version=1,
    )

    april = computed(world, APRIL)

    [correction] = corrections(april, p)
    assert correction.period == MARCH
    assert correction.amount == hour_deduction("3")  # 2 approved + 1 moved out: 384.71 back
    regular = april.lines.get(participation=p, kind=BenefitLineKind.REGULAR)
    assert regular.absence_hours == Decimal("1.0")  # the moved hour is deducted in April
    assert regular.deduction == hour_deduction("1")


def test_a_month_whose_deduction_a_decision_fixed_follows_the_decision_and_says_so(
    world: World,
) -> None:
    """integreringsloven § 21: the decision in force says what is deducted for its month, so a
    corrected absence changes the payment only once the decision is changed; the caseworker is
    told so when correcting."""
    p = in_programme(world)
    absence = absent(p)
    approved(world, MARCH)
    decision = Decision.objects.create(
        person=p.person,
        municipality=p.municipality,
        participation=p,
        kind=DecisionKind.REDUCTION,
        status=DecisionStatus.DECIDED,
        act=p.act,
        subject="Vedtak om trekk",
        legal_basis="integreringsloven § 21",
        facts="2 timer",
        reasoning="Ikke godkjent",
        conclusion="Trekk",
        amount=TWO_HOURS,
        benefit_period=MARCH,
        absence_hours=Decimal("2"),
        decided_on=D(2024, 4, 2),
    )

    deleted = absence_delete(ctx=ctx(world), absence=absence, change_reason="Feil", version=1)
    april = computed(world, APRIL)

    assert corrections(april, p) == []
    [notice] = absence_change_notices(deleted, {MARCH})
    assert notice.startswith(
        f"Trekket i stønaden for 03.2024 er fastsatt i vedtak {decision.reference}."
    )


# --- The pages -------------------------------------------------------------------------------------


def test_the_participant_page_lists_each_absence_with_change_and_delete(world: World) -> None:
    p = in_programme(world)
    absence = absent(p)
    gone = absent(p, on=D(2024, 3, 14), hours="1")
    absence_delete(ctx=ctx(world), absence=gone, change_reason="Feil", version=1)

    page = client_for(world.owner).get(f"/introduksjonsprogram/{p.pk}/").content.decode()

    assert f'href="/introduksjonsprogram/fravaer/{absence.pk}/endre/"' in page
    assert f'href="/introduksjonsprogram/fravaer/{absence.pk}/slett/"' in page
    assert f'href="/introduksjonsprogram/fravaer/{gone.pk}/slett/"' not in page
    assert f'href="/introduksjonsprogram/fravaer/{gone.pk}/"' in page  # its history
    assert "Slettet 15.05.2024" in page


def test_correcting_on_the_page_saves_it_and_shows_the_history(world: World) -> None:
    p = in_programme(world)
    absence = absent(p)
    approved(world, MARCH)
    owner = client_for(world.owner)
    url = f"/introduksjonsprogram/fravaer/{absence.pk}/endre/"

    form = owner.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'for="id_change_reason"' in html and 'name="version" value="1"' in html
    missing = owner.post(url, {"on": "12.03.2024", "hours": "1", "version": "1"})
    assert missing.status_code == 422
    assert "Skriv hvorfor fraværet endres." in missing.content.decode()

    saved = owner.post(
        url,
        {"on": "12.03.2024", "hours": "1,5", "change_reason": "Kom etter lunsj", "version": "1"},
        follow=True,
    )

    assert saved.status_code == 200
    body = saved.content.decode()
    assert "Fraværet er endret." in body
    assert "korreksjonslinje for den måneden" in body
    assert "Kom etter lunsj" in body and "12.03.2024, 1.5 t" in body.replace("1,5", "1.5")
    absence.refresh_from_db()
    assert (absence.hours, absence.version) == (Decimal("1.5"), 2)


def test_the_delete_page_is_the_confirmation_and_deletes_only_when_posted(world: World) -> None:
    absence = absent(in_programme(world))
    owner = client_for(world.owner)
    url = f"/introduksjonsprogram/fravaer/{absence.pk}/slett/"

    confirm = owner.get(url)
    assert confirm.status_code == 200
    assert "Ja, slett fraværet" in confirm.content.decode()
    assert Absence.objects.filter(pk=absence.pk).exists()
    assert owner.post(url, {"version": "1"}).status_code == 422

    done = owner.post(url, {"change_reason": "Dobbeltregistrert", "version": "1"})

    assert (
        done.status_code == 302
        and done["Location"] == f"/introduksjonsprogram/fravaer/{absence.pk}/"
    )
    assert not Absence.objects.filter(pk=absence.pk).exists()
    history = owner.get(done["Location"]).content.decode()
    assert "Dobbeltregistrert" in history and "Slettet" in history


def test_a_stale_version_on_the_page_is_a_409_that_keeps_the_input(world: World) -> None:
    absence = absent(in_programme(world))
    absence_correct(
        ctx=ctx(world),
        absence=absence,
        on=absence.on,
        hours=Decimal("3"),
        approved=False,
        change_reason="Kollegaens retting",
        version=1,
    )

    response = client_for(world.owner).post(
        f"/introduksjonsprogram/fravaer/{absence.pk}/endre/",
        {"on": "12.03.2024", "hours": "1", "change_reason": "Min retting", "version": "1"},
    )

    assert response.status_code == 409
    assert "Noen andre har lagret endringer i fraværet" in response.content.decode()
    assert "Min retting" in response.content.decode()


def test_an_outsider_gets_404_on_every_absence_page_and_the_api(world: World) -> None:
    p = in_programme(world)
    absence = absent(p)
    outsider = client_for(world.outsider)
    base = f"/introduksjonsprogram/fravaer/{absence.pk}/"

    for url in (base, f"{base}endre/", f"{base}slett/"):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"{base}slett/", {"change_reason": "x", "version": "1"}).status_code == 404
    api = f"{API}/{p.pk}/absences/{absence.pk}"
    assert outsider.get(api).status_code == 404
    body = json.dumps({"change_reason": "x", "version": 1})
    assert outsider.delete(api, body, content_type="application/json").status_code == 404
    assert Absence.objects.filter(pk=absence.pk).exists()
    assert AuditEvent.objects.filter(
        user_id=world.outsider.pk, allowed=False, person_id=p.person_id
    ).exists()


def test_a_colleague_without_the_refugee_service_cannot_change_absence(world: World) -> None:
    from integrering.accounts.roles import Role
    from integrering.testing import make_user

    absence = absent(in_programme(world))
    leader = client_for(
        make_user(municipality_number="0301", roles=[Role.MUNICIPAL_LEADER], username="leder")
    )

    assert leader.get(f"/introduksjonsprogram/fravaer/{absence.pk}/").status_code == 200
    assert leader.get(f"/introduksjonsprogram/fravaer/{absence.pk}/endre/").status_code == 403


# --- The API ---------------------------------------------------------------------------------------


def api_put(client: Client, url: str, **body: object) -> object:
    return client.put(url, json.dumps(body), content_type="application/json")


def test_the_api_corrects_and_deletes_with_reason_and_version(world: World) -> None:
    p = in_programme(world)
    absence = absent(p)
    approved(world, MARCH)
    owner = client_for(world.owner)
    url = f"{API}/{p.pk}/absences/{absence.pk}"

    no_reason = owner.put(
        url,
        json.dumps({"on": "2024-03-12", "hours": "1", "approved": False, "version": 1}),
        content_type="application/json",
    )
    assert no_reason.status_code == 422
    assert "change_reason" in no_reason.json()["errors"]

    corrected = owner.put(
        url,
        json.dumps(
            {
                "on": "2024-03-12",
                "hours": "1",
                "approved": False,
                "change_reason": "Én time",
                "version": 1,
            }
        ),
        content_type="application/json",
    )
    assert corrected.status_code == 200, corrected.content
    data = corrected.json()
    assert (data["hours"], data["version"], data["deleted_at"]) == ("1.0", 2, None)
    assert data["versions"][0]["old_hours"] == "2.0" and data["versions"][0]["new_hours"] == "1.0"
    assert "03.2024 er allerede godkjent" in data["notices"][0]

    stale = owner.delete(
        url, json.dumps({"change_reason": "Feil", "version": 1}), content_type="application/json"
    )
    assert stale.status_code == 409
    deleted = owner.delete(
        url, json.dumps({"change_reason": "Feil", "version": 2}), content_type="application/json"
    )
    assert deleted.status_code == 200, deleted.content
    assert deleted.json()["deleted_at"] is not None
    assert [v["change"] for v in deleted.json()["versions"]] == ["corrected", "deleted"]
    again = owner.delete(
        url, json.dumps({"change_reason": "Feil", "version": 3}), content_type="application/json"
    )
    assert again.status_code == 422

    detail = owner.get(f"{API}/{p.pk}").json()
    assert detail["absences"] == []
    assert owner.get(url).json()["deleted_at"] is not None  # the history stays readable


def test_the_api_answers_404_for_an_absence_of_another_participation(world: World) -> None:
    p = in_programme(world)
    absence = absent(p)
    other = make_participation(world.household.members.order_by("pk")[1], starts_on=MARCH)
    owner = client_for(world.owner)

    assert owner.get(f"{API}/{other.pk}/absences/{absence.pk}").status_code == 404
    assert owner.get(f"{API}/{p.pk}/absences/999999").status_code == 404
