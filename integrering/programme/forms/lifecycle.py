"""Forms of a participant's way through the programme: start, leave, stop and resume, absence,
a revised final goal, career guidance, the end and small updates. The rules are in the services
(``services/lifecycle.py``; the final goal and career guidance in ``services/extensions.py``),
which answer with errors the form shows next to the fields."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from integrering.rules.benefit import INTEGRATION_ACT, INTRODUCTION_ACT
from integrering.ui.forms import DecimalCommaField, DsForm

from ..models import EndReason, LeaveReason, Participation
from ..periods import final_goals
from ..services.lifecycle import LeaveInput, StartInput
from .fields import date_field, text_field


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
    starts_on = date_field("Startdato", missing="Oppgi når programmet starter.")
    permit_date = date_field(
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
    norwegian_training_ends_on = date_field("Norskopplæringen avsluttes", required=False)
    reasoning = text_field("Begrunnelse i vedtaket", required=False, rows=4)

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
    from_on = date_field("Fra og med", missing="Oppgi første dag i permisjonen.")
    to_on = date_field("Til og med", missing="Oppgi siste dag i permisjonen.")
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
    reason = text_field("Begrunnelse", missing="Skriv hvorfor permisjonen gis.")

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
    from_on = date_field("Stans fra og med", missing="Oppgi første dag med stans.")
    reason = text_field(
        "Hvorfor stans er saklig begrunnet i deltakerens forhold",
        rows=5,
        missing="Skriv hvorfor stans er saklig begrunnet i deltakerens forhold.",
    )


class ResumeForm(DsForm):
    resumed_on = date_field("Gjenopptas fra og med", missing="Oppgi når programmet gjenopptas.")


class AbsenceForm(DsForm):
    on = date_field("Dato", missing="Oppgi dagen fraværet gjelder.")
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


class AbsenceCorrectForm(AbsenceForm):
    """A correction of an entry: its values as they should be, why, and the version seen."""

    change_reason = text_field(
        "Begrunnelse for endringen",
        missing="Skriv hvorfor fraværet endres.",
        help_text="Begrunnelsen lagres i historikken til fraværet.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AbsenceDeleteForm(DsForm):
    change_reason = text_field(
        "Begrunnelse for slettingen",
        missing="Skriv hvorfor fraværet slettes.",
        help_text="Fraværet tas ut av stønadsberegningen, men blir stående i historikken.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


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
    reasoning = text_field("Begrunnelse", rows=5, missing="Skriv hvorfor sluttmålet endres.")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, participation: Participation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goals = final_goals(act=participation.act, starts_on=participation.starts_on)
        self.fields["final_goal"].choices = [  # type: ignore[attr-defined]
            (g.goal, f"{g.description} ({g.min_months}–{g.max_months} mnd.)")
            for g in goals.values()
        ]


class CareerGuidanceForm(DsForm):
    assessed_on = date_field("Behovet vurdert", missing="Oppgi når behovet ble vurdert.")
    needed = forms.ChoiceField(
        label="Behov for karriereveiledning",
        choices=[("", "Velg"), ("yes", "Ja"), ("no", "Nei")],
        error_messages={"required": "Velg om deltakeren har behov for karriereveiledning."},
    )
    note = forms.CharField(
        label="Vurdering", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    given_on = date_field("Karriereveiledning gitt", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EndForm(DsForm):
    ended_on = date_field("Siste dag i programmet", missing="Oppgi siste dag i programmet.")
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
    norwegian_training_ends_on = date_field("Norskopplæringen avsluttes", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
