"""The cost-coverage import form."""

from __future__ import annotations

from django import forms

from integrering.web.forms import DsForm

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class CostImportForm(DsForm):
    year = forms.IntegerField(
        label="År",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Skriv året tabellen gjelder.",
            "invalid": "Skriv et årstall, for eksempel 2017.",
            "min_value": "Skriv et årstall fra 2000.",
            "max_value": "Skriv et årstall til og med 2100.",
        },
    )
    title = forms.CharField(
        label="Tittel",
        max_length=200,
        help_text="For eksempel «Utvalgskommuner 2017».",
        error_messages={"required": "Skriv en tittel."},
    )
    file = forms.FileField(
        label="Fil (CSV eller Excel)",
        help_text=(
            "Kolonnene municipality_number, name, expenses, income, hours og fte, med "
            "overskriftsrad. CSV i UTF-8 (komma eller semikolon), eller .xlsx (første ark)."
        ),
        error_messages={"required": "Velg en fil.", "empty": "Filen er tom."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Filen er for stor (høyst 5 MB).")
        return upload
