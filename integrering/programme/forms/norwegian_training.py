"""Forms of Norwegian and social studies training: one small form per step, each parsed into the
input of ``services/norwegian_training.py``, which holds the rules. Some share their names with
the lifecycle forms (``StartForm``, ``StopForm``, ``ResumeForm``), so they are imported from this
module, not from the package."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from integrering.rules.parameters import value
from integrering.ui.forms import DecimalCommaField, DsForm

from ..models import NorwegianTestKind, NorwegianTrainingBasis
from ..services.norwegian_training import TESTS, RightInput, TestInput
from .fields import date_field


def _hours(label: str) -> DecimalCommaField:
    return DecimalCommaField(
        label=label,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Oppgi antall timer.",
            "invalid": "Skriv et tall, for eksempel 42,5.",
        },
    )


class RightForm(DsForm):
    basis = forms.ChoiceField(
        label="Grunnlag",
        choices=[("", "Velg"), *NorwegianTrainingBasis.choices],
        error_messages={"required": "Velg rett og plikt, plikt eller rett."},
    )
    right_from = date_field(
        "Retten eller plikten inntrer", missing="Oppgi datoen retten eller plikten inntrer."
    )
    permit_date = date_field("Dato for oppholdstillatelse", required=False)

    def to_input(self) -> RightInput:
        d = self.cleaned_data
        return RightInput(
            basis=d["basis"], right_from=d["right_from"], permit_date=d["permit_date"]
        )


class VersionedForm(DsForm):
    version = forms.IntegerField(widget=forms.HiddenInput())


class StartForm(VersionedForm):
    starts_on = date_field("Oppstart", missing="Oppgi datoen opplæringen startet.")


class HoursForm(DsForm):
    month = forms.DateField(
        label="Måned",
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d", "%m.%Y", "%d.%m.%Y"],
        error_messages={"required": "Velg måned.", "invalid": "Skriv måneden som mm.åååå."},
    )
    taught = _hours("Timer undervist")
    attended = _hours("Timer deltatt")


class TestForm(DsForm):
    kind = forms.ChoiceField(
        label="Prøve",
        choices=[("", "Velg prøve"), *NorwegianTestKind.choices],
        error_messages={"required": "Velg prøve."},
    )
    taken_on = date_field("Prøvedato", missing="Oppgi prøvedatoen.")
    level = forms.ChoiceField(label="Nivå (norskprøve)", required=False)
    passed = forms.BooleanField(label="Bestått (samfunnskunnskap)", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        levels = value(TESTS, timezone.localdate())["levels"]
        field = self.fields["level"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Ikke relevant"), *((level, level) for level in levels)]

    def to_input(self) -> TestInput:
        d = self.cleaned_data
        social = d["kind"] == NorwegianTestKind.SOCIAL_STUDIES
        return TestInput(
            kind=d["kind"],
            taken_on=d["taken_on"],
            level="" if social else d["level"],
            passed=d["passed"] if social else None,
        )


class StopForm(VersionedForm):
    on = date_field("Stanset fra og med", missing="Oppgi første dag med stans.")
    reason = forms.CharField(
        label="Begrunnelse",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Skriv hvorfor opplæringen stanses."},
    )


class ResumeForm(VersionedForm):
    on = date_field("Gjenopptas fra og med", missing="Oppgi når opplæringen gjenopptas.")


class ExemptForm(VersionedForm):
    on = date_field("Fritatt fra og med", missing="Oppgi datoen for fritaket.")
    reason = forms.CharField(
        label="Grunnlag for fritaket",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Skriv grunnlaget for fritaket."},
    )


class CompleteForm(VersionedForm):
    on = date_field("Fullført", missing="Oppgi datoen opplæringen ble fullført.")
