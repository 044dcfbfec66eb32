"""The person search with a million persons (issue 25, item 11, benchmarks/load.py).

The index of a municipality's persons in name order gets the person's id as its last column, so
that the search can read the matches by given name, in name order, from the index alone
(PostgreSQL's index-only scan: no visit to the table for each person passed over). The new index
is built before the old one is dropped, so that the search always has one.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0008_person_postal_address"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["municipality", "family_name", "given_name", "id"],
                name="person_muni_name_id_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="person", name="person_muni_name_idx"),
    ]
