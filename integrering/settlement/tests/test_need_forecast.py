"""The settlement need forecast (issue 21 item 2): parts by group from the reception counts and the
planner's expectations, adjustments with a reason, the printed total (seed 001, 2019)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from conftest import client_for
from integrering.accounts.models import User
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError
from integrering.settlement.models import (
    NeedGroup,
    NeedPart,
    ReceptionKind,
    SettlementNeed,
    SettlementNeedPart,
)
from integrering.settlement.services.need import (
    need_printed_total_save,
    need_save,
)
from integrering.settlement.services.need_forecast import (
    ForecastInput,
    GroupInput,
    expected_permits,
    need_forecast_save,
    need_part_adjust,
    reception_basis,
)
from integrering.settlement.services.reception import reception_count_record
from integrering.settlement.testing import make_centre
from integrering.testing import make_user

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NBSP = "\u00a0"
COUNTED_ON = datetime.date(2026, 11, 1)
ADULTS, MINORS, UNDER_15 = (
    NeedGroup.ADULTS_FAMILIES,
    NeedGroup.UNACCOMPANIED_MINORS,
    NeedGroup.UNDER_15,
)
SOURCE = "Seed 001, «Bosettingsbehov i 2019: 5 350»"


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, 0, tzinfo=OSLO), tick=False):
        yield


@pytest.fixture
def planner() -> User:
    return make_user()


def _count(kind: str, *, permits: int, seekers: int = 0, on: datetime.date = COUNTED_ON) -> None:
    reception_count_record(
        ctx=AccessContext.command("test"),
        centre=make_centre(kind=kind),
        counted_on=on,
        permit_to_settle=permits,
        asylum_seekers=seekers,
    )


@pytest.fixture
def reception() -> None:
    """110 residents with a permit: 100 in an ordinary centre, 10 in a centre for minors."""
    _count(ReceptionKind.ORDINARY, permits=100, seekers=400)
    _count(ReceptionKind.UNACCOMPANIED_MINORS, permits=10, seekers=20)


# Seed 001, «Bosettingsbehov 2019»: 3 000 asylum seekers, 2 110 permits; 2 220 from reception,
# 150 outside reception, 2 930 transfer refugees.
SEED_2019 = ForecastInput(
    counted_on=COUNTED_ON,
    permit_under_15=0,
    groups={ADULTS: GroupInput(decisions=3000, rate=Decimal("70.33"), family=150, quota=2930)},
)


def _forecast(planner: User, inputs: ForecastInput = SEED_2019, **kwargs: Any) -> SettlementNeed:
    return need_forecast_save(
        ctx=AccessContext(user=planner, route="test"), year=2026, inputs=inputs, **kwargs
    )


def _adjust(planner: User, **kwargs: Any) -> SettlementNeed:
    arguments: dict[str, Any] = {
        "part": NeedPart.RESETTLEMENT_QUOTA,
        "group": ADULTS,
        "adjusted": 2900,
        "reason": "Kvoten er redusert i revidert budsjett",
        **kwargs,
    }
    return need_part_adjust(ctx=AccessContext(user=planner, route="test"), year=2026, **arguments)


def _part(need: SettlementNeed, part: str, group: str) -> SettlementNeedPart:
    return need.parts.get(part=part, group=group)


def _seed_2019(planner: User, need: SettlementNeed | None = None) -> SettlementNeed:
    need = need or _forecast(planner)
    return need_printed_total_save(
        ctx=AccessContext(user=planner, route="test"),
        year=2026,
        printed_total=5350,
        printed_source=SOURCE,
        reason="Totalen slik seed 001 trykker den",
        version=need.version,
    )


# --- The forecast -----------------------------------------------------------------------------


def test_seed_001_2019_parts_sum_to_5300_and_the_printed_5350_differs_by_50(
    planner: User, reception: None
) -> None:
    need = _forecast(planner)
    assert (need.from_reception, need.outside_reception, need.transfer_refugees) == (
        2220,  # 110 with a permit in reception + 2 110 expected permits
        150,
        2930,
    )
    assert need.total == 5300 and need.unaccompanied_minors == 10
    assert need.counted_on == COUNTED_ON  # which counts the forecast rests on
    assert need.revisions.get().counted_on == COUNTED_ON
    assert need.parts.count() == 12  # four parts for each of three groups
    expected = _part(need, NeedPart.EXPECTED_PERMITS, ADULTS)
    assert (expected.basis, expected.rate, expected.computed) == (3000, Decimal("70.33"), 2110)
    assert _part(need, NeedPart.PERMIT_IN_RECEPTION, MINORS).computed == 10

    need = _seed_2019(planner, need)
    assert (need.total, need.printed_total, need.stated_total, need.printed_difference) == (
        5300,
        5350,
        5350,
        50,
    )
    latest, first = need.revisions.all()
    assert (latest.printed_total, latest.total, len(latest.parts)) == (5350, 5300, 12)
    assert first.printed_total is None


@pytest.mark.parametrize(
    ("decisions", "rate", "permits"),
    [
        (3000, "70.33", 2110),  # seed 001, 2019: 2 109,9
        (2999, "70.33", 2109),  # 2 109,197
        (2500, "71.2", 1780),  # seed 001, 2018: 2 500 asylum seekers, 1 780 permits
        (3, "50", 2),  # 1,5: half up
        (1, "50", 1),  # 0,5: half up
        (10, "4.95", 0),  # 0,495
        (0, "100", 0),
    ],
)
def test_expected_permits_are_decisions_times_the_rate_rounded_half_up(
    decisions: int, rate: str, permits: int
) -> None:
    assert expected_permits(decisions, Decimal(rate)) == permits


def test_the_counts_split_by_kind_and_the_under_15s_come_from_the_planner(
    planner: User, reception: None
) -> None:
    _count(ReceptionKind.TRANSIT, permits=5)
    _count(ReceptionKind.ORDINARY, permits=999, on=datetime.date(2026, 11, 20))  # after the date
    basis = reception_basis(COUNTED_ON)
    assert basis.permits == {ADULTS: 105, MINORS: 10, UNDER_15: 0}
    assert basis.asylum_seekers[ADULTS] == 400
    need = _forecast(
        planner,
        ForecastInput(
            counted_on=COUNTED_ON,
            permit_under_15=3,
            groups={
                MINORS: GroupInput(decisions=40, rate=Decimal("87.5"), family=0, quota=12),
                UNDER_15: GroupInput(decisions=8, rate=Decimal("50"), family=1, quota=4),
            },
        ),
    )
    # Minors: 10 + 3 in reception, 35 + 4 expected, 0 + 1 family, 12 + 4 quota.
    assert need.unaccompanied_minors == 69
    assert _part(need, NeedPart.PERMIT_IN_RECEPTION, UNDER_15).computed == 3
    assert need.from_reception == 105 + 10 + 3 + 35 + 4


def test_bad_inputs_are_refused_by_field_in_norwegian(planner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        _forecast(
            planner,
            ForecastInput(
                counted_on=datetime.date(2026, 12, 1),
                permit_under_15=-1,
                groups={
                    ADULTS: GroupInput(decisions=None, rate=Decimal("100.01")),
                    MINORS: GroupInput(rate=Decimal("70.333"), quota=2**31),
                },
            ),
        )
    errors = refused.value.message_dict
    assert errors["counted_on"] == ["Tellingene kan ikke være fra fremtiden (i dag er 24.11.2026)."]
    assert errors["permit_under_15"] == ["Antallet kan ikke være negativt."]
    assert errors["decisions_adults_families"] == ["Fyll inn antallet (0 hvis ingen)."]
    assert errors["rate_adults_families"] == ["Andelen må være fra 0 til 100 %."]
    assert errors["rate_unaccompanied_minors"] == [
        "Skriv andelen med høyst to desimaler, for eksempel 70,33."
    ]
    assert errors["quota_unaccompanied_minors"] == ["Antallet er for stort."]  # for the database
    assert not SettlementNeed.objects.exists()


def test_forecasting_again_needs_a_reason_and_the_version(planner: User, reception: None) -> None:
    need = _forecast(planner)
    with pytest.raises(ValidationError) as refused:
        _forecast(planner, version=need.version)
    assert "Skriv hvorfor behovet endres" in refused.value.message_dict["reason"][0]
    with pytest.raises(ValidationError, match="ingenting å lagre"):
        _forecast(planner, version=need.version, reason="Nye tall")
    with pytest.raises(ConflictError):
        _forecast(planner, reason="Nye tall")  # version 0: the form was opened before


def test_the_four_figures_of_a_forecast_are_not_revised_directly(
    planner: User, reception: None
) -> None:
    need = _forecast(planner)
    with pytest.raises(ValidationError, match="beregnet fra en prognose"):
        need_save(
            ctx=AccessContext(user=planner, route="test"),
            year=2026,
            from_reception=1,
            outside_reception=1,
            transfer_refugees=1,
            unaccompanied_minors=0,
            reason="Direkte",
            version=need.version,
        )


def test_a_municipal_caseworker_cannot_forecast() -> None:
    with pytest.raises(PermissionDenied):
        _forecast(make_user(municipality_number="0301"))


# --- Adjusting a part -------------------------------------------------------------------------


def test_an_adjustment_needs_a_reason(planner: User, reception: None) -> None:
    need = _forecast(planner)
    with pytest.raises(ValidationError) as refused:
        _adjust(planner, reason="  ", version=need.version)
    assert refused.value.message_dict["reason"] == [
        "Skriv hvorfor delen justeres, for eksempel «kvoten er økt i revidert budsjett»."
    ]
    assert need.revisions.count() == 1


def test_an_adjustment_with_a_reason_changes_the_need_and_keeps_a_revision_with_the_parts(
    planner: User, reception: None
) -> None:
    need = _forecast(planner)
    need = _adjust(planner, version=need.version)
    assert (need.transfer_refugees, need.total, need.version) == (2900, 5270, 2)
    quota = _part(need, NeedPart.RESETTLEMENT_QUOTA, ADULTS)
    assert (quota.computed, quota.adjusted, quota.value) == (2930, 2900, 2900)
    assert quota.reason == "Kvoten er redusert i revidert budsjett"
    latest, first = need.revisions.all()
    assert latest.reason == "Kvoten er redusert i revidert budsjett"
    assert latest.revised_by == planner and latest.transfer_refugees == 2900
    snapshot = {(p["part"], p["group"]): p for p in latest.parts}
    assert snapshot[("resettlement_quota", "adults_families")] == {
        "part": "resettlement_quota",
        "group": "adults_families",
        "basis": None,
        "rate": None,
        "computed": 2930,
        "adjusted": 2900,
        "reason": "Kvoten er redusert i revidert budsjett",
        "value": 2900,
    }
    assert snapshot[("expected_permits", "adults_families")]["rate"] == "70.33"
    before = {(p["part"], p["group"]): p for p in first.parts}
    assert before[("resettlement_quota", "adults_families")]["adjusted"] is None


def test_an_adjustment_to_the_computed_figure_clears_it_and_none_to_clear_is_refused(
    planner: User, reception: None
) -> None:
    need = _forecast(planner)
    with pytest.raises(ValidationError) as refused:
        _adjust(planner, adjusted=2930, version=need.version)
    assert "ingenting å justere" in refused.value.message_dict["adjusted"][0]
    need = _adjust(planner, version=need.version)
    need = _adjust(planner, adjusted=2930, reason="Kvoten er som før", version=need.version)
    quota = _part(need, NeedPart.RESETTLEMENT_QUOTA, ADULTS)
    assert (quota.adjusted, quota.reason, need.transfer_refugees) == (None, "", 2930)
    assert need.revisions.count() == 3


def test_forecasting_again_keeps_the_adjustments(planner: User, reception: None) -> None:
    need = _adjust(planner, version=_forecast(planner).version)
    again = ForecastInput(
        counted_on=COUNTED_ON,
        groups={ADULTS: GroupInput(decisions=3100, rate=Decimal("70.33"), family=150, quota=2950)},
    )
    need = _forecast(planner, again, reason="Flere asylsøkere", version=need.version)
    quota = _part(need, NeedPart.RESETTLEMENT_QUOTA, ADULTS)
    assert (quota.computed, quota.adjusted) == (2950, 2900)
    assert _part(need, NeedPart.EXPECTED_PERMITS, ADULTS).computed == 2180  # 2 180,23
    assert need.transfer_refugees == 2900


def test_a_stale_version_is_a_conflict_and_saves_nothing(planner: User, reception: None) -> None:
    need = _forecast(planner)
    _adjust(planner, version=need.version)
    with pytest.raises(ConflictError):
        _adjust(planner, adjusted=2800, version=need.version)
    need.refresh_from_db()
    assert need.transfer_refugees == 2900 and need.revisions.count() == 2


def test_a_need_without_parts_has_nothing_to_adjust(planner: User) -> None:
    need = need_save(
        ctx=AccessContext(user=planner, route="test"),
        year=2026,
        from_reception=2220,
        outside_reception=150,
        transfer_refugees=2930,
        unaccompanied_minors=270,
    )
    with pytest.raises(ValidationError, match="ingen deler å justere"):
        _adjust(planner, version=need.version)


def test_a_printed_total_needs_its_source_and_can_be_taken_away(
    planner: User, reception: None
) -> None:
    need = _forecast(planner)
    ctx = AccessContext(user=planner, route="test")
    with pytest.raises(ValidationError) as refused:
        need_printed_total_save(
            ctx=ctx, year=2026, printed_total=5350, reason="Trykt", version=need.version
        )
    assert "Skriv hvor totalen står trykt" in refused.value.message_dict["printed_source"][0]
    need = _seed_2019(planner, need)
    need = need_printed_total_save(
        ctx=ctx, year=2026, printed_total=None, reason="Bruker summen", version=need.version
    )
    assert (need.printed_total, need.printed_source, need.stated_total) == (None, "", 5300)


# --- The pages --------------------------------------------------------------------------------


def _forecast_form(**changes: str) -> dict[str, str]:
    form = {
        "counted_on": "01.11.2026",
        "permit_under_15": "0",
        "note": "",
        "reason": "",
        "version": "0",
    }
    for group in (ADULTS, MINORS, UNDER_15):
        form |= {f"decisions_{group}": "0", f"rate_{group}": "0"}
        form |= {f"family_{group}": "0", f"quota_{group}": "0"}
    form |= {
        "decisions_adults_families": "3 000",
        "rate_adults_families": "70,33",
        "family_adults_families": "150",
        "quota_adults_families": "2 930",
    }
    return form | changes


def test_the_planner_forecasts_on_the_page_and_sees_the_printed_total(
    planner: User, reception: None
) -> None:
    client = client_for(planner)
    page = client.get("/bosetting/2026/behov/prognose/")
    assert page.status_code == 200
    assert "Mottakstallene per 24.11.2026" in page.content.decode()
    assert "<legend" in page.content.decode()

    saved = client.post("/bosetting/2026/behov/prognose/", _forecast_form(), follow=True)
    body = saved.content.decode()
    assert "Bosettingsbehovet for 2026 er beregnet." in body
    assert f"2{NBSP}110" in body and f"5{NBSP}300" in body
    again = client.get("/bosetting/2026/behov/prognose/").content.decode()
    assert 'value="70,33"' in again and 'value="2930"' in again  # the saved inputs, to revise

    need = SettlementNeed.objects.get(year=2026)
    printed = client.post(
        "/bosetting/2026/behov/trykt-total/",
        {
            "printed_total": "5 350",
            "printed_source": SOURCE,
            "reason": "Slik seed 001 trykker den",
            "version": str(need.version),
        },
        follow=True,
    )
    body = printed.content.decode()
    assert (
        f"Trykt total 5{NBSP}350 · summen av delene 5{NBSP}300 · differanse 50" in body
    )  # on the need's figures and in the revision's
    assert "<caption" in body and 'scope="rowgroup"' in body


def test_bad_forecast_input_on_the_page_is_422_and_keeps_it(planner: User) -> None:
    response = client_for(planner).post(
        "/bosetting/2026/behov/prognose/",
        _forecast_form(rate_adults_families="70,333", quota_under_15="mange"),
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Skriv andelen med høyst to desimaler, for eksempel 70,33." in body
    assert "Skriv et helt tall, for eksempel 2930." in body
    assert 'value="70,333"' in body
    assert not SettlementNeed.objects.exists()


def test_the_planner_adjusts_a_part_on_the_page(planner: User, reception: None) -> None:
    need = _forecast(planner)
    client = client_for(planner)
    page = client.get("/bosetting/2026/behov/juster/?part=resettlement_quota&group=adults_families")
    assert page.status_code == 200
    assert f"2{NBSP}930" in page.content.decode()
    form = {
        "part": "resettlement_quota",
        "group": "adults_families",
        "adjusted": "2 900",
        "reason": "",
        "version": str(need.version),
    }
    no_reason = client.post("/bosetting/2026/behov/juster/", form)
    assert no_reason.status_code == 422
    assert "Skriv hvorfor delen justeres" in no_reason.content.decode()
    saved = client.post("/bosetting/2026/behov/juster/", form | {"reason": "Ny kvote"}, follow=True)
    body = saved.content.decode()
    assert "Ny kvote" in body and "justert fra 2" in body
    stale = client.post("/bosetting/2026/behov/juster/", form | {"reason": "Gammel"})
    assert stale.status_code == 409
    assert "Noen andre har lagret endringer" in stale.content.decode()


def test_the_figures_form_is_not_offered_for_a_forecast_and_its_post_is_refused(
    planner: User, reception: None
) -> None:
    need = _forecast(planner)
    client = client_for(planner)
    page = client.get("/bosetting/2026/behov/").content.decode()
    assert "Behovet er beregnet fra en prognose" in page
    assert 'name="from_reception"' not in page
    figures = {"from_reception": "1", "outside_reception": "1", "transfer_refugees": "1"}
    posted = client.post(
        "/bosetting/2026/behov/",
        figures | {"unaccompanied_minors": "0", "reason": "Direkte", "version": str(need.version)},
    )
    assert posted.status_code == 422
    assert "tallene følger av delene" in posted.content.decode()
    assert SettlementNeed.objects.get(year=2026).total == 5300


def test_a_municipal_caseworker_gets_404_on_the_forecast_pages() -> None:
    client = client_for(make_user(municipality_number="0301"))
    for url in ("prognose", "juster", "trykt-total"):
        assert client.get(f"/bosetting/2026/behov/{url}/").status_code == 404
    assert client.post("/bosetting/2026/behov/prognose/", _forecast_form()).status_code == 404
    assert not SettlementNeed.objects.exists()


# --- The API ----------------------------------------------------------------------------------


def _api(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(
        f"/api/v1/settlement/needs/2026{path}", body, content_type="application/json"
    )


def test_the_api_forecasts_adjusts_and_reads_the_parts_and_the_printed_total(
    planner: User, reception: None
) -> None:
    client = client_for(planner)
    body = {
        "counted_on": "2026-11-01",
        "decisions_adults_families": 3000,
        "rate_adults_families": "70.33",
        "family_adults_families": 150,
        "quota_adults_families": 2930,
    }
    created = _api(client, "post", "/forecast", body)
    assert created.status_code == 201
    need = created.json()
    assert (need["total"], need["sum_of_parts"], need["version"]) == (5300, 5300, 1)
    assert need["counted_on"] == "2026-11-01"
    parts = {(p["part"], p["group"]): p for p in need["parts"]}
    assert len(parts) == 12
    assert parts[("expected_permits", "adults_families")] == {
        "part": "expected_permits",
        "group": "adults_families",
        "basis": 3000,
        "rate": "70.33",
        "computed": 2110,
        "adjusted": None,
        "reason": "",
        "value": 2110,
    }

    printed = _api(
        client,
        "put",
        "/printed-total",
        {"printed_total": 5350, "printed_source": SOURCE, "reason": "Trykt", "version": 1},
    )
    assert printed.status_code == 200
    need = printed.json()
    assert (need["printed_total"], need["stated_total"], need["difference"]) == (5350, 5350, 50)

    adjust = {"part": "resettlement_quota", "group": "adults_families", "adjusted": 2900}
    no_reason = _api(client, "put", "/parts", adjust | {"version": 2})
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["errors"]
    adjusted = _api(client, "put", "/parts", adjust | {"version": 2, "reason": "Ny kvote"})
    assert adjusted.status_code == 200
    need = adjusted.json()
    assert (need["total"], need["difference"], need["version"]) == (5270, 80, 3)
    stale = _api(client, "put", "/parts", adjust | {"adjusted": 1, "version": 2, "reason": "X"})
    assert stale.status_code == 409

    read = client.get("/api/v1/settlement/needs/2026").json()
    assert read["from_reception"] == 2220 and read["transfer_refugees"] == 2900  # old keys
    assert [r["reason"] for r in read["revisions"]] == ["Ny kvote", "Trykt", ""]
    assert [r["printed_total"] for r in read["revisions"]] == [5350, 5350, None]
    assert all(len(r["parts"]) == 12 for r in read["revisions"])


def test_the_api_refuses_bad_forecast_input_by_field(planner: User) -> None:
    response = _api(
        client_for(planner), "post", "/forecast", {"rate_under_15": "150", "permit_under_15": -2}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["rate_under_15"] == ["Andelen må være fra 0 til 100 %."]
    assert errors["permit_under_15"] == ["Antallet kan ikke være negativt."]


def test_municipal_users_get_404_on_the_forecast_api() -> None:
    client = client_for(make_user(municipality_number="0301"))
    assert _api(client, "post", "/forecast", {}).status_code == 404
    assert (
        _api(client, "put", "/parts", {"part": "x", "group": "y", "version": 1}).status_code == 404
    )
    assert (
        _api(client, "put", "/printed-total", {"printed_total": 1, "version": 1}).status_code == 404
    )
    assert not SettlementNeed.objects.exists()
