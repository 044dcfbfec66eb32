"""Grant claims: the integration grant, the Norwegian training grant and the covid integration-
package report of a municipality and budget year, checked against amounts computed by hand from
seed 002's 2018 rates and seed 003's package grants; the pages, exports, API and command."""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from conftest import World, client_for
from integrering.accounts.roles import Role
from integrering.audit.models import AuditAction, AuditEvent
from integrering.organisations.models import Municipality, RefugeeServiceCooperation
from integrering.people.identity import synthetic_identity_number
from integrering.people.models import Category, Household, Person
from integrering.programme.models import Extension, ExtensionKind, Participation
from integrering.programme.services.extensions import (
    ExtensionInput,
    NorwegianExtensionInput,
    norwegian_extension_grant,
    programme_extend,
)
from integrering.programme.services.grant_claims import (
    INTEGRATION,
    NORWEGIAN_GRANT,
    PACKAGES,
    SUM_ORDER,
    UNACCOMPANIED,
    GrantClaim,
    grant_claim_compute,
)
from integrering.programme.testing import CTX, make_participation
from integrering.rules.grant_codes import grant_codes
from integrering.testing import make_household, make_user

D = datetime.date
OSLO = "0301"
RNG = random.Random(2018)

# Seed 002 §3.1, the 2018 rates, written out by hand.
SINGLE_ADULT, ADULT, CHILD, EMA = 237_000, 187_000, 187_000, 187_000
KINDERGARTEN, ELDERLY = 25_800, 164_200
YEAR_2, YEAR_3, YEAR_4, YEAR_5 = 239_000, 171_000, 85_500, 71_600
NO_LOW_1, NO_HIGH_1 = 13_600, 31_900
NO_LOW_2, NO_HIGH_2 = 24_100, 62_300
NO_LOW_3, NO_HIGH_3 = 15_000, 43_350
BASE_1_3, BASE_4_150 = 185_000, 575_000


def _household(
    settled_on: datetime.date, people: list[tuple[datetime.date, str]], **kwargs: object
) -> list[Person]:
    """A household of Oslo settled on a date, with the given (birth date, citizenship) members."""
    household = make_household(municipality_number=OSLO, members=1, settled_on=settled_on)
    members = [household.members.get()]
    for i, (born, _) in enumerate(people[1:], start=2):
        members.append(
            Person.objects.create(
                household=household,
                municipality=household.municipality,
                given_name=f"Person{i}",
                family_name=members[0].family_name,
                birth_date=born,
                identity_number=synthetic_identity_number(born, RNG),
            )
        )
    for person, (born, citizenship) in zip(members, people, strict=True):
        person.birth_date = born
        person.citizenship = citizenship
        for name, value in kwargs.items():
            setattr(person, name, value)
        person.save()
    return members


@pytest.fixture
def oslo(world: World) -> dict[str, list[Person]]:
    """Households settled 2013-2018 in Oslo (the world's own household was settled in 2024)."""
    a = _household(D(2018, 3, 1), [(D(1988, 1, 1), "Syria")])
    b = _household(
        D(2018, 6, 1),
        [
            (D(1980, 5, 5), "Eritrea"),
            (D(1955, 2, 2), "USA"),  # 63 at settlement: elderly one-off; low Norwegian rate
            (D(2014, 9, 9), "Eritrea"),  # 3: kindergarten one-off
            (D(2008, 1, 1), "Eritrea"),
        ],
    )
    c = _household(
        D(2016, 5, 1),
        [(D(1990, 1, 1), "Syria"), (D(1992, 2, 2), "Syria"), (D(1991, 3, 3), "")],
    )
    # The third came by family reunification on her own date; she has no citizenship recorded.
    c[2].settled_on = D(2017, 8, 1)
    c[2].category = Category.FAMILY_REUNIFICATION
    c[2].save()
    # A child born in Norway after the household settled: not a settled person, no grant.
    born_here = Person.objects.create(
        household=c[0].household,
        municipality=c[0].municipality,
        given_name="Født",
        family_name="Her",
        birth_date=D(2017, 1, 1),
    )
    d = _household(D(2014, 1, 10), [(D(1985, 1, 1), "Syria"), (D(1987, 1, 1), "Syria")])
    e = _household(D(2013, 12, 1), [(D(1975, 1, 1), "Syria")])  # year 6 in 2018: no grant
    f = _household(
        D(2018, 2, 1), [(D(2001, 5, 5), "Afghanistan")], category=Category.UNACCOMPANIED_MINOR
    )
    g = _household(
        D(2018, 3, 1),
        # 67 at settlement (68 the next day) has the right to Norwegian training; 68 does not.
        [(D(1950, 3, 2), "Syria"), (D(1950, 3, 1), "Syria")],
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "born_here": [born_here]}


def _claim(year: int = 2018, **kwargs: object) -> GrantClaim:
    return grant_claim_compute(
        municipality=Municipality.objects.get(number=OSLO, valid_to__isnull=True),
        budget_year=year,
        **kwargs,  # type: ignore[arg-type]
    )


def _amounts(claim: GrantClaim, grant: str) -> dict[tuple[int | None, str], Decimal]:
    section = claim.section(grant)
    assert section is not None
    return {(line.person_id, line.kind): line.amount for line in section.lines}


# --- Integration grant ---------------------------------------------------------------------


def test_the_integration_grant_has_a_line_per_person_and_kind_with_hand_computed_amounts(
    oslo: dict[str, list[Person]],
) -> None:
    claim = _claim(grants=[INTEGRATION])
    lines = _amounts(claim, INTEGRATION)
    a, b, c, d, f, g = (oslo[k] for k in "abcdfg")
    expected = {
        (a[0].pk, "single_adult"): SINGLE_ADULT,
        (b[0].pk, "adult"): ADULT,
        (b[1].pk, "adult"): ADULT,
        (b[1].pk, "elderly_one_off"): ELDERLY,
        (b[2].pk, "child"): CHILD,
        (b[2].pk, "kindergarten_one_off"): KINDERGARTEN,
        (b[3].pk, "child"): CHILD,
        (c[0].pk, "year_3"): YEAR_3,
        (c[1].pk, "year_3"): YEAR_3,
        (c[2].pk, "year_2"): YEAR_2,  # reunified 2017: counts from her own date
        (d[0].pk, "year_5"): YEAR_5,
        (d[1].pk, "year_5"): YEAR_5,
        (f[0].pk, "unaccompanied_minor"): EMA,
        (g[0].pk, "adult"): ADULT,
        (g[0].pk, "elderly_one_off"): ELDERLY,
        (g[1].pk, "adult"): ADULT,
        (g[1].pk, "elderly_one_off"): ELDERLY,
    }
    assert lines == {key: Decimal(amount) for key, amount in expected.items()}
    section = claim.section(INTEGRATION)
    assert section is not None
    assert section.total == Decimal(sum(expected.values())) == Decimal(2_788_600)
    assert section.one_off_total == Decimal(KINDERGARTEN + 3 * ELDERLY)
    sums = {s.kind: (s.count, s.amount) for s in section.sums}
    assert sums["adult"] == (4, Decimal(4 * ADULT))
    assert sums["elderly_one_off"] == (3, Decimal(3 * ELDERLY))
    assert sums["year_3"] == (2, Decimal(2 * YEAR_3))
    # Nobody of the household settled in 2013 (year 6), the child born here, or the world's
    # household settled in 2024.
    listed = {line.person_id for line in section.lines}
    assert oslo["e"][0].pk not in listed
    assert oslo["born_here"][0].pk not in listed
    # The person behind each line: name, birth date, number, household, settlement, year.
    line = next(x for x in section.lines if x.person_id == c[2].pk)
    assert line.settled_on == D(2017, 8, 1)
    assert line.year_after_settlement == 2
    assert line.household_reference == c[2].household.reference
    assert line.identity_number == c[2].identity_number


def test_an_unaccompanied_minor_aged_18_is_a_problem_not_a_crash(world: World) -> None:
    [person] = _household(
        D(2018, 2, 1), [(D(2000, 1, 1), "Syria")], category=Category.UNACCOMPANIED_MINOR
    )
    section = _claim(grants=[INTEGRATION]).section(INTEGRATION)
    assert section is not None
    assert not [line for line in section.lines if line.person_id == person.pk]
    assert any("enslig mindreårig må være under 18" in p for p in section.problems)


def test_a_reunified_adult_alone_in_year_1_is_flagged_for_the_single_adult_rate(
    world: World,
) -> None:
    first, spouse = _household(D(2017, 5, 1), [(D(1980, 1, 1), "Syria"), (D(1982, 1, 1), "Syria")])
    spouse.settled_on = D(2018, 4, 1)
    spouse.category = Category.FAMILY_REUNIFICATION
    spouse.save()
    section = _claim(grants=[INTEGRATION]).section(INTEGRATION)
    assert section is not None
    lines = {line.person_id: line for line in section.lines}
    assert (lines[first.pk].kind, lines[first.pk].amount) == ("year_2", Decimal(YEAR_2))
    assert (lines[spouse.pk].kind, lines[spouse.pk].amount) == (
        "single_adult",
        Decimal(SINGLE_ADULT),
    )
    assert "kontroller satsen" in lines[spouse.pk].note
    assert any(spouse.full_name in p for p in section.problems)


@pytest.mark.parametrize("year", [2019, 2017])
def test_a_budget_year_without_rates_gives_a_clear_message_per_grant(
    oslo: dict[str, list[Person]], year: int
) -> None:
    claim = _claim(year)
    for grant in (INTEGRATION, NORWEGIAN_GRANT):
        section = claim.section(grant)
        assert section is not None
        assert not section.lines
        assert "ingen" in section.message and "verdi" in section.message, section.message
    assert claim.total == 0


# --- Norwegian training grant ----------------------------------------------------------------


def test_the_norwegian_grant_has_low_and_high_rates_years_1_to_3_and_the_base_grant(
    oslo: dict[str, list[Person]],
) -> None:
    claim = _claim(grants=[NORWEGIAN_GRANT])
    lines = _amounts(claim, NORWEGIAN_GRANT)
    a, b, c, g = (oslo[k] for k in "abcg")
    expected = {
        (a[0].pk, "high_year_1"): NO_HIGH_1,
        (b[0].pk, "high_year_1"): NO_HIGH_1,
        (b[1].pk, "low_year_1"): NO_LOW_1,  # USA: the low rate
        (c[0].pk, "high_year_3"): NO_HIGH_3,
        (c[1].pk, "high_year_3"): NO_HIGH_3,
        (c[2].pk, "high_year_2"): NO_HIGH_2,  # no citizenship recorded: high, flagged
        (g[0].pk, "high_year_1"): NO_HIGH_1,  # 67 at settlement
        # Only household C was settled by 15 January 2018: 3 persons, the 1-3 band.
        (None, "base_grant"): BASE_1_3,
    }
    assert lines == {key: Decimal(amount) for key, amount in expected.items()}
    section = claim.section(NORWEGIAN_GRANT)
    assert section is not None
    assert section.total == Decimal(sum(expected.values())) == Decimal(443_300)
    # Children, the 16-year-old minor, the 68-year-old and year 5 have no Norwegian grant.
    for person in (b[2], b[3], oslo["f"][0], g[1], oslo["d"][0]):
        assert not [x for x in section.lines if x.person_id == person.pk]
    assert any("mangler statsborgerskap" in p for p in section.problems)
    base = next(x for x in section.lines if x.kind == "base_grant")
    assert "3 personer med rett per 15.01.2018" in base.label


def test_four_persons_on_the_count_date_give_the_high_base_grant(world: World) -> None:
    _household(D(2017, 4, 1), [(D(1980, 1, 1), "Syria"), (D(1981, 1, 1), "Syria")])
    _household(D(2018, 1, 15), [(D(1982, 1, 1), "Sverige"), (D(1983, 1, 1), "Sverige")])
    _household(D(2018, 1, 16), [(D(1984, 1, 1), "Syria")])  # the day after the count date
    lines = _amounts(_claim(grants=[NORWEGIAN_GRANT]), NORWEGIAN_GRANT)
    assert lines[(None, "base_grant")] == Decimal(BASE_4_150)
    assert sorted(k for (_, k) in lines if k != "base_grant") == sorted(
        ["high_year_2", "high_year_2", "low_year_1", "low_year_1", "high_year_1"]
    )
    assert sum(v for (_, k), v in lines.items() if k == "low_year_1") == Decimal(2 * NO_LOW_1)


# --- Integration packages (seed 003) ---------------------------------------------------------


def _adult(family: str, born: datetime.date) -> Person:
    household = make_household(municipality_number=OSLO, members=1, family_name=family)
    person = household.members.get()
    person.birth_date = born
    person.save()
    return person


def _start(person: Person, starts_on: datetime.date) -> Participation:
    return make_participation(
        person,
        starts_on=starts_on,
        final_goal="any",
        planned_months=24,
        permit_date=starts_on - datetime.timedelta(days=40),
    )


def _extend(participation: Participation, months: int, **kwargs: object) -> Extension:
    return programme_extend(
        ctx=CTX,
        participation=participation,
        data=ExtensionInput(
            months=months,
            assessment="Trenger mer tid for å nå sluttmålet etter nedstengningen.",
            expected_to_reach_goal=True,
            **kwargs,  # type: ignore[arg-type]
        ),
    )


@pytest.fixture
def packages(world: World) -> dict[str, Participation]:
    # Package II: started 2019-03-01, planned to 2021-02-28, so in the programme on 2021-01-01.
    two = _start(_adult("Pakketo", D(1990, 1, 1)), D(2019, 3, 1))
    Participation.objects.filter(pk=two.pk).update(norwegian_training_ends_on=D(2021, 3, 15))
    two.refresh_from_db()
    package = {"integration_package": True, "needed_for_work_or_education": True}
    assert _extend(two, 4, **package).integration_package == "II"
    assert _extend(two, 3, kind=ExtensionKind.NORWEGIAN_TRAINING).integration_package == "II"
    # Package III: started 2019-09-01, in the programme on 2021-07-01.
    three = _start(_adult("Pakketre", D(1991, 1, 1)), D(2019, 9, 1))
    assert _extend(three, 2, **package).integration_package == "III"
    # Outside the windows: started 2020-03-01; an ordinary extension, and one wrongly recorded
    # as package II (not through the service), which the report checks and leaves out.
    outside = _start(_adult("Utenfor", D(1992, 1, 1)), D(2020, 3, 1))
    _extend(outside, 2)
    Extension.objects.create(
        participation=outside,
        kind=ExtensionKind.PROGRAMME,
        months=2,
        from_on=D(2022, 3, 1),
        assessment="Registrert feil",
        integration_package="II",
    )
    return {"two": two, "three": three, "outside": outside}


def test_the_package_report_lists_participants_in_the_windows_with_the_grant_due(
    packages: dict[str, Participation],
) -> None:
    claim = _claim(2021, grants=[PACKAGES])
    section = claim.section(PACKAGES)
    assert section is not None
    assert not section.message
    rows = {(line.person_id, line.package, line.measure): line for line in section.lines}
    two, three, outside = packages["two"], packages["three"], packages["outside"]
    assert set(rows) == {
        (two.person_id, "II", ExtensionKind.PROGRAMME),
        (two.person_id, "II", ExtensionKind.NORWEGIAN_TRAINING),
        (three.person_id, "III", ExtensionKind.PROGRAMME),
    }
    assert rows[(two.person_id, "II", ExtensionKind.PROGRAMME)].amount == Decimal(45_000)
    assert rows[(two.person_id, "II", ExtensionKind.PROGRAMME)].months == 4
    assert rows[(two.person_id, "II", ExtensionKind.NORWEGIAN_TRAINING)].amount == Decimal(8_000)
    assert rows[(two.person_id, "II", ExtensionKind.NORWEGIAN_TRAINING)].months == 3
    assert section.total == Decimal(45_000 + 8_000 + 45_000)
    sums = {s.label: s.amount for s in section.sums}
    assert sums == {
        "Pakke II, utvidet programtid": Decimal(45_000),
        "Pakke II, utvidet opplæring i norsk": Decimal(8_000),
        "Pakke III, utvidet programtid": Decimal(45_000),
    }
    assert outside.person_id not in {line.person_id for line in section.lines}
    assert any("Utenfor" in p and "utenfor pakkenes vinduer" in p for p in section.problems)


def test_the_packages_belong_to_budget_year_2021(packages: dict[str, Participation]) -> None:
    section = _claim(2020, grants=[PACKAGES]).section(PACKAGES)
    assert section is not None
    assert not section.lines
    assert "2021" in section.message


def test_norwegian_training_extended_outside_the_programme_is_claimed_under_package_ii(
    world: World, packages: dict[str, Participation]
) -> None:
    """Seed 003, by hand: a person of Oslo with no programme finished Norwegian training on
    15.03.2021, inside package II's window (ended 01.01.2021 to 01.07.2021), with the right and
    duty under introduksjonsloven § 17 første ledd, and was given 2 months more. Extended
    Norwegian training is not needs-tested and gives 8 000 per participant: one line of 8 000.
    With the fixture's package II participant (8 000 for Norwegian, 45 000 for programme time)
    and package III participant (45 000), the package II Norwegian sum is 2 x 8 000 = 16 000 and
    the section 8 000 + 8 000 + 45 000 + 45 000 = 106 000."""
    person = _adult("Barenorsk", D(1993, 1, 1))
    extension = norwegian_extension_grant(
        ctx=CTX,
        person=person,
        data=NorwegianExtensionInput(
            months=2,
            assessment="To måneder til før prøven.",
            norwegian_training_ends_on=D(2021, 3, 15),
            right_and_duty=True,
        ),
    )
    assert extension.participation is None and extension.integration_package == "II"
    assert not Participation.objects.filter(person=person).exists()

    section = _claim(2021, grants=[PACKAGES]).section(PACKAGES)
    assert section is not None
    [line] = [line for line in section.lines if line.person_id == person.pk]
    assert (line.package, line.measure, line.months) == ("II", ExtensionKind.NORWEGIAN_TRAINING, 2)
    assert line.amount == Decimal(8_000)
    assert line.participation_id is None and line.starts_on is None
    assert line.decided == "norskopplæringen avsluttet 15.03.2021"
    sums = {s.label: (s.count, s.amount) for s in section.sums}
    assert sums["Pakke II, utvidet opplæring i norsk"] == (2, Decimal(16_000))
    assert section.total == Decimal(106_000)
    assert line.to_json()["programme_starts_on"] is None

    # The page links the person to their programmes page, as there is no participation.
    body = client_for(world.owner).get("/tilskudd/", {"year": "2021"}).content.decode()
    assert reverse("programme:person-programmes", kwargs={"person_id": person.pk}) in body


# --- Pages, exports, API, command ------------------------------------------------------------


def test_the_claim_page_shows_every_grant_its_persons_and_audits_them(
    world: World, oslo: dict[str, list[Person]]
) -> None:
    response = client_for(world.owner).get("/tilskudd/", {"year": "2018"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Integreringstilskudd" in body and "Norsktilskudd" in body
    assert oslo["a"][0].identity_number in body  # type: ignore[operator]
    assert "2\xa0788\xa0600,00" in body  # the integration grant's total
    assert "ikke med" in body  # the disability grant is named as left out
    listed = set(
        AuditEvent.objects.filter(action=AuditAction.LIST, user_id=world.owner.pk).values_list(
            "person_id", flat=True
        )
    )
    assert oslo["a"][0].pk in listed and oslo["c"][2].pk in listed


def test_the_page_shows_the_message_for_a_year_without_rates(
    world: World, oslo: dict[str, list[Person]]
) -> None:
    response = client_for(world.owner).get("/tilskudd/", {"year": "2019"})
    assert response.status_code == 200
    assert "ingen kjent verdi" in response.content.decode()
    export = client_for(world.owner).get(
        "/tilskudd/eksport/", {"year": "2019", "grant": "integration", "format": "csv"}
    )
    assert export.status_code == 422
    assert "ingen kjent verdi" in export.content.decode()


def test_bad_query_parameters_are_refused_with_clear_messages(world: World) -> None:
    client = client_for(world.owner)
    page = client.get("/tilskudd/", {"year": "tjue"})
    assert page.status_code == 422
    assert "Budsjettåret må være et årstall" in page.content.decode()
    bad_grant = client.get(
        "/tilskudd/eksport/", {"year": "2018", "grant": "lottery", "format": "csv"}
    )
    assert bad_grant.status_code == 400
    assert "Ukjent tilskudd" in bad_grant.content.decode()
    bad_year = client.get(
        "/tilskudd/eksport/", {"year": "1800", "grant": "integration", "format": "csv"}
    )
    assert bad_year.status_code == 400
    assert "2000 eller senere" in bad_year.content.decode()


def test_the_csv_export_parses_and_adds_up(world: World, oslo: dict[str, list[Person]]) -> None:
    response = client_for(world.owner).get(
        "/tilskudd/eksport/", {"year": "2018", "grant": "integration", "format": "csv"}
    )
    assert response.status_code == 200
    assert "integreringstilskudd-0301-2018.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    lines = [r for r in rows if r["rad"] == "linje"]
    assert len(lines) == 17
    assert sum(Decimal(r["beløp"]) for r in lines) == Decimal(2_788_600)
    total = next(r for r in rows if r["rad"] == "total")
    assert total["beløp"] == "2788600.00"
    first = next(r for r in lines if r["fødselsnummer"] == oslo["a"][0].identity_number)
    assert first["type"] == "single_adult" and first["bosatt"] == "2018-03-01"
    exported = AuditEvent.objects.filter(action=AuditAction.EXPORT, person_id=oslo["a"][0].pk)
    assert exported.exists()


def test_the_excel_export_parses_with_lines_and_sums(
    world: World, oslo: dict[str, list[Person]]
) -> None:
    response = client_for(world.owner).get(
        "/tilskudd/eksport/", {"year": "2018", "grant": "norwegian", "format": "xlsx"}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    lines = list(workbook["Linjer"].iter_rows(values_only=True))
    assert str(lines[0][0]).startswith("Krav om tilskudd til opplæring i norsk for 2018 – Oslo")
    header, rows = lines[1], lines[2:]  # below the title row
    amount = header.index("beløp")
    assert len(rows) == 8
    assert sum(Decimal(str(r[amount])) for r in rows) == Decimal(443_300)
    sums = list(workbook["Summer"].iter_rows(values_only=True))
    assert sums[-1][0] == "Sum" and Decimal(str(sums[-1][2])) == Decimal(443_300)


def test_the_package_export_lists_the_participants(
    world: World, packages: dict[str, Participation]
) -> None:
    response = client_for(world.owner).get(
        "/tilskudd/eksport/", {"year": "2021", "grant": "packages", "format": "csv"}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    lines = [r for r in rows if r["rad"] == "linje"]
    assert sorted((r["pakke"], r["tiltak"], r["beløp"]) for r in lines) == [
        ("II", "norwegian_training", "8000.00"),
        ("II", "programme", "45000.00"),
        ("III", "programme", "45000.00"),
    ]


def test_an_outsider_gets_404_for_oslo_and_sees_only_their_own_claim(
    world: World, oslo: dict[str, list[Person]]
) -> None:
    client = client_for(world.outsider)
    assert client.get("/tilskudd/", {"year": "2018", "municipality": OSLO}).status_code == 404
    export = client.get(
        "/tilskudd/eksport/",
        {"year": "2018", "grant": "integration", "format": "csv", "municipality": OSLO},
    )
    assert export.status_code == 404
    own = client.get("/tilskudd/", {"year": "2018"})
    assert own.status_code == 200
    assert oslo["a"][0].identity_number not in own.content.decode()  # type: ignore[operator]
    api = client.get("/api/v1/grant-claims/", {"year": "2018", "municipality": OSLO})
    assert api.status_code == 404


def test_a_nav_caseworker_gets_nothing(world: World, oslo: dict[str, list[Person]]) -> None:
    nav = client_for(make_user(municipality_number=OSLO, roles=[Role.NAV_CASEWORKER]))
    for url, params in [
        ("/tilskudd/", {"year": "2018"}),
        ("/tilskudd/eksport/", {"year": "2018", "grant": "integration", "format": "csv"}),
        ("/api/v1/grant-claims/", {"year": "2018"}),
    ]:
        response = nav.get(url, params)
        assert response.status_code == 403, url
        assert oslo["a"][0].identity_number not in response.content.decode()  # type: ignore[operator]


def test_the_municipal_leader_sees_the_claim(world: World, oslo: dict[str, list[Person]]) -> None:
    leader = make_user(municipality_number=OSLO, roles=[Role.MUNICIPAL_LEADER])
    response = client_for(leader).get("/tilskudd/", {"year": "2018"})
    assert response.status_code == 200
    assert oslo["g"][0].identity_number in response.content.decode()  # type: ignore[operator]


def test_a_host_of_a_cooperation_chooses_the_municipality(db: None) -> None:
    gol, hemsedal = (Municipality.objects.get(number=n) for n in ("3324", "3326"))
    cooperation = RefugeeServiceCooperation.objects.create(
        name="Hallingdal", host=gol, valid_from=D(2015, 1, 1)
    )
    cooperation.partners.set([hemsedal])
    household = make_household(municipality_number="3326", members=1, settled_on=D(2018, 5, 1))
    person = household.members.get()
    client = client_for(make_user(municipality_number="3324"))
    page = client.get("/tilskudd/", {"year": "2018"})
    assert page.status_code == 200
    assert '<select name="municipality"' in page.content.decode()
    assert person.identity_number not in page.content.decode()  # type: ignore[operator]  # Gol is the default
    partner = client.get("/tilskudd/", {"year": "2018", "municipality": "3326"})
    assert partner.status_code == 200
    assert person.identity_number in partner.content.decode()  # type: ignore[operator]
    assert client.get("/tilskudd/", {"year": "2018", "municipality": OSLO}).status_code == 404


def test_the_api_answers_with_the_claim_as_json(
    world: World, oslo: dict[str, list[Person]]
) -> None:
    response = client_for(world.owner).get(
        "/api/v1/grant-claims/", {"year": "2018", "municipality": OSLO}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["budget_year"] == 2018
    assert data["grants"]["integration"]["total"] == "2788600.00"
    assert data["grants"]["norwegian"]["total"] == "443300.00"
    assert data["grants"]["packages"]["message"]
    bad = client_for(world.owner).get("/api/v1/grant-claims/", {"year": "x"})
    assert bad.status_code == 422
    assert "årstall" in bad.json()["detail"]


def test_the_command_prints_json_with_amounts_as_strings(
    oslo: dict[str, list[Person]], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "grant_claim",
        "--municipality",
        OSLO,
        "--budget-year",
        "2018",
        "--grant",
        "integration",
        "--json",
    )
    data = json.loads(capsys.readouterr().out)
    assert list(data["grants"]) == ["integration"]
    assert data["total"] == "2788600.00"
    line = next(x for x in data["grants"]["integration"]["lines"] if x["kind"] == "single_adult")
    assert line["amount"] == "237000.00"
    assert line["person_id"] == oslo["a"][0].pk


def test_the_command_prints_totals_and_lines(
    oslo: dict[str, list[Person]], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("grant_claim", "--municipality", OSLO, "--budget-year", "2018")
    out = capsys.readouterr().out
    assert "Integreringstilskudd" in out and "2788600.00" in out
    assert "443300.00" in out
    assert "Integreringspakker" in out and "Ikke beregnet" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "03", "--budget-year", "2018"], "fire siffer"),
        (["--municipality", "9999", "--budget-year", "2018"], "Finner ingen kommune"),
        (["--municipality", OSLO, "--budget-year", "neste"], "årstall"),
        (["--municipality", OSLO, "--budget-year", "2018", "--grant", "x"], "invalid choice"),
    ],
)
def test_the_command_exits_2_with_one_line_on_bad_input(
    db: None, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as excinfo:
        call_command("grant_claim", *args)
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert message in err


def test_households_without_a_settlement_date_are_left_out(world: World) -> None:
    household = make_household(municipality_number=OSLO, members=1)
    Household.objects.filter(pk=household.pk).update(settled_on=None)
    claim = _claim()
    assert household.members.get().pk not in claim.person_ids


# --- Budget years 2019-2026, the special grant for unaccompanied minors, grant codes -----------

# The rates with a source for these years (parameter files, metadata.sources), written out by hand.
MINOR_0_16_2023, MINOR_17_20_2023 = 1_118_000, 705_000  # KS 06.10.2022 on Prop. 1 S (2022-2023)
BASE_1_3_2023 = 217_000  # idem, «Grunntilskudd voksenopplæring»


def test_a_household_settled_in_2024_claims_nothing_without_published_rates(db: None) -> None:
    """A single adult (34) and her child (4), settled in Oslo on 1 March 2024, budget year 2024.

    By hand, from the rates we have a source for (see the parameter files' notes):
    - integration grant year 1 (AR-1 EV for her, AR-1 B for the child, BHT for the child's
      kindergarten one-off): no 2024 rate could be sourced -> 0 kr, the claim says so;
    - Norwegian training grant, person grant year 1 (P-AR1-H) and base grant: no 2024 rate
      -> 0 kr;
    - special grant for unaccompanied minors: neither of them is one -> no line (and no 2024
      rate either).
    Sum: 0 kr, with a message per grant instead of a made-up amount.
    """
    adult, child = _household(D(2024, 3, 1), [(D(1990, 1, 15), "Syria"), (D(2019, 6, 6), "Syria")])
    claim = _claim(2024)
    for grant in (INTEGRATION, NORWEGIAN_GRANT, UNACCOMPANIED):
        section = claim.section(grant)
        assert section is not None
        assert not section.lines
        assert "ingen kjent verdi for 01.01.2024" in section.message, section.message
    assert claim.total == Decimal(0)
    assert not {adult.pk, child.pk} & set(claim.person_ids)


@pytest.fixture
def minors_2023(db: None) -> dict[str, Person]:
    """Oslo in budget year 2023: a single adult and four persons settled as unaccompanied minors."""
    [adult] = _household(D(2022, 6, 1), [(D(1990, 4, 4), "Syria")])
    [younger] = _household(
        D(2022, 9, 1), [(D(2008, 2, 2), "Afghanistan")], category=Category.UNACCOMPANIED_MINOR
    )
    # 16 at settlement in March 2023, turns 17 on 31 December 2023: the 17-20 rate for 2023.
    [older] = _household(
        D(2023, 3, 1), [(D(2006, 12, 31), "Eritrea")], category=Category.UNACCOMPANIED_MINOR
    )
    # Turns 21 in 2023: past the grant.
    [past] = _household(
        D(2019, 1, 10), [(D(2002, 5, 5), "Syria")], category=Category.UNACCOMPANIED_MINOR
    )
    # Registered as a minor but 18 at settlement: a problem to check, not a line.
    [adult_minor] = _household(
        D(2022, 2, 1), [(D(2004, 1, 1), "Somalia")], category=Category.UNACCOMPANIED_MINOR
    )
    return {
        "adult": adult,
        "younger": younger,
        "older": older,
        "past": past,
        "adult_minor": adult_minor,
    }


def test_the_special_grant_for_unaccompanied_minors_in_2023_with_hand_computed_sums(
    minors_2023: dict[str, Person],
) -> None:
    """Budget year 2023, the sourced rates 1 118 000 (to the year the minor turns 16, EMINB) and
    705 000 (from the year they turn 17 to 20, EMINU):

    - born 2008, turns 15 in 2023: 1 118 000 (EMINB)
    - born 31.12.2006, turns 17 in 2023 (settled 2023 at 16): 705 000 (EMINU)
    - born 2002, turns 21 in 2023: no grant
    - 18 at settlement: no grant, a problem to check
    Sum: 1 118 000 + 705 000 = 1 823 000.

    Norwegian training base grant 2023: persons with the right (18-67 at settlement) in years 1-3
    settled by 15.01.2023 are the adult (2022) and the «minor» who was 18 (2022): 2 persons, the
    1-3 band, 217 000 (Grunntilskudd-L). The person grant has no 2023 rate: not computed, said.
    The integration grant has no 2023 rate: a message. Claim total: 1 823 000 + 217 000 =
    2 040 000.
    """
    claim = _claim(2023)
    section = claim.section(UNACCOMPANIED)
    assert section is not None
    assert not section.message
    lines = {line.person_id: line for line in section.lines}
    younger, older = minors_2023["younger"], minors_2023["older"]
    assert set(lines) == {younger.pk, older.pk}
    assert (lines[younger.pk].amount, lines[younger.pk].code) == (
        Decimal(MINOR_0_16_2023),
        "EMINB",
    )
    assert (lines[older.pk].amount, lines[older.pk].code) == (Decimal(MINOR_17_20_2023), "EMINU")
    assert lines[older.pk].kind == "unaccompanied_minor_older"
    assert section.total == Decimal(MINOR_0_16_2023 + MINOR_17_20_2023) == Decimal(1_823_000)
    sums = {s.code: (s.count, s.amount) for s in section.sums}
    assert sums == {
        "EMINB": (1, Decimal(MINOR_0_16_2023)),
        "EMINU": (1, Decimal(MINOR_17_20_2023)),
    }
    assert any(
        minors_2023["adult_minor"].full_name in p and "bosatt under 18" in p
        for p in section.problems
    )
    assert any("bosettingsåret" in note for note in section.notes)

    norwegian = claim.section(NORWEGIAN_GRANT)
    assert norwegian is not None and not norwegian.message
    [base] = norwegian.lines
    assert (base.kind, base.code, base.amount) == (
        "base_grant",
        "Grunntilskudd-L",
        Decimal(217_000),
    )
    assert "2 personer med rett per 15.01.2023" in base.label
    assert any("Persontilskuddet er ikke beregnet" in p for p in norwegian.problems)

    integration = claim.section(INTEGRATION)
    assert integration is not None and "ingen kjent verdi" in integration.message
    assert claim.total == Decimal(1_823_000 + BASE_1_3_2023) == Decimal(2_040_000)


def test_the_claim_carries_no_codes_before_the_grant_portal(oslo: dict[str, list[Person]]) -> None:
    claim = _claim(2018, grants=[INTEGRATION, NORWEGIAN_GRANT])
    assert {line.code for s in claim.sections for line in s.lines} == {""}
    section = claim.section(UNACCOMPANIED)
    assert section is None
    minors = _claim(2018, grants=[UNACCOMPANIED]).section(UNACCOMPANIED)
    assert minors is not None and "ingen kjent verdi for 01.01.2018" in minors.message


def test_every_kind_of_claim_line_has_a_grant_code_from_2022() -> None:
    codes = grant_codes(D(2022, 1, 1))
    kinds = [k for k in SUM_ORDER if k != "base_grant"] + ["base_grant_high", "base_grant_low"]
    assert {k: codes.get(k, "") for k in kinds if not codes.get(k)} == {}
    assert codes["single_adult"] == "AR-1 EV" and codes["adult"] == "AR-1"
    assert codes["child"] == "AR-1 B" and codes["year_4"] == "AR-4"
    assert codes["elderly_one_off"] == "ELDR" and codes["kindergarten_one_off"] == "BHT"
    assert codes["low_year_2"] == "P-AR2-L" and codes["high_year_3"] == "P-AR3-H"
    assert grant_codes(D(2021, 12, 31)) == {}


def test_the_page_and_the_exports_show_the_grant_code(
    world: World, minors_2023: dict[str, Person]
) -> None:
    client = client_for(world.owner)
    page = client.get("/tilskudd/", {"year": "2023"}).content.decode()
    assert "Særskilt tilskudd for enslige mindreårige" in page
    assert "Tilskuddskode" in page and "EMINB" in page and "Grunntilskudd-L" in page
    response = client.get(
        "/tilskudd/eksport/", {"year": "2023", "grant": UNACCOMPANIED, "format": "csv"}
    )
    assert response.status_code == 200
    assert "saerskilt-tilskudd-enslige-mindrearige-0301-2023.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    lines = {r["Tilskuddskode"]: r for r in rows if r["rad"] == "linje"}
    assert set(lines) == {"EMINB", "EMINU"}
    assert lines["EMINB"]["beløp"] == "1118000.00"
    assert lines["EMINU"]["fødselsnummer"] == minors_2023["older"].identity_number
    sums = {r["Tilskuddskode"]: r["beløp"] for r in rows if r["rad"] == "sum"}
    assert sums == {"EMINB": "1118000.00", "EMINU": "705000.00"}
    assert next(r for r in rows if r["rad"] == "total")["beløp"] == "1823000.00"
    workbook = load_workbook(
        io.BytesIO(
            client.get(
                "/tilskudd/eksport/", {"year": "2023", "grant": "norwegian", "format": "xlsx"}
            ).content
        )
    )
    _title, header, *rows_x = list(workbook["Linjer"].iter_rows(values_only=True))
    assert rows_x[0][header.index("Tilskuddskode")] == "Grunntilskudd-L"
    sums_x = list(workbook["Summer"].iter_rows(min_row=2, values_only=True))
    assert sums_x[1][-1] == "Grunntilskudd-L"
    api = client.get("/api/v1/grant-claims/", {"year": "2023"}).json()
    minors = api["grants"][UNACCOMPANIED]
    assert minors["total"] == "1823000.00"
    assert {line["code"] for line in minors["lines"]} == {"EMINB", "EMINU"}
    assert {s["code"] for s in minors["sums"]} == {"EMINB", "EMINU"}
