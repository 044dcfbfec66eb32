"""Households and persons settled in a municipality. Reached only through ``selectors``."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from integrering.organisations.models import Municipality


class Household(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="households", verbose_name="kommune"
    )
    reference = models.CharField("husstandsnummer", max_length=30, unique=True)
    settled_on = models.DateField("bosatt dato", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Økes ved hver endring; hindrer at samtidige endringer overskrives."
    )

    class Meta:
        verbose_name = "husstand"
        verbose_name_plural = "husstander"
        ordering = ["reference"]

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
    family_name = models.CharField("etternavn", max_length=100)
    birth_date = models.DateField("fødselsdato")
    # NULL, not "", for a person without a number: the unique constraint must ignore them.
    identity_number = models.CharField(  # noqa: DJ001
        "fødselsnummer eller D-nummer", max_length=11, null=True, blank=True, help_text="11 siffer"
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
        ]
        indexes = [
            models.Index(
                fields=["municipality", "family_name", "given_name"], name="person_muni_name_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"
