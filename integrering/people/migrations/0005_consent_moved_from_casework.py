import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_household_caseworker_index"),
        ("casework", "0003_consent_moved_to_people"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The tables stay casework_consent and casework_consentservice; only the state moves here.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Consent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "basis",
                            models.CharField(
                                choices=[("consent", "Samtykke"), ("legal", "Lovhjemmel")],
                                default="consent",
                                max_length=10,
                                verbose_name="grunnlag",
                            ),
                        ),
                        (
                            "legal_reference",
                            models.CharField(blank=True, max_length=200, verbose_name="lovhjemmel"),
                        ),
                        (
                            "shares_personal",
                            models.BooleanField(
                                default=True,
                                verbose_name="Personopplysninger, familie og kontaktinformasjon",
                            ),
                        ),
                        (
                            "shares_mapping",
                            models.BooleanField(
                                default=False,
                                verbose_name="Kartlegging: språk, utdanning og arbeid",
                            ),
                        ),
                        (
                            "shares_health",
                            models.BooleanField(
                                default=False, verbose_name="Helse, bakgrunn og livssituasjon"
                            ),
                        ),
                        (
                            "shares_plan",
                            models.BooleanField(
                                default=False, verbose_name="Individuell plan, tiltak og praksis"
                            ),
                        ),
                        ("valid_from", models.DateField(verbose_name="gjelder fra")),
                        (
                            "valid_to",
                            models.DateField(blank=True, null=True, verbose_name="gjelder til"),
                        ),
                        (
                            "signed_on",
                            models.DateField(blank=True, null=True, verbose_name="signert dato"),
                        ),
                        (
                            "signed_by_guardian",
                            models.CharField(
                                blank=True,
                                max_length=150,
                                verbose_name="signert av hjelpeverge/foresatt",
                            ),
                        ),
                        (
                            "remarks",
                            models.TextField(blank=True, verbose_name="merknader og begrensninger"),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "withdrawn_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="trukket tilbake"
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="consents",
                                to="people.person",
                                verbose_name="person",
                            ),
                        ),
                        (
                            "replaces",
                            models.ForeignKey(
                                blank=True,
                                help_text="Ved delvis tilbaketrekking: samtykket dette erstatter.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="replaced_by",
                                to="people.consent",
                            ),
                        ),
                        (
                            "withdrawn_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "samtykke",
                        "verbose_name_plural": "samtykker",
                        "db_table": "casework_consent",
                        "ordering": ["-valid_from", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="ConsentService",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "service",
                            models.CharField(
                                choices=[
                                    ("refugee_service", "Flyktningtjenesten"),
                                    ("nav", "NAV"),
                                    ("adult_education", "Voksenopplæringen"),
                                    ("kindergarten", "Barnehagen"),
                                    ("school", "Skolen"),
                                    ("health", "Helsetjenesten"),
                                    ("housing", "Boligtjenesten"),
                                    ("child_welfare", "Barnevernet"),
                                ],
                                max_length=20,
                                verbose_name="tjeneste",
                            ),
                        ),
                        (
                            "consent",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="service_rows",
                                to="people.consent",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "casework_consentservice",
                    },
                ),
                migrations.AddConstraint(
                    model_name="consent",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("valid_to__isnull", True),
                            ("valid_to__gte", models.F("valid_from")),
                            _connector="OR",
                        ),
                        name="consent_period_ordered",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="consentservice",
                    constraint=models.UniqueConstraint(
                        fields=("consent", "service"), name="consent_service_unique"
                    ),
                ),
            ],
        ),
    ]
