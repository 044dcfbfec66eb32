"""Issue 22 item 3: a deadline for every statutory step, on the dashboard with the person's other
deadlines: the programme's end and the reminder to assess an extension, the plan's evaluation,
a consent's end and the reminder before it, forwarding an appeal (``programme`` tests), and the
application for the disability grant. Lengths and lead times are ``deadlines/casework``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError

from conftest import World, client_for
from integrering.accounts.roles import Service
from integrering.audit.services import AccessContext
from integrering.casework.deadline_labels import DEADLINE_LABELS, deadline_label
from integrering.casework.models import Deadline
from integrering.casework.services.arrival import household_settle
from integrering.casework.services.consent import ConsentInput, consent_give, consent_withdraw
from integrering.casework.services.deadlines import (
    consent_deadlines_sync,
    deadline_meet,
    deadline_reminder_due,
    deadlines_bring_forward,
)
from integrering.casework.services.plan import MeasureInput, PlanInput, plan_create
from integrering.casework.tests.test_plan import a_final_goal
from integrering.people.models import Category, InformationCategory, Person
from integrering.programme.services.extensions import ExtensionInput, programme_extend
from integrering.programme.services.lifecycle import programme_end
from integrering.programme.testing import make_participation
from integrering.rules.parameters import value
from integrering.testing import make_household

D = datetime.date
TODAY = D(2024, 6, 3)
NEW_KINDS = (
    "programme_end",
    "programme_extension",
    "consent_expiry",
    "consent_reminder",
    "appeal_forward",
    "appeal_returned",
)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2024, 6, 3, 12, 0), tick=False):
        yield


def _ctx(world: World) -> AccessContext:
    return AccessContext(user=world.owner, route="test")


def _open(person: Person, kind: str) -> list[tuple[datetime.date, datetime.date]]:
    return [
        (d.start_on, d.due_on)
        for d in Deadline.objects.filter(person=person, kind=kind, met_on__isnull=True)
    ]


def test_every_kind_has_a_label_a_source_and_a_date_it_counts_from() -> None:
    rules = value("deadlines/casework", TODAY)
    for kind in NEW_KINDS:
        assert kind in DEADLINE_LABELS, kind
        assert rules[kind]["source"] and rules[kind]["from"], kind
    assert deadline_label("consent_reminder") == "Forny samtykket (påminnelse)"
    assert deadline_reminder_due("consent_reminder", D(2024, 9, 30)) == D(2024, 9, 2)
    assert deadline_reminder_due("programme_extension", D(2026, 3, 31)) == D(2026, 1, 31)


# --- The programme ---------------------------------------------------------------------------------


def test_the_programme_end_and_extension_reminder_follow_the_programme(world: World) -> None:
    p = make_participation(world.person)  # 24 months from 01.04.2024

    assert _open(world.person, "programme_end") == [(D(2024, 4, 1), D(2026, 3, 31))]
    assert _open(world.person, "programme_extension") == [(D(2024, 4, 1), D(2026, 1, 31))]

    programme_extend(
        ctx=_ctx(world),
        participation=p,
        data=ExtensionInput(months=6, assessment="Nær sluttmålet.", expected_to_reach_goal=True),
    )
    assert _open(world.person, "programme_end") == [(D(2024, 4, 1), D(2026, 9, 30))]
    assert _open(world.person, "programme_extension") == [(D(2024, 4, 1), D(2026, 7, 30))]

    p.refresh_from_db()
    programme_end(
        ctx=_ctx(world),
        participation=p,
        ended_on=D(2024, 5, 31),
        reason="work",
        version=p.version,
    )
    met = Deadline.objects.filter(person=world.person, kind__startswith="programme_e")
    assert sorted((d.kind, d.met_on) for d in met) == [
        ("programme_end", D(2024, 5, 31)),
        ("programme_extension", D(2024, 5, 31)),
    ]
    assert {d.met_by for d in met} == {world.owner}


def test_a_second_programme_start_in_the_household_leaves_the_first_programmes_end_be(
    world: World,
) -> None:
    make_participation(world.person)
    moved = deadlines_bring_forward(household=world.household, event="programme_start", on=TODAY)
    assert moved == 0
    assert _open(world.person, "programme_end") == [(D(2024, 4, 1), D(2026, 3, 31))]


def test_the_programme_deadlines_are_on_the_dashboard_and_the_persons_page(world: World) -> None:
    make_participation(world.person)
    owner = client_for(world.owner)

    dashboard = owner.get("/frister/").content.decode()
    person = owner.get(f"/personer/{world.person.pk}/").content.decode()

    for page in (dashboard, person):
        assert "Introduksjonsprogrammet slutter" in page
        assert "Vurder forlengelse av introduksjonsprogrammet" in page
        assert "31.03.2026" in page and "31.01.2026" in page
    assert client_for(world.outsider).get(f"/personer/{world.person.pk}/").status_code == 404
    assert (
        "Introduksjonsprogrammet slutter"
        not in client_for(world.outsider).get("/frister/").content.decode()
    )


# --- Consent ---------------------------------------------------------------------------------------


def _consent(world: World, valid_to: datetime.date | None, **changes: object) -> object:
    data: dict[str, object] = {
        "services": [Service.NAV],
        "categories": [InformationCategory.PERSONAL],
        "valid_from": D(2024, 6, 1),
        "valid_to": valid_to,
        "signed_on": D(2024, 6, 1),
        **changes,
    }
    return consent_give(ctx=_ctx(world), person=world.person, data=ConsentInput(**data))  # type: ignore[arg-type]


def test_a_consent_with_an_end_date_has_its_expiry_and_a_reminder_four_weeks_before(
    world: World,
) -> None:
    consent = _consent(world, D(2024, 12, 31))

    assert _open(world.person, "consent_expiry") == [(D(2024, 6, 1), D(2024, 12, 31))]
    assert _open(world.person, "consent_reminder") == [(D(2024, 6, 1), D(2024, 12, 3))]
    dashboard = client_for(world.owner).get("/frister/").content.decode()
    assert "Samtykket utløper" in dashboard and "Forny samtykket (påminnelse)" in dashboard

    # Renewed until the end of 2025: both move to the new end.
    _consent(world, D(2025, 12, 31), valid_from=D(2024, 6, 3), signed_on=D(2024, 6, 3))
    assert _open(world.person, "consent_expiry") == [(D(2024, 6, 3), D(2025, 12, 31))]
    assert _open(world.person, "consent_reminder") == [(D(2024, 6, 3), D(2025, 12, 3))]
    assert Deadline.objects.filter(person=world.person, kind="consent_expiry").count() == 1

    # Withdrawn, every consent: nothing is left to expire, and the deadlines are met.
    for given in world.person.consents.filter(withdrawn_at__isnull=True):
        consent_withdraw(ctx=_ctx(world), consent=given)
    assert _open(world.person, "consent_expiry") == []
    assert _open(world.person, "consent_reminder") == []
    met = Deadline.objects.get(person=world.person, kind="consent_expiry")
    assert met.met_on == TODAY and "trukket tilbake" in met.note
    assert consent is not None


def test_a_consent_without_an_end_date_has_no_expiry_but_covers_only_its_services(
    world: World,
) -> None:
    _consent(world, None)
    assert not Deadline.objects.filter(person=world.person, kind__startswith="consent_").exists()

    # The school's consent ends; NAV's, without an end, does not cover the school.
    _consent(world, D(2024, 9, 30), services=[Service.SCHOOL])
    assert _open(world.person, "consent_expiry") == [(D(2024, 6, 1), D(2024, 9, 30))]
    # A second consent for the school without an end date covers it for good.
    _consent(world, None, services=[Service.SCHOOL, Service.NAV])
    assert _open(world.person, "consent_expiry") == []


def test_a_reminder_handled_on_the_dashboard_is_not_opened_again(world: World) -> None:
    _consent(world, D(2024, 12, 31))
    reminder = Deadline.objects.get(person=world.person, kind="consent_reminder")
    deadline_meet(ctx=_ctx(world), deadline=reminder, met_on=TODAY, note="Ringt deltakeren.")

    consent_deadlines_sync(ctx=_ctx(world), person=world.person)

    assert _open(world.person, "consent_reminder") == []
    assert _open(world.person, "consent_expiry") == [(D(2024, 6, 1), D(2024, 12, 31))]


def test_a_bad_consent_is_refused_and_opens_no_deadline(world: World) -> None:
    with pytest.raises(ValidationError):
        _consent(world, D(2024, 5, 1))
    assert not Deadline.objects.filter(person=world.person, kind__startswith="consent_").exists()


# --- The plan and the disability grant (kept by their own services: verified here) ----------------


def test_the_plans_evaluation_deadline_is_on_the_dashboard(world: World) -> None:
    plan_create(
        ctx=_ctx(world),
        person=world.person,
        data=PlanInput(
            final_goal=a_final_goal(D(2024, 4, 1)),
            starts_on=D(2024, 4, 1),
            goals=["Norsk på B1-nivå"],
            measures=[
                MeasureInput(
                    description="Norskopplæring",
                    service=Service.ADULT_EDUCATION,
                    starts_on=D(2024, 4, 2),
                    goal=0,
                )
            ],
        ),
    )
    assert _open(world.person, "plan_evaluation") == [(D(2024, 4, 1), D(2024, 10, 1))]
    page = client_for(world.owner).get("/frister/").content.decode()
    assert "Evaluering av individuell plan" in page and "01.10.2024" in page


def test_the_disability_grant_application_deadline_is_on_the_dashboard(db: None) -> None:
    household = make_household(municipality_number="0301", members=2, settled_on=D(2024, 3, 1))
    person = household.members.order_by("pk").first()
    assert person is not None
    Person.objects.filter(pk=person.pk).update(disability=True, category=Category.FROM_RECEPTION)
    household_settle(ctx=AccessContext.command("test"), household=household)

    assert _open(person, "disability_grant_application") == [(D(2024, 3, 1), D(2025, 4, 1))]
    from integrering.testing import make_user

    caseworker = make_user(municipality_number="0301")
    dashboard = client_for(caseworker).get("/frister/").content.decode()
    assert "Søknad om tilskudd ved nedsatt funksjonsevne" in dashboard
    assert "01.04.2025" in dashboard
