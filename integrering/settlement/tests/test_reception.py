"""Reception centres, their counts, and the overview of the reception system (seed 001)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import client_for
from integrering.accounts.models import User
from integrering.audit.services import AccessContext
from integrering.organisations.models import Municipality
from integrering.settlement.models import ReceptionCentre, ReceptionCount, ReceptionKind
from integrering.settlement.services.reception import (
    reception_centre_save,
    reception_count_record,
    reception_over_capacity,
    reception_overview,
)
from integrering.settlement.testing import municipality
from integrering.testing import make_user

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
TODAY = datetime.date(2026, 11, 24)
SYSTEM = AccessContext.command("test")


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, 0, tzinfo=OSLO), tick=False):
        yield


@pytest.fixture
def planner() -> User:
    return make_user()


def _centre(
    name: str,
    kind: str = ReceptionKind.ORDINARY,
    number: str = "0301",
    *,
    places: int = 100,
    operator: str = "Hero",
    opened_on: datetime.date | None = None,
    closed_on: datetime.date | None = None,
) -> ReceptionCentre:
    return reception_centre_save(
        ctx=SYSTEM,
        name=name,
        kind=kind,
        municipality=municipality(number),
        operator=operator,
        places=places,
        opened_on=opened_on,
        closed_on=closed_on,
    )


def _count(centre: ReceptionCentre, on: datetime.date, **numbers: int) -> ReceptionCount:
    return reception_count_record(ctx=SYSTEM, centre=centre, counted_on=on, **numbers)


# --- Centres ---------------------------------------------------------------------------------


def test_a_centre_name_is_unique_whatever_the_case() -> None:
    _centre("Haugaland mottak")
    with pytest.raises(ValidationError) as refused:
        _centre("HAUGALAND MOTTAK")
    assert "finnes allerede" in refused.value.message_dict["name"][0]


def test_a_centre_keeps_its_name_when_it_is_changed() -> None:
    centre = _centre("Haugaland mottak")
    changed = reception_centre_save(
        ctx=SYSTEM,
        centre=centre,
        name="Haugaland mottak",
        kind=ReceptionKind.INTEGRATION,
        municipality=centre.municipality,
        places=120,
    )
    assert (changed.kind, changed.places) == (ReceptionKind.INTEGRATION, 120)


def test_a_centre_cannot_close_before_it_opened_nor_have_negative_places() -> None:
    with pytest.raises(ValidationError) as refused:
        _centre(
            "Mottak X",
            places=-1,
            opened_on=datetime.date(2020, 1, 1),
            closed_on=datetime.date(2019, 12, 31),
        )
    errors = refused.value.message_dict
    assert errors["closed_on"] == ["Mottaket kan ikke legges ned før det åpnet."]
    assert errors["places"] == ["Antall plasser kan ikke være negativt."]


def test_a_new_centre_lies_in_a_current_municipality() -> None:
    oslo = municipality("0301")
    former = Municipality.objects.create(
        number="0399",
        name="Gamlebyen",
        county=oslo.county,
        valid_from=datetime.date(1838, 1, 1),
        valid_to=datetime.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        reception_centre_save(
            ctx=SYSTEM, name="Gammelt", kind="ordinary", municipality=former, places=10
        )
    assert "ikke lenger en kommune" in refused.value.message_dict["municipality"][0]


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        _centre("Mottak Y", kind="akutt")
    assert refused.value.message_dict["kind"] == ["Velg en type mottak fra listen."]


def test_a_municipal_caseworker_cannot_save_a_centre() -> None:
    with pytest.raises(PermissionDenied):
        reception_centre_save(
            ctx=AccessContext(user=make_user(municipality_number="0301"), route="test"),
            name="Mitt mottak",
            kind="ordinary",
            municipality=municipality("0301"),
            places=10,
        )


# --- Counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "accepted"), [(0, True), (1, False)])
def test_a_count_cannot_be_from_the_future(days: int, accepted: bool) -> None:
    centre = _centre("Mottak A")
    on = TODAY + datetime.timedelta(days=days)
    if accepted:
        assert _count(centre, on, asylum_seekers=5).residents == 5
    else:
        with pytest.raises(ValidationError) as refused:
            _count(centre, on, asylum_seekers=5)
        assert "fremtiden" in refused.value.message_dict["counted_on"][0]


def test_a_count_must_fall_while_the_centre_is_open() -> None:
    centre = _centre(
        "Mottak B", opened_on=datetime.date(2020, 3, 1), closed_on=datetime.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError, match=r"åpnet 01\.03\.2020"):
        _count(centre, datetime.date(2020, 2, 29), asylum_seekers=1)
    with pytest.raises(ValidationError, match=r"lagt ned 01\.01\.2025"):
        _count(centre, datetime.date(2025, 1, 1), asylum_seekers=1)
    assert _count(centre, datetime.date(2024, 12, 31), asylum_seekers=1).residents == 1


def test_a_second_count_on_the_same_date_corrects_the_first() -> None:
    centre = _centre("Mottak C")
    _count(centre, TODAY, asylum_seekers=10)
    _count(centre, TODAY, asylum_seekers=12, permit_to_settle=3)
    (count,) = ReceptionCount.objects.filter(centre=centre)
    assert (count.asylum_seekers, count.permit_to_settle, count.residents) == (12, 3, 15)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        _count(_centre("Mottak D"), TODAY, departure_obligation=-2)
    assert refused.value.message_dict["departure_obligation"] == [
        "Antallet kan ikke være negativt."
    ]


@pytest.mark.parametrize(("residents", "over"), [(100, 0), (101, 1)])
def test_more_residents_than_places_is_recorded_and_flagged(residents: int, over: int) -> None:
    centre = _centre("Mottak E", places=100)
    count = _count(centre, TODAY, asylum_seekers=residents)
    assert count.residents == residents
    assert reception_over_capacity(centre, count) == over


# --- The overview ----------------------------------------------------------------------------


def test_the_overview_sums_each_kind_on_each_centres_latest_count() -> None:
    ordinary = _centre("Ordinært 1", places=150, operator="Hero")
    _count(ordinary, datetime.date(2026, 1, 5), asylum_seekers=999)  # older: not used
    _count(
        ordinary,
        datetime.date(2026, 11, 1),
        asylum_seekers=40,
        permit_to_settle=60,
        permit_not_to_settle=5,
        other_status=10,
        departure_obligation=20,
    )
    second = _centre("Ordinært 2", number="4601", places=80, operator="Hero")
    _count(second, datetime.date(2026, 11, 6), asylum_seekers=30, permit_to_settle=50)
    integration = _centre("Integrering 1", ReceptionKind.INTEGRATION, "4601", operator="Link")
    _count(integration, datetime.date(2026, 10, 1), permit_to_settle=90)
    _centre("Transitt 1", ReceptionKind.TRANSIT, "0301", places=200, operator="")  # no count yet
    closed = _centre("Nedlagt", closed_on=datetime.date(2026, 6, 1), operator="Borte AS")
    _count(closed, datetime.date(2026, 5, 1), asylum_seekers=70)

    overview = reception_overview()
    kinds = {k.label: k for k in overview.kinds}
    assert [k.label for k in overview.kinds] == [label for _, label in ReceptionKind.choices]
    assert (kinds["Ordinært mottak"].centres, kinds["Ordinært mottak"].places) == (2, 230)
    assert kinds["Ordinært mottak"].residents == 135 + 80
    assert kinds["Integreringsmottak"].by_status["permit_to_settle"] == 90
    assert (kinds["Transittmottak"].centres, kinds["Transittmottak"].residents) == (1, 0)
    assert kinds["Mottak for enslige mindreårige"].centres == 0
    assert (overview.total.centres, overview.total.places, overview.total.residents) == (
        4,
        530,
        305,
    )
    assert overview.counted_on == datetime.date(2026, 11, 6)
    assert overview.municipalities == 2  # Oslo and Bergen; the closed centre is left out
    assert overview.operators == 2  # Hero and Link
    assert overview.uncounted == 1
    statuses = {label: (n, share) for label, n, share in overview.statuses()}
    assert statuses["Med tillatelse, skal bosettes"] == (200, pytest.approx(100 * 200 / 305))


def test_the_overview_on_an_earlier_date_uses_the_counts_known_then() -> None:
    centre = _centre("Mottak F")
    _count(centre, datetime.date(2026, 3, 1), asylum_seekers=10)
    _count(centre, datetime.date(2026, 9, 1), asylum_seekers=20)
    assert reception_overview(on=datetime.date(2026, 5, 1)).total.residents == 10
    assert reception_overview().total.residents == 20


# --- The pages -------------------------------------------------------------------------------


def _centre_form(**changes: str) -> dict[str, str]:
    return {
        "name": "Nytt mottak",
        "kind": "integration",
        "municipality": str(municipality("4601").pk),
        "operator": "Hero",
        "places": "120",
        "opened_on": "2025-01-01",
        "closed_on": "",
        **changes,
    }


def test_the_planner_adds_a_centre_and_records_a_count(planner: User) -> None:
    client = client_for(planner)
    page = client.get("/bosetting/mottak/")
    assert page.status_code == 200
    assert "Mottak etter type" in page.content.decode()

    added = client.post("/bosetting/mottak/", _centre_form())
    centre = ReceptionCentre.objects.get(name="Nytt mottak")
    assert added.status_code == 302 and added["Location"] == f"/bosetting/mottak/{centre.pk}/"

    counted = client.post(
        f"/bosetting/mottak/{centre.pk}/",
        {
            "counted_on": "2026-11-06",
            "permit_to_settle": "100",
            "permit_not_to_settle": "5",
            "other_status": "0",
            "departure_obligation": "10",
            "asylum_seekers": "10",
        },
        follow=True,
    )
    body = counted.content.decode()
    assert "Tellingen per 06.11.2026 er lagret." in body
    assert "Mottaket har 5 flere beboere enn plasser (125 beboere, 120 plasser)." in body
    assert "(5 over kapasitet)" in body

    listing = client.get("/bosetting/mottak/").content.decode()
    assert "Nytt mottak" in listing and "06.11.2026" in listing


def test_the_centre_form_shows_its_errors_with_422(planner: User) -> None:
    _centre("Nytt mottak")
    response = client_for(planner).post(
        "/bosetting/mottak/", _centre_form(name="nytt MOTTAK", places="-3")
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Antallet kan ikke være negativt." in body
    assert ReceptionCentre.objects.count() == 1


def test_the_service_refusal_is_shown_on_the_form(planner: User) -> None:
    _centre("Nytt mottak")
    response = client_for(planner).post("/bosetting/mottak/", _centre_form(name="nytt MOTTAK"))
    assert response.status_code == 422
    assert "Det finnes allerede et mottak som heter «nytt MOTTAK»." in response.content.decode()


def test_a_count_from_the_future_is_422_on_the_page(planner: User) -> None:
    centre = _centre("Mottak G")
    response = client_for(planner).post(
        f"/bosetting/mottak/{centre.pk}/",
        {
            "counted_on": "2026-12-01",
            "permit_to_settle": "1",
            "permit_not_to_settle": "0",
            "other_status": "0",
            "departure_obligation": "0",
            "asylum_seekers": "0",
        },
    )
    assert response.status_code == 422
    assert "Tellingen kan ikke være fra fremtiden" in response.content.decode()


def test_the_planner_edits_a_centre(planner: User) -> None:
    centre = _centre("Mottak H")
    client = client_for(planner)
    assert client.get(f"/bosetting/mottak/{centre.pk}/endre/").status_code == 200
    response = client.post(
        f"/bosetting/mottak/{centre.pk}/endre/",
        _centre_form(name="Mottak H", municipality=str(centre.municipality_id), places="90"),
    )
    assert response.status_code == 302
    centre.refresh_from_db()
    assert (centre.places, centre.kind) == (90, "integration")


def test_a_municipal_caseworker_gets_403_on_the_list_and_404_on_a_centre() -> None:
    centre = _centre("Mottak I")
    client = client_for(make_user(municipality_number="0301"))
    assert client.get("/bosetting/mottak/").status_code == 403
    assert client.post("/bosetting/mottak/", _centre_form()).status_code == 403
    for url in (f"/bosetting/mottak/{centre.pk}/", f"/bosetting/mottak/{centre.pk}/endre/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
    assert ReceptionCentre.objects.count() == 1
