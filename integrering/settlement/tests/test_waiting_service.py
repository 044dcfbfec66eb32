"""Households waiting for settlement enter the system (issue 21): registering, changing and
withdrawing them, the DUF rule (a household already waiting, placed or settled cannot come in
again), the counts taken from the members, the matcher leaving withdrawn households out, and the
audit of every read and write."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from integrering.audit.models import AuditAction, AuditEvent
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError
from integrering.errors import NotFound
from integrering.people.identity import duf_check_digits
from integrering.people.models import Relation
from integrering.people.services import PersonInput, household_register
from integrering.rules.parameters import parameter
from integrering.settlement.models import (
    MatchRun,
    WaitingHousehold,
    WaitingPerson,
    WaitingStatus,
    WithdrawalReason,
)
from integrering.settlement.selectors import waiting_household_read, waiting_households_listed
from integrering.settlement.services.matching import match_run_start, placement_change
from integrering.settlement.services.matching_compute import match_run_compute
from integrering.settlement.services.waiting import (
    WaitingHouseholdInput,
    WaitingPersonInput,
    waiting_household_create,
    waiting_household_errors,
    waiting_household_update,
    waiting_household_withdraw,
)
from integrering.settlement.testing import make_centre, make_facts, make_request
from integrering.testing import make_user, municipality

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, 0, tzinfo=OSLO), tick=False):
        yield


def duf(serial: int, year: int = 2025) -> str:
    first_ten = f"{year:04d}{serial:06d}"
    return first_ten + duf_check_digits(first_ten)


def person(
    serial: int,
    *,
    born: datetime.date = datetime.date(1988, 5, 1),
    relation: str = Relation.MAIN,
    **values: object,
) -> WaitingPersonInput:
    return WaitingPersonInput(
        given_name=f"Navn{serial}",
        family_name="Venter",
        birth_date=born,
        duf_number=duf(serial),
        permit_type="asylum",
        relation=relation,
        **values,  # type: ignore[arg-type]
    )


def household(
    reference: str = "UDI-1", *members: WaitingPersonInput, **values: object
) -> WaitingHouseholdInput:
    return WaitingHouseholdInput(
        reference=reference,
        members=list(members) or [person(1)],
        **values,  # type: ignore[arg-type]
    )


@pytest.fixture
def ctx() -> AccessContext:
    return AccessContext(user=make_user(username="planlegger"), route="test", method="POST")


# --- Registering ----------------------------------------------------------------------------


def test_a_household_is_registered_with_its_members_and_counts_taken_from_them(
    ctx: AccessContext,
) -> None:
    centre = make_centre()
    created = waiting_household_create(
        ctx=ctx,
        data=household(
            "UDI-100",
            person(1),
            person(2, relation=Relation.SPOUSE, born=datetime.date(1990, 2, 2)),
            person(3, relation=Relation.CHILD, born=datetime.date(2018, 6, 1)),  # 9 in 2027
            person(4, relation=Relation.CHILD, born=datetime.date(2022, 6, 1)),  # 5 in 2027
            reception_centre_id=centre.pk,
            ready_on=datetime.date(2026, 9, 1),
            year=2027,
            adaptation_needs=["wheelchair", "wheelchair"],
            tie_municipality="4601",
            tie_kind="network",
            large_dwelling=True,
        ),
    )
    assert created.status == WaitingStatus.WAITING
    assert created.reception_centre == centre
    assert (created.year, created.ready_on) == (2027, datetime.date(2026, 9, 1))
    assert created.school_children == 1
    assert created.unaccompanied_minors == 0
    assert created.large_dwelling == 1
    assert created.adaptation_needs == ["wheelchair"]
    assert created.required_municipality == municipality("4601")
    assert created.tie_kind == "network"
    assert created.category == "from_reception"
    assert created.version == 1
    assert created.members.count() == 4
    assert created.days_waited(TODAY) == 84


def test_ready_on_defaults_to_the_registration_date_and_the_year_to_its_year(
    ctx: AccessContext,
) -> None:
    created = waiting_household_create(ctx=ctx, data=household())
    assert created.ready_on == TODAY
    assert created.year == 2026
    assert created.days_waited(TODAY) == 0
    assert created.days_waited(TODAY + datetime.timedelta(days=30)) == 30


def test_an_unaccompanied_minor_makes_the_household_one_and_is_counted(ctx: AccessContext) -> None:
    created = waiting_household_create(
        ctx=ctx,
        data=household(
            "EMA-1", person(5, born=datetime.date(2009, 3, 1), unaccompanied_minor=True)
        ),
    )
    assert created.category == "unaccompanied_minor"
    assert created.unaccompanied_minors == 1
    assert created.members.get().unaccompanied_minor


def test_an_unaccompanied_minor_must_be_under_18_when_the_household_is_ready() -> None:
    limit = parameter("grants/unaccompanied_minor_age_limit").at(TODAY)["settled_under"]
    assert limit == 18
    errors = waiting_household_errors(
        household(
            "EMA-2",
            person(6, born=datetime.date(2008, 1, 1), unaccompanied_minor=True),
            ready_on=datetime.date(2026, 6, 1),
        )
    )
    assert errors["members.0.unaccompanied_minor"] == [
        "En enslig mindreårig må være under 18 år når husstanden er klar for bosetting; "
        "personen er 18 år 01.06.2026."
    ]


def test_every_problem_is_reported_at_once_by_field() -> None:
    closed = make_centre()
    closed.closed_on = datetime.date(2026, 1, 1)
    closed.save()
    bad = WaitingPersonInput(
        given_name="",
        family_name="X" * 101,
        birth_date=datetime.date(2027, 1, 1),
        duf_number="202500000199",
        permit_type="",
        relation=Relation.MAIN,
        interpreter_needed=True,
    )
    second_main = replace(person(7), duf_number=duf(7))
    errors = waiting_household_errors(
        WaitingHouseholdInput(
            reference=" ",
            members=[bad, second_main],
            reception_centre_id=closed.pk,
            year=1999,
            adaptation_needs=["other", "flying"],
            tie_municipality="9999",
            category="unaccompanied_minor",
        )
    )
    assert errors == {
        "reference": ["Skriv husstandens referanse, for eksempel UDIs husstandsnummer."],
        "reception_centre": [
            f"{closed.name} ble lagt ned 01.01.2026; velg mottaket husstanden bor på nå."
        ],
        "year": ["Bosettingsåret må være fra 2000 til 2100."],
        "adaptation_needs": [
            "Ukjent behov «flying»; bruk wheelchair, near_hospital, regular_treatment, other."
        ],
        "adaptation_note": ["Beskriv behovet i merknaden når du velger «Annet»."],
        "tie_municipality": ["Kommunenummeret 9999 finnes ikke."],
        "tie_kind": ["Velg om tilknytningen til kommunen er familie eller nettverk."],
        "members.1.relation": ["Husstanden har allerede en hovedperson (person 1)."],
        "members.0.given_name": ["Fornavn må fylles ut."],
        "members.0.family_name": ["Etternavn kan ha høyst 100 tegn."],
        "members.0.birth_date": ["Fødselsdatoen 01.01.2027 er i fremtiden."],
        "members.0.interpreter_language": ["Oppgi tolkespråk når personen trenger tolk."],
        "members.0.permit_type": ["Velg hvilken tillatelse personen har."],
        "members.0.duf_number": [
            "Kontrollsifrene i DUF-nummeret stemmer ikke; sjekk at det er skrevet riktig."
        ],
        "category": [
            "Merk hvem i husstanden som er enslig mindreårig, eller velg en annen gruppe."
        ],
    }


def test_names_with_direction_overrides_and_births_before_1900_are_refused() -> None:
    """Issue 25: the same name and date hygiene as the person register."""
    errors = waiting_household_errors(
        household(
            "HYG-1",
            replace(
                person(8),
                given_name="Ali\u202egnp.exe",
                birth_date=datetime.date(1899, 12, 31),
            ),
        )
    )
    assert errors["members.0.given_name"] == [
        "Fornavn: Navnet kan ikke inneholde kontrolltegn eller tegn som endrer skriveretningen."
    ]
    assert errors["members.0.birth_date"] == ["Datoen kan ikke være før 01.01.1900."]


def test_a_tie_needs_its_kind_and_the_settlement_year_cannot_come_before_it_is_ready() -> None:
    errors = waiting_household_errors(
        household("T-1", tie_kind="family", ready_on=datetime.date(2027, 2, 1), year=2026)
    )
    assert errors == {
        "tie_municipality": [
            "Velg kommunen husstanden har tilknytning til, eller fjern typen tilknytning."
        ],
        "year": [
            "Husstanden er klar for bosetting 01.02.2027; bosettingsåret kan ikke være før 2027."
        ],
    }


def test_only_a_planner_registers(ctx: AccessContext) -> None:
    caseworker = make_user(municipality_number="0301")
    with pytest.raises(PermissionDenied):
        waiting_household_create(ctx=AccessContext(user=caseworker, route="test"), data=household())


# --- The DUF rule -----------------------------------------------------------------------------


def test_a_duf_number_already_waiting_cannot_be_registered_again(ctx: AccessContext) -> None:
    waiting_household_create(ctx=ctx, data=household("A-1", person(10)))
    errors = waiting_household_errors(household("A-2", person(10)))
    assert errors == {
        "members.0.duf_number": [
            "DUF-nummeret står allerede på husstand A-1, som venter på bosetting."
        ]
    }


def test_a_duf_number_already_placed_cannot_be_registered_again(ctx: AccessContext) -> None:
    placed = waiting_household_create(ctx=ctx, data=household("A-3", person(11)))
    WaitingHousehold.objects.filter(pk=placed.pk).update(
        status=WaitingStatus.CONFIRMED, confirmed_municipality=municipality("4601")
    )
    errors = waiting_household_errors(household("A-4", person(11)))
    assert errors["members.0.duf_number"] == [
        "DUF-nummeret står på husstand A-3, som allerede er plassert i Bergen."
    ]


def test_a_duf_number_of_a_settled_person_cannot_be_registered_again() -> None:
    household_register(
        ctx=AccessContext.command("test"),
        municipality=municipality("0301"),
        reference="H-BOSATT",
        members=[
            PersonInput(
                given_name="Bosatt",
                family_name="Person",
                birth_date=datetime.date(1988, 5, 1),
                duf_number=duf(12),
            )
        ],
    )
    errors = waiting_household_errors(household("A-5", person(12)))
    assert errors["members.0.duf_number"] == [
        "DUF-nummeret er allerede registrert i Oslo kommune (husstand H-BOSATT): personen er "
        "bosatt."
    ]


def test_a_duf_number_twice_in_one_household_is_refused_on_the_second_person() -> None:
    errors = waiting_household_errors(
        household("A-6", person(13), person(13, relation=Relation.CHILD))
    )
    assert errors == {
        "members.1.duf_number": ["Det samme DUF-nummeret står også på person 1 i husstanden."]
    }


def test_a_withdrawn_household_may_come_back_with_the_same_duf_numbers(
    ctx: AccessContext,
) -> None:
    first = waiting_household_create(ctx=ctx, data=household("B-1", person(14)))
    waiting_household_withdraw(
        ctx=ctx, household=first, reason=WithdrawalReason.MOVED_OUT, version=1
    )
    again = waiting_household_create(ctx=ctx, data=household("B-2", person(14)))
    assert again.members.get().duf_number == duf(14)
    assert WaitingPerson.objects.filter(duf_number=duf(14)).count() == 2


# --- Changing ---------------------------------------------------------------------------------


def test_a_change_updates_adds_and_removes_members_and_bumps_the_version(
    ctx: AccessContext,
) -> None:
    created = waiting_household_create(
        ctx=ctx,
        data=household("C-1", person(20), person(21, relation=Relation.SPOUSE)),
    )
    first, second = list(created.members.order_by("pk"))
    changed = waiting_household_update(
        ctx=ctx,
        household=created,
        data=household(
            "C-1",
            replace(person(20), id=first.pk, given_name="Nytt"),
            person(22, relation=Relation.CHILD, born=datetime.date(2015, 1, 1)),
            year=2027,
        ),
        version=1,
    )
    assert changed.version == 2
    assert changed.school_children == 1
    names = sorted(changed.members.values_list("given_name", flat=True))
    assert names == ["Navn22", "Nytt"]
    assert not WaitingPerson.objects.filter(pk=second.pk).exists()
    assert changed.members.get(pk=first.pk).given_name == "Nytt"


def test_a_change_over_someone_elses_newer_save_is_refused(ctx: AccessContext) -> None:
    created = waiting_household_create(ctx=ctx, data=household("C-2", person(23)))
    waiting_household_update(
        ctx=ctx, household=created, data=household("C-2", person(23)), version=1
    )
    with pytest.raises(ConflictError) as refused:
        waiting_household_update(
            ctx=ctx, household=created, data=household("C-2b", person(23)), version=1
        )
    assert "Noen andre har lagret endringer i husstanden" in refused.value.messages[0]
    assert WaitingHousehold.objects.get(pk=created.pk).reference == "C-2"


def test_a_member_of_another_household_cannot_be_changed_through_this_one(
    ctx: AccessContext,
) -> None:
    other = waiting_household_create(ctx=ctx, data=household("C-3", person(24)))
    created = waiting_household_create(ctx=ctx, data=household("C-4", person(25)))
    stranger = other.members.get().pk
    with pytest.raises(ValidationError) as refused:
        waiting_household_update(
            ctx=ctx,
            household=created,
            data=household("C-4", replace(person(25), id=stranger)),
            version=1,
        )
    assert refused.value.message_dict == {
        "members.0.id": [f"Personen med id {stranger} hører ikke til husstanden."]
    }


# --- Withdrawing ------------------------------------------------------------------------------


def test_withdrawing_records_the_reason_and_date_and_the_household_can_no_longer_change(
    ctx: AccessContext,
) -> None:
    created = waiting_household_create(
        ctx=ctx, data=household("D-1", person(30), ready_on=datetime.date(2026, 10, 1))
    )
    withdrawn = waiting_household_withdraw(
        ctx=ctx,
        household=created,
        reason=WithdrawalReason.LEFT_COUNTRY,
        note="Reist til Sverige",
        withdrawn_on=datetime.date(2026, 11, 20),
        version=1,
    )
    assert withdrawn.status == WaitingStatus.WITHDRAWN
    assert withdrawn.withdrawal_reason == "left_country"
    assert withdrawn.withdrawal_note == "Reist til Sverige"
    assert withdrawn.withdrawn_by == ctx.user
    assert withdrawn.version == 2
    assert withdrawn.days_waited(TODAY) == 50  # until it was withdrawn
    assert withdrawn.members.get().withdrawn
    with pytest.raises(ValidationError) as refused:
        waiting_household_update(
            ctx=ctx, household=withdrawn, data=household("D-1", person(30)), version=2
        )
    assert refused.value.messages == ["Husstanden ble trukket 20.11.2026 og kan ikke endres."]


def test_withdrawing_needs_a_reason_a_note_for_other_and_no_future_date(
    ctx: AccessContext,
) -> None:
    created = waiting_household_create(ctx=ctx, data=household("D-2", person(31)))
    with pytest.raises(ValidationError) as refused:
        waiting_household_withdraw(
            ctx=ctx,
            household=created,
            reason="other",
            withdrawn_on=datetime.date(2026, 12, 1),
            version=1,
        )
    assert refused.value.message_dict == {
        "note": ["Beskriv årsaken i merknaden når du velger «Annet»."],
        "withdrawn_on": ["Datoen kan ikke være fram i tid (i dag er 24.11.2026)."],
    }
    with pytest.raises(ValidationError) as refused:
        waiting_household_withdraw(ctx=ctx, household=created, reason="", version=1)
    assert refused.value.message_dict == {"reason": ["Velg hvorfor husstanden trekkes."]}
    assert WaitingHousehold.objects.get(pk=created.pk).status == WaitingStatus.WAITING


def test_a_confirmed_household_cannot_be_withdrawn(ctx: AccessContext) -> None:
    created = waiting_household_create(ctx=ctx, data=household("D-3", person(32)))
    WaitingHousehold.objects.filter(pk=created.pk).update(
        status=WaitingStatus.CONFIRMED, confirmed_municipality=municipality("0301")
    )
    with pytest.raises(ValidationError) as refused:
        waiting_household_withdraw(ctx=ctx, household=created, reason="moved_out", version=1)
    assert refused.value.messages == [
        "Husstanden er allerede plassert i Oslo og overført til kommunen; den kan ikke endres "
        "eller trekkes her."
    ]


# --- The matcher leaves a withdrawn household out ---------------------------------------------


def _decided(number: str = "0301", decided: int = 40) -> None:
    make_facts(number, year=2026, results_score="60")
    make_request(number, year=2026, requested=decided, decided=decided)


def test_a_withdrawn_household_is_not_placed_by_the_matcher(ctx: AccessContext) -> None:
    _decided()
    staying = waiting_household_create(ctx=ctx, data=household("M-1", person(40)))
    leaving = waiting_household_create(ctx=ctx, data=household("M-2", person(41)))
    waiting_household_withdraw(ctx=ctx, household=leaving, reason="moved_out", version=1)
    run = match_run_start(ctx=ctx, year=2026, time_limit=10)
    computed = match_run_compute(run_id=run.pk)
    assert computed is not None
    placed = {p.household_id: p.municipality_id for p in computed.placements.all()}
    assert placed == {staying.pk: municipality("0301").pk}


def test_a_household_withdrawn_after_a_run_cannot_be_placed_by_hand_nor_kept_locked(
    ctx: AccessContext,
) -> None:
    _decided()
    _decided("4601")
    first = waiting_household_create(ctx=ctx, data=household("M-3", person(42)))
    waiting_household_create(ctx=ctx, data=household("M-4", person(43)))
    run = match_run_compute(run_id=match_run_start(ctx=ctx, year=2026, time_limit=10).pk)
    assert run is not None
    placement = run.placements.get(household=first)
    placement_change(
        ctx=ctx, placement=placement, municipality=None, locked=True, version=placement.version
    )
    placement.refresh_from_db()
    withdrawn = waiting_household_withdraw(
        ctx=ctx, household=first, reason="settled_self", version=1
    )
    other = (
        municipality("4601")
        if placement.municipality_id != municipality("4601").pk
        else municipality("0301")
    )
    with pytest.raises(ValidationError) as refused:
        placement_change(
            ctx=ctx, placement=placement, municipality=other, locked=True, version=placement.version
        )
    assert refused.value.messages == [
        f"Husstanden ble trukket {withdrawn.withdrawn_on:%d.%m.%Y} (bosatt på egen hånd) og kan "
        "ikke plasseres."
    ]
    again = match_run_compute(
        run_id=match_run_start(ctx=ctx, year=2026, time_limit=10, previous=run).pk
    )
    assert again is not None
    assert not again.placements.filter(household=first).exists()
    assert MatchRun.objects.count() == 2


# --- Reading and the audit --------------------------------------------------------------------


def test_every_write_and_read_of_a_waiting_person_is_audited(ctx: AccessContext) -> None:
    created = waiting_household_create(
        ctx=ctx, data=household("E-1", person(50), person(51, relation=Relation.CHILD))
    )
    ids = sorted(created.members.values_list("pk", flat=True))
    events = AuditEvent.objects.filter(username="planlegger")
    created_events = events.filter(action=AuditAction.CREATE)
    assert sorted(created_events.values_list("detail", flat=True)) == [
        f"venteperson {pk} i husstand E-1: registrert som venter på bosetting" for pk in ids
    ]
    waiting_household_read(ctx=ctx, pk=created.pk)
    assert events.filter(action=AuditAction.READ, allowed=True).count() == 2
    waiting_household_withdraw(ctx=ctx, household=created, reason="moved_out", version=1)
    updates = events.filter(action=AuditAction.UPDATE)
    assert sorted(updates.values_list("detail", flat=True)) == [
        f"venteperson {pk} i husstand E-1: trukket (flyttet ut av mottaket)" for pk in ids
    ]


def test_anyone_but_a_planner_gets_404_on_a_household_and_the_attempt_is_audited(
    ctx: AccessContext,
) -> None:
    created = waiting_household_create(ctx=ctx, data=household("E-2", person(52)))
    caseworker = make_user(municipality_number="0301", username="saksbehandler")
    with pytest.raises(NotFound):
        waiting_household_read(ctx=AccessContext(user=caseworker, route="test"), pk=created.pk)
    denied = AuditEvent.objects.get(username="saksbehandler")
    assert (denied.allowed, denied.action) == (False, AuditAction.READ)
    assert denied.detail == f"husstand som venter på bosetting {created.pk}"


def test_the_list_filters_by_status_centre_need_and_search(ctx: AccessContext) -> None:
    centre = make_centre()
    a = waiting_household_create(
        ctx=ctx,
        data=household(
            "F-1",
            person(60),
            reception_centre_id=centre.pk,
            adaptation_needs=["near_hospital"],
            ready_on=datetime.date(2026, 5, 1),
        ),
    )
    b = waiting_household_create(ctx=ctx, data=household("F-2", person(61), large_dwelling=True))
    c = waiting_household_create(ctx=ctx, data=household("F-3", person(62)))
    waiting_household_withdraw(ctx=ctx, household=c, reason="moved_out", version=1)

    def refs(**filters: object) -> list[str]:
        listed = waiting_households_listed(ctx=ctx, **filters)  # type: ignore[arg-type]
        return [h.reference for h in listed]

    assert refs() == ["F-1", "F-2"]  # longest waiting first; withdrawn left out
    assert refs(status="all") == ["F-1", "F-2", "F-3"]
    assert refs(status="withdrawn") == ["F-3"]
    assert refs(centre=centre) == ["F-1"]
    assert refs(need="near_hospital") == ["F-1"]
    assert refs(need="any") == ["F-1"]
    assert refs(need="large_dwelling") == ["F-2"]
    assert refs(query="navn61") == ["F-2"]
    assert refs(query=duf(60)) == ["F-1"]
    assert {a.pk, b.pk} == {h.pk for h in waiting_households_listed(ctx=ctx)}
