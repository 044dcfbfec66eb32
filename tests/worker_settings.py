"""The settings of the worker processes that ``tests/test_workers_scale.py`` starts: the product's
own, with a stale time of seconds instead of minutes, so that the job of a worker killed with
``kill -9`` is failed within the test (``integrering.jobs``: the heartbeat comes every sixth and
the check every quarter of it)."""

from __future__ import annotations

from integrering.settings import *  # noqa: F403

# 3 s: a beat every half second, a check every 0.75 s (settings.py reads whole minutes).
JOB_STALE_MINUTES = 0.05  # type: ignore[assignment]
