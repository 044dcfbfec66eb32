"""``integrering finance cost-coverage`` and the pure computation: seed 001's table reproduced
(each row's result, the sum row), bad files refused with every bad row named."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from .seed001 import SEED_001, seed_csv


def run(*args: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("finance", *args, stdout=stdout, stderr=stderr)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, stdout.getvalue(), stderr.getvalue()


def write(tmp_path: Path, text: str, name: str = "kostnader.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_reproduces_the_sum_row_of_seed_001(tmp_path: Path) -> None:
    """Hours (573 224), FTE (751 as printed) and hours per FTE of the sum row (763,8) are the
    seed's. The seed's printed money sums (911 434 019, 844 533 278, -66 900 741) are not the
    sums of its 19 printed rows: those are 911 264 951, 832 955 770 and -78 309 181 (the
    expenses differ by 169 068, the income by 11 577 508; every row's result is its income minus
    its expenses). The sum row must be the sum of the rows, so we check against that."""
    code, out, err = run("cost-coverage", "--file", write(tmp_path, seed_csv()), "--json")
    assert code == 0, err
    data = json.loads(out)
    expenses = sum(row[2] for row in SEED_001)
    income = sum(row[3] for row in SEED_001)
    assert (expenses, income) == (911_264_951, 832_955_770)
    assert data["sum"]["expenses"] == f"{expenses}.00"
    assert data["sum"]["income"] == f"{income}.00"
    assert data["sum"]["result"] == f"{income - expenses}.00" == "-78309181.00"
    assert data["sum"]["result"] == f"{sum(row[4] for row in SEED_001)}.00"
    assert data["sum"]["hours"] == 573224  # the seed's
    assert data["sum"]["hours_per_fte"] == 763.8  # the seed's
    assert round(data["sum"]["fte"]) == 751  # the seed's, printed rounded
    assert (911_434_019 - expenses, 844_533_278 - income) == (169_068, 11_577_508)
    # hours per FTE of the sum row is total hours / total FTE, not the mean of the rows'
    mean = sum(Decimal(r[6]) for r in SEED_001) / len(SEED_001)
    assert round(mean, 1) != Decimal("763.8")


def test_each_row_gives_the_seed_s_result_and_hours_per_fte(tmp_path: Path) -> None:
    code, out, _ = run("cost-coverage", "--file", write(tmp_path, seed_csv()), "--json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert [r["municipality_number"] for r in rows] == [s[0] for s in SEED_001]
    for row, seed in zip(rows, SEED_001, strict=True):
        assert row["result"] == f"{seed[4]}.00"
        assert row["hours_per_fte"] == float(seed[6])
    assert rows[0] == {
        "municipality_number": "0106",
        "result": "-5841144.00",
        "hours_per_fte": 805.4,
    }


def test_the_sum_row_from_fte_with_two_decimals_is_the_seed_s_too(tmp_path: Path) -> None:
    code, out, _ = run(
        "cost-coverage", "--file", write(tmp_path, seed_csv(fte_decimals=2)), "--json"
    )
    assert code == 0
    total = json.loads(out)["sum"]
    assert total["hours_per_fte"] == 763.8
    assert total["fte"] == 750.52


def test_it_reads_an_excel_file_as_well(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["municipality_number", "name", "expenses", "income", "hours", "fte"])
    sheet.append([106, "Fredrikstad", 36047055, 30205911, 32660, 40.55])
    path = tmp_path / "kostnader.xlsx"
    workbook.save(path)
    code, out, err = run("cost-coverage", "--file", str(path), "--json")
    assert code == 0, err
    assert json.loads(out)["rows"] == [
        {"municipality_number": "0106", "result": "-5841144.00", "hours_per_fte": 805.4}
    ]


def test_without_json_it_prints_a_norwegian_table(tmp_path: Path) -> None:
    code, out, _ = run("cost-coverage", "--file", write(tmp_path, seed_csv(fte_decimals=2)))
    assert code == 0
    assert "0106 Fredrikstad" in out
    assert "\u22125\u00a0841\u00a0144" in out  # a true minus sign (issue 23)
    assert out.splitlines()[-1].startswith("Sum")
    assert "763,8" in out.splitlines()[-1]


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            "municipality_number,name,expenses,income,hours\n0106,Fredrikstad,1,2,3\n",
            ["linje 1: kolonnen «fte» mangler"],
        ),
        (
            "municipality_number,name,expenses,income,hours,fte\n"
            "0106,Fredrikstad,mange,2,3,1\n"
            "0213,Ski,1,2,3,1\n"
            "0213,Ski,1,2,3,1\n"
            "02x,,1,-2,3,0\n",
            [
                "linje 2: expenses (utgifter) må være et tall, ikke «mange»",
                "linje 4: kommune 0213 står allerede på linje 3",
                "linje 5: municipality_number må være et kommunenummer med fire sifre, ikke «02x»",
                "linje 5: name (kommunenavnet) mangler",
                "linje 5: income (inntekter) kan ikke være negativ («-2»)",
                "linje 5: fte (årsverk) må være større enn 0",
            ],
        ),
        ("municipality_number,name,expenses,income,hours,fte\n", ["ingen rader"]),
    ],
)
def test_a_bad_file_exits_2_naming_every_bad_row_and_prints_nothing(
    tmp_path: Path, text: str, messages: list[str]
) -> None:
    code, out, err = run("cost-coverage", "--file", write(tmp_path, text), "--json")
    assert code == 2
    assert out == ""
    for message in messages:
        assert message in err


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    code, out, err = run("cost-coverage", "--file", str(tmp_path / "finnes-ikke.csv"))
    assert (code, out) == (2, "")
    assert "Kan ikke lese" in err
