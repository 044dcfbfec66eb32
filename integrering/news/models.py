"""News and guidance (seed 000 «Nytt siden sist», «Veiledning fra Statsforvalteren») that a county
governor publishes to the municipalities of its counties, or the directorate to all of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from integrering.organisations.models import CountyGovernor
from integrering.validators import link_problem

USER = settings.AUTH_USER_MODEL


class NewsKind(models.TextChoices):
    NEWS = "news", "Nyhet"
    GUIDANCE = "guidance", "Veiledning"


class NewsItem(models.Model):
    """A short item. ``county_governor`` empty means the directorate wrote it for everyone;
    otherwise the governor's municipalities see it. Unpublished items are drafts."""

    kind = models.CharField("type", max_length=10, choices=NewsKind.choices)
    title = models.CharField("tittel", max_length=200)
    body = models.TextField("tekst")
    link = models.URLField("lenke", blank=True)
    county_governor = models.ForeignKey(
        CountyGovernor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="news_items",
        verbose_name="statsforvalter",
    )
    published_on = models.DateField("publisert", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "nyhet"
        verbose_name_plural = "nyheter"
        ordering = ["-published_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="news_item_has_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def safe_link(self) -> str:
        """The link if it is http or https; a link stored before that was checked is not shown."""
        return self.link if self.link and link_problem(self.link) is None else ""

    @property
    def publisher(self) -> str:
        return str(self.county_governor) if self.county_governor_id else "IMDi"
