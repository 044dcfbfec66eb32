"""API fuzzing harness: the real product (tests/live_server.py) with bearer tokens of demo users.

Each operation is called as the role that owns its part of the API (a planner for settlement, an
analyst for the surveys, ...), so the generated cases reach the services and not only the 401.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.live_server import LiveServer, live_server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the fuzzing tests ``fuzz``: they need a live server, so ``make test-fast`` skips them."""
    for item in items:
        if "tests/fuzz/" in str(item.fspath):
            item.add_marker(pytest.mark.fuzz)


# The examples hypothesis generates per operation and phase, and the phases: `make test` runs a
# few random examples, `make fuzz` 200 and the coverage phase's boundary values of every field.
EXAMPLES = int(os.environ.get("INTEGRERING_FUZZ_EXAMPLES", "5"))
PHASES = os.environ.get("INTEGRERING_FUZZ_PHASES", "examples,fuzzing").split(",")
# The short run generates the same cases every time; `make fuzz` explores new ones on each run.
RANDOM = os.environ.get("INTEGRERING_FUZZ_RANDOM") == "1"
DEFAULT_ROLE = "saksbehandler-oslo"
# The first matching path prefix decides who calls an operation.
ROLES = [
    ("/api/v1/settlement/", "planlegger"),
    ("/api/v1/surveys/", "analytiker"),
    ("/api/v1/finance/", "analytiker"),
    ("/api/v1/capacity/national", "analytiker"),
    ("/api/v1/capacity/{answer_round_id}/answer", "leder-oslo"),
    ("/api/v1/capacity/", "statsforvalter-vestland"),
    ("/api/v1/county-governor/", "statsforvalter-oslo"),
    ("/api/v1/news/", "statsforvalter-oslo"),
]
# Each case is sent again as a user of another part of the system, whose 403 and 404 must be
# declared too.
OUTSIDER = {DEFAULT_ROLE: "planlegger"}
USERS = sorted({DEFAULT_ROLE, "planlegger", *(user for _, user in ROLES)})

TOKENS_SCRIPT = """
import json
from integrering.accounts.models import User
from integrering.accounts.services import token_create
print(json.dumps({u: token_create(user=User.objects.get(username=u), name="fuzz").token for u in %r}))
"""


def role_for(path: str) -> str:
    """The user who owns the operation at this path."""
    return next((user for prefix, user in ROLES if path.startswith(prefix)), DEFAULT_ROLE)


def outsider_for(path: str) -> str:
    """A user of another part of the system."""
    return OUTSIDER.get(role_for(path), DEFAULT_ROLE)


@dataclass
class FuzzServer:
    server: LiveServer
    tokens: dict[str, str] = field(repr=False)


@dataclass
class FuzzStats:
    """What the run did, for the summary line: requests by operation and by status class."""

    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)

    def record(self, operation: str, status: int) -> None:
        self.requests[operation] += 1
        self.statuses[f"{status // 100}xx"] += 1


STATS = FuzzStats()


@pytest.fixture(scope="session")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzServer]:
    with live_server(tmp_path_factory.mktemp("fuzz"), name="fuzz") as server:
        output = server.command("shell", "-c", TOKENS_SCRIPT % USERS)
        tokens = json.loads(output.strip().splitlines()[-1])
        # Warm both workers up (imports, first queries) before the cases count the seconds.
        for token in [*tokens.values(), *tokens.values()]:
            request = urllib.request.Request(  # noqa: S310 (our http://127.0.0.1)
                f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
            )
            urllib.request.urlopen(request, timeout=120).close()  # noqa: S310 (our http://127.0.0.1)
        yield FuzzServer(server=server, tokens=tokens)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if STATS.requests:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(STATS.statuses.items()))
        terminalreporter.write_line(
            f"schemathesis: {len(STATS.requests)} operations, "
            f"{sum(STATS.requests.values())} requests (max {EXAMPLES} examples per operation "
            "and phase, each sent as its owner and as an outsider; "
            f"{statuses})"
        )
