"""Start-up figures (issue 19): one rules calculation on the command line, and importing the routes.

Goals: ``integrering rules benefit --on 2025-06-01 --birth-date 1990-03-01 --json`` answers in
under 1 s wall with no ``INTEGRERING_*`` variable set (a pure calculation needs no secret key),
and importing ``integrering.urls`` (every app, the API and its schemas) takes under 1.5 s. Each is
measured in fresh processes, five times; the median is the figure.
"""

from __future__ import annotations

import os
import statistics
import subprocess  # nosec B404 - runs our own console command and this Python, fixed arguments
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RUNS = 5
IMPORT_URLS = (
    "import time; t = time.perf_counter(); import django; django.setup(); "
    "import integrering.urls; print(time.perf_counter() - t)"
)


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRERING_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {**env, **extra}


def rules_command_seconds() -> list[float]:
    command = [
        str(BIN / "integrering"),
        *("rules", "benefit", "--on", "2025-06-01", "--birth-date", "1990-03-01", "--json"),
    ]
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own console command, fixed arguments # nosec B603
            command, cwd=ROOT, env=_clean_env(), check=True, capture_output=True
        )
        times.append(time.perf_counter() - started)
    return times


def urls_import_seconds() -> list[float]:
    env = _clean_env(INTEGRERING_TESTING="1", DJANGO_SETTINGS_MODULE="integrering.settings")
    times = []
    for _ in range(RUNS):
        result = subprocess.run(  # noqa: S603 - this Python, a fixed snippet # nosec B603
            [sys.executable, "-c", IMPORT_URLS],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        times.append(float(result.stdout.strip()))
    return times


def main() -> int:
    ok = True
    for name, goal, measure in (
        ("integrering rules benefit (wall, no INTEGRERING_* set)", 1.0, rules_command_seconds),
        ("import integrering.urls (django.setup + routes)", 1.5, urls_import_seconds),
    ):
        times = measure()
        median = statistics.median(times)
        ok &= median < goal
        print(
            f"{name}: median {median:.2f} s, min {min(times):.2f} s over {RUNS} runs "
            f"(goal under {goal:.1f} s: {'met' if median < goal else 'NOT met'})"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
