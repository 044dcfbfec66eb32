from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0002_deadline_service_index"),
    ]

    # Consent moved to people with its tables (see people 0005): only the state changes here.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="consentservice",
                    name="consent",
                ),
                migrations.DeleteModel(
                    name="Consent",
                ),
                migrations.DeleteModel(
                    name="ConsentService",
                ),
            ],
        ),
    ]
