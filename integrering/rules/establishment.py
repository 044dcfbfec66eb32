"""Establishment support (etableringsstønad): the nine municipalities' common scheme, seed 002 §3.2."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .money import money_str
from .parameters import RulesError, value
from .references import reference


@dataclass(frozen=True)
class EstablishmentLine:
    item: str
    count: int
    rate: Decimal | None
    amount: Decimal | None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "count": self.count,
            "rate": money_str(self.rate) if self.rate is not None else None,
            "amount": money_str(self.amount) if self.amount is not None else None,
            "note": self.note,
        }


@dataclass(frozen=True)
class EstablishmentResult:
    on: datetime.date
    furniture: Decimal
    clothes: Decimal
    lines: list[EstablishmentLine]
    parameters_used: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "furniture": money_str(self.furniture),
            "clothes": money_str(self.clothes),
            "total": money_str(self.furniture + self.clothes),
            "lines": [line.to_json() for line in self.lines],
            "references": [reference(name, self.on) for name in self.parameters_used],
        }


def _line(item: str, count: int, rate: Decimal, note: str = "") -> EstablishmentLine:
    return EstablishmentLine(item, count, rate, rate * count, note)


def establishment_calculate(
    *,
    adults: int,
    children: int,
    shared_dwelling: bool = False,
    family_reunification: bool = False,
    on: datetime.date,
) -> EstablishmentResult:
    """Maximum establishment support for a household under the common scheme.

    Furniture: single 40 000; a couple together 45 000; persons sharing a dwelling 22 500 each
    (adults beyond a couple count as such); 5 000 per child under 18. Clothes 8 000 per person.
    Family reunification with a settled family member: 5 000 furniture and 8 000 clothes per person.
    One leisure activity per child, for the first two years (amount set case by case).
    """
    if adults < 0 or children < 0:
        raise RulesError("Antall voksne og barn kan ikke være negativt.")
    if adults < 1:
        raise RulesError("Husstanden må ha minst én voksen (--adults).")
    persons = adults + children
    lines: list[EstablishmentLine] = []
    if family_reunification:
        rates = value("establishment/family_reunification", on)
        lines.append(
            _line("furniture_family_reunification", persons, rates["furniture_per_person"])
        )
        lines.append(_line("clothes_family_reunification", persons, rates["clothes_per_person"]))
        used: tuple[str, ...] = ("establishment/family_reunification",)
        furniture = rates["furniture_per_person"] * persons
        clothes = rates["clothes_per_person"] * persons
        return EstablishmentResult(on, furniture, clothes, lines, used)

    rates = value("establishment/furniture", on)
    if shared_dwelling:
        lines.append(
            _line("furniture_shared_dwelling", adults, rates["shared_dwelling_per_person"])
        )
    elif adults == 1:
        lines.append(_line("furniture_single", 1, rates["single"]))
    else:
        lines.append(_line("furniture_couple", 1, rates["couple"]))
        if adults > 2:
            lines.append(
                _line(
                    "furniture_shared_dwelling",
                    adults - 2,
                    rates["shared_dwelling_per_person"],
                    "voksne utover et par regnes som personer som deler bolig",
                )
            )
    if children:
        lines.append(_line("furniture_child", children, rates["per_child"]))
    furniture = sum((line.amount or Decimal(0) for line in lines), Decimal(0))
    clothes_rate = value("establishment/clothes", on)
    lines.append(_line("clothes", persons, clothes_rate))
    leisure = value("establishment/leisure", on)
    if children:
        lines.append(
            EstablishmentLine(
                "leisure_activity",
                children,
                None,
                None,
                f"én fritidsaktivitet per barn de {leisure['child_years']} første årene; beløp etter vurdering",
            )
        )
    used = ("establishment/furniture", "establishment/clothes", "establishment/leisure")
    return EstablishmentResult(on, furniture, clothes_rate * persons, lines, used)
