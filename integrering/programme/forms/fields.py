"""Field helpers the programme's forms share: a date field and a text area, each with its
Norwegian error messages."""

from __future__ import annotations

from django import forms

from integrering.ui.forms import DateInput

INVALID_DATE = "Ugyldig dato; bruk dd.mm.åååå."


def date_field(
    label: str, *, required: bool = True, help_text: str = "", missing: str = ""
) -> forms.DateField:
    """A date typed as dd.mm.åååå; ``missing`` is the message when a required date is empty."""
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"required": missing or f"Oppgi {label.lower()}.", "invalid": INVALID_DATE},
    )


def text_field(
    label: str, *, required: bool = True, rows: int = 3, missing: str = "", help_text: str = ""
) -> forms.CharField:
    """A free text of ``rows`` lines; ``missing`` is the message when a required text is empty."""
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": missing or f"Skriv {label.lower()}."},
    )
