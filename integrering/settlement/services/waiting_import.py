"""Importing households waiting for settlement from a file (issue 21): read with the shared table
reader (``integrering.tables``), every row checked, then every household registered through
``waiting.waiting_household_create`` in one transaction, or none. The worker's body of an import
(``tasks.waiting_import_run``); ``waiting_import_queue.py`` stores an upload and queues it.

The file has one row per person and a header row with the columns in ``COLUMNS`` (names are not
case sensitive; æ, ø and å may be written ae, o and a, and spaces or dashes as ``_``). Rows with
the same ``husstand`` are one household. A household's own columns (``HOUSEHOLD_COLUMNS``) may be
filled on its first row only; where they are filled on several rows, they must be the same.

All or nothing: with one error nothing is written, and every error is listed with its row number
as in the file (the header is row 1) and its column: every bad field of every bad row.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from integrering.audit.services import AccessContext
from integrering.jobs import PhaseProgress, job_done, job_fail, job_start
from integrering.people.models import Category, Relation, Sex
from integrering.tables import ImportRejected as ImportRejected  # the kit's, named here too
from integrering.tables import RowError as TableRowError
from integrering.tables import TableError, column_key, table_lines, table_read

from ..models import PermitType, ReceptionCentre, TieKind, WaitingHouseholdImport
from .waiting import (
    WaitingHouseholdInput,
    WaitingPersonInput,
    adaptation_needs_in_force,
    waiting_household_create,
    waiting_household_errors,
)

Progress = Callable[[str, int, int], None]  # (phase "check" or "save", done, total)

SYSTEM_ERROR = (
    "Importen stoppet på grunn av en feil i systemet. Ingenting er lagret. Prøv igjen senere, "
    "eller kontakt brukerstøtte."
)
REJECTED = "Filen har feil. Ingenting er lagret."
SAME_PERSON_MEANWHILE = (
    "Noen registrerte husstanden eller en av personene mens importen pågikk. Ingenting er "
    "lagret; last opp filen på nytt."
)


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # as a planner reads it in an error message
    required: bool
    household: bool  # the household's own column (the same on each of its rows)
    description: str  # Norwegian, for the import page


COLUMNS = [
    Column(
        "husstand",
        "husstand",
        True,
        True,
        "Husstandens referanse (høyst 30 tegn), for eksempel UDIs husstandsnummer. Rader med "
        "samme referanse er én husstand.",
    ),
    Column(
        "mottak",
        "mottak",
        False,
        True,
        "Navnet på mottaket husstanden bor på, slik det står under «Mottak». Tom: ikke i mottak "
        "(for eksempel overføringsflyktninger).",
    ),
    Column(
        "klar_dato",
        "klar for bosetting",
        False,
        True,
        "Datoen husstanden er klar for bosetting; ventetiden regnes fra den. Tom: dagen filen "
        "importeres.",
    ),
    Column(
        "bosettingsar",
        "bosettingsår",
        False,
        True,
        "Året husstanden skal bosettes, for eksempel 2026. Tom: året den er klar (tidligst i år).",
    ),
    Column(
        "gruppe",
        "gruppe",
        False,
        True,
        "fra mottak, overføringsflyktning, familiegjenforent eller enslig mindreårig. Tom: "
        "enslig mindreårig når en person er merket som det, ellers fra mottak.",
    ),
    Column("stor_bolig", "stor bolig", False, True, "ja eller nei: trenger stor bolig. Tom: nei."),
    Column(
        "tilpasning",
        "tilpasning",
        False,
        True,
        "Behov for tilpasning, flere skilt med komma: rullestol (rullestol / tilrettelagt "
        "bolig), naer_sykehus (må bo nær sykehus), jevnlig_behandling, annet.",
    ),
    Column(
        "tilpasning_merknad",
        "merknad om tilpasning",
        False,
        True,
        "Beskrivelse av behovet (høyst 500 tegn); må fylles ut ved «annet».",
    ),
    Column(
        "tilknytning_kommune",
        "tilknytning kommune",
        False,
        True,
        "Kommunenummeret (fire siffer) til kommunen husstanden har tilknytning til og bare kan "
        "bosettes i.",
    ),
    Column(
        "tilknytning",
        "tilknytning",
        False,
        True,
        "familie eller nettverk; må fylles ut når tilknytning_kommune er fylt ut.",
    ),
    Column("fornavn", "fornavn", True, False, "Fornavn."),
    Column("etternavn", "etternavn", True, False, "Etternavn."),
    Column("fodselsdato", "fødselsdato", True, False, "Fødselsdato."),
    Column("kjonn", "kjønn", False, False, "kvinne eller mann."),
    Column(
        "duf_nummer",
        "DUF-nummer",
        True,
        False,
        "DUF-nummer, 12 siffer med kontrollsifre. Kan ikke stå på en person som allerede venter, "
        "er plassert eller er bosatt.",
    ),
    Column(
        "relasjon",
        "relasjon",
        False,
        False,
        "hovedperson, ektefelle, samboer, barn eller annen. Tom: hovedperson på husstandens "
        "første rad, ellers annen.",
    ),
    Column(
        "tillatelse",
        "tillatelse",
        True,
        False,
        "asyl, humanitær, kollektiv beskyttelse, overføringsflyktning eller familiegjenforening.",
    ),
    Column("tillatelse_dato", "dato for tillatelsen", False, False, "Datoen tillatelsen ble gitt."),
    Column("statsborgerskap", "statsborgerskap", False, False, "Statsborgerskap."),
    Column("morsmal", "morsmål", False, False, "Morsmål."),
    Column("tolk", "tolk", False, False, "ja eller nei: om personen trenger tolk. Tom: nei."),
    Column("tolkesprak", "tolkespråk", False, False, "Tolkespråk. Tom: morsmålet."),
    Column(
        "enslig_mindrearig",
        "enslig mindreårig",
        False,
        False,
        "ja eller nei: personen er enslig mindreårig (under 18 år når husstanden er klar). "
        "Tom: nei.",
    ),
]
COLUMN_BY_NAME = {c.name: c for c in COLUMNS}
REQUIRED_COLUMNS = [c.name for c in COLUMNS if c.required]
HOUSEHOLD_COLUMNS = [c.name for c in COLUMNS if c.household]
COLUMN_ORDER = {c.name: i for i, c in enumerate(COLUMNS)}

# Where the service's fields come from, to put its messages on the right column.
FIELD_COLUMNS = {
    "reference": "husstand",
    "reception_centre": "mottak",
    "ready_on": "klar_dato",
    "year": "bosettingsar",
    "category": "gruppe",
    "large_dwelling": "stor_bolig",
    "adaptation_needs": "tilpasning",
    "adaptation_note": "tilpasning_merknad",
    "tie_municipality": "tilknytning_kommune",
    "tie_kind": "tilknytning",
    "given_name": "fornavn",
    "family_name": "etternavn",
    "birth_date": "fodselsdato",
    "sex": "kjonn",
    "duf_number": "duf_nummer",
    "relation": "relasjon",
    "permit_type": "tillatelse",
    "permit_date": "tillatelse_dato",
    "citizenship": "statsborgerskap",
    "language": "morsmal",
    "interpreter_needed": "tolk",
    "interpreter_language": "tolkesprak",
    "unaccompanied_minor": "enslig_mindrearig",
}


class RowError(TableRowError):
    """One problem in the file (``integrering.tables.RowError``), its column as a planner reads
    it. A rejected file is the kit's ``ImportRejected``."""

    labels = {c.name: c.label for c in COLUMNS}


@dataclass(frozen=True)
class HouseholdPlan:
    """One household as it will be registered, with the file rows its members came from."""

    data: WaitingHouseholdInput
    rows: list[int]


@dataclass(frozen=True)
class ImportOutcome:
    total_rows: int
    households_created: int = 0
    persons_created: int = 0
    errors: Sequence[TableRowError] = field(default_factory=list)


# --- Reading ---------------------------------------------------------------------------------


def _header_errors(columns: list[str]) -> list[RowError]:
    errors: list[RowError] = []
    known = ", ".join(c.name for c in COLUMNS)
    seen: set[str] = set()
    for name in columns:
        if not name:
            continue
        if name not in COLUMN_BY_NAME:
            errors.append(
                RowError(1, "", f"Ukjent kolonne «{name}». Kolonnene som kan brukes er: {known}.")
            )
        elif name in seen:
            errors.append(RowError(1, "", f"Kolonnen «{name}» står flere ganger."))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(RowError(1, "", f"Kolonnen «{name}» mangler i overskriftsraden."))
    return errors


def header_errors(*, filename: str, content: bytes) -> list[str]:
    """What is wrong with the file's header row, or with the file as a whole (unreadable, empty);
    empty when the rows can be read. The rows are checked later, by the worker."""
    try:  # the kind of file is read from its content (``integrering.tables.file_kind``)
        for _number, cells in table_lines(content=content):
            if any(str(c).strip() for c in cells if c is not None):
                return [e.text for e in _header_errors([column_key(c) for c in cells])]
    except TableError as exc:
        return exc.problems
    return ["Filen er tom."]


def rows_read(*, filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """The file's rows as (row number, cells by column name); ``ImportRejected`` when the file
    or its header cannot be used."""
    try:
        table = table_read(filename=filename, content=content, required=())
    except TableError as exc:
        raise ImportRejected([RowError(None, "", problem) for problem in exc.problems]) from None
    keys = {name: column_key(name) for name in table.columns}
    problems = _header_errors([keys[name] for name in table.columns])
    if problems:
        raise ImportRejected(problems)
    return [
        (number, {keys[name]: value for name, value in cells.items()})
        for number, cells in table.rows
    ]


# --- Reading one field -----------------------------------------------------------------------


class FieldError(Exception):
    pass


def _fold(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[^a-z0-9]", "", text)


def _date(text: str) -> datetime.date | None:
    if not text:
        return None
    # An Excel date cell arrives as «2024-03-01 00:00:00».
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            parsed = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if parsed.year >= 1900:
            return parsed
    raise FieldError(
        f"«{text}» er ikke en dato; skriv den som DD.MM.ÅÅÅÅ, for eksempel 01.03.2024."
    )


YES = {"ja", "j", "yes", "y", "true", "sann", "1", "x"}
NO = {"nei", "n", "no", "false", "usann", "0"}


def _yes_no(text: str) -> bool:
    folded = text.strip().lower()
    if not folded or folded in NO:
        return False
    if folded in YES:
        return True
    raise FieldError(f"«{text}» er ikke gyldig; skriv ja eller nei.")


def _choices(pairs: list[tuple[str, str]], **extra: str) -> dict[str, str]:
    found = {_fold(label): value for value, label in pairs}
    found.update({_fold(value): value for value, _ in pairs})
    found.update({_fold(word): value for word, value in extra.items()})
    return found


SEX_VALUES = _choices([(str(v), str(label)) for v, label in Sex.choices], k="female", m="male")
RELATION_VALUES = _choices([(str(v), str(label)) for v, label in Relation.choices])
PERMIT_VALUES = _choices(
    [(str(v), str(label)) for v, label in PermitType.choices],
    asyl=PermitType.ASYLUM,
    flyktningstatus=PermitType.ASYLUM,
    humanitaer=PermitType.HUMANITARIAN,
    humanitaert=PermitType.HUMANITARIAN,
    humanitaertgrunnlag=PermitType.HUMANITARIAN,
    sterkemenneskeligehensyn=PermitType.HUMANITARIAN,
    kollektivbeskyttelse=PermitType.COLLECTIVE_PROTECTION,
    overforingsflyktning=PermitType.RESETTLEMENT,
    kvoteflyktning=PermitType.RESETTLEMENT,
    familiegjenforening=PermitType.FAMILY_REUNIFICATION,
    familiegjenforent=PermitType.FAMILY_REUNIFICATION,
    familieinnvandring=PermitType.FAMILY_REUNIFICATION,
)
CATEGORY_VALUES = _choices(
    [
        (str(c.value), str(c.label))
        for c in (
            Category.FROM_RECEPTION,
            Category.TRANSFER_REFUGEE,
            Category.FAMILY_REUNIFICATION,
            Category.UNACCOMPANIED_MINOR,
        )
    ]
)
TIE_VALUES = _choices([(str(v), str(label)) for v, label in TieKind.choices])


def _choice(text: str, values: dict[str, str], allowed: str) -> str:
    if not text:
        return ""
    found = values.get(_fold(text))
    if found is None:
        raise FieldError(f"«{text}» er ikke gyldig; skriv {allowed}.")
    return found


def _needs(text: str) -> list[str]:
    """Adaptation needs, separated by commas: codes, labels or the parameter's import words."""
    needs = adaptation_needs_in_force()
    words: dict[str, str] = {}
    for code, item in needs.items():
        for word in (code, item.get("label", ""), item.get("import", "")):
            if word:
                words[_fold(word)] = code
    found: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        known = words.get(_fold(part))
        if known is None:
            unknown.append(part)
        elif known not in found:
            found.append(known)
    if unknown:
        allowed = ", ".join(item.get("import") or code for code, item in needs.items())
        raise FieldError(
            f"Ukjent behov {', '.join(f'«{u}»' for u in unknown)}; skriv {allowed} (flere "
            "skilt med komma)."
        )
    return found


def _year(text: str) -> int | None:
    if not text:
        return None
    if not (text.isdigit() and len(text) == 4):
        raise FieldError(f"«{text}» er ikke et årstall; skriv for eksempel 2026.")
    return int(text)


# --- Checking --------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    member: WaitingPersonInput
    relation_given: bool
    errors: list[RowError]

    def has_error(self, column: str) -> bool:
        return any(e.column == column for e in self.errors)


def _row_read(number: int, cells: dict[str, str]) -> _Row:
    errors: list[RowError] = []

    def read(column: str, parse: Callable[[str], Any], default: Any) -> Any:
        try:
            return parse(cells.get(column, "").strip())
        except FieldError as exc:
            errors.append(RowError(number, column, str(exc)))
            return default

    def text(column: str) -> str:
        return cells.get(column, "").strip()

    relation = read(
        "relasjon",
        lambda v: _choice(v, RELATION_VALUES, "hovedperson, ektefelle, samboer, barn eller annen"),
        "",
    )
    birth_date = read("fodselsdato", _date, None)
    member = WaitingPersonInput(
        given_name=text("fornavn"),
        family_name=text("etternavn"),
        birth_date=birth_date,
        duf_number=text("duf_nummer"),
        sex=read("kjonn", lambda v: _choice(v, SEX_VALUES, "kvinne eller mann"), ""),
        relation=relation or Relation.OTHER,
        permit_type=read(
            "tillatelse",
            lambda v: _choice(
                v,
                PERMIT_VALUES,
                "asyl, humanitær, kollektiv beskyttelse, overføringsflyktning eller "
                "familiegjenforening",
            ),
            "",
        ),
        permit_date=read("tillatelse_dato", _date, None),
        citizenship=text("statsborgerskap"),
        language=text("morsmal"),
        interpreter_needed=read("tolk", _yes_no, False),
        interpreter_language=text("tolkesprak"),
        unaccompanied_minor=read("enslig_mindrearig", _yes_no, False),
    )
    if not text("husstand"):
        errors.append(RowError(number, "husstand", "Husstandens referanse må fylles ut."))
    return _Row(
        number=number, cells=cells, member=member, relation_given=bool(relation), errors=errors
    )


class _Centres:
    """Reception centres by name (not case sensitive), looked up once each."""

    def __init__(self) -> None:
        self.found: dict[str, ReceptionCentre | None] = {}

    def get(self, name: str) -> ReceptionCentre | None:
        key = name.strip().lower()
        if key not in self.found:
            self.found[key] = ReceptionCentre.objects.filter(name__iexact=name.strip()).first()
        return self.found[key]


def _within_file_duplicates(rows: list[_Row]) -> None:
    """The same DUF number twice in the file: an error on each later row (whose number is then
    left out of the household's check, which would say the same less clearly)."""
    seen: dict[str, int] = {}
    for row in rows:
        number = "".join(row.member.duf_number.split())
        if not number:
            continue
        if number in seen:
            row.errors.append(
                RowError(
                    row.number, "duf_nummer", f"Samme DUF-nummer står også på rad {seen[number]}."
                )
            )
        else:
            seen[number] = row.number


def _household_values(
    reference: str, rows: list[_Row], errors: list[RowError]
) -> dict[str, tuple[str, int]]:
    """Each household column's value (and the row it came from): the first filled one; another
    row with a different value is an error on that row."""
    values: dict[str, tuple[str, int]] = {}
    for column in HOUSEHOLD_COLUMNS:
        for row in rows:
            value = row.cells.get(column, "").strip()
            if not value:
                continue
            if column not in values:
                values[column] = (value, row.number)
            elif _fold(value) != _fold(values[column][0]):
                first, at = values[column]
                errors.append(
                    RowError(
                        row.number,
                        column,
                        f"Husstanden {reference} har «{first}» på rad {at}; står verdien på "
                        "flere rader i en husstand, må den være lik.",
                    )
                )
    return values


def _household_check(
    reference: str, rows: list[_Row], centres: _Centres
) -> tuple[HouseholdPlan | None, list[RowError]]:
    errors: list[RowError] = []
    values = _household_values(reference, rows, errors)
    first = rows[0].number

    def value(column: str) -> str:
        return values.get(column, ("", first))[0]

    def row_of(column: str) -> int:
        return values.get(column, ("", first))[1]

    def read(column: str, parse: Callable[[str], Any], default: Any) -> Any:
        try:
            return parse(value(column))
        except FieldError as exc:
            errors.append(RowError(row_of(column), column, str(exc)))
            return default

    centre_id = None
    if value("mottak"):
        centre = centres.get(value("mottak"))
        if centre is None:
            errors.append(
                RowError(
                    row_of("mottak"),
                    "mottak",
                    f"Finner ikke mottaket «{value('mottak')}». Skriv navnet slik det står under "
                    "«Mottak».",
                )
            )
        else:
            centre_id = centre.pk
    # The main person: named at most once (the service says so); with no one named, the first row.
    named_main = any(r.relation_given and r.member.relation == Relation.MAIN for r in rows)
    members = []
    for index, row in enumerate(rows):
        member = row.member
        if not row.relation_given:
            relation = Relation.MAIN if index == 0 and not named_main else Relation.OTHER
            member = replace(member, relation=relation)
        members.append(member)
    data = WaitingHouseholdInput(
        reference=reference,
        members=members,
        reception_centre_id=centre_id,
        ready_on=read("klar_dato", _date, None),
        year=read("bosettingsar", _year, None),
        category=read(
            "gruppe",
            lambda v: _choice(
                v,
                CATEGORY_VALUES,
                "fra mottak, overføringsflyktning, familiegjenforent eller enslig mindreårig",
            ),
            "",
        ),
        large_dwelling=read("stor_bolig", _yes_no, False),
        adaptation_needs=read("tilpasning", _needs, []),
        adaptation_note=value("tilpasning_merknad"),
        tie_municipality=value("tilknytning_kommune"),
        tie_kind=read(
            "tilknytning", lambda v: _choice(v, TIE_VALUES, "familie eller nettverk"), ""
        ),
    )
    member_rows = [r.number for r in rows]
    by_number = {r.number: r for r in rows}
    unread = {(e.row, e.column) for e in errors}
    for key, messages in waiting_household_errors(data).items():
        parts = key.split(".")
        if parts[0] == "members" and len(parts) == 3:
            at, column = member_rows[int(parts[1])], FIELD_COLUMNS.get(parts[2], "")
        else:
            column = FIELD_COLUMNS.get(key, "")
            at = row_of(column) if column in HOUSEHOLD_COLUMNS else first
        # A cell that could not be read is already an error: the check would only say it is
        # missing, or repeat the file's own duplicate.
        if (at, column) in unread or (at in by_number and by_number[at].has_error(column)):
            continue
        errors += [RowError(at, column, message) for message in messages]
    if errors or any(r.errors for r in rows):
        return None, errors
    return HouseholdPlan(data=data, rows=member_rows), errors


def import_check(
    rows: list[tuple[int, dict[str, str]]], *, progress: Progress | None = None
) -> tuple[list[HouseholdPlan], list[RowError]]:
    """Every household of the file ready to register, or every error in it; writes nothing."""
    total = len(rows)
    read = [_row_read(number, cells) for number, cells in rows]
    _within_file_duplicates(read)
    households: dict[str, list[_Row]] = {}
    for row in read:
        reference = row.cells.get("husstand", "").strip()
        if reference:
            households.setdefault(reference, []).append(row)
    centres = _Centres()
    errors: list[RowError] = []
    plans: list[HouseholdPlan] = []
    done = total - sum(len(h) for h in households.values())  # rows without a household
    for reference, household_rows in households.items():
        plan, found = _household_check(reference, household_rows, centres)
        errors += found
        if plan is not None:
            plans.append(plan)
        done += len(household_rows)
        if progress is not None:
            progress("check", done, total)
    for row in read:
        if not row.cells.get("husstand", "").strip():
            # No household to check the row with: it is checked as one alone, so that a missing
            # reference hides no other error of the row (the reference's own is the row's).
            errors += _household_check("", [row], centres)[1]
        errors += row.errors
    errors.sort(key=lambda e: (e.row or 0, COLUMN_ORDER.get(e.column, -1), e.message))
    return plans, errors


# --- Registering -----------------------------------------------------------------------------


def _service_errors(exc: ValidationError, plan: HouseholdPlan) -> list[RowError]:
    found = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    errors = []
    for key, messages in found.items():
        parts = key.split(".")
        if parts[0] == "members" and len(parts) == 3:
            row, column = plan.rows[int(parts[1])], FIELD_COLUMNS.get(parts[2], "")
        else:
            row, column = plan.rows[0], FIELD_COLUMNS.get(key, "")
        errors += [RowError(row, column, message) for message in messages]
    return errors


def households_create(
    *, ctx: AccessContext, plans: list[HouseholdPlan], progress: Progress | None = None
) -> tuple[int, int]:
    """Register every planned household in one transaction: all or none. A check that fails now
    (someone registered the same person after the check) rolls everything back and is reported
    on the household's rows."""
    total = sum(len(p.rows) for p in plans)
    done = persons = 0
    with transaction.atomic():
        for plan in plans:
            try:
                waiting_household_create(ctx=ctx, data=plan.data)
            except ValidationError as exc:
                raise ImportRejected(_service_errors(exc, plan)) from exc
            except IntegrityError as exc:
                raise ImportRejected(
                    [RowError(plan.rows[0], "husstand", SAME_PERSON_MEANWHILE)]
                ) from exc
            persons += len(plan.data.members)
            done += len(plan.rows)
            if progress is not None:
                progress("save", done, total)
    return len(plans), persons


def waiting_import(
    *, ctx: AccessContext, filename: str, content: bytes, progress: Progress | None = None
) -> ImportOutcome:
    """Read, check and register a list of waiting households, all or nothing (issue 21)."""
    try:
        rows = rows_read(filename=filename, content=content)
    except ImportRejected as exc:
        return ImportOutcome(total_rows=0, errors=exc.errors)
    total = len(rows)
    if progress is not None:
        progress("check", 0, total)
    plans, errors = import_check(rows, progress=progress)
    if errors:
        return ImportOutcome(total_rows=total, errors=errors)
    try:
        households, persons = households_create(ctx=ctx, plans=plans, progress=progress)
    except ImportRejected as exc:
        return ImportOutcome(total_rows=total, errors=exc.errors)
    return ImportOutcome(total_rows=total, households_created=households, persons_created=persons)


def waiting_import_execute(
    *, upload: WaitingHouseholdImport, ctx: AccessContext, progress: Progress | None = None
) -> WaitingHouseholdImport:
    """Run a queued import to its end, recording status, progress, errors and counts.

    Runs once: an import no longer queued (a task run twice) is left alone. The file's content is
    emptied when the import ends: the persons' data are kept only in the waiting list.
    """
    if not job_start(upload, processed_rows=0):
        upload.refresh_from_db()
        return upload
    recorder = PhaseProgress(upload, progress)
    try:
        outcome = waiting_import(
            ctx=ctx, filename=upload.filename, content=bytes(upload.content), progress=recorder
        )
    except BaseException:  # an error, or SystemExit: the worker was stopped mid-task
        job_fail(upload, SYSTEM_ERROR)
        raise
    counted: dict[str, Any] = {
        "total_rows": outcome.total_rows,
        "processed_rows": outcome.total_rows,
    }
    if outcome.errors:
        job_fail(
            upload, REJECTED, errors=[e.as_json() for e in outcome.errors], content=b"", **counted
        )
    else:
        job_done(
            upload,
            errors=[],
            households_created=outcome.households_created,
            persons_created=outcome.persons_created,
            content=b"",
            **counted,
        )
    upload.refresh_from_db()
    return upload
