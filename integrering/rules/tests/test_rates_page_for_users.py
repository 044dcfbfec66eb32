"""Issue 23: the page «Satser og beregninger» is for users. Every parameter has a Norwegian label
(its description), Norwegian words for the keys and codes of its value (or a summary), and a
source as a user cites it (``metadata.law``), kept apart from the developer's reference; the page
shows no parameter key, file name, seed document or ISO date."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from conftest import client_for
from integrering.rules.parameters import Parameter, parameters
from integrering.testing import make_user
from tests.wording import wording_problems

# What only a developer should read: a key (``benefit/g``, ``year_1``), a file, a seed document,
# an internal note or a web address.
INTERNAL = [
    (re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"), "a key in snake_case"),
    (re.compile(rf"\b(?:{'|'.join(sorted({n.split('/')[0] for n in parameters()}))})/"), "a key"),
    (re.compile(r"\.ya?ml\b|\.py\b|\.md\b", re.I), "a file name"),
    (re.compile(r"\bseed\b|DOMAIN|Vedlegg \d|designnotat", re.I), "an internal reference"),
    (re.compile(r"https?://|\bwww\.|\w\.no/"), "a web address"),
]
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ENGLISH = re.compile(r"\b(?:True|False|None)\b")


def _internal(text: str) -> list[str]:
    return [f"{what}: {m.group()!r}" for pattern, what in INTERNAL for m in pattern.finditer(text)]


def _change_dates() -> list[datetime.date]:
    """Every date on which some value changes: each value is shown at least once."""
    return sorted({date for p in parameters().values() for date in p.dates})


def _unlabelled(p: Parameter, value: Any) -> set[str]:
    """Keys and codes of a value that have no Norwegian label."""
    labels = dict(p.labels)
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key) not in labels and re.search(r"[A-Za-z]", str(key)):
                found.add(str(key))
            found |= _unlabelled(p, item)
    elif isinstance(value, list):
        for item in value:
            found |= _unlabelled(p, item)
    elif isinstance(value, str) and "_" in value and value not in labels:
        found.add(value)
    return found


@pytest.mark.parametrize("name", sorted(parameters()))
def test_every_parameter_has_a_norwegian_label_and_a_source_for_users(name: str) -> None:
    p = parameters()[name]
    assert p.description.strip(), f"{name}: no description"
    assert not _internal(p.description), f"{name}: {_internal(p.description)}"
    assert p.law.strip(), f"{name}: no metadata.law (the source a user reads)"
    assert not _internal(p.law), f"{name}: metadata.law is internal: {_internal(p.law)}"
    assert not ISO_DATE.search(p.law), f"{name}: an ISO date in metadata.law"
    if p.summary:
        assert not _internal(p.summary), f"{name}: {_internal(p.summary)}"
        return
    unlabelled = set().union(*(_unlabelled(p, v) for v in p.values))
    assert not unlabelled, f"{name}: no Norwegian label (metadata.labels) for {sorted(unlabelled)}"


class _ShownText(HTMLParser):
    """The text of the main content, without tags, attributes, scripts or the date field's value."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._main = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self._main += 1
        if tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._main -= 1
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._main and not self._skip:
            self.parts.append(data)


def shown_text(html: str) -> str:
    parser = _ShownText()
    parser.feed(html)
    return re.sub(r"[ \t\r\n]+", " ", " ".join(parser.parts)).strip()  # keeps no-break spaces


@pytest.fixture
def client(db: None) -> Client:
    return client_for(make_user(municipality_number="0301"))


def test_the_rates_page_shows_no_key_file_seed_or_iso_date_on_any_date(client: Client) -> None:
    problems = []
    for on in _change_dates():
        response = client.get("/satser/", {"on": on.isoformat()})
        assert response.status_code == 200
        text = shown_text(response.content.decode())
        assert "Satser som gjelder" in text
        found = _internal(text) + [f"an ISO date: {m.group()}" for m in ISO_DATE.finditer(text)]
        found += wording_problems(text, spacing=False)
        found += [f"English: {m.group()}" for m in ENGLISH.finditer(text)]
        problems += [f"{on:%d.%m.%Y}: {problem}" for problem in found]
    assert not problems, "\n".join(sorted(set(problems))[:40])


def test_the_rates_page_names_the_law_and_dates_as_users_write_them(client: Client) -> None:
    text = shown_text(client.get("/satser/", {"on": "2018-06-01"}).content.decode())
    assert "Folketrygdloven § 1-4" in text
    assert "Grunnbeløpet i folketrygden (G)" in text
    assert "01.05.2018" in text  # G in force from, dd.mm.åååå
    assert "Integreringsloven § 20" in text
    assert "Enslig: 40\u00a0000" in text  # a key by its label, a number with digit groups
    assert "37,5" in text


@pytest.mark.parametrize(
    ("calc", "params", "shown"),
    [
        (
            "benefit",
            {"benefit-on": "2018-06-01", "benefit-birth_date": "1980-01-01"},
            ["Stønad per år", "193\u00a0766,00", "introduksjonsloven", "01.06.2018"],
        ),
        (
            "integration-grant",
            {
                "integration-grant-budget_year": "2018",
                "integration-grant-settled_on": "2018-02-01",
                "integration-grant-member": "40 4",
            },
            ["Sum", "399\u00a0800,00", "voksen", "barnehagetilskudd", "Budsjettår", "2018"],
        ),
        (
            "disability-grant",
            {
                "disability-grant-grant": "1",
                "disability-grant-budget_year": "2018",
                "disability-grant-settled_on": "2018-02-01",
                "disability-grant-category": "from_reception",
            },
            ["Søknadsfrist", "190\u00a0800,00", "fra mottak"],
        ),
    ],
)
def test_the_calculators_answer_in_norwegian_words_and_numbers(
    client: Client, calc: str, params: dict[str, str], shown: list[str]
) -> None:
    text = shown_text(client.get("/satser/", {"calc": calc, **params}).content.decode())
    for words in shown:
        assert words in text, words
    assert not _internal(text), _internal(text)
    assert not ISO_DATE.search(text)
    assert not wording_problems(text, spacing=False), wording_problems(text, spacing=False)
    assert not ENGLISH.search(text)


def test_a_calculator_left_empty_answers_in_plain_norwegian(client: Client) -> None:
    text = shown_text(client.get("/satser/", {"calc": "benefit"}).content.decode())
    assert "Fyll ut feltet." in text
    assert "This field is required" not in text and "påkrevet" not in text
    bad = shown_text(
        client.get(
            "/satser/",
            {"calc": "benefit", "benefit-on": "2025-02-30", "benefit-birth_date": "x"},
        ).content.decode()
    )
    assert "Skriv en gyldig dato" in bad and "Oppgi" not in bad
