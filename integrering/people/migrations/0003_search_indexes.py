"""Indexes for the person search with 100 000 persons (issue 9, benchmarks/load.py).

The search matches a name that contains the term (``UPPER(name) LIKE '%TERM%'``), the start of an
identity or DUF number (``LIKE 'TERM%'``) and a household's reference (``UPPER(reference) =``).
On PostgreSQL the names get trigram indexes (``pg_trgm``, a trusted extension) and the numbers
pattern indexes, so that a search reads the matching persons instead of every person of the
municipality. The trigram indexes are PostgreSQL's own and not part of the model state; SQLite
gets the plain indexes only.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Upper

TRIGRAM_INDEXES = {
    "person_given_name_trgm_idx": "given_name",
    "person_family_name_trgm_idx": "family_name",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "people_person" '
            f'USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_registry_fields_and_imports"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["identity_number"],
                name="person_identity_like_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["duf_number"], name="person_duf_like_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(Upper("reference"), name="household_reference_upper_idx"),
        ),
    ]
