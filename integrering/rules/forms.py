"""Forms of the page «Satser og beregninger»: the date the rates are shown for, and each
calculator's inputs (``CALCULATOR_FORMS``, in the order the page shows them)."""

from __future__ import annotations

from django import forms

from integrering.ui.forms import InputHygiene

from .disability_grant import CATEGORIES as DISABILITY_CATEGORIES
from .disability_grant import GRANT_LABELS as DISABILITY_GRANT_LABELS

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "ds-input"}, format="%Y-%m-%d")
TEXT_INPUT = {"class": "ds-input"}


class DateChoiceForm(InputHygiene, forms.Form):
    on = forms.DateField(label="Dato", widget=DATE_INPUT)


class BenefitForm(InputHygiene, forms.Form):
    on = forms.DateField(label="Beregningsdato", widget=DATE_INPUT)
    birth_date = forms.DateField(label="Fødselsdato", widget=DATE_INPUT)
    permit_date = forms.DateField(
        label="Dato for oppholdstillatelse (valgfri)", required=False, widget=DATE_INPUT
    )
    lives_with_parent = forms.BooleanField(
        label="Under 25 år og bor med en forelder", required=False
    )
    absence_hours = forms.DecimalField(
        label="Ugyldig fravær i måneden (timer)",
        min_value=0,
        max_value=10000,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs=TEXT_INPUT),
    )


class GrantPeriodForm(InputHygiene, forms.Form):
    """What every grant calculator asks: the budget year and the settlement date."""

    budget_year = forms.IntegerField(
        label="Budsjettår",
        min_value=1900,
        max_value=2200,
        widget=forms.NumberInput(attrs=TEXT_INPUT),
    )
    settled_on = forms.DateField(label="Bosettingsdato", widget=DATE_INPUT)


class IntegrationGrantForm(GrantPeriodForm):
    member = forms.CharField(
        label="Personer: alder ved bosetting, skilt med mellomrom (16:ema for enslig mindreårig)",
        max_length=300,
        widget=forms.TextInput(attrs=TEXT_INPUT),
    )


class NorwegianGrantForm(GrantPeriodForm):
    rate = forms.ChoiceField(
        label="Sats",
        choices=[("low", "Lav (Vest-Europa og engelskspråklige land)"), ("high", "Høy")],
    )


class UnaccompaniedMinorGrantForm(GrantPeriodForm):
    birth_date = forms.DateField(label="Fødselsdato", widget=DATE_INPUT)


class DisabilityGrantForm(GrantPeriodForm):
    """Seed 002 §3.1: grant 1 once in year 1 or 2, grant 2 yearly by documented need."""

    grant = forms.TypedChoiceField(
        label="Tilskudd",
        coerce=int,
        choices=list(DISABILITY_GRANT_LABELS.items()),
    )
    category = forms.ChoiceField(
        label="Kom til kommunen som",
        choices=list(DISABILITY_CATEGORIES.items()),
        help_text="Familiegjenforente og selvbosatte gir ikke tilskudd.",
    )
    documented_need = forms.DecimalField(
        label="Dokumentert behov i året, kroner (tilskudd 2)",
        min_value=0,
        max_value=1_000_000_000,
        required=False,
        widget=forms.NumberInput(attrs=TEXT_INPUT),
    )
    birth_date = forms.DateField(
        label="Fødselsdato (enslig mindreårig etter år 5)", required=False, widget=DATE_INPUT
    )


CALCULATOR_FORMS: dict[str, tuple[str, type[forms.Form]]] = {
    "benefit": ("Introduksjonsstønad", BenefitForm),
    "integration-grant": ("Integreringstilskudd", IntegrationGrantForm),
    "norwegian-grant": ("Norsktilskudd", NorwegianGrantForm),
    "unaccompanied-minor-grant": (
        "Særskilt tilskudd (enslige mindreårige)",
        UnaccompaniedMinorGrantForm,
    ),
    "disability-grant": (
        "Tilskudd ved nedsatt funksjonsevne (ekstratilskudd)",
        DisabilityGrantForm,
    ),
}
