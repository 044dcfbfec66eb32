"""The settlement planner's forms (requests, matching, need, reception, waiting households) and
their shared fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from integrering.organisations.models import County, Municipality
from integrering.people.imports import upload_errors
from integrering.people.models import Relation, Sex
from integrering.ui.forms import DateInput, DecimalCommaField, DsForm
from integrering.ui.numbers import megabytes

from .models import (
    NeedGroup,
    NeedPart,
    PermitType,
    ReceptionCentre,
    ReceptionKind,
    TieKind,
    WaitingHousehold,
    WaitingPerson,
    WaitingStatus,
    WithdrawalReason,
)
from .selectors import NEED_FILTERS, STATUS_ALL
from .services.match_capacity import municipalities_allowed, municipality_capacity
from .services.need import REASON_MAX as NEED_REASON_MAX
from .services.need import SOURCE_MAX, need_years
from .services.need_forecast import GROUPS, INPUT_LABELS, input_name
from .services.reception import STATUS_LABELS
from .services.requests import NOTE_MAX as DECISION_NOTE_MAX
from .services.requests import REASON_MAX
from .services.waiting import (
    CATEGORY_CHOICES,
    MEMBERS_MAX,
    NAME_MAX,
    NOTE_MAX,
    REFERENCE_MAX,
    WaitingHouseholdInput,
    WaitingPersonInput,
    adaptation_choices,
)
from .services.waiting_import import header_errors
from .spreading import BELOW_MINIMUM, DROP, RAISE

INVALID_DATE = "Ugyldig dato. Skriv datoen som dd.mm.åååå."


class CountField(forms.IntegerField):
    """A number of persons as a planner types it: «2 220» or «2220»; never negative.

    ``example`` is the number the "not a whole number" message shows.
    """

    def __init__(
        self,
        *,
        label: str,
        required: bool = True,
        min_value: int = 0,
        example: int = 120,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Fyll inn antallet (0 hvis ingen).",
                "invalid": f"Skriv et helt tall, for eksempel {example}.",
                "min_value": "Antallet kan ikke være negativt.",
            },
        )
        super().__init__(label=label, min_value=min_value, required=required, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric"})

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("min", None)  # the server explains a negative number better than the browser
        return attrs

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("\u00a0", "").replace(" ", "")
        return super().to_python(value)


def _date(label: str, *, required: bool) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"required": "Fyll inn datoen.", "invalid": INVALID_DATE},
    )


# The year's requests to municipalities and their decisions (views/requests.py).


class SpreadForm(DsForm):
    need = CountField(
        label="Bosettingsbehov (personer)",
        min_value=1,
        help_text="Antall personer som skal fordeles på kommunene.",
        error_messages={
            "required": "Fyll inn bosettingsbehovet.",
            "invalid": "Skriv et helt tall, for eksempel 5350.",
            "min_value": "Behovet må være minst 1.",
        },
    )
    unaccompanied_minors = CountField(
        label="Hvorav enslige mindreårige",
        required=False,
        help_text="En del av behovet. Fordeles bare på kommunene som har sagt ja til å bosette "
        "enslige mindreårige. Tomt betyr 0.",
    )
    below_minimum = forms.ChoiceField(
        label="Kommuner som beregnes til færre enn minsteanmodningen",
        choices=list(BELOW_MINIMUM.items()),
        widget=forms.RadioSelect,
        initial=DROP,
        error_messages={"required": "Velg hva som skjer med små anmodninger."},
    )

    def __init__(self, *args: Any, minimum: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if minimum is not None:
            field = self.fields["below_minimum"]
            assert isinstance(field, forms.ChoiceField)
            field.label = f"Kommuner som beregnes til færre enn {minimum} personer"
            field.choices = [
                (
                    DROP,
                    f"Anmodes ikke (drop): behovet fordeles på kommunene som får {minimum} eller flere.",
                ),
                (RAISE, f"Anmodes om {minimum} (raise): resten av behovet fordeles på de andre."),
            ]


class FilterForm(DsForm):
    county = forms.ChoiceField(label="Fylke", required=False)
    not_answered = forms.BooleanField(label="Bare kommuner som ikke har svart", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["county"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Alle fylker")] + [
            (c.number, f"{c.name} ({c.number})")
            for c in County.objects.filter(valid_to__isnull=True).order_by("number")
        ]
        field.error_messages["invalid_choice"] = "Velg et fylke fra listen."


class AdjustForm(DsForm):
    requested = CountField(label="Anmodet (personer)")
    unaccompanied_minors = CountField(label="Hvorav enslige mindreårige")
    reason = forms.CharField(
        label="Begrunnelse",
        max_length=REASON_MAX,
        required=False,
        help_text="Hvorfor anmodningen endres, for eksempel lokal kunnskap eller dialog med kommunen.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"Begrunnelsen kan være høyst {REASON_MAX} tegn."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(DsForm):
    decided = CountField(label="Vedtatt antall (personer)")
    unaccompanied_minors = CountField(label="Hvorav enslige mindreårige")
    minors_under_15 = CountField(
        label="Hvorav enslige mindreårige under 15 år", required=False, help_text="Tomt betyr 0."
    )
    large_dwellings = CountField(
        label="Store boliger",
        required=False,
        help_text="Hvor mange store boliger kommunen har til familier. Tomt betyr ingen grense.",
    )
    school_children = CountField(
        label="Plasser for barn i skolealder",
        required=False,
        help_text="Hvor mange barn i skolealder kommunen kan ta imot. Tomt betyr ingen grense.",
    )
    adaptation_capabilities = forms.MultipleChoiceField(
        label="Behov for tilpasning kommunen kan møte",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Husstander med et slikt behov bosettes bare der behovet kan møtes.",
        error_messages={"invalid_choice": "Velg behovene fra listen."},
    )
    decided_on = forms.DateField(
        label="Vedtaksdato",
        widget=DateInput(),
        error_messages={"required": "Oppgi vedtaksdatoen.", "invalid": "Ugyldig dato."},
    )
    note = forms.CharField(
        label="Merknad",
        max_length=DECISION_NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"Merknaden kan være høyst {DECISION_NOTE_MAX} tegn."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        needs = self.fields["adaptation_capabilities"]
        assert isinstance(needs, forms.MultipleChoiceField)
        needs.choices = adaptation_choices()


# The matcher (views/matching.py).


class MatchRunStartForm(DsForm):
    time_limit = forms.IntegerField(
        label="Tidsgrense (sekunder)",
        min_value=1,
        max_value=600,
        initial=60,
        help_text="Hvor lenge løseren kan lete etter en bedre løsning. 60 sekunder holder for et helt år.",
        error_messages={
            "required": "Skriv en tidsgrense i sekunder.",
            "invalid": "Tidsgrensen må være et helt antall sekunder.",
            "min_value": "Tidsgrensen må være minst 1 sekund.",
            "max_value": "Tidsgrensen kan være høyst 600 sekunder.",
        },
    )


class PlacementForm(DsForm):
    municipality = forms.ModelChoiceField(
        label="Kommune",
        queryset=Municipality.objects.none(),
        required=False,
        empty_label="Ikke plasser husstanden nå",
        error_messages={
            "invalid_choice": "Velg en av kommunene husstanden kan bosettes i: kommunen må ha "
            "vedtatt å bosette i år og kunne møte husstandens behov for tilpasning."
        },
    )
    locked = forms.BooleanField(
        label="Lås plasseringen",
        required=False,
        help_text="En låst plassering beholdes når utsøkingen kjøres på nytt.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        year: int,
        household: WaitingHousehold | None = None,
        current: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        # Only the municipalities the household may go to (issue 23 item 10): those that decided
        # to settle this year, its family tie, and those that can meet its adaptation needs.
        # Where it is now stays, so that locking it never takes it out (a decision may have
        # changed since the run).
        allowed = (
            list(municipality_capacity(year))
            if household is None
            else municipalities_allowed(year, household)
        )
        if current is not None:
            allowed.append(current)
        field.queryset = Municipality.objects.filter(pk__in=allowed).order_by("number")


# The front page and the year's need (views/need.py).


class YearForm(DsForm):
    year = forms.TypedChoiceField(
        label="År",
        coerce=int,
        choices=(),
        error_messages={"invalid_choice": "Velg et år fra listen."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(y, str(y)) for y in reversed(need_years())]


class NeedForm(DsForm):
    from_reception = CountField(label="Fra mottak", example=2220)
    outside_reception = CountField(label="Utenfor mottak", example=2220)
    transfer_refugees = CountField(label="Overføringsflyktninger", example=2220)
    unaccompanied_minors = CountField(
        label="Hvorav enslige mindreårige",
        example=2220,
        help_text="En del av summen over, ikke i tillegg til den.",
    )
    note = forms.CharField(
        label="Merknad", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label="Begrunnelse for endringen",
        required=False,
        max_length=300,
        help_text="Må fylles ut når behovet endres: hva er nytt?",
        error_messages={"max_length": "Begrunnelsen kan ha høyst 300 tegn."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, initial=0)


def _need_reason(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=NEED_REASON_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"Begrunnelsen kan ha høyst {NEED_REASON_MAX} tegn."},
    )


class RateField(DecimalCommaField):
    """A share in per cent as a planner types it: «70,33» or «70.33»."""

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        problem = "Skriv andelen med høyst to desimaler, for eksempel 70,33."
        super().__init__(
            label=label,
            max_digits=5,
            decimal_places=2,
            error_messages={
                "required": "Fyll inn andelen i prosent (0 hvis ingen).",
                "invalid": "Skriv andelen som et tall, for eksempel 70,33.",
                "max_digits": "Andelen må være fra 0 til 100 %.",
                "max_whole_digits": "Andelen må være fra 0 til 100 %.",
                "max_decimal_places": problem,
            },
            widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            **kwargs,
        )


class NeedForecastForm(DsForm):
    """The forecast's inputs: the reception counts' date, the minors under 15 with a permit, and
    per group (``group_fieldsets``) the expected decisions, the permit share, family
    reunification and the quota (``services.need_forecast``)."""

    counted_on = _date("Mottakstellinger per", required=True)
    permit_under_15 = CountField(
        label="Enslige mindreårige under 15 år med tillatelse",
        example=30,
        help_text="De bor i barnevernets omsorgssentre, ikke i mottak, så tellingene har dem ikke.",
    )
    note = forms.CharField(
        label="Merknad", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = _need_reason(
        "Begrunnelse for endringen", "Må fylles ut når et registrert behov beregnes på nytt."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "counted_on"
        ].help_text = "Den siste tellingen av hvert mottak til og med denne dagen brukes."
        for group in GROUPS:
            self.fields[input_name("decisions", group)] = CountField(
                label=INPUT_LABELS["decisions"], example=3000
            )
            self.fields[input_name("rate", group)] = RateField(label=INPUT_LABELS["rate"])
            self.fields[input_name("family", group)] = CountField(
                label=INPUT_LABELS["family"], example=150
            )
            self.fields[input_name("quota", group)] = CountField(
                label=INPUT_LABELS["quota"], example=2930
            )

    def group_fieldsets(self) -> list[tuple[str, list[Any]]]:
        """(legend, bound fields) for each group, in ``NeedGroup`` order."""
        return [
            (
                str(NeedGroup(group).label),
                [self[input_name(name, group)] for name in INPUT_LABELS],
            )
            for group in GROUPS
        ]


class NeedPartAdjustForm(DsForm):
    part = forms.ChoiceField(
        label="Del av behovet",
        choices=NeedPart.choices,
        error_messages={
            "required": "Velg en del av behovet.",
            "invalid_choice": "Velg en del av behovet fra listen.",
        },
    )
    group = forms.ChoiceField(
        label="Gruppe",
        choices=NeedGroup.choices,
        error_messages={
            "required": "Velg en gruppe.",
            "invalid_choice": "Velg en gruppe fra listen.",
        },
    )
    adjusted = CountField(
        label="Justert antall",
        required=False,
        example=2000,
        help_text="Tomt, eller det beregnede tallet: justeringen fjernes.",
    )
    reason = _need_reason("Begrunnelse", "Hvorfor delen justeres. Lagres i endringshistorikken.")
    version = forms.IntegerField(widget=forms.HiddenInput)


class NeedPrintedTotalForm(DsForm):
    printed_total = CountField(
        label="Trykt total",
        required=False,
        example=5350,
        help_text="Totalen slik kilden trykker den. Tomt: summen av delene er totalen.",
    )
    printed_source = forms.CharField(
        label="Kilde",
        required=False,
        max_length=SOURCE_MAX,
        help_text="Hvor totalen står trykt, for eksempel «Seed 001, Bosettingsbehov 2019».",
        error_messages={"max_length": f"Kilden kan ha høyst {SOURCE_MAX} tegn."},
    )
    reason = _need_reason("Begrunnelse for endringen", "Hvorfor den trykte totalen legges inn.")
    version = forms.IntegerField(widget=forms.HiddenInput)


# Reception centres and their counts (views/reception.py).


class MunicipalityField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.number})"


class CentreForm(DsForm):
    name = forms.CharField(
        label="Navn", max_length=150, error_messages={"required": "Skriv navnet på mottaket."}
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=[("", "Velg type"), *ReceptionKind.choices],
        error_messages={
            "required": "Velg en type mottak.",
            "invalid_choice": "Velg en type mottak fra listen.",
        },
    )
    municipality = MunicipalityField(
        label="Kommune",
        queryset=Municipality.objects.none(),
        empty_label="Velg kommune",
        error_messages={
            "required": "Velg kommunen mottaket ligger i.",
            "invalid_choice": "Velg en kommune fra listen.",
        },
    )
    operator = forms.CharField(label="Driftsoperatør", max_length=150, required=False)
    places = CountField(label="Plasser", example=2220)
    opened_on = _date("Åpnet", required=False)
    closed_on = _date("Lagt ned", required=False)

    def __init__(self, *args: Any, centre: ReceptionCentre | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        choices = Q(valid_to__isnull=True)
        if centre is not None:  # a centre of a merged municipality keeps it until it is moved
            choices |= Q(pk=centre.municipality_id)
        field.queryset = Municipality.objects.filter(choices).order_by("name", "number")


class CountForm(DsForm):
    counted_on = _date("Telledato", required=True)
    permit_to_settle = CountField(label=STATUS_LABELS["permit_to_settle"], example=2220)
    permit_not_to_settle = CountField(label=STATUS_LABELS["permit_not_to_settle"], example=2220)
    other_status = CountField(label=STATUS_LABELS["other_status"], example=2220)
    departure_obligation = CountField(label=STATUS_LABELS["departure_obligation"], example=2220)
    asylum_seekers = CountField(label=STATUS_LABELS["asylum_seekers"], example=2220)


# Households waiting for settlement (views/waiting.py).

SEX_CHOICES = [("", "Ikke oppgitt"), *Sex.choices]
PERMIT_CHOICES = [("", "Velg tillatelse"), *PermitType.choices]
TIE_CHOICES = [("", "Ingen tilknytning"), *TieKind.choices]


def _text(label: str, *, max_length: int, required: bool = False, **kwargs: Any) -> forms.CharField:
    messages = {"max_length": f"{label} kan ha høyst {max_length} tegn."}
    if required:
        messages["required"] = f"{label} må fylles ut."
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages=messages,
        **kwargs,
    )


class WaitingHouseholdForm(DsForm):
    """A waiting household's own facts; its members are ``WaitingPersonForms``."""

    reference = _text(
        "Referanse",
        max_length=REFERENCE_MAX,
        required=True,
        help_text="Husstandens referanse, for eksempel UDIs husstandsnummer.",
    )
    reception_centre = forms.ModelChoiceField(
        label="Mottak",
        queryset=ReceptionCentre.objects.none(),
        required=False,
        empty_label="Ikke i mottak",
        error_messages={"invalid_choice": "Velg et mottak fra listen."},
    )
    ready_on = _date("Klar for bosetting", required=False)
    year = forms.IntegerField(
        label="Bosettingsår",
        required=False,
        help_text="Tomt: året husstanden er klar (tidligst i år).",
        error_messages={"invalid": "Skriv et årstall, for eksempel 2026."},
    )
    category = forms.ChoiceField(
        label="Gruppe",
        choices=[("", "Finn fra personene"), *CATEGORY_CHOICES],
        required=False,
        help_text="Tom: enslig mindreårig når en person er merket som det, ellers fra mottak.",
        error_messages={"invalid_choice": "Velg en gruppe fra listen."},
    )
    large_dwelling = forms.BooleanField(label="Trenger stor bolig", required=False)
    adaptation_needs = forms.MultipleChoiceField(
        label="Behov for tilpasning",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Velg behovene fra listen."},
    )
    adaptation_note = _text(
        "Merknad om tilpasning",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Må fylles ut ved «Annet».",
    )
    tie_municipality = MunicipalityField(
        label="Tilknytning til kommune",
        queryset=Municipality.objects.none(),
        required=False,
        empty_label="Ingen",
        help_text="Husstanden kan bare bosettes i denne kommunen.",
        error_messages={"invalid_choice": "Velg en kommune fra listen."},
    )
    tie_kind = forms.ChoiceField(
        label="Type tilknytning",
        choices=TIE_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Velg familie eller nettverk."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, household: WaitingHousehold | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        centres = self.fields["reception_centre"]
        assert isinstance(centres, forms.ModelChoiceField)
        today = timezone.localdate()
        open_now = Q(closed_on__isnull=True) | Q(closed_on__gt=today)
        if household is not None and household.reception_centre_id:
            open_now |= Q(pk=household.reception_centre_id)
        centres.queryset = ReceptionCentre.objects.filter(open_now).order_by("name")
        needs = self.fields["adaptation_needs"]
        assert isinstance(needs, forms.MultipleChoiceField)
        needs.choices = adaptation_choices()
        tie = self.fields["tie_municipality"]
        assert isinstance(tie, forms.ModelChoiceField)
        tie.queryset = Municipality.objects.filter(valid_to__isnull=True).order_by("name")


class WaitingPersonForm(DsForm):
    """One member of a waiting household."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    given_name = _text("Fornavn", max_length=NAME_MAX, required=True)
    family_name = _text("Etternavn", max_length=NAME_MAX, required=True)
    birth_date = _date("Fødselsdato", required=True)
    sex = forms.ChoiceField(label="Kjønn", choices=SEX_CHOICES, required=False)
    duf_number = forms.CharField(
        label="DUF-nummer",
        max_length=20,
        help_text="12 siffer fra UDI. Kontrollsifrene sjekkes.",
        error_messages={
            "required": "DUF-nummeret må fylles ut.",
            "max_length": "DUF-nummeret må ha 12 siffer.",
        },
    )
    relation = forms.ChoiceField(
        label="Relasjon i husstanden", choices=Relation.choices, initial=Relation.MAIN
    )
    permit_type = forms.ChoiceField(
        label="Tillatelse",
        choices=PERMIT_CHOICES,
        error_messages={
            "required": "Velg hvilken tillatelse personen har.",
            "invalid_choice": "Velg en tillatelse fra listen.",
        },
    )
    permit_date = _date("Dato for tillatelsen", required=False)
    citizenship = _text("Statsborgerskap", max_length=NAME_MAX)
    language = _text("Morsmål", max_length=NAME_MAX)
    interpreter_needed = forms.BooleanField(label="Trenger tolk", required=False)
    interpreter_language = _text("Tolkespråk", max_length=NAME_MAX)
    unaccompanied_minor = forms.BooleanField(
        label="Enslig mindreårig",
        required=False,
        help_text="Under 18 år når husstanden er klar for bosetting.",
    )

    def clean_duf_number(self) -> str:
        return "".join(self.cleaned_data["duf_number"].split())

    def to_input(self) -> WaitingPersonInput:
        data = self.cleaned_data
        return WaitingPersonInput(
            id=data.get("id"),
            given_name=data["given_name"],
            family_name=data["family_name"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            duf_number=data["duf_number"],
            relation=data["relation"],
            permit_type=data["permit_type"],
            permit_date=data["permit_date"],
            citizenship=data["citizenship"],
            language=data["language"],
            interpreter_needed=data["interpreter_needed"],
            interpreter_language=data["interpreter_language"],
            unaccompanied_minor=data["unaccompanied_minor"],
        )


class WaitingPersonFormSet(forms.BaseFormSet):
    # Plain bokmål instead of Django's «Vennligst send inn minst 1 skjema.» (issue 23).
    default_error_messages = {
        "too_few_forms": "Registrer minst én person i husstanden.",
        "too_many_forms": "En husstand kan ha høyst %(num)d personer.",
    }

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Fjern personen fra husstanden"

    def to_inputs(self) -> list[WaitingPersonInput]:
        return [
            form.to_input()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


WaitingPersonForms = forms.formset_factory(
    WaitingPersonForm,
    formset=WaitingPersonFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MEMBERS_MAX,
    validate_max=True,
    can_delete=True,
)


def waiting_person_initial(person: WaitingPerson) -> dict[str, Any]:
    return {
        "id": person.pk,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "duf_number": person.duf_number,
        "relation": person.relation,
        "permit_type": person.permit_type,
        "permit_date": person.permit_date,
        "citizenship": person.citizenship,
        "language": person.language,
        "interpreter_needed": person.interpreter_needed,
        "interpreter_language": person.interpreter_language,
        "unaccompanied_minor": person.unaccompanied_minor,
    }


def waiting_household_initial(household: WaitingHousehold) -> dict[str, Any]:
    return {
        "reference": household.reference,
        "reception_centre": household.reception_centre_id,
        "ready_on": household.ready_on,
        "year": household.year,
        "category": household.category,
        "large_dwelling": bool(household.large_dwelling),
        "adaptation_needs": list(household.adaptation_needs),
        "adaptation_note": household.adaptation_note,
        "tie_municipality": household.required_municipality_id,
        "tie_kind": household.tie_kind,
        "version": household.version,
    }


def waiting_household_input(
    form: WaitingHouseholdForm, members: WaitingPersonFormSet
) -> WaitingHouseholdInput:
    data = form.cleaned_data
    centre = data["reception_centre"]
    tie = data["tie_municipality"]
    return WaitingHouseholdInput(
        reference=data["reference"],
        members=members.to_inputs(),
        reception_centre_id=centre.pk if centre else None,
        ready_on=data["ready_on"],
        year=data["year"],
        category=data["category"],
        large_dwelling=data["large_dwelling"],
        adaptation_needs=list(data["adaptation_needs"]),
        adaptation_note=data["adaptation_note"],
        tie_municipality=tie.number if tie else "",
        tie_kind=data["tie_kind"],
    )


class WithdrawForm(DsForm):
    reason = forms.ChoiceField(
        label="Hvorfor trekkes husstanden?",
        choices=WithdrawalReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Velg hvorfor husstanden trekkes.",
            "invalid_choice": "Velg en årsak fra listen.",
        },
    )
    withdrawn_on = _date("Dato", required=False)
    note = _text(
        "Merknad",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Må fylles ut ved «Annet».",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class WaitingFilterForm(DsForm):
    """The waiting list's filters; an unknown value is left out rather than refused."""

    status = forms.ChoiceField(label="Status", required=False)
    year = forms.TypedChoiceField(
        label="Bosettingsår", required=False, coerce=int, empty_value=None
    )
    centre = forms.ModelChoiceField(
        label="Mottak",
        queryset=ReceptionCentre.objects.none(),
        required=False,
        empty_label="Alle mottak",
        error_messages={"invalid_choice": "Velg et mottak fra listen."},
    )
    need = forms.ChoiceField(label="Behov", required=False)
    q = forms.CharField(
        label="Søk på referanse, navn eller DUF-nummer", required=False, max_length=100
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [*WaitingStatus.choices, (STATUS_ALL, "Alle")]
        status.error_messages["invalid_choice"] = "Velg en status fra listen."
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [("", "Alle år"), *((y, str(y)) for y in years)]
        year.error_messages["invalid_choice"] = "Velg et år fra listen."
        centre = self.fields["centre"]
        assert isinstance(centre, forms.ModelChoiceField)
        centre.queryset = ReceptionCentre.objects.order_by("name")
        need = self.fields["need"]
        assert isinstance(need, forms.ChoiceField)
        need.choices = [("", "Alle"), *adaptation_choices(), *NEED_FILTERS.items()]
        need.error_messages["invalid_choice"] = "Velg et behov fra listen."


class WaitingImportForm(DsForm):
    file = forms.FileField(
        label="Fil med husstander som venter",
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={
            "required": "Velg en fil å laste opp.",
            "empty": "Filen er tom.",
            "invalid": "Velg en fil å laste opp.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "CSV (UTF-8, med semikolon eller komma mellom feltene) eller Excel (.xlsx, første ark), "
            f"høyst {megabytes(settings.IMPORT_MAX_BYTES)}. Første rad er kolonnenavnene; se "
            "kolonnene filen kan ha under skjemaet."
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        content = b""
        problems = upload_errors(
            filename=upload.name,
            content_type=upload.content_type or "",
            size=upload.size,
            max_bytes=settings.IMPORT_MAX_BYTES,
        )
        if not problems:
            content = upload.read()
            problems = header_errors(filename=upload.name, content=content)
        if problems:
            raise forms.ValidationError(problems)
        self.cleaned_data["content"] = content
        return upload
