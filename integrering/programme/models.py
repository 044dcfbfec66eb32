"""The introduction programme: participation, leave, stop, absence, extension, end; individual
decisions with their letters; appeals to the county governor; the monthly benefit runs.

Seeds 000 and 002 and the Acts (introduksjonsloven before 2021, integreringsloven from
2021-01-01) are the sources. Every model here holds a person's data and is reached through
``programme/selectors.py`` (tenant, audit), never directly from a view.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from integrering.casework.models import Deadline
from integrering.jobs import Job, JobFields
from integrering.organisations.models import CountyGovernor, Municipality
from integrering.people.models import Person

USER = settings.AUTH_USER_MODEL


class Act(models.TextChoices):
    INTRODUCTION_ACT = "introduction_act", "Introduksjonsloven"
    INTEGRATION_ACT = "integration_act", "Integreringsloven"


class EndReason(models.TextChoices):
    WORK = "work", "Arbeid"
    EDUCATION = "education", "Utdanning"
    OTHER = "other", "Annet"


class Participation(models.Model):
    """One person's introduction programme, from start to end.

    The planned length is chosen within the limits of the final goal (parameter
    ``programme/length_by_final_goal``); extensions add to it. Leave, stop and absence are
    dated rows of their own, and every change leaves a ``ProgrammeEvent``.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    act = models.CharField("lov", max_length=20, choices=Act.choices)
    permit_date = models.DateField("dato for oppholdstillatelse", null=True, blank=True)
    final_goal = models.CharField("sluttmål", max_length=40)
    starts_on = models.DateField("startdato")
    planned_months = models.PositiveSmallIntegerField("planlagt varighet (måneder)")
    full_time = models.BooleanField("heltid", default=True)
    collective_protection = models.BooleanField("kollektiv beskyttelse", default=False)
    lives_with_parent = models.BooleanField("bor med forelder", default=False)
    norwegian_training_ends_on = models.DateField(
        "norskopplæringen avsluttes", null=True, blank=True
    )
    # The right to have the need for career guidance assessed (seed 003: «Alle deltakere har
    # rett til å få vurdert behovet for karriereveiledning og å få gjennomført
    # karriereveiledning dersom det er behov»): when it was assessed, the outcome, and when the
    # guidance was given.
    career_guidance_assessed_on = models.DateField(
        "behovet for karriereveiledning vurdert", null=True, blank=True
    )
    career_guidance_needed = models.BooleanField(
        "behov for karriereveiledning", null=True, blank=True
    )
    career_guidance_note = models.CharField(
        "vurdering av behovet for karriereveiledning", max_length=500, blank=True
    )
    career_guidance_given_on = models.DateField("karriereveiledning gitt", null=True, blank=True)
    ended_on = models.DateField("avsluttet", null=True, blank=True)
    end_reason = models.CharField(
        "årsak til avslutning", max_length=20, choices=EndReason.choices, blank=True
    )
    end_note = models.CharField("merknad til avslutning", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "deltakelse i introduksjonsprogram"
        verbose_name_plural = "deltakelser i introduksjonsprogram"
        ordering = ["-starts_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_on__isnull=True),
                name="participation_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("starts_on")),
                name="participation_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "starts_on"], name="participation_mun_idx")]

    def __str__(self) -> str:
        return f"Introduksjonsprogram for {self.person_id} fra {self.starts_on}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class ExtensionKind(models.TextChoices):
    PROGRAMME = "programme", "Forlenget programtid"
    NORWEGIAN_TRAINING = "norwegian_training", "Utvidet opplæring i norsk"


class ExtensionTest(models.TextChoices):
    """What the extension was assessed against: the ordinary extension by the expectation of
    reaching the final goal (seed 000), the package extension of the programme by the need for
    work or education (seed 003); extended Norwegian training is not needs-tested."""

    EXPECTED_TO_REACH_GOAL = "expected_to_reach_goal", "Grunn til å forvente at sluttmålet nås"
    WORK_OR_EDUCATION = (
        "work_or_education",
        "Behov for utvidelse av programtiden for å komme i jobb eller utdanning",
    )
    NONE = "none", "Ikke behovsprøvd"


class Extension(models.Model):
    """An extension (forlengelse): an individual assessment and a decision (seed 000).

    Extended Norwegian training under the integration packages (seed 003) is a right for everyone
    in the target group, also someone who is only in Norwegian training or whose programme has
    ended: such an extension belongs to the person and may have no participation. It keeps the
    facts its package was found from (when the training ended, the right and duty to it).
    """

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, null=True, blank=True, related_name="extensions"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="extensions"
    )
    kind = models.CharField(
        "type", max_length=20, choices=ExtensionKind.choices, default=ExtensionKind.PROGRAMME
    )
    months = models.PositiveSmallIntegerField("måneder")
    from_on = models.DateField("fra")
    assessment = models.TextField("individuell vurdering")
    needs_test = models.CharField(
        "vurdert mot", max_length=30, choices=ExtensionTest.choices, blank=True
    )
    integration_package = models.CharField("integreringspakke", max_length=5, blank=True)
    norwegian_training_ends_on = models.DateField(
        "norskopplæringen avsluttet", null=True, blank=True
    )
    right_and_duty = models.BooleanField(
        "rett og plikt til opplæring (introduksjonsloven § 17 første ledd)", null=True, blank=True
    )
    decision = models.ForeignKey(
        "Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="extensions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "forlengelse"
        verbose_name_plural = "forlengelser"
        ordering = ["from_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(months__gte=1), name="extension_months"),
            models.CheckConstraint(
                condition=Q(participation__isnull=False) | Q(person__isnull=False),
                name="extension_has_person",
            ),
            models.CheckConstraint(
                condition=Q(kind="norwegian_training") | Q(participation__isnull=False),
                name="extension_programme_has_participation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.months} mnd."


class PeriodKind(models.TextChoices):
    LEAVE = "leave", "Permisjon"
    STOP = "stop", "Stans"


class LeaveReason(models.TextChoices):
    SICK = "sick", "Sykdom"
    WELFARE = "welfare", "Velferd"
    PARENTAL = "parental", "Foreldrepermisjon"
    OTHER = "other", "Annet"


class ProgrammePeriod(models.Model):
    """A leave (permisjon) or a stop (stans); a stop is open until the programme resumes."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="periods"
    )
    kind = models.CharField("type", max_length=10, choices=PeriodKind.choices)
    leave_reason = models.CharField(
        "årsak til permisjon", max_length=20, choices=LeaveReason.choices, blank=True
    )
    with_benefit = models.BooleanField("med stønad", default=False)
    sick_percent = models.PositiveSmallIntegerField("sykmeldt (prosent)", null=True, blank=True)
    from_on = models.DateField("fra")
    to_on = models.DateField("til og med", null=True, blank=True)
    reason = models.TextField("begrunnelse")
    decision = models.ForeignKey(
        "Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="periods"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "permisjon eller stans"
        verbose_name_plural = "permisjoner og stans"
        ordering = ["from_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_on__isnull=True) | Q(to_on__gte=F("from_on")),
                name="period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind="stop") | Q(to_on__isnull=False), name="leave_has_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} fra {self.from_on}"

    def covers(self, day: datetime.date) -> bool:
        return self.from_on <= day and (self.to_on is None or day <= self.to_on)


class AbsenceQuerySet(models.QuerySet["Absence"]):
    def current(self) -> AbsenceQuerySet:
        return self.filter(deleted_at__isnull=True)


class CurrentAbsenceManager(models.Manager["Absence"]):
    """Absence that is not deleted: the default manager, so every sum of hours (the benefit
    run, the register export, the overview) and ``participation.absences`` leave a deleted
    entry out without each having to remember it."""

    def get_queryset(self) -> AbsenceQuerySet:
        return AbsenceQuerySet(self.model, using=self._db).current()


class Absence(models.Model):
    """Hours of absence on one day, approved or not; unapproved hours reduce the benefit.

    An entry is corrected or deleted with a reason, and each change is kept as an
    ``AbsenceVersion``; a deleted entry stays as a row (``deleted_at``), out of every sum
    (``objects``); ``all_objects`` sees it, for its history.
    """

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="absences"
    )
    on = models.DateField("dato")
    hours = models.DecimalField("timer", max_digits=4, decimal_places=1)
    approved = models.BooleanField("godkjent", default=False)
    reason = models.CharField("årsak", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField("slettet", null=True, blank=True)
    deleted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CurrentAbsenceManager()
    all_objects = AbsenceQuerySet.as_manager()  # deleted entries too: for their history

    class Meta:
        verbose_name = "fravær"
        verbose_name_plural = "fravær"
        ordering = ["on", "id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="absence_hours")]
        indexes = [models.Index(fields=["participation", "on"], name="absence_day_idx")]

    def __str__(self) -> str:
        return f"Fravær {self.on}: {self.hours} t"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class AbsenceChange(models.TextChoices):
    CORRECTED = "corrected", "Endret"
    DELETED = "deleted", "Slettet"


class AbsenceVersion(models.Model):
    """One change of an absence entry: who, when, why, and the values before and after (none
    after a deletion). ``version`` is the entry's version the change made."""

    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField("versjon")
    change = models.CharField("endring", max_length=10, choices=AbsenceChange.choices)
    change_reason = models.TextField("begrunnelse for endringen")
    old_on = models.DateField("dato før")
    old_hours = models.DecimalField("timer før", max_digits=4, decimal_places=1)
    old_approved = models.BooleanField("godkjent før")
    old_reason = models.CharField("årsak før", max_length=300, blank=True)
    new_on = models.DateField("dato etter", null=True, blank=True)
    new_hours = models.DecimalField(
        "timer etter", max_digits=4, decimal_places=1, null=True, blank=True
    )
    new_approved = models.BooleanField("godkjent etter", null=True, blank=True)
    new_reason = models.CharField("årsak etter", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "endring av fravær"
        verbose_name_plural = "endringer av fravær"
        ordering = ["absence", "version"]
        constraints = [
            models.UniqueConstraint(fields=["absence", "version"], name="absence_version_once"),
            models.CheckConstraint(
                condition=Q(change="deleted")
                | Q(new_on__isnull=False, new_hours__isnull=False, new_approved__isnull=False),
                name="absence_version_new_values",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_change_display()} fravær (versjon {self.version})"


class EventKind(models.TextChoices):
    START = "start", "Start"
    CHANGE = "change", "Endring"
    LEAVE = "leave", "Permisjon"
    STOP = "stop", "Stans"
    RESUMPTION = "resumption", "Gjenopptatt"
    ABSENCE = "absence", "Fravær"
    EXTENSION = "extension", "Forlengelse"
    END = "end", "Avsluttet"
    DECISION = "decision", "Vedtak"


class ProgrammeEvent(models.Model):
    """The history of a participation: what happened, from which date, recorded by whom."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("hendelse", max_length=20, choices=EventKind.choices)
    on = models.DateField("gjelder fra")
    summary = models.CharField("beskrivelse", max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "hendelse i programmet"
        verbose_name_plural = "hendelser i programmet"
        ordering = ["on", "created_at", "id"]

    def __str__(self) -> str:
        return self.summary


class DecisionKind(models.TextChoices):
    START = "start", "Vedtak om introduksjonsprogram"
    STOP = "stop", "Vedtak om stans i introduksjonsprogrammet"
    EXTENSION = "extension", "Vedtak om forlengelse av introduksjonsprogrammet"
    FINAL_GOAL = "final_goal", "Vedtak om nytt sluttmål i introduksjonsprogrammet"
    REDUCTION = "reduction", "Vedtak om trekk i introduksjonsstønaden"
    REFUSAL = "refusal", "Vedtak om avslag"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Utkast"
    DECIDED = "decided", "Vedtatt"
    SENT = "sent", "Sendt"


class Decision(models.Model):
    """An individual decision (enkeltvedtak) with its letter: a record with a status.

    The texts are edited while it is a draft; once decided they are fixed, and the letter sent
    is kept as it was sent (``letter_pdf``). The appeal deadline runs from when the participant
    received it (forvaltningsloven § 29).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="decisions")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    participation = models.ForeignKey(
        Participation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    kind = models.CharField("type vedtak", max_length=20, choices=DecisionKind.choices)
    status = models.CharField(
        "status", max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    act = models.CharField("lov", max_length=20, choices=Act.choices)
    subject = models.CharField("overskrift", max_length=200)
    legal_basis = models.TextField("hjemmel")
    facts = models.TextField("faktiske forhold")
    reasoning = models.TextField("begrunnelse")
    conclusion = models.TextField("vedtak")
    effective_on = models.DateField("gjelder fra", null=True, blank=True)
    amount = models.DecimalField("beløp", max_digits=12, decimal_places=2, null=True, blank=True)
    # A reduction of the benefit for absence names the month it is for and the unapproved hours
    # (integreringsloven § 21); the benefit run drafts it and pays that month by it.
    benefit_period = models.DateField("gjelder stønaden for måned", null=True, blank=True)
    absence_hours = models.DecimalField(
        "ugyldig fravær (timer)", max_digits=6, decimal_places=1, null=True, blank=True
    )
    # A version made by the county governor's decision on an appeal (forvaltningsloven § 34):
    # its reference, as the county governor's letter names it.
    governor_reference = models.CharField("Statsforvalterens vedtak", max_length=200, blank=True)
    decided_on = models.DateField("vedtaksdato", null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_on = models.DateField("sendt", null=True, blank=True)
    received_on = models.DateField("mottatt av parten", null=True, blank=True)
    appeal_deadline = models.DateField("klagefrist", null=True, blank=True)
    letter_pdf = models.BinaryField("brev", null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="omgjør vedtak",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "enkeltvedtak"
        verbose_name_plural = "enkeltvedtak"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "status"], name="decision_mun_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"

    @property
    def reference(self) -> str:
        """The case reference printed on the letter: the year is the decision's own year, the
        date it was decided, or for a draft the (local) day it was made, never today's year."""
        day = self.decided_on or timezone.localdate(self.created_at)
        return f"V-{day:%Y}-{self.pk:06d}"


class AppealStatus(models.TextChoices):
    RECEIVED = "received", "Mottatt av kommunen"
    REVERSED = "reversed", "Omgjort av kommunen"
    DISMISSED = "dismissed", "Avvist (for sent)"
    FORWARDED = "forwarded", "Sendt til Statsforvalteren"
    UPHELD = "upheld", "Stadfestet"
    QUASHED = "quashed", "Opphevet"
    CHANGED = "changed", "Omgjort av Statsforvalteren"


APPEAL_OUTCOMES = (AppealStatus.UPHELD, AppealStatus.QUASHED, AppealStatus.CHANGED)


class Appeal(models.Model):
    """An appeal (klage) against an individual decision (forvaltningsloven §§ 28-34).

    The municipality first reviews it: it may reverse its own decision, or forward the case to
    the county governor of its county, who records the outcome.
    """

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    county_governor = models.ForeignKey(
        CountyGovernor, on_delete=models.PROTECT, null=True, blank=True, related_name="appeals"
    )
    received_on = models.DateField("klagen mottatt")
    grounds = models.TextField("klagerens anførsler")
    late = models.BooleanField("for sent", default=False)
    late_heard_reason = models.TextField("hvorfor klagen behandles likevel", blank=True)
    status = models.CharField(
        "status", max_length=20, choices=AppealStatus.choices, default=AppealStatus.RECEIVED
    )
    municipality_assessment = models.TextField("kommunens vurdering", blank=True)
    reviewed_on = models.DateField("kommunen behandlet", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    new_decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_on = models.DateField("Statsforvalterens vedtaksdato", null=True, blank=True)
    outcome_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome_reasoning = models.TextField("Statsforvalterens begrunnelse", blank=True)
    # The municipality's deadline to prepare and forward the appeal (§ 33), and the task of
    # deciding anew when the county governor quashed the decision (§ 34).
    forward_deadline = models.ForeignKey(
        Deadline, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    returned_deadline = models.ForeignKey(
        Deadline, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The case documents sent with the appeal, as they were when it was forwarded.
    bundle_index = models.JSONField("saksdokumenter", default=list, blank=True)
    bundle_pdf = models.BinaryField("saksdokumentene samlet", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "klage"
        verbose_name_plural = "klager"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["county_governor", "status"], name="appeal_governor_idx"),
        ]

    def __str__(self) -> str:
        return f"Klage mottatt {self.received_on} ({self.get_status_display().lower()})"


class BenefitRunStatus(models.TextChoices):
    QUEUED = "queued", "I kø"
    RUNNING = "running", "Beregnes"
    PREVIEW = "preview", "Forhåndsvisning"
    APPROVED = "approved", "Godkjent"
    FAILED = "failed", "Feilet"


class BenefitRun(Job):
    """The introduction benefit of one municipality for one month (seed 002 §3.2).

    Computed in the background into a preview; once approved it is locked. One approved run per
    municipality and month; changes found later become correction lines in the next month.
    """

    job_fields = JobFields(
        done_status=BenefitRunStatus.PREVIEW, progress="processed", total="participants"
    )

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    month = models.DateField("måned")
    status = models.CharField(
        "status", max_length=10, choices=BenefitRunStatus.choices, default=BenefitRunStatus.QUEUED
    )
    participants = models.PositiveIntegerField("deltakere", default=0)
    processed = models.PositiveIntegerField("beregnet", default=0)
    total = models.DecimalField("sum", max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField("godkjent", null=True, blank=True)
    approved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The user who started the computation approved it too, and confirmed so (four eyes are
    # the rule; one pair is allowed when the approver says so).
    approved_by_computer_confirmed = models.BooleanField(
        "godkjent av den som beregnet, bekreftet", default=False
    )

    class Meta:
        verbose_name = "utbetaling av introduksjonsstønad"
        verbose_name_plural = "utbetalinger av introduksjonsstønad"
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "month"],
                condition=Q(status="approved"),
                name="benefit_run_one_approved_per_month",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="benefit_run_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"Introduksjonsstønad {self.month:%m.%Y} ({self.get_status_display().lower()})"

    @property
    def computed_at(self) -> datetime.datetime | None:
        """When the run was computed (its job's end), as the pages and the API call it."""
        return self.finished_at

    @computed_at.setter
    def computed_at(self, value: datetime.datetime | None) -> None:
        self.finished_at = value

    @property
    def progress_percent(self) -> int:
        if self.status in (BenefitRunStatus.PREVIEW, BenefitRunStatus.APPROVED):
            return 100
        return int(100 * self.processed / self.participants) if self.participants else 0


class BenefitLineKind(models.TextChoices):
    REGULAR = "regular", "Ordinær"
    CORRECTION = "correction", "Korreksjon"


class BenefitLine(models.Model):
    """One payment line: a participant's benefit for a month, or a correction of an earlier one."""

    run = models.ForeignKey(BenefitRun, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        "type", max_length=10, choices=BenefitLineKind.choices, default=BenefitLineKind.REGULAR
    )
    period = models.DateField("gjelder måned")
    days = models.PositiveSmallIntegerField("dager med stønad")
    monthly_rate = models.DecimalField("månedssats", max_digits=12, decimal_places=2)
    gross = models.DecimalField("brutto", max_digits=12, decimal_places=2)
    absence_hours = models.DecimalField("ugyldig fravær (timer)", max_digits=6, decimal_places=1)
    deduction = models.DecimalField("trekk", max_digits=12, decimal_places=2)
    amount = models.DecimalField("til utbetaling", max_digits=12, decimal_places=2)
    needs_decision = models.BooleanField("trekket krever vedtak", default=False)
    # The reduction decision the deduction needs (drafted by the run, or already decided).
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="benefit_lines"
    )
    note = models.CharField("merknad", max_length=300, blank=True)

    class Meta:
        verbose_name = "stønadslinje"
        verbose_name_plural = "stønadslinjer"
        ordering = ["run", "person__family_name", "person__given_name", "period", "id"]
        indexes = [models.Index(fields=["participation", "period"], name="benefit_line_period_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period:%m.%Y}: {self.amount}"


# --- Norwegian and social studies training --------------------------------------------------


class NorwegianTrainingBasis(models.TextChoices):
    """What the person has (introduksjonsloven § 17; integreringsloven §§ 26-28)."""

    RIGHT_AND_DUTY = "right_and_duty", "Rett og plikt"
    DUTY = "duty", "Plikt"
    RIGHT = "right", "Rett"


class NorwegianTrainingStatus(models.TextChoices):
    REGISTERED = "registered", "Ikke startet"
    ACTIVE = "active", "Pågår"
    STOPPED = "stopped", "Stanset"
    EXEMPTED = "exempted", "Fritatt"
    COMPLETED = "completed", "Fullført"


class NorwegianTraining(models.Model):
    """A person's training in Norwegian and social studies, from the right (or duty) arising to
    its end: started, stopped and resumed, exempted, or completed. Hours and tests are rows of
    their own. It feeds the introduction register export and the Norwegian training grant."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="norwegian_training"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    act = models.CharField("lov", max_length=20, choices=Act.choices)
    basis = models.CharField("rett og plikt", max_length=20, choices=NorwegianTrainingBasis.choices)
    right_from = models.DateField("retten eller plikten inntrer")
    status = models.CharField(
        "status",
        max_length=12,
        choices=NorwegianTrainingStatus.choices,
        default=NorwegianTrainingStatus.REGISTERED,
    )
    starts_on = models.DateField("oppstart", null=True, blank=True)
    stopped_on = models.DateField("stanset fra", null=True, blank=True)
    ended_on = models.DateField("avsluttet", null=True, blank=True)
    end_reason = models.CharField("begrunnelse", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "opplæring i norsk og samfunnskunnskap"
        verbose_name_plural = "opplæring i norsk og samfunnskunnskap"
        ordering = ["right_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(starts_on__gte=F("right_from")),
                name="norwegian_training_starts_after_right",
            ),
        ]

    def __str__(self) -> str:
        return f"Norskopplæring {self.person} ({self.get_status_display().lower()})"

    @property
    def has_right(self) -> bool:
        """The right to training (with or without the duty): what the Norwegian grant pays for."""
        return self.basis in (NorwegianTrainingBasis.RIGHT_AND_DUTY, NorwegianTrainingBasis.RIGHT)


class NorwegianTrainingMonth(models.Model):
    """The hours of one month: taught (offered to the person) and attended."""

    training = models.ForeignKey(NorwegianTraining, on_delete=models.CASCADE, related_name="months")
    month = models.DateField("måned")  # the first day
    taught = models.DecimalField("timer undervist", max_digits=6, decimal_places=1)
    attended = models.DecimalField("timer deltatt", max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = "timer i norskopplæringen"
        verbose_name_plural = "timer i norskopplæringen"
        ordering = ["training", "month"]
        constraints = [
            models.UniqueConstraint(fields=["training", "month"], name="norwegian_month_once"),
            models.CheckConstraint(
                condition=Q(attended__lte=F("taught")), name="norwegian_attended_within_taught"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y}: {self.attended} av {self.taught} timer"


class NorwegianTestKind(models.TextChoices):
    """The final tests (avsluttende prøver): Norwegian by skill, and social studies."""

    LISTENING = "listening", "Norskprøve, lytteforståelse"
    READING = "reading", "Norskprøve, leseforståelse"
    WRITING = "writing", "Norskprøve, skriftlig framstilling"
    ORAL = "oral", "Norskprøve, muntlig"
    SOCIAL_STUDIES = "social_studies", "Prøve i samfunnskunnskap"


class NorwegianTest(models.Model):
    """A test taken: the level reached (the Common European Framework's levels) or passed."""

    training = models.ForeignKey(NorwegianTraining, on_delete=models.CASCADE, related_name="tests")
    kind = models.CharField("prøve", max_length=20, choices=NorwegianTestKind.choices)
    taken_on = models.DateField("prøvedato")
    level = models.CharField("nivå", max_length=8, blank=True)
    passed = models.BooleanField("bestått")
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "prøve i norsk eller samfunnskunnskap"
        verbose_name_plural = "prøver i norsk og samfunnskunnskap"
        ordering = ["training", "taken_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.taken_on:%d.%m.%Y}"
