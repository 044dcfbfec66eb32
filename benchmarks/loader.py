"""The synthetic registry the benchmarks load into PostgreSQL: persons in ten municipalities.

Shared by ``casework.py`` (the dashboard and search through the test client, 100 000 persons)
and ``load.py`` (concurrent users against gunicorn, 1 000 000 persons by default). About 2.8
persons a household, settled 2022-2026, each person with the arrival deadlines of
``rules.deadlines`` (70 % of them met); Oslo's caseworker ``bench-oslo`` is the contact person of
about 30 % of Oslo's households. Seeded, so every run loads the same world.

Names. A tenth of the persons carry one of the ten family names of ``NAMES`` (Kovalenko, Haddad,
...: a search for one of them finds thousands of persons in Oslo, as a search for «Ahmadi» would),
the rest family names from a long tail of 24 000, some much commoner than others, in an order that
says nothing of how common they are (``family_names``); given names likewise (``GIVEN`` for four
in ten). A registry of a million with ten family names in all would measure a search nobody
makes; one with only rare names would hide the common ones.

Fast: rows are generated in Python and written with PostgreSQL's COPY, with the tables' secondary
indexes dropped during the load and built afterwards, and the foreign-key triggers off (the rows
are made consistent here): a million persons and four million deadlines in minutes. Call the
functions after ``django.setup()`` (``recreate_database`` before).
"""

from __future__ import annotations

import datetime
import random
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

LOADER_VERSION = 4  # part of the database's mark: a change of the world here loads it again
CHUNK_HOUSEHOLDS = 20_000


def recreate_database(url: str) -> None:
    """Drop and create the PostgreSQL database of ``url`` (connections to it are ended)."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# Share of the persons in each municipality: Oslo's caseworkers see 30 % of them.
SPREAD = {
    "0301": 30,
    "4601": 20,
    "5001": 12,
    "1103": 10,
    "4204": 8,
    "5501": 6,
    "3324": 6,
    "3322": 3,
    "3320": 2,
    "3326": 3,
}
NAMES = [
    "Kovalenko",
    "Haddad",
    "Tesfay",
    "Ahmadi",
    "Melnyk",
    "Khoury",
    "Kidane",
    "Rahimi",
    "Shevchuk",
    "Mansour",
]
GIVEN = ["Olena", "Mykola", "Amal", "Omar", "Semhar", "Yonas", "Zahra", "Farid", "Iryna", "Lina"]
COMMON_FAMILY_SHARE = 0.10
COMMON_GIVEN_SHARE = 0.40

_STARTS = [
    "Ab", "Ad", "Af", "Ah", "Al", "Am", "An", "Ar", "As", "Az", "Ba", "Be", "Bo", "Da", "De",
    "Do", "Fa", "Fe", "Ga", "Gh", "Ha", "He", "Hu", "Ib", "Ja", "Je", "Ka", "Ke", "Kh", "Ko",
    "Ku", "La", "Le", "Ma", "Me", "Mi", "Mo", "Mu", "Na", "Ne", "No", "Ol", "Pa", "Pe", "Ra",
    "Re", "Ro", "Sa", "Se", "Sh", "So", "Ta", "Te", "Tk", "Wa", "Ya", "Yu", "Za", "Ze", "Zo",
]  # fmt: skip
_MIDDLES = [
    "b", "d", "dr", "f", "g", "h", "k", "l", "lm", "m", "n", "nd", "r", "rg", "s", "sh", "t",
    "v", "y", "z",
]  # fmt: skip
_ENDS = [
    "adi", "ani", "ari", "aty", "ayan", "chenko", "chuk", "enko", "eri", "ezai", "ghi", "iani",
    "ichi", "ienko", "ilu", "imi", "ova", "ovych", "ski", "uk",
]  # fmt: skip
_GIVEN_ENDS = ["a", "an", "ar", "ed", "el", "ia", "id", "ina", "ir", "o", "on", "ra", "ya"]


def _shuffled(names: list[str]) -> list[str]:
    """In a fixed random order: how common a name is (its rank) says nothing of where it sorts."""
    random.Random(7).shuffle(names)  # seeded synthetic data, not a secret # nosec B311
    return names


def family_names() -> list[str]:
    """The long tail of family names: 60 x 20 x 20 = 24 000 made-up names."""
    return _shuffled([s + m + e for s in _STARTS for m in _MIDDLES for e in _ENDS])


def given_names() -> list[str]:
    return _shuffled([s + m + e for s in _STARTS for m in _MIDDLES[:6] for e in _GIVEN_ENDS])


def _pick(rng: random.Random, common: list[str], tail: list[str], share: float) -> str:
    """A common name with probability ``share``, else one of the tail, the first ones likelier
    (density falling as 1/sqrt of the rank), as names are."""
    if rng.random() < share:
        return rng.choice(common)
    return tail[int(len(tail) * rng.random() ** 2)]


def database_mark(persons: int) -> str:
    """What a loaded database is marked with (``COMMENT ON DATABASE``): reused while equal."""
    return f"integrering benchmark world: persons={persons} loader={LOADER_VERSION}"


def database_loaded(url: str, persons: int) -> bool:
    """Whether the database of ``url`` exists and holds this loader's world of ``persons``."""
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            ).fetchone()
    except psycopg.OperationalError:  # no such database (yet)
        return False
    return row is not None and row[0] == database_mark(persons)


def database_mark_set(persons: int) -> None:
    """Mark the loaded database (after ``load``), so that the next run reuses it."""
    from django.db import connection

    with connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [database_mark(persons)])


class Table:
    """COPY rows into a model's table: each row gives ``given`` (attnames, in order), and every
    other column gets the field's default, as the ORM would have written it."""

    def __init__(self, model: Any, given: list[str]) -> None:
        from django.db import connection

        self.table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        # Left out: the given columns, and an id not given (the table's identity numbers it).
        rest = [f for name, f in fields.items() if name not in given and not f.primary_key]
        self.columns = [fields[name].column for name in given] + [f.column for f in rest]
        self.rest = tuple(f.get_db_prep_save(_default(f), connection) for f in rest)

    def copy(self, cursor: Any, rows: Iterable[tuple[Any, ...]]) -> int:
        columns = ", ".join(f'"{c}"' for c in self.columns)
        count = 0
        with cursor.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row + self.rest)
                count += 1
        return count


def _default(field: Any) -> Any:
    """What the ORM writes to a column that a row leaves out."""
    from django.utils import timezone

    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    if field.null and not field.has_default():
        return None
    return field.get_default()


def _next_id(cursor: Any, table: str) -> int:
    # Our own table's name, from its model.
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')  # noqa: S608 # nosec B608
    return int(cursor.fetchone()[0])


def _secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """The indexes of ``table`` that no constraint owns (name, definition): dropped during the
    load and built afterwards, which is several times faster than keeping them up to date."""
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
        [table],
    )
    return [(name, definition) for name, definition in cursor.fetchall()]


def _households(
    rng: random.Random,
    persons: int,
    municipality_ids: dict[str, int],
    caseworker_id: int,
) -> Iterator[tuple[int, list[tuple[Any, ...]]]]:
    """Households as (municipality id, settled on, caseworker id, size), chunk by chunk."""
    numbers, weights = list(SPREAD), list(SPREAD.values())
    made = 0
    while made < persons:
        chunk = []
        for _ in range(CHUNK_HOUSEHOLDS):
            if made >= persons:
                break
            number = rng.choices(numbers, weights)[0]
            settled = datetime.date(2022, 1, 1) + datetime.timedelta(days=rng.randint(0, 1500))
            mine = number == "0301" and rng.random() < 0.3
            size = min(rng.choice([1, 2, 2, 3, 4, 5]), persons - made)
            chunk.append((municipality_ids[number], settled, caseworker_id if mine else None, size))
            made += size
        yield made, chunk


def load(persons: int) -> None:
    """Load ``persons`` persons with their households and deadlines, then VACUUM ANALYZE.

    VACUUM as well as ANALYZE: a registry in use has been vacuumed by autovacuum, so its rows
    carry their hint bits and the visibility map is set. Without it the first reads after the
    bulk load rewrite every page, and the first run measures that instead of the product.
    """
    from django.db import connection, transaction

    from integrering.accounts.models import User
    from integrering.accounts.roles import Role
    from integrering.casework.models import Deadline
    from integrering.people.identity import synthetic_identity_number
    from integrering.people.models import Household, Person, Relation, search_names
    from integrering.rules.deadlines import PersonFacts, arrival_deadlines
    from integrering.testing import make_user, municipality

    rng = random.Random(2026)  # seeded synthetic data, not a secret # nosec B311
    caseworker = User.objects.filter(username="bench-oslo").first() or make_user(
        municipality_number="0301", username="bench-oslo", roles=[Role.REFUGEE_SERVICE_CASEWORKER]
    )
    municipality_ids = {number: municipality(number).pk for number in SPREAD}
    family_tail, given_tail = family_names(), given_names()
    households = Table(
        Household, ["id", "municipality_id", "reference", "settled_on", "caseworker_id"]
    )
    people = Table(
        Person,
        [
            "id",
            "household_id",
            "municipality_id",
            "given_name",
            "family_name",
            "birth_date",
            "identity_number",
            "relation",
            # COPY does not go through Person.save: the folded names the search reads (people/0010).
            "search_given",
            "search_family",
        ],
    )
    deadlines = Table(
        Deadline,
        ["person_id", "municipality_id", "kind", "service", "start_on", "due_on", "met_on"],
    )
    tables = [Household._meta.db_table, Person._meta.db_table, Deadline._meta.db_table]
    used: set[str] = set()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own, for COPY
        cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers
        dropped = [index for table in tables for index in _secondary_indexes(cursor, table)]
        for name, _ in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        household_id = _next_id(cursor, Household._meta.db_table)
        person_id = _next_id(cursor, Person._meta.db_table)
        counts = {"households": 0, "persons": 0, "deadlines": 0}
        for made, chunk in _households(rng, persons, municipality_ids, caseworker.pk):
            household_rows, person_rows, deadline_rows = [], [], []
            for municipality_id, settled, caseworker_id, size in chunk:
                household_rows.append(
                    (household_id, municipality_id, f"B-{household_id:07d}", settled, caseworker_id)
                )
                family = _pick(rng, NAMES, family_tail, COMMON_FAMILY_SHARE)
                for i in range(size):
                    adult = i < 2
                    days = rng.randint(20 * 365, 55 * 365) if adult else rng.randint(200, 17 * 365)
                    born = settled - datetime.timedelta(days=days)
                    while (ident := synthetic_identity_number(born, rng)) in used:
                        pass
                    used.add(ident)
                    relation = str(
                        Relation.MAIN if i == 0 else (Relation.SPOUSE if adult else Relation.CHILD)
                    )
                    given = _pick(rng, GIVEN, given_tail, COMMON_GIVEN_SHARE)
                    folded = search_names(given_name=given, middle_name="", family_name=family)
                    person_rows.append(
                        (
                            person_id,
                            household_id,
                            municipality_id,
                            given,
                            family,
                            born,
                            ident,
                            relation,
                            folded["search_given"],
                            folded["search_family"],
                        )
                    )
                    facts = PersonFacts(
                        birth_date=born, category="from_reception", disability=False
                    )
                    for duty in arrival_deadlines(facts, settled_on=settled, arrived_on=None):
                        met = duty.due if rng.random() < 0.7 else None
                        deadline_rows.append(
                            (
                                person_id,
                                municipality_id,
                                str(duty.kind),
                                str(duty.service),
                                duty.start,
                                duty.due,
                                met,
                            )
                        )
                    person_id += 1
                household_id += 1
            counts["households"] += households.copy(cursor, household_rows)
            counts["persons"] += people.copy(cursor, person_rows)
            counts["deadlines"] += deadlines.copy(cursor, deadline_rows)
            rate = made / (time.perf_counter() - started)
            print(
                f"\r  {made:>9} / {persons} persons ({rate:,.0f}/s)",
                end="",
                file=sys.stderr,
                flush=True,
            )
        print(file=sys.stderr)
        built = time.perf_counter()
        for _, definition in dropped:
            cursor.execute(definition)
        for table in tables:
            cursor.execute(  # our own table names
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608 # nosec B608
                f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
            )
        print(
            f"  copied {counts['households']} households, {counts['persons']} persons, "
            f"{counts['deadlines']} deadlines in {built - started:.0f} s; "
            f"built {len(dropped)} indexes in {time.perf_counter() - built:.0f} s",
            file=sys.stderr,
        )
    vacuumed = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE in {time.perf_counter() - vacuumed:.0f} s", file=sys.stderr)
