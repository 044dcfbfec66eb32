"""The page «Satser og beregninger»: every rate in force on a date, with its source, and the calculators."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from integrering.ui.numbers import number_nb

from .calculators import calculate
from .catalogue import parameters_table
from .disability_grant import CATEGORIES as DISABILITY_CATEGORIES
from .disability_grant import GRANT_LABELS as DISABILITY_GRANT_LABELS
from .forms import CALCULATOR_FORMS, DateChoiceForm
from .parameters import RulesError

# The calculators answer in the JSON of the API (English keys and codes, amounts as «193766.00»);
# the page shows them in Norwegian words and numbers (issue 23).
RESULT_LABELS = {
    "on": "Dato",
    "act": "Lov",
    "age": "Alder",
    "g": "Grunnbeløpet (G)",
    "share": "Andel av full stønad",
    "yearly": "Stønad per år",
    "monthly": "Stønad per måned",
    "daily": "Stønad per dag",
    "hourly": "Stønad per time",
    "absence_hours": "Ugyldig fravær (timer)",
    "deduction": "Trekk for fravær",
    "payable_monthly": "Til utbetaling for måneden",
    "deduction_needs_decision": "Trekket krever enkeltvedtak",
    "budget_year": "Budsjettår",
    "year_after_settlement": "År etter bosetting",
    "total": "Sum",
    "member": "Person",
    "kind": "Tilskudd",
    "amount": "Beløp",
    "rate": "Sats",
    "age_in_year": "Alder i budsjettåret",
    "band": "Aldersgruppe",
    "code": "Tilskuddskode",
    "grant": "Tilskudd",
    "category": "Kom til kommunen som",
    "documented_need": "Dokumentert behov",
    "capped": "Begrenset til satsen",
    "application_deadline": "Søknadsfrist",
}
RESULT_VALUES = {
    "introduction_act": "introduksjonsloven",
    "integration_act": "integreringsloven",
    "low": "lav",
    "high": "høy",
    "younger": "yngre",
    "older": "eldre",
    "adult": "voksen",
    "single_adult": "enslig voksen",
    "child": "barn",
    "unaccompanied_minor": "enslig mindreårig",
    "kindergarten_one_off": "barnehagetilskudd",
    "elderly_one_off": "eldretilskudd",
    **{f"year_{year}": f"år {year}" for year in range(1, 6)},
    "unaccompanied_minor_younger": "særskilt tilskudd, yngre aldersgruppe",
    "unaccompanied_minor_older": "særskilt tilskudd, eldre aldersgruppe",
    "disability_grant_1": DISABILITY_GRANT_LABELS[1],
    "disability_grant_2": DISABILITY_GRANT_LABELS[2],
    **{code: label.lower() for code, label in DISABILITY_CATEGORIES.items()},
}
_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def result_value(key: str, value: Any) -> str:
    """One value of a calculator's answer as the page shows it: «193 766,00», «01.06.2018»."""
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if value is None or value == "":
        return "–"
    if isinstance(value, int):
        return str(value) if "year" in key or key == "member" else number_nb(value)
    text = str(value)
    if _DECIMAL.match(text):
        return number_nb(Decimal(text), len(text.split(".")[1]))
    if _ISO_DATE.match(text):
        return f"{datetime.date.fromisoformat(text):%d.%m.%Y}"
    return RESULT_VALUES.get(text, text)


def _result_rows(
    result: dict[str, Any],
) -> tuple[list[tuple[str, str]], list[str], list[list[str]]]:
    """The facts of an answer (label, value), and its lines as table headers and rows."""
    facts = [
        (RESULT_LABELS.get(k, k), result_value(k, v))
        for k, v in result.items()
        if k not in {"lines", "references"} and not isinstance(v, dict | list)
    ]
    lines = list(result.get("lines") or [])
    headers = [RESULT_LABELS.get(k, k) for k in lines[0]] if lines else []
    rows = [[result_value(k, v) for k, v in line.items()] for line in lines]
    return facts, headers, rows


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
                entry["facts"], entry["headers"], entry["lines"] = _result_rows(result)
        calculators.append(entry)
    context = {
        "date_form": date_form,
        "on": on,
        "rows": parameters_table(on),
        "calculators": calculators,
        "chosen": chosen,
    }
    return render(request, "rules/rates.html", context)
