"""Households and persons settled in a municipality, and the consents that govern who sees them.

Reached only through ``selectors``: the tenant and consent selector reads ``Consent`` on every
request, which is why consent lives here and not with the case.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from integrering.accounts.roles import Service
from integrering.jobs import Job, JobFields, errors_count
from integrering.organisations.models import Municipality
from integrering.tables import errors_summary
from integrering.ui.search import search_fold


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


NAME_FIELDS = ("given_name", "middle_name", "family_name")
SEARCH_FIELDS = ("search_given", "search_family")


def search_names(*, given_name: str, middle_name: str, family_name: str) -> dict[str, str]:
    """The folded names the search reads (``ui.search.search_fold``): «Azízi» as «azizi»."""
    return {
        "search_given": search_fold(f"{given_name} {middle_name}"),
        "search_family": search_fold(family_name),
    }


class PersonQuerySet(models.QuerySet["Person"]):
    """Keeps the folded names (``search_given``, ``search_family``) with the names on every
    write that passes ``Person.save``: a bulk create, a bulk update and an update. (A COPY, as
    ``benchmarks/loader.py`` makes, writes them itself with ``search_names``.)"""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Person]:
        persons = list(objs)
        for person in persons:
            person.search_names_set()
        return super().bulk_create(persons, *args, **kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        persons, fields = list(objs), list(fields)
        if set(fields) & set(NAME_FIELDS):
            for person in persons:
                person.search_names_set()
            fields = [*fields, *(f for f in SEARCH_FIELDS if f not in fields)]
        return super().bulk_update(persons, fields, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        named = set(kwargs) & set(NAME_FIELDS)
        if not named or set(SEARCH_FIELDS) <= set(kwargs):
            return super().update(**kwargs)
        if named == set(NAME_FIELDS) and all(isinstance(kwargs[f], str) for f in NAME_FIELDS):
            return super().update(**kwargs, **search_names(**{f: kwargs[f] for f in NAME_FIELDS}))
        # Some of the names, or an expression: the rows changed are folded anew, as saved.
        ids = list(self.values_list("pk", flat=True))
        changed = super().update(**kwargs)
        persons = Person.objects.filter(pk__in=ids).only("pk", *NAME_FIELDS)
        for person in persons:
            person.search_names_set()
        Person.objects.bulk_update(persons, list(SEARCH_FIELDS))
        return changed


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
    population_registered_on = models.DateField(
        "folkeregistrert i kommunen",
        null=True,
        blank=True,
        help_text="Fristen for oppstart i norskopplæringen regnes fra denne datoen.",
    )
    reception_centre = models.CharField("siste mottak", max_length=150, blank=True)
    # The postal address the letters go to (a decision is sent only with one: decisions.py).
    address_line = models.CharField("adresse", max_length=150, blank=True)
    postcode = models.CharField("postnummer", max_length=4, blank=True, help_text="4 siffer")
    post_town = models.CharField("poststed", max_length=60, blank=True)
    disability = models.BooleanField(
        "nedsatt funksjonsevne eller atferdsvansker",
        default=False,
        help_text="Gir frist for søknad om tilskudd ved nedsatt funksjonsevne.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    # The names as the search compares them (``search_names``), kept by ``save`` and
    # ``PersonQuerySet``: given and middle name, and family name, apart (selectors._first_matches).
    search_given = models.TextField(editable=False, default="")
    search_family = models.TextField(editable=False, default="")

    objects = PersonQuerySet.as_manager()

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
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^[0-9]{4}$"),
                name="person_postcode_four_digits",
            ),
        ]
        indexes = [
            # A municipality's persons in name order, with the id: the search reads the matches
            # by given name from it alone, without the table (people/0009, issue 25).
            models.Index(
                fields=["municipality", "family_name", "given_name", "id"],
                name="person_muni_name_id_idx",
            ),
            # The same in the search's order, of the folded names: the search reads the matches
            # by given name, and the list a page of a municipality's persons, from it alone
            # (people/0010, issue 23). The folded names have trigram indexes on PostgreSQL.
            models.Index(
                fields=["municipality", "search_family", "search_given", "id"],
                name="person_muni_search_id_idx",
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_names_set()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(NAME_FIELDS):
            kwargs["update_fields"] = {*update_fields, *SEARCH_FIELDS}
        super().save(*args, **kwargs)

    def search_names_set(self) -> None:
        """Fold the names into the search's columns (``search_names``)."""
        for field, value in search_names(
            given_name=self.given_name, middle_name=self.middle_name, family_name=self.family_name
        ).items():
            setattr(self, field, value)

    @property
    def full_name(self) -> str:
        return " ".join(filter(None, [self.given_name, self.middle_name, self.family_name]))

    @property
    def settlement_date(self) -> datetime.date | None:
        """The person's own settlement date, or the household's."""
        return self.settled_on or self.household.settled_on

    @property
    def postal_address(self) -> tuple[str, str] | None:
        """The address lines of a letter (street, «postcode town»), or None while incomplete."""
        if not (self.address_line and self.postcode and self.post_town):
            return None
        return self.address_line, f"{self.postcode} {self.post_town}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "I kø"
    RUNNING = "running", "Kjører"
    SUCCEEDED = "succeeded", "Fullført"
    FAILED = "failed", "Avvist"


def _import_failed(message: str) -> dict[str, Any]:
    """A failed import shows its message as the list's one error (as ``RowError(None, "",
    message).as_json()``) and keeps no file: the persons' data live in the register only."""
    return {
        "errors": [{"row": None, "column": "", "message": message, "text": message}],
        "content": b"",
    }


class HouseholdImport(Job):
    """An uploaded household list (CSV or Excel), read by a background task, all or nothing."""

    job_fields = JobFields(
        done_status=ImportStatus.SUCCEEDED,
        progress="processed_rows",
        total="total_rows",
        failed_values=_import_failed,
    )

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
    # The households it registered, for «Gå til husstandene fra importen» (issue 23 item 12).
    households = models.ManyToManyField(
        Household, blank=True, related_name="imported_by", verbose_name="husstander"
    )
    created_at = models.DateTimeField("lastet opp", default=timezone.now)

    class Meta:
        verbose_name = "import av husstander"
        verbose_name_plural = "importer av husstander"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def error_count(self) -> int:
        """How many errors the file had (only the first hundred are kept, with the count)."""
        return errors_count(self.errors)

    @property
    def errors_summary(self) -> str:
        """«1 feil i 1 rad», «3 feil i 2 rader»: every error of the file, not only those kept."""
        return errors_summary(self.errors)

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in {ImportStatus.SUCCEEDED, ImportStatus.FAILED} else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class InformationCategory(models.TextChoices):
    """What a consent lets the services share (seed 002 Vedlegg 3: "hvilke opplysninger")."""

    PERSONAL = "personal", "Personopplysninger, familie og kontaktinformasjon"
    MAPPING = "mapping", "Kartlegging: språk, utdanning og arbeid"
    HEALTH = "health", "Helse, bakgrunn og livssituasjon"
    PLAN = "plan", "Individuell plan, tiltak og praksis"


class ConsentBasis(models.TextChoices):
    CONSENT = "consent", "Samtykke"
    LEGAL = "legal", "Lovhjemmel"


class Consent(models.Model):
    """A signed consent (or a recorded legal basis) for sharing a person's data between services.

    Seed 002 Vedlegg 3: the person (or a guardian) agrees that the named services exchange the
    necessary confidential information, from a date to a date, and may withdraw it at any time,
    wholly or partly. Withdrawal takes effect at once.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="consents", verbose_name="person"
    )
    basis = models.CharField(
        "grunnlag", max_length=10, choices=ConsentBasis.choices, default=ConsentBasis.CONSENT
    )
    legal_reference = models.CharField("lovhjemmel", max_length=200, blank=True)
    # One flag per information category, so the selectors can filter on them in SQL.
    shares_personal = models.BooleanField(InformationCategory.PERSONAL.label, default=True)
    shares_mapping = models.BooleanField(InformationCategory.MAPPING.label, default=False)
    shares_health = models.BooleanField(InformationCategory.HEALTH.label, default=False)
    shares_plan = models.BooleanField(InformationCategory.PLAN.label, default=False)
    valid_from = models.DateField("gjelder fra")
    valid_to = models.DateField("gjelder til", null=True, blank=True)
    signed_on = models.DateField("signert dato", null=True, blank=True)
    signed_by_guardian = models.CharField(
        "signert av hjelpeverge/foresatt", max_length=150, blank=True
    )
    remarks = models.TextField("merknader og begrensninger", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField("trukket tilbake", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="Ved delvis tilbaketrekking: samtykket dette erstatter.",
    )

    class Meta:
        db_table = "casework_consent"  # the table kept its name when the model moved here
        verbose_name = "samtykke"
        verbose_name_plural = "samtykker"
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="consent_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} for {self.person_id} fra {self.valid_from}"

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(c for c in InformationCategory.values if getattr(self, f"shares_{c}"))

    @property
    def services(self) -> list[str]:
        return sorted(row.service for row in self.service_rows.all())

    def is_active(self, on: datetime.date) -> bool:
        return (
            self.withdrawn_at is None
            and self.valid_from <= on
            and (self.valid_to is None or on <= self.valid_to)
        )


class ConsentService(models.Model):
    """One service a consent covers (a row each, so the selectors can filter by service)."""

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="service_rows")
    service = models.CharField("tjeneste", max_length=20, choices=Service.choices)

    class Meta:
        db_table = "casework_consentservice"
        constraints = [
            models.UniqueConstraint(fields=["consent", "service"], name="consent_service_unique")
        ]

    def __str__(self) -> str:
        return self.get_service_display()
