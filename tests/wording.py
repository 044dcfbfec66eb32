"""Issue 23: the words and numbers a user reads, checked on the text a page shows.

Used by the browser crawl of every page (``tests/browser/crawl.py``) and by the tests of single
pages that render without a browser.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

from integrering.organisations.reference_data import MUNICIPALITIES_2024

# Issue 23: the words and numbers a user reads. ``wording_problems`` takes a page's text as shown
# (``innerText``: hidden elements left out, white space collapsed by the layout) and names each
# slip. Numbers are written «1 250,5» with a true minus «−3» (U+2212); a dot between digits is
# only allowed where Norwegian writes one:
ALLOWED_DOTTED = [
    r"\b\d{1,2}\.\d{1,2}\.\d{4}\b",  # a date, dd.mm.åååå (also d.m.åååå in a quoted source)
    r"\b(?:[01]?\d|2[0-3])\.[0-5]\d\b(?!\.\d)",  # a time of day, hh.mm (kl. 09.30)
    r"\b\d{1,2}\.\d{1,2}\.(?!\d)",  # a date without its year (01.05.)
    r"\b(?:0?[1-9]|1[0-2])\.(?:19|20)\d\d\b",  # a month, mm.åååå (stønad for 11.2026)
    r"(?:§§?|kap\.|pkt\.|punkt|avsnitt|tabell|figur|vedlegg)\s?\d+(?:\.\d+)+",  # a section, § 3.2
]
_DOTTED_NUMBER = re.compile(r"\d\.\d")
_HYPHEN_MINUS = re.compile(r"(?<![\w.,/:)\]-])-\d")
# The plural nouns the product counts; «1» takes the singular («1 feil i 1 rad»).
COUNTED_PLURALS = (
    "rader|personer|husstander|dager|uker|måneder|timer|kommuner|deltakere|saker|filer|"
    "linjer|meldinger|oppgaver|brukere|tolker|plasser|voksne|kolonner|invitasjoner|enheter|"
    "søknader|anmodninger|plasseringer|deltakerne|personene"
)
_ONE_PLURAL = re.compile(rf"(?<![\d,.])(?<![\d,.][ \u00a0])\b1[ \u00a0](?:{COUNTED_PLURALS})\b")
# Django's own form messages, in English and in its stiff bokmål translation.
DJANGO_DEFAULT_MESSAGES = (
    "This field is required",
    "Enter a valid",
    "Enter a number",
    "Enter a whole number",
    "Ensure this value",
    "Ensure that there are no more",
    "Select a valid choice",
    "already exists",
    "No file was submitted",
    "The submitted file is empty",
    "Please enter a correct",
    "Feltet er påkrevet",
    "Oppgi en gyldig verdi.",
    "Oppgi en gyldig dato.",
    "Oppgi et gyldig tidspunkt.",
    "Oppgi gyldig dato og tidspunkt.",
    "Oppgi en gyldig e-postadresse",
    "Oppgi et heltall.",
    "Oppgi et tall.",
    "Velg et gyldig valg",
    "Verdien må være mindre enn eller lik",
    "Verdien må være større enn eller lik",
    "Ingen fil ble sendt",
    "Sørg for at denne verdien",
    "Vennligst",
)
# Municipality names that are also common words («time», «sola», «vik»): lower case they are the
# word, so only «time kommune» is checked for them.
COMMON_WORD_NAMES = {
    "alver",
    "asker",
    "bø",
    "flå",
    "fjord",
    "gran",
    "grue",
    "heim",
    "hol",
    "hole",
    "hå",
    "kinn",
    "leka",
    "lier",
    "lom",
    "moss",
    "nes",
    "os",
    "osen",
    "råde",
    "sande",
    "sel",
    "sola",
    "stad",
    "time",
    "tinn",
    "valle",
    "vang",
    "vega",
    "vik",
    "ål",
    "ås",
}


def municipality_names() -> list[str]:
    """The municipalities' names in the reference data, without a county in brackets."""
    with MUNICIPALITIES_2024.open(newline="", encoding="utf-8") as handle:
        names = {row["name"].split(" (")[0] for row in csv.DictReader(handle)}
    return sorted(names)


def _lower_name_pattern(names: Iterable[str]) -> re.Pattern[str]:
    # A lower-case name as a word, not part of a user name, an address or a file name
    # (saksbehandler-oslo, post@oslo.kommune.no).
    words = sorted({n.lower() for n in names if n.lower() not in COMMON_WORD_NAMES}, key=len)
    common = sorted(COMMON_WORD_NAMES)
    alternatives = "|".join(re.escape(w) for w in reversed(words))
    commons = "|".join(re.escape(w) for w in common)
    return re.compile(
        rf"(?<![\w@./-])(?:(?:{alternatives})(?![\w@/-])(?!\.\w)|(?:{commons}) kommunes?\b)"
    )


_LOWER_MUNICIPALITY = _lower_name_pattern(municipality_names())
_LOWER_NAV = re.compile(r"(?<![\w@./-])nav(?![\w@/-])(?!\.\w)")
_DOUBLE_SPACE = re.compile(r"[^\s] {2,}[^\s]|\u00a0 | \u00a0")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\w[ \u00a0]+[,.;:!?)](?!\w)|\( ")


def _around(text: str, match: re.Match[str]) -> str:
    start, end = max(0, match.start() - 25), min(len(text), match.end() + 25)
    return "«" + " ".join(text[start:end].split()) + "»"


def wording_problems(text: str, *, spacing: bool = True) -> list[str]:
    """Slips in a page's shown text: a decimal point or a hyphen for a minus in a number, «1»
    with a plural noun, a municipality or NAV in lower case, Django's default form messages,
    and (``spacing``: the text as laid out) a double space or a space before punctuation."""
    problems = []
    undotted = text
    for pattern in ALLOWED_DOTTED:
        undotted = re.sub(
            pattern, lambda m: re.sub(r"\d", "0", m.group()).replace(".", "·"), undotted
        )
    for match in _DOTTED_NUMBER.finditer(undotted):
        problems.append(f"a decimal point in a number: {_around(text, match)}")
    for match in _HYPHEN_MINUS.finditer(text):
        problems.append(f"a hyphen for a minus sign (write −): {_around(text, match)}")
    for match in _ONE_PLURAL.finditer(text):
        problems.append(f"«1» with a plural: {_around(text, match)}")
    for match in _LOWER_MUNICIPALITY.finditer(text):
        problems.append(f"a municipality in lower case: {_around(text, match)}")
    for match in _LOWER_NAV.finditer(text):
        problems.append(f"«nav» in lower case: {_around(text, match)}")
    for message in DJANGO_DEFAULT_MESSAGES:
        for match in re.finditer(re.escape(message), text):
            problems.append(f"Django's default message: {_around(text, match)}")
    for line in text.splitlines() if spacing else []:
        for match in _DOUBLE_SPACE.finditer(line):
            problems.append(f"a double space: {_around(line, match)}")
        for match in _SPACE_BEFORE_PUNCTUATION.finditer(line):
            problems.append(f"a space before punctuation: {_around(line, match)}")
    return problems
