"""The settlement planner's forms (requests, matching, need, reception) and their shared fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from integrering.organisations.models import County, Municipality
from integrering.ui.forms import DateInput, DsForm

from .models import ReceptionCentre, ReceptionKind
from .services.match_capacity import municipality_capacity
from .services.need import need_years
from .services.reception import STATUS_LABELS
from .services.requests import NOTE_MAX, REASON_MAX
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
    large_dwellings = CountField(
        label="Store boliger",
        required=False,
        help_text="Hvor mange store boliger kommunen har til familier. Tomt betyr ingen grense.",
    )
    decided_on = forms.DateField(
        label="Vedtaksdato",
        widget=DateInput(),
        error_messages={"required": "Oppgi vedtaksdatoen.", "invalid": "Ugyldig dato."},
    )
    note = forms.CharField(
        label="Merknad",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"Merknaden kan være høyst {NOTE_MAX} tegn."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


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
        error_messages={"invalid_choice": "Velg en kommune som har vedtatt å bosette i år."},
    )
    locked = forms.BooleanField(
        label="Lås plasseringen",
        required=False,
        help_text="En låst plassering beholdes når utsøkingen kjøres på nytt.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Municipality.objects.filter(
            pk__in=list(municipality_capacity(year))
        ).order_by("number")


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
