"""The municipal survey's questionnaires: making a year's survey (optionally copying last year's
questions), questions with skip logic, and the lock once a questionnaire has answers."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError

from conftest import client_for
from integrering.accounts.access import is_analyst
from integrering.accounts.roles import Role
from integrering.surveys.models import Question, QuestionKind, SurveyRole
from integrering.surveys.services.questionnaires import (
    question_add,
    question_delete,
    question_move,
    question_update,
    questionnaires_load,
    survey_create,
)
from integrering.surveys.testing import make_invitation, make_submitted, make_survey
from integrering.testing import make_user

pytestmark = pytest.mark.django_db
D = datetime.date
DATA = Path(__file__).resolve().parents[1] / "data" / "questionnaires-2021.yaml"


@pytest.fixture
def analyst():  # type: ignore[no-untyped-def]
    return make_user(roles=[Role.ANALYST])


def test_a_new_survey_has_a_questionnaire_per_role_and_districts_answer_two() -> None:
    survey = survey_create(
        year=2027, title="K 2027", opens_on=D(2027, 12, 1), closes_on=D(2028, 1, 17)
    )
    roles = {q.role: q.includes_city_districts for q in survey.questionnaires.all()}
    assert roles == {
        SurveyRole.CHIEF_EXECUTIVE: True,
        SurveyRole.INTEGRATION_OFFICER: True,
        SurveyRole.HEAD_OF_EDUCATION: False,
    }


def test_copying_last_year_keeps_codes_and_skip_logic() -> None:
    previous = make_survey(year=2026)
    survey = survey_create(
        year=2027,
        title="K 2027",
        opens_on=D(2027, 12, 1),
        closes_on=D(2028, 1, 17),
        copy_from=previous,
    )
    questionnaire = survey.questionnaires.get(role=SurveyRole.INTEGRATION_OFFICER)
    codes = list(questionnaire.questions.values_list("code", flat=True))
    assert codes == ["samarbeid_imdi", "bosetting_plan", "tiltak", "bosetting_plan_hvorfor"]
    why = questionnaire.questions.get(code="bosetting_plan_hvorfor")
    assert why.show_if_question is not None
    assert why.show_if_question.questionnaire == questionnaire  # the copy, not last year's
    assert why.show_if_value == "Nei"


def test_a_survey_is_refused_for_a_taken_year_and_a_closing_before_opening() -> None:
    make_survey(year=2026)
    with pytest.raises(ValidationError) as exc:
        survey_create(year=2026, title="Igjen", opens_on=D(2026, 12, 1), closes_on=D(2027, 1, 1))
    assert "year" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        survey_create(year=2028, title="Feil", opens_on=D(2028, 12, 1), closes_on=D(2028, 11, 1))
    assert "closes_on" in exc.value.message_dict


def test_skip_logic_must_point_back_to_a_single_choice_with_one_of_its_choices() -> None:
    questionnaire = make_survey().questionnaires.get(role=SurveyRole.CHIEF_EXECUTIVE)
    plan = questionnaire.questions.get(code="bosetting_plan")
    measures = questionnaire.questions.get(code="tiltak")
    with pytest.raises(ValidationError) as exc:
        question_add(
            questionnaire=questionnaire,
            kind=QuestionKind.TEXT,
            text="Hva?",
            show_if_question=plan,
            show_if_value="Kanskje",
        )
    assert "show_if_value" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        question_add(
            questionnaire=questionnaire,
            kind=QuestionKind.TEXT,
            text="Hva?",
            show_if_question=measures,
            show_if_value="Arbeidspraksis",
        )
    assert "show_if_question" in exc.value.message_dict
    # A question cannot depend on a later one.
    first = questionnaire.questions.get(position=1)
    with pytest.raises(ValidationError) as exc:
        question_update(
            question=first,
            kind=first.kind,
            text=first.text,
            show_if_question=plan,
            show_if_value="Ja",
        )
    assert "show_if_question" in exc.value.message_dict
    ok = question_add(
        questionnaire=questionnaire,
        kind=QuestionKind.TEXT,
        text="Hvilken plan?",
        show_if_question=plan,
        show_if_value="Ja",
    )
    assert (ok.position, ok.code) == (5, "hvilken-plan")


def test_choice_questions_need_two_choices_and_likert_has_none() -> None:
    questionnaire = make_survey().questionnaires.first()
    assert questionnaire is not None
    with pytest.raises(ValidationError) as exc:
        question_add(
            questionnaire=questionnaire, kind=QuestionKind.SINGLE, text="Ja?", choices=["Ja"]
        )
    assert "choices" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        question_add(
            questionnaire=questionnaire, kind=QuestionKind.LIKERT, text="Hvor?", choices=["A", "B"]
        )
    assert "choices" in exc.value.message_dict


def test_a_condition_question_cannot_move_below_or_lose_the_choice_or_be_deleted() -> None:
    questionnaire = make_survey().questionnaires.first()
    assert questionnaire is not None
    plan = questionnaire.questions.get(code="bosetting_plan")
    why = questionnaire.questions.get(code="bosetting_plan_hvorfor")
    measures = questionnaire.questions.get(code="tiltak")
    question_move(question=why, up=True)  # above «tiltak», still after «bosetting_plan»
    why.refresh_from_db()
    measures.refresh_from_db()
    assert (why.position, measures.position) == (3, 4)
    with pytest.raises(ValidationError):
        question_move(question=why, up=True)
    with pytest.raises(ValidationError) as exc:
        question_update(
            question=plan, kind=plan.kind, text=plan.text, choices=["Ja", "Vet ikke"], required=True
        )
    assert "choices" in exc.value.message_dict
    with pytest.raises(ValidationError):
        question_delete(question=plan)
    question_delete(question=why)
    assert list(questionnaire.questions.values_list("position", flat=True)) == [1, 2, 3]


def test_questions_are_fixed_once_a_unit_has_answered() -> None:
    questionnaire = make_survey().questionnaires.first()
    assert questionnaire is not None
    invitation, _ = make_invitation(questionnaire)
    make_submitted(invitation, {"bosetting_plan": "Ja"})
    question = questionnaire.questions.first()
    assert question is not None
    with pytest.raises(ValidationError, match="har allerede svar"):
        question_update(question=question, kind=question.kind, text="Nytt")
    with pytest.raises(ValidationError, match="har allerede svar"):
        question_add(questionnaire=questionnaire, kind=QuestionKind.TEXT, text="Nytt")
    with pytest.raises(ValidationError, match="har allerede svar"):
        question_delete(question=question)


def test_the_2021_questionnaires_load_from_the_data_file() -> None:
    survey = survey_create(
        year=2021, title="K 2021", opens_on=D(2021, 12, 13), closes_on=D(2022, 1, 17)
    )
    made = questionnaires_load(survey=survey, data=yaml.safe_load(DATA.read_text(encoding="utf-8")))
    assert made == Question.objects.filter(questionnaire__survey=survey).count()
    for questionnaire in survey.questionnaires.all():
        assert 10 <= questionnaire.questions.count() <= 50, questionnaire.role
        assert questionnaire.questions.filter(kind=QuestionKind.LIKERT).exists()
    # Every scale of seed 004 is used, and every question kind.
    questions = Question.objects.filter(questionnaire__survey=survey)
    assert set(questions.filter(kind=QuestionKind.LIKERT).values_list("scale", flat=True)) == {
        "quality",
        "usefulness",
        "extent",
        "agreement",
        "challenge",
    }
    assert set(questions.values_list("kind", flat=True)) == set(QuestionKind.values)


def test_only_analysts_reach_the_pages(world, analyst) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey()
    questionnaire = survey.questionnaires.first()
    assert questionnaire is not None
    assert is_analyst(analyst) and not is_analyst(world.owner)
    outsider = client_for(world.owner)
    assert outsider.get("/kommuneundersokelse/").status_code == 403
    assert outsider.get(f"/kommuneundersokelse/{survey.pk}/").status_code == 404
    assert outsider.get(f"/kommuneundersokelse/skjema/{questionnaire.pk}/").status_code == 404
    governor_analyst_role = make_user(governor_name="Statsforvalteren i Oslo og Viken")
    assert not is_analyst(governor_analyst_role)
    client = client_for(analyst)
    assert client.get("/kommuneundersokelse/").status_code == 200
    assert client.get(f"/kommuneundersokelse/{survey.pk}/").status_code == 200
    page = client.get(f"/kommuneundersokelse/skjema/{questionnaire.pk}/")
    assert page.status_code == 200
    assert "Hvordan vurderer du samarbeidet med IMDi?" in page.content.decode()


def test_the_analyst_makes_a_survey_and_adds_a_question_in_the_pages(analyst) -> None:  # type: ignore[no-untyped-def]
    client = client_for(analyst)
    response = client.post(
        "/kommuneundersokelse/",
        {
            "year": 2027,
            "title": "Kommuneundersøkelsen 2027",
            "opens_on": "2027-12-01",
            "closes_on": "2028-01-17",
        },
    )
    assert response.status_code == 302
    questionnaire = client.get(response["Location"]).context["questionnaires"][0]
    url = f"/kommuneundersokelse/skjema/{questionnaire.pk}/"
    response = client.post(
        url,
        {
            "action": "add",
            "nytt-kind": "single",
            "nytt-text": "Har kommunen en plan?",
            "nytt-choices": "Ja\nNei",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "action": "add",
            "nytt-kind": "text",
            "nytt-text": "Hvorfor ikke?",
            "nytt-show_if_question": questionnaire.questions.get().pk,
            "nytt-show_if_value": "Kanskje",
        },
    )
    assert response.status_code == 422
    assert "Velg et av svaralternativene" in response.content.decode()
    question = questionnaire.questions.get()
    response = client.post(
        f"/kommuneundersokelse/sporsmal/{question.pk}/",
        {
            "kind": "single",
            "text": "Har kommunen en vedtatt plan?",
            "choices": "Ja\nNei\nVet ikke",
            "code": question.code,
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.choices == ["Ja", "Nei", "Vet ikke"]


def test_the_api_lists_and_makes_surveys_for_analysts_only(world, analyst) -> None:  # type: ignore[no-untyped-def]
    client = client_for(analyst)
    response = client.post(
        "/api/v1/surveys/",
        {"year": 2027, "title": "K 2027", "opens_on": "2027-12-01", "closes_on": "2028-01-17"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    survey_id = response.json()["id"]
    questionnaire_id = response.json()["questionnaires"][0]
    response = client.post(
        f"/api/v1/surveys/questionnaires/{questionnaire_id}/questions",
        {"kind": "likert", "text": "Hvordan vurderer du IMDis veiledning?"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert client.get(f"/api/v1/surveys/{survey_id}/questionnaires").status_code == 200
    assert [s["year"] for s in client.get("/api/v1/surveys/").json()] == [2027]
    other = client_for(world.owner)
    assert other.get("/api/v1/surveys/").status_code == 403
    assert other.get(f"/api/v1/surveys/{survey_id}").status_code == 404
    assert other.post(f"/api/v1/surveys/{survey_id}/invitations").status_code == 404
