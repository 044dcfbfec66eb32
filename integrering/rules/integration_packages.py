"""The covid integration packages I-III: extended programme time and extended Norwegian training (seed 003)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .money import money_str
from .parameters import RulesError, parameter
from .references import reference

PROGRAMME = "integration_packages/programme_extension"
NORWEGIAN = "integration_packages/norwegian_extension"


@dataclass(frozen=True)
class PackageAnswer:
    eligible: bool
    package: str | None
    max_months: int | None
    needs_tested: bool
    grant: Decimal | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "package": self.package,
            "max_months": self.max_months,
            "needs_tested": self.needs_tested,
            "grant": money_str(self.grant) if self.grant is not None else None,
            "reason": self.reason,
        }


def _rules(name: str) -> dict[str, Any]:
    p = parameter(name)
    return p.values[-1]  # the package rules were set once; their windows are in the data


def _eligible(window: dict[str, Any], rules: dict[str, Any], reason: str) -> PackageAnswer:
    return PackageAnswer(
        True,
        window["package"],
        int(window["max_months"]),
        bool(rules["needs_tested"]),
        rules["grant"],
        reason,
    )


def _not_eligible(rules: dict[str, Any], reason: str) -> PackageAnswer:
    return PackageAnswer(False, None, None, bool(rules["needs_tested"]), None, reason)


def programme_extension(*, start: datetime.date | None, end: datetime.date | None) -> PackageAnswer:
    """Extended programme time: by start date, and still in the programme on the package's date."""
    rules = _rules(PROGRAMME)
    if start is None:
        return _not_eligible(rules, "ingen programstart oppgitt")
    if end is not None and end < start:
        raise RulesError("Programslutt kan ikke være før programstart.")
    for window in rules["windows"]:
        after = window["started_from"] is None or start >= window["started_from"]
        if after and start < window["started_before"]:
            still_in = window["in_programme_on"]
            if still_in is not None and end is not None and end < still_in:
                return _not_eligible(
                    rules,
                    f"pakke {window['package']} krever at deltakeren var i programmet {still_in:%d.%m.%Y}",
                )
            return _eligible(window, rules, f"startet {start:%d.%m.%Y}: pakke {window['package']}")
    return _not_eligible(rules, "programstart utenfor pakkenes vinduer")


def norwegian_extension(*, end: datetime.date | None) -> PackageAnswer:
    """Extended Norwegian training: a right for everyone whose training ended in a package's window."""
    rules = _rules(NORWEGIAN)
    if end is None:
        return _not_eligible(rules, "ingen sluttdato for norskopplæringen oppgitt")
    for window in rules["windows"]:
        after = window["ended_from"] is None or end >= window["ended_from"]
        if after and end < window["ended_before"]:
            return _eligible(window, rules, f"avsluttet {end:%d.%m.%Y}: pakke {window['package']}")
    return _not_eligible(rules, "sluttdato utenfor pakkenes vinduer")


def integration_package_assess(
    *,
    programme_start: datetime.date | None = None,
    programme_end: datetime.date | None = None,
    norwegian_end: datetime.date | None = None,
) -> dict[str, Any]:
    """Both measures of the integration packages for one participant, as the JSON contract has them."""
    if programme_end is not None and programme_start is None:
        raise RulesError("--programme-end krever --programme-start.")
    on = parameter(PROGRAMME).first_date
    return {
        "programme_extension": programme_extension(
            start=programme_start, end=programme_end
        ).to_json(),
        "norwegian_extension": norwegian_extension(end=norwegian_end).to_json(),
        "references": [reference(PROGRAMME, on), reference(NORWEGIAN, on)],
    }
