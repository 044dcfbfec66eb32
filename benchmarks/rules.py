"""Monthly introduction benefit for 100 000 participant-months with mixed ages and dates.

Prints the time. Goal (issue 4): under 1 s on the project machine (2 cores). Run: make bench
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrering.settings")
os.environ.setdefault("INTEGRERING_TESTING", "1")

from integrering.rules.benefit import benefit_month_batch

ROWS = 100_000


def participant_months(
    n: int, seed: int = 1
) -> list[tuple[datetime.date, datetime.date, datetime.date | None, bool, Decimal]]:
    rng = random.Random(seed)  # seeded synthetic data, not a secret # nosec B311
    rows = []
    for _ in range(n):
        month = datetime.date(rng.randint(2011, 2025), rng.randint(1, 12), 1)
        # Participants are 18 to 60, and their permit came before the month (0 to 4 years).
        birth = month - datetime.timedelta(days=rng.randint(18 * 365, 60 * 365))
        permit = (
            month - datetime.timedelta(days=rng.randint(0, 1500)) if rng.random() < 0.8 else None
        )
        absence = Decimal(rng.choice([0, 0, 0, 0, 2, 4, 7.5, 15]))
        rows.append((month, birth, permit, rng.random() < 0.2, absence))
    return rows


def main() -> None:
    rows = participant_months(ROWS)
    start = time.perf_counter()
    results = benefit_month_batch(rows)
    elapsed = time.perf_counter() - start
    total = sum(payable for payable in results)
    print(
        f"rules benchmark: {ROWS} participant-months in {elapsed:.3f} s ({ROWS / elapsed:,.0f}/s); total payable {total}"
    )


if __name__ == "__main__":
    main()
