"""``integrering survey response-rates|correlate``: the municipal survey's two statistics from
files (seed 004 tables 1 and 2). Neither needs the database.

``response-rates --invitations FIL.csv [--json]``: columns ``unit_id,role,answered`` (answered 0
or 1; a unit invited for several roles has a row per role). Prints ``{"roles": [{"role",
"invited", "answered", "percent"}], "at_least_one": {"invited_units", "answered_units",
"percent"}}``: roles in the survey's order (chief_executive, integration_officer,
head_of_education), only those in the file; ``percent`` with one decimal, rounded half up on the
exact fraction; "at least one" counts the units with at least one answered row.

``correlate --file FIL.csv --x KOLONNE --y KOLONNE [--json]``: Pearson's r and its two-sided p
(scipy) of two columns. Rows where either value is empty are left out; ``n`` says how many were
used. Prints ``{"n", "r", "p"}`` with r and p as full-precision floats.

Both accept .xlsx too (first sheet). Bad input (a missing column, an unknown role, answered not 0
or 1, a unit twice for a role, text in a number column, fewer than 3 usable rows, a constant
column): exit status 2, every problem on stderr with its line (the header is line 1), nothing on
stdout. Without ``--json`` the result is a table in Norwegian.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from integrering.commands import problems_report
from integrering.tables import TableError, number_parse, table_read

from ..models import SurveyRole
from ..statistics import (
    Correlation,
    ResponseRates,
    StatisticsError,
    pearson,
    response_rates,
)

HELP = "Svarprosent per rolle og «minst en besvarelse», eller korrelasjon (Pearsons r)."


def _read(path_text: str, required: list[str]) -> tuple[Any, list[str]]:
    if not path_text:
        return None, ["Filen mangler: oppgi en CSV-fil."]
    try:
        content = Path(path_text).read_bytes()
    except OSError as exc:
        return None, [f"Kan ikke lese {path_text}: {exc.strerror or exc}."]
    try:
        return table_read(filename=path_text, content=content, required=required), []
    except TableError as exc:
        return None, exc.problems


def _percent(value: Decimal) -> str:
    return f"{value:.1f}".replace(".", ",") + " %"


# --- response-rates ----------------------------------------------------------------------------


def response_rates_file(path_text: str) -> tuple[ResponseRates | None, list[str]]:
    """The response rates of an invitation file, or every problem with its line."""
    table, problems = _read(path_text, ["unit_id", "role", "answered"])
    if table is None:
        return None, problems
    known = ", ".join(SurveyRole.values)
    triples: list[tuple[str, str, bool]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in table.rows:
        unit_id, role, answered = row["unit_id"], row["role"], row["answered"]
        if not unit_id:
            problems.append(f"linje {number}: unit_id mangler")
        if role not in SurveyRole.values:
            problems.append(f"linje {number}: ukjent rolle «{role}» (kjente roller: {known})")
        if answered not in {"0", "1"}:
            problems.append(f"linje {number}: answered må være 0 eller 1, ikke «{answered}»")
        if unit_id and role:
            first = seen.setdefault((unit_id, role), number)
            if first != number:
                problems.append(
                    f"linje {number}: enheten {unit_id} står allerede med rollen {role} "
                    f"på linje {first}"
                )
        triples.append((unit_id, role, answered == "1"))
    if problems:
        return None, problems
    return response_rates(triples, role_order=SurveyRole.values), []


def response_rates_table(rates: ResponseRates) -> list[str]:
    labels = dict(SurveyRole.choices)
    lines = [f"{'Rolle':<24} {'Invitert':>9} {'Besvart':>8} {'Prosent':>9}"]
    for r in rates.roles:
        lines.append(
            f"{labels[r.role]:<24} {r.invited:>9} {r.answered:>8} {_percent(r.percent):>9}"
        )
    one = rates.at_least_one
    lines.append(
        f"{'Minst en besvarelse':<24} {one.invited_units:>9} {one.answered_units:>8} "
        f"{_percent(one.percent):>9}"
    )
    return lines


# --- correlate ---------------------------------------------------------------------------------


def correlate_file(path_text: str, x: str, y: str) -> tuple[Correlation | None, list[str]]:
    """Pearson's r and p of two columns of a file, or every problem with its line."""
    problems = []
    if not x:
        problems.append("--x mangler: oppgi kolonnen for x.")
    if not y:
        problems.append("--y mangler: oppgi kolonnen for y.")
    if problems:
        return None, problems
    table, problems = _read(path_text, [x.lower(), y.lower()])
    if table is None:
        return None, problems
    xs: list[float] = []
    ys: list[float] = []
    for number, row in table.rows:
        texts = (row[x.lower()], row[y.lower()])
        values: list[float] = []
        for column, text in zip((x, y), texts, strict=True):
            if not text:
                continue
            try:
                values.append(float(number_parse(text)))
            except ValueError:
                problems.append(f"linje {number}: {column} må være et tall, ikke «{text}»")
        if len(values) == 2:
            xs.append(values[0])
            ys.append(values[1])
    if problems:
        return None, problems
    try:
        return pearson(xs, ys), []
    except StatisticsError as exc:
        return None, [str(exc)]


# --- the subcommands ---------------------------------------------------------------------------


class ResponseRatesCommand:
    HELP = "Svarprosent per rolle og «minst en besvarelse» fra en invitasjonsfil (som tabell 1 i IMDis kommuneundersøkelse)."
    PROG = "integrering survey response-rates"

    @staticmethod
    def add_arguments(parser: Any) -> None:
        parser.add_argument(
            "--invitations", metavar="FIL.csv", help="invitasjonene: unit_id,role,answered"
        )
        parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")

    @classmethod
    def run(cls, options: dict[str, Any], *, stdout: Any, stderr: Any) -> int:
        rates, problems = response_rates_file(options.get("invitations") or "")
        if rates is None:
            return problems_report(stderr, cls.PROG, problems)
        if options.get("json"):
            stdout.write(json.dumps(rates.to_json(), ensure_ascii=False, indent=2) + "\n")
        else:
            for line in response_rates_table(rates):
                stdout.write(line + "\n")
        return 0


class CorrelateCommand:
    HELP = "Pearsons r med tosidig p for to kolonner i en fil (som tabell 2 i IMDis kommuneundersøkelse)."
    PROG = "integrering survey correlate"

    @staticmethod
    def add_arguments(parser: Any) -> None:
        parser.add_argument("--file", metavar="FIL.csv", help="filen med kolonnene")
        parser.add_argument("--x", metavar="KOLONNE", help="kolonnen for x")
        parser.add_argument("--y", metavar="KOLONNE", help="kolonnen for y")
        parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")

    @classmethod
    def run(cls, options: dict[str, Any], *, stdout: Any, stderr: Any) -> int:
        x, y = (options.get("x") or "").strip(), (options.get("y") or "").strip()
        result, problems = correlate_file(options.get("file") or "", x, y)
        if result is None:
            return problems_report(stderr, cls.PROG, problems)
        if options.get("json"):
            stdout.write(json.dumps(result.to_json()) + "\n")
        else:
            r = f"{result.r:.3f}".replace(".", ",")
            p = f"{result.p:.4f}".replace(".", ",")
            stdout.write(f"Korrelasjon (Pearsons r) mellom {x} og {y}\n")
            stdout.write(f"n = {result.n}\nr = {r}\np = {p} (tosidig)\n")
        return 0
