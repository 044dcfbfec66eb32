"""The page «Satser og beregninger»: every rate in force on a date, with its source, and the calculators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .calculators import calculate
from .catalogue import parameters_table
from .parameters import RulesError

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
