"""The mapping form after arrival (kartleggingsskjema, seed 002 Vedlegg 2), section by section.

The answers are stored as one JSON document on ``Mapping.data``:
``{section key: {field: value, table key: [row, ...]}}``, with dates as ISO strings and yes/no
answers as true/false/null. Each section is a Django form (and a formset per repeating table),
so the HTML page and the API validate the same way.

What the person registry already holds (name, numbers, sex, citizenship, arrival, settlement
date, household members) is not asked again. Each section says which ``InformationCategory``
it belongs to, so a service sees only what its consent covers: the background (2) and the
family and health considerations of the life situation (10) are health information.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.boundfield import BoundField
from django.forms.formsets import BaseFormSet, formset_factory

from integrering.people.models import InformationCategory
from integrering.ui.forms import DateInput, DsForm

EXTRA_ROWS = 2  # empty rows offered below the filled ones; saving offers new ones
MAX_ROWS = 50
SHORT = 200
LONG = 4000

YES_NO = [(True, "Ja"), (False, "Nei")]
YES_NO_SELECT = [("", "Ikke oppgitt"), (True, "Ja"), (False, "Nei")]
LANGUAGE_LEVELS = [
    ("", "Ikke oppgitt"),
    ("fluent", "Flytende"),
    ("some", "Kan litt"),
    ("none", "Kan ikke"),
]
SCHOOL_STATUS = [("completed", "Fullført"), ("not_completed", "Ikke fullført")]


def _text(label: str, *, max_length: int = SHORT, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=max_length, help_text=help_text)


def _long_text(label: str, *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=LONG,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class YesNoField(forms.NullBooleanField):
    """Ja, nei or not answered; anything else is refused (the API must not guess)."""

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value is None or value == "":
            return None
        if value in (True, "True", "true"):
            return True
        if value in (False, "False", "false"):
            return False
        raise ValidationError("Svar ja (true) eller nei (false).", code="invalid")


def _yes_no(label: str) -> YesNoField:
    return YesNoField(label=label, required=False, widget=forms.RadioSelect(choices=YES_NO))


def _yes_no_select(label: str) -> YesNoField:
    """A yes/no answer inside a table row, where a radio group per cell would be unwieldy."""
    return YesNoField(label=label, required=False, widget=forms.Select(choices=YES_NO_SELECT))


def _radio(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=choices, widget=forms.RadioSelect)


def _select(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=choices)


def _number(label: str, *, min_value: int = 0, max_value: int = 100) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=min_value, max_value=max_value)


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput())


def _year(label: str) -> forms.IntegerField:
    return _number(label, min_value=1900, max_value=2100)


class _PeriodRowForm(DsForm):
    """A table row with a period: the end may not come before the start."""

    period = ("from_date", "to_date")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = (cleaned.get(name) for name in self.period)
        if start is not None and end is not None and end < start:
            self.add_error(self.period[1], "Slutten er før starten.")
        return cleaned


# 1. Personlige opplysninger -------------------------------------------------------------


class PersonalForm(DsForm):
    marital_status = _select(
        "Sivilstand",
        [
            ("", "Ikke oppgitt"),
            ("single", "Ugift"),
            ("married", "Gift"),
            ("cohabiting", "Samboer"),
            ("separated", "Separert"),
            ("divorced", "Skilt"),
            ("widowed", "Enke eller enkemann"),
            ("other", "Annet"),
        ],
    )
    address = _text("Adresse", max_length=300)
    phone = _text("Telefon/mobilnummer", max_length=30)
    came_as = _radio(
        "Kom du til Norge som",
        [
            ("asylum_seeker", "Asylsøker"),
            ("transfer_refugee", "Overføringsflyktning"),
            ("family_reunification", "Familiegjenforent"),
            ("other", "Annet"),
        ],
    )
    came_as_other = _text("Kom til Norge som, annet")
    residence_status = _radio(
        "Hvilken oppholdsstatus har du?",
        [("humanitarian", "Humanitært grunnlag"), ("asylum", "Asyl"), ("other", "Annet")],
    )
    residence_status_other = _text("Oppholdsstatus, annet")
    several_reception_centres = _yes_no("Har du bodd i flere mottak?")
    reception_centre_count = _number("Hvis ja, antall mottak", min_value=1, max_value=50)
    last_reception_centre = _text("Navn på siste mottak du oppholdt deg på")
    last_reception_centre_duration = _text("Hvor lenge bodde du der?", max_length=100)
    settled_directly_on = _date("Eventuelt direkte bosatt (dato)")
    self_settled_on = _date("Selvetablert (dato)")
    family_or_friends_in_norway = _long_text(
        "Har du andre familiemedlemmer eller gode venner boende i Norge?"
    )
    family_reunification_applied = _yes_no("Har familien din søkt familieinnvandring?")
    family_reunification_planned = _yes_no("Skal familien din søke familieinnvandring?")
    family_reunification_with = _text("Eventuell familieinnvandring med hvem?", max_length=300)
    return_thoughts = _long_text("Hvilke tanker gjør du deg når det gjelder tilbakevending?")


# 2. Bakgrunn ------------------------------------------------------------------------------


class BackgroundForm(DsForm):
    hometown = _long_text("Hjemsted")
    climate = _long_text("Klima")
    network = _long_text("Nettverk")
    flight = _long_text("Flukten")
    health = _long_text("Helse")
    religion = _long_text("Religion")


# 3. Språkferdigheter ----------------------------------------------------------------------


class LanguagesForm(DsForm):
    mother_tongue = _text("Eget morsmål", max_length=100)
    mother_tongue_written = _select("Morsmål, skriftlig", LANGUAGE_LEVELS)
    mother_tongue_oral = _select("Morsmål, muntlig", LANGUAGE_LEVELS)
    english_written = _select("Engelsk, skriftlig", LANGUAGE_LEVELS)
    english_oral = _select("Engelsk, muntlig", LANGUAGE_LEVELS)
    other_language_1 = _text("Annet språk (1), hvilket", max_length=100)
    other_language_1_written = _select("Annet språk (1), skriftlig", LANGUAGE_LEVELS)
    other_language_1_oral = _select("Annet språk (1), muntlig", LANGUAGE_LEVELS)
    other_language_2 = _text("Annet språk (2), hvilket", max_length=100)
    other_language_2_written = _select("Annet språk (2), skriftlig", LANGUAGE_LEVELS)
    other_language_2_oral = _select("Annet språk (2), muntlig", LANGUAGE_LEVELS)
    interpreter_languages = _text(
        "Kan andre språk enn morsmålet brukes som tolkespråk? I så fall hvilke"
    )


# 4. Utdanning, oversettelse, vurdering og godkjenning --------------------------------------


class EducationForm(DsForm):
    school_years = _number("Antall år på skole", max_value=40)
    primary_status = _radio("Grunnskole", SCHOOL_STATUS)
    primary_years = _number("Grunnskole, antall år", max_value=20)
    primary_school = _text("Grunnskole, skolested og skolens navn")
    secondary_status = _radio("Videregående skole", SCHOOL_STATUS)
    secondary_years = _number("Videregående skole, antall år", max_value=20)
    secondary_school = _text("Videregående skole, skolested og skolens navn")
    secondary_subject = _text("Videregående skole, linje/fag")
    higher_status = _radio("Høyere utdanning (universitet, høgskole)", SCHOOL_STATUS)
    higher_years = _number("Høyere utdanning, antall år", max_value=20)
    higher_school = _text("Høyere utdanning, skolested og skolens navn")
    higher_subject = _text("Høyere utdanning, linje/fag/studium")
    diploma_translation = _radio(
        "Oversettelse av vitnemål",
        [("translated", "Vitnemål oversatt"), ("sent", "Vitnemål sendt til oversetting")],
    )
    diploma_translation_on = _date("Oversettelse, dato")
    diploma_translation_body = _text("Oversettelse, instans")
    assessment_sent_on = _date("Utdanning sendt til vurdering, dato")
    assessment_body = _text("Vurdering, instans")
    approved_on = _date("Utdanning godkjent i Norge, dato")
    approved_body = _text("Godkjenning, instans")
    assessment_statement = _long_text(
        "Eventuell uttalelse fra vurderings- eller godkjenningsinstansen"
    )
    additional_subjects = _long_text(
        "Behov for tilleggsfag eller tilleggsutdanning for å få godkjent utdanningen i Norge"
    )
    prior_learning_assessment = _yes_no("Aktuelt med realkompetansekartlegging eller yrkesprøving?")
    other_trial = _yes_no("Aktuelt med annen utprøving (i kommunal regi, ordinært arbeidsliv)?")
    remarks = _long_text("Merknader")
    driving_licence = _yes_no("Har du førerkort?")
    driving_licence_approved = _yes_no("Er førerkortet godkjent i Norge?")
    driving_licence_knows_rules = _yes_no(
        "Hvis nei: kjenner du reglene for godkjenning av førerkort?"
    )
    driving_licence_information = _text("Hvis nei: behov for informasjon?", max_length=500)


# 5. Norskopplæring ------------------------------------------------------------------------


class NorwegianForm(DsForm):
    hours = _number("Norskopplæring, antall timer", max_value=10000)
    track = _radio("Hvilket løp?", [("A", "Løp A"), ("B", "Løp B")])
    school_name = _text("Skolens navn")
    teacher = _text("Lærer", max_length=150)
    phone = _text("Telefon", max_length=30)
    tests = _text("Prøver/tester i norsk")
    result = _text("Resultat")


# 6. Utdanning eller kurs i Norge ------------------------------------------------------------


class CourseRowForm(_PeriodRowForm):
    provider = _text("Skole/arrangør")
    subject = _text("Linje/fag/studium/kurs")
    from_date = _date("Fra")
    to_date = _date("Til")
    documented = _yes_no_select("Dokumentert")


class CoursesNorwayForm(DsForm):
    additional_information = _long_text("Tilleggsinformasjon")


# 7. Yrkeserfaring fra hjemlandet eller andre land -----------------------------------------


class WorkAbroadRowForm(_PeriodRowForm):
    period = ("from_year", "to_year")

    employer = _text("Arbeidsgiver/firma")
    position = _text("Stilling")
    country = _text("Land", max_length=100)
    from_year = _year("Fra (år)")
    to_year = _year("Til (år)")
    documented = _yes_no_select("Dokumentert")
    translated = _yes_no_select("Oversatt")


class WorkAbroadForm(DsForm):
    additional_information = _long_text("Tilleggsinformasjon")
    competence_description = _long_text(
        "Kan det være aktuelt å lage en beskrivelse av kompetanse og yrkeserfaring?"
    )
    industry_contact = _long_text("Kan det være aktuelt å formidle bransjekontakt? Aktuell instans")


# 8. Yrkeserfaring fra Norge -----------------------------------------------------------------


class WorkNorwayRowForm(_PeriodRowForm):
    employer = _text("Arbeidsgiver/firma")
    position = _text("Stilling")
    from_date = _date("Fra")
    to_date = _date("Til")
    documented = _yes_no_select("Dokumentert")


class ReferenceRowForm(DsForm):
    name = _text("Referansens navn", max_length=150)
    position = _text("Stilling")
    organisation = _text("Firma/instans")
    phone = _text("Telefon", max_length=30)
    date = _date("Dato")


class WorkNorwayForm(DsForm):
    details = _long_text("Utfyllende informasjon om type arbeid eller kurs")
    has_references = _yes_no("Har du, eller kan du skaffe, referanser?")
    references_requested = _yes_no("Er referansen forespurt?")


# 9-11 ------------------------------------------------------------------------------------------


class SelfAssessmentForm(DsForm):
    wants_to_work_with = _long_text("Hva ønsker du å jobbe med?")
    good_at = _long_text("Hva er du flink til?")


class LifeSituationForm(DsForm):
    leisure_interests = _long_text("Hvilke fritidsinteresser har du?")
    housing_situation = _long_text("Nåværende bosituasjon")


class LifeConsiderationsForm(DsForm):
    considerations = _long_text(
        "Eventuelle forhold i familiesituasjonen eller helsesituasjonen som det bør tas hensyn til"
    )


class IntroductionProgrammeForm(DsForm):
    knowledge = _long_text("Hva vet du om introduksjonsprogrammet?")


# The form, section by section ------------------------------------------------------------


@dataclass(frozen=True)
class MappingTable:
    """A repeating table of the paper form (one formset)."""

    key: str
    title: str
    form: type[DsForm]
    min_rows: int = 3
    after_fields: bool = False  # shown below the section's other fields


@dataclass(frozen=True)
class MappingSection:
    key: str
    number: str
    title: str
    category: str
    form: type[DsForm]
    tables: tuple[MappingTable, ...] = ()
    description: str = ""

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"

    def field_names(self) -> list[str]:
        return list(self.form.base_fields)


SECTIONS: tuple[MappingSection, ...] = (
    MappingSection(
        "personal",
        "1",
        "Personlige opplysninger",
        InformationCategory.MAPPING,
        PersonalForm,
        description=(
            "Navn, fødselsnummer, DUF-nummer, kjønn, statsborgerskap, ankomst, bosettingsdato og "
            "husstand står i personregisteret og fylles ikke ut her."
        ),
    ),
    MappingSection(
        "background",
        "2",
        "Bakgrunn",
        InformationCategory.HEALTH,
        BackgroundForm,
        description="Relevant informasjon om hjemsted, klima, nettverk, flukten, helse og religion.",
    ),
    MappingSection(
        "languages",
        "3",
        "Språkferdigheter",
        InformationCategory.MAPPING,
        LanguagesForm,
        description="Hvilke andre språk enn norsk kan du? Skriftlig og muntlig.",
    ),
    MappingSection(
        "education",
        "4",
        "Utdanning, oversettelse, vurdering og godkjenning",
        InformationCategory.MAPPING,
        EducationForm,
        description="Utdanning fra hjemlandet eller andre land.",
    ),
    MappingSection("norwegian", "5", "Norskopplæring", InformationCategory.MAPPING, NorwegianForm),
    MappingSection(
        "courses_norway",
        "6",
        "Utdanning eller kurs i Norge",
        InformationCategory.MAPPING,
        CoursesNorwayForm,
        tables=(MappingTable("courses", "Utdanning og kurs i Norge", CourseRowForm),),
    ),
    MappingSection(
        "work_abroad",
        "7",
        "Yrkeserfaring fra hjemlandet eller andre land",
        InformationCategory.MAPPING,
        WorkAbroadForm,
        tables=(
            MappingTable("jobs", "Arbeidsforhold i hjemlandet eller andre land", WorkAbroadRowForm),
        ),
    ),
    MappingSection(
        "work_norway",
        "8",
        "Yrkeserfaring fra Norge",
        InformationCategory.MAPPING,
        WorkNorwayForm,
        tables=(
            MappingTable("jobs", "Arbeidsforhold i Norge", WorkNorwayRowForm),
            MappingTable(
                "references", "Referanser", ReferenceRowForm, min_rows=2, after_fields=True
            ),
        ),
    ),
    MappingSection(
        "self_assessment", "9", "Egenvurderinger", InformationCategory.MAPPING, SelfAssessmentForm
    ),
    MappingSection(
        "life_situation",
        "10",
        "Generell livssituasjon",
        InformationCategory.MAPPING,
        LifeSituationForm,
    ),
    MappingSection(
        "life_considerations",
        "10",
        "Generell livssituasjon: familie og helse",
        InformationCategory.HEALTH,
        LifeConsiderationsForm,
    ),
    MappingSection(
        "introduction_programme",
        "11",
        "Hva vet du om introduksjonsprogrammet?",
        InformationCategory.MAPPING,
        IntroductionProgrammeForm,
    ),
)
SECTION_BY_KEY: dict[str, MappingSection] = {s.key: s for s in SECTIONS}


def sections_visible(allows: Callable[[str], bool]) -> list[MappingSection]:
    """The sections whose information category the user may see (``PersonAccess.allows``)."""
    return [s for s in SECTIONS if allows(s.category)]


def field_label(path: str) -> str:
    """``"languages.mother_tongue"`` -> ``"Morsmål (3. Språkferdigheter)"``-style label."""
    section_key, _, rest = path.partition(".")
    section = SECTION_BY_KEY.get(section_key)
    if section is None:
        return path
    name = rest.split(".")[0]
    table = next((t for t in section.tables if t.key == name), None)
    if table is not None:
        return f"{table.title} ({section.heading})"
    form_field = section.form.base_fields.get(name)
    label = str(form_field.label) if form_field is not None else name
    return f"{label} ({section.heading})" if rest else section.heading


# The JSON document -------------------------------------------------------------------------


def empty_data() -> dict[str, dict[str, Any]]:
    """A document with every field unanswered and every table empty."""
    return {
        section.key: {
            **{name: _empty_value(f) for name, f in section.form.base_fields.items()},
            **{table.key: [] for table in section.tables},
        }
        for section in SECTIONS
    }


def _empty_value(form_field: forms.Field) -> Any:
    if isinstance(form_field, forms.NullBooleanField | forms.IntegerField | forms.DateField):
        return None
    return ""


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _cleaned_values(form: forms.Form) -> dict[str, Any]:
    return {
        name: _to_json(form.cleaned_data.get(name, _empty_value(f)))
        for name, f in form.fields.items()
    }


def _row_is_empty(row: Mapping[str, Any]) -> bool:
    return all(_is_empty(v) for v in row.values())


def _form_errors(form: forms.Form, prefix: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        key = prefix if name == NON_FIELD_ERRORS else f"{prefix}.{name}"
        errors.setdefault(key, []).extend(str(m) for m in messages)
    return errors


def _bind_scalars(
    form_class: type[DsForm], raw: Mapping[str, Any], prefix: str, errors: dict[str, list[str]]
) -> forms.Form:
    names = set(form_class.base_fields)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in names:
            errors[f"{prefix}.{key}"] = ["Ukjent felt."]
        elif isinstance(value, dict | list):
            errors[f"{prefix}.{key}"] = ["Ugyldig verdi: ventet tekst, tall, dato eller ja/nei."]
        else:
            values[key] = value
    form = form_class(data=values)
    form.is_valid()
    errors.update(_form_errors(form, prefix))
    return form


def data_clean(data: object) -> dict[str, dict[str, Any]]:
    """Validate a whole document (from the API or the page) and return it normalised.

    Every section and table is present in the result; empty table rows are dropped. Raises one
    ``ValidationError`` whose keys are paths: ``"education.school_years"``,
    ``"work_norway.jobs.0.to_date"``.
    """
    if not isinstance(data, dict):
        raise ValidationError({"data": ["Svarene må være et objekt med én nøkkel per del."]})
    errors: dict[str, list[str]] = {}
    for key in data:
        if key not in SECTION_BY_KEY:
            errors[str(key)] = ["Ukjent del av kartleggingsskjemaet."]
    cleaned: dict[str, dict[str, Any]] = {}
    for section in SECTIONS:
        raw = data.get(section.key) or {}
        if not isinstance(raw, dict):
            errors[section.key] = ["Ventet et objekt med feltene i denne delen."]
            continue
        table_keys = {t.key for t in section.tables}
        scalars = {k: v for k, v in raw.items() if k not in table_keys}
        form = _bind_scalars(section.form, scalars, section.key, errors)
        values = _cleaned_values(form) if form.is_valid() else {}
        for table in section.tables:
            values[table.key] = _table_clean(
                table, raw.get(table.key), f"{section.key}.{table.key}", errors
            )
        cleaned[section.key] = values
    if errors:
        raise ValidationError(errors)
    return cleaned


def _table_clean(
    table: MappingTable, rows: object, prefix: str, errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    if rows is None:
        return []
    if not isinstance(rows, list):
        errors[prefix] = ["Ventet en liste med rader."]
        return []
    if len(rows) > MAX_ROWS:
        errors[prefix] = [f"Høyst {MAX_ROWS} rader."]
        return []
    cleaned = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            errors[f"{prefix}.{i}"] = ["Ventet et objekt med feltene i raden."]
            continue
        form = _bind_scalars(table.form, row, f"{prefix}.{i}", errors)
        if form.is_valid():
            values = _cleaned_values(form)
            if not _row_is_empty(values):
                cleaned.append(values)
    return cleaned


def data_merge_hidden(
    stored: Mapping[str, Any], posted: Mapping[str, Any], visible: Iterable[MappingSection]
) -> dict[str, Any]:
    """The posted sections over the stored ones, keeping the sections the user does not see."""
    keys = {s.key for s in visible}
    return {**{k: v for k, v in stored.items() if k not in keys}, **posted}


def data_visible(data: Mapping[str, Any], visible: Iterable[MappingSection]) -> dict[str, Any]:
    """The document without the sections the user may not see."""
    blank = empty_data()
    return {s.key: {**blank[s.key], **(data.get(s.key) or {})} for s in visible}


def changed_fields(
    old: Mapping[str, Any], new: Mapping[str, Any], visible: Iterable[MappingSection]
) -> list[str]:
    """Labels of the fields and tables that differ between two documents, in form order."""
    changed = []
    for section in visible:
        before, after = old.get(section.key) or {}, new.get(section.key) or {}
        for name, form_field in section.form.base_fields.items():
            a, b = before.get(name), after.get(name)
            if a != b and not (_is_empty(a) and _is_empty(b)):
                changed.append(f"{section.heading}: {form_field.label}")
        for table in section.tables:
            if (before.get(table.key) or []) != (after.get(table.key) or []):
                changed.append(f"{section.heading}: {table.title}")
    return changed


# Display ------------------------------------------------------------------------------------


def display_value(form_field: forms.Field, value: Any) -> str:
    """An answer as a caseworker reads it: Ja/Nei, the choice's label, a date as dd.mm.åååå."""
    if _is_empty(value):
        return ""
    if isinstance(form_field, forms.NullBooleanField):
        return "Ja" if value else "Nei"
    if isinstance(form_field, forms.ChoiceField):
        return str(dict(form_field.choices).get(value, value))  # type: ignore[arg-type]
    if isinstance(form_field, forms.DateField):
        try:
            return datetime.date.fromisoformat(str(value)).strftime("%d.%m.%Y")
        except ValueError:
            return str(value)
    return str(value)


@dataclass
class TableDisplay:
    table: MappingTable
    headers: list[str]
    rows: list[list[str]]


@dataclass
class SectionDisplay:
    """A section for reading: the answered fields and the filled table rows."""

    section: MappingSection
    answers: list[tuple[str, str]]
    tables: list[TableDisplay]

    @property
    def is_empty(self) -> bool:
        return not self.answers and not any(t.rows for t in self.tables)


def section_display(section: MappingSection, data: Mapping[str, Any]) -> SectionDisplay:
    values = data.get(section.key) or {}
    answers = []
    for name, form_field in section.form.base_fields.items():
        shown = display_value(form_field, values.get(name))
        if shown:
            answers.append((str(form_field.label), shown))
    tables = []
    for table in section.tables:
        fields = table.form.base_fields
        tables.append(
            TableDisplay(
                table=table,
                headers=[str(f.label) for f in fields.values()],
                rows=[
                    [display_value(f, row.get(name)) or "–" for name, f in fields.items()]
                    for row in values.get(table.key) or []
                ],
            )
        )
    return SectionDisplay(section=section, answers=answers, tables=tables)


# Editing on the page --------------------------------------------------------------------------


@dataclass
class FieldGroup:
    wide: bool  # free-text fields take the whole width; short fields share a grid
    fields: list[BoundField]


@dataclass
class SectionForms:
    """One section on the page: its form and one formset per table."""

    section: MappingSection
    form: forms.Form
    formsets: dict[str, BaseFormSet] = field(default_factory=dict)

    def groups(self) -> list[FieldGroup]:
        groups: list[FieldGroup] = []
        for bound in self.form:
            wide = isinstance(bound.field.widget, forms.Textarea)
            if groups and groups[-1].wide == wide:
                groups[-1].fields.append(bound)
            else:
                groups.append(FieldGroup(wide=wide, fields=[bound]))
        return groups

    def tables(self, *, after_fields: bool) -> list[tuple[MappingTable, BaseFormSet]]:
        return [
            (t, self.formsets[t.key]) for t in self.section.tables if t.after_fields == after_fields
        ]

    @property
    def tables_before(self) -> list[tuple[MappingTable, BaseFormSet]]:
        return self.tables(after_fields=False)

    @property
    def tables_after(self) -> list[tuple[MappingTable, BaseFormSet]]:
        return self.tables(after_fields=True)

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    def cleaned(self) -> dict[str, Any]:
        values = _cleaned_values(self.form)
        for key, formset in self.formsets.items():
            rows = [_cleaned_values(f) for f in formset.forms if f.cleaned_data]
            values[key] = [r for r in rows if not _row_is_empty(r)]
        return values


def _formset_class(table: MappingTable, filled: int) -> type[BaseFormSet]:
    return formset_factory(
        table.form,
        extra=max(EXTRA_ROWS, table.min_rows - filled),
        max_num=MAX_ROWS,
        validate_max=True,
    )


def section_forms(
    sections: Iterable[MappingSection],
    *,
    document: Mapping[str, Any],
    post: Mapping[str, Any] | None = None,
) -> list[SectionForms]:
    """The sections' forms, filled from the stored ``document`` or bound to ``post``."""
    parts = []
    for section in sections:
        values = document.get(section.key) or {}
        if post is None:
            form = section.form(prefix=section.key, initial=values)
        else:
            form = section.form(post, prefix=section.key)
        formsets = {}
        for table in section.tables:
            rows = values.get(table.key) or []
            prefix = f"{section.key}-{table.key}"
            formset_class = _formset_class(table, len(rows))
            if post is None:
                formsets[table.key] = formset_class(prefix=prefix, initial=rows)
            else:
                formsets[table.key] = formset_class(post, prefix=prefix)
        parts.append(SectionForms(section=section, form=form, formsets=formsets))
    return parts


def forms_document(parts: Iterable[SectionForms]) -> dict[str, Any]:
    """The document from validated section forms."""
    return {part.section.key: part.cleaned() for part in parts}


def forms_add_errors(parts: Iterable[SectionForms], errors: Mapping[str, list[str]]) -> list[str]:
    """Put a service's path-keyed errors next to their fields; return those that fit no field."""
    by_key = {part.section.key: part for part in parts}
    loose = []
    for path, messages in errors.items():
        section_key, _, name = path.partition(".")
        part = by_key.get(section_key)
        if part is not None and name in part.form.fields:
            for message in messages:
                part.form.add_error(name, message)
        else:
            loose.extend(messages)
    return loose


@dataclass(frozen=True)
class ErrorLink:
    message: str
    anchor: str


def _anchor(bound: BoundField) -> str:
    if getattr(bound.field.widget, "use_fieldset", False):
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


def forms_error_summary(parts: Iterable[SectionForms]) -> list[ErrorLink]:
    """Every field error on the page, each with the id of its input (for the summary at the top)."""
    links = []
    for part in parts:
        forms_in_part: list[tuple[str, forms.Form]] = [(part.section.heading, part.form)]
        for table, formset in part.tables_before + part.tables_after:
            for i, row in enumerate(formset.forms, start=1):
                forms_in_part.append((f"{part.section.heading}, {table.title}, rad {i}", row))
            for message in formset.non_form_errors():
                links.append(
                    ErrorLink(f"{part.section.heading}: {message}", f"section-{part.section.key}")
                )
        for where, form in forms_in_part:
            for name, messages in form.errors.items():
                if name == NON_FIELD_ERRORS:
                    for message in messages:
                        links.append(
                            ErrorLink(f"{where}: {message}", f"section-{part.section.key}")
                        )
                    continue
                bound = form[name]
                for message in messages:
                    links.append(ErrorLink(f"{bound.label} ({where}): {message}", _anchor(bound)))
    return links
