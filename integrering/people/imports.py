"""Reading a household list from CSV or Excel and checking every row; casework registers it.

The file has one row per person and a header row with these columns (the names are not case
sensitive; æ, ø and å may be written ae, o and a, and spaces or dashes as ``_``). Only
``husstand``, ``fornavn``, ``etternavn`` and ``fodselsdato`` must be present; the other columns
may be left out, and their cells may be empty.

================  ========  ==============================================================
column            required  content
================  ========  ==============================================================
husstand          yes       the household reference; rows with the same reference are one
                            household (at most 30 characters)
kommune                     4-digit municipality number; empty: the municipality chosen
                            for the import. The same on every row of a household.
bosatt_dato                 settlement date; the same on every row of a household. Empty:
                            registered, not settled (no notices or deadlines yet)
fornavn           yes
mellomnavn
etternavn         yes
fodselsdato       yes       birth date
kjonn                       kvinne / mann
fodselsnummer               fødselsnummer or D-nummer, 11 digits
duf_nummer                  DUF number, 12 digits
relasjon                    hovedperson / ektefelle / samboer / barn / annen; empty:
                            hovedperson on the household's first row, otherwise annen
kategori                    overføringsflyktning / fra mottak / familiegjenforent /
                            enslig mindreårig / selvbosatt; empty: fra mottak
statsborgerskap
morsmal
tolk                        ja / nei; empty: nei
tolkesprak                  interpreter language (empty: the mother tongue)
ankomst_dato                arrival in Norway
mottak                      last reception centre
================  ========  ==============================================================

Dates are written ``DD.MM.YYYY`` or ``YYYY-MM-DD``; in Excel, date cells work too. A CSV file is
UTF-8 (with or without a byte order mark; UTF-16 and Windows' cp1252 are read too), separated by
semicolons, commas or tabs; an Excel file is .xlsx, and only its first sheet is read. What the
file is comes from its content, not its name (``integrering.tables.file_kind``): a file that is
no table says so («Filen ser ikke ut som CSV eller Excel»).

All or nothing (issue 5): every row is checked before anything is written: the columns, each
field (dates, choices, identity and DUF numbers with their check digits and the birth date in
them), duplicates in the register and within the file, that the municipality exists and is one
the importing user serves, and that each household has one municipality and one settlement
date. With one error nothing is written, and every error is reported with its row number as in
the file (the header is row 1): every bad field of every bad row, so that a bad birth date or a
missing household reference hides no other error of its row (issue 23). Otherwise every household is registered, and settled when it has
a settlement date (notices and deadlines, seed 002 §2.4-2.11), in one transaction, by
``casework/services/household_import.py`` through arrival.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet, TextChoices
from django.utils import timezone

from integrering.accounts.access import may_edit_case, municipality_ids_served_by
from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_denied
from integrering.errors import NotFound
from integrering.organisations.models import Municipality
from integrering.schemas import id_in_range
from integrering.tables import ImportRejected as ImportRejected  # raised here, caught by casework
from integrering.tables import RowError as TableRowError
from integrering.tables import (
    TableTooLarge,
    TableUnreadable,
    column_key,
    table_lines,
    upload_size_error,
)
from integrering.validators import date_problem, name_problem, text_problem

from .identity import duf_number_parse, identity_number_parse
from .models import Category, HouseholdImport, Relation, Sex
from .services import PersonInput, household_errors, person_input_errors


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # as a caseworker reads it in an error message
    required: bool
    description: str  # Norwegian, for the upload page


COLUMNS = [
    Column(
        "husstand",
        "husstand",
        True,
        "Husstandsnummer (høyst 30 tegn). Rader med samme nummer er én husstand.",
    ),
    Column(
        "kommune",
        "kommune",
        False,
        "Kommunenummer med fire siffer, for eksempel 0301. Tom: kommunen du velger ved "
        "opplastingen. Må være det samme på alle radene i en husstand.",
    ),
    Column(
        "bosatt_dato",
        "bosatt dato",
        False,
        "Datoen husstanden ble bosatt. Må være den samme på alle radene i en husstand. "
        "Tom: husstanden registreres uten bosetting (ingen varsler eller frister ennå).",
    ),
    Column("fornavn", "fornavn", True, "Fornavn."),
    Column("mellomnavn", "mellomnavn", False, "Mellomnavn."),
    Column("etternavn", "etternavn", True, "Etternavn."),
    Column("fodselsdato", "fødselsdato", True, "Fødselsdato."),
    Column("kjonn", "kjønn", False, "kvinne eller mann."),
    Column("fodselsnummer", "fødselsnummer", False, "Fødselsnummer eller D-nummer, 11 siffer."),
    Column("duf_nummer", "DUF-nummer", False, "DUF-nummer, 12 siffer."),
    Column(
        "relasjon",
        "relasjon",
        False,
        "hovedperson, ektefelle, samboer, barn eller annen. Tom: hovedperson på husstandens "
        "første rad, ellers annen.",
    ),
    Column(
        "kategori",
        "kategori",
        False,
        "overføringsflyktning, fra mottak, familiegjenforent, enslig mindreårig eller "
        "selvbosatt. Tom: fra mottak.",
    ),
    Column("statsborgerskap", "statsborgerskap", False, "Statsborgerskap."),
    Column("morsmal", "morsmål", False, "Morsmål."),
    Column("tolk", "tolk", False, "ja eller nei: om personen trenger tolk. Tom: nei."),
    Column("tolkesprak", "tolkespråk", False, "Tolkespråk. Tom: morsmålet."),
    Column("ankomst_dato", "ankomstdato", False, "Datoen personen kom til Norge."),
    Column("mottak", "mottak", False, "Siste mottak før bosettingen."),
]
COLUMN_BY_NAME = {c.name: c for c in COLUMNS}
REQUIRED_COLUMNS = [c.name for c in COLUMNS if c.required]

# Where each PersonInput field comes from, to put the registry's messages on the right column.
FIELD_COLUMNS = {
    "reference": "husstand",
    "settled_on": "bosatt_dato",
    "given_name": "fornavn",
    "middle_name": "mellomnavn",
    "family_name": "etternavn",
    "birth_date": "fodselsdato",
    "sex": "kjonn",
    "identity_number": "fodselsnummer",
    "duf_number": "duf_nummer",
    "relation": "relasjon",
    "category": "kategori",
    "citizenship": "statsborgerskap",
    "language": "morsmal",
    "interpreter_needed": "tolk",
    "interpreter_language": "tolkesprak",
    "arrival_date": "ankomst_dato",
    "reception_centre": "mottak",
}

# The widths of the registry's text fields (Household.reference, Person.*): longer values are
# refused here rather than by the database in the middle of the import.
MAX_LENGTHS = {
    "husstand": 30,
    "fornavn": 100,
    "mellomnavn": 100,
    "etternavn": 100,
    "statsborgerskap": 100,
    "morsmal": 100,
    "tolkesprak": 100,
    "mottak": 150,
}

NAME_COLUMNS = frozenset({"fornavn", "mellomnavn", "etternavn"})

CSV_EXTENSION = ".csv"
XLSX_EXTENSION = ".xlsx"
EXTENSIONS = (CSV_EXTENSION, XLSX_EXTENSION)
CONTENT_TYPES = {
    # Browsers send many types for CSV (Windows: Excel's), and some send none for either.
    CSV_EXTENSION: {
        "text/csv",
        "application/csv",
        "text/plain",
        "text/x-csv",
        "application/vnd.ms-excel",
        "application/octet-stream",
        "",
    },
    XLSX_EXTENSION: {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
        "application/octet-stream",
        "",
    },
}
NOT_REFUGEE_SERVICE = "Bare flyktningtjenesten kan importere husstander."

Cell = str | int | float | bool | datetime.date | None
Progress = Callable[[str, int, int], None]  # (phase "check" or "save", done, total)


class RowError(TableRowError):
    """One problem in the file (``integrering.tables.RowError``), its column as a caseworker
    reads it. A rejected file is the kit's ``ImportRejected``."""

    labels = {c.name: c.label for c in COLUMNS}


@dataclass(frozen=True)
class Table:
    """The file's rows: (row number in the file, cells by column name); empty rows left out."""

    columns: list[str]
    rows: list[tuple[int, dict[str, Cell]]]


@dataclass(frozen=True)
class HouseholdPlan:
    """One household as it will be registered, with the file rows its members came from."""

    reference: str
    municipality: Municipality
    settled_on: datetime.date | None
    rows: list[int]
    members: list[PersonInput]


@dataclass(frozen=True)
class ImportOutcome:
    total_rows: int
    households_created: int = 0
    persons_created: int = 0
    errors: Sequence[TableRowError] = field(default_factory=list)
    household_ids: Sequence[int] = field(default_factory=list)


# --- Reading ---------------------------------------------------------------------------------------


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _file_rows(content: bytes) -> Iterator[tuple[int, list[Cell]]]:
    # The kind of file is read from its content (``integrering.tables.file_kind``).
    try:
        for number, values in table_lines(content=content):
            yield number, [_cell(v) for v in values]
    except TableUnreadable as unreadable:
        raise ImportRejected([RowError(unreadable.line, "", unreadable.problems[0])]) from None
    except TableTooLarge as too_large:  # an .xlsx bomb, or too many rows: found before parsing
        raise ImportRejected([RowError(None, "", too_large.message)]) from None


def _cell(value: object) -> Cell:
    if isinstance(value, datetime.datetime):
        return value.date()
    if value is None or isinstance(value, str | int | float | bool | datetime.date):
        return value
    return str(value)  # times and formula errors: read as text, refused by the field check


def table_read(*, filename: str, content: bytes, header_only: bool = False) -> Table:
    """The rows of a CSV or .xlsx file, keyed by column; ``ImportRejected`` when unreadable.

    Checks the header too: unknown, repeated and missing columns are each an error on row 1.
    With ``header_only`` it stops after the header (what the upload form checks at once).
    """
    columns: list[str] | None = None
    rows: list[tuple[int, dict[str, Cell]]] = []
    for number, cells in _file_rows(content):
        if all(_blank(c) for c in cells):
            continue
        if columns is None:
            columns = [column_key(c) for c in cells]
            header_problems = _header_errors(columns, row=number)
            if header_problems:
                raise ImportRejected(header_problems)
            if header_only:
                break
            continue
        extra = [c for c in cells[len(columns) :] if not _blank(c)]
        extra += [
            c for i, c in enumerate(cells[: len(columns)]) if not columns[i] and not _blank(c)
        ]
        if extra:
            raise ImportRejected(
                [
                    RowError(
                        number,
                        "",
                        "Raden har flere felt enn overskriftsraden har kolonner; sjekk "
                        "skilletegnene (semikolon eller komma).",
                    )
                ]
            )
        values = {
            name: cells[index] if index < len(cells) else None
            for index, name in enumerate(columns)
            if name
        }
        rows.append((number, values))
    if columns is None:
        raise ImportRejected([RowError(None, "", "Filen er tom.")])
    if not rows and not header_only:
        raise ImportRejected([RowError(None, "", "Filen har ingen rader under overskriftsraden.")])
    return Table(columns=[c for c in columns if c], rows=rows)


def _header_errors(columns: list[str], *, row: int) -> list[RowError]:
    errors: list[RowError] = []
    known = ", ".join(c.name for c in COLUMNS)
    seen: set[str] = set()
    for name in columns:
        if not name:
            continue
        if name not in COLUMN_BY_NAME:
            errors.append(
                RowError(row, "", f"Ukjent kolonne «{name}». Kolonnene som kan brukes er: {known}.")
            )
        elif name in seen:
            errors.append(RowError(row, "", f"Kolonnen «{name}» står flere ganger."))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(RowError(row, "", f"Kolonnen «{name}» mangler i overskriftsraden."))
    return errors


def file_extension(filename: str) -> str:
    name = filename.lower().strip()
    return name[name.rfind(".") :] if "." in name else ""


def upload_errors(
    *, filename: str, content_type: str, size: int, max_bytes: int | None
) -> list[str]:
    """What is wrong with an upload before it is read: its type, emptiness and size."""
    extension = file_extension(filename)
    if extension == ".xls":
        return [
            "Gamle Excel-filer (.xls) kan ikke leses. Lagre filen som Excel-arbeidsbok (.xlsx) "
            "eller som CSV UTF-8."
        ]
    if extension not in EXTENSIONS:
        return ["Filen må være en CSV-fil (.csv) eller en Excel-fil (.xlsx)."]
    kind = "CSV-fil" if extension == CSV_EXTENSION else "Excel-fil"
    content_type = content_type.split(";")[0].strip().lower()
    if content_type not in CONTENT_TYPES[extension]:
        return [f"Filen heter {extension}, men er ikke en {kind} (filtypen er {content_type})."]
    if not size:
        return ["Filen er tom."]
    too_large = upload_size_error(size, max_bytes) if max_bytes is not None else None
    return [f"{too_large} Del listen i flere filer."] if too_large else []


def header_errors(*, filename: str, content: bytes) -> list[str]:
    """What is wrong with the file's header row (or the file as a whole); empty when readable.

    The rows are checked later, in the background.
    """
    try:
        table_read(filename=filename, content=content, header_only=True)
    except ImportRejected as exc:
        return [e.text for e in exc.errors]
    return []


# --- Reading one field -------------------------------------------------------------------------


class FieldError(Exception):
    pass


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    return str(value).strip()


def _digits(value: Cell, *, width: int) -> str:
    """A number as digits. Excel drops leading zeros in number cells, so those are put back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = _text(value)
        return text.zfill(width) if text.isdigit() else text
    return "".join(_text(value).split())


def _date(value: Cell) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            parsed = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if parsed.year >= 1900:
            return parsed
    raise FieldError(
        f"«{text}» er ikke en dato; skriv den som DD.MM.ÅÅÅÅ, for eksempel 01.03.2024."
    )


def _fold(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[^a-z0-9]", "", text)


def _choices(choices: type[TextChoices], **extra: str) -> dict[str, str]:
    found = {_fold(str(label)): str(value) for value, label in choices.choices}
    found.update({_fold(str(value)): str(value) for value in choices.values})
    found.update(extra)
    return found


SEX_VALUES = _choices(Sex, k=Sex.FEMALE, m=Sex.MALE)
RELATION_VALUES = _choices(Relation)
CATEGORY_VALUES = _choices(Category)
YES = {"ja", "j", "yes", "y", "true", "sann", "1", "x"}
NO = {"nei", "n", "no", "false", "usann", "0"}


def _choice(value: Cell, values: dict[str, str], allowed: str) -> str:
    text = _text(value)
    if not text:
        return ""
    found = values.get(_fold(text))
    if found is None:
        raise FieldError(f"«{text}» er ikke gyldig; skriv {allowed}.")
    return found


def _yes_no(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text or text in NO:
        return False
    if text in YES:
        return True
    raise FieldError(f"«{_text(value)}» er ikke gyldig; skriv ja eller nei.")


# --- Checking --------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    reference: str
    municipality_number: str
    settled_on: datetime.date | None
    relation_given: bool
    member: PersonInput | None
    errors: list[RowError]


def _row_read(number: int, cells: dict[str, Cell], default_municipality: str) -> _Row:
    errors: list[RowError] = []
    values: dict[str, Any] = {}

    def read(column: str, parse: Callable[[Cell], Any], default: Any) -> Any:
        try:
            return parse(cells.get(column))
        except FieldError as exc:
            errors.append(RowError(number, column, str(exc)))
            return default

    for column, limit in MAX_LENGTHS.items():
        text = _text(cells.get(column))
        if len(text) > limit:
            errors.append(RowError(number, column, f"Høyst {limit} tegn."))
            continue
        # Names are checked by the registry, as from the form and the API (issue 25).
        problem = None if column in NAME_COLUMNS else text_problem(text, multiline=False)
        if problem:
            errors.append(RowError(number, column, problem))

    reference = _text(cells.get("husstand"))
    if not reference:
        errors.append(RowError(number, "husstand", "Husstandsnummeret må fylles ut."))

    municipality_number = _digits(cells.get("kommune"), width=4) or default_municipality
    if municipality_number.isdigit() and len(municipality_number) == 3:
        municipality_number = municipality_number.zfill(4)  # 0301 saved by Excel as 301
    if not (municipality_number.isdigit() and len(municipality_number) == 4):
        errors.append(
            RowError(number, "kommune", "Kommunenummeret må ha fire siffer, for eksempel 0301.")
        )

    settled_on = read("bosatt_dato", _date, None)
    birth_date = read("fodselsdato", _date, None)
    if birth_date is None and not any(e.column == "fodselsdato" for e in errors):
        errors.append(RowError(number, "fodselsdato", "Fødselsdatoen må fylles ut."))

    identity_number = _digits(cells.get("fodselsnummer"), width=11)
    if identity_number.isdigit() and len(identity_number) == 10:
        errors.append(
            RowError(
                number,
                "fodselsnummer",
                "Fødselsnummeret har 10 siffer, ikke 11. Har Excel fjernet en null foran? "
                "Formater kolonnen som tekst og skriv nummeret på nytt.",
            )
        )
        identity_number = ""
    duf_number = _digits(cells.get("duf_nummer"), width=12)

    relation = read(
        "relasjon",
        lambda v: _choice(v, RELATION_VALUES, "hovedperson, ektefelle, samboer, barn eller annen"),
        "",
    )
    values.update(
        given_name=_text(cells.get("fornavn")),
        middle_name=_text(cells.get("mellomnavn")),
        family_name=_text(cells.get("etternavn")),
        sex=read("kjonn", lambda v: _choice(v, SEX_VALUES, "kvinne eller mann"), ""),
        category=read(
            "kategori",
            lambda v: _choice(
                v,
                CATEGORY_VALUES,
                "overføringsflyktning, fra mottak, familiegjenforent, enslig mindreårig eller "
                "selvbosatt",
            ),
            "",
        )
        or Category.FROM_RECEPTION,
        citizenship=_text(cells.get("statsborgerskap")),
        language=_text(cells.get("morsmal")),
        interpreter_needed=read("tolk", _yes_no, False),
        interpreter_language=_text(cells.get("tolkesprak")),
        arrival_date=read("ankomst_dato", _date, None),
        reception_centre=_text(cells.get("mottak")),
    )
    member = None
    if birth_date is None:
        # No birth date, so no person for the registry to check: what does not depend on the
        # birth date is checked here, so that a bad date hides no other error of the row.
        errors += _names_errors(number, values)
        if values["interpreter_needed"] and not (
            values["interpreter_language"] or values["language"]
        ):
            errors.append(
                RowError(number, "tolkesprak", "Oppgi tolkespråk når personen trenger tolk.")
            )
        arrival_problem = date_problem(values["arrival_date"])
        if arrival_problem:  # the household's settlement date is checked with the household
            errors.append(RowError(number, "ankomst_dato", arrival_problem))
        # The numbers' check digits can still be checked, without the birth date in them.
        for column, number_, parse in (
            ("fodselsnummer", identity_number, identity_number_parse),
            ("duf_nummer", duf_number, duf_number_parse),
        ):
            if number_:
                try:
                    parse(number_)
                except ValidationError as exc:
                    errors += [RowError(number, column, m) for m in exc.messages]
    else:
        member = PersonInput(
            birth_date=birth_date,
            identity_number=identity_number or None,
            duf_number=duf_number or None,
            relation=relation or Relation.MAIN,
            **values,
        )
    return _Row(
        number=number,
        reference=reference,
        municipality_number=municipality_number,
        settled_on=settled_on,
        relation_given=bool(relation),
        member=member,
        errors=errors,
    )


def _names_errors(number: int, values: dict[str, Any]) -> list[RowError]:
    """The names of a row that the registry does not check (it has no birth date): filled in,
    and written as the registry would have them (``validators.name_problem``)."""
    errors: list[RowError] = []
    for field_name, column in (
        ("given_name", "fornavn"),
        ("middle_name", "mellomnavn"),
        ("family_name", "etternavn"),
    ):
        text = values[field_name]
        if not text and field_name != "middle_name":
            label = "Fornavn" if field_name == "given_name" else "Etternavn"
            errors.append(RowError(number, column, f"{label} må fylles ut."))
        problem = name_problem(text) if text else None
        if problem:
            errors.append(RowError(number, column, problem))
    return errors


class _Municipalities:
    """Municipality numbers as the importing user may use them, looked up once each."""

    def __init__(self, user: object) -> None:
        self.served = municipality_ids_served_by(user)
        self.found: dict[str, Municipality | str] = {}

    def get(self, number: str) -> Municipality | str:
        """The municipality, or why it cannot be used."""
        if number not in self.found:
            self.found[number] = self._look_up(number)
        return self.found[number]

    def _look_up(self, number: str) -> Municipality | str:
        today = timezone.localdate()
        current = Municipality.objects.valid_on(today).filter(number=number).first()
        if current is None:
            old = Municipality.objects.filter(number=number).order_by("-valid_from").first()
            if old is None:
                return f"Kommunenummeret {number} finnes ikke."
            successor = old.successor
            while successor is not None and successor.valid_to is not None:
                successor = successor.successor
            hint = f"; bruk {successor}" if successor is not None else ""
            return f"Kommunenummeret {number} er ikke lenger i bruk{hint}."
        if current.pk not in self.served:
            return f"Du arbeider ikke for {current}, og kan ikke registrere husstander der."
        return current


def _within_file_duplicates(rows: list[_Row]) -> None:
    """The same identity or DUF number twice in the file: an error on each later row.

    The later row's number is then left out of the registry check, whose message speaks of
    "person N in the household" and would say the same thing less clearly.
    """
    for key, column, label in (
        ("identity_number", "fodselsnummer", "fødselsnummer"),
        ("duf_number", "duf_nummer", "DUF-nummer"),
    ):
        seen: dict[str, int] = {}
        for row in rows:
            member = row.member
            number = getattr(member, key) if member is not None else None
            if member is None or not number:
                continue
            if number in seen:
                row.errors.append(
                    RowError(row.number, column, f"Samme {label} står også på rad {seen[number]}.")
                )
                row.member = (
                    replace(member, identity_number=None)
                    if key == "identity_number"
                    else replace(member, duf_number=None)
                )
            else:
                seen[number] = row.number


def _unread(row: _Row, first: _Row, column: str) -> bool:
    """Whether either row's cell could not be read (already an error: not compared)."""
    return any(e.column == column for e in row.errors + first.errors)


def _household_check(
    reference: str,
    rows: list[_Row],
    municipalities: _Municipalities,
) -> tuple[HouseholdPlan | None, list[RowError]]:
    errors: list[RowError] = []
    first = rows[0]
    for row in rows[1:]:
        if row.municipality_number != first.municipality_number and not _unread(
            row, first, "kommune"
        ):
            errors.append(
                RowError(
                    row.number,
                    "kommune",
                    f"Husstanden {reference} har kommune {first.municipality_number or '(tom)'} på "
                    f"rad {first.number}; alle radene i en husstand må ha samme kommune.",
                )
            )
        if row.settled_on != first.settled_on and not _unread(row, first, "bosatt_dato"):
            when = f"{first.settled_on:%d.%m.%Y}" if first.settled_on else "(tom)"
            errors.append(
                RowError(
                    row.number,
                    "bosatt_dato",
                    f"Husstanden {reference} har bosatt dato {when} på rad {first.number}; alle "
                    "radene i en husstand må ha samme bosatt dato.",
                )
            )
    municipality: Municipality | str = "Kommunenummeret mangler."
    if first.municipality_number.isdigit() and len(first.municipality_number) == 4:
        municipality = municipalities.get(first.municipality_number)
        if isinstance(municipality, str):
            errors.append(RowError(first.number, "kommune", municipality))

    # The main person: an empty relation is the main person on the first row, unless another row
    # names one; a second main person is refused with the household's other rules (one main).
    named_main = [
        r for r in rows if r.member and r.relation_given and r.member.relation == Relation.MAIN
    ]
    members: list[PersonInput] = []
    member_rows: list[int] = []
    for index, row in enumerate(rows):
        if row.member is None:
            continue
        member = row.member
        if not row.relation_given:
            main = index == 0 and not named_main
            member = replace(member, relation=Relation.MAIN if main else Relation.OTHER)
        members.append(member)
        member_rows.append(row.number)

    if members:
        found = household_errors(reference=reference, members=members, settled_on=first.settled_on)
        errors += service_errors(found, first_row=first.number, member_rows=member_rows)
    if errors or any(r.errors for r in rows) or isinstance(municipality, str):
        return None, errors
    return (
        HouseholdPlan(
            reference=reference,
            municipality=municipality,
            settled_on=first.settled_on,
            rows=[r.number for r in rows],
            members=members,
        ),
        errors,
    )


def service_errors(
    found: dict[str, list[str]], *, first_row: int, member_rows: list[int]
) -> list[RowError]:
    """The registry's errors (``field`` or ``members.N.field``) as errors on rows and columns."""
    errors: list[RowError] = []
    for key, messages in found.items():
        parts = key.split(".")
        if parts[0] == "members" and len(parts) == 3:
            row, column = member_rows[int(parts[1])], FIELD_COLUMNS.get(parts[2], parts[2])
        else:
            row, column = first_row, FIELD_COLUMNS.get(key, "")
        errors += [RowError(row, column, message) for message in messages]
    return errors


def import_check(
    *,
    user: object,
    municipality: Municipality,
    table: Table,
    progress: Progress | None = None,
) -> tuple[list[HouseholdPlan], list[RowError]]:
    """Every household of the file ready to register, or every error in it; writes nothing."""
    total = len(table.rows)
    if not may_edit_case(user):
        return [], [RowError(None, "", NOT_REFUGEE_SERVICE)]
    rows = [_row_read(number, cells, municipality.number) for number, cells in table.rows]
    _within_file_duplicates(rows)
    households: dict[str, list[_Row]] = {}
    for row in rows:
        if row.reference:
            households.setdefault(row.reference, []).append(row)
    municipalities = _Municipalities(user)
    errors: list[RowError] = []
    plans: list[HouseholdPlan] = []
    done = total - sum(len(h) for h in households.values())  # rows without a household
    for reference, household_rows in households.items():
        plan, found = _household_check(reference, household_rows, municipalities)
        errors += found
        if plan is not None:
            plans.append(plan)
        done += len(household_rows)
        if progress is not None:
            progress("check", done, total)
    for row in rows:
        if not row.reference and row.member is not None:
            # No household to check the row with: its person is checked alone, so that a
            # missing reference hides no other error of the row.
            found_person = person_input_errors(row.member, household_settled_on=row.settled_on)
            errors += service_errors(
                {f"members.0.{k}": v for k, v in found_person.items()},
                first_row=row.number,
                member_rows=[row.number],
            )
        errors += row.errors
    errors.sort(key=lambda e: (e.row or 0, COLUMN_ORDER.get(e.column, -1)))
    return plans, errors


COLUMN_ORDER = {c.name: i for i, c in enumerate(COLUMNS)}


def imports_visible_to(user: object) -> QuerySet[HouseholdImport]:
    """The imports of the municipalities the user serves (they name persons in their errors)."""
    return HouseholdImport.objects.filter(
        municipality_id__in=municipality_ids_served_by(user)
    ).select_related("municipality", "uploaded_by")


def household_import_require(*, ctx: AccessContext) -> None:
    """Only the refugee service imports households: 403 for anyone else, and the refusal
    audited (issue 25)."""
    if not may_edit_case(ctx.user):
        audit_denied(
            ctx=ctx, person_ids=[], action=AuditAction.CREATE, detail="import av husstander"
        )
        raise PermissionDenied(NOT_REFUGEE_SERVICE)


def household_import_get(*, ctx: AccessContext, import_id: int) -> HouseholdImport:
    """One import the user may follow: 404 out of the user's municipalities, 403 for other
    services; either refusal is audited (its errors name persons; the import names none)."""
    user = ctx.user
    found = (
        imports_visible_to(user).filter(pk=import_id).first() if id_in_range(import_id) else None
    )
    if found is None or not may_edit_case(user):
        audit_denied(ctx=ctx, person_ids=[], detail=f"import av husstander {import_id}")
    if found is None:
        raise NotFound("Finner ikke importen, eller du har ikke tilgang til den.")
    if not may_edit_case(user):
        raise PermissionDenied(NOT_REFUGEE_SERVICE)
    return found
