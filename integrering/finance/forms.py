"""The cost-coverage import form."""

from __future__ import annotations

from django import forms

from integrering.ui.forms import DsForm, TableFileField, YearField


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
