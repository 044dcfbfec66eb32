"""A caseworker makes an individual plan with a participant, evaluates it and reads its versions."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from integrering.casework.services.plan import final_goal_options
from integrering.rules.deadlines import add_months
from tests.browser.conftest import assert_accessible, login


def _oslo_adults(page: Page, live_url: str) -> list[int]:
    """The ids of the persons of 18 or more in Oslo on the caseworker's list."""
    page.goto(f"{live_url}/personer/")
    today = timezone.localdate()
    adult_born_before = today.replace(year=today.year - 18)
    rows = page.locator("#person-results tbody tr")
    expect(rows.first).to_be_visible()
    ids = []
    for row in rows.all():
        cells = row.locator("td").all_inner_texts()
        born = datetime.datetime.strptime(cells[1], "%d.%m.%Y").date()
        if born <= adult_born_before and cells[4] == "Oslo":
            href = row.get_by_role("link").first.get_attribute("href") or ""
            ids.append(int(href.rstrip("/").split("/")[-1]))
    assert ids, "the demo data has no adult in Oslo"
    return ids


def _field(scope: Page | Locator, label: str) -> Locator:
    """The input of a form field by its label (required fields end in an asterisk)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def test_a_caseworker_makes_evaluates_and_changes_a_plan(page: Page, live_url: str) -> None:
    login(page, live_url, "saksbehandler-oslo")
    for person_id in _oslo_adults(page, live_url):
        page.goto(f"{live_url}/personer/{person_id}/plan/")
        if page.get_by_text("har ingen individuell plan ennå").count():
            break
    else:
        raise AssertionError("every Oslo adult in the demo data already has a plan")
    expect(page.get_by_role("heading", name=re.compile("^Individuell plan for"))).to_be_visible()
    assert_accessible(page)

    starts_on = datetime.date.fromisoformat(_field(page, "Planen gjelder fra").input_value())
    final_goal = final_goal_options(starts_on)[-1]
    page.get_by_label(final_goal.label).check()
    _field(page, "Sluttmålet beskrevet").fill("Fagbrev som helsefagarbeider.")
    _field(page, "Delmål 1").fill("Norsk på B1-nivå")
    _field(page, "Delmål 2").fill("Språkpraksis på sykehjem")
    measure = page.get_by_role("group", name="Tiltak 1")
    _field(measure, "Tiltak").fill("Norskopplæring fire dager i uka")
    _field(measure, "Hører til delmål").select_option(label="Delmål 1")
    _field(measure, "Ansvarlig tjeneste").select_option(label="Voksenopplæringen")
    _field(measure, "Fra").fill(starts_on.isoformat())
    _field(measure, "Til").fill((starts_on - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Opprett planen").click()

    expect(page.get_by_role("alert")).to_contain_text("Planen er ikke lagret")
    expect(_field(measure, "Til")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_measures-0-ends_on_error")).to_contain_text("før startdatoen")
    expect(_field(page, "Delmål 2")).to_have_value("Språkpraksis på sykehjem")
    assert_accessible(page)

    _field(measure, "Til").fill(add_months(starts_on, 9).isoformat())
    page.get_by_role("button", name="Opprett planen").click()

    expect(page).to_have_url(re.compile(rf"/personer/{person_id}/plan/$"))
    expect(page.get_by_text("Den individuelle planen er opprettet.")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text(final_goal.label)
    due = add_months(starts_on, 6)
    expect(page.locator("dl.facts")).to_contain_text(f"Senest {due:%d.%m.%Y}")
    measures = page.get_by_role("table", name="Tiltak i planen, med ansvarlig tjeneste")
    expect(measures).to_contain_text("Norskopplæring fire dager i uka")
    expect(measures).to_contain_text("Voksenopplæringen")
    assert_accessible(page)

    evaluated_on = _field(page, "Dato for evalueringen").input_value()
    _field(page, "Vurdering").fill("Deltakeren er fornøyd; norsken går fram.")
    page.get_by_role("group", name=re.compile("Ble det brukt tolk")).get_by_label("Nei").check()
    page.get_by_role("button", name="Registrer evalueringen").click()

    next_due = add_months(datetime.date.fromisoformat(evaluated_on), 6)
    expect(page.get_by_text("Evalueringen er registrert.")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text(f"Senest {next_due:%d.%m.%Y}")
    expect(page.get_by_role("table", name=re.compile("Evalueringer"))).to_contain_text(
        "norsken går fram"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Endre planen").click()
    expect(page.get_by_role("heading", name=re.compile("^Endre individuell plan"))).to_be_visible()
    assert_accessible(page)
    _field(page, "Delmål 2").fill("Arbeidspraksis på sykehjem")
    page.get_by_role("button", name="Lagre planen").click()
    expect(page.get_by_text("Den individuelle planen er lagret (versjon 2).")).to_be_visible()

    page.get_by_role("link", name="Tidligere versjoner").click()
    expect(
        page.get_by_role("heading", name=re.compile("^Versjoner av den individuelle"))
    ).to_be_visible()
    page.get_by_text(re.compile(r"^Versjon 1, lagret")).click()
    first = page.locator("details", has_text="Versjon 1, lagret")
    expect(first).to_contain_text("Språkpraksis på sykehjem")
    expect(page.locator("details", has_text="Versjon 2, lagret")).to_contain_text(
        "Arbeidspraksis på sykehjem"
    )
    assert_accessible(page)
