"""Forms of the programme (its lifecycle, decisions, appeals, benefit runs, grant claims): what
the caseworker types, parsed; the rules are in the services, which answer with errors the form
shows next to the fields."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from integrering.accounts.access import programme_municipality_ids
from integrering.organisations.models import Municipality
from integrering.rules.benefit import INTEGRATION_ACT, INTRODUCTION_ACT
from integrering.ui.forms import DateInput, DecimalCommaField, DsForm

from .models import (
    Appeal,
    AppealStatus,
    Decision,
    DecisionKind,
    DecisionStatus,
    EndReason,
    ExtensionKind,
    LeaveReason,
    Participation,
)
from .periods import final_goals
from .services.benefit_run import month_parse
from .services.decisions import TEXT_REQUIRED
from .services.extensions import ExtensionInput, NorwegianExtensionInput
from .services.grant_claims import GRANTS, MAX_YEAR, MIN_YEAR
from .services.lifecycle import LeaveInput, StartInput
from .services.package_report import report_packages

INVALID_DATE = "Ugyldig dato; bruk dd.mm.åååå."


def _date(
    label: str, *, required: bool = True, help_text: str = "", missing: str = ""
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"required": missing or f"Oppgi {label.lower()}.", "invalid": INVALID_DATE},
    )


def _text(
    label: str, *, required: bool = True, rows: int = 3, missing: str = "", help_text: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": missing or f"Skriv {label.lower()}."},
    )


def final_goal_choices(on: datetime.date) -> list[tuple[str, str]]:
    """Every final goal either Act offers on a date; the service checks the one the Act allows."""
    choices: dict[str, str] = {}
    for act, label in (
        (INTEGRATION_ACT, "integreringsloven"),
        (INTRODUCTION_ACT, "introduksjonsloven"),
    ):
        for goal in final_goals(act=act, starts_on=on).values():
            text = f"{goal.description} ({goal.min_months}–{goal.max_months} mnd., {label})"
            choices.setdefault(goal.goal, text)
    return list(choices.items())


class StartForm(DsForm):
    starts_on = _date("Startdato", missing="Oppgi når programmet starter.")
    permit_date = _date(
        "Dato for oppholdstillatelse",
        required=False,
        help_text="Avgjør om introduksjonsloven (før 1.1.2021) eller integreringsloven gjelder.",
    )
    final_goal = forms.ChoiceField(label="Sluttmål", error_messages={"required": "Velg sluttmål."})
    planned_months = forms.IntegerField(
        label="Planlagt varighet (måneder)",
        min_value=1,
        error_messages={
            "required": "Oppgi hvor mange måneder programmet skal vare.",
            "invalid": "Skriv et helt antall måneder.",
            "min_value": "Programmet må vare minst én måned.",
        },
    )
    full_time = forms.BooleanField(label="Heltid", required=False, initial=True)
    collective_protection = forms.BooleanField(label="Kollektiv beskyttelse", required=False)
    lives_with_parent = forms.BooleanField(
        label="Bor med forelder (gjelder deltakere under 25 år)", required=False
    )
    norwegian_training_ends_on = _date("Norskopplæringen avsluttes", required=False)
    reasoning = _text("Begrunnelse i vedtaket", required=False, rows=4)

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["final_goal"].choices = [("", "Velg sluttmål"), *final_goal_choices(today)]  # type: ignore[attr-defined]

    def to_input(self) -> StartInput:
        d = self.cleaned_data
        return StartInput(
            starts_on=d["starts_on"],
            final_goal=d["final_goal"],
            planned_months=d["planned_months"],
            full_time=d["full_time"],
            collective_protection=d["collective_protection"],
            lives_with_parent=d["lives_with_parent"],
            permit_date=d["permit_date"],
            norwegian_training_ends_on=d["norwegian_training_ends_on"],
            reasoning=d["reasoning"],
        )


class LeaveForm(DsForm):
    from_on = _date("Fra og med", missing="Oppgi første dag i permisjonen.")
    to_on = _date("Til og med", missing="Oppgi siste dag i permisjonen.")
    leave_reason = forms.ChoiceField(
        label="Årsak",
        choices=[("", "Velg årsak"), *LeaveReason.choices],
        error_messages={"required": "Velg årsak til permisjonen."},
    )
    sick_percent = forms.IntegerField(
        label="Sykmeldt (prosent)",
        required=False,
        help_text=(
            "Bare ved sykdom. En deltaker på heltid med kollektiv beskyttelse kan ikke være "
            "delvis sykmeldt."
        ),
        error_messages={"invalid": "Skriv et helt tall fra 1 til 100."},
    )
    with_benefit = forms.BooleanField(label="Med stønad", required=False)
    reason = _text("Begrunnelse", missing="Skriv hvorfor permisjonen gis.")

    def to_input(self) -> LeaveInput:
        d = self.cleaned_data
        return LeaveInput(
            from_on=d["from_on"],
            to_on=d["to_on"],
            leave_reason=d["leave_reason"],
            with_benefit=d["with_benefit"],
            reason=d["reason"],
            sick_percent=d["sick_percent"],
        )


class StopForm(DsForm):
    from_on = _date("Stans fra og med", missing="Oppgi første dag med stans.")
    reason = _text(
        "Hvorfor stans er saklig begrunnet i deltakerens forhold",
        rows=5,
        missing="Skriv hvorfor stans er saklig begrunnet i deltakerens forhold.",
    )


class ResumeForm(DsForm):
    resumed_on = _date("Gjenopptas fra og med", missing="Oppgi når programmet gjenopptas.")


class AbsenceForm(DsForm):
    on = _date("Dato", missing="Oppgi dagen fraværet gjelder.")
    hours = DecimalCommaField(
        label="Timer",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
        error_messages={
            "required": "Oppgi antall timer.",
            "invalid": "Skriv et tall, for eksempel 2,5.",
        },
    )
    approved = forms.BooleanField(label="Godkjent fravær", required=False)
    reason = forms.CharField(label="Årsak", required=False, max_length=300)


YES_NO_UNSTATED = [("", "Ikke oppgitt"), ("yes", "Ja"), ("no", "Nei")]
RIGHT_AND_DUTY_LABEL = (
    "Har rett og plikt til opplæring i norsk og samfunnskunnskap etter introduksjonsloven § 17 "
    "første ledd"
)


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ExtensionForm(DsForm):
    kind = forms.ChoiceField(
        label="Type", choices=ExtensionKind.choices, initial=ExtensionKind.PROGRAMME
    )
    months = forms.IntegerField(
        label="Måneder",
        min_value=1,
        error_messages={
            "required": "Oppgi hvor mange måneder.",
            "invalid": "Skriv et helt antall måneder.",
            "min_value": "En forlengelse er minst én måned.",
        },
    )
    assessment = _text(
        "Individuell vurdering",
        rows=6,
        missing="Skriv den individuelle vurderingen.",
        help_text=(
            "Ordinær forlengelse: hvorfor det er grunn til å forvente at deltakeren når "
            "sluttmålet. Integreringspakkene: hvorfor deltakeren trenger mer tid for å komme i "
            "jobb eller utdanning. Utvidet opplæring i norsk: hvor lang utvidelsen skal være."
        ),
    )
    expected_to_reach_goal = forms.BooleanField(
        label="Ordinær forlengelse: det er grunn til å forvente at deltakeren når sluttmålet med "
        "en forlengelse",
        required=False,
    )
    integration_package = forms.BooleanField(
        label="Utvidet programtid etter integreringspakkene (covid-19)", required=False
    )
    needed_for_work_or_education = forms.BooleanField(
        label="Integreringspakkene: deltakeren har behov for utvidelse av programtiden for å "
        "komme i jobb eller utdanning",
        required=False,
    )
    norwegian_training_ends_on = _date(
        "Norskopplæringen ble eller blir avsluttet",
        required=False,
        help_text="Utvidet opplæring i norsk: tomt betyr datoen som er registrert i programmet.",
    )
    right_and_duty = forms.ChoiceField(
        label=RIGHT_AND_DUTY_LABEL,
        choices=YES_NO_UNSTATED,
        required=False,
        help_text="Utvidet opplæring i norsk, pakke II og III. Ikke oppgitt: ja for deltakere "
        "etter introduksjonsloven.",
    )

    def to_input(self) -> ExtensionInput:
        d = self.cleaned_data
        return ExtensionInput(
            months=d["months"],
            assessment=d["assessment"],
            expected_to_reach_goal=d["expected_to_reach_goal"],
            kind=d["kind"],
            integration_package=d["integration_package"],
            needed_for_work_or_education=d["needed_for_work_or_education"],
            norwegian_training_ends_on=d["norwegian_training_ends_on"],
            right_and_duty=_yes_no(d["right_and_duty"]),
        )


class NorwegianExtensionForm(DsForm):
    """Extended Norwegian training for a person, in the programme or not (seed 003)."""

    norwegian_training_ends_on = _date(
        "Norskopplæringen ble eller blir avsluttet",
        missing="Oppgi når opplæringen i norsk og samfunnskunnskap ble eller blir avsluttet.",
    )
    right_and_duty = forms.ChoiceField(
        label=RIGHT_AND_DUTY_LABEL,
        choices=YES_NO_UNSTATED,
        required=False,
        help_text="Kreves for pakke II og III.",
    )
    months = forms.IntegerField(
        label="Måneder",
        min_value=1,
        error_messages={
            "required": "Oppgi hvor mange måneder.",
            "invalid": "Skriv et helt antall måneder.",
            "min_value": "En utvidelse er minst én måned.",
        },
    )
    from_on = _date(
        "Fra og med",
        required=False,
        help_text="Tomt: dagen etter at opplæringen ble avsluttet.",
    )
    assessment = _text(
        "Kommunens vurdering av lengden",
        rows=5,
        missing="Skriv kommunens vurdering av hvor lang utvidelsen skal være.",
        help_text="Utvidelsen er ikke behovsprøvd; kommunen vurderer bare hvor lang den skal være.",
    )

    def to_input(self) -> NorwegianExtensionInput:
        d = self.cleaned_data
        return NorwegianExtensionInput(
            months=d["months"],
            assessment=d["assessment"],
            norwegian_training_ends_on=d["norwegian_training_ends_on"],
            right_and_duty=_yes_no(d["right_and_duty"]),
            from_on=d["from_on"],
        )


class FinalGoalForm(DsForm):
    """A revised final goal (the reinforced programme, seed 003), with the new planned length."""

    needs_participation = True

    final_goal = forms.ChoiceField(
        label="Nytt sluttmål", error_messages={"required": "Velg sluttmål."}
    )
    planned_months = forms.IntegerField(
        label="Varighet fra start (måneder)",
        min_value=1,
        error_messages={
            "required": "Oppgi hvor mange måneder programmet skal vare.",
            "invalid": "Skriv et helt antall måneder.",
            "min_value": "Programmet må vare minst én måned.",
        },
    )
    reasoning = _text("Begrunnelse", rows=5, missing="Skriv hvorfor sluttmålet endres.")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, participation: Participation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goals = final_goals(act=participation.act, starts_on=participation.starts_on)
        self.fields["final_goal"].choices = [  # type: ignore[attr-defined]
            (g.goal, f"{g.description} ({g.min_months}–{g.max_months} mnd.)")
            for g in goals.values()
        ]


class CareerGuidanceForm(DsForm):
    assessed_on = _date("Behovet vurdert", missing="Oppgi når behovet ble vurdert.")
    needed = forms.ChoiceField(
        label="Behov for karriereveiledning",
        choices=[("", "Velg"), ("yes", "Ja"), ("no", "Nei")],
        error_messages={"required": "Velg om deltakeren har behov for karriereveiledning."},
    )
    note = forms.CharField(
        label="Vurdering", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    given_on = _date("Karriereveiledning gitt", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EndForm(DsForm):
    ended_on = _date("Siste dag i programmet", missing="Oppgi siste dag i programmet.")
    end_reason = forms.ChoiceField(
        label="Årsak",
        choices=[("", "Velg årsak"), *EndReason.choices],
        error_messages={"required": "Velg årsak: arbeid, utdanning eller annet."},
    )
    end_note = forms.CharField(label="Merknad", required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UpdateForm(DsForm):
    lives_with_parent = forms.BooleanField(
        label="Bor med forelder (gjelder deltakere under 25 år)", required=False
    )
    norwegian_training_ends_on = _date("Norskopplæringen avsluttes", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- Decisions ------------------------------------------------------------------------------------


# Made by hand first; start, stop and extension are usually drafted by the programme's events.
KIND_ORDER = [
    DecisionKind.REFUSAL,
    DecisionKind.REDUCTION,
    DecisionKind.START,
    DecisionKind.STOP,
    DecisionKind.EXTENSION,
]


def _decision_text(label: str, name: str, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": TEXT_REQUIRED[name]},
        **kwargs,
    )


def _decision_date(label: str, required_message: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={"required": required_message, "invalid": "Ugyldig dato."},
        **kwargs,
    )


def _amount() -> DecimalCommaField:
    return DecimalCommaField(
        digit_groups=True,
        label="Beløp som trekkes (kr)",
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
        help_text="Bare for vedtak om trekk i introduksjonsstønaden.",
        error_messages={"invalid": "Skriv et beløp, for eksempel 1 250,50."},
    )


class DecisionCreateForm(DsForm):
    kind = forms.ChoiceField(
        label="Type vedtak",
        choices=[(kind.value, kind.label) for kind in KIND_ORDER],
        help_text=(
            "Vedtak om start, stans og forlengelse lages vanligvis som utkast når du "
            "registrerer hendelsen i programmet."
        ),
    )
    participation = forms.TypedChoiceField(
        label="Introduksjonsprogram",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "Ikke knyttet til et program")],
    )
    effective_on = _decision_date("Gjelder fra", "Oppgi datoen vedtaket gjelder fra.")
    amount = _amount()
    conclusion = _decision_text("Vedtak", "conclusion", help_text="Hva kommunen har bestemt.")
    facts = _decision_text("Faktiske forhold", "facts")
    reasoning = _decision_text("Begrunnelse", "reasoning")

    def __init__(self, *args: Any, participations: list[Participation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participation"].choices = [  # type: ignore[attr-defined]
            ("", "Ikke knyttet til et program"),
            *[
                (
                    p.pk,
                    f"Fra {p.starts_on:%d.%m.%Y}"
                    + (f" til {p.ended_on:%d.%m.%Y}" if p.ended_on else ""),
                )
                for p in participations
            ],
        ]


class DecisionEditForm(DsForm):
    subject = forms.CharField(
        label="Overskrift",
        max_length=200,
        error_messages={"required": "Skriv en overskrift for vedtaket."},
    )
    effective_on = _decision_date("Gjelder fra", "Oppgi datoen vedtaket gjelder fra.")
    amount = _amount()
    conclusion = _decision_text("Vedtak", "conclusion", help_text="Hva kommunen har bestemt.")
    facts = _decision_text("Faktiske forhold", "facts")
    reasoning = _decision_text("Begrunnelse", "reasoning")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if decision.kind != DecisionKind.REDUCTION:
            del self.fields["amount"]


class DecideForm(DsForm):
    decided_on = _decision_date("Vedtaksdato", "Oppgi vedtaksdatoen.")
    version = forms.IntegerField(widget=forms.HiddenInput)


class SendForm(DsForm):
    sent_on = _decision_date("Sendt dato", "Oppgi datoen vedtaket ble sendt.")
    received_on = forms.DateField(
        label="Mottatt av deltakeren",
        required=False,
        widget=DateInput(),
        help_text="Tom: samme dag som det ble sendt. Klagefristen regnes fra denne datoen.",
        error_messages={"invalid": "Ugyldig dato."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionFilterForm(DsForm):
    status = forms.ChoiceField(
        label="Status", choices=[("", "Alle"), *DecisionStatus.choices], required=False
    )


# --- Appeals --------------------------------------------------------------------------------------


LATE_HELP = (
    "Fyll ut når klagen kom etter klagefristen og likevel skal behandles, for eksempel fordi "
    "deltakeren ikke kan lastes for at den kom for sent (forvaltningsloven § 31)."
)


class AppealCreateForm(DsForm):
    received_on = forms.DateField(
        label="Klagen mottatt",
        widget=DateInput(),
        help_text="Datoen kommunen mottok klagen.",
        error_messages={
            "required": "Oppgi datoen kommunen mottok klagen.",
            "invalid": "Ugyldig dato.",
        },
    )
    grounds = forms.CharField(
        label="Klagerens anførsler",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Hva deltakeren klager på, og hvorfor.",
        error_messages={"required": "Skriv hva deltakeren klager på og hvorfor."},
    )
    late_heard_reason = forms.CharField(
        label="Hvorfor klagen behandles selv om den kom for sent",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=LATE_HELP,
    )


class ReviewForm(DsForm):
    """The municipality's review of an appeal; a prefix per action keeps the ids apart."""

    assessment = forms.CharField(
        label="Kommunens vurdering",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Skriv kommunens vurdering av klagen."},
    )
    late_heard_reason = forms.CharField(
        label="Hvorfor klagen behandles selv om den kom for sent",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=LATE_HELP,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, appeal: Appeal, action: str, **kwargs: Any) -> None:
        kwargs["prefix"] = action
        super().__init__(*args, **kwargs)
        if action == "dismiss":
            self.fields["assessment"].label = "Hvorfor klagen avvises"
            self.fields["assessment"].error_messages["required"] = "Skriv hvorfor klagen avvises."
        elif action == "forward":
            self.fields[
                "assessment"
            ].label = "Kommunens vurdering (innstilling til Statsforvalteren)"
        else:
            self.fields["assessment"].label = "Kommunens vurdering (hvorfor vedtaket endres)"
        if action == "dismiss" or not appeal.late or appeal.late_heard_reason:
            del self.fields["late_heard_reason"]


class AppealFilterForm(DsForm):
    status = forms.ChoiceField(
        label="Status", choices=[("", "Alle"), *AppealStatus.choices], required=False
    )


# --- The county governor's outcome of an appeal ---------------------------------------------------


OUTCOME_CHOICES = [
    (AppealStatus.UPHELD.value, "Stadfestet – vedtaket blir stående"),
    (AppealStatus.QUASHED.value, "Opphevet – kommunen må behandle saken på nytt"),
    (AppealStatus.CHANGED.value, "Omgjort – Statsforvalteren endrer vedtaket"),
]


class OutcomeForm(DsForm):
    outcome = forms.ChoiceField(
        label="Utfall",
        choices=OUTCOME_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Velg utfallet: stadfestet, opphevet eller omgjort."},
    )
    decided_on = forms.DateField(
        label="Vedtaksdato",
        widget=DateInput(),
        error_messages={"required": "Oppgi vedtaksdatoen.", "invalid": "Ugyldig dato."},
    )
    reasoning = forms.CharField(
        label="Statsforvalterens begrunnelse",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Skriv Statsforvalterens begrunnelse."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- Benefit runs ---------------------------------------------------------------------------------


class BenefitRunStartForm(DsForm):
    municipality = forms.ModelChoiceField(
        label="Kommune",
        queryset=Municipality.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": "Velg en kommune du arbeider for.",
            "required": "Velg kommunen.",
        },
    )
    month = forms.CharField(
        label="Måned",
        help_text="Skriv måneden som ÅÅÅÅ-MM, for eksempel 2024-05.",
        widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}),
        error_messages={"required": "Velg måneden stønaden skal beregnes for."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        served = Municipality.objects.filter(pk__in=programme_municipality_ids(user))
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = served.order_by("number")
        self.municipalities = list(field.queryset)
        if len(self.municipalities) == 1:
            self.initial.setdefault("municipality", self.municipalities[0].pk)
        self.initial.setdefault("month", f"{timezone.localdate():%Y-%m}")

    @property
    def single_municipality(self) -> Municipality | None:
        return self.municipalities[0] if len(self.municipalities) == 1 else None

    def clean_month(self) -> Any:
        try:
            return month_parse(self.cleaned_data["month"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


# --- Grant claims and the register export ---------------------------------------------------------


YEAR_ERRORS = {
    "required": "Oppgi budsjettåret.",
    "invalid": "Budsjettåret må være et årstall, for eksempel 2018.",
    "min_value": f"Budsjettåret må være {MIN_YEAR} eller senere.",
    "max_value": f"Budsjettåret må være {MAX_YEAR} eller tidligere.",
}
MUNICIPALITY_NUMBER = RegexValidator(r"^\d{4}$", "Kommunenummeret har fire siffer.")


def _municipality_field(municipalities: list[Municipality]) -> forms.CharField:
    """A select when the user serves several municipalities; a hidden field otherwise."""
    widget: forms.Widget
    if len(municipalities) > 1:
        widget = forms.Select(choices=[(m.number, f"{m.number} {m.name}") for m in municipalities])
    else:
        widget = forms.HiddenInput()
    return forms.CharField(
        label="Kommune", required=False, validators=[MUNICIPALITY_NUMBER], widget=widget
    )


class ClaimForm(DsForm):
    year = forms.IntegerField(
        label="Budsjettår", min_value=MIN_YEAR, max_value=MAX_YEAR, error_messages=YEAR_ERRORS
    )

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"] = _municipality_field(municipalities)


class ClaimExportForm(ClaimForm):
    grant = forms.ChoiceField(
        label="Tilskudd",
        choices=list(GRANTS.items()),
        error_messages={
            "required": "Oppgi tilskuddet: integration, norwegian, unaccompanied_minors eller packages.",
            "invalid_choice": "Ukjent tilskudd «%(value)s»; velg integration, norwegian, unaccompanied_minors eller packages.",
        },
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[("csv", "CSV"), ("xlsx", "Excel")],
        error_messages={
            "required": "Oppgi formatet: csv eller xlsx.",
            "invalid_choice": "Ukjent format «%(value)s»; velg csv eller xlsx.",
        },
    )


class PackageReportForm(DsForm):
    """The integration-package report: the municipality, the round (package) and, for a
    download, the format."""

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"] = _municipality_field(municipalities)
        packages = report_packages()
        self.fields["package"] = forms.ChoiceField(
            label="Rapportering",
            choices=[(p, f"Integreringspakke {p}") for p in packages],
            error_messages={
                "required": f"Velg rapporteringen: {' eller '.join(packages)}.",
                "invalid_choice": f"Ukjent rapportering «%(value)s»; velg {' eller '.join(packages)}.",
            },
        )
        self.fields["format"] = forms.ChoiceField(
            label="Format",
            required=False,
            choices=[("", "Ingen (vis siden)"), ("csv", "CSV"), ("xlsx", "Excel")],
            error_messages={"invalid_choice": "Ukjent format «%(value)s»; velg csv eller xlsx."},
        )


class RegisterForm(DsForm):
    """Municipality, an optional period (``from``, ``to``) and, for a download, the format."""

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"] = _municipality_field(municipalities)
        for name, label in (("from", "Fra og med"), ("to", "Til og med")):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=DateInput(),
                error_messages={"invalid": "Ugyldig dato; bruk åååå-mm-dd."},
            )
        self.fields["format"] = forms.ChoiceField(
            label="Format",
            required=False,
            choices=[("", "Ingen (vis siden)"), ("json", "JSON"), ("csv", "CSV")],
            error_messages={"invalid_choice": "Ukjent format «%(value)s»; velg json eller csv."},
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from") and data.get("to") and data["to"] < data["from"]:
            self.add_error("to", "Til-datoen kan ikke være før fra-datoen.")
        return data
