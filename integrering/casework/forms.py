"""Forms of the case: consent, deadlines, the individual plan, practice contracts and the
household import. The meetings' forms are in ``meeting_forms.py``."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils import timezone

from integrering.accounts.access import municipalities_served_by
from integrering.accounts.roles import Service
from integrering.organisations.models import Municipality
from integrering.people.imports import header_errors, upload_errors
from integrering.people.models import ConsentBasis, InformationCategory
from integrering.rules.parameters import RulesError
from integrering.ui.filters import DueField
from integrering.ui.forms import DateInput, DecimalCommaField, DsForm, InputHygiene, YearField
from integrering.ui.numbers import megabytes

from .models import DisabilityGrant, DisabilityGrantStatus, IndividualPlan, PracticeContract
from .services.consent import SHAREABLE_SERVICES, ConsentInput
from .services.disability_grant import DisabilityGrantInput
from .services.plan import (
    EvaluationInput,
    MeasureInput,
    PlanInput,
    final_goal_options,
    final_goals_description,
)
from .services.practice import (
    FIELDS,
    REQUIRED_MESSAGES,
    PracticeContractInput,
    full_time_hours,
    hours_text,
)


class ConsentForm(DsForm):
    """Seed 002 Vedlegg 3: which services may exchange which information, from when to when."""

    basis = forms.ChoiceField(
        label="Grunnlag",
        choices=ConsentBasis.choices,
        initial=ConsentBasis.CONSENT,
        widget=forms.RadioSelect,
    )
    services = forms.MultipleChoiceField(
        label="Tjenester som kan få og gi opplysninger",
        choices=[(s, Service(s).label) for s in SHAREABLE_SERVICES],
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label="Opplysninger som kan deles",
        choices=InformationCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[InformationCategory.PERSONAL],
    )
    valid_from = forms.DateField(label="Gjelder fra", widget=DateInput())
    valid_to = forms.DateField(label="Gjelder til", required=False, widget=DateInput())
    signed_on = forms.DateField(
        label="Signert dato",
        required=False,
        widget=DateInput(),
        help_text="Datoen personen (eller hjelpeverge) skrev under samtykkeerklæringen.",
    )
    signed_by_guardian = forms.CharField(
        label="Signert av hjelpeverge eller foresatt (navn)", max_length=150, required=False
    )
    legal_reference = forms.CharField(
        label="Lovhjemmel",
        max_length=200,
        required=False,
        help_text="Bare når grunnlaget er lovhjemmel, for eksempel barnevernloven § 13-2.",
    )
    remarks = forms.CharField(
        label="Merknader og begrensninger", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def to_input(self) -> ConsentInput:
        data = self.cleaned_data
        return ConsentInput(
            services=list(data["services"]),
            categories=list(data["categories"]),
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            signed_on=data["signed_on"],
            basis=data["basis"],
            legal_reference=data["legal_reference"],
            signed_by_guardian=data["signed_by_guardian"],
            remarks=data["remarks"],
        )


class ConsentWithdrawForm(DsForm):
    services = forms.MultipleChoiceField(
        label="Trekk tilbake for",
        choices=[(s, Service(s).label) for s in SHAREABLE_SERVICES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Velg ingen for å trekke hele samtykket tilbake.",
    )


class DeadlineFilterForm(DsForm):
    service = forms.ChoiceField(
        label="Tjeneste", choices=[("", "Alle tjenester"), *Service.choices], required=False
    )
    caseworker = forms.TypedChoiceField(
        label="Kontaktperson", coerce=int, choices=[("", "Alle")], required=False, empty_value=None
    )
    due = DueField()
    include_met = forms.BooleanField(label="Vis også oppfylte frister", required=False)


class NoticeFilterForm(DsForm):
    """The inbox's filters; the service is asked only of a user of more than one."""

    status = forms.ChoiceField(
        label="Vis",
        choices=[("nye", "Nye varsler"), ("mottatte", "Mottatte"), ("alle", "Alle")],
        required=False,
    )
    service = forms.ChoiceField(label="Tjeneste", choices=[("", "Alle")], required=False)
    due = DueField()

    def __init__(self, *args: Any, services: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(services) > 1:
            self.fields["service"].choices = [  # type: ignore[attr-defined]
                ("", "Alle tjenestene mine"),
                *[(s, Service(s).label) for s in services],
            ]
        else:
            del self.fields["service"]


class DeadlineMeetForm(DsForm):
    met_on = forms.DateField(label="Oppfylt dato", widget=DateInput())
    note = forms.CharField(label="Merknad", max_length=300, required=False)


class SettleForm(InputHygiene, forms.Form):
    """The settlement date of a household registered without one (posted from its page)."""

    settled_on = forms.DateField(label="Bosatt dato")


class PopulationRegistrationForm(InputHygiene, forms.Form):
    """The day a person was registered in the municipality (posted from the person's page)."""

    population_registered_on = forms.DateField(
        label="Folkeregistrert i kommunen",
        widget=DateInput(),
        error_messages={
            "required": "Oppgi datoen personen ble folkeregistrert.",
            "invalid": "Skriv datoen som dd.mm.åååå.",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput())


# --- The individual plan --------------------------------------------------------------------


class PlanForm(DsForm):
    """The plan's head: from when it applies, and the final goal (seed 002 §2.4)."""

    starts_on = forms.DateField(label="Planen gjelder fra", required=False, widget=DateInput())
    # The choices come from ``programme/length_by_final_goal`` on the plan's start date; the
    # service checks the key against the same parameter.
    final_goal = forms.CharField(label="Sluttmål", required=False, widget=forms.RadioSelect)
    final_goal_text = forms.CharField(
        label="Sluttmålet beskrevet",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Hva deltakeren sikter mot, for eksempel et yrke, en utdanning eller arbeid.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        on = self._choices_date()
        self.fields["final_goal"].widget.choices = [
            (o.key, o.label) for o in final_goal_options(on)
        ]
        self.fields["final_goal"].help_text = final_goals_description()

    def _choices_date(self) -> datetime.date:
        if self.is_bound:
            try:
                posted = self.fields["starts_on"].clean(self.data.get("starts_on"))
            except ValidationError:
                posted = None
            if posted:
                return posted  # type: ignore[no-any-return]
        initial = self.initial.get("starts_on")
        return initial if isinstance(initial, datetime.date) else timezone.localdate()


class GoalForm(DsForm):
    text = forms.CharField(label="Delmål", required=False, max_length=300)


class MeasureForm(DsForm):
    description = forms.CharField(label="Tiltak", required=False, max_length=300)
    goal = forms.CharField(label="Hører til delmål", required=False, widget=forms.Select)
    service = forms.CharField(
        label="Ansvarlig tjeneste",
        required=False,
        widget=forms.Select(choices=[("", "Velg tjeneste"), *Service.choices]),
    )
    starts_on = forms.DateField(label="Fra", required=False, widget=DateInput())
    ends_on = forms.DateField(label="Til", required=False, widget=DateInput())
    done = forms.BooleanField(label="Gjennomført", required=False)

    def __init__(self, *args: Any, goal_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].widget.choices = goal_choices

    def is_used(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("description", "service", "starts_on", "ends_on"))


class EvaluationForm(DsForm):
    """An evaluation of the plan with the participant (seed 002 §2.4: at least twice a year)."""

    evaluated_on = forms.DateField(
        label="Dato for evalueringen", required=False, widget=DateInput()
    )
    summary = forms.CharField(
        label="Vurdering",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Hva dere kom fram til sammen med deltakeren: hvordan det går med delmålene og "
        "tiltakene, og hva som skal endres.",
    )
    interpreter_used = forms.ChoiceField(
        label="Ble det brukt tolk?",
        required=False,
        choices=[("yes", "Ja"), ("no", "Nei")],
        widget=forms.RadioSelect,
    )

    def to_input(self) -> EvaluationInput:
        data = self.cleaned_data
        interpreter = {"yes": True, "no": False}.get(data.get("interpreter_used") or "")
        return EvaluationInput(
            evaluated_on=data.get("evaluated_on"),
            summary=data.get("summary") or "",
            interpreter_used=interpreter,
        )


class PlanForms:
    """The plan form and its two formsets (goals, measures), bound or not, saved as one."""

    def __init__(
        self, *, plan: IndividualPlan | None, data: Any = None, goals_extra: int = 2
    ) -> None:
        today = timezone.localdate()
        if plan is None:
            initial: dict[str, Any] = {"starts_on": today, "version": 0}
            goals: list[dict[str, Any]] = []
            measures: list[dict[str, Any]] = []
        else:
            initial = {
                "starts_on": plan.starts_on,
                "final_goal": plan.final_goal,
                "final_goal_text": plan.final_goal_text,
                "version": plan.version,
            }
            goal_rows = list(plan.goals.all())
            number = {g.pk: str(n) for n, g in enumerate(goal_rows, start=1)}
            goals = [{"text": g.text} for g in goal_rows]
            measures = [
                {
                    "description": m.description,
                    "goal": number.get(m.goal_id or 0, ""),
                    "service": m.service,
                    "starts_on": m.starts_on,
                    "ends_on": m.ends_on,
                    "done": m.done,
                }
                for m in plan.measures.all()
            ]
        self.form = PlanForm(data, initial=initial)
        goal_formset = formset_factory(GoalForm, extra=max(goals_extra, 3 - len(goals)))
        self.goals: BaseFormSet = goal_formset(data, initial=goals, prefix="goals")
        for n, form in enumerate(self.goals.forms, start=1):
            form.fields["text"].label = f"Delmål {n}"
        goal_choices = [("", "Ikke knyttet til et delmål")] + [
            (str(n), f"Delmål {n}: {_short(g['text'])}" if g.get("text") else f"Delmål {n}")
            for n, g in enumerate(goals + [{}] * (len(self.goals.forms) - len(goals)), start=1)
        ]
        measure_formset = formset_factory(MeasureForm, extra=max(2, 3 - len(measures)))
        self.measures: BaseFormSet = measure_formset(
            data,
            initial=measures,
            prefix="measures",
            form_kwargs={"goal_choices": goal_choices},
        )
        self.goal_rows: list[int] = []
        self.measure_rows: list[int] = []

    def is_valid(self) -> bool:
        # Evaluate all three so each shows its own errors.
        results = [self.form.is_valid(), self.goals.is_valid(), self.measures.is_valid()]
        return all(results)

    @property
    def version(self) -> int:
        return int(self.form.cleaned_data.get("version") or 0)

    def to_input(self) -> PlanInput:
        """The plan as the service takes it; blank rows are left out (that removes them)."""
        goals: list[str] = []
        goal_index: dict[int, int] = {}
        self.goal_rows = []
        for row, form in enumerate(self.goals.forms):
            text = (form.cleaned_data.get("text") or "").strip()
            if text:
                goal_index[row + 1] = len(goals)
                goals.append(text)
                self.goal_rows.append(row)
        measures: list[MeasureInput] = []
        self.measure_rows = []
        for row, form in enumerate(self.measures.forms):
            if not form.is_used():
                continue
            data = form.cleaned_data
            goal: int | None = None
            if data.get("goal"):
                number = int(data["goal"]) if str(data["goal"]).isdigit() else 0
                goal = goal_index.get(number, -1)  # -1: the service says the goal is missing
            measures.append(
                MeasureInput(
                    description=data.get("description") or "",
                    service=data.get("service") or "",
                    starts_on=data.get("starts_on"),
                    ends_on=data.get("ends_on"),
                    done=bool(data.get("done")),
                    goal=goal,
                )
            )
            self.measure_rows.append(row)
        head = self.form.cleaned_data
        return PlanInput(
            final_goal=head.get("final_goal") or "",
            final_goal_text=head.get("final_goal_text") or "",
            starts_on=head.get("starts_on"),
            goals=goals,
            measures=measures,
        )

    def add_errors(self, error: ValidationError) -> None:
        """Put the service's errors next to their fields (keys as the forms name them)."""
        for key, messages_ in error.message_dict.items():
            match = re.fullmatch(r"(goals|measures)-(\d+)-(\w+)", key)
            for message in messages_:
                if match is None:
                    self.form.add_error(key if key in self.form.fields else None, message)
                    continue
                which, index, name = match.group(1), int(match.group(2)), match.group(3)
                rows, formset = (
                    (self.goal_rows, self.goals)
                    if which == "goals"
                    else (self.measure_rows, self.measures)
                )
                form = formset.forms[rows[index]]
                form.add_error(name if name in form.fields else None, message)


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


# --- Practice contracts ---------------------------------------------------------------------


def _max_length(name: str) -> int | None:
    return getattr(PracticeContract._meta.get_field(name), "max_length", None)


def _text(label: str, name: str, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    messages_ = {"required": REQUIRED_MESSAGES[name]} if required else {}
    return forms.CharField(
        label=label,
        required=required,
        max_length=_max_length(name),
        error_messages=messages_,
        **kwargs,
    )


def _area(label: str, name: str, **kwargs: Any) -> forms.CharField:
    return _text(label, name, widget=forms.Textarea(attrs={"rows": 4}), **kwargs)


class PracticeContractForm(DsForm):
    """The fields of seed 002 Vedlegg 1, in the order of the paper form."""

    employer_name = _text("Bedriftens navn", "employer_name")
    employer_address = _text("Adresse", "employer_address")
    workplace = _text("Arbeidssted eller avdeling", "workplace", required=False)
    supervisor_name = _text("Veileder på arbeidsplassen", "supervisor_name")
    supervisor_phone = _text("Veileders telefon", "supervisor_phone", required=False)
    starts_on = forms.DateField(
        label="Første dag",
        widget=DateInput(),
        error_messages={"required": REQUIRED_MESSAGES["starts_on"], "invalid": "Ugyldig dato."},
    )
    ends_on = forms.DateField(
        label="Siste dag",
        widget=DateInput(),
        error_messages={"required": REQUIRED_MESSAGES["ends_on"], "invalid": "Ugyldig dato."},
    )
    hours_per_week = DecimalCommaField(
        label="Timer per uke",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        error_messages={
            "required": REQUIRED_MESSAGES["hours_per_week"],
            "invalid": "Skriv et tall, for eksempel 22,5.",
        },
    )
    working_hours = _text(
        "Arbeidstid for deltakeren",
        "working_hours",
        help_text="For eksempel «mandag–torsdag 08.30–14.30».",
    )
    goal = _area(
        "Målsetting",
        "goal",
        help_text="Beskriv hva deltakeren skal oppnå med kvalifiseringen.",
    )
    tasks = _area("Arbeidsoppgaver", "tasks")
    contact_person = _text("Kontaktperson i introduksjonsprogrammet", "contact_person")
    employer_responsibility = _area("Arbeidsgivers ansvar", "employer_responsibility")
    contact_responsibility = _area("Kontaktpersonens ansvar", "contact_responsibility")
    programme_responsibility = _area("Introduksjonsprogrammets ansvar", "programme_responsibility")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SECTIONS = (
        (
            "Arbeidsplass",
            (
                "employer_name",
                "employer_address",
                "workplace",
                "supervisor_name",
                "supervisor_phone",
            ),
        ),
        ("Periode og arbeidstid", ("starts_on", "ends_on", "hours_per_week", "working_hours")),
        ("Målsetting og arbeidsoppgaver", ("goal", "tasks")),
        (
            "Ansvarsavklaring",
            (
                "contact_person",
                "employer_responsibility",
                "contact_responsibility",
                "programme_responsibility",
            ),
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            full_time = hours_text(full_time_hours(timezone.localdate()))
        except RulesError:  # pragma: no cover - the parameter has a value from 2004
            return
        self.fields[
            "hours_per_week"
        ].help_text = f"Høyst fulltid i introduksjonsprogrammet: {full_time} timer."

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def to_input(self) -> PracticeContractInput:
        return PracticeContractInput(**{name: self.cleaned_data[name] for name in FIELDS})


# --- The household import -------------------------------------------------------------------


class HouseholdImportForm(DsForm):
    municipality = forms.ModelChoiceField(
        label="Kommune",
        queryset=Municipality.objects.none(),
        empty_label=None,
        help_text="Husstandene registreres her når kolonnen «kommune» er tom.",
        error_messages={
            "invalid_choice": "Velg en kommune du arbeider for.",
            "required": "Velg kommunen husstandene skal registreres i.",
        },
    )
    file = forms.FileField(
        label="Fil med husstander",
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={
            "required": "Velg en fil å laste opp.",
            "empty": "Filen er tom.",
            "invalid": "Velg en fil å laste opp.",
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        served = municipalities_served_by(user)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = served.order_by("number")
        organisation = getattr(user, "organisation", None)
        if organisation is not None and organisation.municipality_id:
            self.initial.setdefault("municipality", organisation.municipality_id)
        self.fields["file"].help_text = (
            "CSV (UTF-8, med semikolon eller komma mellom feltene) eller Excel (.xlsx, første ark), "
            f"høyst {megabytes(settings.IMPORT_MAX_BYTES)}. Første rad er kolonnenavnene; "
            'se <a class="ds-link" href="#kolonner">kolonnene filen kan ha</a>.'
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        problems = upload_errors(
            filename=upload.name,
            content_type=upload.content_type or "",
            size=upload.size,
            max_bytes=settings.IMPORT_MAX_BYTES,
        )
        if not problems:
            content = upload.read()
            problems = header_errors(filename=upload.name, content=content)
        if problems:
            raise forms.ValidationError(problems)
        self.cleaned_data["content"] = content
        return upload


# --- The disability grant (ekstratilskudd, seed 002 §3.1) -------------------------------------


def _kroner(label: str, *, help_text: str = "") -> DecimalCommaField:
    return DecimalCommaField(
        label=label,
        required=False,
        digit_groups=True,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 14}),
        error_messages={
            "invalid": "Skriv et beløp i kroner, for eksempel 250 000.",
            "min_value": "Beløpet må være null kroner eller mer.",
            "max_digits": "Beløpet er for stort.",
            "max_decimal_places": "Skriv beløpet med høyst to desimaler (øre).",
        },
    )


class DisabilityGrantForm(DsForm):
    """An application for one budget year: which grant, the documented need and documentation."""

    grant = forms.TypedChoiceField(
        label="Tilskudd",
        coerce=int,
        choices=DisabilityGrant.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Velg tilskudd 1 (engangstilskudd) eller tilskudd 2 (årlig)."},
        help_text="Tilskudd 1 er et engangsbeløp i første eller andre bosettingsår. Tilskudd 2 "
        "gis hvert år i inntil fem år etter bosetting, etter dokumenterte ekstraordinære utgifter.",
    )
    budget_year = YearField(label="Budsjettår", required_message="Oppgi budsjettåret.")
    documented_need = _kroner(
        "Dokumentert behov i året (kroner)",
        help_text="Tilskudd 2: de ekstraordinære utgiftene kommunen har dokumentert for året.",
    )
    documentation_note = forms.CharField(
        label="Dokumentasjon",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Hva som sendes med: legeerklæring, vedtak om tjenester, beregning av "
        "utgiftene. Må fylles ut før søknaden sendes.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def to_input(self) -> DisabilityGrantInput:
        data = self.cleaned_data
        return DisabilityGrantInput(
            grant=data["grant"],
            budget_year=data["budget_year"],
            documented_need=data.get("documented_need"),
            documentation_note=data.get("documentation_note") or "",
        )


class DisabilityGrantSendForm(DsForm):
    """Shown on the application's page beside the draft's form: ids of its own (``send_...``)."""

    sent_on = forms.DateField(
        label="Sendt til IMDi",
        widget=DateInput(),
        error_messages={"required": "Oppgi datoen søknaden ble sendt.", "invalid": "Ugyldig dato."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "send_%s")
        super().__init__(*args, **kwargs)


class DisabilityGrantDecisionForm(DsForm):
    """The directorate's decision, on the application's page (ids ``decision_...``)."""

    status = forms.ChoiceField(
        label="Vedtak fra IMDi",
        choices=[
            (DisabilityGrantStatus.GRANTED.value, DisabilityGrantStatus.GRANTED.label),
            (DisabilityGrantStatus.REFUSED.value, DisabilityGrantStatus.REFUSED.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Velg innvilget eller avslått."},
    )
    decided_on = forms.DateField(
        label="Vedtaksdato",
        widget=DateInput(),
        error_messages={"required": "Oppgi vedtaksdatoen.", "invalid": "Ugyldig dato."},
    )
    granted_amount = _kroner("Innvilget beløp (kroner)", help_text="Når søknaden er innvilget.")
    decision_note = forms.CharField(
        label="Merknad eller begrunnelse",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ved avslag: begrunnelsen fra IMDi.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "decision_%s")
        super().__init__(*args, **kwargs)


class DisabilityGrantListForm(DsForm):
    """Which municipality's applications to list, for which budget year and status."""

    municipality = forms.ChoiceField(label="Kommune", required=False)
    year = YearField(label="Budsjettår", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Alle"), *DisabilityGrantStatus.choices],
    )

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [  # type: ignore[attr-defined]
            (m.number, f"{m.number} {m.name}") for m in municipalities
        ]
