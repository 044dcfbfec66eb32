"""Fuzz every operation of /api/v1/openapi.json on the live product: no server error, and every
answer is one the schema declares (status, content type, headers, body).

The schema is the one the server serves, built in-process at collection so that pytest lists
one test per operation; the cases are sent to the live server.
"""

from __future__ import annotations

import json

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import (
    CheckFunction,
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.conftest import EXAMPLES, PHASES, RANDOM, STATS, FuzzServer, outsider_for, role_for

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

from integrering.api import api  # noqa: E402  (after Django is set up by pytest-django)

schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
for phase in ("examples", "coverage", "fuzzing", "stateful"):
    schema.config.phases.get_by_name(name=phase).enabled = phase in PHASES


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not RANDOM,
)
def test_api_answers_as_its_schema_says(case: Case, fuzz_server: FuzzServer) -> None:
    for user in (role_for(case.path), outsider_for(case.path)):
        response = case.call(
            base_url=fuzz_server.server.url,
            headers={"Authorization": f"Bearer {fuzz_server.tokens[user]}"},
            timeout=60,
        )
        STATS.record(case.operation.label, response.status_code)
        case.validate_response(response, checks=CHECKS)


def test_every_api_schema_has_its_own_name() -> None:
    """Two schemas with one name share one entry in the OpenAPI components, and one of them is
    described wrongly (programme and settlement both had a DecisionOut)."""
    from ninja import Schema

    def subclasses(cls: type) -> list[type]:
        found: list[type] = []
        subs: list[type] = cls.__subclasses__()
        for sub in subs:
            found += [sub, *subclasses(sub)]
        return found

    owners: dict[str, set[str]] = {}
    for model in subclasses(Schema):
        if model.__module__.startswith("integrering."):
            owners.setdefault(model.__name__, set()).add(model.__module__)
    assert {name: mods for name, mods in owners.items() if len(mods) > 1} == {}
