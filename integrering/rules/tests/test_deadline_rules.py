"""The arrival rules: deadline dates, target groups, notices (parameters deadlines/casework and deadlines/arrival)."""

from __future__ import annotations

import datetime

import pytest

from integrering.rules.deadlines import (
    PersonFacts,
    add_months,
    arrival_deadlines,
    deadline_due,
    deadline_start,
    first_team_meeting_date,
    in_group,
    notice_applies_to,
)
from integrering.rules.parameters import RulesError

D = datetime.date
SETTLED = D(2025, 3, 10)


def kinds(facts: PersonFacts, settled: datetime.date = SETTLED) -> set[str]:
    return {d.kind for d in arrival_deadlines(facts, settled_on=settled, arrived_on=None)}


def test_three_months_after_the_last_day_of_november_is_the_last_day_of_february() -> None:
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2023, 11, 30), 3) == D(2024, 2, 29)
    assert add_months(D(2025, 10, 31), 1) == D(2025, 11, 30)


def test_the_team_meeting_is_due_three_months_and_the_appeal_three_weeks_after_the_start() -> None:
    assert deadline_due("team_first_meeting", D(2025, 1, 15)) == D(2025, 4, 15)
    assert deadline_due("appeal", D(2025, 1, 15)) == D(2025, 2, 5)
    assert deadline_due("disability_grant_application", D(2025, 1, 15)) == D(2026, 2, 15)
    assert deadline_due("introduction_register", D(2025, 1, 15)) == D(2025, 3, 15)


def test_an_unknown_deadline_kind_is_refused() -> None:
    with pytest.raises(RulesError):
        deadline_due("nonsense", D(2025, 1, 1))


def test_school_age_starts_in_the_year_the_child_turns_six() -> None:
    five_this_year = PersonFacts(birth_date=D(2020, 12, 31), category="from_reception")
    six_this_year = PersonFacts(birth_date=D(2019, 12, 31), category="from_reception")
    assert not in_group("school", five_this_year, SETTLED)
    assert in_group("kindergarten", five_this_year, SETTLED)
    assert in_group("school", six_this_year, SETTLED)
    assert not in_group("kindergarten", six_this_year, SETTLED)


def test_a_baby_under_one_gets_neither_school_nor_kindergarten_deadline() -> None:
    baby = PersonFacts(birth_date=D(2024, 6, 1), category="from_reception")
    assert kinds(baby) == {"health_examination"}


def test_an_adult_of_thirty_gets_the_programme_training_team_and_health_deadlines() -> None:
    adult = PersonFacts(birth_date=D(1995, 1, 1), category="transfer_refugee")
    assert kinds(adult) == {
        "team_first_meeting",
        "health_examination",
        "norwegian_training_start",
        "programme_decision",
        "introduction_register",
    }


def test_a_sixty_year_old_is_past_the_programme_but_within_norwegian_training() -> None:
    sixty = PersonFacts(birth_date=D(1964, 6, 1), category="from_reception")
    assert "programme_decision" not in kinds(sixty)
    assert "norwegian_training_start" in kinds(sixty)


def test_a_person_with_a_disability_gets_the_grant_application_deadline() -> None:
    facts = PersonFacts(birth_date=D(1995, 1, 1), category="from_reception", disability=True)
    duties = {d.kind: d for d in arrival_deadlines(facts, settled_on=SETTLED, arrived_on=None)}
    assert duties["disability_grant_application"].due == D(2026, 4, 10)
    assert duties["disability_grant_application"].service == "refugee_service"


def test_the_health_examination_counts_from_arrival_when_known() -> None:
    facts = PersonFacts(birth_date=D(1995, 1, 1), category="from_reception")
    duties = {
        d.kind: d for d in arrival_deadlines(facts, settled_on=SETTLED, arrived_on=D(2024, 12, 1))
    }
    assert duties["health_examination"].due == D(2025, 3, 1)
    assert duties["team_first_meeting"].due == D(2025, 6, 10)


def test_child_welfare_is_notified_only_of_unaccompanied_minors() -> None:
    minor = PersonFacts(birth_date=D(2008, 5, 5), category="unaccompanied_minor")
    child = PersonFacts(birth_date=D(2008, 5, 5), category="family_reunification")
    assert notice_applies_to("child_welfare", minor, SETTLED)
    assert not notice_applies_to("child_welfare", child, SETTLED)
    assert "team_first_meeting" in kinds(minor)
    assert "team_first_meeting" not in kinds(child)


def test_the_first_team_meeting_is_set_up_within_its_deadline() -> None:
    meeting = first_team_meeting_date(SETTLED)
    assert SETTLED < meeting <= deadline_due("team_first_meeting", SETTLED)
    assert meeting == D(2025, 4, 7)


def _due(kind: str, facts: PersonFacts, **kwargs: object) -> datetime.date:
    duties = arrival_deadlines(facts, settled_on=SETTLED, arrived_on=None, **kwargs)  # type: ignore[arg-type]
    return next(d.due for d in duties if d.kind == kind)


def test_a_kindergarten_place_is_due_at_the_programme_start_if_it_comes_first() -> None:
    """Seed 002: «innen oppstart av introduksjonsprogrammet, senest innen 3 måneder etter
    bosetting»: whichever comes first."""
    child = PersonFacts(birth_date=D(2022, 5, 1), category="from_reception")
    assert _due("kindergarten_place", child) == D(2025, 6, 10)
    early = {"programme_start": D(2025, 5, 1)}
    assert _due("kindergarten_place", child, events=early) == D(2025, 5, 1)
    late = {"programme_start": D(2025, 6, 11)}
    assert _due("kindergarten_place", child, events=late) == D(2025, 6, 10)
    on_the_day = {"programme_start": D(2025, 6, 10)}
    assert _due("kindergarten_place", child, events=on_the_day) == D(2025, 6, 10)
    # A programme start before the settlement (not possible, but never before the start).
    assert _due("kindergarten_place", child, events={"programme_start": D(2025, 1, 1)}) == SETTLED
    # No other deadline moves with the programme start.
    adult = PersonFacts(birth_date=D(1990, 1, 1), category="from_reception")
    assert _due("team_first_meeting", adult, events=early) == D(2025, 6, 10)


def test_norwegian_training_counts_from_the_population_register_where_the_date_is_known() -> None:
    """Seed 004: «innen 3 måneder etter at personen er folkeregistrert i kommunen»."""
    adult = PersonFacts(birth_date=D(1990, 1, 1), category="from_reception")
    assert _due("norwegian_training_start", adult) == D(2025, 6, 10)
    registered = D(2025, 3, 24)
    assert _due("norwegian_training_start", adult, registered_on=registered) == D(2025, 6, 24)
    # The other deadlines still count from the settlement.
    assert _due("programme_decision", adult, registered_on=registered) == D(2025, 6, 10)
    assert (
        deadline_start("norwegian_training_start", settled_on=SETTLED, registered_on=None)
        == SETTLED
    )
