"""Background jobs (``integrering/jobs.py``): one base for the import, the benefit run and the
matcher's computation and confirmation, its helpers, and the rule that a job whose worker died
is failed, with a message the user understands, by the worker's next start and its check every
minute."""

from __future__ import annotations

import datetime
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoCaptureOnCommitCallbacks

from conftest import client_for
from integrering.accounts.models import User
from integrering.casework import tasks as casework_tasks
from integrering.casework.services.household_import_queue import household_import_queue
from integrering.casework.tests.test_household_import import WORKER_DB, run_worker
from integrering.jobs import (
    STALE_MESSAGE,
    JobStatus,
    WorkerLost,
    heartbeat_seconds,
    job_done,
    job_enqueue,
    job_fail,
    job_heartbeat,
    job_models,
    job_progress,
    job_start,
    jobs_heartbeat,
    jobs_stale_fail,
    jobs_watch,
    stale_seconds,
    watch_seconds,
)
from integrering.people.models import HouseholdImport, ImportStatus
from integrering.programme.models import BenefitRun, BenefitRunStatus
from integrering.settlement.models import ConfirmState, MatchRun, MatchRunStatus
from integrering.settlement.testing import make_match_run
from integrering.testing import make_user, municipality

pytestmark = pytest.mark.django_db

CONFIRM = MatchRun.confirm_job_fields


def minutes_ago(minutes: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def make_import(user: User | None = None, **values: object) -> HouseholdImport:
    return HouseholdImport.objects.create(
        municipality=municipality("0301"),
        uploaded_by=user or make_user(municipality_number="0301"),
        filename="liste.csv",
        content=b"husstand;fornavn",
        **values,
    )


def make_benefit_run(**values: object) -> BenefitRun:
    return BenefitRun.objects.create(
        municipality=municipality("0301"), month=datetime.date(2024, 5, 1), **values
    )


def running_import(heartbeat_minutes_ago: float) -> HouseholdImport:
    return make_import(
        status=ImportStatus.RUNNING,
        started_at=minutes_ago(heartbeat_minutes_ago + 1),
        heartbeat_at=minutes_ago(heartbeat_minutes_ago),
    )


# --- The base ---------------------------------------------------------------------------------


def test_every_job_model_is_found_and_keeps_its_own_status_values_and_labels() -> None:
    assert {HouseholdImport, BenefitRun, MatchRun} <= set(job_models())
    for model in job_models():
        values = {value for value, _ in model._meta.get_field("status").choices or []}
        assert {JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED} <= values
    assert ImportStatus.RUNNING.label == "Kjører" and ImportStatus.FAILED.label == "Avvist"
    assert BenefitRunStatus.RUNNING.label == "Beregnes"
    assert HouseholdImport.job_fields.done_status == "succeeded"
    assert BenefitRun.job_fields.done_status == "preview"
    assert MatchRun.job_fields.done_status == "proposed" and CONFIRM.done_status == "done"


def test_job_start_claims_a_queued_job_once_with_its_first_heartbeat() -> None:
    upload = make_import()

    assert job_start(upload, processed_rows=0)

    upload.refresh_from_db()
    assert upload.status == ImportStatus.RUNNING
    assert upload.started_at is not None and upload.heartbeat_at == upload.started_at
    assert not job_start(upload)  # a task run twice does the work once


def test_job_progress_writes_the_count_or_the_percent_and_beats() -> None:
    upload = make_import()
    job_start(upload)
    started = upload.heartbeat_at
    assert started is not None

    assert job_progress(upload, 50, 200)

    upload.refresh_from_db()
    assert (upload.processed_rows, upload.total_rows, upload.progress_percent) == (50, 200, 25)
    assert upload.heartbeat_at is not None and upload.heartbeat_at >= started
    run = MatchRun.objects.create(year=2026)
    job_start(run)
    job_progress(run, 3, 4, stage="Løser")
    run.refresh_from_db()
    assert (run.progress, run.stage) == (75, "Løser")


def test_a_job_that_is_no_longer_running_takes_no_progress() -> None:
    upload = make_import()
    assert not job_progress(upload, 1, 2)
    assert not job_heartbeat(upload)
    upload.refresh_from_db()
    assert (upload.processed_rows, upload.heartbeat_at) == (0, None)


def test_job_done_writes_the_models_own_done_status_and_its_results() -> None:
    run = make_benefit_run()
    job_start(run)

    assert job_done(run, participants=3)

    run.refresh_from_db()
    assert run.status == BenefitRunStatus.PREVIEW and run.get_status_display() == "Forhåndsvisning"
    assert run.participants == 3 and run.error == ""
    assert run.finished_at is not None and run.computed_at == run.finished_at


def test_job_fail_records_the_message_and_what_else_the_model_writes_on_failure() -> None:
    upload = make_import()
    job_start(upload)

    assert job_fail(upload, "Noe gikk galt. Ingenting er lagret.")

    upload.refresh_from_db()
    assert upload.status == ImportStatus.FAILED and upload.finished_at is not None
    assert upload.error == "Noe gikk galt. Ingenting er lagret."
    # The import page and API show the list of errors, and the file is not kept.
    assert [e["text"] for e in upload.errors] == ["Noe gikk galt. Ingenting er lagret."]
    assert bytes(upload.content) == b""


def test_job_fail_leaves_a_job_that_has_ended_alone() -> None:
    upload = make_import()
    job_start(upload)
    job_done(upload)

    assert not job_fail(upload, "for sent")

    upload.refresh_from_db()
    assert upload.status == ImportStatus.SUCCEEDED and upload.error == ""


def test_the_confirmation_is_a_second_job_on_the_matcher_runs_row() -> None:
    run = make_match_run()
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRunStatus.CONFIRMING, confirm_state=ConfirmState.QUEUED
    )
    run.refresh_from_db()

    assert job_start(run, fields=CONFIRM)
    assert job_progress(run, 1, 3, fields=CONFIRM)
    assert job_fail(run, "Bekreftelsen stoppet.", fields=CONFIRM)

    run.refresh_from_db()
    assert (run.confirm_done, run.confirm_total) == (1, 3)
    assert run.confirm_started_at is not None and run.confirm_finished_at is not None
    # Failed: the run is a proposal again, with the message as its problem; its own job is
    # untouched.
    assert run.confirm_state == ConfirmState.FAILED and run.status == MatchRunStatus.PROPOSED
    assert run.confirm_problems == ["Bekreftelsen stoppet."] and run.error == ""


# --- Queueing -----------------------------------------------------------------------------------


def test_job_enqueue_queues_the_task_in_the_callers_transaction_and_records_its_id() -> None:
    user = make_user(municipality_number="0301")
    upload = household_import_queue(
        user=user, municipality=municipality("0301"), filename="a.csv", content=b"x"
    )
    task = DBTaskResult.objects.get(pk=upload.task_id)
    assert task.status == "READY" and task.args_kwargs["args"] == [upload.pk]

    # A job that rolls back leaves no task for the worker.
    with pytest.raises(RuntimeError), transaction.atomic():
        other = make_import(user)
        job_enqueue(casework_tasks.household_import_run, other)
        raise RuntimeError("rolled back")
    assert DBTaskResult.objects.count() == 1


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_with_a_backend_outside_the_database_the_task_is_queued_on_commit(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    upload = make_import()
    backend = casework_tasks.household_import_run.get_backend()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        job_enqueue(casework_tasks.household_import_run, upload)
        assert not backend.results  # type: ignore[attr-defined]
        assert upload.task_id == ""

    assert len(callbacks) == 1
    (result,) = backend.results  # type: ignore[attr-defined]
    assert result.args == [upload.pk]
    assert HouseholdImport.objects.get(pk=upload.pk).task_id == result.id


# --- Stale jobs ---------------------------------------------------------------------------------


def test_a_running_job_with_an_old_heartbeat_is_failed_by_the_check() -> None:
    upload = running_import(heartbeat_minutes_ago=16)

    assert jobs_stale_fail() == 1

    upload.refresh_from_db()
    assert upload.status == ImportStatus.FAILED and upload.finished_at is not None
    assert [e["message"] for e in upload.errors] == [STALE_MESSAGE]
    assert bytes(upload.content) == b""
    assert "Ingenting ble lagret" in STALE_MESSAGE and "Start den på nytt" in STALE_MESSAGE


def test_a_running_job_with_a_fresh_heartbeat_is_not_failed() -> None:
    upload = running_import(heartbeat_minutes_ago=14)

    assert jobs_stale_fail() == 0

    upload.refresh_from_db()
    assert upload.status == ImportStatus.RUNNING and upload.errors == []


def test_a_job_that_has_ended_is_untouched_however_old() -> None:
    done = make_benefit_run(
        status=BenefitRunStatus.PREVIEW,
        heartbeat_at=minutes_ago(600),
        finished_at=minutes_ago(600),
    )
    failed = make_import(status=ImportStatus.FAILED, heartbeat_at=minutes_ago(600))

    assert jobs_stale_fail() == 0

    done.refresh_from_db()
    failed.refresh_from_db()
    assert done.status == BenefitRunStatus.PREVIEW and done.error == ""
    assert failed.error == ""


@override_settings(JOB_STALE_MINUTES=5)
def test_the_minutes_are_a_setting() -> None:
    run = make_benefit_run(status=BenefitRunStatus.RUNNING, heartbeat_at=minutes_ago(6))

    assert jobs_stale_fail() == 1

    run.refresh_from_db()
    assert run.status == BenefitRunStatus.FAILED and run.error == STALE_MESSAGE


def test_a_queued_job_is_failed_only_when_the_worker_took_its_task_long_ago() -> None:
    user = make_user(municipality_number="0301")
    waiting, taken = (
        household_import_queue(
            user=user, municipality=municipality("0301"), filename=f"{n}.csv", content=b"x"
        )
        for n in ("venter", "tatt")
    )
    # Waiting in the queue behind long jobs is no sign of a dead worker.
    DBTaskResult.objects.filter(pk=waiting.task_id).update(enqueued_at=minutes_ago(120))
    # The worker took this task 20 minutes ago and died before it claimed the job.
    DBTaskResult.objects.filter(pk=taken.task_id).update(
        status="RUNNING", started_at=minutes_ago(20)
    )

    assert jobs_stale_fail() == 1

    waiting.refresh_from_db()
    taken.refresh_from_db()
    assert waiting.status == ImportStatus.QUEUED
    assert taken.status == ImportStatus.FAILED and taken.error == STALE_MESSAGE


def test_a_stale_job_fails_its_task_too_which_its_dead_worker_left_running() -> None:
    user = make_user(municipality_number="0301")
    upload = household_import_queue(
        user=user, municipality=municipality("0301"), filename="a.csv", content=b"x"
    )
    other = household_import_queue(
        user=user, municipality=municipality("0301"), filename="b.csv", content=b"x"
    )
    DBTaskResult.objects.filter(pk__in=[upload.task_id, other.task_id]).update(
        status="RUNNING", started_at=minutes_ago(30)
    )
    HouseholdImport.objects.filter(pk=upload.pk).update(
        status=ImportStatus.RUNNING, heartbeat_at=minutes_ago(16)
    )
    HouseholdImport.objects.filter(pk=other.pk).update(
        status=ImportStatus.RUNNING, heartbeat_at=minutes_ago(1)
    )

    assert jobs_stale_fail() == 1

    task = DBTaskResult.objects.get(pk=upload.task_id)
    assert task.status == "FAILED" and task.finished_at is not None
    assert task.exception_class_path == "integrering.jobs.WorkerLost"
    assert task.traceback == f"WorkerLost: {STALE_MESSAGE}"
    assert WorkerLost.__module__ == "integrering.jobs"
    # The other job's worker still beats: its task runs on.
    assert DBTaskResult.objects.get(pk=other.task_id).status == "RUNNING"


def test_the_intervals_follow_the_stale_time() -> None:
    # The product: 15 minutes, a beat every half minute and a check every minute.
    assert (stale_seconds(), heartbeat_seconds(), watch_seconds()) == (900, 30, 60)
    with override_settings(JOB_STALE_MINUTES=0.1):  # a test's worker: 6 s
        assert (stale_seconds(), heartbeat_seconds(), watch_seconds()) == (6, 1, 1.5)


def test_the_heartbeat_of_a_task_beats_its_running_jobs_only() -> None:
    user = make_user(municipality_number="0301")
    upload = household_import_queue(
        user=user, municipality=municipality("0301"), filename="a.csv", content=b"x"
    )
    job_start(upload)
    HouseholdImport.objects.filter(pk=upload.pk).update(heartbeat_at=minutes_ago(10))
    waiting = household_import_queue(
        user=user, municipality=municipality("0301"), filename="b.csv", content=b"x"
    )

    assert jobs_heartbeat(upload.task_id) == 1
    assert jobs_heartbeat(waiting.task_id) == 0  # queued: nothing to beat yet

    upload.refresh_from_db()
    assert upload.heartbeat_at is not None and upload.heartbeat_at > minutes_ago(1)
    assert jobs_stale_fail() == 0


@WORKER_DB  # the heartbeat's thread has its own connection: it sees only what is committed
@override_settings(JOB_STALE_MINUTES=0.01)  # 0.6 s: a beat every 0.1 s
def test_while_the_worker_runs_a_task_a_thread_beats_for_its_jobs_and_stops_with_it() -> None:
    from django_tasks.signals import task_finished, task_started

    user = make_user(municipality_number="0301")
    upload = household_import_queue(
        user=user, municipality=municipality("0301"), filename="a.csv", content=b"x"
    )
    job_start(upload)
    old = minutes_ago(10)
    HouseholdImport.objects.filter(pk=upload.pk).update(heartbeat_at=old)
    result = DBTaskResult.objects.get(pk=upload.task_id).task_result

    # A body inside one long transaction shows no progress; the worker's thread beats for it.
    task_started.send(sender=type(result.task.get_backend()), task_result=result)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            upload.refresh_from_db()
            if upload.heartbeat_at != old:
                break
            time.sleep(0.05)
        assert upload.heartbeat_at is not None and upload.heartbeat_at > minutes_ago(0.1)
        assert jobs_stale_fail() == 0
    finally:
        task_finished.send(sender=type(result.task.get_backend()), task_result=result)

    # The task has ended: no more beats, and the job, had its body not ended it, goes stale.
    HouseholdImport.objects.filter(pk=upload.pk).update(heartbeat_at=old)
    time.sleep(0.3)
    upload.refresh_from_db()
    assert upload.heartbeat_at == old
    assert not [t for t in threading.enumerate() if t.name.startswith("job-heartbeat-")]
    assert jobs_stale_fail() == 1


def test_a_stale_confirmation_leaves_the_run_a_proposal_with_the_message() -> None:
    run = make_match_run()
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRunStatus.CONFIRMING,
        confirm_state=ConfirmState.RUNNING,
        confirm_heartbeat_at=minutes_ago(30),
    )
    fresh = MatchRun.objects.create(
        year=2027, status=MatchRunStatus.RUNNING, heartbeat_at=minutes_ago(1)
    )

    assert jobs_stale_fail() == 1

    run.refresh_from_db()
    fresh.refresh_from_db()
    assert run.status == MatchRunStatus.PROPOSED and run.confirm_state == ConfirmState.FAILED
    assert run.confirm_problems == [STALE_MESSAGE] and run.confirm_finished_at is not None
    assert fresh.status == MatchRunStatus.RUNNING


def test_the_command_fails_the_stale_jobs_and_says_how_many() -> None:
    running_import(heartbeat_minutes_ago=60)
    out = io.StringIO()

    call_command("jobs_stale_fail", stdout=out)

    assert "1 jobb(er) uten livstegn på 15 minutter er merket som feilet." in out.getvalue()


@WORKER_DB
def test_the_worker_fails_stale_jobs_when_it_starts_and_the_page_says_so() -> None:
    user = make_user(municipality_number="0301")
    upload = make_import(
        user, status=ImportStatus.RUNNING, total_rows=200, heartbeat_at=minutes_ago(20)
    )

    run_worker()

    upload.refresh_from_db()
    assert upload.status == ImportStatus.FAILED
    page = client_for(user).get(f"/husstander/import/{upload.pk}/").content.decode()
    assert "Status: Avvist" in page
    assert STALE_MESSAGE in page
    assert 'hx-trigger="every' not in page  # the page stops polling


@WORKER_DB  # the watch's thread has its own connection: it sees only what is committed
def test_the_watch_beside_the_worker_fails_stale_jobs_until_it_is_stopped() -> None:
    stop = threading.Event()
    watch = threading.Thread(target=jobs_watch, args=(stop, 0.05), daemon=True)
    watch.start()
    try:
        upload = running_import(heartbeat_minutes_ago=20)  # dies after the watch has started
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            upload.refresh_from_db()
            if upload.status == ImportStatus.FAILED:
                break
            time.sleep(0.05)
    finally:
        stop.set()
        watch.join(timeout=5)
    assert upload.status == ImportStatus.FAILED
    assert not watch.is_alive()
