"""The form for news and guidance."""

from __future__ import annotations

from django import forms

from integrering.ui.forms import DsForm

from .models import NewsKind
from .services import BODY_MAX, TITLE_MAX


class NewsItemForm(DsForm):
    kind = forms.ChoiceField(
        label="Type",
        choices=NewsKind.choices,
        widget=forms.RadioSelect,
        initial=NewsKind.NEWS,
        error_messages={"required": "Velg nyhet eller veiledning."},
    )
    title = forms.CharField(
        label="Tittel",
        max_length=TITLE_MAX,
        error_messages={
            "required": "Skriv en tittel.",
            "max_length": f"Tittelen kan være høyst {TITLE_MAX} tegn.",
        },
    )
    body = forms.CharField(
        label="Tekst",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Skriv teksten.",
            "max_length": f"Teksten kan være høyst {BODY_MAX} tegn.",
        },
    )
    link = forms.URLField(
        label="Lenke",
        required=False,
        assume_scheme="https",
        help_text="Frivillig: en lenke til mer informasjon, for eksempel på regjeringen.no.",
        error_messages={"invalid": "Skriv en hel nettadresse, for eksempel https://www.imdi.no/."},
    )
    publish = forms.BooleanField(
        label="Publiser nå (ellers lagres den som utkast som bare dere ser)",
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
