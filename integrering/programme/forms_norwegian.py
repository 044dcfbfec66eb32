"""Forms of Norwegian and social studies training: one small form per step, each parsed into the
input of ``services/norwegian_training.py``, which holds the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from integrering.rules.parameters import value
from integrering.ui.forms import DateInput, DecimalCommaField, DsForm

from .models import NorwegianTestKind, NorwegianTrainingBasis
from .services.norwegian_training import TESTS, RightInput, TestInput

INVALID_DATE = "Ugyldig dato; bruk dd.mm.åååå."


def _date(label: str, missing: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages={"required": missing, "invalid": INVALID_DATE},
    )


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
    right_from = _date(
        "Retten eller plikten inntrer",
        "Oppgi datoen retten eller plikten inntrer.",
    )
    permit_date = _date("Dato for oppholdstillatelse", "", required=False)

    def to_input(self) -> RightInput:
        d = self.cleaned_data
        return RightInput(
            basis=d["basis"], right_from=d["right_from"], permit_date=d["permit_date"]
        )


class VersionedForm(DsForm):
    version = forms.IntegerField(widget=forms.HiddenInput())


class StartForm(VersionedForm):
    starts_on = _date("Oppstart", "Oppgi datoen opplæringen startet.")


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
    taken_on = _date("Prøvedato", "Oppgi prøvedatoen.")
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
    on = _date("Stanset fra og med", "Oppgi første dag med stans.")
    reason = forms.CharField(
        label="Begrunnelse",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Skriv hvorfor opplæringen stanses."},
    )


class ResumeForm(VersionedForm):
    on = _date("Gjenopptas fra og med", "Oppgi når opplæringen gjenopptas.")


class ExemptForm(VersionedForm):
    on = _date("Fritatt fra og med", "Oppgi datoen for fritaket.")
    reason = forms.CharField(
        label="Grunnlag for fritaket",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Skriv grunnlaget for fritaket."},
    )


class CompleteForm(VersionedForm):
    on = _date("Fullført", "Oppgi datoen opplæringen ble fullført.")
