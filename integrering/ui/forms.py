"""Forms that render as Designsystemet fields, with their errors tied to the input for screen readers.

Use ``DsForm`` (or ``DsModelForm``) and render with ``{{ form }}`` or ``{{ form.field.as_field_group }}``:
the renderer in settings uses ``web/forms/field.html`` for every field (label, description,
input, error message next to the field).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

from integrering.concurrency import ConflictError
from integrering.errors import messages_capped
from integrering.tables import upload_size_error
from integrering.validators import date_problem, text_problem

from .numbers import number_nb

NO_DS_INPUT = (forms.HiddenInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


# Django's widget templates replaced by ours (same markup, fewer templates per render).
WIDGET_TEMPLATES = {"django/forms/widgets/select.html": "ui/forms/select.html"}


class FormRenderer(DjangoTemplates):
    field_template_name = "web/forms/field.html"

    def get_template(self, template_name: str) -> Any:
        return super().get_template(WIDGET_TEMPLATES.get(template_name, template_name))


class DsBoundField(BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not isinstance(widget, NO_DS_INPUT):
            attrs["class"] = f"{attrs.get('class', '')} ds-input".strip()
        if self.errors:
            attrs["aria-invalid"] = "true"
            described = str(attrs.get("aria-describedby") or "").split()
            error_id = f"{self.auto_id}_error"
            attrs["aria-describedby"] = " ".join(
                [*described, error_id] if error_id not in described else described
            )
        return attrs


# Issue 23: the messages a field gives when its form sets none, in plain bokmål instead of
# Django's own («Feltet er påkrevet.», «Oppgi en gyldig dato.»). A message the form sets itself
# is kept.
PLAIN_MESSAGES = {
    "required": "Fyll ut feltet.",
    "invalid_choice": "Velg et av valgene i listen.",
    "invalid_list": "Velg fra listen.",
    "max_length": "Skriv høyst %(limit_value)d tegn (nå %(show_value)d).",
    "min_length": "Skriv minst %(limit_value)d tegn (nå %(show_value)d).",
    "max_digits": "Skriv høyst %(max)s sifre.",
    "max_decimal_places": "Skriv høyst %(max)s desimaler.",
    "max_whole_digits": "Skriv høyst %(max)s sifre før komma.",
    "empty": "Filen er tom.",
    "missing": "Velg en fil.",
    "contradiction": "Velg en ny fil eller fjern den gamle, ikke begge.",
}
# «invalid» depends on what the field reads; the first class that matches gives it.
PLAIN_INVALID: list[tuple[type[forms.Field], str]] = [
    (forms.DateTimeField, "Skriv en gyldig dato og et klokkeslett."),
    (forms.DateField, "Skriv en gyldig dato (dd.mm.åååå)."),
    (forms.TimeField, "Skriv et gyldig klokkeslett (tt:mm)."),
    (forms.IntegerField, "Skriv et helt tall."),
    (forms.DecimalField, "Skriv et tall."),
    (forms.FloatField, "Skriv et tall."),
    (forms.EmailField, "Skriv en gyldig e-postadresse."),
    (forms.FileField, "Filen kunne ikke leses."),
]


def _django_defaults(field: forms.Field) -> dict[str, str]:
    messages: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        messages.update(
            {key: str(text) for key, text in getattr(cls, "default_error_messages", {}).items()}
        )
    return messages


def field_messages_plain(field: forms.Field) -> None:
    """Replace the Django default messages of ``field`` (those its form has not set) with plain
    bokmål, the limits of a number written as Norwegians write them («høyst 10 000»)."""
    defaults = _django_defaults(field)
    # A key the field does not hold yet is a validator's code (max_length): its message is
    # looked up here before the validator's own.
    for key, message in PLAIN_MESSAGES.items():
        if key not in field.error_messages or str(field.error_messages[key]) == defaults.get(key):
            field.error_messages[key] = message
    if str(field.error_messages.get("invalid")) == defaults.get("invalid"):
        for cls, message in PLAIN_INVALID:
            if isinstance(field, cls):
                field.error_messages["invalid"] = message
                break
    for validator in field.validators:
        code = getattr(validator, "code", "")
        limit = getattr(validator, "limit_value", None)
        if code not in {"min_value", "max_value"} or code in field.error_messages:
            continue
        if isinstance(limit, int | Decimal) and not isinstance(limit, bool):
            exponent = Decimal(limit).as_tuple().exponent
            number = number_nb(limit, max(0, -exponent) if isinstance(exponent, int) else 0)
            field.error_messages[code] = (
                f"Skriv et tall som er minst {number}."
                if code == "min_value"
                else f"Skriv et tall som er høyst {number}."
            )


class InputHygiene:
    """Every form's input (issue 25; the API checks the same): no text with control characters
    (but line breaks in a text area) or direction overrides, and no date before 1900. A person's
    names are checked more strictly by the registry's own service. Its fields' messages are plain
    bokmål (``field_messages_plain``)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field_messages_plain(field)

    def _post_clean(self) -> None:
        for name, value in list(self.cleaned_data.items()):
            field = self.fields.get(name)
            widget = getattr(field, "widget", None)
            problem = None
            if isinstance(value, str) and not isinstance(widget, forms.PasswordInput):
                problem = text_problem(value, multiline=isinstance(widget, forms.Textarea))
            elif isinstance(value, datetime.date):
                problem = date_problem(value)
            if problem:
                self.add_error(name, problem)  # type: ignore[attr-defined]
        super()._post_clean()  # type: ignore[misc]


class DsForm(InputHygiene, forms.Form):
    bound_field_class = DsBoundField


class DsModelForm(InputHygiene, forms.ModelForm):
    bound_field_class = DsBoundField


class DateInput(forms.DateInput):
    """A native date picker; the browser sends ISO dates, which Django reads."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DecimalCommaField(forms.DecimalField):
    """A number as a caseworker types it: a decimal comma (22,5) or point. With
    ``digit_groups``, spaces between digit groups are allowed too (kroner: «1 250,50»)."""

    def __init__(self, *args: Any, digit_groups: bool = False, **kwargs: Any) -> None:
        self.digit_groups = digit_groups
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if self.digit_groups:
                value = value.replace("\u00a0", "").replace(" ", "")
            value = value.replace(",", ".")
        return super().to_python(value)


def form_add_service_errors(form: forms.BaseForm, exc: ValidationError) -> int:
    """Put a service's refusal on the form and return the HTTP status for the page.

    A concurrent save (``ConflictError``) goes at the top of the form (409); other errors go next
    to their fields, or at the top when no field has that name (422). The user's input stays.
    """
    if isinstance(exc, ConflictError):
        form.add_error(None, exc.messages[0])
        return 409
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, messages in errors.items():
        for message in messages_capped(messages):  # a file's million bad rows: the first 100
            form.add_error(field if field in form.fields else None, message)
    return 422


class YearField(forms.IntegerField):
    """A calendar year within the product's range (2000-2100), with messages in Norwegian.
    ``required`` is what to ask for when it is left empty («Skriv året tabellen gjelder.»)."""

    FIRST, LAST = 2000, 2100

    def __init__(self, *, required_message: str = "Oppgi året.", **kwargs: Any) -> None:
        kwargs.setdefault("label", "År")
        super().__init__(
            min_value=self.FIRST,
            max_value=self.LAST,
            error_messages={
                "required": required_message,
                "invalid": "Skriv et årstall, for eksempel 2026.",
                "min_value": f"Skriv et årstall fra {self.FIRST}.",
                "max_value": f"Skriv et årstall til og med {self.LAST}.",
            },
            **kwargs,
        )


class TableFileField(forms.FileField):
    """A CSV or Excel (.xlsx) table to import, no larger than ``settings.IMPORT_MAX_BYTES`` (the
    same limit as the household import)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Fil (CSV eller Excel)")
        kwargs.setdefault("error_messages", {"required": "Velg en fil.", "empty": "Filen er tom."})
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        too_large = upload_size_error(upload.size) if upload else None
        if too_large:
            raise ValidationError(too_large)
        return upload
