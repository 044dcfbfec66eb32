"""Settlement planning (seed 001): reception centres, the year's settlement need, the requests
(anmodninger) spread over municipalities, their decisions (vedtak), and the matching (utsøking)
of refugee households waiting in reception to municipalities.

The directorate's settlement planners work here. Households waiting for settlement hold personal
data: they are reached only through ``settlement/selectors.py`` (directorate planners, audited).
A confirmed placement registers the household in its municipality's casework.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from integrering.jobs import Job, JobFields, errors_count
from integrering.organisations.models import Municipality
from integrering.people.models import Household, ImportStatus, Relation, Sex
from integrering.tables import errors_summary

USER = settings.AUTH_USER_MODEL


class ReceptionKind(models.TextChoices):
    ORDINARY = "ordinary", "Ordinært mottak"
    INTEGRATION = "integration", "Integreringsmottak"
    TRANSIT = "transit", "Transittmottak"
    UNACCOMPANIED_MINORS = "unaccompanied_minors", "Mottak for enslige mindreårige"


class ReceptionCentre(models.Model):
    """An asylum reception centre (seed 001: «Mottakssystemet»)."""

    name = models.CharField("navn", max_length=150, unique=True)
    kind = models.CharField("type", max_length=30, choices=ReceptionKind.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name="kommune"
    )
    operator = models.CharField("driftsoperatør", max_length=150, blank=True)
    places = models.PositiveIntegerField("plasser")
    opened_on = models.DateField("åpnet", null=True, blank=True)
    closed_on = models.DateField("lagt ned", null=True, blank=True)

    class Meta:
        verbose_name = "mottak"
        verbose_name_plural = "mottak"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReceptionCount(models.Model):
    """The residents of one centre on one date, by the status of their application (seed 001)."""

    centre = models.ForeignKey(ReceptionCentre, on_delete=models.CASCADE, related_name="counts")
    counted_on = models.DateField("telledato")
    asylum_seekers = models.PositiveIntegerField("asylsøkere under behandling", default=0)
    permit_to_settle = models.PositiveIntegerField("med tillatelse, skal bosettes", default=0)
    permit_not_to_settle = models.PositiveIntegerField(
        "med tillatelse, skal ikke bosettes", default=0
    )
    other_status = models.PositiveIntegerField(
        "henlagt, trukket, annen status eller manglende registrering", default=0
    )
    departure_obligation = models.PositiveIntegerField("med utreiseplikt", default=0)

    STATUS_FIELDS = (
        "asylum_seekers",
        "permit_to_settle",
        "permit_not_to_settle",
        "other_status",
        "departure_obligation",
    )

    class Meta:
        verbose_name = "beboertelling"
        verbose_name_plural = "beboertellinger"
        ordering = ["-counted_on", "centre__name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "counted_on"], name="reception_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.counted_on:%d.%m.%Y}"

    @property
    def residents(self) -> int:
        return sum(getattr(self, name) for name in self.STATUS_FIELDS)


class SettlementNeed(models.Model):
    """The year's settlement need (bosettingsbehov), entered and revised by the planner.

    Persons to settle, split by where they come from; ``unaccompanied_minors`` is the number of
    them who are unaccompanied minors (seed 001: «5 350 hvorav 270 enslige mindreårige»).
    Each revision is kept in ``SettlementNeedRevision``.
    """

    year = models.PositiveSmallIntegerField("år", unique=True)
    from_reception = models.PositiveIntegerField("fra mottak")
    outside_reception = models.PositiveIntegerField("utenfor mottak")
    transfer_refugees = models.PositiveIntegerField("overføringsflyktninger")
    unaccompanied_minors = models.PositiveIntegerField("hvorav enslige mindreårige")
    # The total as the source prints it, when it differs from the sum of the parts (seed 001,
    # 2019: «Bosettingsbehov i 2019: 5 350» over parts summing to 5 300). None: the sum is it.
    printed_total = models.PositiveIntegerField("trykt total", null=True, blank=True)
    printed_source = models.CharField("kilde for trykt total", max_length=300, blank=True)
    # The date of the reception counts a forecast rests on (None: entered by hand).
    counted_on = models.DateField("mottakstellinger per", null=True, blank=True)
    note = models.TextField("merknad", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "bosettingsbehov"
        verbose_name_plural = "bosettingsbehov"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Bosettingsbehov {self.year}"

    @property
    def total(self) -> int:
        """The sum of the parts."""
        return self.from_reception + self.outside_reception + self.transfer_refugees

    @property
    def stated_total(self) -> int:
        """The need as stated: the printed total when one is entered, else the sum of the parts.
        Requests are spread from this figure."""
        return self.total if self.printed_total is None else self.printed_total

    @property
    def printed_difference(self) -> int:
        """Printed total minus the sum of the parts (0 without a printed total)."""
        return 0 if self.printed_total is None else self.printed_total - self.total


class SettlementNeedRevision(models.Model):
    """One saved version of a year's need: who changed it, when and why."""

    need = models.ForeignKey(SettlementNeed, on_delete=models.CASCADE, related_name="revisions")
    from_reception = models.PositiveIntegerField("fra mottak")
    outside_reception = models.PositiveIntegerField("utenfor mottak")
    transfer_refugees = models.PositiveIntegerField("overføringsflyktninger")
    unaccompanied_minors = models.PositiveIntegerField("hvorav enslige mindreårige")
    printed_total = models.PositiveIntegerField("trykt total", null=True, blank=True)
    counted_on = models.DateField("mottakstellinger per", null=True, blank=True)
    # The forecast's parts as saved in this version (``SettlementNeedPart`` rows as dicts).
    parts = models.JSONField("delene av prognosen", default=list, blank=True)
    reason = models.CharField("begrunnelse", max_length=300, blank=True)
    revised_at = models.DateTimeField(default=timezone.now)
    revised_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-revised_at", "-id"]

    def __str__(self) -> str:
        return f"Bosettingsbehov {self.need.year}, revidert {self.revised_at:%d.%m.%Y}"

    @property
    def total(self) -> int:
        return self.from_reception + self.outside_reception + self.transfer_refugees


class NeedPart(models.TextChoices):
    """Where the forecast persons come from (issue 21 item 2, seed 001 «Bosettingsbehov»)."""

    PERMIT_IN_RECEPTION = "permit_in_reception", "Bor i mottak med tillatelse"
    EXPECTED_PERMITS = "expected_permits", "Asylsøkere som ventes å få tillatelse"
    FAMILY_REUNIFICATION = "family_reunification", "Familiegjenforening og andre utenfor mottak"
    RESETTLEMENT_QUOTA = "resettlement_quota", "Overføringsflyktninger (kvoten)"


class NeedGroup(models.TextChoices):
    """The groups a need is split by: municipalities decide on them apart."""

    ADULTS_FAMILIES = "adults_families", "Voksne og familier"
    UNACCOMPANIED_MINORS = "unaccompanied_minors", "Enslige mindreårige 15–17 år"
    UNDER_15 = "under_15", "Enslige mindreårige under 15 år"


class SettlementNeedPart(models.Model):
    """One part of a forecast need, for one group: what the figures gave (``computed``) and what
    the planner set instead (``adjusted``, with ``reason``).

    ``basis`` and ``rate`` are what ``computed`` came from where it is a product: for expected
    permits, the expected asylum decisions and the share of them expected to be permits (%).
    """

    need = models.ForeignKey(SettlementNeed, on_delete=models.CASCADE, related_name="parts")
    part = models.CharField("del", max_length=30, choices=NeedPart.choices)
    group = models.CharField("gruppe", max_length=30, choices=NeedGroup.choices)
    basis = models.PositiveIntegerField("grunnlag", null=True, blank=True)
    rate = models.DecimalField("andel (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    computed = models.PositiveIntegerField("beregnet", default=0)
    adjusted = models.PositiveIntegerField("justert", null=True, blank=True)
    reason = models.CharField("begrunnelse for justering", max_length=300, blank=True)

    class Meta:
        verbose_name = "del av bosettingsbehovet"
        verbose_name_plural = "deler av bosettingsbehovet"
        ordering = ["need", "part", "group"]
        constraints = [
            models.UniqueConstraint(fields=["need", "part", "group"], name="need_part_once"),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | Q(rate__gte=0, rate__lte=100),
                name="need_part_rate_is_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_part_display()}, {self.get_group_display()}"

    @property
    def value(self) -> int:
        """What counts: the adjusted figure when there is one, else the computed."""
        return self.computed if self.adjusted is None else self.adjusted


class MunicipalityFacts(models.Model):
    """What the request criteria weigh, per municipality and year (seed 001, 2019 strategy).

    ``results_score``: results of the integration work over time and the chance of work in the
    region (an index, higher is better); ``immigrant_share``: immigrants' share of the
    population (0-1); ``exception``: asked even above the immigrant-share limit (e.g. an
    integration reception centre or its neighbour, assessed apart for continuity).
    """

    year = models.PositiveSmallIntegerField("år")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name="kommune"
    )
    population = models.PositiveIntegerField("innbyggertall")
    results_score = models.DecimalField(
        "resultater og arbeidsmarked", max_digits=9, decimal_places=4
    )
    immigrant_share = models.DecimalField("innvandrerandel", max_digits=5, decimal_places=4)
    exception = models.BooleanField("vurderes særskilt", default=False)
    exception_reason = models.CharField(
        "begrunnelse for særskilt vurdering", max_length=300, blank=True
    )
    # Has said yes to settling unaccompanied minors this year: the minors' part of the need is
    # spread over these municipalities only (issue 21 item 3).
    accepts_minors = models.BooleanField("tar imot enslige mindreårige", default=False)

    class Meta:
        verbose_name = "kommunedata for bosetting"
        verbose_name_plural = "kommunedata for bosetting"
        ordering = ["year", "municipality__number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "municipality"], name="facts_once_per_year"),
            models.CheckConstraint(
                condition=Q(immigrant_share__gte=0, immigrant_share__lte=1),
                name="facts_immigrant_share_is_a_share",
            ),
            models.CheckConstraint(condition=Q(results_score__gte=0), name="facts_results_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"


class SettlementRequest(models.Model):
    """The directorate's request (anmodning) to one municipality for one year.

    ``computed`` is what the spreading method gave (``spreading.py``); ``requested`` is what is
    asked, the same unless the planner adjusted it with a reason. ``reason`` says why a
    municipality is not asked (request 0).
    """

    year = models.PositiveSmallIntegerField("år")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name="kommune"
    )
    computed = models.PositiveIntegerField("beregnet")
    requested = models.PositiveIntegerField("anmodet")
    unaccompanied_minors = models.PositiveIntegerField("hvorav enslige mindreårige", default=0)
    computed_minors = models.PositiveIntegerField("beregnet, hvorav enslige mindreårige", default=0)
    reason = models.CharField("årsak", max_length=200, blank=True)
    answer_due = models.DateField("svarfrist", null=True, blank=True)
    reminded_at = models.DateTimeField("sist purret", null=True, blank=True)
    reminders = models.PositiveSmallIntegerField("purringer", default=0)
    adjustment_reason = models.CharField("begrunnelse for justering", max_length=300, blank=True)
    adjusted_at = models.DateTimeField(null=True, blank=True)
    adjusted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "anmodning"
        verbose_name_plural = "anmodninger"
        ordering = ["year", "municipality__number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "municipality"], name="request_once_per_year"),
            models.CheckConstraint(
                condition=Q(unaccompanied_minors__lte=models.F("requested")),
                name="request_minors_within_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Anmodning {self.year} til {self.municipality}"

    @property
    def adjusted(self) -> bool:
        """Whether the planner changed what the spreading gave: the total or the minors."""
        return self.requested != self.computed or self.unaccompanied_minors != self.computed_minors


class DecisionSource(models.TextChoices):
    MUNICIPALITY = "municipality", "Kommunen svarte i Integrering"
    PLANNER = "planner", "Registrert av direktoratet"


class MunicipalDecision(models.Model):
    """A municipality's decision (vedtak) on the directorate's request: how many persons it will
    settle this year, of which unaccompanied minors, and (optionally) how many large dwellings
    it has; the matcher uses these as the municipality's capacity."""

    request = models.OneToOneField(
        SettlementRequest, on_delete=models.CASCADE, related_name="decision"
    )
    decided = models.PositiveIntegerField("vedtatt antall")
    unaccompanied_minors = models.PositiveIntegerField("hvorav enslige mindreårige", default=0)
    minors_under_15 = models.PositiveIntegerField("hvorav under 15 år", default=0)
    large_dwellings = models.PositiveIntegerField(
        "store boliger", null=True, blank=True, help_text="Tom betyr ingen grense."
    )
    school_children = models.PositiveIntegerField(
        "plasser for barn i skolealder", null=True, blank=True, help_text="Tom betyr ingen grense."
    )
    # Codes of ``settlement/adaptation_needs`` the municipality has said it can meet: a household
    # with such a need is placed only where it can be met (issue 21 item 5).
    adaptation_capabilities = models.JSONField(
        "kan møte behov for tilpasning", default=list, blank=True
    )
    source = models.CharField(
        "svart av", max_length=20, choices=DecisionSource.choices, default=DecisionSource.PLANNER
    )
    decided_on = models.DateField("vedtaksdato")
    note = models.CharField("merknad", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "kommunalt vedtak om bosetting"
        verbose_name_plural = "kommunale vedtak om bosetting"
        constraints = [
            models.CheckConstraint(
                condition=Q(unaccompanied_minors__lte=models.F("decided")),
                name="decision_minors_within_decided",
            ),
            models.CheckConstraint(
                condition=Q(minors_under_15__lte=models.F("unaccompanied_minors")),
                name="decision_under_15_within_minors",
            ),
        ]

    def __str__(self) -> str:
        return f"Vedtak om bosetting: {self.decided} personer"


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", "Venter på bosetting"
    CONFIRMED = "confirmed", "Bosettingskommune bekreftet"
    WITHDRAWN = "withdrawn", "Trukket"


class WithdrawalReason(models.TextChoices):
    """Why a household no longer waits for settlement (issue 21: moved out, left the country)."""

    MOVED_OUT = "moved_out", "Flyttet ut av mottaket"
    LEFT_COUNTRY = "left_country", "Reist fra Norge"
    SETTLED_SELF = "settled_self", "Bosatt på egen hånd"
    OTHER = "other", "Annet"


class TieKind(models.TextChoices):
    """What ties a household to the one municipality it may be settled in."""

    FAMILY = "family", "Familie"
    NETWORK = "network", "Nettverk"


class PermitType(models.TextChoices):
    """The residence permit a waiting person holds (UDI's grounds; DOMAIN.md glossary)."""

    ASYLUM = "asylum", "Asyl (flyktningstatus)"
    HUMANITARIAN = "humanitarian", "Sterke menneskelige hensyn (humanitært grunnlag)"
    COLLECTIVE_PROTECTION = "collective_protection", "Kollektiv beskyttelse"
    RESETTLEMENT = "resettlement", "Overføringsflyktning (kvoteflyktning)"
    FAMILY_REUNIFICATION = "family_reunification", "Familiegjenforening"


class WaitingHousehold(models.Model):
    """A refugee household with a permit, waiting for settlement (utsøking).

    Its capacity needs (``large_dwelling``, ``school_children``, ``unaccompanied_minors``) are
    what the matcher counts against the municipalities' decisions; ``required_municipality`` is a
    hard tie (``tie_kind``: family or network). ``school_children`` and ``unaccompanied_minors``
    are counted from the members when the household is registered or changed
    (``services/waiting.py``). Days waited count from ``ready_on``. A withdrawn household (moved
    out, left the country ...) is never placed. Confirming a placement registers it in the
    municipality's casework (``household``).
    """

    reference = models.CharField("referanse", max_length=30, unique=True)
    year = models.PositiveSmallIntegerField("bosettingsår")
    category = models.CharField("gruppe", max_length=30)
    reception_centre = models.ForeignKey(
        ReceptionCentre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="waiting_households",
        verbose_name="mottak",
    )
    large_dwelling = models.PositiveSmallIntegerField("trenger stor bolig", default=0)
    school_children = models.PositiveSmallIntegerField("barn i skolealder", default=0)
    unaccompanied_minors = models.PositiveSmallIntegerField("enslige mindreårige", default=0)
    required_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tilknytning til kommune",
    )
    tie_kind = models.CharField(
        "type tilknytning", max_length=10, choices=TieKind.choices, blank=True
    )
    ready_on = models.DateField("klar for bosetting", default=timezone.localdate)
    adaptation_needs = models.JSONField(
        "behov for tilpasning",
        default=list,
        blank=True,
        help_text="Koder fra parameteren settlement/adaptation_needs.",
    )
    adaptation_note = models.CharField("merknad om tilpasning", max_length=500, blank=True)
    status = models.CharField(
        "status", max_length=20, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    withdrawn_on = models.DateField("trukket dato", null=True, blank=True)
    withdrawal_reason = models.CharField(
        "årsak", max_length=20, choices=WithdrawalReason.choices, blank=True
    )
    withdrawal_note = models.CharField("merknad om trekkingen", max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    household = models.OneToOneField(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waiting_household",
    )
    confirmed_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "husstand som venter på bosetting"
        verbose_name_plural = "husstander som venter på bosetting"
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="withdrawn")
                | (Q(withdrawn_on__isnull=False) & ~Q(withdrawal_reason="")),
                name="waiting_withdrawn_has_date_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def days_waited(self, today: datetime.date) -> int:
        """Days since the household was ready for settlement: until today while it waits, until
        it was confirmed or withdrawn otherwise (0 before it is ready)."""
        end = today
        if self.status == WaitingStatus.WITHDRAWN and self.withdrawn_on is not None:
            end = self.withdrawn_on
        elif self.status == WaitingStatus.CONFIRMED and self.confirmed_at is not None:
            end = timezone.localdate(self.confirmed_at)
        return max((end - self.ready_on).days, 0)


class WaitingPerson(models.Model):
    """A member of a waiting household, as the immigration authorities registered them."""

    household = models.ForeignKey(
        WaitingHousehold, on_delete=models.CASCADE, related_name="members"
    )
    given_name = models.CharField("fornavn", max_length=100)
    family_name = models.CharField("etternavn", max_length=100)
    birth_date = models.DateField("fødselsdato")
    sex = models.CharField("kjønn", max_length=10, choices=Sex.choices, blank=True)
    duf_number = models.CharField("DUF-nummer", max_length=12)
    relation = models.CharField(
        "relasjon", max_length=20, choices=Relation.choices, default=Relation.MAIN
    )
    citizenship = models.CharField("statsborgerskap", max_length=100, blank=True)
    language = models.CharField("morsmål", max_length=100, blank=True)
    interpreter_needed = models.BooleanField("trenger tolk", default=False)
    interpreter_language = models.CharField("tolkespråk", max_length=100, blank=True)
    permit_type = models.CharField(
        "tillatelse", max_length=30, choices=PermitType.choices, blank=True
    )
    permit_date = models.DateField("dato for tillatelsen", null=True, blank=True)
    unaccompanied_minor = models.BooleanField("enslig mindreårig", default=False)
    # The household's withdrawal, copied here so that the database keeps a DUF number unique
    # among the persons still waiting or confirmed: a withdrawn household may come back.
    withdrawn = models.BooleanField("trukket", default=False)

    class Meta:
        ordering = ["household", "birth_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["duf_number"], condition=Q(withdrawn=False), name="waiting_duf_unique"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, on: datetime.date) -> int:
        born = self.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _waiting_import_failed(message: str) -> dict[str, Any]:
    """A failed import shows its message as the list's one error, and keeps no file."""
    return {
        "errors": [{"row": None, "column": "", "message": message, "text": message}],
        "content": b"",
    }


class WaitingHouseholdImport(Job):
    """An uploaded list of households waiting for settlement (CSV or Excel), read by the worker,
    all or nothing (``services/waiting_import.py``)."""

    job_fields = JobFields(
        done_status=ImportStatus.SUCCEEDED,
        progress="processed_rows",
        total="total_rows",
        failed_values=_waiting_import_failed,
    )

    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
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
    created_at = models.DateTimeField("lastet opp", default=timezone.now)

    class Meta:
        verbose_name = "import av husstander som venter"
        verbose_name_plural = "importer av husstander som venter"
        ordering = ["-created_at", "-id"]

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


REMINDER_STALE_MESSAGE = (
    "Purringen stoppet uten å bli ferdig (arbeidsprosessen ble avbrutt). Purringer som alt var "
    "sendt, er registrert. Start purringen på nytt for å sende resten."
)


class RequestReminder(Job):
    """One sending of reminders to the municipalities that have not answered the year's request
    by its answer date (issue 21 item 4), by the background worker, with progress."""

    year = models.PositiveSmallIntegerField("år")
    requested_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("lagt i kø", default=timezone.now)
    sent = models.PositiveIntegerField("sendt", default=0)
    total = models.PositiveIntegerField("kommuner", default=0)
    result = models.JSONField("resultat", default=dict, blank=True)

    job_fields = JobFields(progress="sent", total="total", stale_message=REMINDER_STALE_MESSAGE)

    class Meta:
        verbose_name = "purring på anmodning"
        verbose_name_plural = "purringer på anmodninger"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Purring på anmodningene for {self.year}"


class MatchRunStatus(models.TextChoices):
    QUEUED = "queued", "I kø"
    RUNNING = "running", "Beregnes"
    PROPOSED = "proposed", "Forslag"
    CONFIRMING = "confirming", "Bekreftes"
    CONFIRMED = "confirmed", "Bekreftet"
    SUPERSEDED = "superseded", "Erstattet"
    FAILED = "failed", "Feilet"


class ConfirmState(models.TextChoices):
    """Where the confirmation of a run stands (it runs in the worker, like the computation)."""

    NONE = "", "Ikke startet"
    QUEUED = "queued", "I kø"
    RUNNING = "running", "Overføres"
    DONE = "done", "Overført"
    FAILED = "failed", "Ikke overført"


def _confirm_failed(message: str) -> dict[str, Any]:
    """A confirmation that fails leaves the run a proposal, with the message as its problem."""
    return {"status": MatchRunStatus.PROPOSED, "confirm_stage": "", "confirm_problems": [message]}


class MatchRun(Job):
    """One run of the matcher (utsøking) over the households waiting in one year, computed by the
    background worker; its placements are a proposal until the planner confirms them.

    A row holds two jobs: the computation (``Job``'s fields, ``progress`` in percent) and the
    confirmation (the ``confirm_`` fields, ``confirm_job_fields``).
    """

    job_fields = JobFields(done_status=MatchRunStatus.PROPOSED, progress="progress")
    confirm_job_fields: ClassVar[JobFields] = JobFields(
        status="confirm_state",
        done_status=ConfirmState.DONE,
        progress="confirm_done",
        total="confirm_total",
        started_at="confirm_started_at",
        heartbeat_at="confirm_heartbeat_at",
        finished_at="confirm_finished_at",
        error="",
        task_id="confirm_task_id",
        failed_values=_confirm_failed,
    )

    year = models.PositiveSmallIntegerField("år")
    status = models.CharField(
        "status", max_length=12, choices=MatchRunStatus.choices, default=MatchRunStatus.QUEUED
    )
    stage = models.CharField("steg", max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField("fremdrift (%)", default=0)
    time_limit = models.PositiveIntegerField("tidsgrense (sekunder)", default=60)
    households = models.PositiveIntegerField("husstander", default=0)
    placed = models.PositiveIntegerField("plassert", default=0)
    persons_placed = models.PositiveIntegerField("personer plassert", default=0)
    objective = models.FloatField("samlet skår", null=True, blank=True)
    lp_bound = models.FloatField("øvre grense (LP)", null=True, blank=True)
    gap_percent = models.FloatField("avstand til grensen (%)", null=True, blank=True)
    greedy_objective = models.FloatField("grådig skår", null=True, blank=True)
    seconds = models.FloatField("sekunder", null=True, blank=True)
    solver_status = models.CharField("løserstatus", max_length=30, blank=True)
    # The weekly placement policy (issue 26): «dynamic» prices each municipality's places by what
    # households expected later in the year need (``matching/online.py``); «myopic» is the
    # week's optimum alone (no need registered for the year, or none of it left).
    policy = models.CharField("politikk", max_length=10, blank=True)
    expected_flow = models.PositiveIntegerField(
        "personer ventet senere i år", null=True, blank=True
    )
    # The week's optimum alone (the placements' total had the policy been myopic).
    myopic_objective = models.FloatField("ukens optimum", null=True, blank=True)
    # Per municipality number, the price of a place this week: {"persons": per person, and per
    # unit of each further capacity dimension with a price}.
    place_prices = models.JSONField("pris for en plass denne uken", default=dict, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The confirmation, queued by the planner and run by the worker: all or nothing; when it
    # fails the run is a proposal again and ``confirm_problems`` lists every household's problem.
    confirm_state = models.CharField(
        "bekreftelse", max_length=10, choices=ConfirmState.choices, blank=True
    )
    confirm_stage = models.CharField("steg i bekreftelsen", max_length=200, blank=True)
    confirm_total = models.PositiveIntegerField("husstander å overføre", default=0)
    confirm_done = models.PositiveIntegerField("husstander kontrollert", default=0)
    confirm_problems = models.JSONField("problemer ved bekreftelsen", default=list, blank=True)
    confirm_task_id = models.CharField(max_length=64, blank=True)
    confirm_requested_at = models.DateTimeField(null=True, blank=True)
    confirm_requested_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirm_started_at = models.DateTimeField(null=True, blank=True)
    confirm_heartbeat_at = models.DateTimeField(null=True, blank=True)
    confirm_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "utsøking"
        verbose_name_plural = "utsøkinger"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Utsøking {self.year} #{self.pk}"

    @classmethod
    def jobs_on_row(cls) -> tuple[JobFields, ...]:
        return (cls.job_fields, cls.confirm_job_fields)


class Placement(models.Model):
    """One household's place in a run: the municipality proposed (or none), with the explanation.

    ``explanation`` holds the household's better options that were not chosen, each with its
    score and the capacities that stopped it. A locked placement is kept as it is when the
    planner runs the matcher again.
    """

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="placements")
    household = models.ForeignKey(
        WaitingHousehold, on_delete=models.CASCADE, related_name="placements"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.FloatField("skår", null=True, blank=True)
    rank = models.PositiveIntegerField("rangering", null=True, blank=True)
    allowed = models.PositiveIntegerField("tillatte kommuner", default=0)
    best_score = models.FloatField("beste skår", null=True, blank=True)
    locked = models.BooleanField("låst", default=False)
    changed_by_planner = models.BooleanField("endret av planlegger", default=False)
    explanation = models.JSONField(default=list, blank=True)
    # What a place for this household in its municipality costs at the week's prices (None when
    # the run did not price places).
    place_price = models.FloatField("pris for plassen denne uken", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["run", "household__reference"]
        constraints = [
            models.UniqueConstraint(fields=["run", "household"], name="placement_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.household} i utsøking {self.run_id}"
