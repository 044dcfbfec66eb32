"""The cost-coverage import form and the forms of establishment support."""

from __future__ import annotations

from typing import Any

from django import forms

from integrering.ui.forms import DateInput, DecimalCommaField, DsForm, TableFileField, YearField

from .establishment.applications import ApplicationInput
from .establishment.purchases import PurchaseInput
from .models import PurchaseCategory, PurchasePayment


class CostImportForm(DsForm):
    year = YearField(required_message="Skriv året tabellen gjelder.")
    title = forms.CharField(
        label="Tittel",
        max_length=200,
        help_text="For eksempel «Utvalgskommuner 2017».",
        error_messages={"required": "Skriv en tittel."},
    )
    file = TableFileField(
        help_text=(
            "Kolonnene municipality_number, name, expenses, income, hours og fte, med "
            "overskriftsrad. CSV i UTF-8 (komma eller semikolon), eller .xlsx (første ark)."
        ),
    )


def _kroner(label: str, *, required: bool = True, help_text: str = "") -> DecimalCommaField:
    return DecimalCommaField(
        label=label,
        required=required,
        digit_groups=True,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 14}),
        error_messages={
            "required": "Oppgi beløpet (0 hvis ingenting).",
            "invalid": "Skriv et beløp i kroner, for eksempel 12 500.",
            "min_value": "Beløpet må være null kroner eller mer.",
            "max_digits": "Beløpet er for stort.",
            "max_decimal_places": "Skriv beløpet med høyst to desimaler (øre).",
        },
    )


def _count(label: str, required_message: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=50,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"size": 4}),
        error_messages={
            "required": required_message,
            "invalid": "Skriv et helt tall.",
            "min_value": "Antallet kan ikke være negativt.",
            "max_value": "Sjekk antallet: det er høyst 50 i en husstand.",
        },
    )


class EstablishmentApplicationForm(DsForm):
    """A household's application: the scheme's maximum follows from these figures."""

    applied_on = forms.DateField(
        label="Søknadsdato",
        widget=DateInput(),
        error_messages={"required": "Oppgi søknadsdatoen.", "invalid": "Ugyldig dato."},
    )
    adults = _count("Voksne", "Oppgi antall voksne i husstanden.")
    children = _count("Barn under 18 år", "Oppgi antall barn (0 hvis ingen).")
    shared_dwelling = forms.BooleanField(
        label="Deler bolig med andre enn familien",
        required=False,
        help_text="Da gis møbler og utstyr per person (personer som deler bolig).",
    )
    family_reunification = forms.BooleanField(
        label="Familieinnvandring med et familiemedlem som er bosatt her",
        required=False,
        help_text="Lavere satser, og bare i de første årene etter at familiemedlemmet ble bosatt.",
    )
    note = forms.CharField(
        label="Merknad",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For eksempel om innkjøp må gjøres før bosettingen.",
    )

    def to_input(self) -> ApplicationInput:
        data = self.cleaned_data
        return ApplicationInput(
            applied_on=data["applied_on"],
            adults=data["adults"],
            children=data["children"],
            shared_dwelling=data["shared_dwelling"],
            family_reunification=data["family_reunification"],
            note=data.get("note") or "",
        )


class EstablishmentDecisionForm(DsForm):
    """The refugee service's decision on the application (ids ``decision_...``)."""

    outcome = forms.ChoiceField(
        label="Vedtak",
        choices=[("approve", "Innvilget"), ("refuse", "Avslått")],
        widget=forms.RadioSelect,
        error_messages={"required": "Velg innvilget eller avslått."},
    )
    furniture = _kroner("Innvilget til møbler og utstyr (kroner)", required=False)
    clothes = _kroner("Innvilget til klær (kroner)", required=False)
    decided_on = forms.DateField(
        label="Vedtaksdato",
        widget=DateInput(),
        error_messages={"required": "Oppgi vedtaksdatoen.", "invalid": "Ugyldig dato."},
    )
    note = forms.CharField(
        label="Begrunnelse",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Må fylles ut ved avslag.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "decision_%s")
        super().__init__(*args, **kwargs)


class EstablishmentPurchaseForm(DsForm):
    """A purchase approved in advance (ids ``purchase_...``)."""

    category = forms.ChoiceField(
        label="Gjelder",
        choices=PurchaseCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Velg møbler og utstyr eller klær."},
    )
    description = forms.CharField(
        label="Hva som kjøpes",
        max_length=300,
        error_messages={"required": "Skriv hva som kjøpes, for eksempel «seng og madrass»."},
    )
    amount = _kroner("Beløp (kroner)")
    payment = forms.ChoiceField(
        label="Betaling",
        choices=PurchasePayment.choices,
        widget=forms.RadioSelect,
        initial=PurchasePayment.SHOP,
        error_messages={"required": "Velg om butikken eller flyktningen får pengene."},
    )
    shop_name = forms.CharField(
        label="Butikk",
        max_length=150,
        required=False,
        help_text="Når butikken får regningen betalt.",
    )
    shop_org_number = forms.CharField(
        label="Butikkens organisasjonsnummer",
        max_length=11,
        required=False,
        help_text="Ni siffer, fra Enhetsregisteret.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    approved_on = forms.DateField(
        label="Godkjent dato",
        widget=DateInput(),
        error_messages={
            "required": "Oppgi datoen innkjøpet godkjennes.",
            "invalid": "Ugyldig dato.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "purchase_%s")
        super().__init__(*args, **kwargs)

    def to_input(self) -> PurchaseInput:
        data = self.cleaned_data
        return PurchaseInput(
            category=data["category"],
            description=data["description"],
            amount=data["amount"],
            payment=data["payment"],
            shop_name=data.get("shop_name") or "",
            shop_org_number=data.get("shop_org_number") or "",
            approved_on=data["approved_on"],
        )


class EstablishmentPaymentForm(DsForm):
    """The payment of one approved purchase (ids ``pay_<id>_...``)."""

    paid_on = forms.DateField(
        label="Betalt dato",
        widget=DateInput(),
        error_messages={"required": "Oppgi betalingsdatoen.", "invalid": "Ugyldig dato."},
    )
    invoice_reference = forms.CharField(
        label="Fakturanummer", max_length=50, required=False, help_text="Når butikken betales."
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
