"""``integrering settlement spread``: the exact JSON, every municipality listed, bad files exit 2
with every problem listed and nothing on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from integrering.__main__ import main

HEADER = "municipality_number,population,results_score,immigrant_share,exception"
GOOD = f"""{HEADER}
0301,700000,40,0.33,1
4601,290000,55,0.2,0
5001,210000,60,0.15,0
3201,130000,45,0.31,0
1506,30000,70,0.08,0
1812,1200,10,0.05,0
"""


def spread_command(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        call_command("settlement", "spread", *args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "kommuner.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_prints_exactly_the_contract_keys_and_lists_every_municipality_in_file_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = spread_command(
        capsys, "--need", "300", "--municipalities", write(tmp_path, GOOD), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["need", "requested_municipalities", "requests"]
    assert data["need"] == 300
    assert [r["municipality"] for r in data["requests"]] == [
        "0301",
        "4601",
        "5001",
        "3201",
        "1506",
        "1812",
    ]
    assert all(list(r) == ["municipality", "request", "reason"] for r in data["requests"])
    assert sum(r["request"] for r in data["requests"]) == 300
    by_number = {r["municipality"]: r for r in data["requests"]}
    # 3201 is over the limit and not an exception; 1812 is computed to under 10 and dropped.
    assert by_number["3201"] == {
        "municipality": "3201",
        "request": 0,
        "reason": "Innvandrerandel 31 % er over grensen på 30 %.",
    }
    assert by_number["1812"]["request"] == 0
    assert "under minsteanmodningen på 10" in by_number["1812"]["reason"]
    assert by_number["0301"]["request"] > 0 and "Vurderes særskilt" in by_number["0301"]["reason"]
    assert by_number["4601"]["reason"] == ""
    assert data["requested_municipalities"] == 4


def test_raise_lifts_the_small_municipality_to_10(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = spread_command(
        capsys,
        "--need",
        "300",
        "--municipalities",
        write(tmp_path, GOOD),
        "--below-minimum",
        "raise",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    by_number = {r["municipality"]: r["request"] for r in data["requests"]}
    assert by_number["1812"] == 10
    assert sum(by_number.values()) == 300
    assert data["requested_municipalities"] == 5


def test_without_json_it_prints_a_norwegian_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = spread_command(
        capsys, "--need", "300", "--municipalities", write(tmp_path, GOOD)
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Bosettingsbehov 300 personer fordelt på 4 av 6 kommuner")
    assert "Kommune" in out and "Anmodning" in out and "Årsak" in out
    assert lines[-1].split() == ["Sum", "300"]


def test_a_file_from_norwegian_excel_with_semicolons_decimal_commas_and_a_bom_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "\ufeff" + GOOD.replace(",", ";").replace(".", ",")
    code, out, err = spread_command(
        capsys, "--need", "300", "--municipalities", write(tmp_path, text), "--json"
    )
    assert code == 0, err
    assert json.loads(out)["requested_municipalities"] == 4


def test_extra_columns_are_ignored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = f"name,{HEADER},note\nOslo,0301,700000,40,0.10,0,x\nBergen,4601,290000,55,0.2,0,\n"
    code, out, _ = spread_command(
        capsys, "--need", "100", "--municipalities", write(tmp_path, text), "--json"
    )
    assert code == 0
    assert [r["municipality"] for r in json.loads(out)["requests"]] == ["0301", "4601"]


def _fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = spread_command(capsys, *args)
    assert code == 2, (out, err)
    assert out == ""
    assert "Traceback" not in err
    return err


def test_missing_columns_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "municipality_number,population\n0301,700000\n"
    err = _fails(capsys, "--need", "100", "--municipalities", write(tmp_path, text), "--json")
    assert "mangler kolonnene results_score, immigrant_share, exception" in err


def test_every_bad_value_of_every_row_is_listed_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"""{HEADER}
301,1000,10,0.1,0
0302,-5,10,0.1,0
0303,1000,abc,0.1,0
0304,1000,-1,0.1,0
0305,1000,10,1.2,0
0306,1000,10,-0.1,0
0307,1000,10,0.1,yes
0308,12.5,10,0.1,0
0309,1000,10,0.1,0
0309,2000,10,0.1,0
"""
    err = _fails(capsys, "--need", "100", "--municipalities", write(tmp_path, text), "--json")
    expected = [
        "Linje 2: municipality_number «301»",
        "Linje 3: population «-5»",
        "Linje 4: results_score «abc»",
        "Linje 5: results_score «-1»",
        "Linje 6: immigrant_share «1.2» må være en andel mellom 0 og 1",
        "Linje 7: immigrant_share «-0.1»",
        "Linje 8: exception «yes» må være 0 eller 1",
        "Linje 9: population «12.5»",
        "Kommune 0309 står på flere linjer: 10, 11.",
    ]
    for message in expected:
        assert message in err
    assert err.splitlines()[0].startswith("integrering settlement spread: 9 feil")


@pytest.mark.parametrize("need", ["0", "-3", "12.5", "mange"])
def test_a_need_that_is_not_a_positive_whole_number_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], need: str
) -> None:
    err = _fails(capsys, "--need", need, "--municipalities", write(tmp_path, GOOD), "--json")
    assert f"--need må være et positivt heltall (antall personer), ikke «{need}»" in err


def test_a_bad_need_and_a_bad_file_are_both_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"{HEADER}\n0301,1000,10,0.1,2\n"
    err = _fails(
        capsys,
        "--need",
        "0",
        "--municipalities",
        write(tmp_path, text),
        "--below-minimum",
        "round",
    )
    assert "--need" in err and "--below-minimum må være drop eller raise" in err
    assert "exception «2»" in err


def test_no_eligible_municipality_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"{HEADER}\n0301,1000,10,0.35,0\n4601,1000,10,0.4,0\n"
    err = _fails(capsys, "--need", "100", "--municipalities", write(tmp_path, text), "--json")
    assert "Ingen kommune kan anmodes" in err


def test_raise_with_more_minimum_than_need_exits_2_with_the_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Six municipalities, five eligible: 5 x 10 = 50 > 40.
    err = _fails(
        capsys,
        "--need",
        "40",
        "--municipalities",
        write(tmp_path, GOOD),
        "--below-minimum",
        "raise",
        "--json",
    )
    assert "hver av de 5 kommunene som kan anmodes, ha minst 10 personer, til sammen 50" in err
    assert "Bruk «drop»" in err


def test_an_empty_file_a_header_only_and_a_missing_file_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "Filen er tom" in _fails(capsys, "--need", "10", "--municipalities", write(tmp_path, ""))
    assert "ingen kommuner" in _fails(
        capsys, "--need", "10", "--municipalities", write(tmp_path, HEADER + "\n")
    )
    assert "Kan ikke lese" in _fails(
        capsys, "--need", "10", "--municipalities", str(tmp_path / "finnes-ikke.csv")
    )
    assert "--municipalities mangler" in _fails(capsys, "--need", "10")


def test_a_year_before_the_criteria_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _fails(
        capsys, "--need", "300", "--municipalities", write(tmp_path, GOOD), "--year", "2018"
    )
    assert "ingen verdi før 01.01.2019" in err


def test_the_console_script_exits_2_on_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, f"{HEADER}\n0301,1000,10,2,0\n")
    with pytest.raises(SystemExit) as excinfo:
        main(["integrering", "settlement", "spread", "--need", "10", "--municipalities", path])
    assert excinfo.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "immigrant_share «2»" in err
