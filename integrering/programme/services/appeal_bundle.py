"""The case documents an appeal is forwarded with (forvaltningsloven § 33 fourth paragraph: «skal
sakens dokumenter sendes klageinstansen»).

When the municipality forwards an appeal, the documents the county governor needs are bundled
as they are that day: the decision letter, the appeal and the municipality's assessment, the
individual plan, its evaluations, the attendance in Norwegian training and the absence, leave
and stops of the decision's period (seed 000: the county governor asks «hva trenger vi av fakta
og dokumentasjon for å behandle saken?»). The list is kept on the appeal and shown to both
sides; the documents are one PDF, the letter first.

The period is the month of a reduction of the benefit, and otherwise the programme from its
start (or the day the decision took effect) to the day the appeal was received.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from integrering.casework.models import IndividualPlan
from integrering.pdf import pdf_from_templates
from integrering.ui.numbers import number_nb

from ..models import (
    Absence,
    Appeal,
    AppealStatus,
    Decision,
    NorwegianTrainingMonth,
    ProgrammePeriod,
)
from ..periods import month_bounds
from .decisions import letter_context, letter_template

BUNDLE_TEMPLATE = "programme/appeal_bundle_pdf.html"


def bundle_period(decision: Decision, appeal: Appeal) -> tuple[datetime.date, datetime.date]:
    """The days whose attendance and absence the county governor gets (module docstring)."""
    if decision.benefit_period is not None:
        return month_bounds(decision.benefit_period)
    participation = decision.participation
    start = (
        participation.starts_on
        if participation is not None
        else decision.effective_on or decision.decided_on or appeal.received_on
    )
    return min(start, appeal.received_on), appeal.received_on


def _hours(value: Decimal) -> str:
    return number_nb(value, 1).removesuffix(",0")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def appeal_bundle_context(appeal: Appeal) -> dict[str, Any]:
    """The documents of the case: what the bundle's PDF prints and its index lists."""
    decision = appeal.decision
    person = decision.person
    first, last = bundle_period(decision, appeal)
    plan = IndividualPlan.objects.filter(person=person).first()
    goals = list(plan.goals.all()) if plan else []
    measures = list(plan.measures.all()) if plan else []
    # Every evaluation until the appeal: one after a month of absence speaks to it too.
    evaluations = (
        list(plan.evaluations.filter(evaluated_on__lte=appeal.received_on).order_by("evaluated_on"))
        if plan
        else []
    )
    participation = decision.participation
    absences: list[Absence] = []
    periods: list[ProgrammePeriod] = []
    if participation is not None:
        absences = list(participation.absences.filter(on__gte=first, on__lte=last))
        periods = [
            p
            for p in participation.periods.all()
            if p.from_on <= last and (p.to_on is None or p.to_on >= first)
        ]
    attendance = list(
        NorwegianTrainingMonth.objects.filter(
            training__person=person, month__gte=first.replace(day=1), month__lte=last
        )
    )
    unapproved = sum((a.hours for a in absences if not a.approved), Decimal(0))
    approved = sum((a.hours for a in absences if a.approved), Decimal(0))
    taught = sum((m.taught for m in attendance), Decimal(0))
    attended = sum((m.attended for m in attendance), Decimal(0))
    index = [
        {
            "title": "Vedtaksbrevet",
            "detail": f"Vedtak {decision.reference}"
            + (f", sendt {decision.sent_on:%d.%m.%Y}" if decision.sent_on else ""),
        },
        {
            "title": "Klagen og kommunens vurdering",
            "detail": f"Klagen mottatt {appeal.received_on:%d.%m.%Y}",
        },
        {
            "title": "Individuell plan",
            "detail": (
                f"Gjelder fra {plan.starts_on:%d.%m.%Y}, "
                f"{_count(len(goals), 'delmål', 'delmål')}, "
                f"{_count(len(measures), 'tiltak', 'tiltak')}"
            )
            if plan
            else "Ingen individuell plan er registrert",
        },
        {
            "title": "Evalueringer av planen",
            "detail": _count(len(evaluations), "evaluering", "evalueringer")
            if evaluations
            else "Ingen evalueringer",
        },
        {
            "title": "Oppmøte i opplæringen i norsk og samfunnskunnskap",
            "detail": (
                f"{_count(len(attendance), 'måned', 'måneder')}: {_hours(attended)} av "
                f"{_hours(taught)} timer"
            )
            if attendance
            else "Ingen timer registrert i perioden",
        },
        {
            "title": "Fravær, permisjoner og stans",
            "detail": (
                f"{_count(len(absences), 'dag', 'dager')} med fravær: {_hours(unapproved)} timer "
                f"ikke godkjent, {_hours(approved)} godkjent; "
                f"{_count(len(periods), 'permisjon eller stans', 'permisjoner og stans')}"
            ),
        },
    ]
    return {
        "appeal": appeal,
        "decision": decision,
        "person": person,
        "municipality": decision.municipality,
        "standard": "nb",
        "period_first": first,
        "period_last": last,
        "plan": plan,
        "goals": goals,
        "measures": measures,
        "evaluations": evaluations,
        "absences": absences,
        "periods": periods,
        "attendance": attendance,
        "index": index,
        "totals": {
            "unapproved": _hours(unapproved),
            "approved": _hours(approved),
            "taught": _hours(taught),
            "attended": _hours(attended),
        },
    }


def appeal_bundle_make(appeal: Appeal) -> tuple[list[dict[str, str]], bytes]:
    """The index and the one PDF of the case documents: the letter, then the rest."""
    context = appeal_bundle_context(appeal)
    decision = appeal.decision
    pdf = pdf_from_templates(
        [
            (letter_template(decision), letter_context(decision)),
            (BUNDLE_TEMPLATE, context),
        ]
    )
    return context["index"], pdf


NOT_FORWARDED = "Klagen er ikke sendt til Statsforvalteren; saksdokumentene samles når den sendes."


def appeal_bundle_pdf(appeal: Appeal) -> bytes:
    """The bundle's PDF as it was forwarded. An appeal forwarded before bundles were kept gets
    its bundle made on the first request (from the case as it is then) and kept."""
    if appeal.bundle_pdf:
        return bytes(appeal.bundle_pdf)
    if appeal.status in (AppealStatus.RECEIVED, AppealStatus.REVERSED, AppealStatus.DISMISSED):
        raise ValidationError(NOT_FORWARDED)
    index, pdf = appeal_bundle_make(appeal)
    Appeal.objects.filter(pk=appeal.pk).update(bundle_index=index, bundle_pdf=pdf)
    appeal.bundle_index, appeal.bundle_pdf = index, pdf
    return pdf


def appeal_bundle_filename(appeal: Appeal) -> str:
    """A file name without the person's name: ``klagesak-V-2024-000012.pdf``."""
    return f"klagesak-{appeal.decision.reference}.pdf"
