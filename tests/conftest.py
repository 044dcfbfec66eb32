"""The sweeps' figures at the end of a run (issue 9: report routes x roles covered)."""

from __future__ import annotations

from typing import Any

from tests.routes import ISOLATION_PROBES, MATRIX_PROBES


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if MATRIX_PROBES:
        routes = {route for route, _ in MATRIX_PROBES}
        roles = {role for _, role in MATRIX_PROBES}
        terminalreporter.write_line(
            f"access matrix: {len(routes)} routes x {len(roles)} roles (anonymous included) = "
            f"{len(MATRIX_PROBES)} checks against the policy"
        )
    if ISOLATION_PROBES:
        terminalreporter.write_line(
            f"isolation sweep: {len(ISOLATION_PROBES)} routes probed by a user of another "
            "municipality (session, and token on the API): no object reached, no person shown"
        )
