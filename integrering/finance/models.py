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


class EstablishmentStatus(models.TextChoices):
    APPLIED = "applied", "Søkt"
    APPROVED = "approved", "Innvilget"
    REFUSED = "refused", "Avslått"


class EstablishmentApplication(models.Model):
    """A household's application for establishment support (etableringsstønad, seed 002 §3.2).

    The maximum is the common scheme's (``rules/establishment.py``) for the household as applied;
    the refugee service grants up to it, for furniture and equipment and for clothes apart. One
    application per household and kind (first establishment, or family reunification with a
    family member settled here).
    """

    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, related_name="establishment_applications"
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    applied_on = models.DateField("søknadsdato")
    adults = models.PositiveSmallIntegerField("voksne")
    children = models.PositiveSmallIntegerField("barn under 18 år")
    shared_dwelling = models.BooleanField("deler bolig med andre", default=False)
    family_reunification = models.BooleanField(
        "familieinnvandring med herboende familiemedlem", default=False
    )
    furniture_max = models.DecimalField(
        "høyeste beløp, møbler og utstyr", max_digits=10, decimal_places=2
    )
    clothes_max = models.DecimalField("høyeste beløp, klær", max_digits=10, decimal_places=2)
    note = models.TextField("merknad", blank=True)
    status = models.CharField(
        "status",
        max_length=10,
        choices=EstablishmentStatus.choices,
        default=EstablishmentStatus.APPLIED,
    )
    furniture_granted = models.DecimalField(
        "innvilget, møbler og utstyr", max_digits=10, decimal_places=2, null=True, blank=True
    )
    clothes_granted = models.DecimalField(
        "innvilget, klær", max_digits=10, decimal_places=2, null=True, blank=True
    )
    decided_on = models.DateField("vedtaksdato", null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField("begrunnelse", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "søknad om etableringsstønad"
        verbose_name_plural = "søknader om etableringsstønad"
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "family_reunification"], name="establishment_once_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(furniture_granted__isnull=True)
                | models.Q(furniture_granted__lte=models.F("furniture_max")),
                name="establishment_furniture_within_max",
            ),
            models.CheckConstraint(
                condition=models.Q(clothes_granted__isnull=True)
                | models.Q(clothes_granted__lte=models.F("clothes_max")),
                name="establishment_clothes_within_max",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "applied_on"], name="establishment_year_idx")
        ]

    def __str__(self) -> str:
        return f"Etableringsstønad {self.household}"

    @property
    def maximum_total(self) -> Decimal:
        return self.furniture_max + self.clothes_max

    @property
    def granted_total(self) -> Decimal | None:
        if self.furniture_granted is None and self.clothes_granted is None:
            return None
        return self.granted("furniture") + self.granted("clothes")

    def granted(self, category: str) -> Decimal:
        amount = self.furniture_granted if category == "furniture" else self.clothes_granted
        return amount or Decimal(0)


class PurchaseCategory(models.TextChoices):
    FURNITURE = "furniture", "Møbler og utstyr"
    CLOTHES = "clothes", "Klær"


class PurchasePayment(models.TextChoices):
    """Seed 002 §3.2: the refugee service decides whether the shop is paid by invoice or the
    refugee is paid in cash."""

    SHOP = "shop", "Betales til butikken etter regning"
    CASH = "cash", "Utbetales til flyktningen"


class PurchaseStatus(models.TextChoices):
    APPROVED = "approved", "Godkjent"
    PAID = "paid", "Betalt"
    CANCELLED = "cancelled", "Annullert"


class EstablishmentPurchase(models.Model):
    """A purchase approved in advance by the refugee service (seed 002 §3.2: «Alle innkjøp skal
    på forhånd godkjennes»), then paid to the shop on its invoice or to the refugee."""

    application = models.ForeignKey(
        EstablishmentApplication, on_delete=models.PROTECT, related_name="purchases"
    )
    category = models.CharField("gjelder", max_length=10, choices=PurchaseCategory.choices)
    description = models.CharField("hva som kjøpes", max_length=300)
    amount = models.DecimalField("beløp", max_digits=10, decimal_places=2)
    payment = models.CharField(
        "betaling", max_length=10, choices=PurchasePayment.choices, default=PurchasePayment.SHOP
    )
    shop_name = models.CharField("butikk", max_length=150, blank=True)
    shop_org_number = models.CharField("organisasjonsnummer", max_length=9, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=PurchaseStatus.choices, default=PurchaseStatus.APPROVED
    )
    approved_on = models.DateField("godkjent dato")
    approved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invoice_reference = models.CharField("fakturanummer", max_length=50, blank=True)
    paid_on = models.DateField("betalt dato", null=True, blank=True)
    paid_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "innkjøp med etableringsstønad"
        verbose_name_plural = "innkjøp med etableringsstønad"
        ordering = ["approved_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="purchase_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.amount})"
