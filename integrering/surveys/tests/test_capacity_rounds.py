"""The capacity survey in the product: the governor opens a round (once per quarter), the
municipal leader answers (draft, submit, edit until the closing date, 409 on a concurrent save),
reminders go through the real worker, and the results per service and county with the change
from the previous round."""

from __future__ import annotations

import datetime
import json
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import World, client_for
from integrering.accounts.models import User
from integrering.accounts.roles import Role
from integrering.audit.services import AccessContext
from integrering.casework.tests.test_household_import import WORKER_DB, run_worker
from integrering.surveys.models import (
    CapacityLevel,
    CapacityResponse,
    CapacityRound,
    CapacityService,
)
from integrering.surveys.services.capacity import (
    capacity_reminders_send,
    capacity_round_open,
    national_results,
    round_municipalities,
    round_results,
)
from integrering.surveys.testing import OSLO_GOVERNOR, make_capacity_response, make_capacity_round
from integrering.testing import make_user, municipality, post_confirmed

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
DAY = datetime.datetime(2026, 4, 10, 12, 0, tzinfo=OSLO)
ALL_GOOD = {service: "god" for service in CapacityService.values}


@pytest.fixture
def frozen() -> object:
    with time_machine.travel(DAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def governor(db: None) -> User:
    return make_user(governor_name=OSLO_GOVERNOR, username="sf-oslo")


@pytest.fixture
def leader(db: None) -> User:
    user = make_user(municipality_number="0301", roles=[Role.MUNICIPAL_LEADER], username="leder")
    User.objects.filter(pk=user.pk).update(email="leder@oslo.kommune.no")
    return User.objects.get(pk=user.pk)


def answer_post(levels: dict[str, str], *, version: int, action: str = "submit") -> dict[str, str]:
    data = {"version": str(version), "action": action}
    for service, level in levels.items():
        data[f"level_{service}"] = level
        data[f"comment_{service}"] = ""
    return data


# --- Opening -------------------------------------------------------------------------------


def test_the_governor_opens_a_round_for_its_counties_municipalities(
    frozen: object, governor: User
) -> None:
    response = client_for(governor).post(
        "/kapasitet/ny/",
        {"year": "2026", "quarter": "2", "closes_on": "2026-05-01", "note": "Frist 1. mai"},
    )
    round = CapacityRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/kapasitet/{round.pk}/"
    assert (round.opened_on, round.closes_on, round.opened_by) == (
        DAY.date(),
        datetime.date(2026, 5, 1),
        governor,
    )
    numbers = set(round_municipalities(round).values_list("number", flat=True))
    assert "0301" in numbers and "4601" not in numbers


def test_one_round_per_governor_and_quarter_with_a_clear_message(
    frozen: object, governor: User
) -> None:
    make_capacity_round(year=2026, quarter=2)
    response = client_for(governor).post(
        "/kapasitet/ny/", {"year": "2026", "quarter": "2", "closes_on": "2026-05-01"}
    )
    assert response.status_code == 422
    assert "har allerede åpnet kartleggingen for 2. kvartal 2026" in response.content.decode()
    assert CapacityRound.objects.count() == 1
    # Another governor may open the same quarter.
    vestland = make_user(governor_name="Statsforvalteren i Vestland")
    capacity_round_open(
        ctx=AccessContext(user=vestland, route="test"),
        year=2026,
        quarter=2,
        closes_on=datetime.date(2026, 5, 1),
    )
    assert CapacityRound.objects.count() == 2


def test_a_closing_date_before_the_opening_is_refused(frozen: object, governor: User) -> None:
    with pytest.raises(ValidationError) as refused:
        capacity_round_open(
            ctx=AccessContext(user=governor, route="test"),
            year=2026,
            quarter=2,
            closes_on=datetime.date(2026, 4, 1),
        )
    assert "closes_on" in refused.value.message_dict


def test_only_county_governor_officers_open_rounds(world: World) -> None:
    assert client_for(world.owner).get("/kapasitet/ny/").status_code == 403
    assert client_for(world.owner).get("/kapasitet/").status_code == 403


# --- Answering -----------------------------------------------------------------------------


def test_the_leader_saves_a_draft_then_submits_and_may_edit_until_the_closing_date(
    frozen: object, leader: User
) -> None:
    round = make_capacity_round(year=2026, quarter=2)
    client = client_for(leader)
    url = f"/kapasitet/{round.pk}/svar/"
    page = client.get(url).content.decode()
    assert "<fieldset" in page and "<legend" in page and "Fastlege" in page

    draft = client.post(url, answer_post({"gp": "kritisk"}, version=0, action="draft"))
    assert draft.status_code == 302
    response = CapacityResponse.objects.get()
    assert response.submitted_at is None and response.version == 1

    incomplete = client.post(url, answer_post({"gp": "kritisk"}, version=1))
    assert incomplete.status_code == 422
    assert "Velg kapasiteten for boliger før du sender inn" in incomplete.content.decode()

    levels = {**ALL_GOOD, "gp": "kritisk"}
    assert client.post(url, answer_post(levels, version=1)).status_code == 302
    response.refresh_from_db()
    assert response.submitted_at is not None and response.submitted_by == leader
    assert response.answers.get(service="gp").level == CapacityLevel.CRITICAL

    edited = client.post(url, answer_post({**levels, "gp": "god"}, version=2))
    assert edited.status_code == 302
    assert response.answers.get(service="gp").level == "god"


def test_a_concurrent_save_is_refused_with_a_message_and_the_input_kept(
    frozen: object, leader: User
) -> None:
    round = make_capacity_round(year=2026, quarter=2)
    url = f"/kapasitet/{round.pk}/svar/"
    client = client_for(leader)
    client.post(url, answer_post(ALL_GOOD, version=0))
    stale = client.post(url, answer_post({**ALL_GOOD, "school": "kritisk"}, version=0))
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Noen andre har lagret endringer i svaret" in page
    assert 'value="kritisk" checked' in page or "checked" in page
    assert CapacityResponse.objects.get().answers.get(service="school").level == "god"


def test_after_the_closing_date_the_answer_is_refused_with_a_clear_message(
    leader: User,
) -> None:
    round = make_capacity_round(
        year=2026,
        quarter=2,
        opened_on=datetime.date(2026, 4, 1),
        closes_on=datetime.date(2026, 4, 22),
    )
    client = client_for(leader)
    url = f"/kapasitet/{round.pk}/svar/"
    with time_machine.travel(datetime.datetime(2026, 4, 23, 9, 0, tzinfo=OSLO), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        assert "Svarfristen gikk ut 22.04.2026" in page.content.decode()
        refused = client.post(url, answer_post(ALL_GOOD, version=0))
        assert refused.status_code == 422
        assert "Svarfristen for kartleggingen gikk ut 22.04.2026" in refused.content.decode()
    assert not CapacityResponse.objects.exists()


def test_only_the_leader_of_a_municipality_in_the_round_reaches_the_answer(
    frozen: object, world: World, leader: User, governor: User
) -> None:
    round = make_capacity_round(year=2026, quarter=2)
    url = f"/kapasitet/{round.pk}/svar/"
    bergen_leader = make_user(municipality_number="4601", roles=[Role.MUNICIPAL_LEADER])
    for user in (world.owner, bergen_leader, governor):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(url, answer_post(ALL_GOOD, version=0)).status_code == 404
    assert client_for(leader).get(url).status_code == 200


# --- API -----------------------------------------------------------------------------------


def test_the_api_put_saves_with_the_version_and_answers_409_and_422(
    frozen: object, leader: User, governor: User
) -> None:
    round = make_capacity_round(year=2026, quarter=2)
    client = client_for(leader)
    url = f"/api/v1/capacity/{round.pk}/answer"

    def put(version: int, levels: dict[str, str], submit: bool = True) -> object:
        body = {
            "version": version,
            "submit": submit,
            "answers": [{"service": s, "level": lv, "comment": ""} for s, lv in levels.items()],
        }
        return client.put(url, data=json.dumps(body), content_type="application/json")

    first = put(0, ALL_GOOD)
    assert first.status_code == 200, first.content  # type: ignore[attr-defined]
    assert first.json()["version"] == 1  # type: ignore[attr-defined]
    assert put(0, ALL_GOOD).status_code == 409  # type: ignore[attr-defined]
    bad = put(1, {**ALL_GOOD, "gp": "bra"})
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert "Ukjent nivå «bra»" in bad.json()["detail"]  # type: ignore[attr-defined]

    listed = client_for(governor).get("/api/v1/capacity/").json()
    assert [r["id"] for r in listed] == [round.pk]
    detail = client_for(governor).get(f"/api/v1/capacity/{round.pk}").json()
    gp = next(s for s in detail["results"]["services"] if s["service"] == "gp")
    assert gp["total"]["answered"] == 1
    assert client_for(leader).get(f"/api/v1/capacity/{round.pk}").status_code == 404


# --- Reminders -----------------------------------------------------------------------------


def test_reminders_mail_the_leaders_of_municipalities_that_have_not_submitted(
    frozen: object, leader: User
) -> None:
    round = make_capacity_round(year=2026, quarter=2)
    drammen = make_user(municipality_number="3301", roles=[Role.MUNICIPAL_LEADER])
    User.objects.filter(pk=drammen.pk).update(email="leder@drammen.kommune.no")
    make_capacity_response(round, "3301", ALL_GOOD)  # Drammen has answered

    result = capacity_reminders_send(round_id=round.pk)

    assert result["sent"] == 1
    assert result["municipalities"] == round_municipalities(round).count() - 1
    assert [m.to for m in mail.outbox] == [["leder@oslo.kommune.no"]]
    assert f"/kapasitet/{round.pk}/svar/" in mail.outbox[0].body
    assert "Oslo" in mail.outbox[0].subject
    round.refresh_from_db()
    assert round.reminders_sent == 1 and round.reminded_at is not None


@WORKER_DB
def test_send_purring_is_queued_and_sent_by_the_worker(governor: User, leader: User) -> None:
    today = timezone.localdate()
    round = make_capacity_round(
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        opened_on=today,
        closes_on=today + datetime.timedelta(days=10),
    )
    client = client_for(governor)
    response = client.post(f"/kapasitet/{round.pk}/purring/")
    assert response.status_code == 302
    assert "Purringen sendes nå" in client.get(f"/kapasitet/{round.pk}/").content.decode()

    run_worker()

    round.refresh_from_db()
    assert round.reminders_sent == 1 and round.reminded_at is not None
    page = client.get(f"/kapasitet/{round.pk}/").content.decode()
    assert "Purringen er sendt" in page and "1 e-poster til lederne" in page


def test_only_the_rounds_governor_sends_reminders(frozen: object, world: World) -> None:
    round = make_capacity_round(year=2026, quarter=2)
    vestland = make_user(governor_name="Statsforvalteren i Vestland")
    assert client_for(vestland).post(f"/kapasitet/{round.pk}/purring/").status_code == 404
    assert client_for(world.owner).get(f"/kapasitet/{round.pk}/").status_code == 404


def test_the_governor_closes_a_round_early_after_a_page_that_says_who_has_not_answered(
    frozen: object, governor: User, leader: User
) -> None:
    round = make_capacity_round(year=2026, quarter=2)  # open 01.04.2026 to 22.04.2026
    make_capacity_response(round, "3301")
    make_capacity_response(round, "3201", submitted=False)
    total = round_municipalities(round).count()
    client = client_for(governor)
    url = f"/kapasitet/{round.pk}/avslutt/"
    assert "Avslutt kartleggingen" in client.get(f"/kapasitet/{round.pk}/").content.decode()

    asked = client.post(url)
    page = asked.content.decode()
    assert f"1 av {total} kommuner har sendt inn." in page
    assert f"{total - 1} kommuner som ikke har sendt inn, kan ikke lenger svare" in page
    assert "1 utkast til svar blir aldri sendt inn." in page
    round.refresh_from_db()
    assert round.closed_at is None  # asked, not closed

    done = post_confirmed(client, url, follow=True).content.decode()
    assert "Kartleggingen for 2. kvartal 2026 er avsluttet." in done
    assert "(avsluttet 10.04.2026)" in done and "Send purring" not in done
    round.refresh_from_db()
    assert round.closed_at is not None
    refused = client_for(leader).post(
        f"/kapasitet/{round.pk}/svar/", answer_post(ALL_GOOD, version=0)
    )
    assert "Statsforvalteren avsluttet kartleggingen 10.04.2026" in refused.content.decode()
    assert not CapacityResponse.objects.filter(round=round, municipality__number="0301").exists()
    again = client.post(url, follow=True).content.decode()
    assert "ble avsluttet 10.04.2026" in again


def test_only_the_rounds_governor_closes_it(frozen: object, world: World) -> None:
    round = make_capacity_round(year=2026, quarter=2)
    vestland = make_user(governor_name="Statsforvalteren i Vestland")
    assert client_for(vestland).post(f"/kapasitet/{round.pk}/avslutt/").status_code == 404
    assert client_for(world.owner).post(f"/kapasitet/{round.pk}/avslutt/").status_code == 404
    round.refresh_from_db()
    assert round.closed_at is None


# --- Results -------------------------------------------------------------------------------


def _answers(round: CapacityRound, gp_levels: dict[str, str]) -> None:
    for number, level in gp_levels.items():
        make_capacity_response(round, number, {**ALL_GOOD, "gp": level})


def test_results_per_service_and_county_with_the_change_from_the_previous_round(
    frozen: object, governor: User
) -> None:
    before = make_capacity_round(year=2026, quarter=1)
    now = make_capacity_round(year=2026, quarter=2)
    _answers(before, {"0301": "god", "3301": "god", "3201": "kritisk", "3203": "god"})  # 25 %
    _answers(
        now,
        {
            "0301": "kritisk",
            "3301": "utfordrende",
            "3201": "kritisk",
            "3203": "god",
            "3205": "god",
            "3207": "god",
            "3209": "utfordrende",
            "3212": "god",
            "3214": "god",
        },
    )  # 4 of 9
    make_capacity_response(now, "3216", {**ALL_GOOD, "gp": "kritisk"}, submitted=False)  # draft

    results = round_results(now)
    gp = next(s for s in results.services if s.service == "gp")
    assert (gp.total.share.answered, gp.total.share.challenging_or_critical) == (9, 4)
    assert gp.total.share.percent == Decimal("44.4")
    assert gp.total.change == Decimal("19.4")
    oslo = next(c for c in gp.counties if c.name.startswith("03"))
    assert (oslo.share.answered, oslo.share.percent, oslo.change) == (
        1,
        Decimal("100.0"),
        Decimal("100.0"),
    )

    page = client_for(governor).get(f"/kapasitet/{now.pk}/").content.decode()
    assert "Utfordrende eller kritisk i 44\xa0% av kommunene (4 av 9)" in page
    assert "+19,4 prosentpoeng" in page
    assert 'role="img"' in page  # a chart per service
    xlsx = client_for(governor).get(f"/kapasitet/{now.pk}/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_national_page_adds_every_governors_round_of_the_quarter(
    frozen: object, world: World
) -> None:
    oslo_round = make_capacity_round(year=2026, quarter=2)
    vest_round = make_capacity_round(
        governor_name="Statsforvalteren i Vestland", year=2026, quarter=2
    )
    _answers(oslo_round, {"0301": "kritisk", "3301": "god"})
    _answers(vest_round, {"4601": "utfordrende", "4602": "god"})

    national = national_results(2026, 2)
    gp = next(s for s in national.services if s.service == "gp")
    assert (gp.total.share.answered, gp.total.share.percent) == (4, Decimal("50.0"))
    assert len(gp.counties) >= 3

    analyst = make_user(roles=[Role.ANALYST])
    page = client_for(analyst).get("/kapasitet/nasjonalt/?kvartal=2026-2")
    assert page.status_code == 200
    assert "Utfordrende eller kritisk i 50\xa0% av kommunene (2 av 4)" in page.content.decode()
    api = client_for(analyst).get("/api/v1/capacity/national?year=2026&quarter=2")
    assert api.status_code == 200
    gp_api = next(s for s in api.json()["services"] if s["service"] == "gp")
    assert (gp_api["total"]["answered"], gp_api["total"]["percent"]) == (4, 50.0)
    assert client_for(world.owner).get("/api/v1/capacity/national").status_code == 403
    assert client_for(world.owner).get("/kapasitet/nasjonalt/").status_code == 403
    assert client_for(analyst).get("/kapasitet/").status_code == 200
    assert municipality("0301").county.county_governor.name == OSLO_GOVERNOR


def test_the_home_page_lists_the_leaders_open_rounds(frozen: object, leader: User) -> None:
    round = make_capacity_round(year=2026, quarter=2)
    page = client_for(leader).get("/kapasitet/").content.decode()
    assert f"/kapasitet/{round.pk}/svar/" in page


def test_the_leaders_list_puts_the_nearest_deadline_first_then_the_closed_rounds_newest_first(
    frozen: object, leader: User
) -> None:
    later = make_capacity_round(year=2026, quarter=2, closes_on=datetime.date(2026, 4, 30))
    sooner = make_capacity_round(
        year=2026,
        quarter=1,
        opened_on=datetime.date(2026, 1, 1),
        closes_on=datetime.date(2026, 4, 15),
    )
    older = make_capacity_round(year=2025, quarter=3)
    newer = make_capacity_round(year=2025, quarter=4)
    make_capacity_response(newer, "0301")

    page = client_for(leader).get("/kapasitet/").content.decode()
    positions = [
        page.index(f"/kapasitet/{sooner.pk}/svar/"),
        page.index(f"/kapasitet/{later.pk}/svar/"),
        page.index("4. kvartal 2025"),
        page.index("3. kvartal 2025"),
    ]
    assert positions == sorted(positions)
    assert f"/kapasitet/{older.pk}/svar/" not in page  # closed: listed, not offered to answer
    closed = page[page.index("Avsluttede kartlegginger") :]
    assert "sendt inn 10.04.2026" in closed and "ikke sendt inn" in closed


def test_the_national_page_opens_on_the_newest_quarter_that_has_answers(
    frozen: object, world: World
) -> None:
    answered = make_capacity_round(year=2026, quarter=1)
    make_capacity_round(year=2026, quarter=2)  # opened, no one has submitted yet
    unanswered_vest = make_capacity_round(
        governor_name="Statsforvalteren i Vestland", year=2026, quarter=2
    )
    make_capacity_response(unanswered_vest, "4601", submitted=False)  # a draft is no answer
    _answers(answered, {"0301": "kritisk", "3301": "god"})

    analyst = client_for(make_user(roles=[Role.ANALYST]))
    page = analyst.get("/kapasitet/nasjonalt/").content.decode()
    assert '<option value="2026-1" selected' in page
    assert "Utfordrende eller kritisk i 50\xa0% av kommunene (1 av 2)" in page
    # The newer quarter stays choosable.
    assert 'value="2026-2"' in page
