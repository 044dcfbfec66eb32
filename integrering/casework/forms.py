"""Forms for consent, deadlines and meetings."""

from __future__ import annotations

from django import forms

from integrering.accounts.roles import Service
from integrering.people.models import ConsentBasis, InformationCategory
from integrering.ui.forms import DateInput, DsForm

from .services.consent import SHAREABLE_SERVICES, ConsentInput


class ConsentForm(DsForm):
    """Seed 002 Vedlegg 3: which services may exchange which information, from when to when."""

    basis = forms.ChoiceField(
        label="Grunnlag",
        choices=ConsentBasis.choices,
        initial=ConsentBasis.CONSENT,
        widget=forms.RadioSelect,
    )
    services = forms.MultipleChoiceField(
        label="Tjenester som kan få og gi opplysninger",
        choices=[(s, Service(s).label) for s in SHAREABLE_SERVICES],
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label="Opplysninger som kan deles",
        choices=InformationCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[InformationCategory.PERSONAL],
    )
    valid_from = forms.DateField(label="Gjelder fra", widget=DateInput())
    valid_to = forms.DateField(label="Gjelder til", required=False, widget=DateInput())
    signed_on = forms.DateField(
        label="Signert dato",
        required=False,
        widget=DateInput(),
        help_text="Datoen personen (eller hjelpeverge) skrev under samtykkeerklæringen.",
    )
    signed_by_guardian = forms.CharField(
        label="Signert av hjelpeverge eller foresatt (navn)", max_length=150, required=False
    )
    legal_reference = forms.CharField(
        label="Lovhjemmel",
        max_length=200,
        required=False,
        help_text="Bare når grunnlaget er lovhjemmel, for eksempel barnevernloven § 13-2.",
    )
    remarks = forms.CharField(
        label="Merknader og begrensninger", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def to_input(self) -> ConsentInput:
        data = self.cleaned_data
        return ConsentInput(
            services=list(data["services"]),
            categories=list(data["categories"]),
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            signed_on=data["signed_on"],
            basis=data["basis"],
            legal_reference=data["legal_reference"],
            signed_by_guardian=data["signed_by_guardian"],
            remarks=data["remarks"],
        )


class ConsentWithdrawForm(DsForm):
    services = forms.MultipleChoiceField(
        label="Trekk tilbake for",
        choices=[(s, Service(s).label) for s in SHAREABLE_SERVICES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Velg ingen for å trekke hele samtykket tilbake.",
    )


class DeadlineFilterForm(DsForm):
    service = forms.ChoiceField(
        label="Tjeneste", choices=[("", "Alle tjenester"), *Service.choices], required=False
    )
    caseworker = forms.TypedChoiceField(
        label="Kontaktperson", coerce=int, choices=[("", "Alle")], required=False, empty_value=None
    )
    include_met = forms.BooleanField(label="Vis også oppfylte frister", required=False)
    side = forms.IntegerField(label="Side", min_value=1, max_value=10_000, required=False)


class DeadlineMeetForm(DsForm):
    met_on = forms.DateField(label="Oppfylt dato", widget=DateInput())
    note = forms.CharField(label="Merknad", max_length=300, required=False)


class MeetingForm(DsForm):
    """Plan or record a meeting; a held meeting records whether an interpreter was used."""

    scheduled_on = forms.DateField(label="Planlagt dato", widget=DateInput())
    held_on = forms.DateField(label="Holdt dato", required=False, widget=DateInput())
    interpreter_used = forms.TypedChoiceField(
        label="Ble tolk brukt?",
        choices=[("", "Ikke registrert"), ("true", "Ja"), ("false", "Nei")],
        coerce=lambda v: v == "true",
        empty_value=None,
        required=False,
    )
    interpreter_language = forms.CharField(label="Tolkespråk", max_length=100, required=False)
    services = forms.MultipleChoiceField(
        label="Tjenester som deltar",
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label="Referat", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SettleForm(forms.Form):
    """The settlement date of a household registered without one (posted from its page)."""

    settled_on = forms.DateField(label="Bosatt dato")
