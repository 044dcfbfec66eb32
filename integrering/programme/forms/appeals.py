"""Forms of appeals: registering one, the municipality's review (reverse, dismiss or forward to
the county governor), filtering the list, and the county governor's outcome."""

from __future__ import annotations

from typing import Any

from django import forms

from integrering.ui.forms import DateInput, DecimalCommaField, DsForm

from ..models import Appeal, AppealStatus

LATE_HELP = (
    "Fyll ut når klagen kom etter klagefristen og likevel skal behandles, for eksempel fordi "
    "deltakeren ikke kan lastes for at den kom for sent (forvaltningsloven § 31)."
)


class AppealCreateForm(DsForm):
    received_on = forms.DateField(
        label="Klagen mottatt",
        widget=DateInput(),
        help_text="Datoen kommunen mottok klagen.",
        error_messages={
            "required": "Oppgi datoen kommunen mottok klagen.",
            "invalid": "Ugyldig dato.",
        },
    )
    grounds = forms.CharField(
        label="Klagerens anførsler",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Hva deltakeren klager på, og hvorfor.",
        error_messages={"required": "Skriv hva deltakeren klager på og hvorfor."},
    )
    late_heard_reason = forms.CharField(
        label="Hvorfor klagen behandles selv om den kom for sent",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=LATE_HELP,
    )


class ReviewForm(DsForm):
    """The municipality's review of an appeal; a prefix per action keeps the ids apart."""

    assessment = forms.CharField(
        label="Kommunens vurdering",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Skriv kommunens vurdering av klagen."},
    )
    late_heard_reason = forms.CharField(
        label="Hvorfor klagen behandles selv om den kom for sent",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=LATE_HELP,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, appeal: Appeal, action: str, **kwargs: Any) -> None:
        kwargs["prefix"] = action
        super().__init__(*args, **kwargs)
        if action == "dismiss":
            self.fields["assessment"].label = "Hvorfor klagen avvises"
            self.fields["assessment"].error_messages["required"] = "Skriv hvorfor klagen avvises."
        elif action == "forward":
            self.fields[
                "assessment"
            ].label = "Kommunens vurdering (innstilling til Statsforvalteren)"
        else:
            self.fields["assessment"].label = "Kommunens vurdering (hvorfor vedtaket endres)"
        if action == "dismiss" or not appeal.late or appeal.late_heard_reason:
            del self.fields["late_heard_reason"]


class AppealFilterForm(DsForm):
    status = forms.ChoiceField(
        label="Status", choices=[("", "Alle"), *AppealStatus.choices], required=False
    )


# --- The county governor's outcome of an appeal ---------------------------------------------------


OUTCOME_CHOICES = [
    (AppealStatus.UPHELD.value, "Stadfestet – vedtaket blir stående"),
    (AppealStatus.QUASHED.value, "Opphevet – kommunen må behandle saken på nytt"),
    (AppealStatus.CHANGED.value, "Omgjort – Statsforvalteren endrer vedtaket"),
]


class OutcomeForm(DsForm):
    outcome = forms.ChoiceField(
        label="Utfall",
        choices=OUTCOME_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Velg utfallet: stadfestet, opphevet eller omgjort."},
    )
    decided_on = forms.DateField(
        label="Vedtaksdato",
        widget=DateInput(),
        error_messages={"required": "Oppgi vedtaksdatoen.", "invalid": "Ugyldig dato."},
    )
    reasoning = forms.CharField(
        label="Statsforvalterens begrunnelse",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Skriv Statsforvalterens begrunnelse."},
    )
    governor_reference = forms.CharField(
        label="Statsforvalterens saksnummer",
        required=False,
        max_length=200,
        help_text="Står i Statsforvalterens vedtak. Tom: vedtaksdatoen og klagesaken brukes.",
    )
    changed_conclusion = forms.CharField(
        label="Vedtaket slik Statsforvalteren har endret det",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Bare når vedtaket er omgjort. Det blir en ny versjon av kommunens vedtak.",
    )
    changed_amount = DecimalCommaField(
        digit_groups=True,
        label="Beløp som nå skal trekkes (kr)",
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
        help_text=(
            "Bare for vedtak om trekk i introduksjonsstønaden som er omgjort. Neste "
            "utbetaling korrigerer måneden."
        ),
        error_messages={"invalid": "Skriv et beløp, for eksempel 1 250,50."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, reduction: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not reduction:
            del self.fields["changed_amount"]
