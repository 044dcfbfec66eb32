"""The filters that lists share: «Frist» (overdue, this week, this month) as a form field and as
the query it stands for."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q

OVERDUE, THIS_WEEK, THIS_MONTH = "forfalt", "uke", "maned"
DUE_CHOICES = [
    ("", "Alle"),
    (OVERDUE, "Forfalt"),
    (THIS_WEEK, "Innen denne uken"),
    (THIS_MONTH, "Innen denne måneden"),
]


class DueField(forms.ChoiceField):
    """«Frist»: overdue, or due from today to the end of this week (Sunday) or month."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Frist")
        kwargs.setdefault("required", False)
        super().__init__(choices=DUE_CHOICES, **kwargs)


def due_q(field: str, due: str, today: datetime.date) -> Q:
    """The rows whose date ``field`` is ``due`` (``DUE_CHOICES``) seen from ``today``: before it
    (overdue), or from it to the end of the week (Sunday) or the month. Everything for ""."""
    if due == OVERDUE:
        return Q(**{f"{field}__lt": today})
    if due == THIS_WEEK:
        last = today + datetime.timedelta(days=6 - today.weekday())
    elif due == THIS_MONTH:
        following = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        last = following - datetime.timedelta(days=1)
    else:
        return Q()
    return Q(**{f"{field}__gte": today, f"{field}__lte": last})
