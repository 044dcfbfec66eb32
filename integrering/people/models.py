"""Households and persons settled in a municipality. Reached only through ``selectors``."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from integrering.organisations.models import Municipality


class Sex(models.TextChoices):
    FEMALE = "female", "Kvinne"
    MALE = "male", "Mann"


class Relation(models.TextChoices):
    """A member's relation to the household's main person (mapping form, seed 002 Vedlegg 2)."""

    MAIN = "main", "Hovedperson"
    SPOUSE = "spouse", "Ektefelle"
    COHABITANT = "cohabitant", "Samboer"
    CHILD = "child", "Barn"
    OTHER = "other", "Annen"


class Category(models.TextChoices):
    """How the person came to the municipality (seed 002 Vedlegg 2; DOMAIN.md glossary)."""

    TRANSFER_REFUGEE = "transfer_refugee", "Overføringsflyktning"
    FROM_RECEPTION = "from_reception", "Fra mottak"
    FAMILY_REUNIFICATION = "family_reunification", "Familiegjenforent"
    UNACCOMPANIED_MINOR = "unaccompanied_minor", "Enslig mindreårig"
    SELF_SETTLED = "self_settled", "Selvbosatt"


class Household(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="households", verbose_name="kommune"
    )
    reference = models.CharField("husstandsnummer", max_length=30, unique=True)
    settled_on = models.DateField("bosatt dato", null=True, blank=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        verbose_name="kontaktperson i flyktningtjenesten",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Økes ved hver endring; hindrer at samtidige endringer overskrives."
    )

    class Meta:
        verbose_name = "husstand"
        verbose_name_plural = "husstander"
        ordering = ["reference"]
        indexes = [
            # The person search looks a household up by its reference in any case (people/0003).
            models.Index(Upper("reference"), name="household_reference_upper_idx"),
            # The dashboard's list of contact persons asks, per user, whether they have a
            # household in the municipality (people/0004).
            models.Index(fields=["caseworker", "municipality"], name="household_caseworker_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class Person(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name="husstand"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="persons", verbose_name="kommune"
    )
    given_name = models.CharField("fornavn", max_length=100)
    middle_name = models.CharField("mellomnavn", max_length=100, blank=True)
    family_name = models.CharField("etternavn", max_length=100)
    birth_date = models.DateField("fødselsdato")
    sex = models.CharField("kjønn", max_length=10, choices=Sex.choices, blank=True)
    # NULL, not "", for a person without a number: the unique constraint must ignore them.
    identity_number = models.CharField(  # noqa: DJ001
        "fødselsnummer eller D-nummer", max_length=11, null=True, blank=True, help_text="11 siffer"
    )
    duf_number = models.CharField(  # noqa: DJ001
        "DUF-nummer", max_length=12, null=True, blank=True, help_text="12 siffer"
    )
    relation = models.CharField(
        "relasjon i husstanden", max_length=12, choices=Relation.choices, default=Relation.MAIN
    )
    category = models.CharField(
        "kategori", max_length=24, choices=Category.choices, default=Category.FROM_RECEPTION
    )
    citizenship = models.CharField("statsborgerskap", max_length=100, blank=True)
    language = models.CharField("morsmål", max_length=100, blank=True)
    interpreter_needed = models.BooleanField("trenger tolk", default=False)
    interpreter_language = models.CharField("tolkespråk", max_length=100, blank=True)
    arrival_date = models.DateField("ankomst Norge", null=True, blank=True)
    settled_on = models.DateField(
        "bosatt i kommunen",
        null=True,
        blank=True,
        help_text="Tom: samme dato som husstanden (familiegjenforente kan komme senere).",
    )
    reception_centre = models.CharField("siste mottak", max_length=150, blank=True)
    disability = models.BooleanField(
        "nedsatt funksjonsevne eller atferdsvansker",
        default=False,
        help_text="Gir frist for søknad om tilskudd ved nedsatt funksjonsevne.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "personer"
        ordering = ["family_name", "given_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["identity_number"],
                condition=Q(identity_number__isnull=False),
                name="person_identity_number_unique",
            ),
            models.UniqueConstraint(
                fields=["duf_number"],
                condition=Q(duf_number__isnull=False),
                name="person_duf_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(settled_on__isnull=True) | Q(settled_on__gte=F("birth_date")),
                name="person_settled_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(arrival_date__isnull=True) | Q(arrival_date__gte=F("birth_date")),
                name="person_arrived_after_birth",
            ),
        ]
        indexes = [
            models.Index(
                fields=["municipality", "family_name", "given_name"], name="person_muni_name_idx"
            ),
            # The search by the start of a number (LIKE 'term%' in any collation); the names
            # have trigram indexes on PostgreSQL, made in people/0003.
            models.Index(
                fields=["identity_number"],
                name="person_identity_like_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["duf_number"], name="person_duf_like_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(filter(None, [self.given_name, self.middle_name, self.family_name]))

    @property
    def settlement_date(self) -> datetime.date | None:
        """The person's own settlement date, or the household's."""
        return self.settled_on or self.household.settled_on


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "I kø"
    RUNNING = "running", "Kjører"
    SUCCEEDED = "succeeded", "Fullført"
    FAILED = "failed", "Avvist"


class HouseholdImport(models.Model):
    """An uploaded household list (CSV or Excel), read by a background task, all or nothing."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="imports", verbose_name="kommune"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="household_imports"
    )
    filename = models.CharField("filnavn", max_length=200)
    content = models.BinaryField("innhold")
    status = models.CharField(
        "status", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField("rader", default=0)
    processed_rows = models.PositiveIntegerField("behandlede rader", default=0)
    errors = models.JSONField("feil", default=list, blank=True)
    households_created = models.PositiveIntegerField("husstander opprettet", default=0)
    persons_created = models.PositiveIntegerField("personer opprettet", default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("lastet opp", default=timezone.now)
    finished_at = models.DateTimeField("ferdig", null=True, blank=True)

    class Meta:
        verbose_name = "import av husstander"
        verbose_name_plural = "importer av husstander"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in {ImportStatus.SUCCEEDED, ImportStatus.FAILED} else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
