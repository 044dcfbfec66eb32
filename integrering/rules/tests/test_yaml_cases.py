"""Run the YAML cases in ``cases/``: name, calculator, period, input, and output (or error).

The calculator ``parameter`` reads one parameter (``input: {name: ...}``) on the period's date, for
parameters no calculator uses yet, so that every change date has a case on each side.

``period`` is the date for date-based calculators (``on``) and the budget year for grants.
``output`` is compared as a subset: every key it names must match exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from integrering.rules.calculators import calculate
from integrering.rules.catalogue import plain_value
from integrering.rules.parameters import RulesError, value

CASES_DIR = Path(__file__).resolve().parent / "cases"
PERIOD_KEY = {
    "parameter": "on",
    "benefit": "on",
    "establishment": "on",
    "integration-grant": "budget_year",
    "norwegian-grant": "budget_year",
    "disability-grant": "budget_year",
    "unaccompanied-minor-grant": "budget_year",
}


def _load() -> list[Any]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return cases


def _run(name: str, data: dict[str, Any]) -> dict[str, Any]:
    if name == "parameter":
        return {"value": plain_value(value(data["name"], data["on"]))}
    return calculate(name, data)


def _matches(expected: Any, actual: Any, where: str) -> list[str]:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected a mapping, got {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing")
            else:
                problems += _matches(value, actual[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {expected!r}, got {actual!r}"]
        return [
            p
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for p in _matches(e, a, f"{where}[{i}]")
        ]
    return [] if expected == actual else [f"{where}: expected {expected!r}, got {actual!r}"]


@pytest.mark.parametrize("case", _load())
def test_yaml_case(case: dict[str, Any]) -> None:
    data = dict(case.get("input") or {})
    if "period" in case:
        data[PERIOD_KEY[case["calculator"]]] = case["period"]
    if "error" in case:
        with pytest.raises(RulesError) as excinfo:
            _run(case["calculator"], data)
        assert case["error"] in str(excinfo.value)
        return
    result = _run(case["calculator"], data)
    problems = _matches(case["output"], result, "output")
    assert not problems, "\n".join(problems)


def test_there_are_cases_for_every_calculator() -> None:
    calculators = {case.values[0]["calculator"] for case in _load()}  # type: ignore[index]
    assert calculators - {"parameter"} == {
        "benefit",
        "integration-grant",
        "norwegian-grant",
        "unaccompanied-minor-grant",
        "disability-grant",
        "establishment",
        "integration-package",
    }
