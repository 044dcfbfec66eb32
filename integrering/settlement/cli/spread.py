"""``integrering settlement spread``: spread a year's settlement need over the municipalities of a
file, by the government's criteria (``settlement/spreading.py``)::

    integrering settlement spread --need 5350 --municipalities kommuner.csv [--minors 270] [--below-minimum drop|raise] [--year 2026] --json

The file has the columns ``municipality_number,population,results_score,immigrant_share,
exception`` (and optionally ``accepts_minors``: ja/nei; other columns are ignored). With
``--json`` it prints
``{"need", "requested_municipalities", "requests": [{"municipality", "request", "reason"}]}``
with every municipality of the file, in the file's order: ``request`` 0 with the reason when the
municipality is not asked; for an asked one ``reason`` is empty, or says what was special (raised
to the minimum, considered specially above the immigrant-share limit). Without ``--json`` it
prints the same as a table in Norwegian.

With ``--minors N`` (unaccompanied minors, part of the need) the minors are spread over the
municipalities with ``accepts_minors`` (``spreading_groups.py``), and the JSON has
``unaccompanied_minors`` too, at the top and on every request.

The criteria are those in force on 1 January of ``--year`` (default: this year). The command
needs no database. Bad input (the file's columns or numbers, a duplicate municipality, a need
that is not a positive whole number, no eligible municipality, a need the rule cannot spread):
exit status 2, every problem on stderr, nothing on stdout.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from integrering.commands import problems_report
from integrering.rules.parameters import RulesError
from integrering.tables import TableError, csv_text
from integrering.ui.numbers import number_nb

from ..spreading import BELOW_MINIMUM, DROP, SpreadError, SpreadResult, spread, spread_file_read
from ..spreading_groups import GroupSpreadResult, spread_with_minors

HELP = "Fordel bosettingsbehovet på kommunene i en fil (anmodninger)."
PROG = "integrering settlement spread"


def add_arguments(parser: Any) -> None:
    # Values are checked in ``run`` (not by argparse) so that every problem is listed in Norwegian.
    parser.add_argument(
        "--need", metavar="N", help="bosettingsbehovet: antall personer som skal fordeles"
    )
    parser.add_argument(
        "--municipalities",
        metavar="FIL.csv",
        help="kommunene: municipality_number,population,results_score,immigrant_share,exception",
    )
    parser.add_argument(
        "--minors",
        metavar="N",
        help="hvorav enslige mindreårige: fordeles bare på kommunene med accepts_minors = ja",
    )
    parser.add_argument(
        "--below-minimum",
        default=DROP,
        metavar="{drop,raise}",
        help="kommuner under minsteanmodningen: drop = anmodes ikke (standard), raise = heves til minsteanmodningen",
    )
    parser.add_argument(
        "--year",
        metavar="ÅÅÅÅ",
        help="året som fordeles: kriteriene som gjelder 1. januar det året (standard: i år)",
    )
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")


def result_json(result: SpreadResult) -> dict[str, Any]:
    """The command's JSON: need, requested_municipalities and one request per municipality."""
    return {
        "need": result.need,
        "requested_municipalities": result.requested_municipalities,
        "requests": [
            {"municipality": line.municipality, "request": line.request, "reason": line.reason}
            for line in result.lines
        ],
    }


def group_result_json(result: GroupSpreadResult) -> dict[str, Any]:
    """The command's JSON with ``--minors``: the unaccompanied minors at the top and per line."""
    return {
        "need": result.need,
        "unaccompanied_minors": result.minors,
        "requested_municipalities": result.requested_municipalities,
        "requests": [
            {
                "municipality": line.municipality,
                "request": line.request,
                "unaccompanied_minors": line.minors,
                "reason": line.reason,
            }
            for line in result.lines
        ],
    }


def group_result_table(result: GroupSpreadResult) -> list[str]:
    """The result with ``--minors`` as lines of a readable Norwegian table."""
    rule = "anmodes ikke" if result.below_minimum == DROP else "heves til minsteanmodningen"
    adults = result.adults
    minimum = adults.criteria.minimum if adults and adults.criteria else ""
    lines = [
        f"Bosettingsbehov {_number(result.need)} personer, hvorav {_number(result.minors)} "
        f"enslige mindreårige, fordelt på {result.requested_municipalities} av "
        f"{len(result.lines)} kommuner (under {minimum}: {rule}; enslige mindreårige på "
        f"{result.minors_municipalities} kommuner som tar imot dem).",
        "",
        f"{'Kommune':<8} {'Anmodning':>10} {'Hvorav EM':>10}  Årsak",
    ]
    lines += [
        f"{line.municipality:<8} {_number(line.request):>10} {_number(line.minors):>10}  "
        f"{line.reason}".rstrip()
        for line in result.lines
    ]
    lines.append(f"{'Sum':<8} {_number(result.total):>10} {_number(result.minors_total):>10}")
    return lines


def _number(n: int) -> str:
    return number_nb(n)


def result_table(result: SpreadResult) -> list[str]:
    """The result as lines of a readable Norwegian table."""
    rule = "anmodes ikke" if result.below_minimum == DROP else "heves til minsteanmodningen"
    minimum = result.criteria.minimum if result.criteria else ""
    lines = [
        f"Bosettingsbehov {_number(result.need)} personer fordelt på "
        f"{result.requested_municipalities} av {len(result.lines)} kommuner "
        f"(under {minimum}: {rule}).",
        "",
        f"{'Kommune':<8} {'Anmodning':>10}  Årsak",
    ]
    lines += [
        f"{line.municipality:<8} {_number(line.request):>10}  {line.reason}".rstrip()
        for line in result.lines
    ]
    lines.append(f"{'Sum':<8} {_number(result.total):>10}")
    return lines


def run(options: dict[str, Any], *, stdout: Any, stderr: Any) -> int:
    problems: list[str] = []
    need_text = (options.get("need") or "").strip()
    need = int(need_text) if need_text.isdigit() else 0
    if need < 1:
        problems.append(
            "--need må være et positivt heltall (antall personer)"
            + (f", ikke «{need_text}»." if need_text else "; det mangler.")
        )
    minors_text = (options.get("minors") or "").strip()
    minors = int(minors_text) if minors_text.isdigit() else None
    if minors_text and minors is None:
        problems.append(
            f"--minors må være et helt tall, 0 eller større (enslige mindreårige), ikke «{minors_text}»."
        )
    elif minors is not None and need >= 1 and minors > need:
        problems.append(
            f"--minors ({minors}) er en del av behovet og kan ikke være større enn --need ({need})."
        )
    below_minimum = options.get("below_minimum") or DROP
    if below_minimum not in BELOW_MINIMUM:
        problems.append(f"--below-minimum må være drop eller raise, ikke «{below_minimum}».")
    year_text = (options.get("year") or "").strip()
    on = timezone.localdate()
    if year_text:
        if year_text.isdigit() and 1900 < int(year_text) < 2200:
            on = datetime.date(int(year_text), 1, 1)
        else:
            problems.append(f"--year må være et årstall, for eksempel 2026, ikke «{year_text}».")

    rows = None
    path_text = options.get("municipalities") or ""
    if not path_text:
        problems.append("--municipalities mangler: oppgi CSV-filen med kommunene.")
    else:
        try:
            text = csv_text(Path(path_text).read_bytes())  # UTF-8, UTF-16 or cp1252
        except OSError as exc:
            problems.append(f"Kan ikke lese {path_text}: {exc.strerror or exc}.")
        except TableError as exc:  # no text at all: said so, not «not UTF-8»
            problems.append(f"{path_text}: {exc.problems[0]}")
        else:
            read = spread_file_read(text)
            problems += [f"{path_text}: {problem}" for problem in read.problems]
            rows = read.rows
    if problems or rows is None:
        return problems_report(stderr, PROG, problems)

    if minors is not None:
        try:
            groups = spread_with_minors(need, minors, rows, below_minimum=below_minimum, on=on)
        except (SpreadError, RulesError) as exc:
            return problems_report(stderr, PROG, [str(exc)])
        if options.get("json"):
            stdout.write(json.dumps(group_result_json(groups), ensure_ascii=False, indent=2) + "\n")
        else:
            for line in group_result_table(groups):
                stdout.write(line + "\n")
        return 0
    try:
        result = spread(need, rows, below_minimum=below_minimum, on=on)
    except (SpreadError, RulesError) as exc:
        return problems_report(stderr, PROG, [str(exc)])
    if options.get("json"):
        stdout.write(json.dumps(result_json(result), ensure_ascii=False, indent=2) + "\n")
    else:
        for line in result_table(result):
            stdout.write(line + "\n")
    return 0
