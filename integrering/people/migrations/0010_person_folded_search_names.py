"""The person search ignores accents and case (issue 23): «azizi» finds «Azízi».

Each person gets the names folded as the search compares them (``ui.search.search_fold``:
case-folded, accents removed, «æøå» kept): given and middle name in ``search_given``, the family
name in ``search_family``. The existing persons are folded here, in batches. On PostgreSQL the
trigram indexes move from the names (``UPPER(given_name)``, people/0003) to the folded names, and
a municipality's persons get an index in the search's order of the folded names with the id, so
that the search reads the matches by given name from the index alone, as people/0009 did.
"""

import unicodedata

from django.db import migrations, models

OLD_TRIGRAM_INDEXES = {
    "person_given_name_trgm_idx": 'UPPER("given_name")',
    "person_family_name_trgm_idx": 'UPPER("family_name")',
}
TRIGRAM_INDEXES = {
    "person_search_given_trgm_idx": '"search_given"',
    "person_search_family_trgm_idx": '"search_family"',
}
BATCH = 2000


def _fold(text):
    # ui.search.search_fold as it was written with this migration (a migration keeps its code).
    folded = []
    for char in unicodedata.normalize("NFC", " ".join(text.split())).casefold():
        if char in "åÅ":
            folded.append(char)
            continue
        folded.extend(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
    return "".join(folded)


def fold_names(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    db = schema_editor.connection.alias
    last = 0
    while True:
        persons = list(
            Person.objects.using(db)
            .filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "given_name", "middle_name", "family_name")[:BATCH]
        )
        if not persons:
            return
        for person in persons:
            person.search_given = _fold(f"{person.given_name} {person.middle_name}")
            person.search_family = _fold(person.family_name)
        Person.objects.using(db).bulk_update(persons, ["search_given", "search_family"])
        last = persons[-1].pk


def _trigram_indexes(schema_editor, drop, create):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in drop:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    for name, expression in create.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "people_person" '
            f"USING gin ({expression} gin_trgm_ops)"
        )


def trigram_on_folded(apps, schema_editor):
    _trigram_indexes(schema_editor, OLD_TRIGRAM_INDEXES, TRIGRAM_INDEXES)


def trigram_on_names(apps, schema_editor):
    _trigram_indexes(schema_editor, TRIGRAM_INDEXES, OLD_TRIGRAM_INDEXES)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_person_name_index_with_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_family",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="person",
            name="search_given",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fold_names, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(trigram_on_folded, trigram_on_names),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["municipality", "search_family", "search_given", "id"],
                name="person_muni_search_id_idx",
            ),
        ),
    ]
