"""The matcher (utsøking): place each refugee household in at most one municipality, within every
capacity, only in allowed pairs, with the largest total score (OWNED BY A HELPER)."""
