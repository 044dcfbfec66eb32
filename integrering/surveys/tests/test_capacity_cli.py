"""``integrering capacity summary``: the exact JSON, services in the seed's order, and bad files
exit 2 with every bad line named and nothing on stdout."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from integrering.surveys.models import CapacityService

HEADER = "municipality_number,service,level"


def summary(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        call_command("capacity", "summary", *args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "svar.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_prints_exactly_the_contract_keys_in_the_seeds_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gp_levels = ["utfordrende", "kritisk", "utfordrende", "kritisk"] + ["god"] * 5
    lines = [HEADER]
    lines += [f"{1000 + i:04d},gp,{level}" for i, level in enumerate(gp_levels)]
    lines += ["1000,housing,god", "1001,Boliger,KRITISK", "1002,housing,tilfredsstillende"]
    lines += ["1000,nav_social,utfordrende"]
    code, out, err = summary(capsys, "--file", write(tmp_path, "\n".join(lines) + "\n"), "--json")

    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["services"]
    assert all(
        list(s) == ["service", "answered", "challenging_or_critical", "percent"]
        for s in data["services"]
    )
    assert [s["service"] for s in data["services"]] == ["housing", "gp", "nav_social"]
    assert data["services"] == [
        {"service": "housing", "answered": 3, "challenging_or_critical": 1, "percent": 33.3},
        {"service": "gp", "answered": 9, "challenging_or_critical": 4, "percent": 44.4},
        {"service": "nav_social", "answered": 1, "challenging_or_critical": 1, "percent": 100.0},
    ]
    # Independent count of the file.
    counted = Counter(line.split(",")[1] for line in lines[1:])
    assert counted["gp"] == 9


def test_all_nine_services_are_listed_once_each_in_the_seeds_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [HEADER] + [
        f"{n},{service},tilfredsstillende"
        for service in reversed(CapacityService.values)
        for n in ("0301", "4601")
    ]
    code, out, _ = summary(capsys, "--file", write(tmp_path, "\n".join(lines)), "--json")
    services = json.loads(out)["services"]
    assert code == 0
    assert [s["service"] for s in services] == CapacityService.values
    assert {s["percent"] for s in services} == {0.0}


def test_without_json_it_prints_a_norwegian_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"{HEADER}\n0301,gp,kritisk\n4601,gp,god\n5001,gp,god\n1103,gp,god\n1506,gp,god\n1804,gp,god\n1106,gp,god\n3201,gp,god\n"
    code, out, _ = summary(capsys, "--file", write(tmp_path, text))
    assert code == 0
    assert "Fastlege" in out and "12,5 %" in out


def test_bad_rows_exit_2_with_every_bad_line_named_and_nothing_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "\n".join(
        [
            HEADER,
            "0301,gp,god",
            "4601,gp,bra",
            "5001,tannlege,god",
            "12,gp,god",
            "0301,gp,kritisk",
            "1103,school,god",
        ]
    )
    code, out, err = summary(capsys, "--file", write(tmp_path, text), "--json")
    assert code == 2
    assert out == ""
    assert (
        "linje 3: ukjent nivå «bra» (bruk god, tilfredsstillende, utfordrende eller kritisk)" in err
    )
    assert "linje 4: ukjent tjeneste «tannlege»" in err
    assert "linje 5: ugyldig kommunenummer «12»" in err
    assert "linje 6: kommune 0301 har svart på «gp» to ganger" in err
    assert "linje 7" not in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "filen er tom"),
        (f"{HEADER}\n", "ingen svar"),
        ("municipality_number,level\n0301,god\n", "mangler kolonne service"),
    ],
)
def test_an_empty_file_or_a_missing_column_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    code, out, err = summary(capsys, "--file", write(tmp_path, text), "--json")
    assert (code, out) == (2, "")
    assert message in err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = summary(capsys, "--file", str(tmp_path / "finnes-ikke.csv"))
    assert (code, out) == (2, "")
    assert "Kan ikke lese" in err


def test_a_picture_exits_2_saying_it_is_no_table_and_a_windows_file_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    picture = tmp_path / "svar.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
    code, out, err = summary(capsys, "--file", str(picture))
    assert (code, out) == (2, "")
    assert "Filen ser ikke ut som CSV eller Excel." in err and "UTF-8" not in err
    windows = tmp_path / "windows.csv"
    windows.write_bytes(f"{HEADER}\n0301,Boliger,god\n0301,Fastlege,kritisk\n".encode("cp1252"))
    code, out, err = summary(capsys, "--file", str(windows), "--json")
    assert code == 0, err
    assert [s["service"] for s in json.loads(out)["services"]] == ["housing", "gp"]
