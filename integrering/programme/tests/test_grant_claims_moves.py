"""The grants follow the person from the moving date (seed 002 §2.1, issue 22 item 6): the
Norwegian training person grant and the grant for unaccompanied minors are split by days at the
moving date like the integration grant; the Norwegian training base grant counts the person where
they lived on the count date (15 January)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from integrering.audit.services import AccessContext
from integrering.casework.models import TransferConsentMethod
from integrering.casework.services.transfers import (
    TransferInput,
    case_transfer_accept,
    case_transfer_propose,
)
from integrering.people.models import Category, Household, Person
from integrering.programme.services.grant_claims import (
    NORWEGIAN_GRANT,
    UNACCOMPANIED,
    GrantClaim,
    grant_claim_compute,
)
from integrering.testing import make_household, make_user, municipality

D = datetime.date
OSLO, BERGEN = "0301", "4601"
NO_HIGH_2 = Decimal(62_300)  # seed 002 §3.1: year 2, high rate, 2018


def _move(household: Household, moved_on: datetime.date) -> None:
    old = make_user(municipality_number=OSLO, username="old")
    new = make_user(municipality_number=BERGEN, username="new")
    transfer = case_transfer_propose(
        ctx=AccessContext(user=old, route="test"),
        household=household,
        to_municipality=municipality(BERGEN),
        data=TransferInput(
            moved_on=moved_on,
            consent_on=moved_on - datetime.timedelta(days=30),
            consent_method=TransferConsentMethod.SIGNED,
        ),
    )
    case_transfer_accept(ctx=AccessContext(user=new, route="test"), transfer=transfer, version=1)


def _adult(settled_on: datetime.date, **fields: object) -> Person:
    household = make_household(municipality_number=OSLO, members=1, settled_on=settled_on)
    person = household.members.get()
    for name, value in {"birth_date": D(1988, 1, 1), "citizenship": "Syria", **fields}.items():
        setattr(person, name, value)
    person.save()
    return person


def _claim(number: str, grant: str, year: int = 2018) -> GrantClaim:
    return grant_claim_compute(municipality=municipality(number), budget_year=year, grants=[grant])


def _person_lines(claim: GrantClaim, person: Person) -> list[Decimal]:
    return [line.amount for line in claim.sections[0].lines if line.person_id == person.pk]


def test_the_norwegian_person_grant_is_split_at_the_moving_date_with_figures(db: None) -> None:
    """Settled 01.03.2017, 2018 is year 2, high rate 62 300. Moving 01.07.2018: Oslo has 181 of
    365 days, 62 300 x 181 / 365 = 30 893,97 -> 30 894; Bergen the rest, 31 406."""
    person = _adult(D(2017, 3, 1))
    assert _person_lines(_claim(OSLO, NORWEGIAN_GRANT), person) == [NO_HIGH_2]
    _move(person.household, D(2018, 7, 1))
    oslo, bergen = _claim(OSLO, NORWEGIAN_GRANT), _claim(BERGEN, NORWEGIAN_GRANT)
    assert _person_lines(oslo, person) == [Decimal(30_894)]
    assert _person_lines(bergen, person) == [Decimal(31_406)]
    (line,) = [x for x in oslo.sections[0].lines if x.person_id == person.pk]
    assert "181 av 365 dager" in line.note


def test_the_base_grant_counts_the_person_where_they_lived_on_the_count_date(db: None) -> None:
    """Living in Oslo on 15.01.2018 and moving 01.07.2018: Oslo counts the person for the base
    grant (1-3 persons: 185 000), Bergen does not; a move on 15.01 counts for Bergen."""
    person = _adult(D(2017, 3, 1))
    _move(person.household, D(2018, 7, 1))
    bases = {
        number: [
            x.amount
            for x in _claim(number, NORWEGIAN_GRANT).sections[0].lines
            if x.kind == "base_grant"
        ]
        for number in (OSLO, BERGEN)
    }
    assert bases == {OSLO: [Decimal(185_000)], BERGEN: []}


def test_a_move_on_the_count_date_counts_for_the_new_municipality(db: None) -> None:
    person = _adult(D(2017, 3, 1))
    _move(person.household, D(2018, 1, 15))
    bergen = _claim(BERGEN, NORWEGIAN_GRANT).sections[0].lines
    assert [x.amount for x in bergen if x.kind == "base_grant"] == [Decimal(185_000)]
    oslo = _claim(OSLO, NORWEGIAN_GRANT).sections[0].lines
    assert [x.amount for x in oslo if x.kind == "base_grant"] == []
    # 14 of 365 days in Oslo (01.01-14.01): 62 300 x 14 / 365 = 2 389,59 -> 2 390.
    assert _person_lines(_claim(OSLO, NORWEGIAN_GRANT), person) == [Decimal(2_390)]


def test_the_grant_for_an_unaccompanied_minor_follows_the_minor_from_the_moving_date(
    db: None,
) -> None:
    """Settled 01.03.2021 at 14, moving 01.07.2023: split by days like the integration grant,
    Oslo 181 of 365 days of 2023, Bergen the rest; the parts add up to the year's grant."""
    minor = _adult(D(2021, 3, 1), birth_date=D(2006, 5, 5), category=Category.UNACCOMPANIED_MINOR)
    (whole,) = _person_lines(_claim(OSLO, UNACCOMPANIED, 2023), minor)
    assert whole > 0
    _move(minor.household, D(2023, 7, 1))
    oslo, bergen = _claim(OSLO, UNACCOMPANIED, 2023), _claim(BERGEN, UNACCOMPANIED, 2023)
    expected = (whole * 181 / 365).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert expected not in (0, whole)
    assert _person_lines(oslo, minor) == [expected]
    assert _person_lines(bergen, minor) == [whole - expected]
    (line,) = [x for x in oslo.sections[0].lines if x.person_id == minor.pk]
    assert "Flyttet fra Oslo til Bergen 01.07.2023" in line.note
