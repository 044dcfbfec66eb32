"""``integrering settlement simulate-year``: a year of weekly placements simulated over files
(issue 26)::

    integrering settlement simulate-year --arrivals A.csv --municipalities M.csv --scores S.csv --expected N [--seed S] [--balance] [--policy dynamic|myopic] --out P.csv --json

Each ISO week's batch (the households whose ``ready_on`` falls in it) is placed by the policy
(``matching/online.py``) knowing only the rows ready up to that week, against what is left of
the municipalities' annual capacity; ``--expected`` is the year's need in persons (what is still
to come after a week is that less the persons ready so far). Writes
``household_id,municipality_number,week`` for each placed household and prints the policy's
total beside the weekly optimum (myopic) and the hindsight bound. Bad input: exit 2 with every
problem listed and nothing written.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from integrering.commands import problems_report
from integrering.ui.numbers import number_nb

from .match import adaptation_words

HELP = "Simuler et års ukentlige utsøkinger fra filer (dynamisk eller myopisk politikk)."
PROG = "integrering settlement simulate-year"
POLICIES = ("dynamic", "myopic")

DESCRIPTION = """\
Simuler et helt år med ukentlige utsøkinger: husstandene som blir klare for bosetting i en
ISO-uke, plasseres den uka mot det som er igjen av kommunenes vedtak for året, og bare med det
som er kjent den uka (husstandene som er klare så langt og --expected, årets behov i personer).

Politikk (--policy):
  dynamic  (standard) setter hver uke en pris på en plass i hver kommune: hva plassen ventes å
           gi husstander som blir klare senere i år (LP med et trukket utvalg av husstandene
           så langt som står for resten av året). Uka plasseres så optimalt mot skår minus pris.
  myopic   ukens optimum: best mulig for uka alene, uten tanke på resten av året.

Hver husstand plasseres i uka den blir klar, med mindre ingen tillatt kommune har plass igjen.
--balance holder også hver kommunes plasseringer nær dens andel av strømmen så langt: en
kommune får ikke mer enn det den har til gode (andelen av det den ventes å få i året) pluss to
gjennomsnittlige husstander, med mindre en husstand ellers ikke får plass den uka.
Samme --seed gir samme resultat, og en ukes plasseringer avhenger bare av linjene som er klare
til og med den uka.

Filer (CSV i UTF-8 med overskriftslinje):
  ankomster   household_id, ready_on (dato, ÅÅÅÅ-MM-DD eller dd.mm.åååå), persons, og ellers
              som husstandsfila til «settlement match» (required_municipality,
              adaptation_needs, en kolonne per kapasitetsdimensjon)
  kommuner    som i «settlement match» (årets vedtak)
  poeng       som i «settlement match»; poeng for husstander som ikke står i ankomstfila,
              hoppes over

Resultat: --out får household_id,municipality_number,week for hver plassert husstand. Med
--json skrives households, placed, objective, hindsight_bound, myopic_objective, seconds,
weekly ([{week, placed}]), max_pace_deviation_percent og max_pace_excess_persons.
hindsight_bound er LP-grensen med hele året kjent på forhånd; seconds er tiden politikken brukte
på året. max_pace_deviation_percent er det største avviket (prosentpoeng) ved slutten av en uke
mellom en kommunes andel av sine plasseringer i året og årets andel av alle plasseringer; en
kommune som får én husstand i året, er alltid minst om lag 50 prosentpoeng unna.
max_pace_excess_persons er det samme avviket i personer, utover den største husstanden kommunen
fikk (0: alle kommuner var hele året innenfor én husstand fra det de hadde til gode).

Feil i filene eller valgene gir kode 2, alle feilene listet, og ingenting skrives.
"""


def add_arguments(parser: Any) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    # Values are checked in ``run`` (not by argparse) so that every problem is listed in Norwegian.
    parser.add_argument("--arrivals", metavar="A.csv", help="husstandene med dato de er klare")
    parser.add_argument("--municipalities", metavar="M.csv", help="kommunenes vedtak for året")
    parser.add_argument("--scores", metavar="S.csv", help="poeng for hvert tillatt par")
    parser.add_argument("--expected", metavar="N", help="årets bosettingsbehov i personer")
    parser.add_argument("--seed", metavar="S", help="frø for trekningene (standard 1)")
    parser.add_argument("--balance", action="store_true", help="jevnt tempo i hver kommune")
    parser.add_argument("--policy", metavar="{dynamic,myopic}", help="standard dynamic")
    parser.add_argument("--out", metavar="P.csv", help="hvor plasseringene skrives")
    parser.add_argument(
        "--json", action="store_true", help="skriv resultatet som ett JSON-objekt til standard ut"
    )


def _whole(text: str | None, option: str, problems: list[str], *, default: int | None) -> int:
    """A whole number >= 0 from an option; a problem if it is not one (or missing without a
    default)."""
    value = (text or "").strip()
    if not value and default is not None:
        return default
    if value.isdigit():
        return int(value)
    problems.append(
        f"{option} må være et heltall større enn eller lik 0"
        + (f", ikke «{value}»." if value else "; det mangler.")
    )
    return 0


def _options(options: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    for name in ("arrivals", "municipalities", "scores", "out"):
        if not options.get(name):
            problems.append(f"--{name} mangler.")
    policy = (options.get("policy") or "dynamic").strip()
    if policy not in POLICIES:
        problems.append(f"--policy må være dynamic eller myopic, ikke «{policy}».")
    out = Path(options["out"]) if options.get("out") else None
    if out is not None and not out.parent.exists():
        problems.append(f"Mappen for --out finnes ikke: {out.parent}.")
    return {
        "expected": _whole(options.get("expected"), "--expected", problems, default=None),
        "seed": _whole(options.get("seed"), "--seed", problems, default=1),
        "policy": policy,
        "out": out,
    }


def _summary(simulation: Any, out: Path, policy: str, balance: bool) -> str:
    data = simulation.to_json()
    bound = data["hindsight_bound"] or 1.0
    lines = [
        f"Året simulert over {len(data['weekly'])} uker: {number_nb(data['placed'])} av "
        f"{number_nb(data['households'])} husstander plassert.",
        f"Politikken «{policy}»{' med jevnt tempo' if balance else ''}: samlet poengsum {number_nb(data['objective'], 2)} "
        f"({number_nb(100 * data['objective'] / bound, 2)} % av grensen).",
        f"Ukens optimum (myopisk): {number_nb(data['myopic_objective'], 2)} "
        f"({number_nb(100 * data['myopic_objective'] / bound, 2)} % av grensen).",
        f"Grensen med hele året kjent (LP): {number_nb(data['hindsight_bound'], 2)}.",
        f"Største avvik fra jevnt tempo i en kommune: "
        f"{number_nb(data['max_pace_deviation_percent'], 1)} prosentpoeng; utover én "
        f"husstand: {number_nb(data['max_pace_excess_persons'], 1)} personer.",
        f"Tid: {number_nb(data['seconds'], 1)} s. Plasseringene er skrevet til {out}.",
    ]
    return "\n".join(lines)


def run(options: dict[str, Any], *, stdout: Any, stderr: Any) -> int:
    """Run the command; returns the exit code (2 for bad input, nothing written)."""
    # The matcher (numpy, pandas, HiGHS) is loaded only when a simulation is run.
    from integrering.settlement.matching import MatchInputError
    from integrering.settlement.matching.simulate import placements_write, year_read, year_run

    problems: list[str] = []
    values = _options(options, problems)
    year = None
    if options.get("arrivals") and options.get("municipalities") and options.get("scores"):
        try:
            year = year_read(
                options["arrivals"],
                options["municipalities"],
                options["scores"],
                adaptation_codes=adaptation_words(),
            )
        except MatchInputError as exc:
            problems.extend(exc.problems)
    if problems or year is None:
        return problems_report(stderr, PROG, problems, nothing="skrevet")
    if year.ignored_scores:
        stderr.write(
            f"{number_nb(year.ignored_scores)} poeng for husstander som ikke står i "
            "ankomstfila, er hoppet over.\n"
        )

    def progress(stage: str) -> None:
        stderr.write(f"{stage} …\n")

    simulation = year_run(
        year,
        expected_persons=float(values["expected"]),
        seed=values["seed"],
        policy=values["policy"],
        balance=bool(options.get("balance")),
        progress=progress,
    )
    out: Path = values["out"]
    # Write next to the target and rename, so a failure never leaves half a file.
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".simulering-", suffix=".csv")
    os.close(handle)
    try:
        placements_write(simulation, temporary)
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    if options.get("json"):
        stdout.write(json.dumps(simulation.to_json(), ensure_ascii=False) + "\n")
    else:
        stdout.write(
            _summary(simulation, out, values["policy"], bool(options.get("balance"))) + "\n"
        )
    return 0
