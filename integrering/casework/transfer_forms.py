"""Forms of a move within five years (seed 002 §2.1): proposing, registering and accepting it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from integrering.organisations.models import Municipality
from integrering.ui.forms import DateInput, DsForm

from .models import TransferConsentMethod
from .services.transfers import TransferInput


def _date(label: str, required: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"required": required, "invalid": "Ugyldig dato."},
    )


class _TransferFields(DsForm):
    moved_on = _date(
        "Flyttedato",
        "Oppgi flyttedatoen.",
        "Tilskuddene følger personene fra denne datoen.",
    )
    consent_on = _date("Samtykke gitt", "Oppgi datoen samtykket ble gitt.")
    consent_method = forms.ChoiceField(
        label="Hvordan samtykket ble gitt",
        choices=TransferConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Velg hvordan samtykket ble gitt."},
    )
    consent_note = forms.CharField(
        label="Merknad om samtykket",
        required=False,
        max_length=300,
        help_text="For eksempel hvem som signerte for et barn.",
    )

    def to_input(self) -> TransferInput:
        data = self.cleaned_data
        return TransferInput(
            moved_on=data["moved_on"],
            consent_on=data["consent_on"],
            consent_method=data["consent_method"],
            consent_note=data.get("consent_note") or "",
        )


class TransferProposeForm(_TransferFields):
    """The old municipality proposes the move: to which municipality, when, with what consent."""

    to_municipality = forms.ModelChoiceField(
        label="Kommunen husstanden flytter til",
        queryset=Municipality.objects.none(),
        empty_label="Velg kommune",
        error_messages={"required": "Velg kommunen husstanden flytter til."},
    )
    field_order = ["to_municipality", "moved_on", "consent_on", "consent_method", "consent_note"]

    def __init__(self, *args: Any, exclude_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Municipality.objects.filter(valid_to__isnull=True)
            .exclude(pk=exclude_id)
            .order_by("name")
        )


class TransferRegisterForm(_TransferFields):
    """The new municipality registers a move: the household by its reference and a member's
    identity number (both as the persons gave them), and the consent they gave."""

    to_municipality = forms.ModelChoiceField(
        label="Kommunen husstanden flytter til",
        queryset=Municipality.objects.none(),
        empty_label=None,
    )
    reference = forms.CharField(label="Husstandsnummer", max_length=30)
    identity_number = forms.CharField(
        label="Fødselsnummer eller D-nummer til en i husstanden",
        max_length=11,
        help_text="11 siffer. Begge må stemme; da finner vi husstanden i kommunen den flytter fra.",
    )
    field_order = [
        "to_municipality",
        "reference",
        "identity_number",
        "moved_on",
        "consent_on",
        "consent_method",
        "consent_note",
    ]

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities


class TransferAcceptForm(DsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransferCloseForm(DsForm):
    """Withdrawing (the old municipality) or declining (the new one) a proposed move."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Begrunnelse",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Den andre kommunen får begrunnelsen i varselet. Påkrevd når dere avslår.",
    )
