"""Words as they go into a sentence: a label lower-cased in running text keeps its proper names
and abbreviations («Kommentar til NAV og sosiale tjenester», not «nav og sosiale tjenester»)."""

from __future__ import annotations


def lower_first(label: str) -> str:
    """``label`` with its first letter in lower case, unless its first word is an abbreviation
    (all capitals, «NAV») or a name the caller keeps: «Barnehage» -> «barnehage»."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]
