"""``integrering settlement match``: place refugee households in municipalities from files,
optimally (utsøking, issue 7 §3).

Reads ``households.csv``, ``municipalities.csv`` and ``scores.csv`` (``matching.problem_read``:
capacity columns such as ``school_children``, and ``adaptation_needs`` / ``adaptation_capabilities``
as hard constraints with the codes of ``settlement/adaptation_needs``),
solves (``matching.match_solve``), writes ``household_id,municipality_number`` for each placed
household to ``--out`` and prints the figures (``--json``: exactly the issue's keys). Bad files:
exit 2 with every problem on stderr and nothing written.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.utils import timezone

from integrering.rules.parameters import parameter
from integrering.settlement.matching import (
    MatchInputError,
    MatchResult,
    assignment_write,
    match_solve,
    problem_read,
)

HELP = "Søk ut en kommune til hver husstand (optimal utsøking) fra filer."

DESCRIPTION = """\
Søk ut en kommune til hver husstand som venter på bosetting, slik at summen av poengene blir
størst mulig: hver husstand i høyst én kommune, aldri over en kommunes kapasitet i noen
dimensjon, og bare i par som står i poengfila.

Filer (CSV i UTF-8 med overskriftslinje):
  husstander   household_id, persons (>= 1), valgfri required_municipality (familietilknytning:
               bare den kommunen er tillatt), valgfri adaptation_needs (behov for tilpasning,
               koder skilt med | eller mellomrom, f.eks. «wheelchair|near_hospital»; tom =
               ingen), og en heltallskolonne per kapasitetsdimensjon (f.eks. large_dwelling,
               school_children, unaccompanied_minors; tom celle = 0)
  kommuner     municipality_number, persons (vedtatt antall personer), en kolonne per
               dimensjon (mangler kolonnen eller cellen er tom: ingen grense), og valgfri
               adaptation_capabilities (behovene kommunen kan møte, koder som over; mangler
               kolonnen eller cellen er tom: ingen)
  poeng        household_id, municipality_number, score (>= 0); et par som ikke står i fila
               er ikke tillatt

Behov for tilpasning er absolutte: en husstand med behov plasseres bare i en kommune som kan
møte alle behovene (også «other»: bare kommuner som har oppgitt «other»). Kodene er de i
parameteren settlement/adaptation_needs ({codes}); ordet fra importfilene (f.eks. rullestol)
godtas også.

Resultat: --out får household_id,municipality_number for hver plassert husstand. Med --json
skrives households, placed, persons_placed, objective, lp_bound, gap_percent,
greedy_objective, seconds og status til standard ut. lp_bound er optimum av LP-relaksasjonen
(ingen plassering kan gi mer); status er «optimal» når plasseringen er bevist innenfor 0,01 %
av det beste mulige, ellers «feasible».

Feil i filene gir kode 2, alle feilene listet, og ingenting skrives.
"""

STATUS_TEXT = {
    "optimal": "optimal (bevist innenfor 0,01 % av det beste mulige)",
    "feasible": "gyldig, ikke bevist optimal",
}


ADAPTATION_PARAMETER = "settlement/adaptation_needs"


def adaptation_words(on: datetime.date | None = None) -> dict[str, str]:
    """The words the needs columns may hold, lower case, each to its code: the codes of the
    parameter ``settlement/adaptation_needs`` in force (today) and their import words."""
    needs = parameter(ADAPTATION_PARAMETER)
    in_force = needs.at(max(on or timezone.localdate(), needs.first_date))
    words: dict[str, str] = {}
    for code, item in in_force.items():
        words[str(code).lower()] = str(code)
        if item.get("import"):
            words[str(item["import"]).lower()] = str(code)
    return words


def add_arguments(parser: Any) -> None:
    parser.description = DESCRIPTION.format(
        codes=", ".join(dict.fromkeys(adaptation_words().values()))
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--households", required=True, type=Path, metavar="H.csv", help="husstandene som venter"
    )
    parser.add_argument(
        "--municipalities",
        required=True,
        type=Path,
        metavar="M.csv",
        help="kommunenes vedtatte kapasitet",
    )
    parser.add_argument(
        "--scores", required=True, type=Path, metavar="S.csv", help="poeng for hvert tillatt par"
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="P.csv", help="hvor plasseringene skrives"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        metavar="SEKUNDER",
        help="lengste regnetid (standard 60)",
    )
    parser.add_argument(
        "--json", action="store_true", help="skriv resultatet som ett JSON-objekt til standard ut"
    )


def _number(value: float, decimals: int = 2) -> str:
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")
    return text


def _summary(result: MatchResult, out: Path) -> str:
    lines = [
        f"Utsøking: {_number(result.placed, 0)} av {_number(result.households, 0)} husstander "
        f"plassert ({_number(result.persons_placed, 0)} personer).",
        f"Samlet poengsum {_number(result.objective)}; øvre grense (LP) "
        f"{_number(result.lp_bound)}; avstand {_number(result.gap_percent, 3)} %.",
    ]
    if result.greedy_objective > 0:
        better = 100 * (result.objective / result.greedy_objective - 1)
        lines.append(
            f"En enkel grådig plassering gir {_number(result.greedy_objective)}; "
            f"utsøkingen er {_number(better, 1)} % bedre."
        )
    lines.append(f"Status: {STATUS_TEXT.get(result.status, result.status)}.")
    lines.append(f"Tid: {_number(result.seconds, 1)} s. Plasseringene er skrevet til {out}.")
    return "\n".join(lines)


def run(options: dict[str, Any], *, stdout: Any, stderr: Any) -> int:
    """Run the command; returns the exit code (2 for bad input, nothing written)."""
    problems: list[str] = []
    time_limit = options.get("time_limit")
    time_limit = 60.0 if time_limit is None else float(time_limit)
    if not time_limit > 0:
        problems.append("--time-limit må være et positivt antall sekunder.")
    out = Path(options["out"])
    if not out.parent.exists():
        problems.append(f"Mappen for --out finnes ikke: {out.parent}.")
    try:
        problem = problem_read(
            options["households"],
            options["municipalities"],
            options["scores"],
            adaptation_codes=adaptation_words(),
        )
    except MatchInputError as exc:
        problems.extend(exc.problems)
    if problems:
        stderr.write("Utsøkingen ble ikke kjørt. Rett dette først:\n")
        for line in problems:
            stderr.write(f"  {line}\n")
        return 2

    last = [""]

    def progress(stage: str, percent: int) -> None:
        if stage != last[0]:
            last[0] = stage
            stderr.write(f"[{percent:3d} %] {stage}\n")

    result = match_solve(problem, time_limit=time_limit, progress=progress)
    # Write next to the target and rename, so a failure never leaves half a file.
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".utsoking-", suffix=".csv")
    os.close(handle)
    try:
        assignment_write(problem, result.assignment, temporary)
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    if options.get("json"):
        stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    else:
        stdout.write(_summary(result, out) + "\n")
    return 0
