"""Forms for the registry: a household with its members, and one person's data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from integrering.organisations.models import Municipality
from integrering.ui.forms import DateInput, DsForm, InputHygiene

from .models import Category, Relation, Sex
from .services import PersonInput

SEX_CHOICES = [("", "Ikke oppgitt"), *Sex.choices]


class PersonForm(DsForm):
    """One person's registry data (seed 002 Vedlegg 2, part 1)."""

    given_name = forms.CharField(label="Fornavn", max_length=100)
    middle_name = forms.CharField(label="Mellomnavn", max_length=100, required=False)
    family_name = forms.CharField(label="Etternavn", max_length=100)
    birth_date = forms.DateField(label="Fødselsdato", widget=DateInput())
    sex = forms.ChoiceField(label="Kjønn", choices=SEX_CHOICES, required=False)
    identity_number = forms.CharField(
        label="Fødselsnummer eller D-nummer",
        max_length=14,
        required=False,
        help_text="11 siffer. Kontrollsifrene og fødselsdatoen sjekkes.",
    )
    duf_number = forms.CharField(
        label="DUF-nummer", max_length=14, required=False, help_text="12 siffer fra UDI."
    )
    relation = forms.ChoiceField(
        label="Relasjon i husstanden", choices=Relation.choices, initial=Relation.MAIN
    )
    category = forms.ChoiceField(
        label="Kategori", choices=Category.choices, initial=Category.FROM_RECEPTION
    )
    citizenship = forms.CharField(label="Statsborgerskap", max_length=100, required=False)
    language = forms.CharField(label="Morsmål", max_length=100, required=False)
    interpreter_needed = forms.BooleanField(label="Trenger tolk", required=False)
    interpreter_language = forms.CharField(label="Tolkespråk", max_length=100, required=False)
    arrival_date = forms.DateField(label="Ankomst Norge", required=False, widget=DateInput())
    settled_on = forms.DateField(
        label="Bosatt i kommunen (hvis annen dato enn husstanden)",
        required=False,
        widget=DateInput(),
    )
    reception_centre = forms.CharField(label="Siste mottak", max_length=150, required=False)
    address_line = forms.CharField(
        label="Postadresse",
        max_length=150,
        required=False,
        help_text="Gateadresse eller postboks. Vedtaksbrev sendes hit.",
    )
    postcode = forms.CharField(
        label="Postnummer",
        max_length=4,
        required=False,
        help_text="4 siffer.",
        validators=[
            RegexValidator(r"^[0-9]{4}$", "Postnummeret må ha fire siffer, for eksempel 0150.")
        ],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    post_town = forms.CharField(label="Poststed", max_length=60, required=False)
    disability = forms.BooleanField(
        label="Nedsatt funksjonsevne eller atferdsvansker",
        required=False,
        help_text="Gir frist for søknad om tilskudd (13 måneder etter første bosetting).",
    )

    def clean_identity_number(self) -> str:
        return "".join(self.cleaned_data["identity_number"].split())

    def clean_duf_number(self) -> str:
        return "".join(self.cleaned_data["duf_number"].split())

    def to_input(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            given_name=data["given_name"],
            middle_name=data["middle_name"],
            family_name=data["family_name"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            identity_number=data["identity_number"] or None,
            duf_number=data["duf_number"] or None,
            relation=data["relation"],
            category=data["category"],
            citizenship=data["citizenship"],
            language=data["language"],
            interpreter_needed=data["interpreter_needed"],
            interpreter_language=data["interpreter_language"],
            arrival_date=data["arrival_date"],
            settled_on=data["settled_on"],
            reception_centre=data["reception_centre"],
            disability=data["disability"],
            address_line=data["address_line"],
            postcode=data["postcode"],
            post_town=data["post_town"],
        )


class PersonEditForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MemberFormSet(forms.BaseFormSet):
    # Plain bokmål instead of Django's «Vennligst send inn minst 1 skjema.» (issue 23).
    default_error_messages = {
        "too_few_forms": "Registrer minst én person i husstanden.",
        "too_many_forms": "En husstand kan ha høyst %(num)d personer.",
    }

    def to_inputs(self) -> list[PersonInput]:
        return [
            form.to_input()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


MemberForms = forms.formset_factory(
    PersonForm, formset=MemberFormSet, extra=0, min_num=1, validate_min=True, max_num=20
)


class HouseholdForm(DsForm):
    municipality = forms.ModelChoiceField(
        label="Bosettingskommune", queryset=Municipality.objects.none(), empty_label=None
    )
    reference = forms.CharField(
        label="Husstandsnummer",
        max_length=30,
        help_text="Husstandens nummer hos IMDi eller i kommunen, for eksempel H-2026-0141.",
    )
    settled_on = forms.DateField(
        label="Bosatt dato",
        required=False,
        widget=DateInput(),
        help_text="Med dato sendes varsler til tjenestene og fristene begynner å løpe.",
    )

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]


def errors_to_forms(
    errors: dict[str, list[str]], household: forms.Form, members: forms.BaseFormSet
) -> None:
    """Put a service's ``{field: [...]}`` / ``{members.N.field: [...]}`` errors next to the fields."""
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] == "members" and len(parts) == 3:
            form = members.forms[int(parts[1])]
            field = parts[2] if parts[2] in form.fields else None
            for message in messages:
                form.add_error(field, message)
        else:
            field = key if key in household.fields else None
            for message in messages:
                household.add_error(field, message)


class PersonSearchForm(InputHygiene, forms.Form):
    q = forms.CharField(
        label="Søk på navn, fødselsnummer, DUF-nummer eller husstandsnummer",
        required=False,
        max_length=100,
    )


class HouseholdFilterForm(InputHygiene, forms.Form):
    """The household list's search and filters (GET)."""

    q = forms.CharField(
        label="Søk på husstandsnummer eller navnet til en i husstanden",
        required=False,
        max_length=100,
    )
    settled = forms.ChoiceField(
        label="Bosetting",
        choices=[("", "Alle"), ("bosatt", "Bosatt"), ("ikke-bosatt", "Ikke bosatt ennå")],
        required=False,
    )
    mine = forms.BooleanField(label="Bare der jeg er kontaktperson", required=False)
