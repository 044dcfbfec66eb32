"""The year's settlement need (bosettingsbehov): entered and revised by the planner (seed 001).

The need is the number of persons to settle in a year, split by where they come from: from
reception centres, from outside them (settled on their own, but with a right to settlement), and
transfer refugees (overføringsflyktninger, the UN quota); unaccompanied minors are counted apart,
as a part of that total (seed 001: «5 350 hvorav 270 enslige mindreårige»). It is forecast in the
autumn before the year and revised through it; every saved version is kept with who, when and
why (``SettlementNeedRevision``).

The figures are aggregates, not personal data: saving them is not audit-logged; the revision
history is their log.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrering.accounts.access import planner_or_system_require
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError, conflict_message, version_bump
from integrering.rules.parameters import value

from ..models import SettlementNeed, SettlementNeedRevision

WHAT = "bosettingsbehovet"
REASON_MAX = 300
NOTE_MAX = 2000
FIGURE_LABELS = {
    "from_reception": "Fra mottak",
    "outside_reception": "Utenfor mottak",
    "transfer_refugees": "Overføringsflyktninger",
    "unaccompanied_minors": "Hvorav enslige mindreårige",
}


def need_years(on: datetime.date | None = None) -> range:
    """The years a need can be entered for: from the first year Integrering holds, to
    ``years_ahead`` years after this one (parameter ``settlement/need_years``)."""
    on = on or timezone.localdate()
    limits = value("settlement/need_years", on)
    return range(int(limits["first_year"]), on.year + int(limits["years_ahead"]) + 1)


def need_year_error(year: int, on: datetime.date | None = None) -> str | None:
    """Why a year is out of range, or None when it is fine."""
    years = need_years(on)
    if year in years:
        return None
    return f"Velg et år fra {years.start} til {years.stop - 1}."


def need_for(year: int) -> SettlementNeed | None:
    """The year's need, or None when none is entered yet."""
    return SettlementNeed.objects.filter(year=year).select_related("updated_by").first()


def _figure_errors(figures: dict[str, int]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, number in figures.items():
        if number is None:
            errors[name] = [f"Fyll inn «{FIGURE_LABELS[name].lower()}» (0 hvis ingen)."]
        elif number < 0:
            errors[name] = ["Antallet kan ikke være negativt."]
    if errors:
        return errors
    total = figures["from_reception"] + figures["outside_reception"] + figures["transfer_refugees"]
    if figures["unaccompanied_minors"] > total:
        errors["unaccompanied_minors"] = [
            f"Enslige mindreårige er en del av behovet og kan ikke være flere enn {total}, "
            "summen av fra mottak, utenfor mottak og overføringsflyktninger."
        ]
    return errors


def need_save(
    *,
    ctx: AccessContext,
    year: int,
    from_reception: int,
    outside_reception: int,
    transfer_refugees: int,
    unaccompanied_minors: int,
    note: str = "",
    reason: str = "",
    version: int = 0,
) -> SettlementNeed:
    """Enter the year's need (``version`` 0) or revise it (``version`` as read).

    A revision needs a reason and must change something; unaccompanied minors are part of the
    total and cannot exceed it; the year must be within ``need_years``. Each save adds a
    revision row with the figures saved. Two planners revising at once: the second is refused
    (``ConflictError``) and keeps what they typed.
    """
    planner_or_system_require(ctx.user)
    figures = {
        "from_reception": from_reception,
        "outside_reception": outside_reception,
        "transfer_refugees": transfer_refugees,
        "unaccompanied_minors": unaccompanied_minors,
    }
    note = (note or "").strip()
    reason = (reason or "").strip()
    errors = _figure_errors(figures)
    year_error = need_year_error(year)
    if year_error:
        errors["year"] = [year_error]
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Merknaden kan ha høyst {NOTE_MAX} tegn."]
    if len(reason) > REASON_MAX:
        errors["reason"] = [f"Begrunnelsen kan ha høyst {REASON_MAX} tegn."]

    existing = SettlementNeed.objects.filter(year=year).first()
    if existing is not None and version == 0:
        # The form was opened before anyone had entered the year's need.
        raise ConflictError(conflict_message(WHAT))
    if existing is not None:
        if not reason:
            errors.setdefault("reason", []).append(
                "Skriv hvorfor behovet endres, for eksempel «nye tall for ankomster i mai»."
            )
        unchanged = all(getattr(existing, k) == v for k, v in figures.items()) and (
            existing.note == note
        )
        if unchanged and not errors:
            raise ValidationError(
                "Tallene og merknaden er de samme som før, så det er ingenting å lagre."
            )
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    author = ctx.acting_user
    with transaction.atomic():
        if existing is None:
            try:
                with transaction.atomic():
                    need = SettlementNeed.objects.create(
                        year=year, note=note, updated_at=now, updated_by=author, **figures
                    )
            except IntegrityError:
                # Another planner entered the same year's need a moment ago.
                raise ConflictError(conflict_message(WHAT)) from None
        else:
            version_bump(
                SettlementNeed.objects.filter(pk=existing.pk),
                expected=version,
                what=WHAT,
                note=note,
                updated_at=now,
                updated_by=author,
                **figures,
            )
            need = SettlementNeed.objects.get(pk=existing.pk)
        SettlementNeedRevision.objects.create(
            need=need, reason=reason, revised_at=now, revised_by=author, **figures
        )
    return need


def need_revisions(need: SettlementNeed | None) -> list[SettlementNeedRevision]:
    """Every saved version of the need, newest first, with who saved it."""
    if need is None:
        return []
    return list(need.revisions.select_related("revised_by"))
