"""Forms of the programme's lifecycle: what the caseworker types, parsed; the rules are in the
services, which answer with errors the form shows next to the fields."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from integrering.rules.benefit import INTEGRATION_ACT, INTRODUCTION_ACT
from integrering.ui.forms import DateInput, DecimalCommaField, DsForm

from .models import EndReason, ExtensionKind, LeaveReason
from .periods import final_goals
from .services.lifecycle import ExtensionInput, LeaveInput, StartInput

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
        help_text="Bare ved sykdom. En deltaker på heltid kan ikke være delvis sykmeldt.",
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
        help_text="Hvorfor det er grunn til å forvente at deltakeren når sluttmålet med forlengelsen.",
    )
    expected_to_reach_goal = forms.BooleanField(
        label="Det er grunn til å forvente at deltakeren når sluttmålet med en forlengelse",
        required=False,
    )
    integration_package = forms.BooleanField(
        label="Forlengelse etter integreringspakkene (covid-19)", required=False
    )

    def to_input(self) -> ExtensionInput:
        d = self.cleaned_data
        return ExtensionInput(
            months=d["months"],
            assessment=d["assessment"],
            expected_to_reach_goal=d["expected_to_reach_goal"],
            kind=d["kind"],
            integration_package=d["integration_package"],
        )


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
