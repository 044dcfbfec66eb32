"""The rules calculators by name, taking raw inputs (strings from a command line or a form,
typed values from the API or the YAML cases) and answering with the JSON of the contract. The
command line, the API, the web page and the YAML tests all go through this one entry."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone

from . import inputs
from .benefit import benefit_calculate
from .disability_grant import disability_grant_calculate
from .establishment import establishment_calculate
from .grants import integration_grant_calculate, norwegian_grant_calculate
from .integration_packages import integration_package_assess
from .parameters import RulesError
from .unaccompanied_minor_grant import unaccompanied_minor_grant_calculate


def _date(data: Mapping[str, Any], key: str, *, required: bool = False) -> datetime.date | None:
    raw = data.get(key)
    if raw in (None, ""):
        if required:
            raise RulesError(f"--{key.replace('_', '-')} mangler.")
        return None
    if isinstance(raw, datetime.date):
        return raw
    return inputs.parse_date(str(raw), f"--{key.replace('_', '-')}")


def _required_date(data: Mapping[str, Any], key: str) -> datetime.date:
    value = _date(data, key, required=True)
    assert value is not None
    return value


def _benefit(data: Mapping[str, Any]) -> dict[str, Any]:
    return benefit_calculate(
        on=_required_date(data, "on"),
        birth_date=_required_date(data, "birth_date"),
        permit_date=_date(data, "permit_date"),
        lives_with_parent=bool(data.get("lives_with_parent", False)),
        absence_hours=inputs.parse_hours(str(data.get("absence_hours") or "0")),
    ).to_json()


def _integration_grant(data: Mapping[str, Any]) -> dict[str, Any]:
    members = data.get("member") or []
    if isinstance(members, str):
        members = members.split()
    return integration_grant_calculate(
        budget_year=inputs.parse_budget_year(data.get("budget_year", "")),
        settled_on=_required_date(data, "settled_on"),
        members=[inputs.parse_member(str(m)) for m in members],
    ).to_json()


def _norwegian_grant(data: Mapping[str, Any]) -> dict[str, Any]:
    return norwegian_grant_calculate(
        budget_year=inputs.parse_budget_year(data.get("budget_year", "")),
        settled_on=_required_date(data, "settled_on"),
        rate=str(data.get("rate", "")),
    ).to_json()


def _unaccompanied_minor_grant(data: Mapping[str, Any]) -> dict[str, Any]:
    return unaccompanied_minor_grant_calculate(
        budget_year=inputs.parse_budget_year(data.get("budget_year", "")),
        birth_date=_required_date(data, "birth_date"),
        settled_on=_required_date(data, "settled_on"),
    ).to_json()


def _disability_grant(data: Mapping[str, Any]) -> dict[str, Any]:
    need = data.get("documented_need")
    return disability_grant_calculate(
        grant=inputs.parse_count(data.get("grant", ""), "--grant"),
        budget_year=inputs.parse_budget_year(data.get("budget_year", "")),
        settled_on=_required_date(data, "settled_on"),
        category=str(data.get("category") or ""),
        documented_need=(
            inputs.parse_amount(need, "--documented-need") if need not in (None, "") else None
        ),
        birth_date=_date(data, "birth_date"),
    ).to_json()


def _establishment(data: Mapping[str, Any]) -> dict[str, Any]:
    return establishment_calculate(
        adults=inputs.parse_count(data.get("adults", ""), "--adults"),
        children=inputs.parse_count(data.get("children", ""), "--children"),
        shared_dwelling=bool(data.get("shared_dwelling", False)),
        family_reunification=bool(data.get("family_reunification", False)),
        on=_date(data, "on") or timezone.localdate(),
    ).to_json()


def _integration_package(data: Mapping[str, Any]) -> dict[str, Any]:
    return integration_package_assess(
        programme_start=_date(data, "programme_start"),
        programme_end=_date(data, "programme_end"),
        norwegian_end=_date(data, "norwegian_end"),
        right_and_duty=_flag(data, "right_and_duty"),
    )


def _flag(data: Mapping[str, Any], key: str) -> bool | None:
    """A yes/no input that may be left out (None: not stated)."""
    raw = data.get(key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"yes", "ja", "true", "1"}:
        return True
    if text in {"no", "nei", "false", "0"}:
        return False
    raise RulesError(f"--{key.replace('_', '-')}: {raw!r} er verken ja eller nei.")


CALCULATORS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "benefit": _benefit,
    "integration-grant": _integration_grant,
    "norwegian-grant": _norwegian_grant,
    "unaccompanied-minor-grant": _unaccompanied_minor_grant,
    "disability-grant": _disability_grant,
    "establishment": _establishment,
    "integration-package": _integration_package,
}


def calculate(name: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Run one calculator; RulesError with a clear message on bad input."""
    try:
        calculator = CALCULATORS[name]
    except KeyError:
        raise RulesError(f"Ukjent beregning: {name}.") from None
    return calculator(data)
