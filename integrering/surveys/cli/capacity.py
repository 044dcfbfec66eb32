"""``integrering capacity summary``: the capacity survey's summary from a file of answers::

    integrering capacity summary --file ANSWERS.csv [--json]

The file has the columns ``municipality_number,service,level`` (others are ignored; comma or
semicolon). ``service`` is a service code (``housing``, ``gp`` ...) or its Norwegian name
(«Fastlege», any case); ``level`` is god, tilfredsstillende, utfordrende or kritisk. With
``--json`` it prints ``{"services": [{"service", "answered", "challenging_or_critical",
"percent"}]}``: each service of the file once, in the seed's order, ``answered`` the number of
municipalities that answered it, ``percent`` the share of them answering utfordrende or kritisk
with one decimal (44.4). Without ``--json`` it prints the same as a table in Norwegian.

The command needs no database. Bad input (a missing column, an unknown service or level, a
municipality number that is not four digits, a municipality answering the same service twice, an
empty file): exit status 2, every bad line on stderr, nothing on stdout.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from integrering.commands import problems_report
from integrering.tables import TableError, csv_text
from integrering.ui.numbers import number_nb

from ..capacity_summary import AnswerRow, ServiceShare, service_shares
from ..models import CapacityLevel, CapacityService

HELP = "Oppsummer kapasitetskartleggingen fra en fil: andel utfordrende eller kritisk per tjeneste."
PROG = "integrering capacity summary"
COLUMNS = ("municipality_number", "service", "level")
LEVEL_HINT = "bruk god, tilfredsstillende, utfordrende eller kritisk"
SERVICE_BY_NAME: dict[str, str] = {
    **{service.value: service.value for service in CapacityService},
    **{str(service.label).casefold(): service.value for service in CapacityService},
}


@dataclass
class AnswersFile:
    rows: list[AnswerRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def answers_file_read(text: str) -> AnswersFile:
    """Read and check a file of answers: every bad line is a problem, named by its line number
    (the header is line 1)."""
    result = AnswersFile()
    if not text.strip():
        result.problems.append("filen er tom: den må ha overskriftene " + ",".join(COLUMNS) + ".")
        return result
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        result.problems.append(
            f"linje 1: mangler kolonne {', '.join(missing)} (filen må ha kolonnene "
            + ",".join(COLUMNS)
            + ")."
        )
        return result
    index = {name: header.index(name) for name in COLUMNS}
    seen: dict[tuple[str, str], int] = {}
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: cells[i].strip() if i < len(cells) else "" for name, i in index.items()}
        problems = []
        number = values["municipality_number"]
        if not (len(number) == 4 and number.isdigit()):
            problems.append(f"ugyldig kommunenummer «{number}» (skal være fire sifre, f.eks. 0301)")
        service = SERVICE_BY_NAME.get(values["service"].casefold())
        if service is None:
            problems.append(
                f"ukjent tjeneste «{values['service']}» (bruk "
                + ", ".join(CapacityService.values)
                + ")"
            )
        level = values["level"].casefold()
        if level not in CapacityLevel.values:
            problems.append(f"ukjent nivå «{values['level']}» ({LEVEL_HINT})")
        if not problems and service is not None:
            first = seen.get((number, service))
            if first is not None:
                problems.append(
                    f"kommune {number} har svart på «{service}» to ganger (også på linje {first})"
                )
            else:
                seen[(number, service)] = line_number
        if problems:
            result.problems += [f"linje {line_number}: {problem}" for problem in problems]
        elif service is not None:
            result.rows.append(AnswerRow(municipality=number, service=service, level=level))
    if not result.rows and not result.problems:
        result.problems.append("filen har ingen svar: bare overskriftene.")
    return result


def summary_json(shares: list[ServiceShare]) -> dict[str, Any]:
    """The command's JSON: one entry per service, the contract's keys in the contract's order."""
    return {
        "services": [
            {
                "service": share.service,
                "answered": share.answered,
                "challenging_or_critical": share.challenging_or_critical,
                "percent": float(share.percent) if share.percent is not None else None,
            }
            for share in shares
        ]
    }


def summary_table(shares: list[ServiceShare]) -> list[str]:
    """The summary as lines of a readable Norwegian table."""
    width = max((len(share.label) for share in shares), default=8)
    lines = [
        f"{'Tjeneste':<{width}}  {'Svart':>6}  {'Utfordrende/kritisk':>20}  {'Andel':>7}",
    ]
    for share in shares:
        percent = f"{number_nb(float(share.percent), 1)} %" if share.percent is not None else "–"
        lines.append(
            f"{share.label:<{width}}  {share.answered:>6}  "
            f"{share.challenging_or_critical:>20}  {percent:>7}"
        )
    return lines


def add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--file", metavar="SVAR.csv", help="svarene: municipality_number,service,level"
    )
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")


def run(options: dict[str, Any], *, stdout: Any, stderr: Any) -> int:
    path_text = options.get("file") or ""
    if not path_text:
        return problems_report(stderr, PROG, ["--file mangler: oppgi CSV-filen med svarene."])
    try:
        text = csv_text(Path(path_text).read_bytes())  # UTF-8, UTF-16 or cp1252
    except OSError as exc:
        return problems_report(stderr, PROG, [f"Kan ikke lese {path_text}: {exc.strerror or exc}."])
    except TableError as exc:  # no text at all: said so, not «not UTF-8»
        return problems_report(stderr, PROG, [f"{path_text}: {exc.problems[0]}"])
    read = answers_file_read(text)
    if read.problems:
        return problems_report(
            stderr, PROG, [f"{path_text}: {problem}" for problem in read.problems]
        )
    shares = service_shares(read.rows, only_answered=True)
    if options.get("json"):
        stdout.write(json.dumps(summary_json(shares), ensure_ascii=False, indent=2) + "\n")
    else:
        for line in summary_table(shares):
            stdout.write(line + "\n")
    return 0
