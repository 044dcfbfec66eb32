"""Forms of extensions: a longer programme (ordinary, the integration packages or extended
Norwegian training) and extended Norwegian training for a person in the programme or not. Each
is parsed into the input of ``services/extensions.py``, which holds the rules."""

from __future__ import annotations

from django import forms

from integrering.ui.forms import DsForm

from ..models import ExtensionKind
from ..services.extensions import ExtensionInput, NorwegianExtensionInput
from .fields import date_field, text_field

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
    assessment = text_field(
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
    norwegian_training_ends_on = date_field(
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

    norwegian_training_ends_on = date_field(
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
    from_on = date_field(
        "Fra og med",
        required=False,
        help_text="Tomt: dagen etter at opplæringen ble avsluttet.",
    )
    assessment = text_field(
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
