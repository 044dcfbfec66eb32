"""Input hygiene shared by every path that takes input: the forms, the API and the imports
(issue 25). Each check returns the Norwegian message of what is wrong, or None.

- A name (a person's given, middle or family name) has no control characters and none of the
  characters that change the direction text is shown in: a right-to-left override (U+202E) can make
  «Ola» show as «alO» and a list of names lie about who is who.
- Any other text has no control characters but line breaks and tabs (multi-line text), and no
  direction overrides, embeddings or isolates.
- A date is not before 1900 (what the household import has always required): earlier dates are
  typing errors («0024» for «2024»), and they break date arithmetic and the exports.
- A link is http or https: ``javascript:`` or ``data:`` in a link runs in the reader's browser.
"""

from __future__ import annotations

import datetime
import unicodedata
from urllib.parse import urlsplit

EARLIEST_DATE = datetime.date(1900, 1, 1)
LINK_SCHEMES = frozenset({"http", "https"})

# Explicit direction formatting: embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and
# isolates (LRI, RLI, FSI, PDI); names also refuse the marks (LRM, RLM, ALM).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BIDI_MARKS = frozenset("\u200e\u200f\u061c")
TEXT_BREAKS = frozenset("\n\r\t")

NAME_MESSAGE = "Navnet kan ikke inneholde kontrolltegn eller tegn som endrer skriveretningen."
TEXT_MESSAGE = "Teksten kan ikke inneholde kontrolltegn eller tegn som endrer skriveretningen."
DATE_MESSAGE = "Datoen kan ikke være før 01.01.1900."
LINK_MESSAGE = "Lenken må være en nettadresse som begynner med http:// eller https://."


def _control(char: str) -> bool:
    # Cc: C0 and C1 controls (NUL, ESC, …); Zl, Zp: the line and paragraph separators.
    return unicodedata.category(char) in {"Cc", "Zl", "Zp"}


def name_problem(text: str) -> str | None:
    """What is wrong with a name, or None: control characters and direction formatting."""
    if any(_control(c) or c in BIDI_CONTROLS or c in BIDI_MARKS for c in text):
        return NAME_MESSAGE
    return None


def text_problem(text: str, *, multiline: bool = True) -> str | None:
    """What is wrong with other text, or None: control characters (but line breaks and tabs in
    multi-line text) and direction overrides, embeddings and isolates."""
    allowed = TEXT_BREAKS if multiline else frozenset()
    if any((_control(c) and c not in allowed) or c in BIDI_CONTROLS for c in text):
        return TEXT_MESSAGE
    return None


def date_problem(day: datetime.date | None) -> str | None:
    """What is wrong with a date (or a moment), or None: before 1900."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    if day is not None and day < EARLIEST_DATE:
        return DATE_MESSAGE
    return None


def link_problem(text: str) -> str | None:
    """What is wrong with a link, or None (an empty link is none): only http and https, with a
    host, and no control characters."""
    if not text:
        return None
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return LINK_MESSAGE
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc or text_problem(text):
        return LINK_MESSAGE
    return None
