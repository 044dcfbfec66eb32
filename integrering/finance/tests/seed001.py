"""Seed 001's cost-coverage table («Sum utvalgskommuner», 19 municipalities): expenses, income,
result, hours and hours per FTE as printed. The FTE column is printed rounded to whole FTEs, so
a test builds each FTE as hours / hours per FTE."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

# number, name, expenses, income, result, hours, hours per FTE (as printed in seed 001)
SEED_001 = [
    ("0106", "Fredrikstad", 36047055, 30205911, -5841144, 32660, "805.4"),
    ("0213", "Ski", 23705707, 19294332, -4411375, 17858, "753.5"),
    ("0219", "Bærum", 53009000, 43576000, -9433000, 39680, "880.4"),
    ("0220", "Asker", 14153451, 19934283, 5780832, 9030, "851.9"),
    ("0231", "Skedsmo (NY)", 16291961, 22759947, 6467986, 8678, "808.0"),
    ("0301", "Oslo", 291764549, 272926092, -18838457, 148796, "747.7"),
    ("0602", "Drammen", 35428759, 39472047, 4043288, 21063, "807.0"),
    ("0709", "Larvik", 26278400, 22699382, -3579018, 17468, "764.5"),
    ("0815", "Kragerø", 6252231, 6273799, 21568, 4468, "742.2"),
    ("1001", "Kristiansand", 55848999, 47528871, -8320128, 35775, "795.0"),
    ("1103", "Stavanger (NY)", 65278831, 54820230, -10458601, 42490, "772.5"),
    ("1149", "Karmøy", 12777526, 10432774, -2344752, 9706, "781.5"),
    ("1201", "Bergen", 132347603, 111670417, -20677186, 79519, "689.7"),
    ("1445", "Gloppen", 4222187, 3981239, -240948, 3009, "752.3"),
    ("1505", "Kristiansund", 12657968, 13114849, 456881, 8004, "741.1"),
    ("1601", "Trondheim", 82724385, 85392637, 2668252, 63059, "759.7"),
    ("1804", "Bodø", 20088708, 10198428, -9890280, 14370, "807.9"),
    ("2003", "Vadsø", 10508101, 10567498, 59397, 8974, "815.8"),
    ("2012", "Alta", 11879530, 8107034, -3772496, 8617, "744.8"),
]


def seed_csv(*, fte_decimals: int | None = None) -> str:
    """The seed table as a CSV file; FTE = hours / hours per FTE, with all the decimals Python's
    ``Decimal`` gives, or rounded to ``fte_decimals``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["municipality_number", "name", "expenses", "income", "hours", "fte"])
    for number, name, expenses, income, _result, hours, per_fte in SEED_001:
        fte = Decimal(hours) / Decimal(per_fte)
        if fte_decimals is not None:
            fte = round(fte, fte_decimals)
        writer.writerow([number, name, expenses, income, hours, str(fte)])
    return out.getvalue()
