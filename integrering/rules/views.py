"""The page «Satser og beregninger»: every rate in force on a date, with its source, and the calculators."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .calculators import calculate
from .catalogue import parameters_table
from .forms import CALCULATOR_FORMS, DateChoiceForm
from .parameters import RulesError


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
