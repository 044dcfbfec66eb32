"""Numbers and dates in templates as in the rest of the product (``integrering.ui.numbers``):
loaded as a built-in library (settings ``TEMPLATES``), so every ``floatformat`` writes a true
minus sign («−1 608», U+2212) besides Django's decimal comma and digit groups, and
``iso_date`` shows a date kept as an ISO text (JSON) as users write it, dd.mm.åååå."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.template.defaultfilters import floatformat as django_floatformat
from django.utils.safestring import SafeString

from ..numbers import MINUS

register = template.Library()


@register.filter(is_safe=True)
def floatformat(value: Any, arg: Any = -1) -> SafeString | str:
    """Django's ``floatformat`` (localized: «1 250,5») with a minus sign instead of a hyphen."""
    text = django_floatformat(value, arg)
    if text.startswith("-"):
        return MINUS + text[1:]  # digits, separators and a sign: nothing to escape
    return text


@register.filter
def iso_date(value: Any) -> str:
    """``"2021-06-04"`` -> ``04.06.2021``; anything else as it is."""
    try:
        return f"{datetime.date.fromisoformat(str(value)):%d.%m.%Y}"
    except ValueError:
        return "" if value is None else str(value)
