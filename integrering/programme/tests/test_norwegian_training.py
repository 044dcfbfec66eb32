"""Norwegian and social studies training as its own lifecycle (issue 20): the right registered,
the start meeting its deadline, hours and tests, stop, exemption and completion; on the page
and the API; and what it feeds: the introduction register export and the Norwegian grant."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from conftest import World, client_for
from integrering.accounts.roles import Role, Service
from integrering.audit.models import AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import Deadline
from integrering.casework.services.arrival import household_receive
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.concurrency import ConflictError
from integrering.organisations.models import Municipality
from integrering.people.models import InformationCategory, Person, Relation
from integrering.people.services import PersonInput
from integrering.programme.models import (
    NorwegianTestKind,
    NorwegianTraining,
    NorwegianTrainingStatus,
)
from integrering.programme.services import norwegian_training as service
from integrering.programme.services.grant_claims import NORWEGIAN_GRANT, grant_claim_compute
from integrering.programme.services.register_export import register_csv, register_data
from integrering.programme.testing import CTX
from integrering.testing import make_user, municipality

D = datetime.date
SETTLED = D(2024, 3, 1)
NOW = datetime.datetime(2024, 9, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(NOW):
        yield


def _settled(given: str, born: datetime.date, settled: datetime.date = SETTLED) -> Person:
    household = household_receive(
        ctx=CTX,
        municipality=municipality("0301"),
        reference=f"H-NO-{given}",
        members=[PersonInput(given, "Norsk", born, relation=Relation.MAIN, citizenship="Syria")],
        settled_on=settled,
    )
    return household.members.get()


def _right(
    person: Person, basis: str = "right_and_duty", on: datetime.date = SETTLED
) -> NorwegianTraining:
    return service.norwegian_training_register(
        ctx=CTX, person=person, data=service.RightInput(basis=basis, right_from=on)
    )


@pytest.mark.django_db
def test_the_training_runs_from_the_right_to_completion_and_the_start_meets_its_deadline() -> None:
    person = _settled("Amal", D(1990, 4, 1))
    deadline = Deadline.objects.get(person=person, kind="norwegian_training_start")
    assert deadline.due_on == D(2024, 6, 1) and deadline.met_on is None

    training = _right(person)
    assert training.status == NorwegianTrainingStatus.REGISTERED
    assert training.act == "integration_act"  # the right arose after 01.01.2021
    with pytest.raises(ValidationError, match="allerede"):
        _right(person)

    training = service.norwegian_training_start(
        ctx=CTX, training=training, starts_on=D(2024, 4, 15), version=training.version
    )
    assert training.status == NorwegianTrainingStatus.ACTIVE
    deadline.refresh_from_db()
    assert deadline.met_on == D(2024, 4, 15)  # within the three months

    service.norwegian_training_hours(
        ctx=CTX, training=training, month=D(2024, 4, 20), taught=Decimal(40), attended=Decimal(36)
    )
    # A correction replaces the month.
    service.norwegian_training_hours(
        ctx=CTX, training=training, month=D(2024, 4, 1), taught=Decimal(42), attended=Decimal(38)
    )
    service.norwegian_training_hours(
        ctx=CTX, training=training, month=D(2024, 5, 1), taught=Decimal(60), attended=Decimal(57)
    )
    hours = service.hours_sum(training)
    assert (hours.taught, hours.attended, hours.attended_percent) == (Decimal(102), Decimal(95), 93)

    stopped = service.norwegian_training_stop(
        ctx=CTX, training=training, on=D(2024, 6, 1), reason="Sykdom", version=training.version
    )
    assert stopped.status == NorwegianTrainingStatus.STOPPED
    resumed = service.norwegian_training_resume(
        ctx=CTX, training=stopped, on=D(2024, 7, 1), version=stopped.version
    )
    assert resumed.status == NorwegianTrainingStatus.ACTIVE and resumed.stopped_on is None

    oral = service.norwegian_test_register(
        ctx=CTX,
        training=resumed,
        data=service.TestInput(kind=NorwegianTestKind.ORAL, taken_on=D(2024, 8, 1), level="B1"),
    )
    below = service.norwegian_test_register(
        ctx=CTX,
        training=resumed,
        data=service.TestInput(
            kind=NorwegianTestKind.WRITING, taken_on=D(2024, 8, 1), level="under A1"
        ),
    )
    social = service.norwegian_test_register(
        ctx=CTX,
        training=resumed,
        data=service.TestInput(
            kind=NorwegianTestKind.SOCIAL_STUDIES, taken_on=D(2024, 8, 2), passed=True
        ),
    )
    assert (oral.passed, below.passed, social.passed) == (True, False, True)

    done = service.norwegian_training_complete(
        ctx=CTX, training=resumed, on=D(2024, 8, 30), version=resumed.version
    )
    assert done.status == NorwegianTrainingStatus.COMPLETED and done.ended_on == D(2024, 8, 30)
    with pytest.raises(ValidationError, match="fullført"):
        service.norwegian_training_exempt(
            ctx=CTX, training=done, on=D(2024, 8, 31), reason="x", version=done.version
        )
    details = list(
        AuditEvent.objects.filter(person_id=person.pk, detail__startswith="norskopplæring")
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details[0] == "norskopplæring: rett og plikt fra 01.03.2024"
    assert details[-1] == "norskopplæring: fullført 30.08.2024"


@pytest.mark.django_db
def test_bad_steps_are_refused_with_messages_and_write_nothing() -> None:
    young = _settled("Ung", D(2007, 1, 1))  # 17 on the day
    with pytest.raises(ValidationError, match="17 år"):
        _right(young)
    old = _settled("Eldre", D(1956, 2, 1))  # 68 on the day
    with pytest.raises(ValidationError, match="68 år"):
        _right(old)
    person = _settled("Sara", D(1995, 5, 5))
    training = _right(person)
    with pytest.raises(ValidationError, match="oppstart før timene"):
        service.norwegian_training_hours(
            ctx=CTX, training=training, month=D(2024, 4, 1), taught=Decimal(1), attended=Decimal(1)
        )
    with pytest.raises(ValidationError, match="før retten inntrer"):
        service.norwegian_training_start(
            ctx=CTX, training=training, starts_on=D(2024, 2, 1), version=training.version
        )
    with pytest.raises(ValidationError, match="fram i tid"):
        service.norwegian_training_start(
            ctx=CTX, training=training, starts_on=D(2024, 9, 2), version=training.version
        )
    with pytest.raises(ConflictError):
        service.norwegian_training_start(
            ctx=CTX, training=training, starts_on=D(2024, 4, 1), version=training.version + 1
        )
    training.refresh_from_db()
    assert training.starts_on is None
    training = service.norwegian_training_start(
        ctx=CTX, training=training, starts_on=D(2024, 4, 1), version=training.version
    )
    with pytest.raises(ValidationError) as exc:
        service.norwegian_training_hours(
            ctx=CTX,
            training=training,
            month=D(2024, 4, 1),
            taught=Decimal(10),
            attended=Decimal(12),
        )
    assert "flere timer enn undervist" in str(exc.value)
    with pytest.raises(ValidationError, match="Velg nivå"):
        service.norwegian_test_register(
            ctx=CTX,
            training=training,
            data=service.TestInput(kind=NorwegianTestKind.ORAL, taken_on=D(2024, 8, 1)),
        )
    with pytest.raises(ValidationError, match="Skriv grunnlaget"):
        service.norwegian_training_exempt(
            ctx=CTX, training=training, on=D(2024, 8, 1), reason=" ", version=training.version
        )
    assert not training.months.exists() and not training.tests.exists()


@pytest.mark.django_db
def test_adult_education_records_on_the_page_with_consent_and_nav_may_not(world: World) -> None:
    person = _settled("Omar", D(1988, 2, 2))
    url = f"/personer/{person.pk}/norskopplaering/"
    refugee = client_for(world.owner)
    page = refugee.get(url)
    assert page.status_code == 200
    assert "Registrer rett eller plikt" in page.content.decode()
    response = refugee.post(
        url,
        {
            "action": "register",
            "register-basis": "right_and_duty",
            "register-right_from": "2024-03-01",
        },
    )
    assert response.status_code == 302
    training = person.norwegian_training
    assert training.basis == "right_and_duty"

    # Adult education with the person's consent to share the plan records the start.
    teacher = make_user(municipality_number="0301", roles=[Role.ADULT_EDUCATION_CASEWORKER])
    no_consent = client_for(teacher).get(url)
    assert no_consent.status_code == 403
    consent_give(
        ctx=AccessContext(user=world.owner, route="test", method="TEST"),
        person=person,
        data=ConsentInput(
            services=[Service.ADULT_EDUCATION, Service.NAV],
            categories=[InformationCategory.PERSONAL, InformationCategory.PLAN],
            valid_from=D(2024, 3, 1),
            signed_on=D(2024, 3, 1),
        ),
    )
    teacher_client = client_for(teacher)
    started = teacher_client.post(
        url,
        {"action": "start", "start-starts_on": "2024-04-02", "start-version": training.version},
    )
    assert started.status_code == 302
    training.refresh_from_db()
    assert training.starts_on == D(2024, 4, 2)
    bad = teacher_client.post(
        url,
        {
            "action": "hours",
            "hours-month": "2024-04",
            "hours-taught": "10",
            "hours-attended": "12",
        },
    )
    assert bad.status_code == 422
    assert "flere timer enn undervist" in bad.content.decode()
    ok = teacher_client.post(
        url,
        {
            "action": "hours",
            "hours-month": "2024-04",
            "hours-taught": "42,5",
            "hours-attended": "40",
        },
    )
    assert ok.status_code == 302
    shown = teacher_client.get(url).content.decode()
    assert "40 av 42,5 timer deltatt (94 %)" in shown

    nav = make_user(municipality_number="0301", roles=[Role.NAV_CASEWORKER])
    nav_client = client_for(nav)
    assert nav_client.get(url).status_code == 200  # reads with consent to the plan
    refused = nav_client.post(
        url, {"action": "stop", "stop-on": "2024-05-01", "stop-reason": "x", "stop-version": 1}
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_the_api_registers_starts_records_hours_and_tests(world: World) -> None:
    person = _settled("Lina", D(1992, 2, 2))
    client = client_for(world.owner)
    base = f"/api/v1/persons/{person.pk}/norwegian-training"
    assert client.get(base).json()["registered"] is False
    created = client.post(
        base,
        {"basis": "right_and_duty", "right_from": "2024-03-01"},
        content_type="application/json",
    )
    assert created.status_code == 201
    version = created.json()["version"]
    started = client.post(
        f"{base}/events",
        {"event": "start", "on": "2024-04-02", "version": version},
        content_type="application/json",
    )
    assert started.status_code == 200 and started.json()["status"] == "active"
    stale = client.post(
        f"{base}/events",
        {"event": "complete", "on": "2024-08-01", "version": version},
        content_type="application/json",
    )
    assert stale.status_code == 409
    hours = client.put(
        f"{base}/hours",
        {"month": "2024-04-01", "taught": "40", "attended": "30"},
        content_type="application/json",
    )
    assert hours.status_code == 200
    test = client.post(
        f"{base}/tests",
        {"kind": "reading", "taken_on": "2024-08-01", "level": "A2"},
        content_type="application/json",
    )
    assert test.status_code == 201
    body = client.get(base).json()
    assert body["hours_taught"] == "40.0" and body["hours_attended"] == "30.0"
    assert body["tests"] == [
        {"kind": "reading", "taken_on": "2024-08-01", "level": "A2", "passed": True}
    ]
    unknown = client.post(
        f"{base}/events",
        {"event": "pause", "on": "2024-08-01", "version": body["version"]},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    outsider = make_user(municipality_number="4601", roles=[Role.REFUGEE_SERVICE_CASEWORKER])
    assert client_for(outsider).get(base).status_code == 404


@pytest.mark.django_db
def test_the_register_export_carries_the_training_also_without_a_programme() -> None:
    person = _settled("Nour", D(1985, 5, 5))
    training = _right(person)
    training = service.norwegian_training_start(
        ctx=CTX, training=training, starts_on=D(2024, 4, 2), version=training.version
    )
    service.norwegian_training_hours(
        ctx=CTX, training=training, month=D(2024, 4, 1), taught=Decimal(40), attended=Decimal(35)
    )
    service.norwegian_test_register(
        ctx=CTX,
        training=training,
        data=service.TestInput(
            kind=NorwegianTestKind.SOCIAL_STUDIES, taken_on=D(2024, 8, 1), passed=False
        ),
    )
    data, person_ids = register_data(municipality=municipality("0301"))
    assert person_ids == [person.pk]
    (participant,) = data["participants"]
    assert participant["participations"] == []
    assert participant["norwegian_training"] == {
        "act": "integration_act",
        "basis": "right_and_duty",
        "right_from": "2024-03-01",
        "status": "active",
        "starts_on": "2024-04-02",
        "ended_on": None,
        "hours": [{"month": "2024-04", "taught_hours": "40.0", "attended_hours": "35.0"}],
        "tests": [
            {"test": "social_studies", "taken_on": "2024-08-01", "level": None, "passed": False}
        ],
    }
    rows = list(csv.DictReader(io.StringIO(register_csv(data).decode("utf-8"))))
    assert [r["record_type"] for r in rows] == [
        "norwegian_training",
        "norwegian_hours",
        "norwegian_test",
    ]
    assert rows[0]["basis"] == "right_and_duty" and rows[0]["participation_ref"] == ""
    assert rows[1]["attended_hours"] == "35.0" and rows[2]["passed"] == "false"
    # A period before the right arose leaves the training out.
    before, _ = register_data(municipality=municipality("0301"), to_on=D(2024, 2, 28))
    assert before["participants"] == []


@pytest.mark.django_db
def test_the_norwegian_grant_follows_the_registered_right() -> None:
    """2018 rates (seed 002): year 1, high rate 31 900. A person with the duty only (plikt) has
    no right to training, so the grant is not claimed for them though they are 18-67."""
    with_right = _settled("Rett", D(1980, 1, 1), settled=D(2018, 3, 1))
    duty_only = _settled("Plikt", D(1981, 1, 1), settled=D(2018, 3, 1))
    unregistered = _settled("Ukjent", D(1982, 1, 1), settled=D(2018, 3, 1))
    _right(with_right, on=D(2018, 3, 1))
    _right(duty_only, basis="duty", on=D(2018, 3, 1))
    claim = grant_claim_compute(
        municipality=Municipality.objects.get(number="0301", valid_to__isnull=True),
        budget_year=2018,
        grants=[NORWEGIAN_GRANT],
    )
    section = claim.section(NORWEGIAN_GRANT)
    assert section is not None
    people = {line.person_id: line.amount for line in section.lines if line.person_id}
    assert people == {with_right.pk: Decimal(31_900), unregistered.pk: Decimal(31_900)}
