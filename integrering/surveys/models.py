"""Monitoring surveys: the county governor's quarterly capacity survey (seed 000) and the
directorate's annual municipal survey (kommuneundersøkelsen, seed 004).

Capacity survey: a county governor opens a ``CapacityRound`` for a quarter; each municipality
of the governor's counties answers once (``CapacityResponse``), one ``CapacityAnswer`` per
service on the scale god / tilfredsstillende / utfordrende / kritisk.

Municipal survey: a ``Survey`` per year with one ``Questionnaire`` per role (chief executive,
integration officer, head of education). Each ``Invitation`` is one unit (a municipality, or one
of Oslo's city districts) and one role, with a secret link (only its hash is stored) that works
without a login. Answers are kept per question; the analyst tags open answers to group them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from integrering.jobs import Job, JobFields, JobStatus
from integrering.organisations.models import CountyGovernor, Municipality

from .scales import DEFAULT_SCALE, SCALE_CHOICES

USER = settings.AUTH_USER_MODEL


# --- Capacity survey (seed 000) ------------------------------------------------------------


class CapacityService(models.TextChoices):
    """The nine services of the quarterly capacity survey (seed 000), in the seed's order."""

    HOUSING = "housing", "Boliger"
    KINDERGARTEN = "kindergarten", "Barnehage"
    SCHOOL = "school", "Skole"
    NORWEGIAN_TRAINING = "norwegian_training", "Opplæring i norsk og samfunnskunnskap"
    PROGRAMME_FOLLOW_UP = (
        "programme_follow_up",
        "Oppfølgingsaktiviteter og arbeidsretting i introduksjonsprogrammet",
    )
    GP = "gp", "Fastlege"
    EMERGENCY_CARE = "emergency_care", "Legevakt og akuttmedisinsk beredskap"
    CHILD_WELFARE = "child_welfare", "Barnevern"
    NAV_SOCIAL = "nav_social", "NAV og sosiale tjenester"


class CapacityLevel(models.TextChoices):
    """The scale of seed 000, best first. The CSV contract uses the Norwegian words."""

    GOOD = "god", "God"
    SATISFACTORY = "tilfredsstillende", "Tilfredsstillende"
    CHALLENGING = "utfordrende", "Utfordrende"
    CRITICAL = "kritisk", "Kritisk"


CHALLENGING_OR_CRITICAL = frozenset({CapacityLevel.CHALLENGING, CapacityLevel.CRITICAL})


class CapacityRound(models.Model):
    """One quarter's capacity survey, opened by a county governor for the municipalities of its
    counties (those valid on ``opened_on``)."""

    county_governor = models.ForeignKey(
        CountyGovernor,
        on_delete=models.PROTECT,
        related_name="capacity_rounds",
        verbose_name="statsforvalter",
    )
    year = models.PositiveSmallIntegerField("år")
    quarter = models.PositiveSmallIntegerField("kvartal")
    opened_on = models.DateField("åpnet")
    closes_on = models.DateField("svarfrist")
    note = models.TextField("melding til kommunene", blank=True)
    opened_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField("avsluttet", null=True, blank=True)
    reminded_at = models.DateTimeField("sist purret", null=True, blank=True)
    reminders_sent = models.PositiveIntegerField("purringer sendt", default=0)

    class Meta:
        verbose_name = "kapasitetskartlegging"
        verbose_name_plural = "kapasitetskartlegginger"
        ordering = ["-year", "-quarter", "county_governor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_governor", "year", "quarter"], name="capacity_round_once"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="capacity_round_quarter"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opened_on")), name="capacity_round_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quarter}. kvartal {self.year} – {self.county_governor}"

    @property
    def label(self) -> str:
        return f"{self.quarter}. kvartal {self.year}"


class CapacityResponse(models.Model):
    """One municipality's answer to one round: a draft until submitted; ``version`` locks edits."""

    round = models.ForeignKey(CapacityRound, on_delete=models.CASCADE, related_name="responses")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name="kommune"
    )
    submitted_at = models.DateTimeField("sendt inn", null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "kapasitetssvar"
        verbose_name_plural = "kapasitetssvar"
        ordering = ["round", "municipality__number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "municipality"], name="capacity_response_once")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.round.label}"


class CapacityAnswer(models.Model):
    """One service's level and comment in one municipality's response."""

    response = models.ForeignKey(CapacityResponse, on_delete=models.CASCADE, related_name="answers")
    service = models.CharField("tjeneste", max_length=30, choices=CapacityService.choices)
    level = models.CharField("kapasitet", max_length=20, choices=CapacityLevel.choices)
    comment = models.TextField("kommentar", blank=True)

    class Meta:
        verbose_name = "kapasitetsvurdering"
        verbose_name_plural = "kapasitetsvurderinger"
        ordering = ["response", "service"]
        constraints = [
            models.UniqueConstraint(fields=["response", "service"], name="capacity_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()}: {self.get_level_display()}"


# --- Municipal survey (seed 004) -----------------------------------------------------------


class SurveyRole(models.TextChoices):
    """The three respondent roles of the municipal survey (seed 004 «Utvalg»)."""

    CHIEF_EXECUTIVE = "chief_executive", "Kommunedirektør"
    INTEGRATION_OFFICER = "integration_officer", "Integreringsansvarlig"
    HEAD_OF_EDUCATION = "head_of_education", "Skole-/oppvekstsjef"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Ett valg"
    MULTIPLE = "multiple", "Flere valg"
    LIKERT = "likert", "Skala"
    TEXT = "text", "Fritekst"


class LikertValue(models.TextChoices):
    """The quality scale of the municipal survey (seed 004), best first, then the two answers
    that are not on the scale. The other scales are in ``scales.py``."""

    VERY_GOOD = "svaert_god", "Svært god"
    GOOD = "god", "God"
    NEITHER = "verken_eller", "Verken god eller dårlig"
    POOR = "darlig", "Dårlig"
    VERY_POOR = "svaert_darlig", "Svært dårlig"
    DONT_KNOW = "vet_ikke", "Vet ikke"
    NOT_FAMILIAR = "kjenner_ikke_til", "Kjenner ikke til"


class Survey(models.Model):
    """One year's municipal survey: open from ``opens_on`` to ``closes_on`` (inclusive)."""

    year = models.PositiveSmallIntegerField("år", unique=True)
    title = models.CharField("tittel", max_length=200)
    opens_on = models.DateField("åpner")
    closes_on = models.DateField("svarfrist")
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "kommuneundersøkelse"
        verbose_name_plural = "kommuneundersøkelser"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="survey_period"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Questionnaire(models.Model):
    """The questionnaire of one role in one year's survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questionnaires")
    role = models.CharField("rolle", max_length=30, choices=SurveyRole.choices)
    title = models.CharField("tittel", max_length=200)
    introduction = models.TextField("innledning", blank=True)
    includes_city_districts = models.BooleanField(
        "Oslos bydeler svarer",
        default=False,
        help_text="Oslos bydeler inviteres i tillegg til kommunene.",
    )

    class Meta:
        verbose_name = "spørreskjema"
        verbose_name_plural = "spørreskjemaer"
        ordering = ["survey", "role"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "role"], name="questionnaire_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey.year}: {self.get_role_display()}"


class Question(models.Model):
    """One question. ``code`` is stable across years, so a Likert item can be compared with last
    year's. ``choices`` lists the options of single and multiple choice questions, ``scale`` the
    scale of a Likert item (``scales.py``). Skip logic:
    the question is shown only when ``show_if_question`` was answered with ``show_if_value``."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField("nummer")
    code = models.SlugField("kode", max_length=60)
    kind = models.CharField("type", max_length=10, choices=QuestionKind.choices)
    text = models.TextField("spørsmål")
    help_text = models.TextField("hjelpetekst", blank=True)
    group = models.CharField(
        "gruppe",
        max_length=200,
        blank=True,
        help_text="Skalaspørsmål med samme gruppe vises i samme figur.",
    )
    choices = models.JSONField("svaralternativer", default=list, blank=True)
    scale = models.CharField(
        "skala",
        max_length=20,
        choices=SCALE_CHOICES,
        default=DEFAULT_SCALE,
        help_text="Bare for skalaspørsmål.",
    )
    required = models.BooleanField("må besvares", default=False)
    show_if_question = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependants",
        verbose_name="vis bare hvis spørsmål",
    )
    show_if_value = models.CharField("er besvart med", max_length=200, blank=True)

    class Meta:
        verbose_name = "spørsmål"
        verbose_name_plural = "spørsmål"
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="question_position_once"
            ),
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class InvitationStatus(models.TextChoices):
    INVITED = "invited", "Invitert"
    DRAFT = "draft", "Påbegynt"
    SUBMITTED = "submitted", "Besvart"


class Invitation(models.Model):
    """One unit invited to answer one questionnaire: a municipality, or one of Oslo's city
    districts (``district_number`` set, e.g. ``030101``). The link's token is shown once, when it
    is made; only its SHA-256 is stored, so a database copy gives no working links."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="invitations"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name="kommune"
    )
    district_number = models.CharField("bydelsnummer", max_length=6, blank=True)
    district_name = models.CharField("bydel", max_length=100, blank=True)
    recipient_email = models.EmailField("e-post til mottaker", blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        "status", max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.INVITED
    )
    sent_at = models.DateTimeField("lenke sendt", null=True, blank=True)
    reminded_at = models.DateTimeField("sist purret", null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField("purringer", default=0)
    draft_saved_at = models.DateTimeField("utkast lagret", null=True, blank=True)
    submitted_at = models.DateTimeField("sendt inn", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "invitasjon"
        verbose_name_plural = "invitasjoner"
        ordering = ["questionnaire", "municipality__number", "district_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "municipality", "district_number"],
                name="invitation_unit_once",
            ),
            models.CheckConstraint(
                condition=Q(district_number="") | Q(district_number__regex=r"^[0-9]{6}$"),
                name="invitation_district_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} – {self.questionnaire}"

    @property
    def unit_id(self) -> str:
        """The unit's id in files: the municipality number, or the city district number."""
        return self.district_number or self.municipality.number

    @property
    def unit_name(self) -> str:
        return self.district_name or self.municipality.name


class Answer(models.Model):
    """One invitation's answer to one question: a string (single choice, Likert, text) or a list
    of strings (multiple choice) in ``value``."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField("svar")

    class Meta:
        verbose_name = "svar"
        verbose_name_plural = "svar"
        ordering = ["invitation", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "question"], name="answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.invitation.unit_id} {self.question.code}"


class AnswerTag(models.Model):
    """A theme the analyst gives an open answer, to group the answers of a question."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField("tema", max_length=80)
    tagged_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "tema"
        verbose_name_plural = "temaer"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["answer", "name"], name="answer_tag_once")]

    def __str__(self) -> str:
        return self.name


class MunicipalFeatures(models.Model):
    """A municipality's features in one year, for the non-response analysis (seed 004 table 2).
    Imported by the analyst; ``centrality`` is SSB's centrality index (0-1000, higher is more
    central, so a positive r means central municipalities answer more, as in seed 004)."""

    year = models.PositiveSmallIntegerField("år")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name="kommune"
    )
    population = models.PositiveIntegerField("innbyggere")
    immigrants = models.PositiveIntegerField("innvandrere")
    centrality = models.PositiveSmallIntegerField("sentralitetsindeks")
    settled_last_5_years = models.PositiveIntegerField("bosatte siste 5 år")
    settled_last_10_years = models.PositiveIntegerField("bosatte siste 10 år")

    class Meta:
        verbose_name = "kommunekjennetegn"
        verbose_name_plural = "kommunekjennetegn"
        ordering = ["year", "municipality__number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "municipality"], name="municipal_features_once")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"

    @property
    def immigrant_share(self) -> float:
        return self.immigrants / self.population if self.population else 0.0


# --- Sending e-mail (both surveys) -----------------------------------------------------------


class MailingKind(models.TextChoices):
    CAPACITY_REMINDERS = "capacity_reminders", "Purring på kapasitetskartleggingen"
    SURVEY_LINKS = "survey_links", "Lenker"
    SURVEY_REMINDERS = "survey_reminders", "Purring"


MAILING_STALE_MESSAGE = (
    "Utsendingen stoppet uten å bli ferdig (arbeidsprosessen ble avbrutt). E-poster som alt var "
    "sendt, er registrert. Start utsendingen på nytt for å sende resten."
)


class Mailing(Job):
    """One sending of e-mail by the background worker: a capacity round's reminders, or a
    municipal survey's links or reminders. Pages show its state and counts while it runs; a
    sending whose worker died is failed by the stale-job check (``jobs.py``)."""

    kind = models.CharField("utsending", max_length=20, choices=MailingKind.choices)
    round = models.ForeignKey(
        CapacityRound,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mailings",
        verbose_name="runde",
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mailings",
        verbose_name="undersøkelse",
    )
    requested_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("lagt i kø", default=timezone.now)
    sent = models.PositiveIntegerField("sendt", default=0)
    total = models.PositiveIntegerField("mottakere", default=0)
    result = models.JSONField("resultat", default=dict, blank=True)

    job_fields = JobFields(progress="sent", total="total", stale_message=MAILING_STALE_MESSAGE)

    class Meta:
        verbose_name = "utsending"
        verbose_name_plural = "utsendinger"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=MailingKind.CAPACITY_REMINDERS, round__isnull=False, survey__isnull=True)
                    | Q(
                        kind__in=[MailingKind.SURVEY_LINKS, MailingKind.SURVEY_REMINDERS],
                        survey__isnull=False,
                        round__isnull=True,
                    )
                ),
                name="mailing_of_round_or_survey",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%d.%m.%Y %H:%M}"

    @property
    def running(self) -> bool:
        return self.status in {JobStatus.QUEUED, JobStatus.RUNNING}

    @property
    def reminder(self) -> bool:
        return self.kind != MailingKind.SURVEY_LINKS


# --- The report as PDF, built in the background ----------------------------------------------


REPORT_STALE_MESSAGE = "Rapporten ble ikke ferdig (arbeidsprosessen ble avbrutt). Lag den på nytt."


class ReportBuild(Job):
    """One build of a municipal survey's report as PDF by the background worker: the figures
    compared with ``compare_years``, its progress in steps (one per figure, then the layout),
    and the finished PDF."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="report_builds", verbose_name="undersøkelse"
    )
    compare_years = models.JSONField("sammenlignet med", default=list, blank=True)
    requested_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("lagt i kø", default=timezone.now)
    steps_done = models.PositiveIntegerField("steg ferdig", default=0)
    steps_total = models.PositiveIntegerField("steg i alt", default=0)
    step = models.CharField("steg", max_length=200, blank=True)
    pdf = models.BinaryField("PDF", null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField("sider", default=0)

    job_fields = JobFields(
        progress="steps_done", total="steps_total", stale_message=REPORT_STALE_MESSAGE
    )

    class Meta:
        verbose_name = "rapportbygging"
        verbose_name_plural = "rapportbygginger"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Rapport {self.survey.year} {self.created_at:%d.%m.%Y %H:%M}"

    @property
    def running(self) -> bool:
        return self.status in {JobStatus.QUEUED, JobStatus.RUNNING}

    @property
    def percent(self) -> int:
        return 100 * self.steps_done // self.steps_total if self.steps_total else 0
