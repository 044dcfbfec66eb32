"""The year's settlement need (bosettingsbehov): entered and revised by the planner (seed 001).

The need is the number of persons to settle in a year, split by where they come from: from
reception centres, from outside them (settled on their own, but with a right to settlement), and
transfer refugees (overføringsflyktninger, the UN quota); unaccompanied minors are counted apart,
as a part of that total (seed 001: «5 350 hvorav 270 enslige mindreårige»). It is forecast in the
autumn before the year and revised through it; every saved version is kept with who, when and
why (``SettlementNeedRevision``).

A need is entered either as its four figures (``need_save``) or as a forecast of parts by group
(``need_forecast.py``), whose four figures are derived from the parts. Both, and the printed total
(``need_printed_total_save``), go through ``need_write``: one versioned save, one revision row
with the figures, the printed total and a snapshot of the parts.

The figures are aggregates, not personal data: saving them is not audit-logged; the revision
history is their log.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrering.accounts.access import planner_or_system_require
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError, conflict_message, version_bump
from integrering.rules.parameters import value

from ..models import (
    NeedGroup,
    NeedPart,
    SettlementNeed,
    SettlementNeedPart,
    SettlementNeedRevision,
)

WHAT = "bosettingsbehovet"
REASON_MAX = 300
NOTE_MAX = 2000
SOURCE_MAX = 300
FIGURES = ("from_reception", "outside_reception", "transfer_refugees", "unaccompanied_minors")
FIGURE_LABELS = {
    "from_reception": "Fra mottak",
    "outside_reception": "Utenfor mottak",
    "transfer_refugees": "Overføringsflyktninger",
    "unaccompanied_minors": "Hvorav enslige mindreårige",
}
# The largest count a column holds on PostgreSQL (a limit of the database, not a rule): a larger
# figure is refused as bad input instead of failing the save.
COUNT_MAX = 2**31 - 1
TOO_LARGE = "Antallet er for stort."
REASON_MISSING = "Skriv hvorfor behovet endres, for eksempel «nye tall for ankomster i mai»."
PART_ORDER = {part: index for index, part in enumerate(NeedPart.values)}
GROUP_ORDER = {group: index for index, group in enumerate(NeedGroup.values)}


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


@dataclass(frozen=True)
class PartValues:
    """One part of a forecast need for one group, as saved in a ``SettlementNeedPart`` row and in
    a revision's ``parts`` snapshot: what the figures gave (``computed``, from ``basis`` and
    ``rate`` % where it is a product) and what the planner set instead (``adjusted``, ``reason``).
    """

    part: str
    group: str
    basis: int | None
    rate: Decimal | None
    computed: int
    adjusted: int | None = None
    reason: str = ""

    @property
    def value(self) -> int:
        """What counts: the adjusted figure when there is one, else the computed."""
        return self.computed if self.adjusted is None else self.adjusted

    @property
    def part_label(self) -> str:
        return str(NeedPart(self.part).label)

    @property
    def group_label(self) -> str:
        return str(NeedGroup(self.group).label)

    @property
    def is_minor(self) -> bool:
        return self.group != NeedGroup.ADULTS_FAMILIES

    def snapshot(self) -> dict[str, Any]:
        """The part as JSON (the revision's ``parts``; the rate as a string with two decimals)."""
        return {
            "part": self.part,
            "group": self.group,
            "basis": self.basis,
            "rate": None if self.rate is None else f"{self.rate:.2f}",
            "computed": self.computed,
            "adjusted": self.adjusted,
            "reason": self.reason,
            "value": self.value,
        }

    @staticmethod
    def of_row(row: SettlementNeedPart) -> PartValues:
        return PartValues(
            part=row.part,
            group=row.group,
            basis=row.basis,
            rate=None if row.rate is None else Decimal(row.rate),
            computed=row.computed,
            adjusted=row.adjusted,
            reason=row.reason,
        )

    @staticmethod
    def of_snapshot(item: Mapping[str, Any]) -> PartValues:
        rate = item.get("rate")
        return PartValues(
            part=str(item["part"]),
            group=str(item["group"]),
            basis=item.get("basis"),
            rate=None if rate is None else Decimal(str(rate)),
            computed=int(item.get("computed") or 0),
            adjusted=item.get("adjusted"),
            reason=str(item.get("reason") or ""),
        )


def parts_sorted(parts: Sequence[PartValues]) -> list[PartValues]:
    """The parts in the forecast's order: part by part (as ``NeedPart``), group by group."""
    return sorted(parts, key=lambda p: (PART_ORDER.get(p.part, 99), GROUP_ORDER.get(p.group, 99)))


def need_parts(need: SettlementNeed | None) -> list[PartValues]:
    """The need's forecast parts in order; empty for a need entered as four figures."""
    if need is None or need.pk is None:
        return []
    return parts_sorted([PartValues.of_row(row) for row in need.parts.all()])


def need_figures_from_parts(parts: Sequence[PartValues]) -> dict[str, int]:
    """The need's four figures from its parts (issue 21 item 2): from reception = residents with a
    permit + asylum seekers expected to get one; outside reception = family reunification;
    transfer refugees = the resettlement quota; unaccompanied minors = both minor groups in
    every part."""
    figures = dict.fromkeys(FIGURES, 0)
    where = {
        NeedPart.PERMIT_IN_RECEPTION: "from_reception",
        NeedPart.EXPECTED_PERMITS: "from_reception",
        NeedPart.FAMILY_REUNIFICATION: "outside_reception",
        NeedPart.RESETTLEMENT_QUOTA: "transfer_refugees",
    }
    for part in parts:
        figures[where[NeedPart(part.part)]] += part.value
        if part.is_minor:
            figures["unaccompanied_minors"] += part.value
    return figures


def _figure_errors(figures: Mapping[str, int | None]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, number in figures.items():
        if number is None:
            errors[name] = [f"Fyll inn «{FIGURE_LABELS[name].lower()}» (0 hvis ingen)."]
        elif number < 0:
            errors[name] = ["Antallet kan ikke være negativt."]
        elif number > COUNT_MAX:
            errors[name] = [TOO_LARGE]
    if errors:
        return errors
    total = sum(int(figures[name] or 0) for name in FIGURES[:3])
    if int(figures["unaccompanied_minors"] or 0) > total:
        errors["unaccompanied_minors"] = [
            f"Enslige mindreårige er en del av behovet og kan ikke være flere enn {total}, "
            "summen av fra mottak, utenfor mottak og overføringsflyktninger."
        ]
    return errors


def need_input_errors(*, year: int, note: str, reason: str, revising: bool) -> dict[str, list[str]]:
    """The checks every save of a need makes on the year, the note and the reason (a revision of
    a registered need must say why)."""
    errors: dict[str, list[str]] = {}
    year_error = need_year_error(year)
    if year_error:
        errors["year"] = [year_error]
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Merknaden kan ha høyst {NOTE_MAX} tegn."]
    if len(reason) > REASON_MAX:
        errors["reason"] = [f"Begrunnelsen kan ha høyst {REASON_MAX} tegn."]
    elif revising and not reason:
        errors["reason"] = [REASON_MISSING]
    return errors


def _merge(errors: dict[str, list[str]], more: Mapping[str, list[str]]) -> None:
    for name, messages in more.items():
        errors.setdefault(name, []).extend(m for m in messages if m not in errors.get(name, []))


def need_write(
    *,
    ctx: AccessContext,
    year: int,
    figures: Mapping[str, int | None],
    note: str,
    reason: str,
    version: int,
    printed_total: int | None,
    printed_source: str,
    parts: Sequence[PartValues] | None = None,
    counted_on: datetime.date | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> SettlementNeed:
    """Save the year's need as given: enter it (``version`` 0) or revise it (``version`` as read).

    ``parts`` replaces the forecast's parts (None keeps them as they are), and ``counted_on`` the
    date of the reception counts they rest on (None keeps it); ``errors`` are the
    caller's own findings, refused with these checks: a revision needs a reason and must change
    something; unaccompanied minors are part of the total; a printed total names its source; the
    year is within ``need_years``. Each save adds a revision row with the figures, the printed
    total and the parts saved. Two planners saving at once: the second is refused
    (``ConflictError``) and keeps what they typed.
    """
    planner_or_system_require(ctx.user)
    note = (note or "").strip()
    reason = (reason or "").strip()
    printed_source = (printed_source or "").strip() if printed_total is not None else ""
    existing = SettlementNeed.objects.filter(year=year).first()
    if existing is not None and version == 0:
        # The form was opened before anyone had entered the year's need.
        raise ConflictError(conflict_message(WHAT))
    found: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}
    _merge(found, _figure_errors(figures))
    _merge(found, need_input_errors(year=year, note=note, reason=reason, revising=bool(existing)))
    if printed_total is not None and printed_total < 0:
        found.setdefault("printed_total", []).append("Antallet kan ikke være negativt.")
    elif printed_total is not None and printed_total > COUNT_MAX:
        found.setdefault("printed_total", []).append(TOO_LARGE)
    if printed_total is not None and not printed_source:
        found.setdefault("printed_source", []).append(
            "Skriv hvor totalen står trykt, for eksempel «Seed 001, Bosettingsbehov 2019»."
        )
    elif len(printed_source) > SOURCE_MAX:
        found.setdefault("printed_source", []).append(f"Kilden kan ha høyst {SOURCE_MAX} tegn.")
    if existing is not None and not found:
        unchanged = (
            all(getattr(existing, k) == figures[k] for k in FIGURES)
            and existing.note == note
            and existing.printed_total == printed_total
            and existing.printed_source == printed_source
            and (parts is None or parts_sorted(parts) == need_parts(existing))
        )
        if unchanged:
            raise ValidationError(
                "Tallene og merknaden er de samme som før, så det er ingenting å lagre."
            )
    if found:
        raise ValidationError(found)

    now = timezone.now()
    author = ctx.acting_user
    values: dict[str, Any] = {
        **{k: int(figures[k] or 0) for k in FIGURES},
        "note": note,
        "printed_total": printed_total,
        "printed_source": printed_source,
        "updated_at": now,
        "updated_by": author,
    }
    if counted_on is not None:
        values["counted_on"] = counted_on
    with transaction.atomic():
        if existing is None:
            try:
                with transaction.atomic():
                    need = SettlementNeed.objects.create(year=year, **values)
            except IntegrityError:
                # Another planner entered the same year's need a moment ago.
                raise ConflictError(conflict_message(WHAT)) from None
        else:
            version_bump(
                SettlementNeed.objects.filter(pk=existing.pk), expected=version, what=WHAT, **values
            )
            need = SettlementNeed.objects.get(pk=existing.pk)
        if parts is not None:
            need.parts.all().delete()
            SettlementNeedPart.objects.bulk_create(
                SettlementNeedPart(
                    need=need,
                    part=p.part,
                    group=p.group,
                    basis=p.basis,
                    rate=p.rate,
                    computed=p.computed,
                    adjusted=p.adjusted,
                    reason=p.reason,
                )
                for p in parts
            )
        SettlementNeedRevision.objects.create(
            need=need,
            reason=reason,
            revised_at=now,
            revised_by=author,
            printed_total=printed_total,
            counted_on=need.counted_on,
            parts=[p.snapshot() for p in need_parts(need)],
            **{k: values[k] for k in FIGURES},
        )
    return need


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
    """Enter the year's need as its four figures (``version`` 0) or revise them (``version`` as
    read), through ``need_write``: a revision needs a reason and must change something;
    unaccompanied minors are part of the total and cannot exceed it.

    A need forecast from parts (``need_forecast.py``) is not revised this way: its figures follow
    from its parts, so the planner adjusts a part or forecasts again. A printed total is kept.
    """
    planner_or_system_require(ctx.user)
    existing = SettlementNeed.objects.filter(year=year).first()
    if existing is not None and version != 0 and existing.parts.exists():
        raise ValidationError(
            f"Behovet for {year} er beregnet fra en prognose med deler, og tallene følger av "
            "delene. Juster en del, eller beregn prognosen på nytt."
        )
    return need_write(
        ctx=ctx,
        year=year,
        figures={
            "from_reception": from_reception,
            "outside_reception": outside_reception,
            "transfer_refugees": transfer_refugees,
            "unaccompanied_minors": unaccompanied_minors,
        },
        note=note,
        reason=reason,
        version=version,
        printed_total=existing.printed_total if existing else None,
        printed_source=existing.printed_source if existing else "",
    )


def need_printed_total_save(
    *,
    ctx: AccessContext,
    year: int,
    printed_total: int | None,
    printed_source: str = "",
    reason: str = "",
    version: int,
) -> SettlementNeed:
    """Enter the need's total as its source prints it, when that differs from the sum of the
    parts (seed 001, 2019: «Bosettingsbehov i 2019: 5 350» over parts that sum to 5 300), with the
    source; None takes it away (the sum is the total again). The figures and parts stay; the
    difference is shown, not hidden. Requests are spread from the stated total
    (``SettlementNeed.stated_total``).
    """
    planner_or_system_require(ctx.user)
    existing = SettlementNeed.objects.filter(year=year).first()
    if existing is None:
        raise ValidationError(
            {"printed_total": [f"Registrer behovet for {year} før du legger inn en trykt total."]}
        )
    return need_write(
        ctx=ctx,
        year=year,
        figures={k: getattr(existing, k) for k in FIGURES},
        note=existing.note,
        reason=reason,
        version=version,
        printed_total=printed_total,
        printed_source=printed_source,
    )


def need_revisions(need: SettlementNeed | None) -> list[SettlementNeedRevision]:
    """Every saved version of the need, newest first, with who saved it."""
    if need is None:
        return []
    return list(need.revisions.select_related("revised_by"))
