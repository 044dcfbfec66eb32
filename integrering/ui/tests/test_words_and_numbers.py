"""Issue 23: one number format everywhere (digit groups, decimal comma, a true minus sign), form
messages in plain bokmål instead of Django's own, and proper names kept in running text."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.template import engines

from integrering.ui.forms import DsForm
from integrering.ui.numbers import number_nb
from integrering.ui.words import lower_first
from tests.wording import wording_problems


def test_a_negative_number_has_a_minus_sign_not_a_hyphen() -> None:
    assert number_nb(-1608) == "\u22121\u00a0608"
    assert number_nb(Decimal("-2.5"), 1) == "\u22122,5"
    assert number_nb(12500) == "12\u00a0500"


def test_floatformat_in_templates_writes_a_minus_sign_and_a_decimal_comma() -> None:
    template = engines["django"].from_string('{{ a|floatformat:"0g" }} {{ b|floatformat:"1" }}')
    assert template.render({"a": -1608, "b": 7.5}) == "\u22121\u00a0608 7,5"


class _Form(DsForm):
    name = forms.CharField(max_length=5)
    on = forms.DateField()
    count = forms.IntegerField(min_value=0, max_value=10000)
    choice = forms.ChoiceField(choices=[("a", "A")])
    own = forms.CharField(error_messages={"required": "Skriv navnet."})


def test_a_form_refuses_in_plain_bokmal_and_keeps_its_own_messages() -> None:
    form = _Form({"name": "abcdefg", "on": "2025-02-30", "count": "20000", "choice": "x"})
    assert not form.is_valid()
    errors = {name: " ".join(map(str, messages)) for name, messages in form.errors.items()}
    assert errors == {
        "name": "Skriv høyst 5 tegn (nå 7).",
        "on": "Skriv en gyldig dato (dd.mm.åååå).",
        "count": "Skriv et tall som er høyst 10\u00a0000.",
        "choice": "Velg et av valgene i listen.",
        "own": "Skriv navnet.",
    }
    assert _Form({})["name"].field.error_messages["required"] == "Fyll ut feltet."
    assert not wording_problems(" ".join(errors.values()))


def test_a_label_lower_cased_in_a_sentence_keeps_an_abbreviation() -> None:
    assert lower_first("NAV og sosiale tjenester") == "NAV og sosiale tjenester"
    assert lower_first("Barnehage") == "barnehage"
    assert lower_first("Flyktningtjenesten i Oslo") == "flyktningtjenesten i Oslo"


def test_the_wording_check_finds_each_kind_of_slip() -> None:
    slips = {
        "Sum 193766.00 kr": "decimal point",
        "Differanse -170": "hyphen",
        "1 feil i 1 rader": "plural",
        "Kontakt Kari, flyktningtjenesten i oslo": "municipality",
        "Varsle nav": "«nav»",
        "This field is required.": "Django",
        "Feltet er påkrevet.": "Django",
        "to  mellomrom": "double space",
        "Lagret , takk": "space before",
    }
    for text, kind in slips.items():
        found = wording_problems(text)
        assert found and kind in found[0], (text, found)
    fine = (
        "Bosatt 01.05.2024 kl. 09.30 i Oslo kommune, § 3.2, 18-55 år, AR-1, 1 time, "
        "21 personer, 0,1 timer, 1 person, saksbehandler-oslo, post@oslo.kommune.no, "
        "stønad for 11.2026, NAV, −3 timer"
    )
    assert wording_problems(fine) == []
