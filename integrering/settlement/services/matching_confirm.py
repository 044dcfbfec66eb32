"""Confirming a matcher proposal in the worker (the body of ``tasks.match_run_confirm``): every
household checked with progress, then all registered in their municipalities' casework in one
transaction, or none. Queued by ``matching.py`` (``match_run_confirm_start``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from integrering.accounts.access import planner_require
from integrering.audit.services import AccessContext
from integrering.casework.services.arrival import household_receive
from integrering.concurrency import ConflictError
from integrering.jobs import job_done, job_fail, job_heartbeat, job_progress, job_start
from integrering.people.models import Category
from integrering.people.services import (
    PersonInput,
    error_lines,
    household_errors,
)

from ..models import (
    MatchRun,
    MatchRunStatus,
    WaitingHousehold,
    WaitingPerson,
    WaitingStatus,
)
from .match_capacity import (
    CAPACITY_LABELS,
    municipality_capabilities,
    municipality_capacity,
    needs_text,
    needs_unmet,
    run_loads,
)

NOTHING_TRANSFERRED = "Ingen husstander er overført. Rett dette først:"


ALREADY_CONFIRMING = (
    "Forslaget bekreftes allerede i bakgrunnen; vent til bekreftelsen er ferdig. Fremdriften "
    "vises på siden for utsøkingen."
)


CONFIRM_SYSTEM_ERROR = (
    "Bekreftelsen stoppet på grunn av en feil i systemet. Ingen husstander er overført. Prøv "
    "igjen senere, eller kontakt brukerstøtte."
)


STAGE_QUEUED = "Står i kø"


STAGE_CHECKING = "Kontrollerer husstandene"


STAGE_REGISTERING = "Registrerer husstandene hos kommunene"


CONFIRM = MatchRun.confirm_job_fields  # the confirmation's fields on the run's row


def run_editable_require(run: MatchRun) -> None:
    if run.status == MatchRunStatus.CONFIRMING:
        raise ConflictError(ALREADY_CONFIRMING)
    if run.status != MatchRunStatus.PROPOSED:
        raise ValidationError(
            f"Utsøkingen er «{run.get_status_display()}» og kan ikke endres; kjør en ny utsøking."
        )


def placements_confirmable(run: MatchRun) -> Any:
    """The run's placements that confirming registers: placed, and the household still waiting."""
    return run.placements.filter(
        municipality__isnull=False, household__status=WaitingStatus.WAITING
    ).select_related("household__reception_centre", "municipality")


@dataclass(frozen=True)
class ConfirmSummary:
    """What confirming a proposal transfers: households, their persons, the municipalities they
    go to, and the households it leaves waiting."""

    households: int
    persons: int
    municipalities: int
    unplaced: int


def match_run_confirm_summary(run: MatchRun) -> ConfirmSummary:
    """The figures of what confirming ``run`` would do now (the confirmation page's summary)."""
    confirmable = placements_confirmable(run).order_by()
    sums = confirmable.aggregate(
        households=Count("pk", distinct=True),
        municipalities=Count("municipality", distinct=True),
    )
    persons = WaitingPerson.objects.filter(household__in=confirmable.values("household")).count()
    unplaced = run.placements.filter(
        municipality__isnull=True, household__status=WaitingStatus.WAITING
    ).count()
    return ConfirmSummary(
        households=sums["households"],
        persons=persons,
        municipalities=sums["municipalities"],
        unplaced=unplaced,
    )


def matched_note(household: WaitingHousehold) -> str:
    """What the services that prepare need to know of the household's needs (for housing: the
    dwelling), in the matched notices."""
    parts = []
    if household.large_dwelling:
        parts.append("trenger stor bolig")
    if household.school_children:
        parts.append(f"{household.school_children} barn i skolealder")
    if household.adaptation_needs:
        parts.append(f"behov for tilpasning: {needs_text(list(household.adaptation_needs))}")
        if household.adaptation_note:
            parts.append(household.adaptation_note)
    if household.reception_centre is not None:
        parts.append(f"bor nå på {household.reception_centre.name}")
    return ("Fra bosettingsplanleggeren: " + "; ".join(parts) + ".") if parts else ""


def _members(household: WaitingHousehold) -> list[PersonInput]:
    category = (
        Category.UNACCOMPANIED_MINOR
        if household.unaccompanied_minors
        else household.category or Category.FROM_RECEPTION
    )
    centre = household.reception_centre.name if household.reception_centre else ""
    return [
        PersonInput(
            given_name=p.given_name,
            family_name=p.family_name,
            birth_date=p.birth_date,
            duf_number=p.duf_number,
            sex=p.sex,
            relation=p.relation,
            category=category,
            citizenship=p.citizenship,
            language=p.language,
            interpreter_needed=p.interpreter_needed,
            interpreter_language=p.interpreter_language,
            reception_centre=centre,
        )
        for p in household.members.all()
    ]


def _problem(reference: str, exc: ValidationError) -> str:
    detail = (
        "; ".join(error_lines(exc.message_dict))
        if hasattr(exc, "error_dict")
        else "; ".join(exc.messages)
    )
    return f"{reference}: {detail}"


def withdrawn_problems(run: MatchRun) -> list[str]:
    """A household placed in the proposal that has since been withdrawn (moved out, left the
    country) cannot be settled: one line each, with the reason, so the planner takes it out
    of the proposal and confirms the rest."""
    placed = run.placements.filter(
        municipality__isnull=False, household__status=WaitingStatus.WITHDRAWN
    ).select_related("household")
    return [
        f"{p.household.reference}: trukket {p.household.withdrawn_on:%d.%m.%Y} "
        f"({p.household.get_withdrawal_reason_display().lower()}) og kan ikke bosettes. "
        "Velg «Ikke plasser husstanden nå» på plasseringen, og bekreft på nytt."
        for p in placed
    ]


def capacity_problems(run: MatchRun) -> list[str]:
    """What the municipalities can no longer take of the proposal, as decided now (a decision
    may have changed since the run): a placement in a municipality without a decision to settle
    in the year, or one that has not said it can meet the household's adaptation needs (one
    line per household), and a municipality the proposal fills beyond its capacity left in some
    dimension (persons, large dwellings, school-age children, unaccompanied minors; one line
    per municipality)."""
    placements = list(placements_confirmable(run))
    capacity = municipality_capacity(run.year)
    capable = municipality_capabilities(run.year)
    problems = []
    municipalities = {}
    for placement in placements:
        household, municipality = placement.household, placement.municipality
        assert municipality is not None  # placements_confirmable: placed only
        municipalities[municipality.pk] = municipality
        if municipality.pk not in capacity:
            problems.append(
                f"{household.reference}: {municipality} har ikke vedtatt å bosette i {run.year}. "
                "Flytt husstanden til en annen kommune, og bekreft på nytt."
            )
            continue
        unmet = needs_unmet(household, capable.get(municipality.pk, frozenset()))
        if unmet:
            problems.append(
                f"{household.reference}: {municipality} har ikke sagt at kommunen kan møte "
                f"husstandens behov for tilpasning ({needs_text(unmet)}). Flytt husstanden til en "
                "kommune som kan det, og bekreft på nytt."
            )
    for municipality_id, load in sorted(
        run_loads(run, waiting_only=True).items(), key=lambda item: municipalities[item[0]].number
    ):
        left = capacity.get(municipality_id)
        if left is None:
            continue
        over = [
            f"{CAPACITY_LABELS[key]}: {max(int(left[key]), 0)} ledig, forslaget plasserer "
            f"{int(amount)}"
            for key, amount in load.items()
            if amount > left.get(key, 0.0)
        ]
        if over:
            problems.append(
                f"{municipalities[municipality_id]} har ikke plass til alle husstandene i "
                f"forslaget ({'; '.join(over)}). Flytt eller ta ut husstander der, og bekreft på "
                "nytt."
            )
    return problems


def _confirm_check(run: MatchRun) -> list[str]:
    """Check every household as ``household_register`` will, writing nothing, with the progress
    on the run (seen by the page while the worker checks; the registration that follows runs
    in one transaction, whose progress no one else can see)."""
    placements = list(placements_confirmable(run).prefetch_related("household__members"))
    total = len(placements)
    job_progress(run, 0, total, fields=CONFIRM)
    problems = withdrawn_problems(run) + capacity_problems(run)
    last = time.monotonic()
    for done, placement in enumerate(placements, start=1):
        household = placement.household
        errors = household_errors(
            reference=household.reference, members=_members(household), settled_on=None
        )
        if errors:
            problems.append(_problem(household.reference, ValidationError(errors)))
        now = time.monotonic()
        if now - last >= 0.5 or done == total:
            last = now
            job_progress(run, done, total, fields=CONFIRM)
    return problems


def match_run_confirm_execute(*, run_id: int) -> MatchRun | None:
    """Run a queued confirmation to its end (the body of the background task).

    Runs once: a run whose confirmation is no longer queued is left alone. First every household
    is checked, with progress; then all are registered in one transaction
    (``match_run_confirm``). If any household cannot be registered nothing is, the run is a
    proposal again, and every problem is kept on it for the planner to fix and confirm again.
    """
    run = MatchRun.objects.select_related("confirm_requested_by").filter(pk=run_id).first()
    if run is None or not job_start(run, fields=CONFIRM, confirm_stage=STAGE_CHECKING):
        return run
    ctx = AccessContext(
        user=run.confirm_requested_by, route="task:match-run-confirm", method="TASK"
    )
    try:
        problems = _confirm_check(run)
        if problems:
            raise ValidationError([NOTHING_TRANSFERRED, *problems])
        job_heartbeat(run, fields=CONFIRM, confirm_stage=STAGE_REGISTERING)
        count = match_run_confirm(ctx=ctx, run=run)
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        problems = [m for m in messages if m != NOTHING_TRANSFERRED]
        job_fail(run, NOTHING_TRANSFERRED, fields=CONFIRM, confirm_problems=problems)
    except BaseException:  # an error, or SystemExit: the worker was stopped mid-task
        job_fail(run, CONFIRM_SYSTEM_ERROR, fields=CONFIRM)
        raise
    else:
        job_done(run, fields=CONFIRM, confirm_stage="", confirm_total=count, confirm_done=count)
    run.refresh_from_db()
    return run


@transaction.atomic
def match_run_confirm(*, ctx: AccessContext, run: MatchRun) -> int:
    """Confirm a proposal: each placed household is registered in its municipality's casework
    through the one arrival path (``casework.services.arrival.household_receive``: DUF numbers
    checked, audited; the refugee service, kindergarten and housing told that the household is
    matched) and stops waiting. All or nothing: if one household cannot be registered, or the
    municipalities can no longer take the proposal as decided now (``capacity_problems``:
    capacity, adaptation needs), nothing is, and every problem is listed. The municipality then sets the settlement date, which
    starts the other notices and the deadlines.

    Called by the worker for a run being confirmed (``match_run_confirm_execute``); pages and
    the API queue it with ``match_run_confirm_start``.
    """
    planner_require(ctx.user)
    if run.status != MatchRunStatus.CONFIRMING:
        run_editable_require(run)
    placements = list(placements_confirmable(run))
    if not placements:
        raise ValidationError("Utsøkingen har ingen plasseringer å bekrefte.")
    problems = withdrawn_problems(run) + capacity_problems(run)
    now = timezone.now()
    for placement in placements:
        household = placement.household
        assert placement.municipality is not None  # filtered above
        try:
            with transaction.atomic():
                registered = household_receive(
                    ctx=ctx,
                    municipality=placement.municipality,
                    reference=household.reference,
                    members=_members(household),
                    matched_on=timezone.localdate(),
                    matched_note=matched_note(household),
                )
        except ValidationError as exc:
            problems.append(_problem(household.reference, exc))
            continue
        WaitingHousehold.objects.filter(pk=household.pk).update(
            status=WaitingStatus.CONFIRMED,
            household=registered,
            confirmed_municipality=placement.municipality,
            confirmed_at=now,
            confirmed_by=ctx.acting_user,
        )
    if problems:
        raise ValidationError([NOTHING_TRANSFERRED, *problems])
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRunStatus.CONFIRMED, confirmed_at=now, confirmed_by=ctx.acting_user
    )
    return len(placements)
