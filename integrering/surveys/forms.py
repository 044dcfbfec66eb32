"""Forms of the surveys' pages: the municipal survey's (the analyst's: surveys, questionnaires,
questions, contact import, invitation filters, themes on open answers and the import of
municipal features) and the capacity survey's (opening a round, the leader's answer). The
answer-by-link form is built from the questions in ``views/respond.py``."""

from __future__ import annotations

from typing import Any

from django import forms

from integrering.ui.forms import DateInput, DsForm, TableFileField, YearField
from integrering.ui.words import lower_first

from .models import (
    CapacityLevel,
    CapacityService,
    InvitationStatus,
    Question,
    QuestionKind,
    Questionnaire,
    Survey,
    SurveyRole,
)
from .scales import DEFAULT_SCALE, SCALE_CHOICES
from .services.capacity import COMMENT_MAX, NOTE_MAX, ServiceAnswer
from .services.figures import COMPARED_MAX
from .services.results import TAG_MAX_LENGTH


class SurveyForm(DsForm):
    year = YearField()
    title = forms.CharField(
        label="Tittel", max_length=200, error_messages={"required": "Gi undersøkelsen en tittel."}
    )
    opens_on = forms.DateField(
        label="Åpner",
        widget=DateInput(),
        error_messages={"required": "Oppgi når undersøkelsen åpner.", "invalid": "Ugyldig dato."},
    )
    closes_on = forms.DateField(
        label="Svarfrist",
        widget=DateInput(),
        help_text="Siste dag det kan svares (norsk tid).",
        error_messages={"required": "Oppgi svarfristen.", "invalid": "Ugyldig dato."},
    )
    copy_from = forms.ModelChoiceField(
        label="Kopier spørsmålene fra",
        queryset=Survey.objects.none(),
        required=False,
        empty_label="Ikke kopier (tomme skjemaer)",
        help_text="Spørsmålene får de samme kodene, så resultatene kan sammenlignes med i fjor.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["copy_from"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Survey.objects.order_by("-year")
        field.error_messages["invalid_choice"] = "Velg en undersøkelse fra listen."


class SurveyEditForm(DsForm):
    title = SurveyForm.base_fields["title"]
    opens_on = SurveyForm.base_fields["opens_on"]
    closes_on = SurveyForm.base_fields["closes_on"]
    version = forms.IntegerField(widget=forms.HiddenInput)


class QuestionnaireForm(DsForm):
    title = forms.CharField(
        label="Tittel", max_length=200, error_messages={"required": "Gi skjemaet en tittel."}
    )
    introduction = forms.CharField(
        label="Innledning",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Vises øverst i skjemaet for den som svarer.",
    )
    includes_city_districts = forms.BooleanField(label="Oslos bydeler svarer", required=False)


def _question_label(question: Question) -> str:
    return f"{question.position}. {question.text[:80]}"


class QuestionForm(DsForm):
    kind = forms.ChoiceField(
        label="Type",
        choices=QuestionKind.choices,
        error_messages={"required": "Velg en spørsmålstype."},
    )
    text = forms.CharField(
        label="Spørsmål",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Skriv spørsmålet."},
    )
    help_text = forms.CharField(
        label="Hjelpetekst", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    choices = forms.CharField(
        label="Svaralternativer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ett per linje. Bare for spørsmål med ett eller flere valg.",
    )
    group = forms.CharField(
        label="Gruppe",
        required=False,
        max_length=200,
        help_text="Skalaspørsmål med samme gruppe og skala vises i samme figur i resultatene.",
    )
    scale = forms.ChoiceField(
        label="Skala",
        choices=SCALE_CHOICES,
        initial=DEFAULT_SCALE,
        required=False,
        help_text="Bare for skalaspørsmål. «Vet ikke» kommer i tillegg, og for noen skalaer "
        "«kjenner ikke til».",
        error_messages={"invalid_choice": "Velg en av skalaene i listen."},
    )
    required = forms.BooleanField(label="Må besvares", required=False)
    code = forms.CharField(
        label="Kode",
        required=False,
        max_length=60,
        help_text="Brukes for å sammenligne med andre år. Tom: lages av spørsmålsteksten.",
    )
    show_if_question = forms.ModelChoiceField(
        label="Vis bare hvis spørsmål",
        queryset=Question.objects.none(),
        required=False,
        empty_label="Vis alltid",
        help_text="Et tidligere spørsmål med ett valg.",
    )
    show_if_value = forms.CharField(
        label="er besvart med",
        required=False,
        max_length=200,
        help_text="Et av svaralternativene til spørsmålet over, skrevet likt.",
    )

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        question: Question | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["show_if_question"]
        assert isinstance(field, forms.ModelChoiceField)
        earlier = questionnaire.questions.filter(kind=QuestionKind.SINGLE)
        if question is not None:
            earlier = earlier.filter(position__lt=question.position)
        field.queryset = earlier.order_by("position")
        field.label_from_instance = _question_label  # type: ignore[method-assign,assignment]
        field.error_messages["invalid_choice"] = (
            "Velg et tidligere spørsmål med ett valg fra listen."
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": data["text"],
            "help_text": data["help_text"],
            "group": data["group"],
            "scale": data["scale"] or DEFAULT_SCALE,
            "choices": [line.strip() for line in data["choices"].splitlines() if line.strip()],
            "required": data["required"],
            "code": data["code"],
            "show_if_question": data["show_if_question"],
            "show_if_value": data["show_if_value"].strip(),
        }


def question_initial(question: Question) -> dict[str, Any]:
    return {
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text,
        "choices": "\n".join(question.choices),
        "group": question.group,
        "scale": question.scale,
        "required": question.required,
        "code": question.code,
        "show_if_question": question.show_if_question_id,
        "show_if_value": question.show_if_value,
    }


class ContactsForm(DsForm):
    file = forms.FileField(
        label="Fil med e-postadresser (CSV)",
        help_text="Kolonnene unit_id,role,email: kommune- eller bydelsnummer, rolle "
        "(chief_executive, integration_officer, head_of_education) og e-postadresse.",
        error_messages={"required": "Velg en fil.", "empty": "Filen er tom."},
    )


class InvitationFilterForm(DsForm):
    role = forms.ChoiceField(
        label="Rolle", required=False, choices=[("", "Alle roller"), *SurveyRole.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Alle"), *InvitationStatus.choices]
    )
    q = forms.CharField(label="Kommune eller bydel", required=False, max_length=100)


class FeaturesImportForm(DsForm):
    year = YearField(
        required_message="Skriv året kjennetegnene gjelder.",
        help_text="Året undersøkelsen gjelder; en ny import erstatter årets kjennetegn.",
    )
    file = TableFileField(
        help_text=(
            "Kolonnene municipality_number, population, immigrants, centrality, "
            "settled_last_5_years og settled_last_10_years, med overskriftsrad."
        ),
    )


class TagForm(DsForm):
    name = forms.CharField(
        label="Tema",
        max_length=TAG_MAX_LENGTH,
        error_messages={
            "required": "Skriv et tema.",
            "max_length": f"Temaet kan ha høyst {TAG_MAX_LENGTH} tegn.",
        },
    )
    action = forms.ChoiceField(
        choices=[("add", "Legg til"), ("remove", "Fjern")], initial="add", widget=forms.HiddenInput
    )


class RoundOpenForm(DsForm):
    year = YearField()
    quarter = forms.TypedChoiceField(
        label="Kvartal",
        coerce=int,
        choices=[(q, f"{q}. kvartal") for q in range(1, 5)],
        error_messages={"required": "Velg kvartal.", "invalid_choice": "Velg kvartal 1–4."},
    )
    closes_on = forms.DateField(
        label="Svarfrist",
        widget=DateInput(),
        help_text="Kommunene kan svare og endre svaret til og med denne dagen.",
        error_messages={"required": "Oppgi svarfristen.", "invalid": "Ugyldig dato."},
    )
    note = forms.CharField(
        label="Melding til kommunene",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Vises på svarsiden og i purringene.",
        error_messages={"max_length": f"Meldingen kan være høyst {NOTE_MAX} tegn."},
    )


class AnswerForm(DsForm):
    """A level (radio group in a fieldset) and a comment per service, in the seed's order."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for service in CapacityService:
            self.fields[f"level_{service.value}"] = forms.ChoiceField(
                label=str(service.label),
                choices=CapacityLevel.choices,
                widget=forms.RadioSelect,
                required=False,
                error_messages={"invalid_choice": "Velg et av nivåene."},
            )
            self.fields[f"comment_{service.value}"] = forms.CharField(
                label=f"Kommentar til {lower_first(str(service.label))}",
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": f"Kommentaren kan være høyst {COMMENT_MAX} tegn."},
            )

    def answers(self) -> list[ServiceAnswer]:
        data = self.cleaned_data
        return [
            ServiceAnswer(
                service=service,
                level=data.get(f"level_{service}") or "",
                comment=data.get(f"comment_{service}") or "",
            )
            for service in CapacityService.values
        ]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"level": self[f"level_{service}"], "comment": self[f"comment_{service}"]}
            for service in CapacityService.values
        ]


class CompareForm(DsForm):
    """Which earlier years the figures are compared with (at most two, seed 004 compares 2021
    with 2020 and 2019)."""

    years = forms.TypedMultipleChoiceField(
        label="Sammenlign med",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Høyst to tidligere år, så hver figur viser høyst tre år ved siden av hverandre.",
        error_messages={"invalid_choice": "Velg blant årene i listen."},
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["years"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        years = Survey.objects.filter(year__lt=survey.year).order_by("-year")
        field.choices = [(y, str(y)) for y in years.values_list("year", flat=True)]

    def clean_years(self) -> list[int]:
        years: list[int] = self.cleaned_data["years"]
        if len(years) > COMPARED_MAX:
            raise forms.ValidationError(
                f"Velg høyst {COMPARED_MAX} år, så hver figur viser høyst {COMPARED_MAX + 1} år."
            )
        return years
