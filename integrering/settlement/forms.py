"""Form fields shared by the settlement planner's pages."""

from __future__ import annotations

from typing import Any

from django import forms


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
