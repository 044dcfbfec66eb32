"""Forms that render as Designsystemet fields, with their errors tied to the input for screen readers.

Use ``DsForm`` (or ``DsModelForm``) and render with ``{{ form }}`` or ``{{ form.field.as_field_group }}``:
the renderer in settings uses ``web/forms/field.html`` for every field (label, description,
input, error message next to the field).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

NO_DS_INPUT = (forms.HiddenInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


class FormRenderer(DjangoTemplates):
    field_template_name = "web/forms/field.html"


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


class DsForm(forms.Form):
    bound_field_class = DsBoundField


class DsModelForm(forms.ModelForm):
    bound_field_class = DsBoundField


class DateInput(forms.DateInput):
    """A native date picker; the browser sends ISO dates, which Django reads."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
