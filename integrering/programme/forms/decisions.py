"""Forms of decisions: drafting one by hand, editing its text, deciding, sending it and
filtering the list. The required texts' messages come from ``services/decisions.py``."""

from __future__ import annotations

from typing import Any

from django import forms

from integrering.ui.filters import DueField
from integrering.ui.forms import DateInput, DecimalCommaField, DsForm

from ..models import Decision, DecisionKind, DecisionStatus, Participation
from ..services.decisions import TEXT_REQUIRED

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
    kind = forms.ChoiceField(
        label="Vedtak", choices=[("", "Alle"), *DecisionKind.choices], required=False
    )
    due = DueField(label="Klagefrist")
