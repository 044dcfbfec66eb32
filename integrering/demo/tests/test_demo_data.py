from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import RequestFactory, override_settings

from integrering.accounts.models import User
from integrering.finance.models import CostCoverageRow
from integrering.news.models import NewsItem
from integrering.organisations.models import Municipality
from integrering.people.identity import identity_number_parse
from integrering.people.models import Household, Person
from integrering.people.selectors import persons_visible_to
from integrering.programme.models import Appeal, Decision, Participation
from integrering.surveys.models import CapacityRound, Invitation, Survey

REQUIRED_USERS = {
    "saksbehandler-oslo": "0301",
    "saksbehandler-bergen": "4601",
    "planlegger": None,
    "analytiker": None,
    "statsforvalter-vestland": None,
    "admin": None,
}


@pytest.mark.django_db
def test_demo_data_is_refused_outside_the_demo_settings() -> None:
    with override_settings(DEMO=False), pytest.raises(CommandError, match="INTEGRERING_DEMO"):
        call_command("demo_data")
    assert not User.objects.exists()


@pytest.mark.django_db
@override_settings(DEMO=True)
def test_demo_data_creates_the_demo_world_once() -> None:
    out = io.StringIO()
    call_command("demo_data", "--households", "40", stdout=out)
    assert "40 husstander" in out.getvalue()
    assert Household.objects.filter(reference__startswith="DEMO-0").count() == 40
    # Households settled 2014-2018: the grant rates we have a source for are 2018's.
    historic = Household.objects.filter(reference__startswith="DEMO-H")
    assert historic.count() == 7
    assert {h.settled_on.year for h in historic if h.settled_on} == {2014, 2015, 2016, 2017, 2018}
    assert Participation.objects.exists()
    assert Participation.objects.filter(extensions__integration_package="II").exists()
    # Start decisions are decided; a few letters are sent, and one appeal awaits the county governor.
    assert not Decision.objects.filter(kind="start", status="draft").exists()
    assert Decision.objects.filter(status="sent", letter_pdf__isnull=False).exists()
    appeal = Appeal.objects.get()
    assert appeal.status == "forwarded"
    assert appeal.county_governor is not None
    assert appeal.county_governor.name == "Statsforvalteren i Oslo og Viken"
    assert User.objects.filter(
        username="statsforvalter-oslo", organisation__county_governor=appeal.county_governor
    ).exists()
    assert len({h.municipality_id for h in Household.objects.all()}) >= 5

    request = RequestFactory().post("/logg-inn/")
    for username, municipality in REQUIRED_USERS.items():
        user = authenticate(request, username=username, password="demo")
        assert user is not None, username
        if municipality:
            assert user.organisation.municipality.number == municipality  # type: ignore[union-attr]
    assert User.objects.get(
        username="statsforvalter-vestland"
    ).organisation.county_governor.name == (  # type: ignore[union-attr]
        "Statsforvalteren i Vestland"
    )

    for person in Person.objects.all():
        parsed = identity_number_parse(person.identity_number or "", birth_date=person.birth_date)
        assert parsed.synthetic

    oslo = User.objects.get(username="saksbehandler-oslo")
    assert {p.municipality.number for p in persons_visible_to(oslo)} == {"0301"}
    assert persons_visible_to(oslo).count() > 0

    # Monitoring: capacity rounds of both demo governors, Oslo not yet answered this quarter;
    # three closed survey years with answers and this year's open; seed 001's cost table; news.
    assert CapacityRound.objects.count() == 6
    current = CapacityRound.objects.order_by("-year", "-quarter").first()
    assert current is not None
    assert not current.responses.filter(municipality__number="0301").exists()
    years = sorted(Survey.objects.values_list("year", flat=True))
    assert len(years) == 4
    answered = Invitation.objects.filter(questionnaire__survey__year=years[-2], status="submitted")
    assert (
        0
        < answered.count()
        < Invitation.objects.filter(questionnaire__survey__year=years[-2]).count()
    )
    assert not Invitation.objects.filter(
        questionnaire__survey__year=years[-1], status="submitted"
    ).exists()
    # Seed 001's table: 19 municipalities, 573 224 hours in all (the seed's sum row).
    assert CostCoverageRow.objects.count() == 19
    assert CostCoverageRow.objects.aggregate(hours=Sum("hours"))["hours"] == Decimal(573_224)
    assert NewsItem.objects.filter(county_governor__isnull=True).exists()

    call_command("demo_data", stdout=(again := io.StringIO()))
    assert "finnes allerede" in again.getvalue()
    assert Household.objects.count() == 47
    assert Municipality.objects.count() == 357
