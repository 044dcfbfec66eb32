"""Text as a search compares it: «azizi» finds «Azízi», «MÜLLER» finds «Müller».

A name is folded once, when it is saved, into a column the search reads (``people.Person``'s
``search_given`` and ``search_family``), and each term of a search the same way. Folding
lower-cases (``casefold``: «ß» is «ss») and removes the accents that are marks on a letter
(í, é, ü, ç, ň: Unicode's combining marks after NFKD). The Norwegian letters stay letters of
their own: «æ», «ø» and «å» are not «ae», «o» and «a», as a Norwegian reader expects («Ø» is not
«O»), and «aa» stays «aa». A compatibility form (a ligature «ﬁ», a full-width letter) becomes its
plain letters.
"""

from __future__ import annotations

import unicodedata

# Letters that NFKD would split into a base letter and a mark but that Norwegian keeps whole.
_KEPT = frozenset("åÅ")


def search_fold(text: str) -> str:
    """``text`` as the search compares it: case-folded, accents removed, «æøå» kept, runs of
    white space made one space."""
    folded: list[str] = []
    # Composed first, so that an «å» typed as a and a ring is the letter å.
    for char in unicodedata.normalize("NFC", " ".join(text.split())).casefold():
        if char in _KEPT:
            folded.append(char)
            continue
        folded.extend(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
    return "".join(folded)
