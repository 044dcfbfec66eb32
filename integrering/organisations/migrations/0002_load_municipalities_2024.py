from django.db import migrations


def load(apps, schema_editor):
    from integrering.organisations.reference_data import (
        MUNICIPALITIES_2024,
        MUNICIPALITIES_2024_VALID_FROM,
        municipalities_load,
    )

    municipalities_load(path=MUNICIPALITIES_2024, valid_from=MUNICIPALITIES_2024_VALID_FROM, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
