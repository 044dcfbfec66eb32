"""The covid integration packages I-III (seed 003): extended programme time, extended Norwegian
training, the reinforced programme, and the legal basis their decisions name.

The measures come from *midlertidig lov 26. mai 2020 nr. 53 om tilpasninger i introduksjonsloven
for å avhjelpe konsekvenser av utbrudd av covid-19*, whose chapter 1 (the measures) came into
force on 1 August 2020 and was widened by package II (March 2021) and III (June 2021). Every
window, rate and text is a parameter under ``parameters/integration_packages/``; the readings of
the law that the windows encode are written in the parameters' ``metadata.notes``:

- Package I's programme extension needs the participant to have been in the programme when
  chapter 1 came into force (a programme that had ended by then cannot be extended).
- Norwegian training that ended **on 31.12.2020** is package I: the seed's «før 31. desember
  2020» is read as «til og med 31. desember 2020», so package I ends where package II («mellom
  1. januar 2021 og 1. juli 2021») begins (the consultation of May 2020: «personer som avslutter
  sin opplæring høsten 2020»). Training that ended before 1 August 2020 is in no package.
- Extended programme time is needs-tested by the need «for å komme i jobb eller utdanning», not
  by the ordinary «grunn til å forvente» test; extended Norwegian training is not needs-tested:
  the municipality sets only its length. Packages II and III need the right and duty to training
  under introduksjonsloven § 17 første ledd.
- The reinforced programme (final goal: completed upper secondary) is a right for participants
  under the Introduction Act who started from 1 January 2019.
"""

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
REINFORCED = "integration_packages/reinforced_programme"
LEGAL_BASIS = "integration_packages/legal_basis"
REPORTING = "integration_packages/reporting"
INTRODUCTION_ACT = "introduction_act"


@dataclass(frozen=True)
class PackageAnswer:
    eligible: bool
    package: str | None
    max_months: int | None
    needs_tested: bool
    grant: Decimal | None
    reason: str
    needs_test: str | None = None
    legal_basis: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "package": self.package,
            "max_months": self.max_months,
            "needs_tested": self.needs_tested,
            "needs_test": self.needs_test,
            "grant": money_str(self.grant) if self.grant is not None else None,
            "legal_basis": self.legal_basis,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ReinforcedAnswer:
    eligible: bool
    max_months: int | None
    extension_max_months: int | None
    reason: str
    legal_basis: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "max_months": self.max_months,
            "extension_max_months": self.extension_max_months,
            "legal_basis": self.legal_basis,
            "reason": self.reason,
        }


def _rules(name: str) -> dict[str, Any]:
    p = parameter(name)
    return p.values[-1]  # the package rules as last amended; their windows are in the data


def legal_basis_texts(standard: str = "nb") -> dict[str, Any]:
    """The legal basis of each package measure, as the decision letters name it, in a written
    standard: ``nb`` (bokmål) or ``nn`` (nynorsk)."""
    return dict(_rules(LEGAL_BASIS)[standard])


def measure_legal_basis(
    *, measure: str, standard: str = "nb", package: str = "", act: str = ""
) -> str:
    """The legal basis a decision on a package ``measure`` names (``programme_extension`` of a
    ``package``, ``norwegian_extension``, ``reinforced_programme``, ``career_guidance`` under an
    ``act``), in the letter's written standard."""
    texts = legal_basis_texts(standard)
    if measure == "programme_extension":
        return str(texts[measure][package])
    if measure == "career_guidance":
        return str(texts[measure][act])
    return str(texts[measure])


def _programme_basis(package: str) -> str:
    return measure_legal_basis(measure="programme_extension", package=package)


def _eligible(
    window: dict[str, Any], rules: dict[str, Any], reason: str, basis: str
) -> PackageAnswer:
    return PackageAnswer(
        True,
        str(window["package"]),
        int(window["max_months"]),
        bool(rules["needs_tested"]),
        rules["grant"],
        reason,
        rules.get("needs_test"),
        basis,
    )


def _not_eligible(rules: dict[str, Any], reason: str) -> PackageAnswer:
    return PackageAnswer(
        False, None, None, bool(rules["needs_tested"]), None, reason, rules.get("needs_test")
    )


def programme_extension(*, start: datetime.date | None, end: datetime.date | None) -> PackageAnswer:
    """Extended programme time (the temporary law § 2): by the start date, and the participant
    still in the programme on the package's date (package I: when chapter 1 came into force).

    ``end`` is the last day in the programme (the end, or the planned end); None: still in it.
    The answer is who may have it; whether they need it for work or education is the
    municipality's assessment (``needs_test``).
    """
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
            return _eligible(
                window,
                rules,
                f"startet {start:%d.%m.%Y}: pakke {window['package']}",
                _programme_basis(str(window["package"])),
            )
    return _not_eligible(rules, "programstart utenfor pakkenes vinduer")


def norwegian_extension(
    *, end: datetime.date | None, right_and_duty: bool | None = None
) -> PackageAnswer:
    """Extended Norwegian training (the temporary law § 3): a right for everyone in the target
    group, not needs-tested; the municipality sets only the length, up to the package's maximum.

    The target group is by the day the training ended (or ends), and for packages II and III
    the right and duty to training under introduksjonsloven § 17 første ledd. ``right_and_duty``
    None means not stated: the answer then names the condition instead of checking it.
    Training that ended on 31.12.2020 is package I (see the module docstring).
    """
    rules = _rules(NORWEGIAN)
    if end is None:
        return _not_eligible(rules, "ingen sluttdato for norskopplæringen oppgitt")
    windows = rules["windows"]
    first = windows[0]["ended_from"]
    if first is not None and end < first:
        return _not_eligible(
            rules,
            f"avsluttet {end:%d.%m.%Y}, før pakke {windows[0]['package']} "
            f"(fra {first:%d.%m.%Y}, da den midlertidige lovens kapittel 1 trådte i kraft)",
        )
    for window in windows:
        after = window["ended_from"] is None or end >= window["ended_from"]
        if not (after and end < window["ended_before"]):
            continue
        package = window["package"]
        reason = f"avsluttet {end:%d.%m.%Y}: pakke {package}"
        if window.get("requires_right_and_duty"):
            basis = rules["right_and_duty_basis"]
            if right_and_duty is False:
                return _not_eligible(rules, f"pakke {package} gjelder bare den som har {basis}")
            if right_and_duty is None:
                reason += f" (forutsetter {basis})"
        return _eligible(window, rules, reason, str(legal_basis_texts()["norwegian_extension"]))
    return _not_eligible(rules, "sluttdato utenfor pakkenes vinduer")


def reinforced_programme(
    *, start: datetime.date | None, act: str | None = None
) -> ReinforcedAnswer:
    """The reinforced programme: the right to a revised individual plan with the final goal of
    completed upper secondary, for participants under the Introduction Act who started from
    1 January 2019 (seed 003 «etter 1. januar 2019»; the reading is in the parameter)."""
    rules = _rules(REINFORCED)
    if start is None:
        return ReinforcedAnswer(False, None, None, "ingen programstart oppgitt")
    if act is not None and act != rules["act"]:
        return ReinforcedAnswer(
            False, None, None, "gjelder deltakere etter introduksjonsloven, ikke integreringsloven"
        )
    if start < rules["started_from"]:
        return ReinforcedAnswer(
            False,
            None,
            None,
            f"startet {start:%d.%m.%Y}, før {rules['started_from']:%d.%m.%Y}",
        )
    return ReinforcedAnswer(
        True,
        int(rules["max_months"]),
        int(rules["extension_max_months"]),
        f"startet {start:%d.%m.%Y}: rett til forsterket introduksjonsprogram",
        str(legal_basis_texts()["reinforced_programme"]),
    )


def career_guidance_basis(*, act: str) -> str:
    """The legal basis of the right to have the need for career guidance assessed (seed 003:
    «Alle deltakere har rett til å få vurdert behovet for karriereveiledning»)."""
    return str(legal_basis_texts()["career_guidance"][act])


def reporting_rounds() -> dict[str, dict[str, Any]]:
    """The directorate's reporting rounds by package (period, form sent, deadline, payout)."""
    return dict(_rules(REPORTING))


def integration_package_assess(
    *,
    programme_start: datetime.date | None = None,
    programme_end: datetime.date | None = None,
    norwegian_end: datetime.date | None = None,
    right_and_duty: bool | None = None,
) -> dict[str, Any]:
    """The measures of the integration packages for one participant, as the JSON contract has them."""
    if programme_end is not None and programme_start is None:
        raise RulesError("--programme-end krever --programme-start.")
    on = parameter(PROGRAMME).first_date
    return {
        "programme_extension": programme_extension(
            start=programme_start, end=programme_end
        ).to_json(),
        "norwegian_extension": norwegian_extension(
            end=norwegian_end, right_and_duty=right_and_duty
        ).to_json(),
        "reinforced_programme": reinforced_programme(start=programme_start).to_json(),
        "references": [
            reference(PROGRAMME, on),
            reference(NORWEGIAN, on),
            reference(REINFORCED, on),
            reference(LEGAL_BASIS, on),
        ],
    }
