"""The year's settlement need: entered, revised with a reason, every version kept (seed 001)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import client_for
from integrering.accounts.models import User
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError
from integrering.settlement.models import SettlementNeed
from integrering.settlement.services.need import need_save, need_years
from integrering.testing import make_user

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
# Seed 001, «Bosettingsbehov 2018»: 2 190 from reception, 470 outside, 2 280 transfer refugees.
SEED_2018: dict[str, Any] = {
    "from_reception": 2190,
    "outside_reception": 470,
    "transfer_refugees": 2280,
}


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, 0, tzinfo=OSLO), tick=False):
        yield


@pytest.fixture
def planner() -> User:
    return make_user()


def _save(planner: User, year: int = 2026, **changes: object) -> SettlementNeed:
    arguments: dict = {
        **SEED_2018,
        "unaccompanied_minors": 170,
        "note": "",
        "reason": "",
        "version": 0,
        **changes,
    }
    return need_save(ctx=AccessContext(user=planner, route="test"), year=year, **arguments)


def test_the_first_save_enters_the_need_and_keeps_a_revision(planner: User) -> None:
    need = _save(planner, note="Beregnet pr oktober")
    assert need.total == 4940  # seed 001: «Nytt bosettingsbehov i 2018: 4 940»
    assert need.version == 1
    assert need.updated_by == planner
    (revision,) = need.revisions.all()
    assert (revision.from_reception, revision.unaccompanied_minors, revision.reason) == (
        2190,
        170,
        "",
    )
    assert revision.revised_by == planner


def test_a_revision_needs_a_reason(planner: User) -> None:
    need = _save(planner)
    with pytest.raises(ValidationError) as refused:
        _save(planner, transfer_refugees=2930, version=need.version)
    assert "reason" in refused.value.message_dict
    need.refresh_from_db()
    assert need.transfer_refugees == 2280 and need.revisions.count() == 1


def test_a_revision_with_a_reason_changes_the_need_and_adds_a_version(planner: User) -> None:
    need = _save(planner)
    revised = _save(planner, transfer_refugees=2930, reason="Ny kvote", version=need.version)
    assert revised.version == 2
    assert revised.transfer_refugees == 2930
    assert [r.reason for r in revised.revisions.all()] == ["Ny kvote", ""]


def test_a_stale_version_is_a_conflict_and_saves_nothing(planner: User) -> None:
    need = _save(planner)
    _save(planner, outside_reception=150, reason="Færre utenfor mottak", version=need.version)
    with pytest.raises(ConflictError):
        _save(planner, outside_reception=300, reason="Flere", version=need.version)
    need.refresh_from_db()
    assert need.outside_reception == 150 and need.revisions.count() == 2


def test_entering_a_year_someone_else_entered_meanwhile_is_a_conflict(planner: User) -> None:
    _save(planner)
    with pytest.raises(ConflictError):
        _save(planner, from_reception=1)  # the form said version 0: no need when it opened


def test_a_revision_that_changes_nothing_is_refused(planner: User) -> None:
    need = _save(planner)
    with pytest.raises(ValidationError, match="ingenting å lagre"):
        _save(planner, reason="Ingen endring", version=need.version)


@pytest.mark.parametrize(
    ("minors", "accepted"),
    [(4940, True), (4941, False)],
)
def test_unaccompanied_minors_cannot_exceed_the_total(
    planner: User, minors: int, accepted: bool
) -> None:
    if accepted:
        assert _save(planner, unaccompanied_minors=minors).unaccompanied_minors == 4940
    else:
        with pytest.raises(ValidationError) as refused:
            _save(planner, unaccompanied_minors=minors)
        assert "4940" in refused.value.message_dict["unaccompanied_minors"][0]


def test_negative_figures_are_refused(planner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        _save(planner, outside_reception=-1)
    assert refused.value.message_dict["outside_reception"] == ["Antallet kan ikke være negativt."]


@pytest.mark.parametrize(
    ("year", "accepted"), [(1999, False), (2000, True), (2028, True), (2029, False)]
)
def test_the_year_must_be_within_the_planning_years(
    planner: User, year: int, accepted: bool
) -> None:
    assert need_years() == range(2000, 2029)  # this year (2026) and two ahead
    if accepted:
        assert _save(planner, year=year).year == year
    else:
        with pytest.raises(ValidationError) as refused:
            _save(planner, year=year)
        assert refused.value.message_dict["year"] == ["Velg et år fra 2000 til 2028."]


def test_a_municipal_caseworker_cannot_save_a_need() -> None:
    with pytest.raises(PermissionDenied):
        _save(make_user(municipality_number="0301"))


def test_a_command_saves_as_the_system() -> None:
    need = need_save(
        ctx=AccessContext.command("demo"),
        year=2026,
        **SEED_2018,
        unaccompanied_minors=0,
    )
    assert need.updated_by is None


# --- The page -------------------------------------------------------------------------------


def _form(**changes: object) -> dict:
    return {
        "from_reception": "2 190",
        "outside_reception": "470",
        "transfer_refugees": "2280",
        "unaccompanied_minors": "170",
        "note": "",
        "reason": "",
        "version": "0",
        **changes,
    }


def test_the_planner_enters_and_revises_the_need_on_the_page(planner: User) -> None:
    client = client_for(planner)
    page = client.get("/bosetting/2026/behov/")
    assert page.status_code == 200
    assert "Behovet for 2026 er ikke registrert ennå." in page.content.decode()

    created = client.post("/bosetting/2026/behov/", _form())
    assert created.status_code == 302
    need = SettlementNeed.objects.get(year=2026)
    assert need.from_reception == 2190  # «2 190» with a space is read as a number

    no_reason = client.post("/bosetting/2026/behov/", _form(transfer_refugees="2930", version="1"))
    assert no_reason.status_code == 422
    assert "Skriv hvorfor behovet endres" in no_reason.content.decode()

    revised = client.post(
        "/bosetting/2026/behov/",
        _form(transfer_refugees="2930", version="1", reason="Ny kvote"),
        follow=True,
    )
    body = revised.content.decode()
    assert "Bosettingsbehovet for 2026 er endret." in body
    assert "Ny kvote" in body and "Første registrering" in body  # the history, both versions
    assert "<caption" in body and 'scope="col"' in body


def test_a_stale_form_on_the_page_is_409_and_keeps_the_input(planner: User) -> None:
    need = _save(planner)
    _save(planner, outside_reception=150, reason="Færre", version=need.version)
    response = client_for(planner).post(
        "/bosetting/2026/behov/", _form(outside_reception="999", reason="Mine tall", version="1")
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Noen andre har lagret endringer" in body
    assert 'value="999"' in body


def test_bad_input_on_the_page_is_422_in_norwegian(planner: User) -> None:
    response = client_for(planner).post(
        "/bosetting/2026/behov/", _form(from_reception="mange", unaccompanied_minors="")
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Skriv et helt tall, for eksempel 2220." in body
    assert "Fyll inn antallet (0 hvis ingen)." in body
    assert not SettlementNeed.objects.exists()


def test_a_year_outside_the_planning_years_is_404(planner: User) -> None:
    assert client_for(planner).get("/bosetting/1999/behov/").status_code == 404
    assert client_for(planner).get("/bosetting/2029/behov/").status_code == 404


def test_a_municipal_caseworker_gets_404_on_the_need_page() -> None:
    client = client_for(make_user(municipality_number="0301"))
    assert client.get("/bosetting/2026/behov/").status_code == 404
    assert client.post("/bosetting/2026/behov/", _form()).status_code == 404
    assert not SettlementNeed.objects.exists()
