"""Cost coverage of Norwegian and social studies training per municipality (seed 001): the
expenses including premises, the income, hours taught and full-time equivalents, imported by the
directorate's analysts from CSV or Excel; the result and hours per FTE are derived."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class CostCoverageReport(models.Model):
    """One imported cost-coverage table (e.g. «utvalgskommuner 2017»)."""

    year = models.PositiveSmallIntegerField("år")
    title = models.CharField("tittel", max_length=200)
    filename = models.CharField("fil", max_length=200, blank=True)
    imported_at = models.DateTimeField("importert", default=timezone.now)
    imported_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "kostnadsdekning"
        verbose_name_plural = "kostnadsdekninger"
        ordering = ["-year", "-imported_at"]

    def __str__(self) -> str:
        return self.title


class CostCoverageRow(models.Model):
    """One municipality's line. The number and name are kept as written in the source, since old
    tables use numbers from before the municipal reforms (0213 Ski)."""

    report = models.ForeignKey(CostCoverageReport, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField("linje")
    municipality_number = models.CharField("kommunenummer", max_length=4)
    name = models.CharField("kommune", max_length=100)
    expenses = models.DecimalField("totale utgifter med lokaler", max_digits=14, decimal_places=2)
    income = models.DecimalField("totale inntekter", max_digits=14, decimal_places=2)
    hours = models.DecimalField("antall timer", max_digits=12, decimal_places=2)
    fte = models.DecimalField("antall årsverk", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "kostnadslinje"
        verbose_name_plural = "kostnadslinjer"
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "municipality_number"], name="cost_row_municipality_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_number} {self.name}"

    @property
    def result(self) -> Decimal:
        return self.income - self.expenses
