"""Counties, municipalities, county governors, the directorate, and the organisations users belong to.

Municipality and county numbers change with reforms (0106 Fredrikstad became 3004, then 3107), so
each row has a validity period and an optional successor: an old number still resolves.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q


class CountyGovernor(models.Model):
    """A county governor's office (Statsforvalteren); one office may serve several counties."""

    name = models.CharField("navn", max_length=100, unique=True)

    class Meta:
        verbose_name = "statsforvalter"
        verbose_name_plural = "statsforvaltere"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, on: datetime.date) -> ValidityQuerySet:
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gt=on))


class County(models.Model):
    number = models.CharField("fylkesnummer", max_length=2)
    name = models.CharField("navn", max_length=100)
    county_governor = models.ForeignKey(
        CountyGovernor,
        on_delete=models.PROTECT,
        related_name="counties",
        verbose_name="statsforvalter",
    )
    valid_from = models.DateField("gyldig fra")
    valid_to = models.DateField("gyldig til (ikke inkludert)", null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = "fylke"
        verbose_name_plural = "fylker"
        ordering = ["number", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "valid_from"], name="county_number_valid_from_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="county_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class WrittenStandard(models.TextChoices):
    """The municipality's written standard (målform): the one its letters to persons are in.

    The values follow the municipalities' language decisions (språkvedtak) under the Language
    Act (språklova § 11): nynorsk, bokmål, or neutral. A neutral municipality writes its letters
    in bokmål unless an administrator sets it to nynorsk.
    """

    BOKMAL = "nb", "Bokmål"
    NYNORSK = "nn", "Nynorsk"
    NEUTRAL = "neutral", "Språknøytral (brev på bokmål)"


class Municipality(models.Model):
    number = models.CharField("kommunenummer", max_length=4)
    name = models.CharField("navn", max_length=100)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name="fylke"
    )
    valid_from = models.DateField("gyldig fra")
    valid_to = models.DateField("gyldig til (ikke inkludert)", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name="erstattet av",
        help_text="Kommunen som overtok etter en sammenslåing eller et nytt nummer.",
    )
    written_standard = models.CharField(
        "målform",
        max_length=7,
        choices=WrittenStandard.choices,
        default=WrittenStandard.BOKMAL,
        help_text=(
            "Skriftspråket i brev til personer (vedtaksbrev). Språknøytrale kommuner får brev "
            "på bokmål. Fra Språkrådets oversikt over språkvedtak."
        ),
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = "kommune"
        verbose_name_plural = "kommuner"
        ordering = ["number", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "valid_from"], name="municipality_number_valid_from_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="municipality_valid_period",
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{4}$"), name="municipality_number_four_digits"
            ),
            models.CheckConstraint(
                condition=Q(written_standard__in=WrittenStandard.values),
                name="municipality_written_standard_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def letter_standard(self) -> str:
        """The written standard of the municipality's letters: ``nn`` or ``nb`` (a neutral
        municipality writes bokmål)."""
        return "nn" if self.written_standard == WrittenStandard.NYNORSK else "nb"


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", "Kommune"
    COUNTY_GOVERNOR = "county_governor", "Statsforvalter"
    DIRECTORATE = "directorate", "Direktorat"


class Organisation(models.Model):
    """What a user belongs to: one municipality, one county governor's office, or the directorate."""

    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    name = models.CharField("navn", max_length=150)
    municipality = models.OneToOneField(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="organisation"
    )
    county_governor = models.OneToOneField(
        CountyGovernor, on_delete=models.PROTECT, null=True, blank=True, related_name="organisation"
    )

    class Meta:
        verbose_name = "organisasjon"
        verbose_name_plural = "organisasjoner"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="municipality", municipality__isnull=False, county_governor__isnull=True)
                    | Q(
                        kind="county_governor",
                        municipality__isnull=True,
                        county_governor__isnull=False,
                    )
                    | Q(kind="directorate", municipality__isnull=True, county_governor__isnull=True)
                ),
                name="organisation_kind_matches_link",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RefugeeServiceCooperation(models.Model):
    """Inter-municipal cooperation: a host municipality runs the refugee service for partners (seed 002 §2.3)."""

    name = models.CharField("navn", max_length=150)
    host = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="hosted_cooperations",
        verbose_name="vertskommune",
    )
    partners = models.ManyToManyField(
        Municipality, related_name="partner_cooperations", verbose_name="samarbeidskommuner"
    )
    valid_from = models.DateField("gyldig fra")
    valid_to = models.DateField("gyldig til (ikke inkludert)", null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = "interkommunalt samarbeid"
        verbose_name_plural = "interkommunale samarbeid"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
