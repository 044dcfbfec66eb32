"""The case around a settled person: notices, deadlines, meetings, consent, mapping, plan, practice,
the application for the disability grant.

Seed 002 (the nine municipalities' common guidelines) is the source of the workflow. Every
model that holds a person's data is reached through ``casework/selectors.py`` (tenant, consent,
audit), never directly from a view.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from integrering.accounts.roles import Service
from integrering.organisations.models import Municipality
from integrering.people.models import Consent, Household, Person

USER = settings.AUTH_USER_MODEL


class NoticeOccasion(models.TextChoices):
    MATCHED = "matched", "Utsøkt"
    SETTLED = "settled", "Bosatt"
    MOVED = "moved", "Flytting"


class Notice(models.Model):
    """A notice (varsel) from the refugee service to another service about a settlement.

    Seed 002 §2.5-2.11: NAV, adult education, kindergarten, school, health (name, birth date,
    nationality and previous reception centre), housing, and child welfare when relevant. Some
    go out already when the household is matched (utsøkt) to the municipality (``occasion``):
    the refugee service, kindergarten and housing (§2.7, §2.10).
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="notices")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    service = models.CharField("tjeneste", max_length=20, choices=Service.choices)
    occasion = models.CharField(
        "anledning", max_length=10, choices=NoticeOccasion.choices, default=NoticeOccasion.SETTLED
    )
    persons = models.ManyToManyField(Person, related_name="notices", verbose_name="gjelder")
    subject = models.CharField("emne", max_length=200)
    body = models.TextField("tekst", blank=True)
    deadline_kind = models.CharField("frist", max_length=40, blank=True)
    due_on = models.DateField("frist dato", null=True, blank=True)
    created_at = models.DateTimeField("sendt", default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField("mottatt", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "varsel"
        verbose_name_plural = "varsler"
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["municipality", "service", "acknowledged_at"], name="notice_inbox_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()}: {self.subject}"


class Deadline(models.Model):
    """A statutory or agreed deadline for one person, computed from the dates of the case.

    The kinds and their lengths are the parameter ``deadlines/casework`` (DOMAIN.md,
    "Deadlines"); a deadline met records when and by whom.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="deadlines")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("frist", max_length=40)
    service = models.CharField("ansvarlig tjeneste", max_length=20, choices=Service.choices)
    start_on = models.DateField("regnes fra")
    due_on = models.DateField("frist")
    met_on = models.DateField("oppfylt dato", null=True, blank=True)
    met_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    met_at = models.DateTimeField("registrert oppfylt", null=True, blank=True)
    note = models.CharField("merknad", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "frist"
        verbose_name_plural = "frister"
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["municipality", "met_on", "due_on"], name="deadline_dashboard_idx"
            ),
            # The dashboard of a service (NAV, school, ...) and the filter by service.
            models.Index(
                fields=["municipality", "service", "met_on", "due_on"],
                name="deadline_service_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("start_on")), name="deadline_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"

    @property
    def is_met(self) -> bool:
        return self.met_on is not None

    def is_overdue(self, today: datetime.date) -> bool:
        return self.met_on is None and self.due_on < today


class MeetingKind(models.TextChoices):
    TEAM_FIRST = "team_first", "Første møte i tverrfaglig team"
    TEAM = "team", "Møte i tverrfaglig team"
    MAPPING = "mapping", "Kartleggingssamtale"
    PLAN_EVALUATION = "plan_evaluation", "Evaluering av individuell plan"
    OTHER = "other", "Annet møte"


class InterpreterMode(models.TextChoices):
    """How the interpreter takes part (seed 002 §2.12: frammøte-, telefon- og skjermtolking)."""

    IN_PERSON = "in_person", "Frammøtetolking"
    PHONE = "phone", "Telefontolking"
    SCREEN = "screen", "Skjermtolking"


class Meeting(models.Model):
    """A meeting with the household: scheduled, then held (with or without an interpreter).

    The team's services take part (``services``), optionally by name (``participants``: a list of
    ``{"service": ..., "name": ...}``, staff of the services, not persons of the register). The
    interpreter is booked per meeting: language, mode, the qualification category of the national
    interpreter register, and who interprets, always someone outside the household (seed 002
    §2.12). The minutes are ``notes``.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField("type", max_length=20, choices=MeetingKind.choices)
    persons = models.ManyToManyField(Person, related_name="meetings", verbose_name="deltakere")
    services = models.JSONField("tjenester som deltar", default=list)
    participants = models.JSONField("navngitte deltakere fra tjenestene", default=list, blank=True)
    scheduled_on = models.DateField("planlagt dato")
    held_on = models.DateField("holdt dato", null=True, blank=True)
    interpreter_needed = models.BooleanField("behov for tolk", default=False)
    interpreter_language = models.CharField("tolkespråk", max_length=100, blank=True)
    interpreter_mode = models.CharField(
        "tolkemåte", max_length=10, choices=InterpreterMode.choices, blank=True
    )
    interpreter_qualification = models.CharField(
        "kategori i Nasjonalt tolkeregister", max_length=5, blank=True
    )
    interpreter_booked = models.BooleanField("tolk bestilt", default=False)
    interpreter_name = models.CharField("tolkens navn", max_length=150, blank=True)
    interpreter_company = models.CharField("tolketjeneste", max_length=150, blank=True)
    interpreter_used = models.BooleanField("tolk brukt", null=True, blank=True)
    notes = models.TextField("referat", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("sist endret", null=True, blank=True)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "møte"
        verbose_name_plural = "møter"
        ordering = ["scheduled_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interpreter_mode="") | Q(interpreter_mode__in=InterpreterMode.values),
                name="meeting_interpreter_mode_known",
            ),
            models.CheckConstraint(
                condition=Q(interpreter_booked=False) | Q(interpreter_needed=True),
                name="meeting_interpreter_booked_needed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scheduled_on}"

    @property
    def is_team_meeting(self) -> bool:
        return self.kind in {MeetingKind.TEAM_FIRST, MeetingKind.TEAM}


class MappingStatus(models.TextChoices):
    DRAFT = "draft", "Utkast"
    COMPLETED = "completed", "Fullført"


class Mapping(models.Model):
    """The mapping form after arrival (kartleggingsskjema, seed 002 Vedlegg 2) for one person.

    The answers are a JSON document shaped by ``casework/mapping_form.py``; each save keeps a
    revision, so the history of the form is never lost.
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="mapping")
    status = models.CharField(
        "status", max_length=10, choices=MappingStatus.choices, default=MappingStatus.DRAFT
    )
    data = models.JSONField("svar", default=dict)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField("fullført", null=True, blank=True)
    completed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "kartlegging"
        verbose_name_plural = "kartlegginger"

    def __str__(self) -> str:
        return f"Kartlegging for {self.person_id} ({self.get_status_display()})"


class MappingRevision(models.Model):
    mapping = models.ForeignKey(Mapping, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=MappingStatus.choices)
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["mapping", "version"], name="mapping_revision_unique")
        ]

    def __str__(self) -> str:
        return f"versjon {self.version}"


class IndividualPlan(models.Model):
    """The individual plan (individuell plan / integreringskontrakt) of one participant.

    Built on the mapping and evaluated with the participant at least twice a year (seed 002
    §2.4). Every save keeps a snapshot in ``PlanVersion``.
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="plan")
    final_goal = models.CharField("sluttmål", max_length=40)
    final_goal_text = models.TextField("sluttmålet beskrevet", blank=True)
    starts_on = models.DateField("gjelder fra")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "individuell plan"
        verbose_name_plural = "individuelle planer"

    def __str__(self) -> str:
        return f"Individuell plan for {self.person_id}"


class PlanGoal(models.Model):
    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField("delmål", max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class PlanMeasure(models.Model):
    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="measures")
    goal = models.ForeignKey(
        PlanGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures"
    )
    description = models.CharField("tiltak", max_length=300)
    service = models.CharField("ansvarlig tjeneste", max_length=20, choices=Service.choices)
    starts_on = models.DateField("fra")
    ends_on = models.DateField("til", null=True, blank=True)
    done = models.BooleanField("gjennomført", default=False)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="plan_measure_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class PlanEvaluation(models.Model):
    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField("evaluert dato")
    summary = models.TextField("vurdering")
    interpreter_used = models.BooleanField("tolk brukt", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-evaluated_on", "-id"]

    def __str__(self) -> str:
        return f"Evaluering {self.evaluated_on}"


class PlanVersion(models.Model):
    """A snapshot of the plan as saved: goals, measures and final goal, for the history."""

    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"versjon {self.version}"


class PracticeContract(models.Model):
    """A contract for language or work practice (seed 002 Vedlegg 1), printed and signed."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="practice_contracts")
    employer_name = models.CharField("bedriftens navn", max_length=200)
    employer_address = models.CharField("adresse", max_length=300)
    workplace = models.CharField("arbeidssted/avdeling", max_length=200, blank=True)
    supervisor_name = models.CharField("veileder på arbeidsplassen", max_length=150)
    supervisor_phone = models.CharField("veileders telefon", max_length=30, blank=True)
    contact_person = models.CharField("kontaktperson i introduksjonsprogrammet", max_length=150)
    starts_on = models.DateField("fra")
    ends_on = models.DateField("til")
    hours_per_week = models.DecimalField("timer per uke", max_digits=4, decimal_places=1)
    working_hours = models.CharField("arbeidstid", max_length=200)
    goal = models.TextField("målsetting")
    tasks = models.TextField("arbeidsoppgaver")
    employer_responsibility = models.TextField("arbeidsgivers ansvar")
    contact_responsibility = models.TextField("kontaktpersonens ansvar")
    programme_responsibility = models.TextField("introduksjonsprogrammets ansvar")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "praksisavtale"
        verbose_name_plural = "praksisavtaler"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="practice_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0), name="practice_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_name} {self.starts_on}–{self.ends_on}"


class DisabilityGrant(models.IntegerChoices):
    """The two grants of the scheme (seed 002 §3.1)."""

    ONE_OFF = 1, "Tilskudd 1 (engangstilskudd)"
    YEARLY = 2, "Tilskudd 2 (årlig, etter dokumentert behov)"


class DisabilityGrantStatus(models.TextChoices):
    DRAFT = "draft", "Utkast"
    SENT = "sent", "Sendt til IMDi"
    GRANTED = "granted", "Innvilget"
    REFUSED = "refused", "Avslått"


class DisabilityGrantApplication(models.Model):
    """The municipality's application to the directorate for the grant for a refugee with a
    disability or behavioural problems (ekstratilskudd, seed 002 §3.1), for one budget year.

    Grant 1 is a one-off sum in settlement year 1 or 2; grant 2 is yearly, by the documented
    need, up to the year's maximum. The application for year 1 or 2 is due 13 months after the
    first settlement date (the deadline ``disability_grant_application``). Drafted, sent, and
    granted or refused by the directorate; every save bumps ``version``.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="disability_grant_applications"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name="søkerkommune"
    )
    grant = models.PositiveSmallIntegerField("tilskudd", choices=DisabilityGrant.choices)
    budget_year = models.PositiveSmallIntegerField("budsjettår")
    documented_need = models.DecimalField(
        "dokumentert behov (kr)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    documentation_note = models.TextField("dokumentasjon", blank=True)
    status = models.CharField(
        "status",
        max_length=10,
        choices=DisabilityGrantStatus.choices,
        default=DisabilityGrantStatus.DRAFT,
    )
    sent_on = models.DateField("sendt", null=True, blank=True)
    decided_on = models.DateField("vedtaksdato", null=True, blank=True)
    granted_amount = models.DecimalField(
        "innvilget beløp (kr)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    decision_note = models.TextField("merknad til vedtaket", blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "søknad om tilskudd ved nedsatt funksjonsevne"
        verbose_name_plural = "søknader om tilskudd ved nedsatt funksjonsevne"
        ordering = ["-budget_year", "-id"]
        indexes = [
            models.Index(
                fields=["municipality", "budget_year", "status"],
                name="disability_grant_list_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "budget_year"], name="disability_grant_one_per_year"
            ),
            models.CheckConstraint(condition=Q(grant__in=[1, 2]), name="disability_grant_kind"),
            models.CheckConstraint(
                condition=Q(documented_need__isnull=True) | Q(documented_need__gte=0),
                name="disability_grant_need_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sent_on__isnull=False),
                name="disability_grant_sent_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "sent"]) | Q(decided_on__gte=F("sent_on")),
                name="disability_grant_decided_after_sent",
            ),
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(granted_amount__gte=0),
                name="disability_grant_granted_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_grant_display()} {self.budget_year} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == DisabilityGrantStatus.DRAFT


# --- Signing: who signed the printed documents, when and how (issue 22) -----------------------


class SignedDocument(models.TextChoices):
    """The documents of the case that are printed and signed (seed 002 Vedlegg 1 and 3, §2.4)."""

    PRACTICE_CONTRACT = "practice_contract", "Praksisavtale"
    INDIVIDUAL_PLAN = "individual_plan", "Individuell plan"
    CONSENT = "consent", "Samtykkeerklæring"


class SignerRole(models.TextChoices):
    """In what capacity someone signed (the signature lines of the printed documents)."""

    PARTICIPANT = "participant", "Deltakeren selv"
    GUARDIAN = "guardian", "Hjelpeverge eller foresatt"
    EMPLOYER = "employer", "Bedriften (praksisgiver)"
    CONTACT_PERSON = "contact_person", "Kontaktperson i introduksjonsprogrammet"
    CASEWORKER = "caseworker", "Flyktningkonsulent"


class SigningMethod(models.TextChoices):
    PAPER = "paper", "På papir"
    SCANNED = "scanned", "Skannet kopi lastet opp"
    DIGITAL = "digital", "Digital signering"


class Signature(models.Model):
    """One signature on one document of a person's case, as recorded by the refugee service.

    Exactly one of ``practice_contract``, ``plan`` and ``consent`` is set, by ``document``; the
    contract's and the plan's version at the time is kept, so a later change shows as unsigned.
    A scanned copy (PDF, JPEG or PNG, checked by content) is kept in the database like every
    other upload of the product.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="signatures")
    document = models.CharField("dokument", max_length=20, choices=SignedDocument.choices)
    practice_contract = models.ForeignKey(
        PracticeContract,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signatures",
    )
    plan = models.ForeignKey(
        IndividualPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="signatures"
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    document_version = models.PositiveIntegerField("signert versjon", null=True, blank=True)
    signer_role = models.CharField("signert som", max_length=20, choices=SignerRole.choices)
    signer_name = models.CharField("navn", max_length=150)
    signer_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_on = models.DateField("signert dato")
    method = models.CharField("måte", max_length=10, choices=SigningMethod.choices)
    scan = models.BinaryField("skannet kopi", null=True, blank=True)
    scan_filename = models.CharField("filnavn", max_length=200, blank=True)
    scan_content_type = models.CharField("filtype", max_length=50, blank=True)
    scan_size = models.PositiveIntegerField("filstørrelse", null=True, blank=True)
    digital_reference = models.CharField(
        "referanse hos signeringstjenesten", max_length=200, blank=True
    )
    recorded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("registrert", default=timezone.now)

    class Meta:
        verbose_name = "signatur"
        verbose_name_plural = "signaturer"
        ordering = ["signed_on", "id"]
        indexes = [
            models.Index(fields=["person", "document"], name="signature_person_document_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        document="practice_contract",
                        practice_contract__isnull=False,
                        plan__isnull=True,
                        consent__isnull=True,
                    )
                    | Q(
                        document="individual_plan",
                        practice_contract__isnull=True,
                        plan__isnull=False,
                        consent__isnull=True,
                    )
                    | Q(
                        document="consent",
                        practice_contract__isnull=True,
                        plan__isnull=True,
                        consent__isnull=False,
                    )
                ),
                name="signature_one_document",
            ),
            models.CheckConstraint(
                condition=(Q(method="scanned") & Q(scan_size__gt=0))
                | (~Q(method="scanned") & Q(scan_size__isnull=True)),
                name="signature_scan_when_scanned",
            ),
            models.CheckConstraint(
                condition=~Q(method="digital") | ~Q(digital_reference=""),
                name="signature_digital_has_reference",
            ),
            models.CheckConstraint(
                condition=Q(method__in=SigningMethod.values), name="signature_method_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_display()} signert av {self.signer_name} {self.signed_on}"


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", "Foreslått av fraflyttingskommunen"
    ACCEPTED = "accepted", "Godtatt av tilflyttingskommunen"
    REGISTERED = "registered", "Registrert av tilflyttingskommunen"
    WITHDRAWN = "withdrawn", "Trukket av fraflyttingskommunen"
    DECLINED = "declined", "Avslått av tilflyttingskommunen"


# The statuses in which the case went to the new municipality, and those that closed a proposal
# without it (the case stays where it was).
TRANSFER_HANDED_OVER = ("accepted", "registered")
TRANSFER_CLOSED_UNMOVED = ("withdrawn", "declined")


class TransferConsentMethod(models.TextChoices):
    """How the person agreed that the case goes with them to the new municipality."""

    SIGNED = "signed", "Skriftlig, signert"
    DIGITAL = "digital", "Digitalt"
    ORAL = "oral", "Muntlig, notert av saksbehandler"


class CaseTransfer(models.Model):
    """A household's move to another municipality within five years of settlement (seed 002
    §2.1): the case goes to the new municipality with the persons' consent.

    Proposed by the old municipality and accepted by the new, or registered by the new one at
    once. From ``handed_over_at`` the new municipality has the case; the old one keeps reading
    what it wrote before then (``casework/selectors.py``, ``former_case_get``). The grants follow
    the persons from ``moved_on`` (``programme/services/grant_claims``).
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="transfers")
    persons = models.ManyToManyField(Person, related_name="transfers", verbose_name="gjelder")
    from_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="fraflyttingskommune",
    )
    to_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tilflyttingskommune",
    )
    moved_on = models.DateField("flyttedato")
    consent_on = models.DateField("samtykke gitt")
    consent_method = models.CharField(
        "samtykket gitt", max_length=10, choices=TransferConsentMethod.choices
    )
    consent_note = models.CharField("merknad om samtykket", max_length=300, blank=True)
    status = models.CharField(
        "status", max_length=12, choices=TransferStatus.choices, default=TransferStatus.PROPOSED
    )
    requested_at = models.DateTimeField("registrert", default=timezone.now)
    requested_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handed_over_at = models.DateTimeField("overført", null=True, blank=True)
    accepted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A proposal withdrawn by the old municipality or declined by the new one: when, by whom,
    # and why (the reason is required when declining).
    closed_at = models.DateTimeField("lukket", null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField("begrunnelse", max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "overføring av sak ved flytting"
        verbose_name_plural = "overføringer av saker ved flytting"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_municipality=F("to_municipality")),
                name="transfer_to_another_municipality",
            ),
            models.CheckConstraint(
                condition=Q(status__in=TRANSFER_HANDED_OVER, handed_over_at__isnull=False)
                | Q(status="proposed", handed_over_at__isnull=True, closed_at__isnull=True)
                | Q(
                    status__in=TRANSFER_CLOSED_UNMOVED,
                    handed_over_at__isnull=True,
                    closed_at__isnull=False,
                ),
                name="transfer_status_matches_dates",
            ),
            # One open proposal per household at a time.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="proposed"),
                name="transfer_one_open_per_household",
            ),
        ]
        indexes = [
            models.Index(fields=["from_municipality", "status"], name="transfer_from_idx"),
            models.Index(fields=["to_municipality", "status"], name="transfer_to_idx"),
        ]

    def __str__(self) -> str:
        return f"Husstand {self.household_id}: {self.from_municipality_id} -> {self.to_municipality_id}"

    @property
    def is_open(self) -> bool:
        return self.status == TransferStatus.PROPOSED
