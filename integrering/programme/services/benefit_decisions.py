"""Reductions of the benefit that need an individual decision, as the benefit run meets them.

A deduction for unapproved absence of at least the share of the month and of G in
``benefit/deduction_decision_share`` needs an individual decision (integreringsloven § 21;
introduksjonsloven § 10). The run (``benefit_compute``) flags such a line; here:

- every flagged line gets a draft reduction decision prefilled with the month, the hours, the
  amount and the legal basis (``programme/decision_texts``), or the decision already in force for
  that participant and month. Computing the month again keeps one decision per participant and
  month: a draft is brought up to the new figures, and a draft no longer needed is deleted;
- a month is paid by the decision in force for it (``reduction_amounts``): decided or sent, not
  replaced by a later decided version, and not quashed by the county governor. A version the
  county governor changed (forvaltningsloven § 34) thus corrects the month in the next run;
- a run is not approved while a flagged line's decision is undecided, or was decided with
  another amount than the line pays (``reductions_blocking``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record_many
from integrering.ui.numbers import kroner_nb, number_nb, percent_nb

from ..models import (
    Absence,
    AppealStatus,
    BenefitLine,
    BenefitLineKind,
    BenefitRun,
    BenefitRunStatus,
    Decision,
    DecisionKind,
    DecisionStatus,
)
from .decisions import decision_subject, legal_basis

IN_FORCE = (DecisionStatus.DECIDED, DecisionStatus.SENT)
ZERO = Decimal(0)
Key = tuple[int, datetime.date]  # participation and month


def _in_force(decisions: Any) -> Any:
    """Reduction decisions in force: decided or sent, not replaced by a decided or sent
    version, and not quashed by the county governor."""
    return (
        decisions.filter(kind=DecisionKind.REDUCTION, status__in=IN_FORCE)
        .exclude(benefit_period__isnull=True)
        .exclude(replaced_by__status__in=IN_FORCE)
        .exclude(appeals__status=AppealStatus.QUASHED)
    )


def reductions_in_force(
    participation_ids: Any, months: Iterable[datetime.date]
) -> dict[Key, Decision]:
    """The reduction decision in force per participation and month (the latest if several)."""
    decisions = _in_force(
        Decision.objects.filter(participation_id__in=participation_ids, benefit_period__in=months)
    ).order_by("decided_on", "pk")
    return {(d.participation_id, d.benefit_period): d for d in decisions.defer("letter_pdf")}  # type: ignore[misc]


def reduction_amounts(
    participation_ids: Any, months: Iterable[datetime.date]
) -> dict[int, dict[datetime.date, Decimal]]:
    """What the decisions in force deduct, per participation and month (one query)."""
    amounts: dict[int, dict[datetime.date, Decimal]] = defaultdict(dict)
    for (pid, month), decision in reductions_in_force(participation_ids, months).items():
        if decision.amount is not None:
            amounts[pid][month] = decision.amount
    return amounts


# --- Drafting them in the run ------------------------------------------------------------------


@dataclass(frozen=True)
class _Need:
    """A month's deduction as a decision must state it: the whole month, not a correction's
    difference."""

    hours: Decimal
    amount: Decimal
    gross: Decimal


NOTHING = _Need(ZERO, ZERO, ZERO)


def _approved_sums(municipality_id: int, keys: set[Key]) -> dict[Key, _Need]:
    """What was approved for some participation-months, summed (for correction lines)."""
    if not keys:
        return {}
    rows = (
        BenefitLine.objects.filter(
            run__municipality_id=municipality_id,
            run__status=BenefitRunStatus.APPROVED,
            participation_id__in={pid for pid, _ in keys},
            period__in={month for _, month in keys},
        )
        .values("participation_id", "period")
        .annotate(hours=Sum("absence_hours"), amount=Sum("deduction"), gross=Sum("gross"))
    )
    return {
        (r["participation_id"], r["period"]): _Need(r["hours"], r["amount"], r["gross"])
        for r in rows
    }


def _needs(run: BenefitRun, lines: list[BenefitLine]) -> dict[Key, _Need]:
    """The month's hours, deduction and gross of every line; a correction's added to what was
    approved for its month before."""
    corrections = {
        (ln.participation_id, ln.period) for ln in lines if ln.kind == BenefitLineKind.CORRECTION
    }
    paid = _approved_sums(run.municipality_id, corrections)
    needs: dict[Key, _Need] = {}
    for ln in lines:
        key = (ln.participation_id, ln.period)
        base = paid.get(key, NOTHING) if ln.kind == BenefitLineKind.CORRECTION else NOTHING
        needs[key] = _Need(
            base.hours + ln.absence_hours, base.amount + ln.deduction, base.gross + ln.gross
        )
    return needs


def _absence_days(keys: set[Key]) -> dict[Key, list[Absence]]:
    days: dict[Key, list[Absence]] = defaultdict(list)
    if not keys:
        return days
    months = {month for _, month in keys}
    first, last = min(months), max(months) + datetime.timedelta(days=31)
    for absence in Absence.objects.filter(
        participation_id__in={pid for pid, _ in keys}, approved=False, on__gte=first, on__lt=last
    ).order_by("on"):
        key = (absence.participation_id, absence.on.replace(day=1))
        if key in keys:
            days[key].append(absence)
    return days


def _hours(hours: Decimal) -> str:
    return number_nb(hours, 1).removesuffix(",0")


def _texts(month: datetime.date, need: _Need, absences: list[Absence]) -> dict[str, str]:
    """The prefilled texts: the facts (the days and hours) and the conclusion (the amount)."""
    days = ", ".join(f"{a.on:%d.%m.%Y} ({_hours(a.hours)} t)" for a in absences)
    share = percent_nb(100 * need.amount / need.gross) if need.gross else ""
    return {
        "facts": (
            f"I {month:%m.%Y} hadde du {_hours(need.hours)} timer fravær som ikke var godkjent"
            + (f": {days}." if days else ".")
            + f" Trekket for fraværet er {kroner_nb(need.amount)}"
            + (f", {share} av stønaden for måneden ({kroner_nb(need.gross)})." if share else ".")
        ),
        "conclusion": (
            f"Introduksjonsstønaden din for {month:%m.%Y} reduseres med {kroner_nb(need.amount)} "
            f"for {_hours(need.hours)} timer fravær som ikke var godkjent."
        ),
    }


REASONING = (
    "Introduksjonsstønaden reduseres for fravær som ikke er godkjent, med timesatsen for hver "
    "time. Trekket denne måneden er så stort at det krever et enkeltvedtak. Skriv her hvorfor "
    "fraværet ikke er godkjent, og hva deltakeren har sagt om det."
)


def reduction_decisions_attach(
    run: BenefitRun, lines: list[BenefitLine], months: list[datetime.date]
) -> None:
    """Give every line whose deduction needs a decision its decision (``line.decision``, before
    the lines are saved): the one in force for the month, the draft already made for it (brought
    up to the new figures), or a new draft. Drafts of ``months`` in the municipality that no
    line needs any longer are deleted, unless they replace a decision (an appeal's)."""
    needed = [ln for ln in lines if ln.needs_decision]
    keys = {(ln.participation_id, ln.period) for ln in needed}
    ctx = AccessContext(user=run.created_by, route="oppgave:stønadskjøring", method="TASK")
    drafts_made = Decision.objects.filter(
        municipality_id=run.municipality_id,
        kind=DecisionKind.REDUCTION,
        status=DecisionStatus.DRAFT,
        benefit_period__in=months,
    ).defer("letter_pdf")
    drafts: dict[Key, Decision] = {}
    stale: list[Decision] = []
    for draft in drafts_made.order_by("pk"):
        key = (draft.participation_id, draft.benefit_period)
        if key in keys and key not in drafts:
            drafts[key] = draft  # type: ignore[index]
        elif draft.replaces_id is None:
            stale.append(draft)
    if stale:
        audit_record_many(
            ctx=ctx,
            person_ids=[d.person_id for d in stale],
            action=AuditAction.DELETE,
            detail=f"utkast til vedtak om trekk slettet: ikke lenger nødvendig ({run.month:%m.%Y})",
        )
        Decision.objects.filter(pk__in=[d.pk for d in stale]).delete()
    if not needed:
        return
    in_force = reductions_in_force({pid for pid, _ in keys}, months)
    needs = _needs(run, needed)
    absences = _absence_days(keys)
    standard = run.municipality.letter_standard
    today = timezone.localdate()
    created: list[int] = []
    for line in needed:
        key = (line.participation_id, line.period)
        if key in in_force:
            line.decision = in_force[key]
            continue
        need = needs[key]
        texts = _texts(line.period, need, absences.get(key, []))
        kept = drafts.get(key)
        if kept is not None:
            if (kept.amount, kept.absence_hours) != (need.amount, need.hours):
                # The figures moved: the prefilled texts follow; the reasoning is the caseworker's.
                Decision.objects.filter(pk=kept.pk).update(
                    amount=need.amount,
                    absence_hours=need.hours,
                    updated_at=timezone.now(),
                    version=F("version") + 1,
                    **texts,
                )
            line.decision = kept
            continue
        act = line.participation.act
        draft = Decision.objects.create(
            person_id=line.person_id,
            municipality_id=run.municipality_id,
            participation_id=line.participation_id,
            kind=DecisionKind.REDUCTION,
            act=act,
            subject=decision_subject(kind=DecisionKind.REDUCTION, on=today, standard=standard),
            legal_basis=legal_basis(
                act=act, kind=DecisionKind.REDUCTION, on=today, standard=standard
            ),
            reasoning=REASONING,
            effective_on=line.period,
            amount=need.amount,
            absence_hours=need.hours,
            benefit_period=line.period,
            created_by=ctx.acting_user,
            **texts,
        )
        drafts[key] = draft
        line.decision = draft
        created.append(line.person_id)
    if created:
        audit_record_many(
            ctx=ctx,
            person_ids=created,
            action=AuditAction.CREATE,
            detail=f"vedtak (utkast): trekk i introduksjonsstønaden, {run.month:%m.%Y}",
        )


# --- What holds an approval back ---------------------------------------------------------------


@dataclass(frozen=True)
class Blocking:
    """A line whose deduction's decision holds the approval back, and why."""

    line: BenefitLine
    decision: Decision | None
    reason: str

    @property
    def text(self) -> str:
        person = self.line.person
        name = f"{person.given_name} {person.family_name}"
        ref = f" (vedtak {self.decision.reference})" if self.decision is not None else ""
        return f"{name}, {self.line.period:%m.%Y}{ref}: {self.reason}"


def reductions_blocking(run: BenefitRun) -> list[Blocking]:
    """The lines of a run whose deduction needs a decision that is not decided, or that was
    decided with another amount than the line pays (the month must be computed again)."""
    lines = list(
        BenefitLine.objects.filter(run=run, needs_decision=True)
        .select_related("person", "decision")
        .defer("decision__letter_pdf")
        .order_by("person__family_name", "person__given_name", "period", "pk")
    )
    needs = _needs(run, lines)
    blocking = []
    for line in lines:
        decision = line.decision
        if decision is None:
            blocking.append(Blocking(line, None, "mangler vedtak; beregn måneden på nytt"))
        elif decision.status == DecisionStatus.DRAFT:
            blocking.append(Blocking(line, decision, "vedtaket er ikke fattet"))
        else:
            need = needs[(line.participation_id, line.period)]
            decided = min(decision.amount or ZERO, need.gross)
            if decided != need.amount:
                blocking.append(
                    Blocking(
                        line,
                        decision,
                        f"vedtaket trekker {kroner_nb(decided)}, linjen {kroner_nb(need.amount)}; "
                        "beregn måneden på nytt",
                    )
                )
    return blocking


def undecided_reductions(run: BenefitRun) -> QuerySet[Decision]:
    """The draft reduction decisions of a run's lines (for the run's page)."""
    return (
        Decision.objects.filter(
            benefit_lines__run=run, status=DecisionStatus.DRAFT, kind=DecisionKind.REDUCTION
        )
        .select_related("person")
        .defer("letter_pdf")
        .distinct()
        .order_by("person__family_name", "person__given_name", "benefit_period", "pk")
    )
