"""Background jobs: a row that the worker moves from queued to running to done or failed.

A job is a model row (an import, a benefit run, a matcher run) whose work is done by a task of
the worker (``integrering db_worker``). The row is what pages and the API show: its status, its
progress, when it started and ended, and a message for the user when it failed. The pattern:

- the service that starts a job creates the row and queues its task with ``job_enqueue``; the
  app's ``tasks.py`` calls the worker's body (services -> tasks -> body, never back);
- the body claims the row with ``job_start`` (a task run twice does the work once), reports
  ``job_progress`` now and then (which is also the job's heartbeat), does its writing in one
  transaction, and ends with ``job_done``, or ``job_fail`` after that transaction has rolled
  back: failed, with nothing written, and a message the user understands;
- a failed job's list of errors (``errors``, an import's rows) is kept to its first
  ``ERRORS_KEPT`` (100) and a last entry that gives the count («Viser de første 100 feilene av
  1 200 000.»): ``errors_kept``, applied by ``job_fail``;
- while the worker runs a task, a thread beside it writes the heartbeat of the task's running
  jobs every ``heartbeat_seconds()`` (``TaskHeartbeat``, started and stopped by django-tasks'
  ``task_started`` and ``task_finished`` signals): a job whose body is inside one long
  transaction, which shows no progress to anyone, is still seen to be alive;
- a job whose worker died (``kill -9``, a power cut, a deploy) stops beating: ``jobs_stale_fail``
  fails every job with no heartbeat for ``INTEGRERING_JOB_STALE_MINUTES`` (15), and its task's
  row with it; every worker runs it when it starts and every ``watch_seconds()`` while it runs
  (``web/management/commands/db_worker.py``), so such a job is failed at most
  ``stale_seconds() + watch_seconds()`` after its worker died, while another worker runs. Its work
  was one transaction that died with the worker's connection: nothing of it was written, and it
  can be started again.

Several workers share one queue: django-tasks-db claims a task with ``SELECT ... FOR UPDATE SKIP
LOCKED`` on PostgreSQL (an exclusive transaction on SQLite), and ``job_start`` claims the job's
row with ``UPDATE ... WHERE status = 'queued'``, so every job runs once (``tests/
test_workers_scale.py``: three workers, two web servers, 200 jobs, and a worker killed mid-job).
The helpers write with ``UPDATE ... WHERE``, so a check and its write are one statement.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from integrering.errors import ERRORS_KEPT, errors_more_note

if TYPE_CHECKING:
    from django_tasks.base import Task

logger = logging.getLogger(__name__)

STALE_MESSAGE = (
    "Jobben stoppet uten å bli ferdig (arbeidsprosessen ble avbrutt). Ingenting ble lagret. "
    "Start den på nytt."
)
STALE_MINUTES_DEFAULT = 15

# How a job's body hears how far the work has come: (done, total).
Progress = Callable[[int, int], None]
# How often a running worker looks for stale jobs, and how often it writes the heartbeat of the
# jobs it runs: at most these, and a quarter and a sixth of the stale time when that is shorter
# (a test's worker with a stale time of seconds).
WATCH_SECONDS = 60.0
HEARTBEAT_SECONDS = 30.0


class JobStatus(models.TextChoices):
    """The states every job goes through; a model may name «done» its own way (an import
    «succeeded», a benefit run becomes a «preview») and add states after it."""

    QUEUED = "queued", "I kø"
    RUNNING = "running", "Kjører"
    DONE = "done", "Ferdig"
    FAILED = "failed", "Feilet"


def _nothing_more(message: str) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class JobFields:
    """The fields in which a model keeps one job's state, and the stored value of «done».

    The defaults are ``Job``'s own fields. A model names its progress fields, and a row that
    holds a second job (a matcher run: its computation and its confirmation) names that job's
    fields. ``failed_values`` gives what else a failure writes (an import's list of errors, the
    confirmation's run back to a proposal).
    """

    status: str = "status"
    done_status: str = JobStatus.DONE
    progress: str = ""  # what is done: a count out of ``total``, or whole percent without one
    total: str = ""
    started_at: str = "started_at"
    heartbeat_at: str = "heartbeat_at"
    finished_at: str = "finished_at"
    error: str = "error"  # "" when the job keeps its message in ``failed_values`` only
    task_id: str = "task_id"
    failed_values: Callable[[str], dict[str, Any]] = _nothing_more
    # What a job whose worker died tells the user: most jobs write in one transaction, so
    # nothing was kept; a job that sends e-mail has sent some, and says so.
    stale_message: str = STALE_MESSAGE


class Job(models.Model):
    """A model whose rows are background jobs (abstract): status, times, heartbeat, message.

    A model may declare ``status`` again with its own choices (the stored values ``queued``,
    ``running`` and ``failed`` are the same for all), and says in ``job_fields`` which value is
    «done» and which fields count the progress.
    """

    status = models.CharField(
        "status", max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField("startet", null=True, blank=True)
    heartbeat_at = models.DateTimeField("siste livstegn", null=True, blank=True)
    finished_at = models.DateTimeField("ferdig", null=True, blank=True)
    error = models.TextField("feil", blank=True)

    job_fields: ClassVar[JobFields] = JobFields()

    class Meta:
        abstract = True

    @classmethod
    def jobs_on_row(cls) -> tuple[JobFields, ...]:
        """Every job a row of this model holds (checked by ``jobs_stale_fail``)."""
        return (cls.job_fields,)


def _fields(job: Job, fields: JobFields | None) -> JobFields:
    return fields if fields is not None else type(job).job_fields


def _update(job: Job, condition: Q, values: dict[str, Any]) -> bool:
    """Write ``values`` to the job's row if it meets ``condition``; the instance follows."""
    updated = type(job)._default_manager.filter(condition, pk=job.pk).update(**values)
    if updated:
        for name, value in values.items():
            setattr(job, name, value)
    return bool(updated)


def _running(fields: JobFields) -> Q:
    return Q(**{fields.status: JobStatus.RUNNING})


def _failure(fields: JobFields, message: str, now: datetime.datetime) -> dict[str, Any]:
    values: dict[str, Any] = {fields.status: JobStatus.FAILED, fields.finished_at: now}
    if fields.error:
        values[fields.error] = message
    return {**values, **fields.failed_values(message)}


def job_enqueue(
    task: Task[..., Any], job: Job, /, *args: Any, fields: JobFields | None = None, **kwargs: Any
) -> None:
    """Queue ``task(job.pk, *args, **kwargs)`` for the worker when the caller's transaction
    commits, and record the task's id on the job.

    With the database backend (ours) the task's row is written now, in the caller's transaction:
    the worker sees it exactly when the job's row commits, never for a job that rolled back, and
    the id is recorded in the same transaction. Any other backend is called on commit
    (``transaction.on_commit``), so it cannot run the task before the job's row exists.
    """
    from django_tasks_db.backend import DatabaseBackend

    fields = _fields(job, fields)

    def enqueue() -> None:
        result = task.enqueue(job.pk, *args, **kwargs)
        _update(job, Q(), {fields.task_id: str(result.id)})

    if isinstance(task.get_backend(), DatabaseBackend):
        enqueue()
    else:
        transaction.on_commit(enqueue)


def job_start(job: Job, *, fields: JobFields | None = None, **values: Any) -> bool:
    """Claim a queued job for this worker: running, started now, with its first heartbeat.

    False when the job is no longer queued (a task run twice, a job replaced or failed
    meanwhile): then the caller leaves it alone. ``values`` are written with the claim.
    """
    fields = _fields(job, fields)
    now = timezone.now()
    return _update(
        job,
        Q(**{fields.status: JobStatus.QUEUED}),
        {
            fields.status: JobStatus.RUNNING,
            fields.started_at: now,
            fields.heartbeat_at: now,
            **values,
        },
    )


def job_heartbeat(job: Job, *, fields: JobFields | None = None, **values: Any) -> bool:
    """Say that a running job is alive (with ``values``, e.g. the step it has come to).

    False when the job is no longer running (failed as stale meanwhile).
    """
    fields = _fields(job, fields)
    return _update(job, _running(fields), {fields.heartbeat_at: timezone.now(), **values})


def job_progress(
    job: Job, done: int, total: int, *, fields: JobFields | None = None, **values: Any
) -> bool:
    """Record how far a running job has come (``done`` of ``total``), with its heartbeat.

    Written to the model's progress fields: the count and the total, or whole percent when the
    model keeps no total.
    """
    fields = _fields(job, fields)
    progress: dict[str, Any] = {}
    if fields.progress and fields.total:
        progress = {fields.progress: done, fields.total: total}
    elif fields.progress:
        progress = {fields.progress: min(100, 100 * done // total) if total else 0}
    return job_heartbeat(job, fields=fields, **progress, **values)


class PhaseProgress:
    """An import's progress callback ``(phase, done, total)``: writes the check phase to the job
    (and so its heartbeat), at most once per percent, and passes every call on to ``echo`` (a
    command's progress bar). The save phase is one transaction that no other connection sees
    before it commits, so its progress goes to ``echo`` only, and the page says the rows are
    being saved."""

    def __init__(self, job: Job, echo: Callable[[str, int, int], None] | None) -> None:
        self.job = job
        self.echo = echo
        self.total: int | None = None
        self.percent = -1

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.echo is not None:
            self.echo(phase, done, total)
        if phase != "check":
            return
        percent = 100 * done // total if total else 100
        if total != self.total or percent != self.percent:
            self.total, self.percent = total, percent
            job_progress(self.job, done, total)


def job_done(job: Job, *, fields: JobFields | None = None, **values: Any) -> bool:
    """End a job well: the model's «done» status, finished now, with ``values`` (its results).

    Also over a job failed as stale whose worker came back after all: what it did, it did.
    False when the row is gone (a benefit run replaced while it was computed).
    """
    fields = _fields(job, fields)
    now = timezone.now()
    done: dict[str, Any] = {
        fields.status: fields.done_status,
        fields.finished_at: now,
        fields.heartbeat_at: now,
    }
    if fields.error:
        done[fields.error] = ""
    return _update(job, Q(), {**done, **values})


def errors_kept(errors: list[Any], limit: int = ERRORS_KEPT) -> list[Any]:
    """A job's errors as stored: the first ``limit``, and when there were more, a last entry that
    says how many («Viser de første 100 feilene av 1 200 000.»). An entry is a text, or a dict
    (an import's row error: ``row``, ``column``, ``message``, ``text``); the last one is of the
    same kind, with no row, ``total`` the count of them all and ``rows`` the count of the rows
    they are on («3 feil i 2 rader»: ``tables.errors_summary``)."""
    if len(errors) <= limit:
        return errors
    note = errors_more_note(limit, len(errors))
    if not all(isinstance(e, dict) for e in errors[:limit]):
        return [*errors[:limit], note]
    keys = {key: None for error in errors[:limit] for key in error}
    rows = len({e.get("row") for e in errors if e.get("row") is not None})
    last = {**keys, "column": "", "message": note, "text": note, "total": len(errors), "rows": rows}
    return [*errors[:limit], last]


def errors_count(errors: list[Any]) -> int:
    """How many errors a stored list stands for: the count its last entry gives, or its length."""
    last = errors[-1] if errors else None
    if isinstance(last, dict) and isinstance(last.get("total"), int):
        return int(last["total"])
    return len(errors)


def job_fail(job: Job, message: str, *, fields: JobFields | None = None, **values: Any) -> bool:
    """End a job as failed with nothing written, with a message for the user.

    Called after the work's transaction has rolled back (outside it, or it would roll back
    too). A job that has already ended is left as it is. ``values`` go with the failure and
    win over the model's ``failed_values`` (an import's own list of row errors, kept to its
    first hundred by ``errors_kept``).
    """
    if isinstance(values.get("errors"), list):
        values["errors"] = errors_kept(values["errors"])
    fields = _fields(job, fields)
    return _update(
        job,
        Q(**{f"{fields.status}__in": [JobStatus.QUEUED, JobStatus.RUNNING]}),
        {**_failure(fields, message, timezone.now()), **values},
    )


# --- Jobs whose worker died ------------------------------------------------------------------------


class WorkerLost(Exception):
    """Recorded on the task of a job failed as stale: its worker stopped without ending it."""


def stale_minutes() -> float:
    """``INTEGRERING_JOB_STALE_MINUTES``: a running job silent this long lost its worker."""
    minutes: float = getattr(settings, "JOB_STALE_MINUTES", STALE_MINUTES_DEFAULT)
    return minutes


def stale_seconds() -> float:
    return float(stale_minutes()) * 60


def watch_seconds() -> float:
    """How often a worker looks for stale jobs: every minute, or a quarter of a shorter stale
    time; a job is failed at most ``stale_seconds() + watch_seconds()`` after its worker died."""
    return min(WATCH_SECONDS, stale_seconds() / 4)


def heartbeat_seconds() -> float:
    """How often a worker writes the heartbeat of the jobs it runs: every half minute, or a sixth
    of a shorter stale time, so that a live job misses several beats before it counts as stale."""
    return min(HEARTBEAT_SECONDS, stale_seconds() / 6)


def job_models() -> list[type[Job]]:
    """Every installed model whose rows are jobs."""
    return [model for model in apps.get_models() if issubclass(model, Job)]


def _picked_before(task_id: str, cutoff: datetime.datetime) -> bool:
    """Whether the worker took the job's task before ``cutoff`` (and the job is still queued:
    its worker died, or the task failed, before it claimed the job)."""
    from django_tasks import default_task_backend
    from django_tasks.exceptions import TaskResultDoesNotExist

    if not task_id or not default_task_backend.supports_get_result:
        return False
    try:
        started = default_task_backend.get_result(task_id).started_at
    except TaskResultDoesNotExist:
        return False
    return started is not None and started < cutoff


def _tasks_lost(task_ids: list[str], message: str, now: datetime.datetime) -> None:
    """Fail the tasks of jobs failed as stale: the database backend keeps a task that its worker
    took «running» for ever when that worker dies (a worker that comes back after all records
    how its task really ended)."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    ids = [task_id for task_id in task_ids if task_id]
    if not ids or not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return
    DBTaskResult.objects.filter(id__in=ids, status="RUNNING").update(
        status="FAILED",
        finished_at=now,
        exception_class_path=f"{__name__}.{WorkerLost.__qualname__}",
        traceback=f"{WorkerLost.__qualname__}: {message}",
    )


def jobs_stale_fail(*, now: datetime.datetime | None = None) -> int:
    """Fail every job whose worker stopped without ending it, and its task; return how many.

    Stale: running with no heartbeat for ``INTEGRERING_JOB_STALE_MINUTES``, or still queued
    although the worker took its task that long ago. Such a job's work was in a transaction that
    died with the worker, so nothing of it was written; the user is told to start it again
    (``STALE_MESSAGE``, or the model's own ``stale_message``). A job that has ended is never
    touched, nor one queued and waiting, nor one whose worker still beats (``TaskHeartbeat``).
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=stale_seconds())
    failed = 0
    for model in job_models():
        manager = model._default_manager
        for fields in model.jobs_on_row():
            silent = Q(**{f"{fields.heartbeat_at}__lt": cutoff}) | Q(
                **{f"{fields.heartbeat_at}__isnull": True}
            )
            values = _failure(fields, fields.stale_message, now)
            lost: list[str] = []
            count = 0
            for pk, task_id in manager.filter(_running(fields), silent).values_list(
                "pk", fields.task_id
            ):
                # Row by row, each with its condition again: a job that beat or ended meanwhile
                # is left alone.
                if manager.filter(_running(fields), silent, pk=pk).update(**values):
                    count += 1
                    lost.append(task_id)
            queued = Q(**{fields.status: JobStatus.QUEUED})
            for pk, task_id in manager.filter(queued).values_list("pk", fields.task_id):
                if _picked_before(task_id, cutoff) and manager.filter(queued, pk=pk).update(
                    **values
                ):
                    count += 1
                    lost.append(task_id)
            if count:
                _tasks_lost(lost, fields.stale_message, now)
                logger.warning(
                    "%s %s job(s) failed: no heartbeat since %s",
                    count,
                    model._meta.label,
                    cutoff.isoformat(timespec="seconds"),
                )
            failed += count
    return failed


def jobs_watch(stop: threading.Event, every: float | None = None) -> None:
    """Fail stale jobs every ``every`` seconds (``watch_seconds()``) until ``stop`` is set.

    Run in a thread of its own beside the worker (``db_worker``), which checks once itself
    before it takes its first task. An error of one check (the database busy or gone for a
    moment) is logged, and the next check comes as usual.
    """
    every = watch_seconds() if every is None else every
    try:
        while not stop.wait(every):
            close_old_connections()
            try:
                jobs_stale_fail()
            except Exception:
                logger.exception("The check for stale jobs failed; trying again in %s s", every)
    finally:
        connection.close()


# --- The heartbeat of the jobs a worker runs ---------------------------------------------------


def jobs_heartbeat(task_id: str) -> int:
    """Write now as the heartbeat of every running job of the task ``task_id``; return how many."""
    now = timezone.now()
    beaten = 0
    for model in job_models():
        for fields in model.jobs_on_row():
            beaten += model._default_manager.filter(
                _running(fields), **{fields.task_id: task_id}
            ).update(**{fields.heartbeat_at: now})
    return beaten


class TaskHeartbeat(threading.Thread):
    """Beside a task that the worker runs, the heartbeat of its jobs every ``heartbeat_seconds()``.

    A job's own heartbeat comes with its progress, and a body that writes everything in one
    transaction shows no progress while it writes: without this thread a long import would count
    as stale while its worker is alive. The thread has its own connection, so its writes commit
    at once; a write that fails (SQLite busy while the body holds the write lock) is tried again
    at the next beat. It ends with the task, or with the worker's process (``kill -9``): then the
    beats stop and the job becomes stale.
    """

    def __init__(self, task_id: str) -> None:
        super().__init__(name=f"job-heartbeat-{task_id}", daemon=True)
        self.task_id = task_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(heartbeat_seconds()):
                try:
                    jobs_heartbeat(self.task_id)
                except Exception:
                    logger.warning(
                        "No heartbeat for task %s this time", self.task_id, exc_info=True
                    )
        finally:
            connection.close()


_heartbeats: dict[str, TaskHeartbeat] = {}
_heartbeats_lock = threading.Lock()


def _heartbeat_start(sender: object, task_result: Any, **kwargs: Any) -> None:
    task_id = str(task_result.id)
    beat = TaskHeartbeat(task_id)
    with _heartbeats_lock:
        previous = _heartbeats.pop(task_id, None)
        _heartbeats[task_id] = beat
    if previous is not None:
        previous.stopped.set()
    beat.start()


def _heartbeat_stop(sender: object, task_result: Any, **kwargs: Any) -> None:
    with _heartbeats_lock:
        beat = _heartbeats.pop(str(task_result.id), None)
    if beat is not None:
        beat.stopped.set()
        # Not long: a beat waiting for a busy database ends on its own, and the worker goes on.
        beat.join(timeout=1)


def _heartbeat_connect() -> None:
    """Tie the heartbeat to the worker's tasks (django-tasks' signals, sent by the worker around
    every task it runs; a test that calls a job's body directly sends none, so beats nothing)."""
    from django_tasks_db.compat import task_finished, task_started

    task_started.connect(_heartbeat_start, dispatch_uid="integrering.jobs.heartbeat_start")
    task_finished.connect(_heartbeat_stop, dispatch_uid="integrering.jobs.heartbeat_stop")


_heartbeat_connect()
