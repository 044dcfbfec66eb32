"""Answering the municipal survey by link: no login, a draft, submitting once, closing date,
skip logic, required questions and values outside the choices."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from integrering.surveys.models import Answer, Invitation, InvitationStatus, SurveyRole
from integrering.surveys.testing import make_invitation, make_survey

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def during() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 12, 10, 12, 0, tzinfo=OSLO), tick=False):
        yield


@pytest.fixture
def link() -> tuple[Invitation, str]:
    questionnaire = make_survey(year=2026).questionnaires.get(role=SurveyRole.INTEGRATION_OFFICER)
    invitation, raw = make_invitation(questionnaire, "4601")
    return invitation, f"/svar/{raw}/"


def _q(invitation: Invitation, code: str) -> str:
    return f"q{invitation.questionnaire.questions.get(code=code).pk}"


def _post(
    client: Client, url: str, invitation: Invitation, action: str, **answers: object
) -> object:
    invitation.refresh_from_db()
    data: dict[str, object] = {"action": action, "version": invitation.version}
    for code, value in answers.items():
        data[_q(invitation, code)] = value
    return client.post(url, data)


def test_an_unknown_link_is_404_and_the_raw_token_is_not_stored(link, during) -> None:  # type: ignore[no-untyped-def]
    invitation, url = link
    client = Client()
    assert client.get("/svar/ikke-en-lenke/").status_code == 404
    assert client.post("/svar/ikke-en-lenke/", {"action": "submit"}).status_code == 404
    raw = url.split("/")[2]
    assert invitation.token_hash != raw and len(invitation.token_hash) == 64


def test_the_page_shows_the_unit_and_its_questionnaire_without_login(link, during) -> None:  # type: ignore[no-untyped-def]
    _, url = link
    response = Client().get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bergen" in page and "integreringsansvarlig" in page
    assert "Hvordan vurderer du samarbeidet med IMDi?" in page
    assert 'type="radio"' in page and 'type="checkbox"' in page and "<textarea" in page
    assert "<legend" in page
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")


def test_a_draft_is_kept_then_submitted_and_a_second_submit_is_refused(link, during) -> None:  # type: ignore[no-untyped-def]
    invitation, url = link
    client = Client()
    response = _post(
        client, url, invitation, "draft", samarbeid_imdi="god", tiltak=["Språkpraksis"]
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DRAFT and invitation.draft_saved_at is not None
    page = client.get(url).content.decode()
    assert 'value="Språkpraksis" checked' in page

    response = _post(client, url, invitation, "submit", samarbeid_imdi="god", bosetting_plan="Ja")
    assert response.status_code == 302  # type: ignore[attr-defined]
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SUBMITTED and invitation.submitted_at is not None
    values = dict(
        Answer.objects.filter(invitation=invitation).values_list("question__code", "value")
    )
    assert values == {"samarbeid_imdi": "god", "bosetting_plan": "Ja"}  # «tiltak» emptied

    receipt = client.get(url).content.decode()
    assert "Svaret er sendt inn" in receipt and "Send inn</button>" not in receipt

    response = _post(
        client, url, invitation, "submit", samarbeid_imdi="darlig", bosetting_plan="Nei"
    )
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "Svaret er sendt inn" in response.content.decode()  # type: ignore[attr-defined]
    assert Answer.objects.get(invitation=invitation, question__code="samarbeid_imdi").value == "god"


def test_after_closing_nothing_is_written(link) -> None:  # type: ignore[no-untyped-def]
    invitation, url = link
    with time_machine.travel(datetime.datetime(2027, 1, 18, 0, 30, tzinfo=OSLO), tick=False):
        response = _post(Client(), url, invitation, "draft", bosetting_plan="Ja")
        assert response.status_code == 409  # type: ignore[attr-defined]
        assert "Undersøkelsen ble stengt" in response.content.decode()  # type: ignore[attr-defined]
        assert "Undersøkelsen ble stengt" in Client().get(url).content.decode()
    assert not Answer.objects.exists()
    # The last day, in Oslo, still counts.
    with time_machine.travel(datetime.datetime(2027, 1, 17, 23, 30, tzinfo=OSLO), tick=False):
        assert _post(Client(), url, invitation, "draft", bosetting_plan="Ja").status_code == 302  # type: ignore[attr-defined]


def test_an_answer_to_a_hidden_question_is_dropped(link, during) -> None:  # type: ignore[no-untyped-def]
    invitation, url = link
    _post(Client(), url, invitation, "submit", bosetting_plan="Ja", bosetting_plan_hvorfor="Fordi")
    codes = set(
        Answer.objects.filter(invitation=invitation).values_list("question__code", flat=True)
    )
    assert codes == {"bosetting_plan"}


def test_a_shown_question_keeps_its_answer(link, during) -> None:  # type: ignore[no-untyped-def]
    invitation, url = link
    _post(
        Client(),
        url,
        invitation,
        "submit",
        bosetting_plan="Nei",
        bosetting_plan_hvorfor="Ingen tid",
    )
    assert (
        Answer.objects.get(invitation=invitation, question__code="bosetting_plan_hvorfor").value
        == "Ingen tid"
    )


def test_a_missing_required_answer_is_listed_and_nothing_is_submitted(link, during) -> None:  # type: ignore[no-untyped-def]
    invitation, url = link
    response = _post(Client(), url, invitation, "submit", samarbeid_imdi="god")
    assert response.status_code == 422  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "Rett disse spørsmålene" in page and "2. Har kommunen en plan for bosetting?" in page
    assert "må besvares før du sender inn" in page
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.INVITED and not Answer.objects.exists()
    assert 'value="god" checked' in page  # the answers are shown again


def test_a_value_outside_the_choices_is_refused(link, during) -> None:  # type: ignore[no-untyped-def]
    invitation, url = link
    for answers in (
        {"bosetting_plan": "Kanskje"},
        {"samarbeid_imdi": "fantastisk"},
        {"tiltak": ["Gratis is"]},
    ):
        response = _post(Client(), url, invitation, "draft", **answers)
        assert response.status_code == 422, answers  # type: ignore[attr-defined]
    assert not Answer.objects.exists()


def test_two_tabs_the_second_save_is_refused_and_shown_again(link, during) -> None:  # type: ignore[no-untyped-def]
    invitation, url = link
    client = Client()
    stale = invitation.version
    _post(client, url, invitation, "draft", bosetting_plan="Ja")
    response = client.post(
        url, {"action": "draft", "version": stale, _q(invitation, "bosetting_plan"): "Nei"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Noen andre har lagret endringer" in page and 'value="Nei" checked' in page
    assert Answer.objects.get(invitation=invitation).value == "Ja"


def test_before_opening_the_link_takes_no_answers(link) -> None:  # type: ignore[no-untyped-def]
    invitation, url = link
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, 0, tzinfo=OSLO), tick=False):
        response = _post(Client(), url, invitation, "draft", bosetting_plan="Ja")
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert not Answer.objects.exists()
