"""The page «Satser og beregninger»: every rate in force on a date, with its source, and the calculators."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .calculators import calculate
from .money import fraction_str
from .parameters import RulesError, parameters


def _plain(value: Any) -> Any:
    """A parameter value as JSON: exact numbers as strings."""
    if isinstance(value, Fraction):
        return fraction_str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _display(value: Any, prefix: str = "") -> list[str]:
    """A parameter value as lines a caseworker reads: «year_1 · adult: 187 000»."""
    if isinstance(value, dict):
        return [line for key, item in value.items() for line in _display(item, f"{prefix}{key} · ")]
    if isinstance(value, list):
        return [
            line
            for i, item in enumerate(value, start=1)
            for line in _display(item, f"{prefix}{i} · ")
        ]
    if isinstance(value, Decimal):
        text = (
            f"{value:,.0f}".replace(",", "\u00a0") if value == value.to_integral() else f"{value}"
        )
    elif isinstance(value, Fraction):
        text = fraction_str(value)
    elif isinstance(value, datetime.date):
        text = f"{value:%d.%m.%Y}"
    elif value is None:
        text = "–"
    else:
        text = str(value)
    return [f"{prefix.removesuffix(' · ')}: {text}" if prefix else text]


def parameters_table(on: datetime.date, *, jsonable: bool = False) -> list[dict[str, Any]]:
    """Every parameter with the value in force on a date (or none known), and its source."""
    rows = []
    for p in parameters().values():
        in_force = p.in_force(on)
        value = in_force[1] if in_force else None
        rows.append(
            {
                "parameter": p.name,
                "description": p.description,
                "unit": p.unit,
                "in_force_from": in_force[0].isoformat() if in_force else None,
                "value": _plain(value) if jsonable else _display(value),
                "reference": p.reference,
            }
        )
    return rows


DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "ds-input"}, format="%Y-%m-%d")
TEXT_INPUT = {"class": "ds-input"}


class DateChoiceForm(forms.Form):
    on = forms.DateField(label="Dato", widget=DATE_INPUT)


class BenefitForm(forms.Form):
    on = forms.DateField(label="Beregningsdato", widget=DATE_INPUT)
    birth_date = forms.DateField(label="Fødselsdato", widget=DATE_INPUT)
    permit_date = forms.DateField(
        label="Dato for oppholdstillatelse (valgfri)", required=False, widget=DATE_INPUT
    )
    lives_with_parent = forms.BooleanField(
        label="Under 25 år og bor med en forelder", required=False
    )
    absence_hours = forms.DecimalField(
        label="Ugyldig fravær i måneden (timer)",
        min_value=0,
        max_value=10000,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs=TEXT_INPUT),
    )


class GrantPeriodForm(forms.Form):
    """What every grant calculator asks: the budget year and the settlement date."""

    budget_year = forms.IntegerField(
        label="Budsjettår",
        min_value=1900,
        max_value=2200,
        widget=forms.NumberInput(attrs=TEXT_INPUT),
    )
    settled_on = forms.DateField(label="Bosettingsdato", widget=DATE_INPUT)


class IntegrationGrantForm(GrantPeriodForm):
    member = forms.CharField(
        label="Personer: alder ved bosetting, skilt med mellomrom (16:ema for enslig mindreårig)",
        max_length=300,
        widget=forms.TextInput(attrs=TEXT_INPUT),
    )


class NorwegianGrantForm(GrantPeriodForm):
    rate = forms.ChoiceField(
        label="Sats",
        choices=[("low", "Lav (Vest-Europa og engelskspråklige land)"), ("high", "Høy")],
    )


CALCULATOR_FORMS: dict[str, tuple[str, type[forms.Form]]] = {
    "benefit": ("Introduksjonsstønad", BenefitForm),
    "integration-grant": ("Integreringstilskudd", IntegrationGrantForm),
    "norwegian-grant": ("Norsktilskudd", NorwegianGrantForm),
}


def _result_rows(result: dict[str, Any]) -> tuple[list[tuple[str, Any]], list[dict[str, Any]]]:
    facts = [
        (k, v)
        for k, v in result.items()
        if k not in {"lines", "references"} and not isinstance(v, dict | list)
    ]
    return facts, list(result.get("lines") or [])


@require_GET
@login_required
def rates_and_calculators(request: HttpRequest) -> HttpResponse:
    date_form = DateChoiceForm(
        request.GET if "on" in request.GET and "calc" not in request.GET else None
    )
    on = (
        date_form.cleaned_data["on"]
        if date_form.is_bound and date_form.is_valid()
        else timezone.localdate()
    )
    calculators = []
    chosen = request.GET.get("calc")
    for key, (title, form_class) in CALCULATOR_FORMS.items():
        form = form_class(request.GET if chosen == key else None, prefix=key)
        entry: dict[str, Any] = {"key": key, "title": title, "form": form}
        if chosen == key and form.is_valid():
            try:
                result = calculate(
                    key, {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
                )
            except RulesError as exc:
                entry["error"] = str(exc)
            else:
                entry["facts"], entry["lines"] = _result_rows(result)
        calculators.append(entry)
    context = {
        "date_form": date_form,
        "on": on,
        "rows": parameters_table(on),
        "calculators": calculators,
        "chosen": chosen,
    }
    return render(request, "rules/rates.html", context)
