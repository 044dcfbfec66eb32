"""Forms of the household's meetings: schedule a team meeting, change a meeting, hold it.

The services take part by a checkbox each, with an optional field for the names of those who
come from that service. The interpreter's qualification categories are those of the national
interpreter register on the meeting's date (``services/interpreters.py``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from integrering.accounts.roles import Service
from integrering.people.models import Person
from integrering.ui.forms import DateInput, DsForm

from .models import InterpreterMode, Meeting
from .services.interpreters import qualification_choices
from .services.meetings import MeetingHoldInput, MeetingInput, Participant

YES_NO = [("", "Ikke registrert"), ("true", "Ja"), ("false", "Nei")]
PARTICIPANT_HELP = "Valgfritt. Skill flere navn med komma."


def _yes_no(value: Any) -> bool:
    return value == "true"


def yes_no_initial(value: bool | None) -> str:
    return {True: "true", False: "false"}.get(value, "") if value is not None else ""


def participant_field(service: str) -> str:
    return f"participants_{service}"


def participants_initial(meeting: Meeting) -> dict[str, str]:
    names: dict[str, list[str]] = {}
    for participant in meeting.participants:
        names.setdefault(participant["service"], []).append(participant["name"])
    return {participant_field(s): ", ".join(n) for s, n in names.items()}


def interpreter_initial(meeting: Meeting) -> dict[str, Any]:
    return {
        "interpreter_needed": meeting.interpreter_needed,
        "interpreter_language": meeting.interpreter_language,
        "interpreter_mode": meeting.interpreter_mode,
        "interpreter_qualification": meeting.interpreter_qualification,
        "interpreter_booked": meeting.interpreter_booked,
        "interpreter_name": meeting.interpreter_name,
        "interpreter_company": meeting.interpreter_company,
    }


class _MeetingFields(DsForm):
    """The fields a meeting is planned with: the day, the services and who comes, the
    interpreter."""

    scheduled_on = forms.DateField(
        label="Planlagt dato",
        widget=DateInput(),
        error_messages={"required": "Oppgi datoen møtet er planlagt.", "invalid": "Ugyldig dato."},
    )
    services = forms.MultipleChoiceField(
        label="Tjenester som deltar",
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    interpreter_needed = forms.BooleanField(label="Det trengs tolk i møtet", required=False)
    interpreter_language = forms.CharField(label="Tolkespråk", max_length=100, required=False)
    interpreter_mode = forms.ChoiceField(
        label="Tolkemåte",
        choices=[("", "Ikke valgt"), *InterpreterMode.choices],
        required=False,
    )
    interpreter_qualification = forms.ChoiceField(
        label="Kategori i Nasjonalt tolkeregister",
        choices=[("", "Ikke oppgitt")],
        required=False,
        help_text="Kategoriene registeret bruker på møtedatoen; A (eller 1) er høyest.",
    )
    interpreter_booked = forms.BooleanField(label="Tolken er bestilt", required=False)
    interpreter_name = forms.CharField(
        label="Tolkens navn",
        max_length=150,
        required=False,
        help_text="En kvalifisert tolk utenfor familien. Barn kan aldri være tolk.",
    )
    interpreter_company = forms.CharField(
        label="Tolketjeneste eller firma", max_length=150, required=False
    )

    SERVICE_FIELDS: tuple[str, ...] = ("services",)
    INTERPRETER_FIELDS = (
        "interpreter_needed",
        "interpreter_language",
        "interpreter_mode",
        "interpreter_qualification",
        "interpreter_booked",
        "interpreter_name",
        "interpreter_company",
    )

    def __init__(self, *args: Any, on: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for service, label in Service.choices:
            self.fields[participant_field(service)] = forms.CharField(
                label=f"Navn fra {label}",
                required=False,
                max_length=400,
                help_text=PARTICIPANT_HELP,
            )
        field = self.fields["interpreter_qualification"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Ikke oppgitt"), *qualification_choices(on)]

    def participant_fields(self) -> list[forms.BoundField]:
        return [self[participant_field(s)] for s in Service.values]

    def interpreter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.INTERPRETER_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = set(data.get("services") or ())
        for service, label in Service.choices:
            names = data.get(participant_field(service)) or ""
            if names.strip() and service not in chosen:
                self.add_error(
                    participant_field(service),
                    f"Kryss av for {label} blant tjenestene som deltar, eller fjern navnet.",
                )
        return data

    def participants(self) -> tuple[Participant, ...]:
        found = []
        for service in Service.values:
            text = self.cleaned_data.get(participant_field(service)) or ""
            found += [
                Participant(service=service, name=name.strip())
                for name in text.split(",")
                if name.strip()
            ]
        return tuple(found)

    def interpreter_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in self.INTERPRETER_FIELDS}


class MeetingScheduleForm(_MeetingFields):
    """A further meeting of the interdisciplinary team (seed 002 §2.4)."""

    persons = forms.MultipleChoiceField(
        label="Deltakere fra husstanden",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Velg hvem i husstanden møtet er med."},
    )

    def __init__(self, *args: Any, members: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["persons"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (str(m.pk), f"{m.full_name} (født {m.birth_date:%d.%m.%Y})") for m in members
        ]

    def to_input(self) -> MeetingInput:
        data = self.cleaned_data
        return MeetingInput(
            scheduled_on=data["scheduled_on"],
            services=tuple(data["services"]),
            participants=self.participants(),
            persons=tuple(int(pk) for pk in data["persons"]),
            **self.interpreter_values(),
        )


class MeetingForm(_MeetingFields):
    """Plan or record a meeting; a held meeting records whether an interpreter was used."""

    held_on = forms.DateField(label="Holdt dato", required=False, widget=DateInput())
    interpreter_used = forms.TypedChoiceField(
        label="Ble tolk brukt?",
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )
    notes = forms.CharField(
        label="Referat", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def to_input(self) -> MeetingInput:
        data = self.cleaned_data
        return MeetingInput(
            scheduled_on=data["scheduled_on"],
            held_on=data["held_on"],
            interpreter_used=data["interpreter_used"],
            services=tuple(data["services"]),
            notes=data["notes"],
            participants=self.participants(),
            **self.interpreter_values(),
        )


class MeetingHoldForm(DsForm):
    """Record a meeting as held: the day, the interpreter and the minutes (referat)."""

    held_on = forms.DateField(
        label="Holdt dato",
        widget=DateInput(),
        error_messages={"required": "Oppgi datoen møtet ble holdt.", "invalid": "Ugyldig dato."},
    )
    interpreter_used = forms.TypedChoiceField(
        label="Ble tolk brukt?",
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )
    interpreter_language = forms.CharField(label="Tolkespråk", max_length=100, required=False)
    interpreter_name = forms.CharField(
        label="Tolkens navn",
        max_length=150,
        required=False,
        help_text="En kvalifisert tolk utenfor familien. Barn kan aldri være tolk.",
    )
    interpreter_company = forms.CharField(
        label="Tolketjeneste eller firma", max_length=150, required=False
    )
    notes = forms.CharField(
        label="Referat",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Skriv referat fra møtet."},
        help_text="Hva dere snakket om, hva som ble avtalt, og hvem som følger opp hva.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def to_input(self) -> MeetingHoldInput:
        data = self.cleaned_data
        return MeetingHoldInput(
            held_on=data["held_on"],
            interpreter_used=data["interpreter_used"],
            interpreter_language=data["interpreter_language"],
            interpreter_name=data["interpreter_name"],
            interpreter_company=data["interpreter_company"],
            notes=data["notes"],
        )
