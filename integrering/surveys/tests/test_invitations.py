"""Invitations to the municipal survey: the population per role, contact import, the links
sent by the background worker, and a new link shown once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import client_for
from integrering.accounts.roles import Role
from integrering.casework.tests.test_household_import import WORKER_DB, run_worker
from integrering.jobs import job_start, jobs_stale_fail
from integrering.organisations.models import Municipality
from integrering.surveys.city_districts import oslo_city_districts
from integrering.surveys.models import (
    MAILING_STALE_MESSAGE,
    Invitation,
    Mailing,
    MailingKind,
    SurveyRole,
)
from integrering.surveys.services.invitations import (
    contacts_import,
    invitation_link_new,
    invitations_create,
    invitations_send,
)
from integrering.surveys.services.mailing import mailing_run
from integrering.surveys.testing import make_survey
from integrering.surveys.tokens import token_hash
from integrering.testing import make_user

D = datetime.date


@pytest.mark.django_db
def test_every_municipality_is_invited_per_role_and_oslos_districts_for_two_roles() -> None:
    survey = make_survey(year=2026)
    municipalities = Municipality.objects.valid_on(survey.opens_on).count()
    districts = len(oslo_city_districts())
    assert districts == 15
    made = invitations_create(survey=survey)
    counts = {q.role: q.invitations.count() for q in survey.questionnaires.all()}
    assert counts == {
        SurveyRole.CHIEF_EXECUTIVE: municipalities + districts,
        SurveyRole.INTEGRATION_OFFICER: municipalities + districts,
        SurveyRole.HEAD_OF_EDUCATION: municipalities,
    }
    assert made == 3 * municipalities + 2 * districts
    assert municipalities == 357  # today's municipalities (seed 004 had 356 in 2021)
    # Idempotent: a second run makes nothing new.
    assert invitations_create(survey=survey) == 0
    assert Invitation.objects.count() == made
    # No address is guessed: e-mail is blank until imported.
    assert not Invitation.objects.exclude(recipient_email="").exists()


@pytest.mark.django_db
def test_a_contact_file_with_bad_rows_lists_them_all_and_writes_nothing() -> None:
    survey = make_survey(year=2026)
    invitations_create(survey=survey)
    content = (
        b"unit_id,role,email\n"
        b"0301,chief_executive,kd@oslo.kommune.no\n"
        b"9999,chief_executive,kd@ukjent.no\n"
        b"4601,mayor,ordforer@bergen.kommune.no\n"
        b"4601,head_of_education,ikke-en-adresse\n"
        b"030101,head_of_education,skole@bydel.no\n"
    )
    with pytest.raises(ValidationError) as exc:
        contacts_import(survey=survey, content=content)
    text = " ".join(exc.value.messages)
    assert "4 linjer har feil" in text
    for line in ("Linje 3", "Linje 4", "Linje 5", "Linje 6"):
        assert line in text
    assert "ikke-en-adresse" in text and "mayor" in text
    assert not Invitation.objects.exclude(recipient_email="").exists()

    good = (
        "unit_id;role;email\n"
        "0301;chief_executive;kd@oslo.kommune.no\n"
        "030101;integration_officer;ia@bga.oslo.kommune.no\n"
    ).encode("utf-8-sig")
    result = contacts_import(survey=survey, content=good)
    assert (result.rows, result.updated) == (2, 2)
    district = Invitation.objects.get(
        district_number="030101", questionnaire__role="integration_officer"
    )
    assert district.recipient_email == "ia@bga.oslo.kommune.no"


@pytest.mark.django_db
def test_sending_mails_a_new_link_and_stores_only_its_hash(settings) -> None:  # type: ignore[no-untyped-def]
    settings.BASE_URL = "https://integrering.example"
    survey = make_survey(year=2026)
    invitations_create(survey=survey)
    contacts_import(
        survey=survey, content=b"unit_id,role,email\n0301,chief_executive,kd@oslo.kommune.no\n"
    )
    invitation = Invitation.objects.get(recipient_email="kd@oslo.kommune.no")
    result = invitations_send(survey_id=survey.pk)
    assert result["sent"] == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kd@oslo.kommune.no"]
    link = next(
        w for w in message.body.split() if w.startswith("https://integrering.example/svar/")
    )
    raw = link.rstrip("/").rsplit("/", 1)[1]
    invitation.refresh_from_db()
    assert invitation.token_hash == token_hash(raw)
    assert raw not in str(list(Invitation.objects.values()))  # the raw token is never stored
    assert invitation.sent_at is not None
    assert "Svarfristen er 17.01.2027" in message.body
    # Sent once: a second run sends nothing.
    assert invitations_send(survey_id=survey.pk)["sent"] == 0


@WORKER_DB
def test_the_analyst_queues_the_links_and_the_worker_sends_them(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    analyst = make_user(roles=[Role.ANALYST])
    survey = make_survey(year=2026, opens_on=D(2026, 11, 1), closes_on=D(2099, 1, 17))
    invitations_create(survey=survey)
    contacts_import(
        survey=survey,
        content=b"unit_id,role,email\n0301,chief_executive,kd@oslo.kommune.no\n"
        b"4601,head_of_education,skole@bergen.kommune.no\n",
    )
    client = client_for(analyst)
    response = client.post(f"/kommuneundersokelse/{survey.pk}/", {"action": "send"})
    assert response.status_code == 302
    task = DBTaskResult.objects.get()
    assert task.status == "READY"
    page = client.get(f"/kommuneundersokelse/{survey.pk}/").content.decode()
    assert "I kø" in page and 'hx-trigger="every 2s"' in page

    run_worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL", task.traceback
    assert task.return_value is not None and task.return_value["sent"] == 2
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 2
    assert len(mail.outbox) == 2
    page = client.get(f"/kommuneundersokelse/{survey.pk}/").content.decode()
    assert "2 e-poster sendt" in page

    # A reminder goes to those who have not submitted, with a new link.
    before = Invitation.objects.get(recipient_email="kd@oslo.kommune.no").token_hash
    client.post(f"/kommuneundersokelse/{survey.pk}/", {"action": "remind"})
    run_worker()
    reminded = Invitation.objects.get(recipient_email="kd@oslo.kommune.no")
    assert reminded.reminders_sent == 1 and reminded.reminded_at is not None
    assert reminded.token_hash != before
    assert mail.outbox[-1].subject.startswith("Påminnelse:")


@pytest.mark.django_db
def test_a_new_link_replaces_the_old_and_is_shown_once() -> None:
    analyst = make_user(roles=[Role.ANALYST])
    survey = make_survey(year=2026)
    invitations_create(survey=survey)
    invitation = Invitation.objects.filter(municipality__number="4601").first()
    assert invitation is not None
    old = invitation_link_new(invitation=invitation)
    client = client_for(analyst)
    page = client.post(
        f"/kommuneundersokelse/invitasjon/{invitation.pk}/", {"action": "link"}
    ).content.decode()
    assert "/svar/" in page and "Den vises bare nå" in page
    assert client.get(old.replace("http://127.0.0.1:8000", "")).status_code == 404
    assert (
        "/svar/"
        not in client.get(f"/kommuneundersokelse/invitasjon/{invitation.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_the_invitation_list_filters_by_role_and_status() -> None:
    analyst = make_user(roles=[Role.ANALYST])
    survey = make_survey(year=2026)
    invitations_create(survey=survey)
    client = client_for(analyst)
    page = client.get(
        f"/kommuneundersokelse/{survey.pk}/invitasjoner/?role=head_of_education&status=invited"
    )
    assert page.status_code == 200
    assert (
        page.context["count"]
        == Invitation.objects.filter(questionnaire__role="head_of_education").count()
    )
    assert (
        client.get(f"/kommuneundersokelse/{survey.pk}/invitasjoner/?status=submitted").context[
            "count"
        ]
        == 0
    )


@pytest.mark.django_db
def test_a_sending_is_a_job_one_at_a_time_and_a_dead_worker_fails_it() -> None:
    analyst = make_user(roles=[Role.ANALYST])
    survey = make_survey(year=2026, opens_on=D(2026, 11, 1), closes_on=D(2099, 1, 17))
    invitations_create(survey=survey)
    contacts_import(
        survey=survey, content=b"unit_id,role,email\n0301,chief_executive,kd@oslo.kommune.no\n"
    )
    client = client_for(analyst)
    sent = client.post(
        f"/api/v1/surveys/{survey.pk}/send", {"reminder": False}, content_type="application/json"
    )
    assert sent.status_code == 202
    body = sent.json()
    assert body["status"] == "queued" and body["kind"] == "survey_links" and body["task_id"]
    mailing = Mailing.objects.get(pk=body["mailing_id"])
    assert mailing.requested_by == analyst

    # A second sending of the same survey waits for the first.
    again = client.post(
        f"/api/v1/surveys/{survey.pk}/send", {"reminder": False}, content_type="application/json"
    )
    assert again.status_code == 422
    assert "En utsending pågår allerede" in again.json()["detail"]

    # The worker takes it and dies: no heartbeat, and the stale check fails it.
    assert job_start(mailing)
    Mailing.objects.filter(pk=mailing.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert jobs_stale_fail() == 1
    status = client.get(f"/api/v1/surveys/{survey.pk}/send/{mailing.pk}").json()
    assert status["status"] == "failed" and status["error"] == MAILING_STALE_MESSAGE
    page = client.get(f"/kommuneundersokelse/{survey.pk}/").content.decode()
    assert "Feilet" in page and "E-poster som alt var sendt, er registrert" in page
    assert 'hx-trigger="every' not in page  # nothing left to poll

    # Another survey's sending is not found under this one; a new sending may start.
    other = make_survey(year=2027)
    assert client.get(f"/api/v1/surveys/{other.pk}/send/{mailing.pk}").status_code == 404
    assert (
        client.post(
            f"/api/v1/surveys/{survey.pk}/send",
            {"reminder": False},
            content_type="application/json",
        ).status_code
        == 202
    )


@pytest.mark.django_db
def test_the_body_counts_progress_and_runs_once(settings) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(year=2026, opens_on=D(2026, 11, 1), closes_on=D(2099, 1, 17))
    invitations_create(survey=survey)
    contacts_import(
        survey=survey,
        content=b"unit_id,role,email\n0301,chief_executive,kd@oslo.kommune.no\n"
        b"4601,head_of_education,skole@bergen.kommune.no\n",
    )
    mailing = Mailing.objects.create(kind=MailingKind.SURVEY_LINKS, survey=survey)
    result = mailing_run(mailing.pk)
    mailing.refresh_from_db()
    assert mailing.status == "done" and (mailing.sent, mailing.total) == (2, 2)
    assert mailing.result == result and result["sent"] == 2 and len(mail.outbox) == 2
    assert mailing_run(mailing.pk) == result  # a task run twice sends once
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_sending_section_counts_the_same_sent_links_as_the_table_above_it() -> None:
    survey = make_survey(year=2026)
    invitations_create(survey=survey)
    client = client_for(make_user(roles=[Role.ANALYST]))
    url = reverse("surveys:survey-detail", kwargs={"survey_id": survey.pk})
    assert "Ingen lenker er sendt ennå." in client.get(url).content.decode()

    # Links sent without a mailing on this page (e.g. imported from an earlier system).
    sent = Invitation.objects.filter(questionnaire__role=SurveyRole.CHIEF_EXECUTIVE)[:3]
    Invitation.objects.filter(pk__in=[i.pk for i in sent]).update(sent_at=timezone.now())
    page = client.get(url).content.decode()

    assert "Ingen lenker er sendt" not in page
    assert "3 lenker er sendt tidligere" in page
    assert "<td>3</td>" in page  # «Lenke sendt» in the questionnaire table
